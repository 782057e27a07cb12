// vrrp_script, track_file, vrrp_track_process, garp_group and vrrp_sync_group
// (keepalived.conf(5), "VRRP script(s)", "Track files", "VRRP track processes",
// "VRRP synchronization group(s)").
#include "config/parse_sections.h"
#include "config/parse_vrrp_common.h"

namespace keel::config {
namespace {

constexpr std::int64_t kSecond = 1'000'000;

// "weight N [reverse]" on a tracked object's own definition.
template <class T, int Min, int Max>
Keyword<T> own_weight() {
  return {"weight",
          [](const Node& at, T& target, ParseContext& context) {
            if (!context.expect_args(at, 1, 2)) return;
            const auto value = context.integer(at, 0, Min, Max);
            if (!value) return;
            target.weight = static_cast<int>(*value);
            if (at.args.size() == 2) {
              if (at.args[1] != "reverse")
                return context.error(at, "'weight' option '" + at.args[1] + "' is not reverse");
              target.weight_reverse = true;
            }
          },
          [](std::string_view name, const T& target, DumpWriter& out) {
            if (target.weight_reverse)
              out.line(name, {std::to_string(target.weight), "reverse"});
            else if (target.weight != T{}.weight)
              out.line(name, {std::to_string(target.weight)});
          }};
}

const KeywordTable<VrrpScript>& vrrp_script_keywords() {
  using S = VrrpScript;
  static const KeywordTable<S> table{
      {"script",
       [](const Node& at, S& s, ParseContext& context) {
         // The whole line after the keyword is the command (quoted or not).
         if (auto value = context.script(at, 0, false)) s.script = std::move(*value);
       },
       [](std::string_view name, const S& s, DumpWriter& out) {
         if (!s.script.command.empty()) dump_script(name, Script{s.script.command, {}, {}}, out);
       }},
      timer<&S::interval, 1000, 86400 * kSecond>("interval"),
      timer<&S::timeout, 1000, 86400 * kSecond>("timeout"),
      own_weight<S, -253, 253>(),
      integer<&S::rise, 1, 1'000'000>("rise"),
      integer<&S::fall, 1, 1'000'000>("fall"),
      {"user",
       [](const Node& at, S& s, ParseContext& context) {
         if (!context.expect_args(at, 1, 2)) return;
         s.script.user = at.args[0];
         if (at.args.size() == 2) s.script.group = at.args[1];
       },
       [](std::string_view name, const S& s, DumpWriter& out) {
         if (s.script.user && s.script.group)
           out.line(name, {*s.script.user, *s.script.group});
         else if (s.script.user)
           out.line(name, {*s.script.user});
       }},
      flag<&S::init_fail>("init_fail"),
  };
  return table;
}

const KeywordTable<TrackFile>& track_file_keywords() {
  using F = TrackFile;
  static const KeywordTable<F> table{
      text<&F::file>("file"),
      own_weight<F, -2147483647, 2147483647>(),
      {"init_file",
       [](const Node& at, F& f, ParseContext& context) {
         if (!context.expect_args(at, 0, 2)) return;
         f.init_file = true;
         for (const auto& word : at.args) {
           if (word == "overwrite")
             f.init_overwrite = true;
           else if (auto value = context.integer(at, "init_file", word, INT32_MIN, INT32_MAX))
             f.init_value = *value;
         }
       },
       [](std::string_view name, const F& f, DumpWriter& out) {
         if (!f.init_file) return;
         std::vector<std::string> args;
         if (f.init_value) args.push_back(std::to_string(*f.init_value));
         if (f.init_overwrite) args.emplace_back("overwrite");
         out.line(name, args);
       }},
  };
  return table;
}

const KeywordTable<TrackProcess>& track_process_keywords() {
  using P = TrackProcess;
  static const KeywordTable<P> table{
      {"process",
       [](const Node& at, P& p, ParseContext& context) {
         if (context.expect_args(at, 1, SIZE_MAX)) p.process = at.args;
       },
       [](std::string_view name, const P& p, DumpWriter& out) {
         std::vector<std::string> args;
         for (const auto& word : p.process) args.push_back(word);
         if (!args.empty()) out.line(name, args);
       }},
      {"param_match",
       [](const Node& at, P& p, ParseContext& context) {
         if (!context.expect_args(at, 1, 1)) return;
         if (at.args[0] == "initial")
           p.param_match = P::ParamMatch::kInitial;
         else if (at.args[0] == "partial")
           p.param_match = P::ParamMatch::kPartial;
         else
           context.error(at, "'param_match' value '" + at.args[0] + "' is not one of initial partial");
       },
       [](std::string_view name, const P& p, DumpWriter& out) {
         if (p.param_match == P::ParamMatch::kInitial) out.line(name, {"initial"});
         if (p.param_match == P::ParamMatch::kPartial) out.line(name, {"partial"});
       }},
      own_weight<P, -254, 254>(),
      integer<&P::quorum, 1, 65535>("quorum"),
      integer<&P::quorum_max, 1, 65535>("quorum_max"),
      timer<&P::fork_delay, 0, 3600 * kSecond>("fork_delay"),
      timer<&P::terminate_delay, 0, 3600 * kSecond>("terminate_delay"),
      timer<&P::delay, 0, 3600 * kSecond>("delay"),
      flag<&P::full_command>("full_command"),
  };
  return table;
}

const KeywordTable<GarpGroup>& garp_group_keywords() {
  using G = GarpGroup;
  static const KeywordTable<G> table{
      timer<&G::garp_interval, 0, kSecond>("garp_interval"),
      timer<&G::gna_interval, 0, kSecond>("gna_interval"),
      text<&G::interface>("interface"),
      {"interfaces",
       [](const Node& at, G& g, ParseContext&) {
         for (const Node& child : at.children) g.interfaces.push_back(child.keyword);
         for (const auto& word : at.args) g.interfaces.push_back(word);
       },
       [](std::string_view name, const G& g, DumpWriter& out) {
         if (g.interfaces.empty()) return;
         out.open(name);
         for (const auto& interface : g.interfaces) out.line(interface);
         out.close();
       }},
  };
  return table;
}

void sync_group_member_outside_group(const Node& at, VrrpSyncGroup&, ParseContext& context,
                                     std::string_view block_label) {
  // keepalived's old syntax listed member instances directly in the block; 2.x needs
  // group { }. A bare word here is almost always such an instance name.
  if (at.args.empty() && !at.has_block) {
    context.error(at, "'" + at.keyword + "' in " + std::string{block_label} +
                          " is not a keyword; list member instances inside 'group { }'");
    return;
  }
  context.warning(at, "unknown keyword '" + at.keyword + "' in " + std::string{block_label});
}

const KeywordTable<VrrpSyncGroup>& sync_group_keywords() {
  using S = VrrpSyncGroup;
  static const KeywordTable<S> table = [] {
    std::vector<Keyword<S>> keywords{
        {"group",
         [](const Node& at, S& s, ParseContext& context) {
           if (!context.expect_block(at)) return;
           for (const Node& child : at.children) {
             s.members.push_back(child.keyword);
             for (const auto& word : child.args) s.members.push_back(word);
           }
         },
         [](std::string_view name, const S& s, DumpWriter& out) {
           out.open(name);
           for (const auto& member : s.members) out.line(member);
           out.close();
         }},
        track_keyword<S, &S::track_interfaces, -253, 253>("track_interface"),
        track_keyword<S, &S::track_scripts, -253, 253>("track_script"),
        track_keyword<S, &S::track_files, -254, 254>("track_file"),
        track_keyword<S, &S::track_processes, -254, 254>("track_process"),
        track_keyword<S, &S::track_bfds, -253, 253>("track_bfd"),
        {"global_tracking", [](const Node&, S& s, ParseContext&) { s.global_tracking = true; }, nullptr,
         "track_interface/track_script/track_file on the vrrp_sync_group"},
        flag<&S::sync_group_tracking_weight>("sync_group_tracking_weight"),
    };
    append_notify_keywords<S, &S::notify>(keywords);
    return KeywordTable<S>{std::move(keywords)};
  }();
  return table;
}

template <class T>
T& add_named(const Node& statement, std::vector<T>& items, ParseContext& context) {
  T& item = items.emplace_back();
  if (context.expect_args(statement, 1, 1)) item.name = statement.args[0];
  item.location = statement.location;
  return item;
}

}  // namespace

void parse_vrrp_script(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_block(statement)) return;
  VrrpScript& script = add_named(statement, config.vrrp_scripts, context);
  vrrp_script_keywords().parse(statement.children, script, context, "vrrp_script " + script.name);
  if (script.script.command.empty()) context.error(statement, "vrrp_script " + script.name + " has no 'script'");
}

void parse_track_file(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_block(statement)) return;
  TrackFile& file = add_named(statement, config.track_files, context);
  track_file_keywords().parse(statement.children, file, context, "track_file " + file.name);
  if (file.file.empty()) context.error(statement, "track_file " + file.name + " has no 'file'");
}

void parse_track_process(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_block(statement)) return;
  TrackProcess& process = add_named(statement, config.track_processes, context);
  track_process_keywords().parse(statement.children, process, context, "vrrp_track_process " + process.name);
  if (process.process.empty()) context.error(statement, "vrrp_track_process " + process.name + " has no 'process'");
}

void parse_garp_group(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_args(statement, 0, 0) || !context.expect_block(statement)) return;
  GarpGroup& group = config.garp_groups.emplace_back();
  group.location = statement.location;
  garp_group_keywords().parse(statement.children, group, context, "garp_group");
  if (group.interface && !group.interfaces.empty())
    context.error(statement, "garp_group has both 'interface' and 'interfaces'; use only one");
}

void parse_vrrp_sync_group(const Node& statement, Config& config, ParseContext& context) {
  if (!context.expect_block(statement)) return;
  VrrpSyncGroup& group = add_named(statement, config.vrrp_sync_groups, context);
  sync_group_keywords().parse(statement.children, group, context, "vrrp_sync_group " + group.name,
                              sync_group_member_outside_group);
}

void dump_vrrp_tracking(const Config& config, DumpWriter& out) {
  for (const auto& script : config.vrrp_scripts) {
    out.open("vrrp_script " + DumpWriter::quote(script.name));
    vrrp_script_keywords().dump(script, out);
    out.close();
  }
  for (const auto& file : config.track_files) {
    out.open("track_file " + DumpWriter::quote(file.name));
    track_file_keywords().dump(file, out);
    out.close();
  }
  for (const auto& process : config.track_processes) {
    out.open("vrrp_track_process " + DumpWriter::quote(process.name));
    track_process_keywords().dump(process, out);
    out.close();
  }
  for (const auto& group : config.garp_groups) {
    out.open("garp_group");
    garp_group_keywords().dump(group, out);
    out.close();
  }
  for (const auto& group : config.vrrp_sync_groups) {
    out.open("vrrp_sync_group " + DumpWriter::quote(group.name));
    sync_group_keywords().dump(group, out);
    out.close();
  }
}

}  // namespace keel::config
