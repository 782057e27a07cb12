// The keepalived.conf lexer and preprocessor: text (or a file and everything it
// includes) to a Tree. See keepalived.conf(5), sections "include", "Quoted strings",
// "Conditional configuration", "Parameter substitution" and "Sequence blocks".
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "config/diagnostics.h"
#include "config/tree.h"

namespace keel::config {

struct ReadOptions {
  // The --config-id (keepalived -i): selects "@ID" lines and drops "@^ID" lines.
  // Empty means the id is the host name's first label, as keepalived does.
  std::string config_id;
  // Safety limits so that a hostile or broken config cannot hang or exhaust the daemon.
  int max_include_depth = 32;
  std::size_t max_expanded_lines = 10'000'000;
};

// Reads `path` and everything it includes. A missing or unreadable top-level file is
// an error diagnostic naming the path; the returned Tree is then empty.
Tree read_config_file(const std::filesystem::path& path, const ReadOptions& options, Diagnostics& diagnostics);

// Same for in-memory text; `name` is used as the file name in locations, and relative
// includes are resolved against the current directory.
Tree read_config_text(std::string_view text, std::string_view name, const ReadOptions& options,
                      Diagnostics& diagnostics);

}  // namespace keel::config
