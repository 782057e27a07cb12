// Keyword builders shared by vrrp_instance and vrrp_sync_group: track_* lists and
// notify scripts appear in both with the same syntax.
#pragma once

#include <vector>

#include "config/parse_sections.h"

namespace keel::config {

void dump_vrrp_tracking(const Config& config, DumpWriter& out);

// track_interface / track_script / track_file / track_process / track_bfd { NAME [weight N [reverse]] }
template <class T, std::vector<TrackRef> T::*List, int Min, int Max>
Keyword<T> track_keyword(std::string_view name) {
  return {
      name,
      [](const Node& at, T& target, ParseContext& context) { parse_track_refs(at, target.*List, context, Min, Max); },
      [](std::string_view keyword, const T& target, DumpWriter& out) { dump_track_refs(keyword, target.*List, out); }};
}

template <class T, NotifyScripts T::*Notify, std::optional<Script> NotifyScripts::*Field>
Keyword<T> notify_script(std::string_view name) {
  return {name,
          [](const Node& at, T& target, ParseContext& context) {
            if (!context.expect_args(at, 1, 3)) return;
            if (auto value = context.script(at, 0, true)) (target.*Notify).*Field = std::move(*value);
          },
          [](std::string_view keyword, const T& target, DumpWriter& out) {
            if (const auto& value = (target.*Notify).*Field) dump_script(keyword, *value, out);
          }};
}

template <class T, NotifyScripts T::*Notify, std::optional<bool> NotifyScripts::*Field>
Keyword<T> notify_flag(std::string_view name) {
  return {name,
          [](const Node& at, T& target, ParseContext& context) {
            if (!context.expect_args(at, 0, 1)) return;
            if (auto value = context.boolean(at, 0)) (target.*Notify).*Field = *value;
          },
          [](std::string_view keyword, const T& target, DumpWriter& out) {
            if (const auto& value = (target.*Notify).*Field) out.line(keyword, {*value ? "true" : "false"});
          }};
}

template <class T, NotifyScripts T::*Notify>
void append_notify_keywords(std::vector<Keyword<T>>& keywords) {
  keywords.push_back(notify_script<T, Notify, &NotifyScripts::master>("notify_master"));
  keywords.push_back(notify_script<T, Notify, &NotifyScripts::backup>("notify_backup"));
  keywords.push_back(notify_script<T, Notify, &NotifyScripts::fault>("notify_fault"));
  keywords.push_back(notify_script<T, Notify, &NotifyScripts::stop>("notify_stop"));
  keywords.push_back(notify_script<T, Notify, &NotifyScripts::any>("notify"));
  keywords.push_back(notify_script<T, Notify, &NotifyScripts::master_rx_lower_pri>("notify_master_rx_lower_pri"));
  keywords.push_back(notify_flag<T, Notify, &NotifyScripts::notify_priority_changes>("notify_priority_changes"));
  keywords.push_back(notify_flag<T, Notify, &NotifyScripts::smtp_alert>("smtp_alert"));
  // notify_deleted [SCRIPT [user [group]]]: with no script only the reported state changes.
  keywords.push_back({"notify_deleted",
                      [](const Node& at, T& target, ParseContext& context) {
                        if (!context.expect_args(at, 0, 3)) return;
                        (target.*Notify).notify_deleted = true;
                        if (!at.args.empty()) (target.*Notify).deleted = context.script(at, 0, true);
                      },
                      [](std::string_view keyword, const T& target, DumpWriter& out) {
                        const auto& notify = target.*Notify;
                        if (notify.deleted)
                          dump_script(keyword, *notify.deleted, out);
                        else if (notify.notify_deleted)
                          out.line(keyword);
                      }});
}

}  // namespace keel::config
