#include <gtest/gtest.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include "config/load.h"
namespace keel::config {
TEST(Scratch, Run) {
  std::ifstream in("/tmp/lvs/in.conf"); std::stringstream ss; ss << in.rdbuf();
  auto r = load_config_text(ss.str());
  for (auto& d : r.diagnostics.all()) std::cout << d.to_string() << "\n";
  auto text = dump_config(r.config);
  std::cout << text;
  auto again = load_config_text(text);
  for (auto& d : again.diagnostics.all()) std::cout << "AGAIN " << d.to_string() << "\n";
  EXPECT_EQ(again.config.virtual_servers, r.config.virtual_servers);
  EXPECT_EQ(again.config.virtual_server_groups, r.config.virtual_server_groups);
  EXPECT_EQ(again.config.bfd_instances, r.config.bfd_instances);
  EXPECT_EQ(dump_config(again.config), text);
}
}
