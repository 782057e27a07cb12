// Top level of keepalived.conf: dispatches each top-level block to its section parser,
// then validates cross-references once everything is read.
#include <fstream>

#include "config/load.h"
#include "config/lvs_keywords.h"
#include "config/parse_lvs.h"
#include "config/parse_sections.h"

namespace keel::config {
namespace {

// keepalived accepts these global keywords outside global_defs as well.
void parse_global_keyword_at_top_level(const Node& statement, Config& config, ParseContext& context) {
  const std::vector<Node> one{statement};
  top_level_global_keywords().parse(one, config.global, context, "the top level");
}

void parse_ssl(const Node& statement, Config& config, ParseContext& context) {
  lvs::parse_ssl_context(statement, config.ssl, context);
}

const KeywordTable<Config>& top_level_keywords() {
  static const KeywordTable<Config> table{
      {"global_defs", parse_global_defs},
      {"net_namespace", parse_global_keyword_at_top_level},
      {"net_namespace_ipvs", parse_global_keyword_at_top_level},
      {"namespace_with_ipsets", parse_global_keyword_at_top_level},
      {"instance", parse_global_keyword_at_top_level},
      {"use_pid_dir", parse_global_keyword_at_top_level},
      {"linkbeat_use_polling", parse_global_keyword_at_top_level},
      {"child_wait_time", parse_global_keyword_at_top_level},
      {"linkbeat_interfaces", parse_linkbeat_interfaces},
      {"interface_up_down_delays", parse_interface_up_down_delays},
      {"track_group", parse_track_group},
      {"static_ipaddress", parse_static_ipaddress},
      {"static_routes", parse_static_routes},
      {"static_rules", parse_static_rules},
      {"vrrp_script", parse_vrrp_script},
      {"track_file", parse_track_file},
      {"vrrp_track_file", parse_track_file, nullptr, "track_file"},
      {"vrrp_track_process", parse_track_process},
      {"garp_group", parse_garp_group},
      {"vrrp_sync_group", parse_vrrp_sync_group},
      {"vrrp_instance", parse_vrrp_instance},
      {"virtual_server_group", parse_virtual_server_group},
      {"virtual_server", parse_virtual_server},
      {"bfd_instance", parse_bfd_instance},
      {"SSL", parse_ssl},
  };
  return table;
}

}  // namespace

void parse_tree(const Tree& tree, Config& config, Diagnostics& diagnostics) {
  ParseContext context{diagnostics};
  top_level_keywords().parse(tree.statements, config, context, "the top level");
  validate_vrrp(config, context);
  validate_lvs(config, context);
}

LoadResult load_config_file(const std::filesystem::path& path, const ReadOptions& options) {
  LoadResult result;
  const Tree tree = read_config_file(path, options, result.diagnostics);
  if (!tree.statements.empty() || !result.diagnostics.has_errors()) parse_tree(tree, result.config, result.diagnostics);
  return result;
}

LoadResult load_config_text(std::string_view text, std::string_view name, const ReadOptions& options) {
  LoadResult result;
  const Tree tree = read_config_text(text, name, options, result.diagnostics);
  parse_tree(tree, result.config, result.diagnostics);
  return result;
}

std::string dump_config(const Config& config) {
  DumpWriter out;
  dump_global_defs(config, out);
  dump_static(config, out);
  dump_vrrp(config, out);
  lvs::dump_ssl_context(config.ssl, out);
  dump_lvs(config, out);
  return out.take();
}

}  // namespace keel::config
