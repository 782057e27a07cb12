// keeld: parse the command line, then run one of the modes: --version, --help,
// --config-test, --dump-config, or the daemon itself (control/daemon.h).
#include <cstdio>
#include <span>

#include <fmt/core.h>

#include "config/load.h"
#include "control/checker_component.h"
#include "control/child_runtime.h"
#include "control/cmdline.h"
#include "control/daemon.h"
#include "control/vrrp_component.h"
#include "keel_build_config.h"

namespace {

using keel::ctl::kProgramName;
using keel::ctl::Options;

std::string counted(std::size_t n, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", n, n == 1 ? singular : plural);
}

// Loads the file, printing every diagnostic to stderr; nullopt if it cannot be opened.
std::optional<keel::config::LoadResult> load_and_print_diagnostics(const Options& options) {
  if (auto readable = keel::ctl::check_config_readable(options.config_file); !readable) {
    fmt::print(stderr, "{}: {}\n", kProgramName, readable.error());
    return std::nullopt;
  }
  keel::config::LoadResult loaded = keel::ctl::load_config(options);
  for (const auto& diagnostic : loaded.diagnostics.all()) fmt::print(stderr, "{}\n", diagnostic.to_string());
  return loaded;
}

// -t: every diagnostic, then one summary line. Warnings alone still pass.
int run_config_test(const Options& options) {
  const auto loaded = load_and_print_diagnostics(options);
  if (!loaded) return 1;
  fmt::print(stderr, "{}: configuration {}: {}, {}\n", kProgramName, options.config_file.string(),
             counted(loaded->diagnostics.error_count(), "error", "errors"),
             counted(loaded->diagnostics.warning_count(), "warning", "warnings"));
  return loaded->ok() ? 0 : 1;
}

// --dump-config: the normalized model on stdout; nothing there when the file has errors,
// since a partial model would read as if it were the whole configuration.
int run_dump_config(const Options& options) {
  const auto loaded = load_and_print_diagnostics(options);
  if (!loaded) return 1;
  if (!loaded->ok()) {
    fmt::print(stderr, "{}: configuration {}: {}; nothing dumped\n", kProgramName, options.config_file.string(),
               counted(loaded->diagnostics.error_count(), "error", "errors"));
    return 1;
  }
  const std::string text = keel::config::dump_config(loaded->config);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = keel::ctl::parse_cmdline(std::span<const char* const>{argv, static_cast<std::size_t>(argc)});
  if (!options) {
    fmt::print(stderr, "{0}: {1}\nTry '{0} --help' for more information.\n", kProgramName, options.error());
    return 1;
  }
  if (options->show_help) {
    fmt::print("{}", keel::ctl::usage_text(kProgramName));
    return 0;
  }
  if (options->show_version) {
    fmt::print("{} v{}\n", kProgramName, KEEL_VERSION);
    return 0;
  }
  // Before anything else: the configuration may name interfaces of that namespace.
  if (!options->network_namespace.empty()) {
    if (auto entered = keel::ctl::enter_network_namespace(options->network_namespace); !entered) {
      fmt::print(stderr, "{}: {}\n", kProgramName, entered.error().to_string());
      return 1;
    }
  }
  if (options->config_test) return run_config_test(*options);
  if (options->dump_config) return run_dump_config(*options);
  // The children's services, by name. A child whose service is not registered runs a
  // placeholder that only logs.
  keel::ctl::ServiceRegistry services;
  services.add(std::string{keel::ctl::kVrrpService}, keel::ctl::make_vrrp_component);
  services.add(std::string{keel::ctl::kCheckerService}, keel::ctl::make_checker_component);
  return keel::ctl::run_daemon(*options, services);
}
