#include "check/smtp/smtp_dialogue.h"

#include <utility>

namespace keel::check::smtp {

SmtpDialogue::SmtpDialogue(std::string_view helo_name, ReplyLimits limits)
    : helo_name_(helo_name.empty() ? kDefaultHeloName : helo_name), parser_(limits) {}

SmtpStep SmtpDialogue::finish(bool healthy, std::string reason) {
  phase_ = Phase::kDone;
  return {.send = {}, .verdict = SmtpVerdict{healthy, std::move(reason)}};
}

SmtpStep SmtpDialogue::on_data(std::string_view data) {
  SmtpStep step;
  while (!data.empty() && phase_ != Phase::kDone) {
    const auto used = parser_.feed(data);
    if (!used) return finish(false, "bad reply from server: " + used.error().message());
    data.remove_prefix(*used);
    if (!parser_.has_reply()) break;
    SmtpStep next = on_reply(parser_.take_reply());
    step.send += next.send;
    if (next.verdict) {
      step.verdict = std::move(next.verdict);
      break;
    }
  }
  return step;
}

SmtpStep SmtpDialogue::on_reply(const Reply& reply) {
  switch (phase_) {
    case Phase::kAwaitBanner:
      if (reply.code != 220) return finish(false, "bad greeting banner: " + reply.summary());
      phase_ = Phase::kAwaitHeloReply;
      return {.send = "HELO " + helo_name_ + "\r\n"};
    case Phase::kAwaitHeloReply:
      if (reply.code != 250) return finish(false, "bad HELO response: " + reply.summary());
      phase_ = Phase::kAwaitQuitReply;
      return {.send = "QUIT\r\n"};
    case Phase::kAwaitQuitReply:
      // keepalived takes any reply to QUIT (normally 221) as the end of a good session.
      return finish(true, {});
    case Phase::kDone:
      break;
  }
  return {};
}

SmtpStep SmtpDialogue::on_closed() {
  switch (phase_) {
    case Phase::kAwaitBanner:
      return finish(false, "connection closed before the greeting banner");
    case Phase::kAwaitHeloReply:
      return finish(false, "connection closed before the HELO response");
    case Phase::kAwaitQuitReply:
      return finish(false, "connection closed before the QUIT response");
    case Phase::kDone:
      break;
  }
  return {};
}

}  // namespace keel::check::smtp
