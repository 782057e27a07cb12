// Comments, quotes and escapes of one line; see lex_line.h.
#include "config/lex_line.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace keel::config::lex {
namespace {

enum CharClass : std::uint8_t {
  kSpaceClass = 1,   // separates words
  kCommentScan = 2,  // clean_line must look at it: quote, backslash, comment start
  kWordSpecial = 4,  // tokenize_line must look at it: space, brace, quote, backslash, '$'
};

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> classes{};
  for (unsigned char c : {' ', '\t', '\f', '\v', '\r'}) classes[c] |= kSpaceClass | kWordSpecial;
  for (unsigned char c : {'"', '\'', '\\', '#', '!'}) classes[c] |= kCommentScan;
  for (unsigned char c : {'{', '}', '"', '\'', '\\', '$'}) classes[c] |= kWordSpecial;
  return classes;
}
constexpr std::array<std::uint8_t, 256> kClasses = make_classes();

bool has_class(char c, CharClass cls) { return (kClasses[static_cast<unsigned char>(c)] & cls) != 0; }

bool is_quote(char c) { return c == '"' || c == '\''; }
bool is_comment_start(char c) { return c == '#' || c == '!'; }
bool is_octal(char c) { return c >= '0' && c <= '7'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_include_keyword(std::string_view word) {
  return word == "include" || (word.size() == 8 && word.starts_with("include") &&
                               std::string_view{"rmwba"}.find(word[7]) != std::string_view::npos);
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Where the comment starts (or text.size()), and whether a `\#` / `\!` outside quotes
// has to be unescaped. Quotes of either kind hide comment characters; `\x` is skipped as
// a unit so that `\"` neither opens nor closes a quote.
std::size_t find_comment(std::string_view text, bool& has_comment_escape) {
  char quote = '\0';
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    while (i < n && !has_class(text[i], kCommentScan)) ++i;
    if (i == n) break;
    const char c = text[i];
    if (c == '\\') {
      if (i + 1 < n && quote == '\0' && is_comment_start(text[i + 1])) has_comment_escape = true;
      i += 2;
      continue;
    }
    if (is_quote(c)) {
      if (quote == '\0') {
        quote = c;
      } else if (quote == c) {
        quote = '\0';
      }
    } else if (quote == '\0') {
      return i;  // '#' or '!'
    }
    ++i;
  }
  return n;
}

// Copies `text` without the backslash of `\#` and `\!` outside quotes.
void unescape_comment_chars(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  char quote = '\0';
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      if (!(quote == '\0' && is_comment_start(text[i + 1]))) out.push_back(c);
      out.push_back(text[++i]);
      continue;
    }
    if (is_quote(c)) {
      if (quote == '\0') {
        quote = c;
      } else if (quote == c) {
        quote = '\0';
      }
    }
    out.push_back(c);
  }
}

// Applies the escape whose letter is at text[i] (just after the backslash) inside a
// quoted string, as keepalived.conf(5) lists them; returns the index after it.
std::size_t append_escape(std::string_view text, std::size_t i, char quote, std::string& out) {
  const std::size_t n = text.size();
  const char c = text[i];
  if (c == 'x' && i + 1 < n && hex_value(text[i + 1]) >= 0) {
    unsigned value = 0;  // "any sequence of hex digits": keep the low byte, like keepalived
    for (++i; i < n && hex_value(text[i]) >= 0; ++i) value = ((value << 4) | hex_value(text[i])) & 0xffU;
    out.push_back(static_cast<char>(value));
    return i;
  }
  if (c == 'c' && i + 1 < n && text[i + 1] != quote) {
    out.push_back(static_cast<char>(text[i + 1] & 0x1f));
    return i + 2;
  }
  if (is_octal(c)) {
    unsigned value = 0;
    const std::size_t end = i + 3 < n ? i + 3 : n;
    for (; i < end && is_octal(text[i]); ++i) value = (value << 3) | static_cast<unsigned>(text[i] - '0');
    out.push_back(static_cast<char>(value & 0xffU));
    return i;
  }
  switch (c) {
    case 'a':
      out.push_back('\a');
      break;
    case 'b':
      out.push_back('\b');
      break;
    case 'E':
      out.push_back('\x1b');
      break;
    case 'f':
      out.push_back('\f');
      break;
    case 'n':
      out.push_back('\n');
      break;
    case 'r':
      out.push_back('\r');
      break;
    case 't':
      out.push_back('\t');
      break;
    case 'v':
      out.push_back('\v');
      break;
    default:
      out.push_back(c);
      break;  // \C is C: \\ \" \' ...
  }
  return i + 1;
}

// Appends the quoted part starting at the opening quote text[i]; returns the index after
// the closing quote, or text.size() with `unclosed` set.
std::size_t append_quoted(std::string_view text, std::size_t i, std::string& word, char& unclosed) {
  const char quote = text[i++];
  const std::size_t n = text.size();
  while (i < n) {
    std::size_t run = i;
    while (run < n && text[run] != quote && text[run] != '\\') ++run;
    word.append(text.substr(i, run - i));
    i = run;
    if (i == n) break;
    if (text[i] == quote) return i + 1;
    if (i + 1 == n) break;  // a backslash with nothing after it: the quote is not closed
    i = append_escape(text, i + 1, quote, word);
  }
  unclosed = quote;
  return n;
}

// `${NAME}` left by the substitution step (an undefined parameter) stays one piece of text
// instead of being torn apart at its braces. Returns the length matched, or 0.
std::size_t literal_parameter_length(std::string_view text, std::size_t i) {
  if (i + 2 >= text.size() || text[i + 1] != '{') return 0;
  std::size_t j = i + 2;
  while (j < text.size() && (is_name_char(text[j]) || text[j] == ' ')) ++j;
  return j < text.size() && text[j] == '}' && j > i + 2 ? j + 1 - i : 0;
}

// A statement after a brace may be conditional too ("unicast_peer { @^main 1.2.3.4 }"),
// as keepalived re-reads the rest of a line after a brace. The condition covers the text
// up to the next brace. Returns where tokenizing goes on.
std::size_t skip_conditional(std::string_view line, std::size_t at, std::string_view config_id) {
  const bool negated = at + 1 < line.size() && line[at + 1] == '^';
  std::size_t end = at + (negated ? 2 : 1);
  const std::size_t id_start = end;
  while (end < line.size() && !is_space(line[end]) && line[end] != '{' && line[end] != '}') ++end;
  const bool has_text = end < line.size() && is_space(line[end]);
  if (has_text && (line.substr(id_start, end - id_start) == config_id) != negated) return end;
  char quote = '\0';  // dropped: skip to the next brace outside quotes
  for (; end < line.size(); ++end) {
    const char c = line[end];
    if (c == '\\') {
      ++end;
    } else if (quote != '\0') {
      if (c == quote) quote = '\0';
    } else if (is_quote(c)) {
      quote = c;
    } else if (c == '{' || c == '}') {
      break;
    }
  }
  return std::min(end, line.size());
}

}  // namespace

bool is_space(char c) { return has_class(c, kSpaceClass); }

std::string_view trim_leading(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  return text.substr(i);
}

std::string_view trim_trailing(std::string_view text) {
  std::size_t n = text.size();
  while (n > 0 && is_space(text[n - 1])) --n;
  return text.substr(0, n);
}

std::string excerpt(std::string_view text) {
  constexpr std::size_t kMax = 80;
  std::string out{text.substr(0, kMax)};
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') c = '?';
  }
  if (text.size() > kMax) out += "...";
  return out;
}

CleanLine clean_line(std::string_view raw, std::string& scratch) {
  std::string_view text = trim_leading(raw);
  bool has_comment_escape = false;
  text = text.substr(0, find_comment(text, has_comment_escape));
  if (has_comment_escape) {
    unescape_comment_chars(text, scratch);
    text = scratch;
  }
  text = trim_trailing(text);
  return {text, !text.empty() && text.back() == '\\'};
}

TokenizeResult tokenize_line(std::string_view line, std::string_view config_id, std::vector<Token>& out) {
  TokenizeResult result;
  const std::size_t n = line.size();
  std::size_t i = 0;
  bool statement_start = true;
  bool after_brace = false;
  bool include_mode = false;  // in an include statement, braces glued to a word belong to it
  while (i < n) {
    while (i < n && is_space(line[i])) ++i;
    if (i == n) break;
    if (after_brace && line[i] == '@') {
      i = skip_conditional(line, i, config_id);
      after_brace = false;
      continue;
    }
    after_brace = false;
    const bool standalone = (i == 0 || is_space(line[i - 1])) && (i + 1 == n || is_space(line[i + 1]));
    if ((line[i] == '{' || line[i] == '}') && (!include_mode || standalone)) {
      out.push_back({line[i] == '{' ? TokenKind::kOpen : TokenKind::kClose, {}});
      ++i;
      statement_start = true;
      after_brace = true;
      include_mode = false;
      continue;
    }
    std::string word;
    while (i < n) {
      std::size_t run = i;
      while (run < n && !has_class(line[run], kWordSpecial)) ++run;
      word.append(line.substr(i, run - i));
      i = run;
      if (i == n) break;
      const char c = line[i];
      if (is_space(c)) break;
      if (c == '{' || c == '}') {
        if (!include_mode) break;
        word.push_back(c);
        ++i;
      } else if (is_quote(c)) {
        i = append_quoted(line, i, word, result.unclosed_quote);
      } else if (c == '\\') {
        // Outside quotes a backslash only escapes quotes and braces; anything else keeps
        // it, so that unquoted paths and patterns survive as written.
        if (i + 1 < n && (is_quote(line[i + 1]) || line[i + 1] == '{' || line[i + 1] == '}')) {
          word.push_back(line[i + 1]);
        } else {
          word.append(line.substr(i, i + 1 < n ? 2 : 1));
        }
        i += i + 1 < n ? 2 : 1;
      } else {  // '$'
        const std::size_t len = literal_parameter_length(line, i);
        word.append(line.substr(i, len == 0 ? 1 : len));
        i += len == 0 ? 1 : len;
      }
    }
    // keepalived recognises include lines before it splits braces, so that
    // "include {a,b}.conf" is a brace pattern, not a block.
    if (statement_start) include_mode = is_include_keyword(word);
    statement_start = false;
    out.push_back({TokenKind::kWord, std::move(word)});
  }
  return result;
}

}  // namespace keel::config::lex
