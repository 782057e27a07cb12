// keeld's command line: keepalived's options where they apply (keepalived(8)), plus
// Keel's --dump-config. Parsing is a pure function, so every option is unit-tested.
#pragma once

#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace keel::ctl {

inline constexpr std::string_view kDefaultConfigFile = "/etc/keel/keepalived.conf";
inline constexpr std::string_view kDefaultPidFile = "/run/keel/keeld.pid";
inline constexpr std::string_view kDefaultVrrpPidFile = "/run/keel/vrrp.pid";
inline constexpr std::string_view kDefaultCheckersPidFile = "/run/keel/checkers.pid";

struct Options {
  std::filesystem::path config_file{kDefaultConfigFile};  // -f, --use-file; also -t=FILE
  bool vrrp_only = false;                                  // -P, --vrrp
  bool check_only = false;                                 // -C, --check
  bool dont_fork = false;                                  // -n, --dont-fork
  bool config_test = false;                                // -t, --config-test
  bool dump_config = false;                                // --dump-config (Keel)
  std::filesystem::path pid_file{kDefaultPidFile};         // -p, --pid
  std::filesystem::path vrrp_pid_file{kDefaultVrrpPidFile};          // -r, --vrrp_pid
  std::filesystem::path checkers_pid_file{kDefaultCheckersPidFile};  // -c, --checkers_pid
  std::string network_namespace;                           // -s, --namespace (empty: none)
  std::string config_id;                                   // -i, --config-id (empty: host name)
  bool log_console = false;                                // -l, --log-console
  bool log_detail = false;                                 // -D, --log-detail
  bool no_syslog = false;                                  // -G, --no-syslog
  bool show_version = false;                               // -v, --version
  bool show_help = false;                                  // -h, --help
};

// Parses argv (argv[0] is the program name and is skipped). Follows getopt_long's
// conventions: "-fFILE", "-f FILE", "--use-file=FILE", "--use-file FILE", grouped
// flags ("-nlD"), unambiguous long-option prefixes, "--" ends the options; the
// optional argument of -t must be attached ("-tFILE", "--config-test=FILE").
// With --namespace NAME, pid files not given explicitly default to /run/keel/NAME/.
// The error is one line without a program-name prefix, e.g. "unrecognized option '--foo'".
std::expected<Options, std::string> parse_cmdline(std::span<const char* const> argv);

// The --help text, listing every option.
std::string usage_text(std::string_view program);

}  // namespace keel::ctl
