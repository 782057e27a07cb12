// The layout rule of DESIGN.md ("Layout", "Arrows only point down this list's dependency
// column"), checked on the source tree itself: every #include between top-level modules
// must be an edge the table allows, and the top level holds exactly the design's folders.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kRoot{KEEL_SOURCE_ROOT};

// The top-level folders of DESIGN.md, in the order of its table.
const std::vector<std::string> kModules = {"config", "vrrp",      "check", "control",
                                           "bpf",    "dataplane", "tools", "tests"};

// Who may include whom, as path prefixes relative to the repository root. The most
// specific `from` prefix that matches a file decides. An empty prefix in `may_include`
// allows everything.
struct Rule {
  std::string_view from;
  std::vector<std::string_view> may_include;
};

const std::vector<Rule>& rules() {
  static const std::vector<Rule> table = {
      {"config/", {"config/"}},
      {"vrrp/", {"config/", "vrrp/"}},
      {"check/", {"config/", "check/"}},
      {"bpf/", {"bpf/"}},
      {"control/", {"config/", "vrrp/", "check/", "bpf/", "control/"}},
      // The code shared with the data plane (Maglev, table helpers) is linked into
      // keel-dataplane, so it must not pull control's internals along with it.
      {"control/lb/", {"bpf/", "control/lb/"}},
      {"dataplane/", {"bpf/", "dataplane/", "control/lb/"}},
      // tools/ talks to keeld through the control socket protocol, never its internals.
      {"tools/", {"config/", "vrrp/", "check/", "bpf/", "dataplane/", "tools/", "tests/", "control/protocol"}},
      {"tests/", {""}},
  };
  return table;
}

const Rule* rule_for(std::string_view file) {
  const Rule* best = nullptr;
  for (const Rule& rule : rules()) {
    if (file.starts_with(rule.from) && (best == nullptr || rule.from.size() > best->from.size())) best = &rule;
  }
  return best;
}

// Whether `from` (a repository-relative source path) may include `target` (a
// repository-relative path inside some module). Files outside every module are unchecked.
bool edge_allowed(std::string_view from, std::string_view target) {
  const Rule* rule = rule_for(from);
  if (rule == nullptr) return true;
  return std::ranges::any_of(rule->may_include, [&](std::string_view prefix) { return target.starts_with(prefix); });
}

std::string allowed_list(std::string_view from) {
  const Rule* rule = rule_for(from);
  std::string out;
  for (std::string_view prefix : rule->may_include) {
    if (!out.empty()) out += ", ";
    out += prefix.empty() ? std::string{"anything"} : std::string{prefix};
  }
  return out;
}

bool is_module(std::string_view first_component) {
  return std::ranges::find(kModules, first_component) != kModules.end();
}

std::string first_component(const fs::path& relative) {
  return relative.empty() ? std::string{} : relative.begin()->string();
}

struct Include {
  int line = 0;
  std::string spelled;  // as written between the quotes or brackets
  bool quoted = true;
};

// The #include directives of one file. Line-based: good enough for our sources, which
// never hide an include in a macro or a block comment.
std::vector<Include> read_includes(const fs::path& file) {
  std::vector<Include> found;
  std::ifstream in(file);
  std::string text;
  for (int line_no = 1; std::getline(in, text); ++line_no) {
    std::string_view rest{text};
    auto skip_space = [&] {
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    };
    skip_space();
    if (!rest.starts_with('#')) continue;
    rest.remove_prefix(1);
    skip_space();
    if (!rest.starts_with("include")) continue;
    rest.remove_prefix(std::string_view{"include"}.size());
    skip_space();
    if (rest.empty() || (rest.front() != '"' && rest.front() != '<')) continue;
    const char close = rest.front() == '"' ? '"' : '>';
    const bool quoted = rest.front() == '"';
    rest.remove_prefix(1);
    const auto end = rest.find(close);
    if (end == std::string_view::npos) continue;
    found.push_back({.line = line_no, .spelled = std::string{rest.substr(0, end)}, .quoted = quoted});
  }
  return found;
}

// The repository-relative path an include refers to, if it is inside one of our modules:
// root-relative spellings ("vrrp/fsm/router.h"), and relative ones ("../vrrp/x.h",
// "sibling.h") resolved against the including file. Everything else (system headers,
// generated headers such as keel_build_config.h) is nullopt.
std::optional<std::string> resolve_include(const fs::path& from_relative, const Include& include) {
  const fs::path spelled{include.spelled};
  const std::string head = first_component(spelled);
  if (is_module(head) && (include.quoted || fs::exists(kRoot / spelled))) {
    return spelled.lexically_normal().generic_string();
  }
  if (!include.quoted) return std::nullopt;
  const fs::path candidate = (from_relative.parent_path() / spelled).lexically_normal();
  const std::string candidate_head = first_component(candidate);
  if (candidate_head == ".." || !is_module(candidate_head)) return std::nullopt;
  if (!fs::exists(kRoot / candidate)) return std::nullopt;
  return candidate.generic_string();
}

bool is_source(const fs::path& path) {
  static const std::set<std::string> kExtensions = {".h", ".hh", ".hpp", ".c", ".cc", ".cpp"};
  return kExtensions.contains(path.extension().string());
}

struct Scan {
  int files = 0;
  int module_includes = 0;
  std::vector<std::string> violations;
};

Scan scan_modules(const std::vector<std::string>& modules) {
  Scan scan;
  for (const std::string& module : modules) {
    const fs::path dir = kRoot / module;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file() || !is_source(entry.path())) continue;
      const fs::path relative = entry.path().lexically_relative(kRoot);
      const std::string from = relative.generic_string();
      ++scan.files;
      for (const Include& include : read_includes(entry.path())) {
        const auto target = resolve_include(relative, include);
        if (!target) continue;
        ++scan.module_includes;
        if (edge_allowed(from, *target)) continue;
        scan.violations.push_back(from + ":" + std::to_string(include.line) + ": " + first_component(relative) +
                                  " -> " + first_component(fs::path{*target}) + " (#include \"" +
                                  include.spelled + "\") is not allowed; " + from.substr(0, from.find('/') + 1) +
                                  " may include " + allowed_list(from));
      }
    }
  }
  std::ranges::sort(scan.violations);
  return scan;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += "  " + line + "\n";
  return out;
}

// A meson build directory (build/, build-asan/, or any name given to `meson setup`):
// ignored by .gitignore and not part of the layout.
bool is_build_directory(const fs::path& dir) {
  for (const char* marker : {"meson-private", "meson-info", "meson-logs", "build.ninja"}) {
    if (fs::exists(dir / marker)) return true;
  }
  return false;
}

TEST(Layout, EveryIncludeBetweenModulesIsAnEdgeTheDesignAllows) {
  const Scan scan = scan_modules({"config", "vrrp", "check", "control", "bpf", "dataplane", "tools"});
  EXPECT_GT(scan.files, 0) << "no sources found under " << kRoot;
  EXPECT_GT(scan.module_includes, 0) << "no root-relative includes found: is the scanner broken?";
  EXPECT_TRUE(scan.violations.empty()) << scan.violations.size()
                                       << " include(s) break the DESIGN.md dependency table:\n"
                                       << joined(scan.violations);
}

TEST(Layout, RuleTableAllowsOnlyDownwardEdges) {
  EXPECT_TRUE(edge_allowed("config/parse.cc", "config/model.h"));
  EXPECT_FALSE(edge_allowed("config/parse.cc", "vrrp/fsm/router.h"));
  EXPECT_FALSE(edge_allowed("config/parse.cc", "control/daemon.h"));
  EXPECT_TRUE(edge_allowed("vrrp/instance.cc", "config/model.h"));
  EXPECT_FALSE(edge_allowed("vrrp/instance.cc", "check/http.h"));
  EXPECT_FALSE(edge_allowed("vrrp/instance.cc", "control/daemon.h"));
  EXPECT_FALSE(edge_allowed("check/http.cc", "vrrp/packet.h"));
  EXPECT_FALSE(edge_allowed("check/http.cc", "control/daemon.h"));
  EXPECT_FALSE(edge_allowed("bpf/lb.bpf.c", "config/model.h"));
  EXPECT_TRUE(edge_allowed("control/daemon.cc", "vrrp/instance.h"));
  EXPECT_TRUE(edge_allowed("control/daemon.cc", "bpf/lb_abi.h"));
  EXPECT_FALSE(edge_allowed("control/daemon.cc", "tools/keelctl.h"));
  EXPECT_FALSE(edge_allowed("control/daemon.cc", "dataplane/port.h"));
  EXPECT_TRUE(edge_allowed("control/lb/maglev.cc", "bpf/lb_abi.h"));
  EXPECT_FALSE(edge_allowed("control/lb/maglev.cc", "control/daemon.h"));
  EXPECT_TRUE(edge_allowed("dataplane/worker.cc", "control/lb/maglev.h"));
  EXPECT_TRUE(edge_allowed("dataplane/worker.cc", "bpf/lb_abi.h"));
  EXPECT_FALSE(edge_allowed("dataplane/worker.cc", "control/event_loop.h"));
  EXPECT_FALSE(edge_allowed("dataplane/worker.cc", "config/model.h"));
  EXPECT_TRUE(edge_allowed("tools/keelctl.cc", "control/protocol.h"));
  EXPECT_FALSE(edge_allowed("tools/keelctl.cc", "control/daemon.h"));
  EXPECT_TRUE(edge_allowed("tools/perf/gen.cc", "config/load.h"));
  EXPECT_TRUE(edge_allowed("tests/unit/x_test.cc", "control/daemon.h"));
}

TEST(Layout, RelativeIncludesAreResolvedAgainstTheIncludingFile) {
  EXPECT_EQ(resolve_include("config/parse.cc", {.spelled = "config/model.h"}), "config/model.h");
  EXPECT_EQ(resolve_include("config/parse.cc", {.spelled = "keel_build_config.h"}), std::nullopt);
  EXPECT_EQ(resolve_include("config/parse.cc", {.spelled = "string", .quoted = false}), std::nullopt);
  // An existing file reached by "../" counts as the module it lands in.
  EXPECT_EQ(resolve_include("vrrp/x.cc", {.spelled = "../config/load.h"}), "config/load.h");
  EXPECT_EQ(resolve_include("config/parse.cc", {.spelled = "load.h"}), "config/load.h");
}

TEST(Layout, TopLevelHoldsExactlyTheDesignFolders) {
  static const std::set<std::string> kFiles = {"README.md", "meson.build", "meson_options.txt", "LICENSE",
                                               "COPYING", "compile_commands.json"};
  std::set<std::string> folders;
  std::vector<std::string> unexpected;
  for (const auto& entry : fs::directory_iterator(kRoot)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with('.')) continue;  // .git, .ci, .gitignore, .clang-format, .cache, ...
    if (entry.is_directory()) {
      if (is_build_directory(entry.path())) continue;
      if (is_module(name)) {
        folders.insert(name);
      } else {
        unexpected.push_back(name + "/");
      }
    } else if (!kFiles.contains(name)) {
      unexpected.push_back(name);
    }
  }
  EXPECT_TRUE(unexpected.empty()) << "not part of the DESIGN.md layout at the top level:\n" << joined(unexpected);
  for (const std::string& module : kModules) {
    EXPECT_TRUE(folders.contains(module)) << "DESIGN.md folder missing at the top level: " << module << "/";
  }
}

}  // namespace
