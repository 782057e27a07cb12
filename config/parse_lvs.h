// Parsers for the LVS and BFD parts of keepalived.conf: virtual_server_group,
// virtual_server with real_server and every checker, and bfd_instance.
#pragma once

#include "config/model.h"
#include "config/parse_context.h"
#include "config/tree.h"

namespace keel::config {

void parse_virtual_server_group(const Node& statement, Config& config, ParseContext& context);
void parse_virtual_server(const Node& statement, Config& config, ParseContext& context);
void parse_bfd_instance(const Node& statement, Config& config, ParseContext& context);

// Cross-references and derived values once the whole file is read (group names exist,
// quorum fits, sorry servers, inherited checker defaults...).
void validate_lvs(Config& config, ParseContext& context);

void dump_lvs(const Config& config, DumpWriter& out);

}  // namespace keel::config
