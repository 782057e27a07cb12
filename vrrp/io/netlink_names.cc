#include "vrrp/io/netlink_names.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace keel::vrrp::netlink {
namespace {

using Builtin = std::pair<std::string_view, std::uint32_t>;

// iproute2's lib/rt_names.c defaults, which hold even without any file.
constexpr std::array<Builtin, 4> kTables{{{"unspec", 0}, {"default", 253}, {"main", 254}, {"local", 255}}};
constexpr std::array<Builtin, 21> kProtocols{
    {{"unspec", 0},      {"redirect", 1}, {"kernel", 2}, {"boot", 3},      {"static", 4}, {"gated", 8},  {"ra", 9},
     {"mrt", 10},        {"zebra", 11},   {"bird", 12},  {"dnrouted", 13}, {"xorp", 14},  {"ntk", 15},   {"dhcp", 16},
     {"keepalived", 18}, {"babel", 42},   {"openr", 99}, {"bgp", 186},     {"isis", 187}, {"ospf", 188}, {"rip", 189}}};
constexpr std::array<Builtin, 1> kRealms{{{"unknown", 0}}};
constexpr std::array<Builtin, 1> kGroups{{{"default", 0}}};

// "NUMBER NAME" lines, '#' comments, as iproute2's rtnl_tab_initialize reads them.
std::optional<std::uint32_t> find_in_file(const std::filesystem::path& file, std::string_view name) {
  std::ifstream in{file};
  std::string line;
  while (std::getline(in, line)) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    const auto number_start = line.find_first_not_of(" \t");
    if (number_start == std::string::npos) continue;
    const auto number_end = line.find_first_of(" \t", number_start);
    if (number_end == std::string::npos) continue;
    const auto name_start = line.find_first_not_of(" \t", number_end);
    if (name_start == std::string::npos) continue;
    const auto name_end = line.find_first_of(" \t", name_start);
    const std::string_view word = std::string_view{line}.substr(name_start, name_end - name_start);
    if (word != name) continue;
    if (auto number = parse_number(std::string_view{line}.substr(number_start, number_end - number_start)))
      return number;
  }
  return std::nullopt;
}

// FILE in each directory, then FILE.d/*.conf (sorted, as iproute2 reads them).
std::optional<std::uint32_t> find_in_directories(std::string_view file, std::string_view name,
                                                 std::span<const std::filesystem::path> directories) {
  for (const auto& directory : directories) {
    if (auto found = find_in_file(directory / file, name)) return found;
    std::error_code error;
    std::vector<std::filesystem::path> fragments;
    for (const auto& entry : std::filesystem::directory_iterator(directory / (std::string{file} + ".d"), error))
      if (entry.path().extension() == ".conf") fragments.push_back(entry.path());
    std::ranges::sort(fragments);
    for (const auto& fragment : fragments)
      if (auto found = find_in_file(fragment, name)) return found;
  }
  return std::nullopt;
}

template <std::size_t N>
std::optional<std::uint32_t> lookup(std::string_view name, const std::array<Builtin, N>& builtins,
                                    std::string_view file, std::span<const std::filesystem::path> directories) {
  if (auto number = parse_number(name)) return number;
  for (const auto& [builtin, number] : builtins)
    if (builtin == name) return number;
  return find_in_directories(file, name, directories);
}

}  // namespace

std::span<const std::filesystem::path> iproute2_directories() {
  static const std::array<std::filesystem::path, 3> directories{"/etc/iproute2", "/usr/share/iproute2",
                                                                "/usr/lib/iproute2"};
  return directories;
}

std::optional<std::uint32_t> parse_number(std::string_view text) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::uint32_t> table_number(std::string_view name, std::span<const std::filesystem::path> directories) {
  return lookup(name, kTables, "rt_tables", directories);
}

std::optional<std::uint32_t> protocol_number(std::string_view name,
                                             std::span<const std::filesystem::path> directories) {
  return lookup(name, kProtocols, "rt_protos", directories);
}

std::optional<std::uint32_t> realm_number(std::string_view name, std::span<const std::filesystem::path> directories) {
  return lookup(name, kRealms, "rt_realms", directories);
}

std::optional<std::uint32_t> realms_value(std::string_view text, std::span<const std::filesystem::path> directories) {
  const auto slash = text.find('/');
  const auto to = realm_number(slash == std::string_view::npos ? text : text.substr(slash + 1), directories);
  const auto from = slash == std::string_view::npos ? std::optional<std::uint32_t>{0}
                                                    : realm_number(text.substr(0, slash), directories);
  if (!to || !from || *to > 0xffff || *from > 0xffff) return std::nullopt;
  return (*from << 16) | *to;
}

std::optional<std::uint32_t> group_number(std::string_view name, std::span<const std::filesystem::path> directories) {
  return lookup(name, kGroups, "group", directories);
}

}  // namespace keel::vrrp::netlink
