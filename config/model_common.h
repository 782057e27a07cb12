// Small value types shared by every part of the configuration model.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/ip_address.h"

namespace keel::config {

// keepalived's <TIMER>: seconds with fractions, microsecond resolution.
using Duration = std::chrono::microseconds;

// A script to run: the command line as keepalived splits it (words, quotes removed),
// and optionally the user and group to run it as.
struct Script {
  std::vector<std::string> command;  // command[0] is the program
  std::optional<std::string> user;
  std::optional<std::string> group;
  friend bool operator==(const Script&, const Script&) = default;
};

}  // namespace keel::config
