// virtual_server_group (keepalived.conf(5), "Virtual server group(s)"): addresses,
// address ranges and firewall marks. The block is a list of values, not keywords, so it
// is read line by line rather than through a KeywordTable.
#include <charconv>

#include "config/lvs_keywords.h"
#include "config/parse_lvs.h"

namespace keel::config {
namespace {

std::string group_label(const VirtualServerGroup& group) { return "virtual_server_group '" + group.name + "'"; }

// Same-family addresses order as their network-order bytes.
bool address_less(const IpAddress& a, const IpAddress& b) { return a.bytes < b.bytes; }

// "A/len": every address of the network; the host bits of A must be clear.
std::optional<VsgAddressRange> parse_network(std::string_view text, const Node& entry, const VirtualServerGroup& group,
                                             ParseContext& context) {
  const auto prefix = IpPrefix::parse(text);
  if (!prefix || prefix->length == 0) {
    context.error(entry, group_label(group) + " has an invalid network '" + std::string{text} + "'");
    return std::nullopt;
  }
  VsgAddressRange range{.first = prefix->address, .last = prefix->address};
  const unsigned bits = prefix->address.is_v6() ? 128 : 32;
  for (unsigned bit = prefix->length; bit < bits; ++bit) {
    const std::uint8_t mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if (range.first.bytes[bit / 8] & mask) {
      context.error(entry, group_label(group) + " network '" + std::string{text} + "' has host bits set");
      return std::nullopt;
    }
    range.last.bytes[bit / 8] |= mask;
  }
  return range;
}

// "A-B" (B a full address) or "A-N" (N replaces the last IPv4 octet, decimal, or the
// last IPv6 group, hexadecimal), as keepalived's inet_stor() reads them.
std::optional<VsgAddressRange> parse_range(std::string_view text, const Node& entry, const VirtualServerGroup& group,
                                           ParseContext& context) {
  const auto dash = text.find('-');
  const auto start_text = text.substr(0, dash);
  const auto end_text = text.substr(dash + 1);
  const auto invalid = [&](std::string_view why) {
    context.error(entry, group_label(group) + " has an invalid range '" + std::string{text} + "'" + std::string{why});
    return std::nullopt;
  };
  const auto first = IpAddress::parse(start_text);
  if (!first) return invalid("");
  VsgAddressRange range{.first = *first, .last = *first};
  const bool v6 = first->is_v6();
  if (end_text.find(v6 ? ':' : '.') != std::string_view::npos) {
    const auto last = IpAddress::parse(end_text);
    if (!last || last->family != first->family) return invalid("");
    if (address_less(*last, *first)) return invalid(" (the end is before the start)");
    range.last = *last;
    return range;
  }
  unsigned end = 0;
  const auto [ptr, error] = std::from_chars(end_text.data(), end_text.data() + end_text.size(), end, v6 ? 16 : 10);
  if (end_text.empty() || error != std::errc{} || ptr != end_text.data() + end_text.size() ||
      end > (v6 ? 0xffffu : 0xffu))
    return invalid("");
  const unsigned start = v6 ? (first->bytes[14] << 8 | first->bytes[15]) : first->bytes[3];
  if (end <= start) return invalid(" (the end is not after the start)");
  if (v6) {
    range.last.bytes[14] = static_cast<std::uint8_t>(end >> 8);
    range.last.bytes[15] = static_cast<std::uint8_t>(end & 0xff);
  } else {
    range.last.bytes[3] = static_cast<std::uint8_t>(end);
  }
  return range;
}

void parse_address_entry(const Node& entry, VirtualServerGroup& group, ParseContext& context) {
  if (entry.args.size() > 1) {
    context.error(entry, group_label(group) + " entry '" + entry.keyword + "' takes only a port after the address");
    return;
  }
  std::uint16_t port = 0;
  if (!entry.args.empty()) {
    const auto value = context.port(entry, "virtual_server_group port", entry.args[0]);
    if (!value) return;
    port = *value;
  }
  const std::string_view text = entry.keyword;
  std::optional<VsgAddressRange> range;
  if (text.find('/') != std::string_view::npos) {
    range = parse_network(text, entry, group, context);
  } else if (text.find('-') != std::string_view::npos) {
    range = parse_range(text, entry, group, context);
  } else if (const auto address = IpAddress::parse(text)) {
    range = VsgAddressRange{.first = *address, .last = *address};
  } else {
    context.error(entry, group_label(group) + " has an invalid address '" + entry.keyword + "'");
  }
  if (!range) return;
  range->port = port;
  range->location = entry.location;
  group.ranges.push_back(*range);
}

void parse_fwmark_entry(const Node& entry, VirtualServerGroup& group, ParseContext& context) {
  if (!context.expect_args(entry, 1, 2)) return;
  const auto mark = context.integer(entry, 0, 0, 4294967295);
  if (!mark) return;
  VsgFwmark fwmark{.mark = static_cast<std::uint32_t>(*mark), .location = entry.location};
  if (entry.args.size() == 2) {
    static constexpr std::array<std::string_view, 2> kFamilies{"inet", "inet6"};
    const auto family = lvs::parse_choice<int>(entry, entry.args[1], kFamilies, context);
    if (!family) return;
    fwmark.family = *family == 0 ? Family::kIpv4 : Family::kIpv6;
  }
  group.fwmarks.push_back(fwmark);
}

}  // namespace

void parse_virtual_server_group(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_args(statement, 1, 1)) return;
  VirtualServerGroup group{.name = statement.args[0], .location = statement.location};
  for (const Node& entry : statement.children) {
    if (entry.keyword == "fwmark")
      parse_fwmark_entry(entry, group, context);
    else
      parse_address_entry(entry, group, context);
  }
  if (group.ranges.empty() && group.fwmarks.empty()) context.warning(statement, group_label(group) + " has no entries");

  // keepalived refuses a group it cannot give one address family: both families plus a
  // fwmark whose family is not stated ("fwmark N inet|inet6").
  bool v4 = false;
  bool v6 = false;
  bool unspecified_fwmark = false;
  for (const auto& range : group.ranges) (range.first.is_v6() ? v6 : v4) = true;
  for (const auto& fwmark : group.fwmarks) {
    if (!fwmark.family)
      unspecified_fwmark = true;
    else
      (*fwmark.family == Family::kIpv6 ? v6 : v4) = true;
  }
  if (v4 && v6 && unspecified_fwmark)
    context.error(statement, group_label(group) + " has IPv4 and IPv6 entries and a fwmark without inet|inet6");
  config.virtual_server_groups.push_back(std::move(group));
}

namespace lvs {

void dump_virtual_server_groups(const Config& config, DumpWriter& out) {
  for (const auto& group : config.virtual_server_groups) {
    out.open("virtual_server_group " + DumpWriter::quote(group.name));
    for (const auto& range : group.ranges) {
      std::string text = range.first.to_string();
      if (range.last != range.first) text += "-" + range.last.to_string();
      if (range.port != 0)
        out.line(text, {std::to_string(range.port)});
      else
        out.line(text);
    }
    for (const auto& fwmark : group.fwmarks) {
      if (fwmark.family)
        out.line("fwmark", {std::to_string(fwmark.mark), *fwmark.family == Family::kIpv6 ? "inet6" : "inet"});
      else
        out.line("fwmark", {std::to_string(fwmark.mark)});
    }
    out.close();
  }
}

}  // namespace lvs
}  // namespace keel::config
