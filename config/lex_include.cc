// Include patterns and file reading; see lex_include.h.
#include "config/lex_include.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

namespace keel::config::lex {
namespace {

// Bounds that keep a hostile pattern (a fuzzer's "{,}{,}{,}..." or "/*/*/*") cheap.
constexpr std::size_t kMaxPatternBytes = 4096;
constexpr std::size_t kMaxBraces = 32;
constexpr std::size_t kMaxAlternatives = 256;
constexpr std::size_t kMaxFiles = 4096;
constexpr off_t kMaxFileBytes = off_t{256} << 20;

// Makes a directory name literal for glob(3) and for expand_braces().
std::string glob_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (std::string_view{"*?[]{}\\"}.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

bool has_wildcard(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '*' || pattern[i] == '?' || pattern[i] == '[') {
      return true;
    }
  }
  return false;
}

// The '}' closing the '{' at `open` and the commas at its top level; npos if unclosed.
std::size_t find_group(std::string_view text, std::size_t open, std::vector<std::size_t>& commas) {
  commas.clear();
  int depth = 0;
  for (std::size_t j = open + 1; j < text.size(); ++j) {
    if (text[j] == '\\') {
      ++j;
    } else if (text[j] == '{') {
      ++depth;
    } else if (text[j] == '}') {
      if (depth-- == 0) return j;
    } else if (text[j] == ',' && depth == 0) {
      commas.push_back(j);
    }
  }
  return std::string_view::npos;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string errno_text(int error) { return std::generic_category().message(error); }

}  // namespace

std::optional<unsigned> include_keyword_checks(std::string_view keyword) {
  if (!keyword.starts_with("include")) return std::nullopt;  // the common case, cheaply
  if (keyword == "include") return 0U;
  if (keyword == "includer") return unsigned{kCheckReadable};
  if (keyword == "includem") return kCheckMatch | kCheckReadable;
  if (keyword == "includew") return kCheckWildcardMatch | kCheckReadable;
  if (keyword == "includeb") return kCheckBraceMatch | kCheckReadable;
  if (keyword == "includea") return unsigned{kCheckAll};
  return std::nullopt;
}

unsigned apply_include_check(unsigned level, std::span<const std::string> options, const SourceLocation& where,
                             Reporter& report) {
  if (options.empty()) return kCheckAll;
  enum class Mode { kReplace, kAdd, kRemove } mode = Mode::kReplace;
  bool replaced = false;
  for (std::string_view option : options) {
    while (!option.empty() && (option.front() == '+' || option.front() == '-')) {
      mode = option.front() == '+' ? Mode::kAdd : Mode::kRemove;
      option.remove_prefix(1);
    }
    if (option.empty()) continue;
    unsigned bit = 0;
    if (option == "readable") bit = kCheckReadable;
    if (option == "match") bit = kCheckMatch;
    if (option == "wildcard_match") bit = kCheckWildcardMatch;
    if (option == "brace_match") bit = kCheckBraceMatch;
    if (bit == 0) {
      report.warning(where, "unknown include_check option '" + std::string{option} +
                                "' (expected readable, match, wildcard_match or brace_match)");
      continue;
    }
    if (mode == Mode::kRemove) {
      level &= ~bit;
      continue;
    }
    if (mode == Mode::kReplace && !replaced) level = 0;
    replaced = true;
    level |= bit | kCheckReadable;  // every check includes readable
  }
  return level;
}

bool expand_braces(std::string_view pattern, std::size_t limit, std::vector<std::string>& out) {
  std::vector<std::size_t> commas;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (pattern[i] != '{') continue;
    const std::size_t close = find_group(pattern, i, commas);
    if (close == std::string_view::npos || commas.empty()) continue;  // literal; look inside it
    commas.push_back(close);
    const std::vector<std::size_t> ends = commas;  // commas is reused by the recursion
    std::size_t start = i + 1;
    for (std::size_t end : ends) {
      std::string name{pattern.substr(0, i)};
      name.append(pattern.substr(start, end - start));
      name.append(pattern.substr(close + 1));
      if (!expand_braces(name, limit, out)) return false;
      start = end + 1;
    }
    return true;
  }
  if (out.size() >= limit) return false;
  out.emplace_back(pattern);
  return true;
}

std::vector<std::string> resolve_include(std::string_view pattern, std::string_view dir, unsigned checks,
                                         const SourceLocation& where, Reporter& report) {
  std::vector<std::string> files;
  if (pattern.find('\0') != std::string_view::npos) {
    report.error(where, "include file name contains a NUL byte");
    return files;
  }
  if (pattern.size() > kMaxPatternBytes) {
    report.error(where, "include file name is longer than " + std::to_string(kMaxPatternBytes) + " bytes");
    return files;
  }
  const bool relative = !pattern.starts_with('/') && !dir.empty();
  const std::string shown = relative ? std::string{dir} + "/" + std::string{pattern} : std::string{pattern};
  const std::string full = relative ? glob_escape(dir) + "/" + std::string{pattern} : std::string{pattern};
  std::vector<std::string> alternatives;
  if (std::count(pattern.begin(), pattern.end(), '{') > static_cast<long>(kMaxBraces) ||
      !expand_braces(full, kMaxAlternatives, alternatives)) {
    report.error(where, "include '" + shown + "' has too many brace alternatives (at most " +
                            std::to_string(kMaxAlternatives) + ")");
    return files;
  }
  bool saw_directory = false;
  bool brace_error = false;
  bool too_many = false;
  for (const std::string& alternative : alternatives) {
    glob_t found{};
    const int rc = ::glob(alternative.c_str(), GLOB_MARK, nullptr, &found);
    std::size_t matched = 0;
    if (rc == 0) {
      for (std::size_t k = 0; k < found.gl_pathc && !too_many; ++k) {
        std::string path{found.gl_pathv[k]};
        if (path.ends_with('/')) {
          saw_directory = true;  // keepalived skips directories silently
          continue;
        }
        too_many = files.size() == kMaxFiles;
        if (!too_many) files.push_back(std::move(path));
        ++matched;
      }
    } else if (rc != GLOB_NOMATCH) {
      report.error(where,
                   "cannot expand include pattern '" + alternative + "' (glob error " + std::to_string(rc) + ")");
    }
    ::globfree(&found);
    if ((checks & kCheckBraceMatch) != 0 && alternatives.size() > 1 && matched == 0) {
      report.error(where, "include alternative '" + alternative + "' of '" + shown + "' matches no file");
      brace_error = true;
    }
    if (too_many) {
      report.error(where, "include '" + shown + "' matches more than " + std::to_string(kMaxFiles) +
                              " files; only the first are read");
      break;
    }
  }
  if (!files.empty() || brace_error) return files;
  const bool wildcard = has_wildcard(pattern);
  const bool is_error = (checks & (wildcard ? kCheckWildcardMatch : kCheckMatch)) != 0;
  std::string message = saw_directory ? "include '" + shown + "' names only directories; nothing is read"
                        : wildcard    ? "no file matches include pattern '" + shown + "'"
                                      : "include file '" + shown + "' does not exist";
  if (is_error) {
    report.error(where, std::move(message));
  } else if (!wildcard || saw_directory) {
    // A wildcard matching nothing is normal for plain include (an empty conf.d/).
    report.warning(where, std::move(message));
  }
  return files;
}

std::expected<FileContent, std::string> read_config_source(const std::string& path) {
  if (path.find('\0') != std::string::npos) return std::unexpected("the file name contains a NUL byte");
  // O_NONBLOCK: a FIFO or a device named by mistake must not hang the reader.
  const Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (fd.get() < 0) return std::unexpected(errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return std::unexpected(errno_text(errno));
  if (!S_ISREG(st.st_mode)) return std::unexpected(std::string{"it is not a regular file"});
  if ((st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0) {
    return std::unexpected(std::string{"it is executable (keepalived refuses executable configuration files)"});
  }
  if (st.st_size > kMaxFileBytes) return std::unexpected(std::string{"it is larger than 256 MiB"});
  FileContent content{.id = FileId{st.st_dev, st.st_ino}};
  content.text.resize(static_cast<std::size_t>(st.st_size) + 1);
  std::size_t used = 0;
  for (;;) {
    if (used == content.text.size()) {
      if (content.text.size() > static_cast<std::size_t>(kMaxFileBytes)) {
        return std::unexpected(std::string{"it is larger than 256 MiB"});
      }
      content.text.resize(content.text.size() * 2);  // it grew since fstat
    }
    const ssize_t n = ::read(fd.get(), content.text.data() + used, content.text.size() - used);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(errno_text(errno));
    }
    used += static_cast<std::size_t>(n);
  }
  content.text.resize(used);
  return content;
}

}  // namespace keel::config::lex
