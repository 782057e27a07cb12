// The syntax tree of a keepalived.conf after preprocessing: every statement is a
// keyword, its arguments, and optionally a { block } of further statements.
//
// The lexer (config/lexer.h) has already applied comments, quoting and escapes,
// include files, $MACRO substitution, @conditional lines and ~SEQ expansion, so a
// Node is exactly what the typed parsers see, with the location it came from.
#pragma once

#include <string>
#include <vector>

#include "config/diagnostics.h"

namespace keel::config {

struct Node {
  std::string keyword;            // first word of the statement
  std::vector<std::string> args;  // the remaining words, quotes removed
  SourceLocation location;        // where the keyword stands
  bool has_block = false;         // the statement was followed by { ... }
  std::vector<Node> children;     // the statements inside that block
};

struct Tree {
  std::vector<Node> statements;  // top-level statements in file order
};

}  // namespace keel::config
