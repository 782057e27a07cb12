// static_ipaddress, static_routes, static_rules, linkbeat_interfaces,
// interface_up_down_delays and track_group (keepalived.conf(5), "GLOBAL CONFIGURATION").
#include "config/parse_sections.h"

namespace keel::config {
namespace {

constexpr std::int64_t kSecond = 1'000'000;

template <class Spec, class ParseLine>
void parse_spec_block(const Node& statement, std::vector<Spec>& out, ParseContext& context, ParseLine parse_line) {
  if (!context.expect_block(statement)) return;
  for (const Node& line : statement.children) {
    if (line.has_block) {
      context.error(line, "'" + statement.keyword + "' lines do not take a { } block");
      continue;
    }
    if (auto spec = parse_line(line, statement.keyword, context)) out.push_back(std::move(*spec));
  }
}

template <class Spec, class Format>
void dump_spec_block(std::string_view keyword, const std::vector<Spec>& specs, DumpWriter& out, Format format) {
  if (specs.empty()) return;
  out.open(keyword);
  for (const Spec& spec : specs) {
    auto words = format(spec);
    const std::string first = words.front();
    words.erase(words.begin());
    out.line(first, words);
  }
  out.close();
}

}  // namespace

void parse_static_ipaddress(const Node& statement, Config& config, ParseContext& context) {
  parse_spec_block(statement, config.static_ipaddress, context, parse_address_spec);
}

void parse_static_routes(const Node& statement, Config& config, ParseContext& context) {
  parse_spec_block(statement, config.static_routes, context, parse_route_spec);
}

void parse_static_rules(const Node& statement, Config& config, ParseContext& context) {
  parse_spec_block(statement, config.static_rules, context, parse_rule_spec);
}

void parse_linkbeat_interfaces(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_block(statement)) return;
  for (const Node& line : statement.children) {
    if (!context.expect_args(line, 0, 1)) continue;
    LinkbeatInterface entry{.name = line.keyword, .polling = {}};
    if (!line.args.empty()) {
      const auto& type = line.args[0];
      if (type != "MII" && type != "ETHTOOL" && type != "IOCTL") {
        context.error(line, "'linkbeat_interfaces' polling type '" + type + "' is not one of MII ETHTOOL IOCTL");
        continue;
      }
      entry.polling = type;
    }
    config.linkbeat_interfaces.push_back(std::move(entry));
  }
}

void parse_interface_up_down_delays(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_block(statement)) return;
  for (const Node& line : statement.children) {
    if (!context.expect_args(line, 1, 2)) continue;
    const auto down = context.timer(line, 0, Duration{0}, Duration{255 * kSecond});
    if (!down) continue;
    auto up = down;
    if (line.args.size() == 2 && !(up = context.timer(line, 1, Duration{0}, Duration{255 * kSecond}))) continue;
    config.interface_up_down_delays.push_back({.name = line.keyword, .down_delay = *down, .up_delay = *up});
  }
}

void parse_track_group(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_args(statement, 1, 1) || !context.expect_block(statement)) return;
  TrackGroup group{.name = statement.args[0], .instances = {}, .location = statement.location};
  for (const Node& child : statement.children) {
    if (child.keyword != "group") {
      context.warning(child, "unknown keyword '" + child.keyword + "' in track_group " + group.name);
      continue;
    }
    for (const Node& member : child.children) group.instances.push_back(member.keyword);
    for (const auto& word : child.args) group.instances.push_back(word);
  }
  config.track_groups.push_back(std::move(group));
}

void dump_static(const Config& config, DumpWriter& out) {
  if (!config.linkbeat_interfaces.empty()) {
    out.open("linkbeat_interfaces");
    for (const auto& entry : config.linkbeat_interfaces) {
      if (entry.polling)
        out.line(entry.name, {*entry.polling});
      else
        out.line(entry.name);
    }
    out.close();
  }
  if (!config.interface_up_down_delays.empty()) {
    out.open("interface_up_down_delays");
    for (const auto& entry : config.interface_up_down_delays)
      out.line(entry.name, {format_seconds(entry.down_delay), format_seconds(entry.up_delay)});
    out.close();
  }
  for (const auto& group : config.track_groups) {
    out.open("track_group " + DumpWriter::quote(group.name));
    out.open("group");
    for (const auto& name : group.instances) out.line(name);
    out.close();
    out.close();
  }
  dump_spec_block("static_ipaddress", config.static_ipaddress, out, format_address_spec);
  dump_spec_block("static_routes", config.static_routes, out, format_route_spec);
  dump_spec_block("static_rules", config.static_rules, out, format_rule_spec);
}

}  // namespace keel::config
