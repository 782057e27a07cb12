// ~SEQ and ~LST parsing; see lex_seq.h.
#include "config/lex_seq.h"

#include <cerrno>
#include <cstdlib>

#include "config/lex_line.h"
#include "config/lex_macro.h"

namespace keel::config::lex {
namespace {

std::string_view trim(std::string_view text) { return trim_trailing(trim_leading(text)); }

std::expected<long long, std::string> parse_number(std::string_view text) {
  text = trim(text);
  const std::string copy{text};  // strtoll needs a terminator
  if (copy.empty()) return std::unexpected("a number is missing");
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(copy.c_str(), &end, 0);
  if (end != copy.c_str() + copy.size()) return std::unexpected("'" + copy + "' is not a number");
  if (errno == ERANGE) return std::unexpected("'" + copy + "' is out of range");
  return value;
}

// Splits at commas that are not inside {...}; false if the braces do not balance.
bool split_items(std::string_view text, std::vector<std::string_view>& items) {
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && ++depth > 1) return false;
    if (text[i] == '}' && --depth < 0) return false;
    if (text[i] == ',' && depth == 0) {
      items.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  items.push_back(trim(text.substr(start)));
  return depth == 0;
}

// "{a, b}" -> {"a", "b"}; "a" -> {"a"}. Values must be single words, as in keepalived.
std::expected<std::vector<std::string>, std::string> parse_group(std::string_view item) {
  std::vector<std::string_view> parts;
  if (item.size() >= 2 && item.front() == '{' && item.back() == '}') {
    split_items(item.substr(1, item.size() - 2), parts);
  } else {
    parts.push_back(item);
  }
  std::vector<std::string> values;
  for (std::string_view part : parts) {
    if (part.empty()) return std::unexpected("empty value in '" + std::string{item} + "'");
    for (char c : part) {
      if (is_space(c) || c == '{' || c == '}') {
        return std::unexpected("'" + std::string{part} + "' is not a single word");
      }
    }
    values.emplace_back(part);
  }
  return values;
}

}  // namespace

bool is_generator_line(std::string_view line) { return line.starts_with("~SEQ") || line.starts_with("~LST"); }

std::expected<GeneratorLine, std::string> split_generator_line(std::string_view line) {
  GeneratorLine result;
  std::string_view text = line.substr(4);
  if (line.starts_with("~LST")) {
    result.kind = GeneratorKind::kList;
  } else if (text.starts_with('x')) {
    result.kind = GeneratorKind::kSeqHex;
    text.remove_prefix(1);
  }
  text = trim_leading(text);
  if (!text.starts_with('(')) return std::unexpected("'(' expected after " + std::string{line.substr(0, 4)});
  const std::size_t close = text.find(')');
  if (close == std::string_view::npos) return std::unexpected("missing ')'");
  result.args = text.substr(1, close - 1);
  result.rest = trim_leading(text.substr(close + 1));
  return result;
}

std::expected<SeqSpec, std::string> parse_seq(std::string_view args, bool hex) {
  std::vector<std::string_view> items;
  if (!split_items(args, items)) return std::unexpected("unexpected '{' or '}'");
  SeqSpec spec{.var = std::string{items[0]}, .hex = hex};
  if (!is_parameter_name(spec.var)) return std::unexpected("'" + spec.var + "' is not a valid variable name");
  if (items.size() < 2 || items.size() > 4) return std::unexpected("expected (var, [start, [step,]] end)");
  std::vector<long long> numbers;
  for (std::size_t i = 1; i < items.size(); ++i) {
    auto number = parse_number(items[i]);
    if (!number) return std::unexpected(number.error());
    numbers.push_back(*number);
  }
  if (numbers.size() == 1) {
    spec.end = numbers[0];
    spec.step = spec.end < 1 ? -1 : 1;
    spec.start = spec.end < 0 ? -1 : 1;
  } else if (numbers.size() == 2) {
    spec.start = numbers[0];
    spec.end = numbers[1];
    spec.step = spec.start <= spec.end ? 1 : -1;
  } else {
    spec.start = numbers[0];
    spec.step = numbers[1];
    spec.end = numbers[2];
    if (spec.step == 0 || (spec.start < spec.end && spec.step < 0) || (spec.start > spec.end && spec.step > 0)) {
      return std::unexpected("step " + std::to_string(spec.step) + " never goes from " + std::to_string(spec.start) +
                             " to " + std::to_string(spec.end));
    }
  }
  if (hex && (spec.start < 0 || spec.end < 0)) return std::unexpected("~SEQx is only valid for positive numbers");
  return spec;
}

std::expected<ListSpec, std::string> parse_list(std::string_view args) {
  std::vector<std::string_view> items;
  if (!split_items(args, items)) return std::unexpected("unbalanced '{' '}'");
  ListSpec spec;
  auto vars = parse_group(items[0]);
  if (!vars) return std::unexpected(vars.error());
  for (const std::string& var : *vars) {
    if (!is_parameter_name(var)) return std::unexpected("'" + var + "' is not a valid variable name");
  }
  spec.vars = std::move(*vars);
  if (items.size() < 2) return std::unexpected("at least one value is needed");
  for (std::size_t i = 1; i < items.size(); ++i) {
    auto row = parse_group(items[i]);
    if (!row) return std::unexpected(row.error());
    if (row->size() != spec.vars.size()) {
      return std::unexpected("'" + std::string{items[i]} + "' has " + std::to_string(row->size()) + " values for " +
                             std::to_string(spec.vars.size()) + " variables");
    }
    spec.rows.push_back(std::move(*row));
  }
  return spec;
}

}  // namespace keel::config::lex
