// Internal to the lexer: the ~SEQ(...) and ~LST(...) line generators
// (keepalived.conf(5), "Sequence blocks" and "List blocks"). Parsing only; the
// preprocessor repeats the rest of the line.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace keel::config::lex {

enum class GeneratorKind { kSeq, kSeqHex, kList };

// "~SEQ(args) rest", "~SEQx(args) rest" or "~LST(args) rest".
struct GeneratorLine {
  GeneratorKind kind = GeneratorKind::kSeq;
  std::string_view args;  // between the parentheses
  std::string_view rest;  // the text to repeat, leading whitespace removed
};

// True when `line` starts a generator (~SEQ or ~LST), whether or not it is well formed.
bool is_generator_line(std::string_view line);
std::expected<GeneratorLine, std::string> split_generator_line(std::string_view line);

// ~SEQ(var, start, step, end), ~SEQ(var, start, end) or ~SEQ(var, end); numbers as
// strtoll base 0 reads them (0x.. hex). Defaults follow keepalived's add_seq().
struct SeqSpec {
  std::string var;
  long long start = 1;
  long long step = 1;
  long long end = 1;
  bool hex = false;  // ~SEQx: the value is written in hexadecimal
};
std::expected<SeqSpec, std::string> parse_seq(std::string_view args, bool hex);

// ~LST(var, v1, v2, ...) or ~LST({var1, var2}, {a1, a2}, {b1, b2}, ...).
struct ListSpec {
  std::vector<std::string> vars;
  std::vector<std::vector<std::string>> rows;  // each as long as vars
};
std::expected<ListSpec, std::string> parse_list(std::string_view args);

}  // namespace keel::config::lex
