// Internal to the lexer: $NAME=VALUE definitions and their substitution
// (keepalived.conf(5), "Parameter substitution" and "Pre-defined definitions").
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/diagnostics.h"
#include "config/lex_report.h"

namespace keel::config::lex {

// [A-Za-z_][A-Za-z0-9_]*, the man page's rule for parameter names.
bool is_parameter_name(std::string_view name);
std::size_t parameter_name_length(std::string_view text);  // of the name at the start of text

enum class Builtin { kNone, kPwd, kInstance, kRandom, kHash, kBang };

struct Definition {
  // One element per line; a multi-line definition (trailing '\') may have several.
  std::shared_ptr<const std::vector<std::string>> lines;
  bool multiline = false;
  Builtin builtin = Builtin::kNone;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class Definitions {
 public:
  // Installs the pre-defined ${_PWD}, ${_INSTANCE}, ${_RANDOM}, ${_HASH} and ${_BANG}.
  explicit Definitions(std::string instance);

  void define(std::string_view name, std::string value);
  void define_lines(std::string_view name, std::vector<std::string> lines);  // multi-line
  const Definition* find(std::string_view name) const;
  const std::string& instance() const { return instance_; }

 private:
  std::unordered_map<std::string, Definition, StringHash, std::equal_to<>> table_;
  std::string instance_;
};

// The lines of a multi-line definition that follow the one substituted in place.
struct PendingLines {
  std::shared_ptr<const std::vector<std::string>> lines;
  std::size_t next = 1;
};

enum class ExpandStatus { kUnchanged, kChanged, kFailed };

class Expander {
 public:
  static constexpr int kMaxDepth = 32;
  static constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;
  static constexpr std::size_t kMaxSubstitutions = 100'000;

  Expander(Definitions& definitions, Reporter& report);

  // Replaces every defined `$NAME` (followed by whitespace, ',', ')' or the end) and
  // `${NAME}` in `line`, recursively, into `out`. A multi-line definition is replaced only
  // at the end of the line: its first line goes into `out`, the rest into `pending`
  // (outermost first). Undefined names stay as written, with a warning once per name.
  // kFailed (after an error) when a limit above is exceeded: self-reference or blow-up.
  ExpandStatus expand(std::string_view line, std::string_view pwd, const SourceLocation& where, std::string& out,
                      std::vector<PendingLines>& pending);

 private:
  struct Pass;
  bool expand_into(std::string_view text, bool ends_line, int depth, Pass& pass);
  bool substitute(std::string_view reference, std::string_view name, std::string_view params, bool at_line_end,
                  int depth, Pass& pass);
  void warn_once(const SourceLocation& where, std::string_view key, std::string message);
  std::string random_value(std::string_view params, const SourceLocation& where);

  Definitions& definitions_;
  Reporter& report_;
  std::unordered_set<std::string, StringHash, std::equal_to<>> warned_;
  std::minstd_rand random_;
};

}  // namespace keel::config::lex
