// Internal to the lexer: the text of one line. clean_line() removes comments and edge
// whitespace from a physical line; tokenize_line() splits a preprocessed line into
// words and braces, applying quotes and escapes (keepalived.conf(5), "Quoted strings").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace keel::config::lex {

// " \t\f\v\r": what separates words. '\n' never occurs inside a line.
bool is_space(char c);
std::string_view trim_leading(std::string_view text);
std::string_view trim_trailing(std::string_view text);

// A line quoted in a message: at most 80 bytes, control characters shown as '?'.
std::string excerpt(std::string_view text);

struct CleanLine {
  std::string_view text;   // no comment, no leading or trailing whitespace
  bool continued = false;  // text ends with '\' (a multi-line $NAME= definition goes on)
};

// `#` or `!` outside quotes starts a comment; `\#` and `\!` outside quotes stand for the
// character itself. `scratch` backs the result only when such an escape was removed,
// otherwise the result points into `raw`.
CleanLine clean_line(std::string_view raw, std::string& scratch);

enum class TokenKind { kWord, kOpen, kClose };

struct Token {
  TokenKind kind = TokenKind::kWord;
  std::string text;  // the word, quotes removed and escapes applied; empty for braces
};

struct TokenizeResult {
  char unclosed_quote = '\0';  // the quote character left open at the end of the line
};

// Splits `line` into tokens appended to `out`. Outside quotes `{` and `}` are tokens of
// their own even when glued to a word, as in keepalived (`track_interface {eth0}`),
// except in the file name of an include statement, where only a brace standing alone is.
// Adjacent quoted and unquoted parts join into one word (`ab"c d"e` is `abc de`).
// A statement that follows a brace on the same line may start with "@id" / "@^id", kept
// only for the matching `config_id`, as keepalived does.
TokenizeResult tokenize_line(std::string_view line, std::string_view config_id, std::vector<Token>& out);

}  // namespace keel::config::lex
