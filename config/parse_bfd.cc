// bfd_instance (keepalived.conf(5), "BFD CONFIGURATION"; RFC 5880 sessions).
#include "config/lvs_keywords.h"
#include "config/parse_lvs.h"

namespace keel::config {
namespace {

// BFD_INAME_MAX in keepalived's bfd.h is 32 with the terminating NUL.
constexpr std::size_t kMaxNameLength = 31;
// min_rx / min_tx / idle_tx are milliseconds with up to three decimals (microseconds);
// keepalived's limits, in milliseconds.
constexpr std::int64_t kMaxIntervalMs = 4294967;
constexpr std::int64_t kMinIdleTxMs = 1000;
constexpr std::uint8_t kDefaultTtl = 255;      // BFD_CONTROL_TTL (RFC 5881 section 5)
constexpr std::uint8_t kDefaultHoplimit = 64;  // BFD_CONTROL_HOPLIMIT

// "<DECIMAL>" milliseconds to a Duration; "3.312" is 3312 microseconds.
std::optional<Duration> parse_milliseconds(std::string_view text) {
  const auto dot = text.find('.');
  if (dot != std::string_view::npos && text.size() - dot - 1 > 3) return std::nullopt;
  const auto as_seconds = parse_seconds(text);  // the same digits, scaled by 1000
  if (!as_seconds) return std::nullopt;
  return Duration{as_seconds->count() / 1000};
}

std::string format_milliseconds(Duration value) { return format_seconds(value * 1000); }

template <auto M, std::int64_t MinMs>
constexpr Keyword<BfdInstance> interval(std::string_view name) {
  return {
      name,
      [](const Node& at, BfdInstance& bfd, ParseContext& context) {
        if (!context.expect_args(at, 1, 1)) return;
        const auto value = parse_milliseconds(at.args[0]);
        if (!value || *value < std::chrono::milliseconds{MinMs} || *value > std::chrono::milliseconds{kMaxIntervalMs}) {
          context.error(at, "'" + at.keyword + "' value '" + at.args[0] + "' is not a time of " +
                                std::to_string(MinMs) + ".." + std::to_string(kMaxIntervalMs) +
                                " milliseconds (3 decimals at most)");
          return;
        }
        bfd.*M = *value;
      },
      [](std::string_view keyword, const BfdInstance& bfd, DumpWriter& out) {
        if (differs_from_default<M>(bfd)) out.line(keyword, {format_milliseconds(bfd.*M)});
      }};
}

void parse_weight(const Node& at, BfdInstance& bfd, ParseContext& context) {
  if (!context.expect_args(at, 1, 2)) return;
  const auto weight = context.integer(at, 0, -253, 253);
  if (!weight) return;
  bool reverse = false;
  if (at.args.size() == 2) {
    static constexpr std::array<std::string_view, 2> kReverse{"noreverse", "reverse"};
    const auto value = lvs::parse_choice<int>(at, at.args[1], kReverse, context);
    if (!value) return;
    reverse = *value == 1;
  }
  bfd.weight = static_cast<int>(*weight);
  bfd.weight_reverse = reverse;
}

void dump_weight(std::string_view keyword, const BfdInstance& bfd, DumpWriter& out) {
  if (bfd.weight == 0 && !bfd.weight_reverse) return;
  if (bfd.weight_reverse)
    out.line(keyword, {std::to_string(bfd.weight), "reverse"});
  else
    out.line(keyword, {std::to_string(bfd.weight)});
}

const KeywordTable<BfdInstance>& bfd_keywords() {
  static const KeywordTable<BfdInstance> table{
      address<&BfdInstance::neighbor_ip>("neighbor_ip"),
      {"neighbour_ip", address<&BfdInstance::neighbor_ip>("").parse},  // British spelling
      address<&BfdInstance::source_ip>("source_ip"),
      interval<&BfdInstance::min_rx, 1>("min_rx"),
      interval<&BfdInstance::min_tx, 1>("min_tx"),
      interval<&BfdInstance::idle_tx, kMinIdleTxMs>("idle_tx"),
      integer<&BfdInstance::multiplier, 1, 255>("multiplier"),
      lvs::presence<&BfdInstance::passive>("passive"),
      integer<&BfdInstance::ttl, 1, 255>("ttl"),
      {"hoplimit", integer<&BfdInstance::ttl, 1, 255>("").parse},  // the IPv6 name of ttl
      integer<&BfdInstance::max_hops, -1, 255>("max_hops"),
      {"weight", parse_weight, dump_weight},
      lvs::presence<&BfdInstance::vrrp>("vrrp"),
      lvs::presence<&BfdInstance::checker>("checker"),
  };
  return table;
}

}  // namespace

void parse_bfd_instance(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_args(statement, 1, 1)) return;
  const std::string& name = statement.args[0];
  if (name.size() > kMaxNameLength) {
    context.error(statement, "'bfd_instance' name '" + name + "' is longer than " + std::to_string(kMaxNameLength) +
                                 " characters");
    return;
  }
  BfdInstance bfd{.name = name, .location = statement.location};
  bfd_keywords().parse(statement.children, bfd, context, "bfd_instance");
  config.bfd_instances.push_back(std::move(bfd));
}

namespace lvs {

// keepalived's bfd_end_handler and duplicate checks, after the whole file is read.
void validate_bfd(Config& config, ParseContext& context) {
  auto& instances = config.bfd_instances;
  for (std::size_t i = 0; i < instances.size(); ++i) {
    BfdInstance& bfd = instances[i];
    const std::string label = "bfd_instance '" + bfd.name + "'";
    Diagnostics& diagnostics = context.diagnostics();
    bool keep = true;
    for (std::size_t j = 0; keep && j < i; ++j) {
      if (instances[j].name == bfd.name) {
        diagnostics.error(bfd.location, label + " is defined twice");
        keep = false;
      } else if (bfd.neighbor_ip && instances[j].neighbor_ip == bfd.neighbor_ip) {
        diagnostics.error(bfd.location,
                          label + " has the same neighbor_ip as bfd_instance '" + instances[j].name + "'");
        keep = false;
      }
    }
    if (keep && !bfd.neighbor_ip) {
      diagnostics.error(bfd.location, label + " has no 'neighbor_ip'");
      keep = false;
    }
    if (keep && bfd.source_ip && bfd.source_ip->family != bfd.neighbor_ip->family) {
      diagnostics.error(bfd.location, label + " source_ip and neighbor_ip are of different address families");
      keep = false;
    }
    if (!keep) {
      instances.erase(instances.begin() + static_cast<std::ptrdiff_t>(i--));
      continue;
    }
    if (!bfd.ttl) bfd.ttl = bfd.neighbor_ip->is_v6() ? kDefaultHoplimit : kDefaultTtl;
    if (bfd.max_hops > *bfd.ttl) {
      diagnostics.warning(bfd.location, label + " max_hops " + std::to_string(bfd.max_hops) + " exceeds its ttl " +
                                            std::to_string(*bfd.ttl) + "; using the ttl");
      bfd.max_hops = *bfd.ttl;
    }
  }
}

void dump_bfd_instances(const Config& config, DumpWriter& out) {
  for (const auto& bfd : config.bfd_instances) {
    out.open("bfd_instance " + DumpWriter::quote(bfd.name));
    bfd_keywords().dump(bfd, out);
    out.close();
  }
}

}  // namespace lvs
}  // namespace keel::config
