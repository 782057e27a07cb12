// Internal to the lexer: include FILENAME and its checking variants (keepalived.conf(5),
// "include" and global_defs "include_check"): which files a pattern names, and reading a
// configuration file without ever blocking or reading something that is not a file.
#pragma once

#include <sys/types.h>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/lex_report.h"

namespace keel::config::lex {

// include_check options, as bits. match, wildcard_match and brace_match imply readable.
enum IncludeCheck : unsigned {
  kCheckReadable = 1,       // a matched file that cannot be read is an error
  kCheckMatch = 2,          // a name without wildcards that matches nothing is an error
  kCheckWildcardMatch = 4,  // a pattern with wildcards that matches nothing is an error
  kCheckBraceMatch = 8,     // a {a,b} alternative that matches nothing is an error
  kCheckAll = 15,
};

// The checks that `include`, `includer`, `includem`, `includew`, `includeb` and
// `includea` add; nullopt for any other keyword.
std::optional<unsigned> include_keyword_checks(std::string_view keyword);

// `include_check [OPTIONS]`: no option means all; `+` adds and `-` removes the options
// that follow it ("+match -wildcard_match"); otherwise the options listed replace the level.
unsigned apply_include_check(unsigned level, std::span<const std::string> options, const SourceLocation& where,
                             Reporter& report);

// Files named by an include pattern, in order: csh brace alternatives left to right, each
// expanded by glob(3) in sorted order; directories are skipped. A relative pattern is
// relative to `dir` (empty: the current directory). Reports what `checks` asks for;
// without checks, a name without wildcards that matches nothing is only a warning.
std::vector<std::string> resolve_include(std::string_view pattern, std::string_view dir, unsigned checks,
                                         const SourceLocation& where, Reporter& report);

// csh-style brace expansion ("{foo/{,cat,dog},bar}"); false if it yields more than
// `limit` names. A `{...}` without a comma, or after a backslash, stays as written.
bool expand_braces(std::string_view pattern, std::size_t limit, std::vector<std::string>& out);

struct FileId {
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const FileId&) const = default;
};

struct FileContent {
  std::string text;
  FileId id;
};

// The whole content of a regular, non-executable file, as keepalived accepts them;
// otherwise the reason ("No such file or directory", "not a regular file", ...).
std::expected<FileContent, std::string> read_config_source(const std::string& path);

}  // namespace keel::config::lex
