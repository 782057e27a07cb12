// Statements and blocks; see lex_tree.h.
#include "config/lex_tree.h"

#include <iterator>
#include <utility>

namespace keel::config::lex {
namespace {

// "vrrp_instance VI_1", as the user wrote the statement, shortened for a message.
std::string describe(const Node& node) {
  constexpr std::size_t kMax = 60;
  std::string text = node.keyword;
  for (const std::string& arg : node.args) {
    if (text.size() > kMax) break;
    text += ' ';
    text += arg;
  }
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

}  // namespace

std::size_t TreeBuilder::begin_file() {
  last_statement_ = nullptr;
  return open_.size();
}

void TreeBuilder::end_file(std::size_t mark, bool report_unclosed) {
  while (open_.size() > mark) {
    const OpenBlock& block = open_.back();
    if (!report_unclosed) {
      // nothing: the caller knows why the file ended early
    } else if (block.owner != nullptr) {
      report_.error(block.opened_at, "block '" + describe(*block.owner) + "' opened here is never closed");
    } else {
      report_.error(block.opened_at, "'{' opened here is never closed");
    }
    open_.pop_back();
  }
  last_statement_ = nullptr;
}

void TreeBuilder::feed_line(std::vector<Token>& tokens, const SourceLocation& where, std::size_t mark,
                            StatementHook& hook) {
  Node* attachable = last_statement_;
  last_statement_ = nullptr;
  words_.clear();
  for (Token& token : tokens) {
    switch (token.kind) {
      case TokenKind::kWord:
        words_.push_back(std::move(token.text));
        break;
      case TokenKind::kOpen:
        if (!words_.empty()) {
          flush(where, true, hook);
        } else if (attachable != nullptr) {
          open_block(attachable, attachable->location);  // "keyword" then "{" on the next line
        } else {
          report_.error(where, "'{' without a keyword before it; the block is ignored");
          open_ignored_block(where);
        }
        break;
      case TokenKind::kClose:
        if (!words_.empty()) flush(where, false, hook);
        close_block(where, mark);
        break;
    }
    attachable = nullptr;
  }
  if (!words_.empty()) {
    flush(where, false, hook);
    last_statement_ = last_flushed_;
  }
}

Tree TreeBuilder::finish() {
  open_.clear();
  last_statement_ = nullptr;
  return std::move(tree_);
}

void TreeBuilder::flush(const SourceLocation& where, bool opens_block, StatementHook& hook) {
  // Swapped out first: the hook may read an included file, which feeds lines re-entrantly.
  std::vector<std::string> words;
  words.swap(words_);
  last_flushed_ = nullptr;
  std::vector<Node>* children = current_children();
  if (children == nullptr || hook.on_statement(words, where, opens_block)) {
    if (opens_block) open_ignored_block(where);
  } else {
    Node& node = children->emplace_back();
    node.keyword = std::move(words.front());
    node.args.assign(std::make_move_iterator(words.begin() + 1), std::make_move_iterator(words.end()));
    node.location = where;
    if (opens_block) {
      open_block(&node, where);
    } else {
      last_flushed_ = &node;
    }
  }
  words.clear();
  if (words_.capacity() < words.capacity()) words_.swap(words);  // keep the buffer for the next line
}

void TreeBuilder::open_block(Node* owner, const SourceLocation& where) {
  if (open_.size() >= kMaxDepth) {
    report_.error(where, "blocks nest more than " + std::to_string(kMaxDepth) + " levels deep; this block is ignored");
    open_.push_back({nullptr, owner, where});
    return;
  }
  owner->has_block = true;
  open_.push_back({&owner->children, owner, where});
}

void TreeBuilder::open_ignored_block(const SourceLocation& where) {
  if (!open_.empty() && open_.back().children == nullptr && open_.back().opened_at.file == where.file) {
    ++open_.back().repeat;
    return;
  }
  open_.push_back({nullptr, nullptr, where});
}

void TreeBuilder::close_block(const SourceLocation& where, std::size_t mark) {
  if (open_.size() <= mark) {
    report_.error(where, "unexpected '}' with no open block");
    return;
  }
  if (--open_.back().repeat == 0) open_.pop_back();
}

std::vector<Node>* TreeBuilder::current_children() { return open_.empty() ? &tree_.statements : open_.back().children; }

}  // namespace keel::config::lex
