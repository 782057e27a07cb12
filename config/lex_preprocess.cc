// Conditionals, definitions, generators and substitution; see lex_preprocess.h.
#include "config/lex_preprocess.h"

#include <charconv>
#include <utility>

#include "config/lex_line.h"
#include "config/lex_seq.h"

namespace keel::config::lex {
namespace {

std::string format_value(long long value, bool hex) {
  if (!hex) return std::to_string(value);
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, static_cast<unsigned long long>(value), 16);
  return std::string(buf, result.ptr);
}

}  // namespace

Preprocessor::Preprocessor(std::string_view content, std::shared_ptr<const std::string> file, std::string pwd,
                           LexShared& shared)
    : content_(content), file_(std::move(file)), pwd_(std::move(pwd)), shared_(shared) {}

bool Preprocessor::next(LogicalLine& line) {
  RawLine raw;
  while (pull_raw(raw)) {
    std::string_view text = raw.text;
    bool expanded = false;
    // A substitution may produce a line that starts with '@', '$NAME=' or '~SEQ' (the
    // man page's "$IF_MAIN=@main"), so the checks run again on the result, once.
    for (int pass = 0; pass < 2; ++pass) {
      text = trim_leading(text);
      if (text.empty()) break;
      if (text[0] == '@' && !keep_conditional(text)) break;
      if (text.empty()) break;
      if (text[0] == '$' && try_definition(text, raw)) break;
      if (is_generator_line(text)) {
        start_generator(text, raw.location);
        break;
      }
      if (!expanded && text.find('$') != std::string_view::npos) {
        expanded = true;
        pending_.clear();
        const ExpandStatus status = shared_.expander.expand(text, pwd_, raw.location, expanded_, pending_);
        if (status == ExpandStatus::kFailed) break;
        // Outermost first, so the innermost multi-line parameter is read first.
        for (const PendingLines& rest : pending_) {
          if (!push_frame(LinesFrame{rest.lines, rest.next, raw.location}, 0, raw.location)) break;
        }
        if (status == ExpandStatus::kChanged) {
          if (!charge(expanded_.size(), raw.location)) return false;
          text = expanded_;
          const std::string_view head = trim_leading(text);
          if (!head.empty() && (head[0] == '@' || head[0] == '$' || head[0] == '~')) continue;
        }
      }
      if (raw.continued && raw.from_file) {
        shared_.report.warning(raw.location,
                               "a trailing '\\' continues only a $NAME= definition; here it stays part of the text");
      }
      line.text = text;
      line.location = raw.location;
      return true;
    }
  }
  return false;
}

bool Preprocessor::pull_raw(RawLine& raw) {
  if (shared_.stopped) return false;
  if (!pull_frame(raw) && !pull_file(raw)) return false;
  if (!charge(raw.text.size(), raw.location)) return false;
  if (++shared_.lines > shared_.options.max_expanded_lines) {
    shared_.report.error(raw.location, "the configuration expands to more than " +
                                           std::to_string(shared_.options.max_expanded_lines) +
                                           " lines; reading stops here (check ~SEQ ranges, ~LST lists and "
                                           "parameters that use themselves)");
    shared_.stopped = true;
    return false;
  }
  return true;
}

bool Preprocessor::pull_file(RawLine& raw) {
  if (pos_ >= content_.size()) return false;
  std::size_t end = content_.find('\n', pos_);
  if (end == std::string_view::npos) end = content_.size();
  const CleanLine clean = clean_line(content_.substr(pos_, end - pos_), clean_scratch_);
  pos_ = end + 1;
  raw.text = clean.text;
  raw.continued = clean.continued;
  raw.from_file = true;
  raw.location = SourceLocation{file_, ++line_no_};
  return true;
}

bool Preprocessor::pull_frame(RawLine& raw) {
  while (!frames_.empty()) {
    Frame& frame = frames_.back();
    bool got = false;
    if (auto* lines = std::get_if<LinesFrame>(&frame)) {
      got = pull_lines(*lines, raw);
    } else if (auto* seq = std::get_if<SeqFrame>(&frame)) {
      got = pull_seq(*seq, raw);
    } else {
      got = pull_list(std::get<ListFrame>(frame), raw);
    }
    if (got) return true;
  }
  return false;
}

// Each pull_* yields one line and pops its frame as soon as it is used up (not on the
// next call), so that a parameter whose last line uses itself does not pile up frames.
bool Preprocessor::pull_lines(LinesFrame& frame, RawLine& raw) {
  if (frame.next >= frame.lines->size()) {
    frames_.pop_back();
    return false;
  }
  held_lines_ = frame.lines;
  raw = RawLine{.text = (*held_lines_)[frame.next++], .location = frame.location};
  if (frame.next >= held_lines_->size()) frames_.pop_back();
  return true;
}

bool Preprocessor::pull_seq(SeqFrame& frame, RawLine& raw) {
  shared_.definitions.define(frame.var, format_value(frame.value, frame.hex));
  frame_scratch_ = frame.text;
  raw = RawLine{.text = frame_scratch_, .location = frame.location};
  long long next = 0;
  const bool overflow = __builtin_add_overflow(frame.value, frame.step, &next);
  if (overflow || (frame.step > 0 && next > frame.end) || (frame.step < 0 && next < frame.end)) {
    frames_.pop_back();
  } else {
    frame.value = next;
  }
  return true;
}

bool Preprocessor::pull_list(ListFrame& frame, RawLine& raw) {
  const std::vector<std::string>& row = frame.rows[frame.next++];
  for (std::size_t i = 0; i < frame.vars.size(); ++i) shared_.definitions.define(frame.vars[i], row[i]);
  frame_scratch_ = frame.text;
  raw = RawLine{.text = frame_scratch_, .location = frame.location};
  if (frame.next >= frame.rows.size()) frames_.pop_back();
  return true;
}

// "@id rest" keeps "rest" only when id is the config id; "@^id rest" only when it is not.
// Like keepalived, a line with nothing after the id is dropped.
bool Preprocessor::keep_conditional(std::string_view& text) const {
  const bool negated = text.size() > 1 && text[1] == '^';
  const std::size_t id_start = negated ? 2 : 1;
  const std::size_t id_end = text.find_first_of(" \t", id_start);
  if (id_end == std::string_view::npos) return false;
  const bool matches = text.substr(id_start, id_end - id_start) == shared_.config_id;
  if (matches == negated) return false;
  text = trim_leading(text.substr(id_end));
  return true;
}

// "$NAME=VALUE": no space before '='; whitespace after it is skipped; a trailing '\'
// continues the value on the next lines. False if `text` is not a definition.
bool Preprocessor::try_definition(std::string_view text, const RawLine& raw) {
  const std::size_t name_len = parameter_name_length(text.substr(1));
  if (name_len == 0 || text.size() <= name_len + 1 || text[name_len + 1] != '=') return false;
  std::string name{text.substr(1, name_len)};
  std::string_view value = trim_leading(text.substr(name_len + 2));
  if (value.empty() || value.back() != '\\') {
    shared_.definitions.define(name, std::string{value});
    return true;
  }
  value.remove_suffix(1);
  collect_multiline(std::move(name), std::string{trim_trailing(value)}, raw.location);
  return true;
}

// Reads the continuation lines of a multi-line definition: each line ending in '\' goes
// on; the first one without it is the last. As in keepalived, an empty (or comment-only)
// line ends the definition too, which is worth a warning after a trailing '\'.
void Preprocessor::collect_multiline(std::string name, std::string first, const SourceLocation& where) {
  std::vector<std::string> lines;
  if (!first.empty()) lines.push_back(std::move(first));
  RawLine raw;
  bool finished = false;
  while (!finished && pull_raw(raw)) {
    std::string_view text = trim_leading(raw.text);
    if (text.empty()) {
      shared_.report.warning(
          where, "multi-line definition '$" + name + "' ends at an empty line although its last line ends with '\\'");
      break;
    }
    finished = text.back() != '\\';
    if (!finished) text = trim_trailing(text.substr(0, text.size() - 1));
    if (!text.empty()) lines.emplace_back(text);
  }
  if (!finished && !shared_.stopped && pos_ >= content_.size() && frames_.empty()) {
    shared_.report.warning(where, "multi-line definition '$" + name +
                                      "' ends at the end of the file although its last line ends with '\\'");
  }
  if (lines.empty()) {
    shared_.definitions.define(name, {});
  } else {
    shared_.definitions.define_lines(name, std::move(lines));
  }
}

void Preprocessor::start_generator(std::string_view text, const SourceLocation& where) {
  const std::string_view what = text.starts_with("~LST") ? "~LST" : "~SEQ";
  auto report = [&](const std::string& reason) {
    shared_.report.error(where, "invalid " + std::string{what} + " specification '" + excerpt(text) + "': " + reason);
  };
  const auto line = split_generator_line(text);
  if (!line) return report(line.error());
  // The arguments may use parameters (keepalived substitutes them before parsing).
  std::string args{line->args};
  if (args.find('$') != std::string::npos) {
    std::string expanded;
    std::vector<PendingLines> pending;
    if (shared_.expander.expand(args, pwd_, where, expanded, pending) == ExpandStatus::kFailed) return;
    if (!pending.empty()) return report("a multi-line parameter cannot be an argument");
    args = std::move(expanded);
  }
  if (line->kind == GeneratorKind::kList) {
    auto spec = parse_list(args);
    if (!spec) return report(spec.error());
    push_frame(ListFrame{std::move(spec->vars), std::move(spec->rows), 0, std::string{line->rest}, where},
               line->rest.size(), where);
    return;
  }
  auto spec = parse_seq(args, line->kind == GeneratorKind::kSeqHex);
  if (!spec) return report(spec.error());
  push_frame(
      SeqFrame{std::move(spec->var), spec->start, spec->step, spec->end, spec->hex, std::string{line->rest}, where},
      line->rest.size(), where);
}

// A frame's copy of its text is charged to the byte budget: a line of a thousand ~SEQ
// prefixes must not hold a thousand copies of a megabyte.
bool Preprocessor::push_frame(Frame frame, std::size_t text_bytes, const SourceLocation& where) {
  if (!charge(text_bytes, where)) return false;
  if (frames_.size() >= kMaxFrames) {
    shared_.report.error(where, "~SEQ, ~LST and multi-line parameters nest more than " + std::to_string(kMaxFrames) +
                                    " levels deep; the rest of this expansion is ignored");
    return false;
  }
  frames_.push_back(std::move(frame));
  return true;
}

bool Preprocessor::charge(std::size_t bytes, const SourceLocation& where) {
  shared_.bytes += bytes;
  if (shared_.bytes <= shared_.byte_budget()) return true;
  shared_.report.error(where, "the configuration expands to more than " + std::to_string(shared_.byte_budget()) +
                                  " bytes; reading stops here (check ~SEQ ranges, ~LST lists and parameters "
                                  "that use themselves)");
  shared_.stopped = true;
  return false;
}

}  // namespace keel::config::lex
