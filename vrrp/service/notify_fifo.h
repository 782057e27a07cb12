// keepalived's notify_fifo / vrrp_notify_fifo (global_defs): every state change of an
// instance or sync group is written as one line to a FIFO, for a long-running reader
// (the optional *_notify_fifo_script, started with the FIFO's path as its argument):
//   INSTANCE "VI_1" MASTER 100
//   GROUP "G1" BACKUP
// The FIFO is opened O_RDWR | O_NONBLOCK: holding a read end ourselves means the open
// never waits for a reader and a write never fails with EPIPE when there is none; when
// the pipe is full the line is dropped and counted rather than blocking the VRRP loop.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/model_common.h"
#include "vrrp/io/ports.h"

namespace keel::vrrp {

class NotifyFifo {
 public:
  // Creates the FIFO when the path does not exist, opens it and starts `script` if given.
  // Errors are logged: a missing FIFO must not stop VRRP. Unlike keepalived the FIFO is
  // left in place on destruction: on a reload the next service opens the same one before
  // this one is gone, and a reader keeps its FIFO across reloads.
  NotifyFifo(const config::Script& fifo, const std::optional<config::Script>& script, ScriptRunner& scripts, Log& log);
  ~NotifyFifo();
  NotifyFifo(const NotifyFifo&) = delete;
  NotifyFifo& operator=(const NotifyFifo&) = delete;

  void instance(std::string_view name, std::string_view state, int priority);
  void group(std::string_view name, std::string_view state);

  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  std::uint64_t written() const { return written_; }
  std::uint64_t dropped() const { return dropped_; }  // pipe full (no reader keeping up) or write error

 private:
  void write_line(const std::string& line);

  std::string path_;
  Log& log_;
  int fd_ = -1;
  std::unique_ptr<Handle> script_;
  std::uint64_t written_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace keel::vrrp
