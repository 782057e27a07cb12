// Diagnostics: every problem found in a configuration, with the file and line it came from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace keel::config {

// Where a piece of configuration came from. The file name is shared by every
// location in that file so that a 150,000-line config does not copy it per line.
struct SourceLocation {
  std::shared_ptr<const std::string> file;
  std::uint32_t line = 0;

  std::string_view file_name() const { return file ? std::string_view{*file} : std::string_view{"<input>"}; }
  std::string to_string() const;  // "file:line"
};

enum class Severity { kWarning, kError };

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceLocation location;
  std::string message;

  // "file:line: error: message" — the form compilers use, so editors can jump to it.
  std::string to_string() const;
};

class Diagnostics {
 public:
  void error(const SourceLocation& where, std::string message);
  void warning(const SourceLocation& where, std::string message);

  const std::vector<Diagnostic>& all() const { return items_; }
  std::size_t error_count() const { return errors_; }
  std::size_t warning_count() const { return items_.size() - errors_; }
  bool has_errors() const { return errors_ != 0; }

 private:
  std::vector<Diagnostic> items_;
  std::size_t errors_ = 0;
};

}  // namespace keel::config
