// The frames a new master sends so that hosts and switches learn where its virtual
// addresses now live, built as complete Ethernet frames (the adapter only writes them to
// an AF_PACKET socket): a gratuitous ARP for each IPv4 address and an unsolicited Neighbor
// Advertisement for each IPv6 one. Also the VRRP virtual MAC address.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "config/ip_address.h"

namespace keel::vrrp {

using MacAddress = std::array<std::uint8_t, 6>;

std::string to_string(const MacAddress& mac);  // "00:00:5e:00:01:33"

// RFC 5798 §7.3: 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6.
MacAddress virtual_mac(config::Family family, std::uint8_t vrid);

inline constexpr std::size_t kGratuitousArpFrameLength = 42;   // 14 Ethernet + 28 ARP; the NIC pads to 60
inline constexpr std::size_t kNeighborAdvertFrameLength = 86;  // 14 + 40 IPv6 + 32 ICMPv6

// An ARP announcement (RFC 5227 §2.3, RFC 5798 §8.1.2 "gratuitous ARP"): broadcast, ARP
// request with sender and target protocol address both `address`, sender hardware
// address `source_mac`, target hardware address zero. keepalived writes ff:ff:ff:ff:ff:ff
// there; receivers ignore the field (RFC 5227 §2.3), so the RFC's zero is used.
std::vector<std::byte> build_gratuitous_arp(const MacAddress& source_mac, const config::IpAddress& address);

struct NeighborAdvertOptions {
  MacAddress source_mac{};   // Ethernet source and the target link-layer address option
  config::IpAddress source;  // RFC 4861 §7.2.6: an address of the sending interface
  config::IpAddress target;  // the virtual IPv6 address being announced
  bool router = false;       // R flag: set when the virtual router forwards (keepalived: ip forwarding on)
};

// An unsolicited Neighbor Advertisement (RFC 4861 §4.4, §7.2.6): to ff02::1 (Ethernet
// 33:33:00:00:00:01), hop limit 255, Solicited clear, Override set, with a target
// link-layer address option and a correct ICMPv6 checksum (RFC 4443 §2.3).
std::vector<std::byte> build_unsolicited_na(const NeighborAdvertOptions& options);

}  // namespace keel::vrrp
