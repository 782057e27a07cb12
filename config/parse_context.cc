#include "config/parse_context.h"

#include <charconv>
#include <cmath>

namespace keel::config {
namespace {

std::string quoted(std::string_view keyword) { return "'" + std::string{keyword} + "'"; }

std::string plural(std::size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string{noun} + (count == 1 ? "" : "s");
}

}  // namespace

std::optional<std::int64_t> parse_integer(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  int base = 10;
  bool negative = false;
  if (text.starts_with('-')) {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  std::uint64_t magnitude = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (magnitude > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  const auto value = static_cast<std::int64_t>(magnitude);
  return negative ? -value : value;
}

std::optional<Duration> parse_seconds(std::string_view text) {
  // Parsed by hand rather than with strtod so that "1e9", "inf" and "nan" are refused
  // and the microsecond value is exact for every decimal the man page shows.
  if (text.empty() || text.size() > 24) return std::nullopt;
  const auto dot = text.find('.');
  const auto whole_text = text.substr(0, dot);
  std::int64_t whole = 0;
  if (!whole_text.empty()) {
    const auto [end, error] = std::from_chars(whole_text.data(), whole_text.data() + whole_text.size(), whole);
    if (error != std::errc{} || end != whole_text.data() + whole_text.size() || whole < 0) return std::nullopt;
  }
  std::int64_t micros = 0;
  if (dot != std::string_view::npos) {
    const auto fraction = text.substr(dot + 1);
    if (fraction.empty() && whole_text.empty()) return std::nullopt;
    std::int64_t scale = 100000;
    for (char c : fraction) {
      if (c < '0' || c > '9') return std::nullopt;
      micros += (c - '0') * scale;
      scale /= 10;
    }
  } else if (whole_text.empty()) {
    return std::nullopt;
  }
  if (whole > 1'000'000'000) return std::nullopt;
  return Duration{whole * 1'000'000 + micros};
}

std::string format_seconds(Duration value) {
  const auto micros = value.count();
  std::string text = std::to_string(micros / 1'000'000);
  if (const auto fraction = micros % 1'000'000; fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 6 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text;
}

std::vector<std::string> split_command_line(std::string_view text) {
  // Shell-like: whitespace separates words, single or double quotes keep spaces.
  std::vector<std::string> words;
  std::string current;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      else
        current += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::move(current));
      current.clear();
      in_word = false;
    } else {
      current += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(current));
  return words;
}

void ParseContext::deprecated(const Node& at, std::string_view old_form, std::string_view modern_form) {
  warning(at, quoted(old_form) + " is deprecated, use " + quoted(modern_form) + " instead");
}

bool ParseContext::expect_args(const Node& at, std::size_t min, std::size_t max) {
  const std::size_t count = at.args.size();
  if (count >= min && count <= max) return true;
  std::string expected;
  if (max == 0)
    expected = "takes no arguments";
  else if (min == max)
    expected = "expects " + plural(min, "argument");
  else if (max == SIZE_MAX)
    expected = "expects at least " + plural(min, "argument");
  else
    expected = "expects " + std::to_string(min) + " to " + plural(max, "argument");
  error(at, quoted(at.keyword) + " " + expected + ", got " + std::to_string(count));
  return false;
}

bool ParseContext::expect_block(const Node& at) {
  if (at.has_block) return true;
  error(at, quoted(at.keyword) + " needs a { } block");
  return false;
}

bool ParseContext::expect_no_block(const Node& at) {
  if (!at.has_block) return true;
  error(at, quoted(at.keyword) + " does not take a { } block");
  return false;
}

std::optional<std::int64_t> ParseContext::integer(const Node& at, std::size_t index, std::int64_t min,
                                                  std::int64_t max) {
  if (index >= at.args.size()) {
    error(at, quoted(at.keyword) + " is missing a number");
    return std::nullopt;
  }
  return integer(at, at.keyword, at.args[index], min, max);
}

std::optional<std::int64_t> ParseContext::integer(const Node& at, std::string_view what, std::string_view text,
                                                  std::int64_t min, std::int64_t max) {
  const auto value = parse_integer(text);
  if (!value) {
    error(at, quoted(what) + " value '" + std::string{text} + "' is not a number");
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    error(at, quoted(what) + " value '" + std::string{text} + "' is out of range " + std::to_string(min) + ".." +
                  std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<Duration> ParseContext::timer(const Node& at, std::size_t index, Duration min, Duration max) {
  if (index >= at.args.size()) {
    error(at, quoted(at.keyword) + " is missing a time in seconds");
    return std::nullopt;
  }
  return timer(at, at.keyword, at.args[index], min, max);
}

std::optional<Duration> ParseContext::timer(const Node& at, std::string_view what, std::string_view text, Duration min,
                                            Duration max) {
  const auto value = parse_seconds(text);
  if (!value) {
    error(at, quoted(what) + " value '" + std::string{text} + "' is not a time in seconds");
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    error(at, quoted(what) + " value '" + std::string{text} + "' is out of range " + format_seconds(min) + ".." +
                  format_seconds(max) + " seconds");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ParseContext::boolean(const Node& at, std::size_t index) {
  if (index >= at.args.size()) return true;
  const std::string& word = at.args[index];
  if (word == "on" || word == "true" || word == "yes") return true;
  if (word == "off" || word == "false" || word == "no") return false;
  error(at, quoted(at.keyword) + " value '" + word + "' is not one of on off true false yes no");
  return std::nullopt;
}

std::optional<IpAddress> ParseContext::address(const Node& at, std::size_t index) {
  if (index >= at.args.size()) {
    error(at, quoted(at.keyword) + " is missing an address");
    return std::nullopt;
  }
  return address(at, at.keyword, at.args[index]);
}

std::optional<IpAddress> ParseContext::address(const Node& at, std::string_view what, std::string_view text) {
  auto value = IpAddress::parse(text);
  if (!value) error(at, quoted(what) + " has an invalid address '" + std::string{text} + "'");
  return value;
}

std::optional<IpPrefix> ParseContext::prefix(const Node& at, std::string_view what, std::string_view text) {
  auto value = IpPrefix::parse(text);
  if (!value) error(at, quoted(what) + " has an invalid address '" + std::string{text} + "'");
  return value;
}

std::optional<std::uint16_t> ParseContext::port(const Node& at, std::string_view what, std::string_view text) {
  const auto value = integer(at, what, text, 0, 65535);
  if (!value) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

std::optional<Script> ParseContext::script(const Node& at, std::size_t first_index, bool allow_user) {
  if (first_index >= at.args.size()) {
    error(at, quoted(at.keyword) + " is missing a script");
    return std::nullopt;
  }
  Script result;
  const std::size_t command_end = allow_user ? first_index + 1 : at.args.size();
  for (std::size_t i = first_index; i < command_end; ++i) {
    for (auto& word : split_command_line(at.args[i])) result.command.push_back(std::move(word));
  }
  if (result.command.empty()) {
    error(at, quoted(at.keyword) + " has an empty script");
    return std::nullopt;
  }
  if (allow_user && at.args.size() > command_end) result.user = at.args[command_end];
  if (allow_user && at.args.size() > command_end + 1) result.group = at.args[command_end + 1];
  return result;
}

void DumpWriter::indent() { text_.append(static_cast<std::size_t>(depth_) * 4, ' '); }

void DumpWriter::line(std::string_view keyword, std::initializer_list<std::string_view> args) {
  indent();
  text_ += quote(keyword);  // block lists write user words in the keyword position
  for (auto arg : args) {
    text_ += ' ';
    text_ += quote(arg);
  }
  text_ += '\n';
}

void DumpWriter::line(std::string_view keyword, const std::vector<std::string>& args) {
  indent();
  text_ += quote(keyword);  // block lists write user words in the keyword position
  for (const auto& arg : args) {
    text_ += ' ';
    text_ += quote(arg);
  }
  text_ += '\n';
}

void DumpWriter::open(std::string_view header) {
  indent();
  text_ += header;
  text_ += " {\n";
  ++depth_;
}

void DumpWriter::close() {
  --depth_;
  indent();
  text_ += "}\n";
}

std::string DumpWriter::quote(std::string_view word) {
  // Anything the lexer would treat specially (separators, quotes, escapes, comments,
  // braces, parameters, line control characters) forces quotes; a leading '@' or '~'
  // would read as a conditional or a sequence.
  bool needs_quotes = word.empty() || word[0] == '@' || word[0] == '~';
  for (char c : word) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte == 0x7f || c == '"' || c == '\'' || c == '#' || c == '!' || c == '{' || c == '}' ||
        c == '\\' || c == '$')
      needs_quotes = true;
  }
  if (!needs_quotes) return std::string{word};
  std::string out = "\"";
  for (char c : word) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < ' ' || byte == 0x7f) {
      // Three octal digits always: the lexer reads at most three, so a digit that
      // follows cannot be swallowed (a \x escape would take every hex digit after it).
      out += '\\';
      out += static_cast<char>('0' + (byte >> 6));
      out += static_cast<char>('0' + ((byte >> 3) & 7));
      out += static_cast<char>('0' + (byte & 7));
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

namespace {

// One command word as split_command_line() reads it back: adjacent quoted pieces join
// into one word, so a single quote inside is written as '"'"'.
std::string command_word(std::string_view word) {
  if (!word.empty() && word.find_first_of(" \t'\"") == std::string_view::npos) return std::string{word};
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\"'\"'";
    else
      out += c;
  }
  out += '\'';
  return out;
}

}  // namespace

void dump_script(std::string_view keyword, const Script& script, DumpWriter& out) {
  std::string command;
  for (const auto& word : script.command) {
    if (!command.empty()) command += ' ';
    command += command_word(word);
  }
  std::vector<std::string> args{command};
  if (script.user) args.push_back(*script.user);
  if (script.group) args.push_back(*script.group);
  out.line(keyword, args);
}

}  // namespace keel::config
