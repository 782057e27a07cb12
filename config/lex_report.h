// Internal to the lexer: a front for Diagnostics that caps how many problems one read
// reports, so that a ~SEQ over a broken line or a fuzzer's random bytes cannot fill
// memory with millions of identical messages.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "config/diagnostics.h"

namespace keel::config::lex {

class Reporter {
 public:
  static constexpr std::size_t kMaxReports = 1000;

  explicit Reporter(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void error(const SourceLocation& where, std::string message) {
    if (errors_ < kMaxReports) {
      ++errors_;
      diagnostics_.error(where, std::move(message));
    } else if (!errors_capped_) {
      // An error notice, not a warning: has_errors() must stay true however many follow.
      errors_capped_ = true;
      diagnostics_.error(where, "too many errors; further configuration syntax errors are not reported");
    }
  }

  void warning(const SourceLocation& where, std::string message) {
    if (warnings_ < kMaxReports) {
      ++warnings_;
      diagnostics_.warning(where, std::move(message));
    } else if (!warnings_capped_) {
      warnings_capped_ = true;
      diagnostics_.warning(where, "too many warnings; further configuration syntax warnings are not reported");
    }
  }

 private:
  Diagnostics& diagnostics_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
  bool errors_capped_ = false;
  bool warnings_capped_ = false;
};

}  // namespace keel::config::lex
