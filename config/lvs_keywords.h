// Internal to the LVS/BFD parsers (parse_lvs.cc, parse_check*.cc, parse_bfd.cc,
// validate_lvs.cc): keyword helpers that parse_context.h does not have, and the entry
// points the files call in each other. Not for use outside config/.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/model.h"
#include "config/parse_context.h"

namespace keel::config::lvs {

// ---- Limits keepalived applies (check_parser.c, check_api.c).

constexpr std::int64_t kUint32Max = 4294967295;
constexpr std::int64_t kIntMax = 2147483647;               // IPVS_WEIGHT_LIMIT
constexpr std::int64_t kMaxConnectTimeoutUs = kUint32Max;  // connect_timeout: UINT_MAX microseconds
// Timers keepalived leaves unbounded (delay_loop, warmup...): as far as a <TIMER> goes.
constexpr std::int64_t kMaxTimerUs = 1'000'000'000'000'000;
constexpr std::uint32_t kDefaultPersistenceSeconds = 360;  // IPVS_SVC_PERSISTENT_TIMEOUT

// ---- Keyword helpers (candidates for parse_context.h)

// A keyword whose presence switches a bool on ("alpha", "ops", "ha_suspend"). keepalived
// ignores any argument for most of these; an optional <BOOL> is accepted. Dumps the bare
// keyword, which every keepalived version reads.
template <auto M>
constexpr Keyword<OwnerOf<M>> presence(std::string_view name) {
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext& context) {
            if (!context.expect_args(at, 0, 1)) return;
            if (auto value = context.boolean(at, 0)) target.*M = *value;
          },
          [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if (target.*M) out.line(keyword);
          }};
}

// A <BOOL> keyword into std::optional<bool>, where unset means "inherit" (real server and
// checker alpha, inhibit_on_failure, smtp_alert).
template <auto M>
constexpr Keyword<OwnerOf<M>> optional_flag(std::string_view name) {
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext& context) {
            if (!context.expect_args(at, 0, 1)) return;
            if (auto value = context.boolean(at, 0)) target.*M = *value;
          },
          [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if (target.*M) out.line(keyword, {*(target.*M) ? "true" : "false"});
          }};
}

// "'keyword'", for messages about a statement.
inline std::string quoted(const Node& at) { return "'" + at.keyword + "'"; }

// The name of enum value `value` in a table indexed by the enum.
template <class E, std::size_t N>
constexpr std::string_view name_of(const std::array<std::string_view, N>& names, E value) {
  return names[static_cast<std::size_t>(value)];
}

// "not one of a b c" for choice errors.
template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& names) {
  std::string text = "is not one of";
  for (auto name : names) {
    text += ' ';
    text += name;
  }
  return text;
}

// Looks `word` up in `names` (indexed by enum value); reports "'kw' value 'x' is not one
// of ..." and returns nullopt when it is not there.
template <class E, std::size_t N>
std::optional<E> parse_choice(const Node& at, std::string_view word, const std::array<std::string_view, N>& names,
                              ParseContext& context, bool ignore_case = false) {
  for (std::size_t i = 0; i < N; ++i) {
    const auto name = names[i];
    bool same = name.size() == word.size();
    for (std::size_t c = 0; same && c < name.size(); ++c) {
      const auto lower = [&](char ch) { return ignore_case && ch >= 'A' && ch <= 'Z' ? char(ch - 'A' + 'a') : ch; };
      same = lower(name[c]) == lower(word[c]);
    }
    if (same) return static_cast<E>(i);
  }
  context.error(at, "'" + at.keyword + "' value '" + std::string{word} + "' " + one_of(names));
  return std::nullopt;
}

// A keyword with one word from a fixed list into an enum (or optional enum) member;
// `Names` is indexed by the enum value.
template <auto M, const auto& Names, bool IgnoreCase = false>
constexpr Keyword<OwnerOf<M>> choice(std::string_view name) {
  using Stored = typename Unwrap<ValueOf<M>>::Type;
  return {name,
          [](const Node& at, OwnerOf<M>& target, ParseContext& context) {
            if (!context.expect_args(at, 1, 1)) return;
            if (auto value = parse_choice<Stored>(at, at.args[0], Names, context, IgnoreCase)) target.*M = *value;
          },
          [](std::string_view keyword, const OwnerOf<M>& target, DumpWriter& out) {
            if (!differs_from_default<M>(target)) return;
            if constexpr (std::is_same_v<ValueOf<M>, Stored>) {
              out.line(keyword, {name_of(Names, target.*M)});
            } else {
              if (target.*M) out.line(keyword, {name_of(Names, *(target.*M))});
            }
          }};
}

// Lifts a keyword of a member struct (Checker::connection) to the owner's table, so the
// generic field helpers serve nested structs too.
template <auto Member, auto Make>
constexpr Keyword<OwnerOf<Member>> nested(std::string_view name) {
  return {name,
          [](const Node& at, OwnerOf<Member>& target, ParseContext& context) {
            Make(at.keyword).parse(at, target.*Member, context);
          },
          [](std::string_view keyword, const OwnerOf<Member>& target, DumpWriter& out) {
            if (auto dump = Make(keyword).dump) dump(keyword, target.*Member, out);
          }};
}

// Lifts a keyword of one checker's own options (an alternative of Checker::detail).
template <class Part, auto Make>
constexpr Keyword<Checker> detail(std::string_view name) {
  return {name,
          [](const Node& at, Checker& target, ParseContext& context) {
            Make(at.keyword).parse(at, std::get<Part>(target.detail), context);
          },
          [](std::string_view keyword, const Checker& target, DumpWriter& out) {
            const auto* part = std::get_if<Part>(&target.detail);
            if (auto dump = Make(keyword).dump; part && dump) dump(keyword, *part, out);
          }};
}

// ---- Entry points between the files

// parse_check.cc: a checker block of a real server, and the dump of all of them in order.
void parse_checker(const Node& statement, CheckerType type, RealServer& server, ParseContext& context);
void dump_checkers(const RealServer& server, DumpWriter& out);
std::string_view checker_keyword(CheckerType type);
// The retry keepalived uses when neither checker nor real server sets one.
std::uint32_t default_retry(CheckerType type);
// The delay_before_retry default; nullopt means "the checker's delay_loop".
std::optional<Duration> default_delay_before_retry(CheckerType type);

// parse_check_http.cc: HTTP_GET / SSL_GET "url { }".
void parse_http_url(const Node& at, Checker& checker, ParseContext& context);
void dump_http_urls(std::string_view keyword, const Checker& checker, DumpWriter& out);

// parse_vsg.cc
void dump_virtual_server_groups(const Config& config, DumpWriter& out);

// parse_lvs.cc
void dump_virtual_servers(const Config& config, DumpWriter& out);
std::string describe(const VirtualServer& server);                           // "virtual_server 10.0.0.1 80"
std::string describe(const RealServer& server);                              // "real_server 10.0.0.2 80"
std::vector<std::string> format_forwarding(const ForwardingMethod& method);  // "TUN type gue port 6080 csum"

// parse_lvs.cc: the top-level "SSL { }" block (man page, end of LVS CONFIGURATION). Config
// has no member for it yet, so the caller owns the std::optional<SslContext>; the top
// level is to dispatch "SSL" here and dump it with the LVS blocks.
void parse_ssl_context(const Node& statement, std::optional<SslContext>& ssl, ParseContext& context);
void dump_ssl_context(const std::optional<SslContext>& ssl, DumpWriter& out);

// parse_bfd.cc
void dump_bfd_instances(const Config& config, DumpWriter& out);
void validate_bfd(Config& config, ParseContext& context);

}  // namespace keel::config::lvs
