// Internal to the lexer: turns the physical lines of one file into the logical lines the
// tokenizer sees, applying, in keepalived's order (lib/parser.c read_line()):
//   comments -> @id / @^id conditionals -> $NAME=VALUE definitions (multi-line with a
//   trailing '\') -> ~SEQ / ~LST generators -> $NAME / ${NAME} substitution.
// Generated lines (multi-line parameters, ~SEQ, ~LST) go through the same steps again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/diagnostics.h"
#include "config/lex_macro.h"
#include "config/lex_report.h"
#include "config/lexer.h"

namespace keel::config::lex {

// State shared by every file of one read: definitions are global across includes, and
// so is the budget of lines.
struct LexShared {
  const ReadOptions& options;
  Reporter& report;
  Definitions& definitions;
  Expander& expander;
  std::string config_id;
  std::size_t lines = 0;  // lines produced so far, against options.max_expanded_lines
  std::size_t bytes = 0;  // text produced so far, against byte_budget()
  bool stopped = false;   // a limit was hit: every file stops reading

  // Lines alone do not bound the work: twenty doubling definitions make a 1 MiB line, and
  // a ~SEQ repeats it. So the text produced is bounded too, at 256 bytes per allowed line.
  static constexpr std::size_t kBytesPerLine = 256;
  std::size_t byte_budget() const {
    const std::size_t lines_allowed = options.max_expanded_lines;
    return lines_allowed > SIZE_MAX / kBytesPerLine ? SIZE_MAX : lines_allowed * kBytesPerLine;
  }
};

struct LogicalLine {
  std::string_view text;    // valid until the next call of next()
  SourceLocation location;  // generated lines carry the location of the line that made them
};

class Preprocessor {
 public:
  // Nesting of ~SEQ, ~LST and multi-line parameters in progress, beyond which a
  // generator is refused (each level holds state, so this bounds memory).
  static constexpr std::size_t kMaxFrames = 1000;

  // `pwd` is what ${_PWD} stands for: the absolute directory of the file.
  Preprocessor(std::string_view content, std::shared_ptr<const std::string> file, std::string pwd, LexShared& shared);

  // The next non-empty logical line; false at the end of the file or once stopped.
  bool next(LogicalLine& line);

 private:
  struct RawLine {
    std::string_view text;
    SourceLocation location;
    bool from_file = false;
    bool continued = false;  // a physical line ending in '\'
  };
  struct LinesFrame {  // the remaining lines of a multi-line parameter
    std::shared_ptr<const std::vector<std::string>> lines;
    std::size_t next = 1;
    SourceLocation location;
  };
  struct SeqFrame {
    std::string var;
    long long value = 0;
    long long step = 1;
    long long end = 0;
    bool hex = false;
    std::string text;
    SourceLocation location;
  };
  struct ListFrame {
    std::vector<std::string> vars;
    std::vector<std::vector<std::string>> rows;
    std::size_t next = 0;
    std::string text;
    SourceLocation location;
  };
  using Frame = std::variant<LinesFrame, SeqFrame, ListFrame>;

  bool pull_raw(RawLine& raw);
  bool pull_file(RawLine& raw);
  bool pull_frame(RawLine& raw);
  bool pull_lines(LinesFrame& frame, RawLine& raw);
  bool pull_seq(SeqFrame& frame, RawLine& raw);
  bool pull_list(ListFrame& frame, RawLine& raw);
  bool keep_conditional(std::string_view& text) const;
  bool try_definition(std::string_view text, const RawLine& raw);
  void collect_multiline(std::string name, std::string first, const SourceLocation& where);
  void start_generator(std::string_view text, const SourceLocation& where);
  bool push_frame(Frame frame, std::size_t text_bytes, const SourceLocation& where);
  bool charge(std::size_t bytes, const SourceLocation& where);

  std::string_view content_;
  std::size_t pos_ = 0;
  std::uint32_t line_no_ = 0;
  std::shared_ptr<const std::string> file_;
  std::string pwd_;
  LexShared& shared_;
  std::vector<Frame> frames_;
  std::vector<PendingLines> pending_;
  std::shared_ptr<const std::vector<std::string>> held_lines_;  // backs a RawLine from a LinesFrame
  std::string clean_scratch_;  // backs a RawLine from the file when clean_line() copied it
  std::string frame_scratch_;  // backs a RawLine from a ~SEQ / ~LST frame
  std::string expanded_;       // backs a LogicalLine after substitution
};

}  // namespace keel::config::lex
