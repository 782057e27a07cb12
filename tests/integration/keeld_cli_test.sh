#!/usr/bin/env bash
# keeld as an operator uses it: a missing file, -t, --dump-config, -v, -h, bad
# options, then the daemon's life: pid file, SIGHUP (good and bad reload), SIGUSR1,
# a second instance refused, a stale pid file replaced, SIGTERM, and detaching.
# Usage: keeld_cli_test.sh PATH_TO_KEELD
set -euo pipefail

keeld=$(realpath "$1")
work=$(mktemp -d)
daemon_pids=()

cleanup() {
  local pid
  for pid in "${daemon_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for log in "$work"/*.log; do
    [[ -f "$log" ]] && { echo "--- $log" >&2; cat "$log" >&2; }
  done
  exit 1
}
pass() { echo "ok: $*"; }

# True once a process has exited. A detached daemon is not our child: if nothing
# reaps it (PID 1 in a container may not), it lingers as a zombie, which counts as gone.
process_gone() {
  [[ ! -e /proc/$1/stat ]] || [[ $(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1) == Z ]]
}

# Runs keeld with the given arguments; sets rc, out and err.
run_keeld() {
  rc=0
  "$keeld" "$@" >"$work/out" 2>"$work/err" || rc=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}

# Retries a command every 0.1 s for at most 5 s.
wait_for() {
  local what=$1
  shift
  for _ in $(seq 50); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  fail "timed out waiting for $what"
}

cat >"$work/good.conf" <<'EOF'
global_defs {
  router_id test
}
vrrp_instance VI_1 {
  state BACKUP
  interface veth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    198.18.0.100/24
  }
}
EOF

# Line 6 is the error: a VRID must be 1..255 (RFC 5798 5.2.3).
cat >"$work/bad.conf" <<'EOF'
global_defs {
  router_id test
}
vrrp_instance VI_1 {
  state BACKUP
  virtual_router_id 300
  interface veth0
  priority 100
}
EOF

# --- modes that exit at once ---------------------------------------------------------

run_keeld -f "$work/missing.conf"
[[ $rc -eq 1 ]] || fail "missing file: exit code $rc, want 1"
want="keeld: cannot open configuration file $work/missing.conf: No such file or directory"
[[ "$err" == "$want" ]] || fail "missing file: stderr is '$err', want exactly '$want'"
[[ -z "$out" ]] || fail "missing file: unexpected stdout '$out'"
pass "missing configuration file is one line and exit 1"

run_keeld -t "-f$work/missing.conf"
[[ $rc -eq 1 && "$err" == "$want" ]] || fail "-t on a missing file: rc $rc, stderr '$err'"
pass "-t on a missing file"

run_keeld -t -f "$work/good.conf"
[[ $rc -eq 0 ]] || fail "-t on a valid file: exit code $rc, stderr: $err"
[[ "$err" == *"keeld: configuration $work/good.conf: 0 errors,"* ]] || fail "-t summary missing: $err"
pass "-t on a valid file exits 0"

run_keeld "--config-test=$work/bad.conf"
[[ $rc -eq 1 ]] || fail "-t on a bad file: exit code $rc, want 1"
[[ "$err" == *"$work/bad.conf:6: error:"* ]] || fail "-t on a bad file: no file:line diagnostic in: $err"
summary_re="keeld: configuration $work/bad.conf: [1-9][0-9]* errors?, [0-9]+ warnings?"
[[ "$err" =~ $summary_re ]] || fail "-t on a bad file: summary: $err"
pass "-t on a bad file shows file:line and exits 1"

run_keeld --dump-config -f "$work/good.conf"
[[ $rc -eq 0 ]] || fail "--dump-config: exit code $rc, stderr: $err"
[[ "$out" == *"vrrp_instance VI_1"* && "$out" == *"virtual_router_id 51"* ]] ||
  fail "--dump-config output lacks the instance: $out"
printf '%s\n' "$out" >"$work/dumped.conf"
run_keeld -t -f "$work/dumped.conf"
[[ $rc -eq 0 ]] || fail "the dumped configuration does not validate: $err"
pass "--dump-config prints a configuration that reads back"

run_keeld --dump-config -f "$work/bad.conf"
[[ $rc -eq 1 && -z "$out" ]] || fail "--dump-config on a bad file: rc $rc, stdout '$out'"
pass "--dump-config on a bad file exits 1 and prints nothing"

run_keeld -v
[[ $rc -eq 0 && "$out" =~ ^keeld\ v[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "-v: rc $rc, stdout '$out'"
pass "-v prints '$out'"

run_keeld --help
[[ $rc -eq 0 && "$out" == *"--use-file"* && "$out" == *"--dump-config"* ]] || fail "--help: rc $rc"
pass "--help"

run_keeld --bogus
[[ $rc -eq 1 && "$err" == *"unrecognized option '--bogus'"* && "$err" == *"keeld --help"* ]] ||
  fail "unknown option: rc $rc, stderr '$err'"
pass "unknown option is an error with a usage hint"

# --- the daemon in the foreground ----------------------------------------------------

cp "$work/good.conf" "$work/live.conf"
pid_file="$work/run/keel/keeld.pid"  # the directory does not exist yet
log="$work/daemon.log"
mkdir -p "$(dirname "$pid_file")"
( sleep 0 ) &
stale_pid=$!
wait "$stale_pid"
echo "$stale_pid" >"$pid_file"  # left by a keeld that died

"$keeld" -n -l -G -f "$work/live.conf" -p "$pid_file" -r "$work/run/keel/vrrp.pid" -c "$work/run/keel/checkers.pid" \
  2>"$log" &
daemon=$!
daemon_pids+=("$daemon")
wait_for "the pid file to name the daemon" grep -qx "$daemon" "$pid_file"
wait_for "the children's pid files" test -s "$work/run/keel/vrrp.pid" -a -s "$work/run/keel/checkers.pid"
children=("$(cat "$work/run/keel/vrrp.pid")" "$(cat "$work/run/keel/checkers.pid")")
daemon_pids+=("${children[@]}")
grep -q "Starting Keel keeld v" "$log" || fail "no start line"
grep -q "Replaced stale pid file" "$log" || fail "stale pid file not reported"
pass "daemon started, replaced the stale pid file, wrote its own"

run_keeld -n -l -G -f "$work/live.conf" -p "$pid_file" -r "$work/second-vrrp.pid" -c "$work/second-checkers.pid"
[[ $rc -eq 1 && "$err" == *"already running with pid $daemon"* ]] ||
  fail "second instance: rc $rc, stderr '$err'"
grep -qx "$daemon" "$pid_file" || fail "second instance touched the pid file"
pass "a second instance is refused while the first runs"

kill -HUP "$daemon"
wait_for "the reload log line" grep -q "Reloaded configuration $work/live.conf (generation 2)" "$log"
pass "SIGHUP reloads"

cp "$work/bad.conf" "$work/live.conf"
kill -HUP "$daemon"
wait_for "the failed reload" grep -q "Reload failed: .* keeping the running configuration" "$log"
grep -q "live.conf:6: error:" "$log" || fail "failed reload did not log the diagnostic"
kill -0 "$daemon" || fail "daemon died on a bad reload"
pass "SIGHUP with a broken file keeps the running configuration"

kill -USR1 "$daemon"
wait_for "the state dump" grep -q "State: configuration $work/live.conf (generation 2): 1 vrrp instance" "$log"
pass "SIGUSR1 logs the state"

kill -TERM "$daemon"
rc=0
wait "$daemon" || rc=$?
[[ $rc -eq 0 ]] || fail "SIGTERM: exit code $rc"
[[ ! -e "$pid_file" ]] || fail "pid file left behind"
[[ -z $(ls "$work/run/keel") ]] || fail "child pid files left behind: $(ls "$work/run/keel")"
for child in "${children[@]}"; do process_gone "$child" || fail "child $child still runs"; done
grep -q "Stopping" "$log" || fail "no Stopping line"
pass "SIGTERM stops cleanly and removes the pid file"

# --- detached ------------------------------------------------------------------------

cp "$work/good.conf" "$work/live.conf"
pid_file="$work/detached.pid"
run_keeld -G -f "$work/live.conf" -p "$pid_file" -r "$work/detached-vrrp.pid" -c "$work/detached-checkers.pid"
[[ $rc -eq 0 ]] || fail "detached start: exit code $rc, stderr '$err'"
[[ -s "$pid_file" ]] || fail "detached start returned before the pid file was written"
daemon=$(cat "$pid_file")
children=("$(cat "$work/detached-vrrp.pid")" "$(cat "$work/detached-checkers.pid")")
daemon_pids+=("$daemon" "${children[@]}")
kill -0 "$daemon" || fail "detached daemon $daemon is not running"
for child in "${children[@]}"; do
  [[ $(readlink "/proc/$child/fd/2") == /dev/null ]] || fail "child $child kept the caller's stderr"
done
kill -TERM "$daemon"
wait_for "the detached daemon to exit" process_gone "$daemon"
for child in "${children[@]}"; do wait_for "child $child to exit" process_gone "$child"; done
[[ ! -e "$pid_file" && ! -e "$work/detached-vrrp.pid" && ! -e "$work/detached-checkers.pid" ]] ||
  fail "detached daemon left pid files"
pass "without -n keeld detaches, and exits cleanly on SIGTERM"

echo "all keeld CLI checks passed"
