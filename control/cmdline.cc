// Hand-rolled getopt_long: no global optind/optarg, so parsing is reentrant.
#include "control/cmdline.h"

#include <array>
#include <optional>
#include <vector>

#include <fmt/core.h>

namespace keel::ctl {

namespace {

enum class ArgKind { kNone, kRequired, kOptional };

// Applies an option to Options; returns an error message for an invalid value.
using Apply = std::optional<std::string> (*)(Options&, std::string_view value);

struct OptionSpec {
  char short_name;  // '\0' for long-only options
  std::string_view long_name;
  ArgKind kind;
  std::string_view value_name;  // for --help
  std::string_view help;
  Apply apply;
};

template <bool Options::*kField>
std::optional<std::string> set_flag(Options& options, std::string_view) {
  options.*kField = true;
  return std::nullopt;
}

template <std::filesystem::path Options::*kField>
std::optional<std::string> set_path(Options& options, std::string_view value) {
  if (value.empty()) return std::string{"a file name must not be empty"};
  options.*kField = std::filesystem::path{value};
  return std::nullopt;
}

std::optional<std::string> set_config_test(Options& options, std::string_view value) {
  options.config_test = true;
  if (!value.empty()) options.config_file = std::filesystem::path{value};
  return std::nullopt;
}

std::optional<std::string> set_config_id(Options& options, std::string_view value) {
  options.config_id = std::string{value};
  return std::nullopt;
}

// The name becomes a path under /run/netns/, so it must be a single path component.
std::optional<std::string> set_namespace(Options& options, std::string_view value) {
  if (value.empty() || value == "." || value == ".." || value.find('/') != std::string_view::npos) {
    return fmt::format("'{}' is not a namespace name (one path component under /run/netns)", value);
  }
  options.network_namespace = std::string{value};
  return std::nullopt;
}

constexpr std::array kOptions = {
    OptionSpec{'f', "use-file", ArgKind::kRequired, "FILE", "use the specified configuration file",
               set_path<&Options::config_file>},
    OptionSpec{'P', "vrrp", ArgKind::kNone, "", "only run the VRRP subsystem", set_flag<&Options::vrrp_only>},
    OptionSpec{'C', "check", ArgKind::kNone, "", "only run the health-checker subsystem",
               set_flag<&Options::check_only>},
    OptionSpec{'n', "dont-fork", ArgKind::kNone, "", "don't fork the daemon process", set_flag<&Options::dont_fork>},
    OptionSpec{'t', "config-test", ArgKind::kOptional, "FILE", "check the configuration file for errors and exit",
               set_config_test},
    OptionSpec{'p', "pid", ArgKind::kRequired, "FILE", "use the specified pid file for the parent process",
               set_path<&Options::pid_file>},
    OptionSpec{'r', "vrrp_pid", ArgKind::kRequired, "FILE", "use the specified pid file for the VRRP child",
               set_path<&Options::vrrp_pid_file>},
    OptionSpec{'c', "checkers_pid", ArgKind::kRequired, "FILE", "use the specified pid file for the checker child",
               set_path<&Options::checkers_pid_file>},
    OptionSpec{'s', "namespace", ArgKind::kRequired, "NAME", "run in network namespace NAME (/run/netns/NAME)",
               set_namespace},
    OptionSpec{'i', "config-id", ArgKind::kRequired, "ID", "use configuration lines marked @ID", set_config_id},
    OptionSpec{'l', "log-console", ArgKind::kNone, "", "log messages to stderr", set_flag<&Options::log_console>},
    OptionSpec{'D', "log-detail", ArgKind::kNone, "", "log detailed messages", set_flag<&Options::log_detail>},
    OptionSpec{'G', "no-syslog", ArgKind::kNone, "", "don't log via syslog", set_flag<&Options::no_syslog>},
    OptionSpec{'\0', "dump-config", ArgKind::kNone, "", "print the normalized configuration to stdout and exit",
               set_flag<&Options::dump_config>},
    OptionSpec{'v', "version", ArgKind::kNone, "", "display the version and exit", set_flag<&Options::show_version>},
    OptionSpec{'h', "help", ArgKind::kNone, "", "display this help and exit", set_flag<&Options::show_help>},
};

// Exact match, or else the one option the prefix abbreviates (as getopt_long does).
std::expected<const OptionSpec*, std::string> find_long(std::string_view name) {
  for (const OptionSpec& spec : kOptions) {
    if (spec.long_name == name) return &spec;
  }
  const OptionSpec* found = nullptr;
  for (const OptionSpec& spec : kOptions) {
    if (!name.empty() && spec.long_name.starts_with(name)) {
      if (found != nullptr) return std::unexpected(fmt::format("option '--{}' is ambiguous", name));
      found = &spec;
    }
  }
  if (found == nullptr) return std::unexpected(fmt::format("unrecognized option '--{}'", name));
  return found;
}

const OptionSpec* find_short(char name) {
  for (const OptionSpec& spec : kOptions) {
    if (spec.short_name == name) return &spec;
  }
  return nullptr;
}

class Parser {
 public:
  explicit Parser(std::span<const char* const> argv) : argv_(argv) {}

  std::expected<Options, std::string> parse() {
    for (index_ = 1; index_ < argv_.size(); ++index_) {
      const std::string_view arg = argv_[index_];
      std::optional<std::string> error;
      if (arg == "--") {
        if (index_ + 1 < argv_.size()) return std::unexpected(unexpected_argument(argv_[index_ + 1]));
        break;
      } else if (arg.starts_with("--")) {
        error = parse_long(arg.substr(2));
      } else if (arg.starts_with("-") && arg.size() > 1) {
        error = parse_short_group(arg.substr(1));
      } else {
        error = unexpected_argument(arg);
      }
      if (error) return std::unexpected(std::move(*error));
    }
    apply_namespace_defaults();
    if (options_.config_test && options_.dump_config) {
      return std::unexpected(std::string{"options '--config-test' and '--dump-config' cannot be combined"});
    }
    return options_;
  }

 private:
  static std::string unexpected_argument(std::string_view arg) {
    return fmt::format("unexpected argument '{}'", arg);
  }

  std::optional<std::string> parse_long(std::string_view body) {
    const std::size_t equals = body.find('=');
    const std::string_view name = body.substr(0, equals);
    const auto spec = find_long(name);
    if (!spec) return spec.error();
    const OptionSpec& option = **spec;
    std::optional<std::string_view> value;
    if (equals != std::string_view::npos) value = body.substr(equals + 1);
    switch (option.kind) {
      case ArgKind::kNone:
        if (value) return fmt::format("option '--{}' doesn't allow an argument", option.long_name);
        break;
      case ArgKind::kRequired:
        if (!value) value = next_argument();
        if (!value) return fmt::format("option '--{}' requires an argument", option.long_name);
        break;
      case ArgKind::kOptional:
        break;
    }
    return apply(option, value.value_or(""));
  }

  // "-nlD", "-fFILE", "-f FILE", "-tFILE".
  std::optional<std::string> parse_short_group(std::string_view group) {
    for (std::size_t i = 0; i < group.size(); ++i) {
      const OptionSpec* option = find_short(group[i]);
      if (option == nullptr) return fmt::format("invalid option -- '{}'", group[i]);
      if (option->kind == ArgKind::kNone) {
        if (auto error = apply(*option, "")) return error;
        continue;
      }
      std::optional<std::string_view> value;
      if (i + 1 < group.size()) value = group.substr(i + 1);
      // "-t=FILE" as keepalived(8) documents it; getopt would keep the '='.
      if (value && option->kind == ArgKind::kOptional && value->starts_with('=')) value = value->substr(1);
      if (!value && option->kind == ArgKind::kRequired) value = next_argument();
      if (!value && option->kind == ArgKind::kRequired) {
        return fmt::format("option requires an argument -- '{}'", group[i]);
      }
      return apply(*option, value.value_or(""));
    }
    return std::nullopt;
  }

  // Instances in different namespaces must not share pid files: as keepalived does,
  // the default pid files move to a directory named after the namespace.
  void apply_namespace_defaults() {
    if (options_.network_namespace.empty()) return;
    const std::filesystem::path directory =
        std::filesystem::path{kDefaultPidFile}.parent_path() / options_.network_namespace;
    if (!explicit_pid_) options_.pid_file = directory / std::filesystem::path{kDefaultPidFile}.filename();
    if (!explicit_vrrp_pid_) options_.vrrp_pid_file = directory / std::filesystem::path{kDefaultVrrpPidFile}.filename();
    if (!explicit_checkers_pid_) {
      options_.checkers_pid_file = directory / std::filesystem::path{kDefaultCheckersPidFile}.filename();
    }
  }

  std::optional<std::string> apply(const OptionSpec& option, std::string_view value) {
    explicit_pid_ |= option.short_name == 'p';
    explicit_vrrp_pid_ |= option.short_name == 'r';
    explicit_checkers_pid_ |= option.short_name == 'c';
    auto error = option.apply(options_, value);
    if (error) *error = fmt::format("option '--{}': {}", option.long_name, *error);
    return error;
  }

  std::optional<std::string_view> next_argument() {
    if (index_ + 1 >= argv_.size()) return std::nullopt;
    return std::string_view{argv_[++index_]};
  }

  std::span<const char* const> argv_;
  std::size_t index_ = 1;
  Options options_;
  bool explicit_pid_ = false;
  bool explicit_vrrp_pid_ = false;
  bool explicit_checkers_pid_ = false;
};

}  // namespace

std::expected<Options, std::string> parse_cmdline(std::span<const char* const> argv) {
  return Parser{argv}.parse();
}

std::string usage_text(std::string_view program) {
  std::string text = fmt::format("Usage: {} [OPTION...]\n\nOptions:\n", program);
  for (const OptionSpec& spec : kOptions) {
    std::string names = spec.short_name != '\0' ? fmt::format("-{}, ", spec.short_name) : "    ";
    names += fmt::format("--{}", spec.long_name);
    if (spec.kind == ArgKind::kRequired) names += fmt::format(" {}", spec.value_name);
    if (spec.kind == ArgKind::kOptional) names += fmt::format("[={}]", spec.value_name);
    text += fmt::format("  {:<28} {}\n", names, spec.help);
  }
  text += fmt::format(
      "\nDefaults: configuration {}, pid file {}.\n"
      "Signals: SIGHUP reloads the configuration, SIGUSR1 logs a state summary,\n"
      "SIGTERM and SIGINT stop the daemon.\n",
      kDefaultConfigFile, kDefaultPidFile);
  return text;
}

}  // namespace keel::ctl
