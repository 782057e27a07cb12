// Parameter definitions and substitution; see lex_macro.h.
#include "config/lex_macro.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>

namespace keel::config::lex {
namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct Reference {
  std::string_view name;
  std::string_view params;  // ${_RANDOM 1 10} -> "1 10"
  std::size_t length = 0;   // of the whole reference, '$' and braces included
};

// Parses the reference whose '$' is text[i], following keepalived's find_definition():
// `$NAME` must be followed by whitespace, ',', ')' or the end of the text; `${NAME}` may
// carry space-separated decimal parameters before the '}'.
std::optional<Reference> parse_reference(std::string_view text, std::size_t i) {
  const std::size_t n = text.size();
  std::size_t j = i + 1;
  const bool braces = j < n && text[j] == '{';
  if (braces) ++j;
  if (j >= n || !is_name_start(text[j])) return std::nullopt;
  const std::size_t name_start = j;
  while (j < n && is_name_char(text[j])) ++j;
  Reference ref{.name = text.substr(name_start, j - name_start)};
  if (!braces) {
    if (j < n && text[j] != ' ' && text[j] != '\t' && text[j] != ',' && text[j] != ')') return std::nullopt;
    ref.length = j - i;
    return ref;
  }
  std::size_t p = j;
  while (p < n && (text[p] == ' ' || is_digit(text[p]))) ++p;
  if (p >= n || text[p] != '}') return std::nullopt;
  std::string_view params = text.substr(j, p - j);
  while (!params.empty() && params.front() == ' ') params.remove_prefix(1);
  if (!params.empty() && params.back() == ' ') return std::nullopt;  // "must not end with a space"
  ref.params = params;
  ref.length = p + 1 - i;
  return ref;
}

}  // namespace

bool is_parameter_name(std::string_view name) { return !name.empty() && parameter_name_length(name) == name.size(); }

std::size_t parameter_name_length(std::string_view text) {
  if (text.empty() || !is_name_start(text[0])) return 0;
  std::size_t n = 1;
  while (n < text.size() && is_name_char(text[n])) ++n;
  return n;
}

Definitions::Definitions(std::string instance) : instance_(std::move(instance)) {
  for (auto [name, builtin] : {std::pair{"_PWD", Builtin::kPwd}, std::pair{"_INSTANCE", Builtin::kInstance},
                               std::pair{"_RANDOM", Builtin::kRandom}, std::pair{"_HASH", Builtin::kHash},
                               std::pair{"_BANG", Builtin::kBang}}) {
    table_[name] = Definition{.builtin = builtin};
  }
}

void Definitions::define(std::string_view name, std::string value) {
  std::vector<std::string> lines;
  lines.push_back(std::move(value));
  auto it = table_.find(name);
  if (it == table_.end()) it = table_.emplace(std::string{name}, Definition{}).first;
  // A fresh vector, never an in-place edit: a multi-line expansion in progress may still
  // hold the previous value (the man page's $RS_NUM=1 inside $VS).
  it->second = Definition{.lines = std::make_shared<const std::vector<std::string>>(std::move(lines))};
}

void Definitions::define_lines(std::string_view name, std::vector<std::string> lines) {
  auto it = table_.find(name);
  if (it == table_.end()) it = table_.emplace(std::string{name}, Definition{}).first;
  it->second =
      Definition{.lines = std::make_shared<const std::vector<std::string>>(std::move(lines)), .multiline = true};
}

const Definition* Definitions::find(std::string_view name) const {
  const auto it = table_.find(name);
  return it == table_.end() ? nullptr : &it->second;
}

struct Expander::Pass {
  std::string_view pwd;
  const SourceLocation& where;
  std::string& out;
  std::vector<PendingLines>& pending;
  std::size_t substitutions = 0;
  bool changed = false;
};

Expander::Expander(Definitions& definitions, Reporter& report)
    : definitions_(definitions), report_(report), random_(std::random_device{}()) {}

ExpandStatus Expander::expand(std::string_view line, std::string_view pwd, const SourceLocation& where,
                              std::string& out, std::vector<PendingLines>& pending) {
  out.clear();
  Pass pass{.pwd = pwd, .where = where, .out = out, .pending = pending};
  if (!expand_into(line, true, 0, pass)) {
    pending.clear();
    return ExpandStatus::kFailed;
  }
  return pass.changed ? ExpandStatus::kChanged : ExpandStatus::kUnchanged;
}

bool Expander::expand_into(std::string_view text, bool ends_line, int depth, Pass& pass) {
  std::size_t done = 0;
  for (std::size_t i = text.find('$'); i != std::string_view::npos; i = text.find('$', i)) {
    const std::optional<Reference> ref = parse_reference(text, i);
    if (!ref) {
      ++i;
      continue;
    }
    pass.out.append(text.substr(done, i - done));
    const bool at_line_end = ends_line && i + ref->length == text.size();
    if (!substitute(text.substr(i, ref->length), ref->name, ref->params, at_line_end, depth, pass)) return false;
    i += ref->length;
    done = i;
  }
  pass.out.append(text.substr(done));
  if (pass.out.size() > kMaxLineBytes) {
    report_.error(pass.where, "line grows beyond " + std::to_string(kMaxLineBytes) +
                                  " bytes while substituting parameters; it is ignored");
    return false;
  }
  return true;
}

// Appends the value of one reference (or the reference itself when it cannot be
// replaced) to pass.out. False after reporting an error.
bool Expander::substitute(std::string_view reference, std::string_view name, std::string_view params, bool at_line_end,
                          int depth, Pass& pass) {
  const Definition* def = definitions_.find(name);
  if (def == nullptr) {
    warn_once(pass.where, name, "parameter '" + std::string{reference} + "' is not defined; it is kept as written");
    pass.out.append(reference);
    return true;
  }
  if (!params.empty() && def->builtin != Builtin::kRandom) {
    warn_once(pass.where, name,
              "parameter '" + std::string{name} + "' takes no arguments; '" + std::string{reference} +
                  "' is kept as written");
    pass.out.append(reference);
    return true;
  }
  if (def->multiline && !at_line_end) {
    warn_once(pass.where, name,
              "multi-line parameter '" + std::string{reference} +
                  "' is replaced only at the end of a line; it is kept as written");
    pass.out.append(reference);
    return true;
  }
  if (++pass.substitutions > kMaxSubstitutions) {
    report_.error(pass.where, "more than " + std::to_string(kMaxSubstitutions) +
                                  " parameter substitutions in one line; it is ignored");
    return false;
  }
  if (depth >= kMaxDepth) {
    report_.error(pass.where, "parameter '" + std::string{reference} + "' is nested more than " +
                                  std::to_string(kMaxDepth) + " levels deep (does a definition refer to itself?)");
    return false;
  }
  pass.changed = true;
  switch (def->builtin) {
    case Builtin::kPwd:
      pass.out.append(pass.pwd);
      return true;
    case Builtin::kInstance:
      pass.out.append(definitions_.instance());
      return true;
    case Builtin::kRandom:
      pass.out.append(random_value(params, pass.where));
      return true;
    case Builtin::kHash:
      pass.out.push_back('#');
      return true;
    case Builtin::kBang:
      pass.out.push_back('!');
      return true;
    case Builtin::kNone:
      break;
  }
  const auto& lines = def->lines;
  if (lines->empty()) return true;
  // Queue the rest before expanding the first line, so that a multi-line parameter used
  // at the end of that first line has its own lines read first (a stack, innermost on top).
  if (lines->size() > 1) pass.pending.push_back({lines, 1});
  return expand_into((*lines)[0], at_line_end, depth + 1, pass);
}

void Expander::warn_once(const SourceLocation& where, std::string_view key, std::string message) {
  if (warned_.contains(key)) return;
  warned_.emplace(key);
  report_.warning(where, std::move(message));
}

// ${_RANDOM [MIN [MAX]]}: a random integer in [MIN, MAX], by default [0, 32767].
std::string Expander::random_value(std::string_view params, const SourceLocation& where) {
  const std::string_view written = params;
  std::uint64_t bounds[2] = {0, 32767};
  std::size_t count = 0;
  while (!params.empty()) {
    const std::size_t digits = params.find(' ');
    const std::string_view number = params.substr(0, digits);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (count == 2 || ec != std::errc{} || end != number.data() + number.size()) {
      report_.warning(where, "${_RANDOM " + std::string{written} + "}: expected at most two numbers MIN MAX; using [" +
                                 std::to_string(bounds[0]) + ", " + std::to_string(bounds[1]) + "]");
      break;
    }
    bounds[count++] = value;
    params = digits == std::string_view::npos ? std::string_view{} : params.substr(digits);
    while (!params.empty() && params.front() == ' ') params.remove_prefix(1);
  }
  if (bounds[0] > bounds[1]) std::swap(bounds[0], bounds[1]);
  std::uniform_int_distribution<std::uint64_t> pick(bounds[0], bounds[1]);
  return std::to_string(pick(random_));
}

}  // namespace keel::config::lex
