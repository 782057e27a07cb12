// Internal to the lexer: builds the Tree from the tokens of each logical line.
//
// A statement is the words of a line up to a `{`, a `}` or the end of the line. A `{`
// opens a block attached to the statement just before it, on the same line or (when it
// starts a line) on the previous line. Braces must balance within each file.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/lex_line.h"
#include "config/lex_report.h"
#include "config/tree.h"

namespace keel::config::lex {

// Sees each statement before it enters the tree; the include keywords are handled there.
class StatementHook {
 public:
  // True if the statement was consumed and must not become a node. `opens_block` tells
  // that a `{` follows it; a consumed statement's block is then ignored.
  virtual bool on_statement(std::vector<std::string>& words, const SourceLocation& where, bool opens_block) = 0;

 protected:
  ~StatementHook() = default;
};

class TreeBuilder {
 public:
  // Deeper nesting is refused: nothing in keepalived.conf nests more than a few levels,
  // and a bounded depth keeps recursive consumers of the Tree safe.
  static constexpr std::size_t kMaxDepth = 100;

  explicit TreeBuilder(Reporter& report) : report_(report) {}

  // Marks the start of a file; the returned mark is given back to feed_line and end_file.
  std::size_t begin_file();
  // Closes the blocks the file left open, reporting each when `report_unclosed`.
  void end_file(std::size_t mark, bool report_unclosed = true);

  // Consumes the tokens (their words are moved into nodes).
  void feed_line(std::vector<Token>& tokens, const SourceLocation& where, std::size_t mark, StatementHook& hook);

  Tree finish();

 private:
  struct OpenBlock {
    std::vector<Node>* children;  // nullptr: an ignored block, whose statements are dropped
    const Node* owner;            // nullptr for a '{' without a statement
    SourceLocation opened_at;
    // Ignored blocks nested in an ignored block of the same file are counted, not
    // stacked, so that "~SEQ(N, 1000000) {" costs no memory per brace.
    std::size_t repeat = 1;
  };

  void flush(const SourceLocation& where, bool opens_block, StatementHook& hook);
  void open_block(Node* owner, const SourceLocation& where);
  void open_ignored_block(const SourceLocation& where);
  void close_block(const SourceLocation& where, std::size_t mark);
  std::vector<Node>* current_children();

  Reporter& report_;
  Tree tree_;
  std::vector<OpenBlock> open_;
  std::vector<std::string> words_;
  Node* last_flushed_ = nullptr;    // the node flush() appended, if it may take a block
  Node* last_statement_ = nullptr;  // the statement that ended the previous line, if any
};

}  // namespace keel::config::lex
