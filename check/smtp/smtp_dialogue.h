// The SMTP_CHECK conversation as a pure state machine, as keepalived's check_smtp.c runs
// it: wait for the "220" greeting, send "HELO <helo_name>", expect "250", send "QUIT" and
// take any reply to it as the end of a healthy session. The socket adapter connects,
// writes what `send` holds and feeds what it reads; the machine never touches a socket.
//
// Unlike keepalived, which reads only the first line of each reply, multi-line replies
// ("220-..." then "220 ...") are read whole, so a server with a long banner passes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "check/smtp/reply_parser.h"

namespace keel::check::smtp {

// keepalived's SMTP_DEFAULT_HELO, used when SMTP_CHECK has no helo_name.
inline constexpr std::string_view kDefaultHeloName = "smtpchecker.keepalived.org";

struct SmtpVerdict {
  bool healthy = false;
  std::string reason;  // empty when healthy: "bad greeting banner: 554 go away", ...
  friend bool operator==(const SmtpVerdict&, const SmtpVerdict&) = default;
};

// What to do after an input: write `send` (may be empty), and stop when `verdict` is set.
struct SmtpStep {
  std::string send;
  std::optional<SmtpVerdict> verdict;
  friend bool operator==(const SmtpStep&, const SmtpStep&) = default;
};

class SmtpDialogue {
 public:
  enum class Phase : std::uint8_t { kAwaitBanner, kAwaitHeloReply, kAwaitQuitReply, kDone };

  explicit SmtpDialogue(std::string_view helo_name = kDefaultHeloName, ReplyLimits limits = {});

  // Bytes read from the server (any split).
  SmtpStep on_data(std::string_view data);
  // The server closed the connection (or the read failed).
  SmtpStep on_closed();

  Phase phase() const { return phase_; }

 private:
  SmtpStep on_reply(const Reply& reply);
  SmtpStep finish(bool healthy, std::string reason);

  std::string helo_name_;
  ReplyParser parser_;
  Phase phase_ = Phase::kAwaitBanner;
};

}  // namespace keel::check::smtp
