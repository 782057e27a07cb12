// The keepalived.conf lexer: reads a file and what it includes, runs each through the
// preprocessor (lex_preprocess), splits the lines into tokens (lex_line) and builds the
// Tree (lex_tree). Includes are resolved here, when their statement is complete, so an
// included file's statements land exactly where the include stood.
#include "config/lexer.h"

#include <unistd.h>
#include <algorithm>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "config/lex_include.h"
#include "config/lex_line.h"
#include "config/lex_macro.h"
#include "config/lex_preprocess.h"
#include "config/lex_report.h"
#include "config/lex_tree.h"

namespace keel::config {
namespace {

using lex::FileId;

// keepalived's default config id: the first label of the node name (keepalived.conf(5),
// "Conditional configuration and configuration id").
std::string host_config_id() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  const std::string_view host{name};
  return std::string{host.substr(0, host.find('.'))};
}

std::string parent_dir(const std::string& path) { return std::filesystem::path{path}.parent_path().string(); }

// ${_PWD}: the absolute directory of the file being read.
std::string absolute_dir(const std::string& dir) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(dir.empty() ? "." : dir, ec);
  if (ec) return dir;
  std::string text = absolute.lexically_normal().string();
  while (text.size() > 1 && text.ends_with('/')) text.pop_back();
  return text;
}

class Reader final : public lex::StatementHook {
 public:
  Reader(const ReadOptions& options, Diagnostics& diagnostics)
      : options_(options),
        report_(diagnostics),
        definitions_(options.config_id.empty() ? host_config_id() : options.config_id),
        expander_(definitions_, report_),
        shared_{.options = options_,
                .report = report_,
                .definitions = definitions_,
                .expander = expander_,
                .config_id = definitions_.instance()},
        builder_(report_) {}

  // Reads one file's text; `dir` resolves its relative includes.
  void read(std::string_view text, std::shared_ptr<const std::string> name, std::string dir, int depth, unsigned checks,
            const FileId* id);

  Tree finish() { return builder_.finish(); }

  bool on_statement(std::vector<std::string>& words, const SourceLocation& where, bool opens_block) override;

 private:
  struct FileState {
    std::string dir;
    int depth = 0;
    unsigned checks = 0;  // include_check level, saved and restored per file
  };

  void include(const std::string& pattern, const SourceLocation& where, unsigned checks);

  const ReadOptions& options_;
  lex::Reporter report_;
  lex::Definitions definitions_;
  lex::Expander expander_;
  lex::LexShared shared_;
  lex::TreeBuilder builder_;
  FileState* file_ = nullptr;
  std::vector<FileId> chain_;  // the files being read, outermost first: a cycle check
};

void Reader::read(std::string_view text, std::shared_ptr<const std::string> name, std::string dir, int depth,
                  unsigned checks, const FileId* id) {
  FileState state{.dir = std::move(dir), .depth = depth, .checks = checks};
  FileState* const outer = std::exchange(file_, &state);
  if (id != nullptr) chain_.push_back(*id);
  lex::Preprocessor preprocessor{text, std::move(name), absolute_dir(state.dir), shared_};
  const std::size_t mark = builder_.begin_file();
  std::vector<lex::Token> tokens;
  lex::LogicalLine line;
  while (preprocessor.next(line)) {
    tokens.clear();
    const lex::TokenizeResult result = lex::tokenize_line(line.text, shared_.config_id, tokens);
    if (result.unclosed_quote != '\0') {
      report_.error(line.location, std::string{"missing closing "} + result.unclosed_quote +
                                       " on this line (quotes do not span lines): '" + lex::excerpt(line.text) + "'");
    }
    builder_.feed_line(tokens, line.location, mark, *this);
  }
  // After a limit stopped the read, unclosed blocks are a consequence, not news.
  builder_.end_file(mark, !shared_.stopped);
  if (id != nullptr) chain_.pop_back();
  file_ = outer;
}

bool Reader::on_statement(std::vector<std::string>& words, const SourceLocation& where, bool opens_block) {
  const std::string& keyword = words.front();
  if (keyword == "include_check") {
    // Applies to the includes that follow in this file and the files they include.
    file_->checks = lex::apply_include_check(file_->checks, std::span{words}.subspan(1), where, report_);
    return false;
  }
  const std::optional<unsigned> checks = lex::include_keyword_checks(keyword);
  if (!checks) return false;
  if (opens_block) {
    report_.error(where, "'" + keyword + "' cannot open a block; the block is ignored");
  } else if (words.size() != 2) {
    report_.error(where, "'" + keyword + "' needs exactly one file name (quote a name that contains spaces)");
  } else {
    include(words[1], where, file_->checks | *checks);
  }
  return true;
}

void Reader::include(const std::string& pattern, const SourceLocation& where, unsigned checks) {
  if (file_->depth >= options_.max_include_depth) {
    report_.error(where, "includes nest more than " + std::to_string(options_.max_include_depth) + " levels deep; '" +
                             pattern + "' is not read (do files include each other?)");
    return;
  }
  for (const std::string& path : lex::resolve_include(pattern, file_->dir, checks, where, report_)) {
    if (shared_.stopped) return;
    auto content = lex::read_config_source(path);
    if (!content) {
      std::string message = "cannot read include file '" + path + "': " + content.error();
      if (checks != 0) {
        report_.error(where, std::move(message));
      } else {
        report_.warning(where, std::move(message));
      }
      continue;
    }
    if (std::find(chain_.begin(), chain_.end(), content->id) != chain_.end()) {
      report_.error(where, "include cycle: '" + path + "' is already being read");
      continue;
    }
    // The included file starts with this file's include_check level, not the variant's.
    read(content->text, std::make_shared<const std::string>(path), parent_dir(path), file_->depth + 1, file_->checks,
         &content->id);
  }
}

}  // namespace

Tree read_config_file(const std::filesystem::path& path, const ReadOptions& options, Diagnostics& diagnostics) {
  const std::string name = path.string();
  auto content = lex::read_config_source(name);
  auto shared_name = std::make_shared<const std::string>(name);
  if (!content) {
    diagnostics.error(SourceLocation{shared_name, 0},
                      "cannot read configuration file '" + name + "': " + content.error());
    return {};
  }
  Reader reader{options, diagnostics};
  reader.read(content->text, std::move(shared_name), parent_dir(name), 0, 0, &content->id);
  return reader.finish();
}

Tree read_config_text(std::string_view text, std::string_view name, const ReadOptions& options,
                      Diagnostics& diagnostics) {
  Reader reader{options, diagnostics};
  reader.read(text, std::make_shared<const std::string>(name), std::string{}, 0, 0, nullptr);
  return reader.finish();
}

}  // namespace keel::config
