// The numbers behind the names iproute2 lets a user write in `ip route|rule` lines, which
// keepalived.conf(5) accepts too: routing tables (rt_tables), route protocols (rt_protos),
// realms (rt_realms), interface groups (group). A number is taken as it is; a name is
// looked up in the built-in names ip(8) knows, then in the files of that name under the
// iproute2 configuration directories.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

namespace keel::vrrp::netlink {

// Where iproute2 keeps its tables: /etc first, then the distribution's defaults.
std::span<const std::filesystem::path> iproute2_directories();

// "main" -> 254, "100" -> 100, "0x10" -> 16; nullopt for an unknown name.
std::optional<std::uint32_t> table_number(std::string_view name,
                                          std::span<const std::filesystem::path> directories = iproute2_directories());
// "keepalived" -> 18, "static" -> 4.
std::optional<std::uint32_t> protocol_number(
    std::string_view name, std::span<const std::filesystem::path> directories = iproute2_directories());
// One realm: a number or a name from rt_realms.
std::optional<std::uint32_t> realm_number(std::string_view name,
                                          std::span<const std::filesystem::path> directories = iproute2_directories());

// `realms [FROM/]TO` as the kernel stores it: FROM << 16 | TO.
std::optional<std::uint32_t> realms_value(std::string_view text,
                                          std::span<const std::filesystem::path> directories = iproute2_directories());
// An interface group (`suppress_ifgroup`): a number or a name from `group`.
std::optional<std::uint32_t> group_number(std::string_view name,
                                          std::span<const std::filesystem::path> directories = iproute2_directories());

// A plain number in decimal or 0x-hex, as iproute2's get_u32(..., 0) reads it.
std::optional<std::uint32_t> parse_number(std::string_view text);

}  // namespace keel::vrrp::netlink
