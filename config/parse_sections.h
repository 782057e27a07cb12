// The section parsers that parse.cc dispatches to, one group per file:
// parse_global.cc (global_defs), parse_static.cc (static_* and address/route/rule
// lines), parse_vrrp.cc and validate_vrrp.cc (vrrp_*), parse_lvs.h (LVS and BFD).
#pragma once

#include <optional>

#include "config/model.h"
#include "config/parse_context.h"
#include "config/tree.h"

namespace keel::config {

// global_defs and the handful of global keywords keepalived also accepts at top level.
const KeywordTable<GlobalDefs>& global_keywords();
const KeywordTable<GlobalDefs>& top_level_global_keywords();
void parse_global_defs(const Node& statement, Config& config, ParseContext& context);
void dump_global_defs(const Config& config, DumpWriter& out);

// One line of an address / route / rule block, `ip address|route|rule` syntax.
std::optional<AddressSpec> parse_address_spec(const Node& line, std::string_view block, ParseContext& context);
std::optional<RouteSpec> parse_route_spec(const Node& line, std::string_view block, ParseContext& context);
std::optional<RuleSpec> parse_rule_spec(const Node& line, std::string_view block, ParseContext& context);
std::vector<std::string> format_address_spec(const AddressSpec& spec);  // words after the keyword position
std::vector<std::string> format_route_spec(const RouteSpec& spec);
std::vector<std::string> format_rule_spec(const RuleSpec& spec);

void parse_static_ipaddress(const Node& statement, Config& config, ParseContext& context);
void parse_static_routes(const Node& statement, Config& config, ParseContext& context);
void parse_static_rules(const Node& statement, Config& config, ParseContext& context);
void parse_linkbeat_interfaces(const Node& statement, Config& config, ParseContext& context);
void parse_interface_up_down_delays(const Node& statement, Config& config, ParseContext& context);
void parse_track_group(const Node& statement, Config& config, ParseContext& context);
void dump_static(const Config& config, DumpWriter& out);

void parse_vrrp_script(const Node& statement, Config& config, ParseContext& context);
void parse_track_file(const Node& statement, Config& config, ParseContext& context);
void parse_track_process(const Node& statement, Config& config, ParseContext& context);
void parse_garp_group(const Node& statement, Config& config, ParseContext& context);
void parse_vrrp_sync_group(const Node& statement, Config& config, ParseContext& context);
void parse_vrrp_instance(const Node& statement, Config& config, ParseContext& context);
void validate_vrrp(Config& config, ParseContext& context);
void dump_vrrp(const Config& config, DumpWriter& out);

// A list of tracked names with optional "weight N [reverse|noreverse]".
void parse_track_refs(const Node& statement, std::vector<TrackRef>& refs, ParseContext& context, int min_weight,
                      int max_weight);
void dump_track_refs(std::string_view keyword, const std::vector<TrackRef>& refs, DumpWriter& out);

}  // namespace keel::config
