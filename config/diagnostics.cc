#include "config/diagnostics.h"

namespace keel::config {

std::string SourceLocation::to_string() const { return std::string{file_name()} + ":" + std::to_string(line); }

std::string Diagnostic::to_string() const {
  return location.to_string() + (severity == Severity::kError ? ": error: " : ": warning: ") + message;
}

void Diagnostics::error(const SourceLocation& where, std::string message) {
  items_.push_back({Severity::kError, where, std::move(message)});
  ++errors_;
}

void Diagnostics::warning(const SourceLocation& where, std::string message) {
  items_.push_back({Severity::kWarning, where, std::move(message)});
}

}  // namespace keel::config
