// The daemon's pid file (keepalived -p/--pid): created atomically, refused while the
// process it names is alive, replaced when stale, removed on destruction.
#pragma once

#include <sys/types.h>

#include <expected>
#include <filesystem>
#include <optional>

#include "control/logger.h"

namespace keel::ctl {

class PidFile {
 public:
  // Creates `path` holding "<pid>\n", creating missing parent directories (0755).
  //
  // The content is written to a temporary file first and link()ed into place, so the
  // pid file appears complete or not at all (O_EXCL semantics without an empty-file
  // window). If `path` exists and names a live keeld, this fails; if that process is
  // gone (or the pid now belongs to another program), the stale file is replaced.
  static std::expected<PidFile, Error> create(std::filesystem::path path, pid_t pid);

  PidFile(PidFile&& other) noexcept;
  PidFile& operator=(PidFile&& other) noexcept;
  ~PidFile() { remove(); }

  // Removes the file if it still names our pid; a file another keeld wrote is kept.
  void remove();

  const std::filesystem::path& path() const { return path_; }
  // Set when a stale file was replaced, for the caller to log: the pid it named, or 0
  // if its content was not a pid.
  std::optional<pid_t> replaced_stale_pid() const { return replaced_stale_pid_; }

 private:
  PidFile(std::filesystem::path path, pid_t pid, std::optional<pid_t> replaced)
      : path_(std::move(path)), pid_(pid), replaced_stale_pid_(replaced) {}

  std::filesystem::path path_;  // empty once removed or moved from
  pid_t pid_ = 0;
  std::optional<pid_t> replaced_stale_pid_;
};

// The pid a pid file names; nullopt if it is missing, unreadable or not a number.
std::optional<pid_t> read_pid_file(const std::filesystem::path& path);

// True if `pid` is a running process that is another instance of this program.
bool is_live_instance(pid_t pid);

}  // namespace keel::ctl
