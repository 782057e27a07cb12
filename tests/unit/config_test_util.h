// Helpers for config tests: load text under a fixed file name and list diagnostics.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/load.h"

namespace keel::config::testing {

inline LoadResult load(std::string_view text, const ReadOptions& options = {}) {
  return load_config_text(text, "t.conf", options);
}

inline std::vector<std::string> messages(const LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& diagnostic : result.diagnostics.all()) out.push_back(diagnostic.to_string());
  return out;
}

inline std::vector<std::string> errors(const LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& diagnostic : result.diagnostics.all())
    if (diagnostic.severity == Severity::kError) out.push_back(diagnostic.to_string());
  return out;
}

inline std::vector<std::string> warnings(const LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& diagnostic : result.diagnostics.all())
    if (diagnostic.severity == Severity::kWarning) out.push_back(diagnostic.to_string());
  return out;
}

}  // namespace keel::config::testing
