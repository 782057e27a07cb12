// The LVS and BFD part of keepalived.conf: virtual_server_group, virtual_server,
// real_server, sorry_server, every checker and bfd_instance — values, diagnostics,
// the defaults validation fills in, and the dump round trip.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/load.h"
#include "config/lvs_keywords.h"

namespace keel::config {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> messages(const LoadResult& result) {
  std::vector<std::string> lines;
  for (const auto& diagnostic : result.diagnostics.all()) lines.push_back(diagnostic.to_string());
  return lines;
}

// Parses text that must produce no diagnostic at all.
Config clean(std::string_view text) {
  LoadResult result = load_config_text(text);
  EXPECT_EQ(messages(result), std::vector<std::string>{}) << text;
  return std::move(result.config);
}

// The diagnostics of a text.
std::vector<std::string> diagnose(std::string_view text) { return messages(load_config_text(text)); }

// One TCP service with one real server whose block is `real_body` (from line 5), then
// `service_body` (from line 6 + the lines of `real_body`).
std::string service(std::string_view service_body, std::string_view real_body) {
  return "virtual_server 10.0.0.1 80 {\n    lvs_sched rr\n    protocol TCP\n    real_server 10.0.1.1 80 {\n" +
         std::string{real_body} + "    }\n" + std::string{service_body} + "}\n";
}

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

const Checker& only_checker(const Config& config) {
  EXPECT_EQ(config.virtual_servers.size(), 1u);
  EXPECT_EQ(config.virtual_servers.at(0).real_servers.size(), 1u);
  EXPECT_EQ(config.virtual_servers.at(0).real_servers.at(0).checkers.size(), 1u);
  return config.virtual_servers.at(0).real_servers.at(0).checkers.at(0);
}

// ---- virtual_server

TEST(VirtualServer, ReadsEveryServiceOption) {
  const Config config = clean(R"(virtual_server 10.0.0.1 443 {
    lvs_sched sh
    sh-port
    sh-fallback
    flag-2
    ops
    lvs_method DR
    persistence_engine sip
    persistence_timeout 50
    persistence_granularity 255.255.255.0
    protocol udp
    ha_suspend
    smtp_alert off
    virtualhost www.example.com
    snmp_name web
    alpha
    omega
    quorum 2
    hysteresis 1
    quorum_up "/usr/local/bin/up --now" keepalived_script
    quorum_down /usr/local/bin/down
    weight 3
    connect_timeout 2.5
    retry 4
    delay_before_retry 2
    warmup 0
    delay_loop 10
    inhibit_on_failure
    real_server 10.0.1.1 443 {
    }
})");
  ASSERT_EQ(config.virtual_servers.size(), 1u);
  const VirtualServer& vs = config.virtual_servers[0];
  EXPECT_EQ(vs.kind, VirtualServerKind::kAddress);
  EXPECT_EQ(vs.address, ip("10.0.0.1"));
  EXPECT_EQ(vs.port, 443);
  EXPECT_EQ(vs.lb_algo, LbAlgo::kSh);
  EXPECT_TRUE(vs.sh_port && vs.sh_fallback && vs.flag_2 && vs.ops);
  EXPECT_FALSE(vs.flag_1 || vs.flag_3 || vs.mh_port || vs.mh_fallback);
  EXPECT_EQ(vs.lvs_method, ForwardingMethod{.kind = LbKind::kDr});
  EXPECT_EQ(vs.persistence_engine, "sip");
  EXPECT_EQ(vs.persistence_timeout, 50u);
  EXPECT_EQ(vs.persistence_granularity, PersistenceGranularity{.netmask = ip("255.255.255.0")});
  EXPECT_EQ(vs.protocol, LvsProtocol::kUdp);
  EXPECT_TRUE(vs.ha_suspend);
  EXPECT_EQ(vs.smtp_alert, false);
  EXPECT_EQ(vs.virtualhost, "www.example.com");
  EXPECT_EQ(vs.snmp_name, "web");
  EXPECT_TRUE(vs.alpha && vs.omega && vs.inhibit_on_failure);
  EXPECT_EQ(vs.quorum, 2u);
  EXPECT_EQ(vs.hysteresis, 1u);
  EXPECT_EQ(vs.quorum_up, (Script{.command = {"/usr/local/bin/up", "--now"}, .user = "keepalived_script"}));
  EXPECT_EQ(vs.quorum_down, Script{.command = {"/usr/local/bin/down"}});
  EXPECT_EQ(vs.weight, 3);
  EXPECT_EQ(vs.connect_timeout, 2500ms);
  EXPECT_EQ(vs.retry, 4u);
  EXPECT_EQ(vs.delay_before_retry, 2s);
  EXPECT_EQ(vs.warmup, 0s);
  EXPECT_EQ(vs.delay_loop, 10s);
  EXPECT_EQ(vs.location.line, 1u);
}

TEST(VirtualServer, FwmarkAndGroupFormsNameTheirService) {
  const Config config = clean(R"(virtual_server_group web {
    10.0.0.1 80
}
virtual_server fwmark 7 {
    lvs_sched rr
    real_server 10.0.1.1 {
    }
}
virtual_server group web {
    lvs_sched rr
    protocol TCP
    real_server 10.0.1.1 80 {
    }
})");
  ASSERT_EQ(config.virtual_servers.size(), 2u);
  EXPECT_EQ(config.virtual_servers[0].kind, VirtualServerKind::kFwmark);
  EXPECT_EQ(config.virtual_servers[0].fwmark, 7u);
  EXPECT_EQ(config.virtual_servers[1].kind, VirtualServerKind::kGroup);
  EXPECT_EQ(config.virtual_servers[1].group, "web");
}

TEST(VirtualServer, LbAlgoAndLbKindAreQuietAliasesOfLvsSchedAndLvsMethod) {
  // The keepalived samples use the old names; keepalived 2.2.7 accepts them silently.
  const Config config = clean(service("    lb_algo wlc\n    lb_kind TUN\n", ""));
  EXPECT_EQ(config.virtual_servers[0].lb_algo, LbAlgo::kWlc);
  EXPECT_EQ(config.virtual_servers[0].lvs_method->kind, LbKind::kTun);
}

TEST(VirtualServer, TunnelTypesTakePortAndChecksum) {
  const Config config =
      clean(service("    lvs_method TUN type gue port 6080 csum\n", "        lvs_method TUN type gre csum\n"));
  EXPECT_EQ(config.virtual_servers[0].lvs_method, (ForwardingMethod{.kind = LbKind::kTun,
                                                                    .tunnel_type = TunnelType::kGue,
                                                                    .tunnel_port = 6080,
                                                                    .tunnel_checksum = TunnelChecksum::kCsum}));
  EXPECT_EQ(config.virtual_servers[0].real_servers[0].lvs_method,
            (ForwardingMethod{
                .kind = LbKind::kTun, .tunnel_type = TunnelType::kGre, .tunnel_checksum = TunnelChecksum::kCsum}));
}

TEST(VirtualServer, UnknownSchedulerIsAnErrorListingTheSchedulers) {
  EXPECT_EQ(diagnose(service("    lb_algo foo\n", "")),
            std::vector<std::string>{"<input>:6: error: 'lb_algo' value 'foo' is not one of rr wrr lc wlc lblc lblcr "
                                     "dh sh sed nq fo ovf mh twos"});
}

TEST(VirtualServer, ForwardingMethodErrorsNameTheProblem) {
  EXPECT_EQ(diagnose(service("    lb_kind XX\n"
                             "    lvs_method TUN type gue\n"
                             "    lvs_method TUN type ipip csum\n"
                             "    lvs_method TUN type vxlan\n"
                             "    lvs_method TUN foo\n"
                             "    lvs_method DR type gre\n"
                             "    lvs_method TUN type gue port 0\n",
                             "")),
            (std::vector<std::string>{
                "<input>:6: error: 'lb_kind' value 'XX' is not one of NAT DR TUN",
                "<input>:7: error: 'lvs_method' needs a port for type gue, and only gue takes one",
                "<input>:8: error: 'lvs_method' type ipip takes no checksum option",
                "<input>:9: error: 'lvs_method' value 'vxlan' is not one of ipip gue gre",
                "<input>:10: error: 'lvs_method' has an unknown tunnel option 'foo'",
                "<input>:11: error: 'lvs_method' tunnel options need TUN",
                "<input>:12: error: 'port' value '0' is out of range 1..65535",
            }));
}

TEST(VirtualServer, BadHeaderIsAnErrorAndSkipsTheBlock) {
  EXPECT_EQ(diagnose(R"(virtual_server 10.0.0.1 70000 {
    lb_algo not-reported
}
virtual_server 10.0.0.x 80 {
}
virtual_server {
}
virtual_server fwmark 0 {
}
virtual_server group {
})"),
            (std::vector<std::string>{
                "<input>:1: error: 'virtual_server' value '70000' is out of range 0..65535",
                "<input>:4: error: 'virtual_server' has an invalid address '10.0.0.x'",
                "<input>:6: error: 'virtual_server' expects 1 to 2 arguments, got 0",
                "<input>:8: error: 'virtual_server fwmark' value '0' is out of range 1..4294967295",
                "<input>:10: error: 'virtual_server group' is missing the group name",
            }));
}

TEST(VirtualServer, OutOfRangeNumbersAreErrors) {
  EXPECT_EQ(diagnose(service("    quorum 0\n"
                             "    hysteresis -1\n"
                             "    weight 0\n"
                             "    persistence_timeout 2678401\n"
                             "    delay_loop 0\n"
                             "    connect_timeout 0\n"
                             "    retry 0\n"
                             "    warmup soon\n"
                             "    protocol ICMP\n"
                             "    ip_family inet7\n",
                             "")),
            (std::vector<std::string>{
                "<input>:6: error: 'quorum' value '0' is out of range 1..4294967295",
                "<input>:7: error: 'hysteresis' value '-1' is out of range 0..4294967295",
                "<input>:8: error: 'weight' value '0' is out of range 1..2147483647",
                "<input>:9: error: 'persistence_timeout' value '2678401' is out of range 1..2678400",
                "<input>:10: error: 'delay_loop' value '0' is out of range 0.000001..1000000000 seconds",
                "<input>:11: error: 'connect_timeout' value '0' is out of range 0.000001..4294.967295 seconds",
                "<input>:12: error: 'retry' value '0' is out of range 1..4294967295",
                "<input>:13: error: 'warmup' value 'soon' is not a time in seconds",
                "<input>:14: error: 'protocol' value 'ICMP' is not one of TCP UDP SCTP",
                "<input>:15: error: 'ip_family' value 'inet7' is not one of inet inet6",
            }));
}

TEST(VirtualServer, PersistenceTimeoutWithoutValueIsSixMinutes) {
  const Config config = clean(service("    persistence_timeout\n", ""));
  EXPECT_EQ(config.virtual_servers[0].persistence_timeout, 360u);
}

TEST(VirtualServer, PersistenceGranularityIsAPrefixLengthForIpv6) {
  const Config config = clean(R"(virtual_server 2001:db8::1 80 {
    lvs_sched rr
    protocol TCP
    persistence_granularity 64
    real_server 2001:db8::2 80 {
    }
})");
  EXPECT_EQ(config.virtual_servers[0].persistence_granularity, PersistenceGranularity{.prefix_length = 64});
  // keepalived sets the default timeout when only the granularity is given.
  EXPECT_EQ(config.virtual_servers[0].persistence_timeout, 360u);
}

TEST(VirtualServer, UnknownKeywordIsAWarningAndHashedIsIgnored) {
  EXPECT_EQ(diagnose(service("    hashed\n    lvs_flags sh-port\n", "        track_file t\n")),
            (std::vector<std::string>{
                "<input>:5: warning: unknown keyword 'track_file' in real_server",
                "<input>:7: warning: 'hashed' has no effect and is ignored",
                "<input>:8: warning: unknown keyword 'lvs_flags' in virtual_server",
            }));
}

TEST(VirtualServer, SorryServerTakesInhibitAndItsOwnMethod) {
  const Config config =
      clean(service("    sorry_server 10.0.2.1 8080\n"
                    "    sorry_server_inhibit\n"
                    "    sorry_server_lvs_method NAT\n",
                    ""));
  ASSERT_TRUE(config.virtual_servers[0].sorry_server);
  const SorryServer& sorry = *config.virtual_servers[0].sorry_server;
  EXPECT_EQ(sorry.address, ip("10.0.2.1"));
  EXPECT_EQ(sorry.port, 8080);
  EXPECT_TRUE(sorry.inhibit);
  EXPECT_EQ(sorry.lvs_method, ForwardingMethod{});
}

TEST(VirtualServer, SorryServerOptionsNeedTheSorryServerFirst) {
  EXPECT_EQ(diagnose(service("    sorry_server_inhibit\n"
                             "    sorry_server_lvs_method DR\n"
                             "    sorry_server 10.0.2.1 99999\n",
                             "")),
            (std::vector<std::string>{
                "<input>:6: error: 'sorry_server_inhibit' needs a 'sorry_server' before it",
                "<input>:7: error: 'sorry_server_lvs_method' needs a 'sorry_server' before it",
                "<input>:8: error: 'sorry_server' value '99999' is out of range 0..65535",
            }));
}

// ---- validation of services

TEST(VirtualServerValidation, MissingProtocolAndSchedulerDefaultWithWarnings) {
  LoadResult result = load_config_text("virtual_server 10.0.0.1 80 {\n    real_server 10.0.1.1 80 {\n    }\n}\n");
  EXPECT_EQ(messages(result), (std::vector<std::string>{
                                  "<input>:1: warning: virtual_server 10.0.0.1 80: has no 'protocol'; using UDP",
                                  "<input>:1: warning: virtual_server 10.0.0.1 80: has no 'lvs_sched'; using wlc",
                              }));
  EXPECT_EQ(result.config.virtual_servers[0].protocol, LvsProtocol::kUdp);
  EXPECT_EQ(result.config.virtual_servers[0].lb_algo, LbAlgo::kWlc);
  EXPECT_EQ(result.config.virtual_servers[0].lvs_method, ForwardingMethod{});  // man page: default NAT
}

TEST(VirtualServerValidation, KeepalivedCorrectionsAreWarningsAndApplied) {
  LoadResult result = load_config_text(R"(virtual_server 10.0.0.1 0 {
    lvs_sched rr
    protocol TCP
    ops
    mh-port
    quorum 5
    hysteresis 9
    real_server 10.0.1.1 80 {
        weight 2
    }
}
virtual_server fwmark 3 {
    lvs_sched rr
    protocol TCP
    ha_suspend
    real_server 10.0.1.1 80 {
        lvs_method DR
    }
}
virtual_server 10.0.0.2 80 {
    lvs_sched rr
    protocol TCP
})");
  EXPECT_EQ(messages(result),
            (std::vector<std::string>{
                "<input>:1: warning: virtual_server 10.0.0.1: 'ops' needs protocol UDP and is ignored",
                "<input>:1: warning: virtual_server 10.0.0.1: has no port, which only a persistent service may "
                "omit; using persistence_timeout 360",
                "<input>:1: warning: virtual_server 10.0.0.1: 'mh-port' only applies to lvs_sched mh and is ignored",
                "<input>:1: warning: virtual_server 10.0.0.1: quorum 5 exceeds the total weight 2 of its real "
                "servers; using 2",
                "<input>:1: warning: virtual_server 10.0.0.1: hysteresis 9 is not below quorum 2; using 1",
                "<input>:12: warning: virtual_server fwmark 3: cannot use ha_suspend with fwmarks; ha_suspend is "
                "ignored",
                "<input>:12: warning: virtual_server fwmark 3: 'protocol' is ignored for a fwmark service",
                "<input>:16: warning: virtual_server fwmark 3: real_server 10.0.1.1 80 port 80 is ignored for a "
                "fwmark service",
                "<input>:20: warning: virtual_server 10.0.0.2 80: has no real_server and is ignored",
            }));
  ASSERT_EQ(result.config.virtual_servers.size(), 2u);
  const VirtualServer& portless = result.config.virtual_servers[0];
  EXPECT_FALSE(portless.ops || portless.mh_port);
  EXPECT_EQ(portless.persistence_timeout, 360u);
  EXPECT_EQ(portless.quorum, 2u);
  EXPECT_EQ(portless.hysteresis, 1u);
  const VirtualServer& fwmark = result.config.virtual_servers[1];
  EXPECT_FALSE(fwmark.ha_suspend);
  EXPECT_FALSE(fwmark.protocol);
  EXPECT_EQ(fwmark.real_servers[0].port, 0);
}

TEST(VirtualServerValidation, NonNatRealServerTakesTheServicePort) {
  LoadResult result = load_config_text(service("    lvs_method DR\n", "") +
                                       "virtual_server 10.0.0.2 80 {\n    lvs_sched rr\n    protocol TCP\n"
                                       "    lvs_method DR\n    real_server 10.0.1.1 8080 {\n    }\n"
                                       "    real_server 10.0.1.2 {\n    }\n}\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{"<input>:12: warning: virtual_server 10.0.0.2 80: real_server "
                                                       "10.0.1.1 8080 port 8080 differs from the service's; using 80"});
  EXPECT_EQ(result.config.virtual_servers[1].real_servers[0].port, 80);
  EXPECT_EQ(result.config.virtual_servers[1].real_servers[1].port, 80);
}

TEST(VirtualServerValidation, DuplicateRealServerIsDroppedWithAWarning) {
  LoadResult result = load_config_text(service("    real_server 10.0.1.1 80 {\n    }\n", ""));
  EXPECT_EQ(messages(result), std::vector<std::string>{"<input>:6: warning: virtual_server 10.0.0.1 80: real_server "
                                                       "10.0.1.1 80 is a duplicate and is ignored"});
  EXPECT_EQ(result.config.virtual_servers[0].real_servers.size(), 1u);
}

TEST(VirtualServerValidation, RealServerOfAnotherFamilyIsAnErrorUnlessTunnelled) {
  EXPECT_EQ(diagnose(service("    real_server 2001:db8::1 80 {\n    }\n"
                             "    real_server 2001:db8::2 80 {\n        lvs_method TUN\n    }\n",
                             "")),
            std::vector<std::string>{"<input>:6: error: virtual_server 10.0.0.1 80: real_server 2001:db8::1 80 is of "
                                     "another address family than the service"});
}

TEST(VirtualServerValidation, GroupReferenceMustNameADefinedGroup) {
  EXPECT_EQ(diagnose("virtual_server group nope {\n    lvs_sched rr\n    real_server 10.0.1.1 80 {\n    }\n}\n"),
            std::vector<std::string>{"<input>:1: error: virtual_server group nope: names an undefined "
                                     "virtual_server_group 'nope'"});
}

// ---- real_server

TEST(RealServer, ReadsEveryOption) {
  const Config config = clean(service("", R"(        weight 5
        lvs_method TUN
        uthreshold 100
        lthreshold 10
        inhibit_on_failure
        notify_up /bin/up
        notify_down "/bin/down now" nobody nogroup
        smtp_alert no
        virtualhost rs.example.com
        snmp_name rs1
        alpha
        retry 2
        delay_before_retry 1.5
        warmup 3
        connect_timeout 4
        delay_loop 20
)"));
  const RealServer& rs = config.virtual_servers[0].real_servers[0];
  EXPECT_EQ(rs.address, ip("10.0.1.1"));
  EXPECT_EQ(rs.port, 80);
  EXPECT_EQ(rs.weight, 5);
  EXPECT_EQ(rs.lvs_method, ForwardingMethod{.kind = LbKind::kTun});
  EXPECT_EQ(rs.uthreshold, 100u);
  EXPECT_EQ(rs.lthreshold, 10u);
  EXPECT_EQ(rs.inhibit_on_failure, true);
  EXPECT_EQ(rs.notify_up, Script{.command = {"/bin/up"}});
  EXPECT_EQ(rs.notify_down, (Script{.command = {"/bin/down", "now"}, .user = "nobody", .group = "nogroup"}));
  EXPECT_EQ(rs.smtp_alert, false);
  EXPECT_EQ(rs.virtualhost, "rs.example.com");
  EXPECT_EQ(rs.snmp_name, "rs1");
  EXPECT_EQ(rs.alpha, true);
  EXPECT_EQ(rs.retry, 2u);
  EXPECT_EQ(rs.delay_before_retry, 1500ms);
  EXPECT_EQ(rs.warmup, 3s);
  EXPECT_EQ(rs.connect_timeout, 4s);
  EXPECT_EQ(rs.delay_loop, 20s);
  EXPECT_EQ(rs.location.line, 4u);
}

TEST(RealServer, InheritsTheServiceDefaults) {
  const Config config =
      clean(service("    weight 7\n    alpha\n    inhibit_on_failure\n    delay_loop 9\n"
                    "    connect_timeout 3\n    retry 2\n    warmup 1\n    delay_before_retry 4\n"
                    "    lvs_method DR\n",
                    ""));
  const RealServer& rs = config.virtual_servers[0].real_servers[0];
  EXPECT_EQ(rs.weight, 7);
  EXPECT_EQ(rs.alpha, true);
  EXPECT_EQ(rs.inhibit_on_failure, true);
  EXPECT_EQ(rs.delay_loop, 9s);
  EXPECT_EQ(rs.connect_timeout, 3s);
  EXPECT_EQ(rs.retry, 2u);
  EXPECT_EQ(rs.warmup, 1s);
  EXPECT_EQ(rs.delay_before_retry, 4s);
  EXPECT_EQ(rs.lvs_method, ForwardingMethod{.kind = LbKind::kDr});
  EXPECT_EQ(rs.smtp_alert, true);  // keepalived's default for real servers
}

TEST(RealServer, SmtpAlertDefaultsToTheCheckerGlobal) {
  const Config config = clean("global_defs {\n    smtp_alert true\n    smtp_alert_checker false\n}\n" +
                              service("", "") + service("    smtp_alert\n", "        smtp_alert\n"));
  EXPECT_EQ(config.virtual_servers[0].smtp_alert, false);
  EXPECT_EQ(config.virtual_servers[0].real_servers[0].smtp_alert, false);
  EXPECT_EQ(config.virtual_servers[1].smtp_alert, true);
  EXPECT_EQ(config.virtual_servers[1].real_servers[0].smtp_alert, true);
}

TEST(RealServer, BadValuesAreErrors) {
  EXPECT_EQ(diagnose(service("    real_server 10.0.1.x 80 {\n        weight not-reported\n    }\n"
                             "    real_server 10.0.1.2 65536 {\n    }\n",
                             "        weight 2147483648\n        uthreshold -1\n        notify_up\n"
                             "        smtp_alert maybe\n")),
            (std::vector<std::string>{
                "<input>:5: error: 'weight' value '2147483648' is out of range 0..2147483647",
                "<input>:6: error: 'uthreshold' value '-1' is out of range 0..4294967295",
                "<input>:7: error: 'notify_up' expects 1 to 3 arguments, got 0",
                "<input>:8: error: 'smtp_alert' value 'maybe' is not one of on off true false yes no",
                "<input>:10: error: 'real_server' has an invalid address '10.0.1.x'",
                "<input>:13: error: 'real_server' value '65536' is out of range 0..65535",
            }));
}

// ---- checkers

TEST(Checker, ReadsConnectionAndCheckerOptions) {
  const Config config = clean(service("", R"(        TCP_CHECK {
            connect_ip 10.0.9.9
            connect_port 8080
            bindto 10.0.8.8
            bind_port 4000
            bind_if eth0
            fwmark 77
            connect_timeout 1.5
            retry 0
            delay_before_retry 2
            warmup 3
            delay_loop 4
            alpha
            log_all_failures
        }
)"));
  const Checker& checker = only_checker(config);
  EXPECT_EQ(checker.type, CheckerType::kTcp);
  EXPECT_EQ(checker.connection, (CheckerConnection{.connect_ip = ip("10.0.9.9"),
                                                   .connect_port = 8080,
                                                   .bindto = ip("10.0.8.8"),
                                                   .bind_port = 4000,
                                                   .bind_if = "eth0",
                                                   .connect_timeout = 1500ms,
                                                   .fwmark = 77}));
  EXPECT_EQ(checker.retry, 0u);
  EXPECT_EQ(checker.delay_before_retry, 2s);
  EXPECT_EQ(checker.warmup, 3s);
  EXPECT_EQ(checker.delay_loop, 4s);
  EXPECT_EQ(checker.alpha, true);
  EXPECT_TRUE(checker.log_all_failures);
  EXPECT_EQ(checker.location.line, 5u);
}

TEST(Checker, DefaultsComeFromTheRealServerThenTheCheckerType) {
  const Config config = clean(service("    delay_loop 8\n", R"(        connect_timeout 2
        TCP_CHECK {
        }
        HTTP_GET {
            url {
                path /
            }
        }
        DNS_CHECK {
        }
        MISC_CHECK {
            misc_path /bin/true
        }
)"));
  const auto& checkers = config.virtual_servers[0].real_servers[0].checkers;
  ASSERT_EQ(checkers.size(), 4u);
  for (const Checker& checker : checkers) {
    EXPECT_EQ(checker.delay_loop, 8s);
    EXPECT_EQ(checker.warmup, 8s);  // man page: warmup defaults to delay_loop
    EXPECT_EQ(checker.alpha, false);
  }
  EXPECT_EQ(checkers[0].connection.connect_timeout, 2s);
  EXPECT_EQ(checkers[0].retry, 1u);
  EXPECT_EQ(checkers[0].delay_before_retry, 1s);
  EXPECT_EQ(checkers[1].retry, 1u);
  EXPECT_EQ(checkers[1].delay_before_retry, 3s);  // HTTP_GET: 3 seconds
  EXPECT_EQ(checkers[2].retry, 3u);               // DNS_CHECK: "The retry default is 3."
  EXPECT_EQ(checkers[2].delay_before_retry, 8s);  // DNS_CHECK: delay_loop
  EXPECT_EQ(checkers[3].retry, 0u);               // MISC_CHECK: "The retry default is 0."
  EXPECT_EQ(checkers[3].connection.connect_timeout, std::nullopt);
}

TEST(Checker, NbGetRetryIsDeprecatedInFavourOfRetry) {
  LoadResult result = load_config_text(service("",
                                               "        HTTP_GET {\n            nb_get_retry 4\n"
                                               "            url {\n                path /\n            }\n"
                                               "        }\n"));
  EXPECT_EQ(messages(result),
            std::vector<std::string>{"<input>:6: warning: 'nb_get_retry' is deprecated, use 'retry' instead"});
  EXPECT_EQ(only_checker(result.config).retry, 4u);
}

TEST(Checker, HttpGetReadsUrlsAndOptions) {
  const Config config = clean(service("    virtualhost vs.example.com\n", R"(        SSL_GET {
            http_protocol 1.0c
            enable_sni
            fast_recovery
            url {
                path /health
                digest 9B3A0C85A887A256D6939DA88AABD8CD
                virtualhost url.example.com
                regex "^OK"
                regex_no_match
                regex_options caseless dotall
                regex_stack 1024 4096
                regex_min_offset 2
                regex_max_offset 100
            }
            url {
                path /second
            }
        }
)"));
  const Checker& checker = only_checker(config);
  EXPECT_EQ(checker.type, CheckerType::kSsl);
  const auto& http = std::get<HttpCheck>(checker.detail);
  EXPECT_EQ(http.http_protocol, HttpProtocol::k1_0C);
  EXPECT_TRUE(http.enable_sni && http.fast_recovery);
  EXPECT_EQ(http.virtualhost, "vs.example.com");  // inherited from the service
  ASSERT_EQ(http.urls.size(), 2u);
  const HttpUrl& url = http.urls[0];
  EXPECT_EQ(url.path, "/health");
  EXPECT_EQ(url.digest, (std::array<std::uint8_t, 16>{0x9b, 0x3a, 0x0c, 0x85, 0xa8, 0x87, 0xa2, 0x56, 0xd6, 0x93, 0x9d,
                                                      0xa8, 0x8a, 0xab, 0xd8, 0xcd}));
  EXPECT_EQ(url.virtualhost, "url.example.com");
  EXPECT_EQ(url.regex, "^OK");
  EXPECT_TRUE(url.regex_no_match);
  EXPECT_EQ(url.regex_options, (std::vector<RegexOption>{RegexOption::kCaseless, RegexOption::kDotall}));
  EXPECT_EQ(url.regex_stack, (RegexStack{1024, 4096}));
  EXPECT_EQ(url.regex_min_offset, 2u);
  EXPECT_EQ(url.regex_max_offset, 100u);
  EXPECT_EQ(http.urls[1].path, "/second");
}

TEST(Checker, StatusCodeAcceptsRangesAndLists) {
  const Config config = clean(service("",
                                      "        HTTP_GET {\n            url {\n                path /\n"
                                      "                status_code 200-299 400-499 503 505\n"
                                      "            }\n        }\n"));
  EXPECT_EQ(std::get<HttpCheck>(only_checker(config).detail).urls[0].status_codes,
            (std::vector<StatusCodeRange>{{200, 299}, {400, 499}, {503, 503}, {505, 505}}));
}

TEST(Checker, StatusCodeDefaultsTo2xx) {
  const Config config =
      clean(service("", "        HTTP_GET {\n            url {\n                path /\n            }\n        }\n"));
  EXPECT_EQ(std::get<HttpCheck>(only_checker(config).detail).urls[0].status_codes,
            (std::vector<StatusCodeRange>{{200, 299}}));
}

TEST(Checker, HttpErrorsNameTheValue) {
  EXPECT_EQ(diagnose(service("", R"(        HTTP_GET {
            http_protocol 2.0
            url {
                status_code 99 200-199 600 abc 302
                digest 123
            }
            url {
                path /
                regex_min_offset 10
                regex_options bogus
            }
        }
        HTTP_GET {
        }
)")),
            (std::vector<std::string>{
                "<input>:6: error: 'http_protocol' value '2.0' is not one of 1.0 1.0C 1.1",
                "<input>:8: error: 'status_code' value '99' is not a status code or range within 100-599",
                "<input>:8: error: 'status_code' value '200-199' is not a status code or range within 100-599",
                "<input>:8: error: 'status_code' value '600' is not a status code or range within 100-599",
                "<input>:8: error: 'status_code' value 'abc' is not a status code or range within 100-599",
                "<input>:9: error: 'digest' value '123' is not 32 hex digits (an MD5 digest)",
                "<input>:7: error: 'url' has no 'path'",
                "<input>:14: warning: 'regex_options' ignores unknown option 'bogus'",
                "<input>:11: warning: 'url' has regex options but no 'regex'; they are ignored",
                "<input>:17: error: 'HTTP_GET' has no 'url'",
            }));
}

TEST(Checker, SmtpHostBlocksBecomeCheckersOfTheirOwn) {
  LoadResult result = load_config_text(service("", R"(        SMTP_CHECK {
            helo_name mx.example.com
            connect_timeout 10
            host {
                connect_ip 10.0.5.1
            }
            host {
                connect_ip 10.0.5.2
                connect_port 587
            }
        }
)"));
  EXPECT_EQ(messages(result), (std::vector<std::string>{
                                  "<input>:8: warning: 'host' blocks are deprecated, use one SMTP_CHECK per host",
                                  "<input>:11: warning: 'host' blocks are deprecated, use one SMTP_CHECK per host",
                              }));
  const auto& checkers = result.config.virtual_servers[0].real_servers[0].checkers;
  ASSERT_EQ(checkers.size(), 2u);
  for (const Checker& checker : checkers) {
    EXPECT_EQ(checker.type, CheckerType::kSmtp);
    EXPECT_EQ(std::get<SmtpCheck>(checker.detail).helo_name, "mx.example.com");
    EXPECT_EQ(checker.connection.connect_timeout, 10s);
  }
  EXPECT_EQ(checkers[0].connection.connect_ip, ip("10.0.5.1"));
  EXPECT_EQ(checkers[1].connection.connect_ip, ip("10.0.5.2"));
  EXPECT_EQ(checkers[1].connection.connect_port, 587);
  EXPECT_EQ(checkers[1].location.line, 11u);
}

TEST(Checker, MiscCheckRunsAScriptAsAUser) {
  const Config config = clean(service("", R"(        MISC_CHECK {
            misc_path "/usr/local/bin/check.sh arg1 'two words'"
            misc_timeout 7
            misc_dynamic
            user nobody nogroup
        }
)"));
  const auto& misc = std::get<MiscCheck>(only_checker(config).detail);
  EXPECT_EQ(
      misc.script,
      (Script{.command = {"/usr/local/bin/check.sh", "arg1", "two words"}, .user = "nobody", .group = "nogroup"}));
  EXPECT_EQ(misc.misc_timeout, 7s);
  EXPECT_TRUE(misc.misc_dynamic);
}

TEST(Checker, MiscCheckNeedsAPathAndHasNoConnection) {
  EXPECT_EQ(diagnose(service("", "        MISC_CHECK {\n            connect_timeout 3\n        }\n")),
            (std::vector<std::string>{
                "<input>:6: warning: unknown keyword 'connect_timeout' in MISC_CHECK",
                "<input>:5: error: 'MISC_CHECK' has no 'misc_path'",
            }));
}

TEST(Checker, DnsCheckReadsTypeAndNameAndRefusesEmptyLabels) {
  const Config config = clean(service("",
                                      "        DNS_CHECK {\n            type aaaa\n"
                                      "            name example.com\n        }\n"));
  EXPECT_EQ(std::get<DnsCheck>(only_checker(config).detail), (DnsCheck{.type = DnsType::kAaaa, .name = "example.com"}));
  EXPECT_EQ(diagnose(service("", "        DNS_CHECK {\n            type FOO\n            name a..b\n        }\n")),
            (std::vector<std::string>{
                "<input>:6: error: 'type' value 'FOO' is not one of A NS CNAME SOA MX TXT AAAA",
                "<input>:7: error: 'name' value 'a..b' has an empty label",
            }));
}

TEST(Checker, UdpCheckHexStringsFollowKeepalived) {
  // Man page: "Ab12f 3 456 546443123" is AB 12 0F 03 45 06 54 64 43 12 03.
  const Config config = clean(service("", R"(        UDP_CHECK {
            payload Ab12f 3 456 546443123
            require_reply 1x2X
            min_reply_length 2
            max_reply_length 50
        }
)"));
  const auto& udp = std::get<UdpCheck>(only_checker(config).detail);
  EXPECT_EQ(udp.payload, (std::vector<std::uint8_t>{0xAB, 0x12, 0x0F, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03}));
  EXPECT_TRUE(udp.require_reply);
  EXPECT_EQ(udp.reply, (std::vector<std::uint8_t>{0x10, 0x20}));
  EXPECT_EQ(udp.reply_mask, (std::vector<std::uint8_t>{0x0F, 0x0F}));
  EXPECT_EQ(udp.min_reply_length, 2);
  EXPECT_EQ(udp.max_reply_length, 50);
  EXPECT_EQ(diagnose(service("",
                             "        UDP_CHECK {\n            payload 12 zz\n            min_reply_length 9\n"
                             "            max_reply_length 5\n        }\n")),
            (std::vector<std::string>{
                "<input>:6: error: 'payload' value 'zz' is not a hex string",
                "<input>:5: warning: 'UDP_CHECK' min_reply_length 9 exceeds max_reply_length 5, so the check always "
                "fails",
            }));
}

TEST(Checker, PingCheckToALinkLocalAddressNeedsBindIf) {
  const Config config = clean(service("", "        PING_CHECK {\n            retry 4\n        }\n"));
  EXPECT_EQ(only_checker(config).type, CheckerType::kPing);
  EXPECT_EQ(only_checker(config).retry, 4u);
  EXPECT_EQ(diagnose(service("",
                             "        PING_CHECK {\n            connect_ip fe80::1\n        }\n"
                             "        TCP_CHECK {\n            bindto 2001:db8::1\n        }\n")),
            (std::vector<std::string>{
                "<input>:5: error: 'PING_CHECK' link-local address fe80::1 needs a 'bind_if'",
                "<input>:8: error: 'TCP_CHECK' bindto 2001:db8::1 and destination 10.0.1.1 are of different "
                "address families",
            }));
}

TEST(Checker, FileCheckTakesTheTrackFileWeightUnlessGiven) {
  const Config config = clean("track_file ready {\n    file /run/ready\n    weight 5 reverse\n}\n" +
                              service("",
                                      "        FILE_CHECK {\n            track_file ready\n            dynamic\n"
                                      "        }\n        FILE_CHECK {\n            track_file ready\n"
                                      "            weight -3\n        }\n"));
  const auto& checkers = config.virtual_servers[0].real_servers[0].checkers;
  ASSERT_EQ(checkers.size(), 2u);
  EXPECT_EQ(std::get<FileCheck>(checkers[0].detail),
            (FileCheck{.track_file = "ready", .weight = 5, .weight_reverse = true, .dynamic = true}));
  EXPECT_EQ(std::get<FileCheck>(checkers[1].detail), (FileCheck{.track_file = "ready", .weight = -3}));
}

TEST(Checker, FileAndBfdChecksMustNameDefinedObjects) {
  EXPECT_EQ(diagnose(service("", R"(        FILE_CHECK {
            track_file nope
        }
        FILE_CHECK {
        }
        BFD_CHECK {
            name nobfd
        }
)")),
            (std::vector<std::string>{
                "<input>:8: error: 'FILE_CHECK' has no 'track_file'",
                "<input>:5: error: virtual_server 10.0.0.1 80: FILE_CHECK names an undefined track_file 'nope'",
                "<input>:10: error: virtual_server 10.0.0.1 80: BFD_CHECK names an undefined bfd_instance 'nobfd'",
            }));
}

TEST(Checker, BfdCheckNeedsABfdInstanceThatNotifiesCheckers) {
  EXPECT_EQ(diagnose("bfd_instance peer {\n    neighbor_ip 10.0.0.9\n    vrrp\n}\n" +
                     service("", "        BFD_CHECK {\n            name peer\n        }\n")),
            std::vector<std::string>{"<input>:9: error: virtual_server 10.0.0.1 80: BFD_CHECK names bfd_instance "
                                     "'peer', which only notifies vrrp"});
}

TEST(Checker, BfdCheckNamesABfdInstance) {
  const Config config =
      clean("bfd_instance peer {\n    neighbor_ip 10.0.0.9\n}\n" +
            service("", "        BFD_CHECK {\n            name peer\n            alpha\n        }\n"));
  EXPECT_EQ(std::get<BfdCheck>(only_checker(config).detail).name, "peer");
  EXPECT_EQ(only_checker(config).alpha, true);
}

// ---- virtual_server_group

TEST(VirtualServerGroup, ReadsAddressesRangesNetworksAndFwmarks) {
  const Config config = clean(R"(virtual_server_group g {
    10.0.0.1 80
    192.168.200.3-10 80
    10.0.0.250-10.0.1.5
    10.0.2.0/29 443
    ae00::2-9 80
    fwmark 1 inet6
    fwmark 2 inet
})");
  ASSERT_EQ(config.virtual_server_groups.size(), 1u);
  const VirtualServerGroup& group = config.virtual_server_groups[0];
  EXPECT_EQ(group.name, "g");
  EXPECT_EQ(group.ranges, (std::vector<VsgAddressRange>{
                              {.first = ip("10.0.0.1"), .last = ip("10.0.0.1"), .port = 80},
                              {.first = ip("192.168.200.3"), .last = ip("192.168.200.10"), .port = 80},
                              {.first = ip("10.0.0.250"), .last = ip("10.0.1.5"), .port = 0},
                              {.first = ip("10.0.2.0"), .last = ip("10.0.2.7"), .port = 443},
                              {.first = ip("ae00::2"), .last = ip("ae00::9"), .port = 80},
                          }));
  EXPECT_EQ(group.fwmarks,
            (std::vector<VsgFwmark>{{.mark = 1, .family = Family::kIpv6}, {.mark = 2, .family = Family::kIpv4}}));
  EXPECT_EQ(group.ranges[1].location.line, 3u);
}

TEST(VirtualServerGroup, BadEntriesAreErrors) {
  EXPECT_EQ(diagnose(R"(virtual_server_group g {
    10.0.0.20-10 80
    10.0.0.1-300
    10.0.1.5-10.0.1.1
    10.0.2.1/29
    10.0.3.0/33
    bogus 80
    10.0.0.1 70000
    10.0.0.1 80 extra
    fwmark 6 inet5
    fwmark -1
}
virtual_server_group g {
    10.0.0.1
}
virtual_server_group mixed {
    10.0.0.1 80
    2001:db8::1 80
    fwmark 3
}
virtual_server_group empty {
})"),
            (std::vector<std::string>{
                "<input>:2: error: virtual_server_group 'g' has an invalid range '10.0.0.20-10' (the end is not "
                "after the start)",
                "<input>:3: error: virtual_server_group 'g' has an invalid range '10.0.0.1-300'",
                "<input>:4: error: virtual_server_group 'g' has an invalid range '10.0.1.5-10.0.1.1' (the end is "
                "before the start)",
                "<input>:5: error: virtual_server_group 'g' network '10.0.2.1/29' has host bits set",
                "<input>:6: error: virtual_server_group 'g' has an invalid network '10.0.3.0/33'",
                "<input>:7: error: virtual_server_group 'g' has an invalid address 'bogus'",
                "<input>:8: error: 'virtual_server_group port' value '70000' is out of range 0..65535",
                "<input>:9: error: virtual_server_group 'g' entry '10.0.0.1' takes only a port after the address",
                "<input>:10: error: 'fwmark' value 'inet5' is not one of inet inet6",
                "<input>:11: error: 'fwmark' value '-1' is out of range 0..4294967295",
                "<input>:1: warning: virtual_server_group 'g' has no entries",
                "<input>:16: error: virtual_server_group 'mixed' has IPv4 and IPv6 entries and a fwmark without "
                "inet|inet6",
                "<input>:21: warning: virtual_server_group 'empty' has no entries",
                "<input>:13: error: virtual_server_group 'g' is defined twice",
            }));
}

// ---- bfd_instance

TEST(BfdInstance, ReadsEveryKeyword) {
  const Config config = clean(R"(bfd_instance peer {
    neighbour_ip 2001:db8::9
    source_ip 2001:db8::1
    min_rx 3.312
    min_tx 20
    idle_tx 2000
    multiplier 3
    passive
    hoplimit 9
    max_hops 4
    weight -10 reverse
    checker
})");
  ASSERT_EQ(config.bfd_instances.size(), 1u);
  const BfdInstance& bfd = config.bfd_instances[0];
  EXPECT_EQ(bfd.name, "peer");
  EXPECT_EQ(bfd.neighbor_ip, ip("2001:db8::9"));
  EXPECT_EQ(bfd.source_ip, ip("2001:db8::1"));
  EXPECT_EQ(bfd.min_rx, 3312us);
  EXPECT_EQ(bfd.min_tx, 20ms);
  EXPECT_EQ(bfd.idle_tx, 2s);
  EXPECT_EQ(bfd.multiplier, 3);
  EXPECT_TRUE(bfd.passive);
  EXPECT_EQ(bfd.ttl, 9);
  EXPECT_EQ(bfd.max_hops, 4);
  EXPECT_EQ(bfd.weight, -10);
  EXPECT_TRUE(bfd.weight_reverse);
  EXPECT_TRUE(bfd.checker);
  EXPECT_FALSE(bfd.vrrp);
}

TEST(BfdInstance, DefaultsFollowTheManPageAndTheNeighborFamily) {
  const Config config = clean(
      "bfd_instance a {\n    neighbor_ip 10.0.0.1\n}\n"
      "bfd_instance b {\n    neighbor_ip 2001:db8::1\n}\n");
  const BfdInstance& v4 = config.bfd_instances[0];
  EXPECT_EQ(v4.min_rx, 10ms);
  EXPECT_EQ(v4.min_tx, 10ms);
  EXPECT_EQ(v4.idle_tx, 1000ms);
  EXPECT_EQ(v4.multiplier, 5);
  EXPECT_EQ(v4.ttl, 255);
  EXPECT_EQ(config.bfd_instances[1].ttl, 64);
}

TEST(BfdInstance, BadValuesAndMissingNeighborAreErrors) {
  EXPECT_EQ(diagnose(R"(bfd_instance a {
    neighbor_ip 10.0.0.1
    min_rx 0.5
    min_tx 1.0005
    idle_tx 999
    multiplier 0
    ttl 256
    max_hops -2
    weight 254
    ttl 10
    max_hops 20
}
bfd_instance a {
    neighbor_ip 10.0.0.2
}
bfd_instance b {
    neighbor_ip 10.0.0.1
}
bfd_instance c {
    source_ip 10.0.0.3
}
bfd_instance d {
    neighbor_ip 10.0.0.4
    source_ip 2001:db8::4
}
bfd_instance a_name_that_is_far_too_long_for_bfd {
})"),
            (std::vector<std::string>{
                "<input>:3: error: 'min_rx' value '0.5' is not a time of 1..4294967 milliseconds (3 decimals at most)",
                "<input>:4: error: 'min_tx' value '1.0005' is not a time of 1..4294967 milliseconds (3 decimals at "
                "most)",
                "<input>:5: error: 'idle_tx' value '999' is not a time of 1000..4294967 milliseconds (3 decimals at "
                "most)",
                "<input>:6: error: 'multiplier' value '0' is out of range 1..255",
                "<input>:7: error: 'ttl' value '256' is out of range 1..255",
                "<input>:8: error: 'max_hops' value '-2' is out of range -1..255",
                "<input>:9: error: 'weight' value '254' is out of range -253..253",
                "<input>:26: error: 'bfd_instance' name 'a_name_that_is_far_too_long_for_bfd' is longer than 31 "
                "characters",
                "<input>:1: warning: bfd_instance 'a' max_hops 20 exceeds its ttl 10; using the ttl",
                "<input>:13: error: bfd_instance 'a' is defined twice",
                "<input>:16: error: bfd_instance 'b' has the same neighbor_ip as bfd_instance 'a'",
                "<input>:19: error: bfd_instance 'c' has no 'neighbor_ip'",
                "<input>:22: error: bfd_instance 'd' source_ip and neighbor_ip are of different address families",
            }));
}

// ---- SSL { } (parsed here; the top level does not dispatch it yet)

TEST(SslContext, ReadsTheTlsFilesAndDumpsThemBack) {
  const Node statement{
      .keyword = "SSL",
      .location = {.line = 3},
      .has_block = true,
      .children = {Node{.keyword = "password", .args = {"secret"}}, Node{.keyword = "ca", .args = {"/etc/keel/ca.pem"}},
                   Node{.keyword = "certificate", .args = {"/etc/keel/cert.pem"}},
                   Node{.keyword = "key", .args = {"/etc/keel/key.pem"}}}};
  Diagnostics diagnostics;
  ParseContext context{diagnostics};
  std::optional<SslContext> ssl;
  lvs::parse_ssl_context(statement, ssl, context);
  EXPECT_EQ(diagnostics.all().size(), 0u);
  ASSERT_TRUE(ssl);
  EXPECT_EQ(*ssl, (SslContext{.password = "secret",
                              .ca = "/etc/keel/ca.pem",
                              .certificate = "/etc/keel/cert.pem",
                              .key = "/etc/keel/key.pem"}));
  DumpWriter out;
  lvs::dump_ssl_context(ssl, out);
  EXPECT_EQ(out.take(),
            "SSL {\n    password secret\n    ca /etc/keel/ca.pem\n    certificate /etc/keel/cert.pem\n"
            "    key /etc/keel/key.pem\n}\n");
}

// ---- the samples keepalived ships, and the dump

TEST(LvsSamples, ParseWithoutErrorsOrUnknownKeywords) {
  for (const char* name :
       {"HTTP_GET.port", "SSL_GET", "SMTP_CHECK", "UDP_CHECK", "PING_CHECK", "misc_check", "misc_check_arg", "quorum",
        "inhibit", "status_code", "virtual_server_group", "virtualhost", "fwmark", "sample", "IPv6"}) {
    const std::string path = std::string{KEEL_SAMPLES_DIR} + "/keepalived.conf." + name;
    const LoadResult result = load_config_file(path);
    EXPECT_FALSE(result.diagnostics.has_errors()) << path;
    for (const auto& diagnostic : result.diagnostics.all())
      EXPECT_EQ(diagnostic.message.find("unknown keyword"), std::string::npos) << diagnostic.to_string();
    EXPECT_FALSE(result.config.virtual_servers.empty()) << path;

    const std::string dumped = dump_config(result.config);
    const LoadResult again = load_config_text(dumped);
    EXPECT_EQ(messages(again), std::vector<std::string>{}) << path;
    EXPECT_EQ(again.config.virtual_servers, result.config.virtual_servers) << path;
    EXPECT_EQ(again.config.virtual_server_groups, result.config.virtual_server_groups) << path;
    EXPECT_EQ(dump_config(again.config), dumped) << path;
  }
}

TEST(LvsSamples, SmtpSampleChecksEachHostOnce) {
  const LoadResult result = load_config_file(std::string{KEEL_SAMPLES_DIR} + "/keepalived.conf.SMTP_CHECK");
  const auto& reals = result.config.virtual_servers.at(0).real_servers;
  ASSERT_EQ(reals.size(), 3u);
  EXPECT_EQ(reals[0].checkers.size(), 1u);
  EXPECT_EQ(reals[1].checkers.size(), 3u);
  EXPECT_EQ(reals[2].checkers.size(), 3u);
  EXPECT_EQ(reals[2].checkers[0].connection.bindto, ip("172.16.1.2"));
}

constexpr std::string_view kEverything = R"(track_file ready {
    file /run/ready
}
bfd_instance peer {
    neighbor_ip 10.0.0.9
    min_rx 3.5
    weight 10 reverse
    checker
}
virtual_server_group g {
    10.0.0.1-10.0.0.5 80
    2001:db8::1-2001:db8::ff 80
    fwmark 4 inet6
}
virtual_server 10.0.0.1 443 {
    lvs_sched mh
    mh-port
    flag-3
    lvs_method TUN type gue port 6080 remcsum
    persistence_timeout 300
    persistence_granularity 255.255.0.0
    protocol SCTP
    virtualhost "a b"
    quorum_up "/bin/up 'x y'" nobody
    sorry_server 10.0.2.2
    sorry_server_inhibit
    sorry_server_lvs_method TUN type gre csum
    real_server 10.0.1.1 443 {
        weight 2
        notify_down /bin/down
        HTTP_GET {
            connect_port 8443
            http_protocol 1.1
            url {
                path "/a path"
                digest 640205b7b0fc66c1ea91c463fac6334d
                status_code 200 301-302
                regex "x{2}"
                regex_options ungreedy
            }
        }
        SMTP_CHECK {
            helo_name mx
        }
        DNS_CHECK {
            type MX
        }
        MISC_CHECK {
            misc_path "/bin/check 'a b'"
            user nobody
        }
        UDP_CHECK {
            payload 0102
            require_reply xx03
        }
        PING_CHECK {
        }
        FILE_CHECK {
            track_file ready
        }
        BFD_CHECK {
            name peer
        }
    }
}
virtual_server group g {
    lvs_sched rr
    protocol TCP
    ip_family inet6
    real_server 2001:db8::10 {
        lvs_method TUN
        TCP_CHECK {
            bind_if eth0
        }
    }
}
virtual_server fwmark 5 {
    lvs_sched wrr
    real_server 10.0.3.3 {
    }
}
)";

TEST(LvsDump, RoundTripsToTheSameModel) {
  const Config first = clean(kEverything);
  const std::string dumped = dump_config(first);
  const Config second = clean(dumped);
  EXPECT_EQ(second.virtual_server_groups, first.virtual_server_groups);
  EXPECT_EQ(second.virtual_servers, first.virtual_servers);
  EXPECT_EQ(second.bfd_instances, first.bfd_instances);
  EXPECT_EQ(dump_config(second), dumped);
}

TEST(LvsDump, WritesNormalizedKeepalivedSyntax) {
  const std::string dumped = dump_config(clean(service("    lb_algo wrr\n    lb_kind DR\n",
                                                       "        TCP_CHECK {\n            retry 2\n"
                                                       "        }\n")));
  EXPECT_EQ(dumped, R"(virtual_server 10.0.0.1 80 {
    lvs_sched wrr
    lvs_method DR
    protocol TCP
    smtp_alert false
    real_server 10.0.1.1 80 {
        weight 1
        lvs_method DR
        inhibit_on_failure false
        alpha false
        connect_timeout 5
        delay_loop 60
        smtp_alert true
        TCP_CHECK {
            connect_timeout 5
            retry 2
            delay_before_retry 1
            warmup 60
            delay_loop 60
            alpha false
        }
    }
}
)");
}

}  // namespace
}  // namespace keel::config
