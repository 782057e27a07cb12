// The entry point of config/: a keepalived.conf file in, a validated typed model and
// every diagnostic out. Pure apart from reading the files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "config/diagnostics.h"
#include "config/lexer.h"
#include "config/model.h"

namespace keel::config {

struct LoadResult {
  Config config;
  Diagnostics diagnostics;
  bool ok() const { return !diagnostics.has_errors(); }
};

LoadResult load_config_file(const std::filesystem::path& path, const ReadOptions& options = {});
LoadResult load_config_text(std::string_view text, std::string_view name = "<input>", const ReadOptions& options = {});

// Parses an already built tree; the step after the lexer, exposed for tests and fuzzing.
void parse_tree(const Tree& tree, Config& config, Diagnostics& diagnostics);

// The normalized model in keepalived.conf syntax: every value explicit, one keyword per
// line, stable order. Reading the output back yields the same model (round trip).
std::string dump_config(const Config& config);

}  // namespace keel::config
