#!/usr/bin/env bash
# keeld's process model (DESIGN.md "Runtime"): the supervisor and its vrrp and lb
# children, seen from outside through the pid files and /proc: three processes with the
# right parent, -P / -C run one child, SIGHUP reaches the children, a killed child is
# respawned, a stopped (hung) child is killed after child_wait_time, SIGTERM leaves no
# process behind, and the children never outlive a supervisor killed with SIGKILL.
# Only processes this script started (and their children, by pid) are ever signalled.
# Usage: keeld_process_test.sh PATH_TO_KEELD
set -euo pipefail

# The VRRP child runs the real service: give it a network namespace of its own (only
# "lo"), so nothing it does can reach the host's interfaces. Same pid namespace, so
# /proc still shows every process.
if [[ -z ${KEEL_PROCESS_TEST_NETNS:-} ]] && unshare --net true 2>/dev/null; then
  KEEL_PROCESS_TEST_NETNS=1 exec unshare --net bash "$0" "$@"
fi

keeld=$(realpath "$1")
work=$(mktemp -d)
pids=()  # every process of ours: supervisors and the children they reported

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    if [[ -e /proc/$pid ]] && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == keeld ]]; then
      kill -CONT "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
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

# Gone, or a zombie: a child whose supervisor died is reaped by PID 1, if at all.
process_gone() {
  [[ ! -e /proc/$1/stat ]] || [[ $(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1) == Z ]]
}
parent_of() { awk '/^PPid:/ { print $2 }' "/proc/$1/status"; }
children_of() { grep -lx "PPid:[[:space:]]*$1" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3 | sort -n || true; }

# Retries a command every 0.1 s for at most $2 seconds.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  fail "timed out after ${seconds} s waiting for $what"
}
names_live_pid() { [[ -s "$1" ]] && ! process_gone "$(cat "$1")"; }
pid_file_changed() { [[ -s "$1" ]] && [[ $(cat "$1") != "$2" ]] && ! process_gone "$(cat "$1")"; }

# child_wait_time is a top-level keyword in keepalived.conf, as here.
cat >"$work/keel.conf" <<'EOF'
child_wait_time 1
global_defs {
  router_id test
}
vrrp_instance VI_1 {
  state BACKUP
  interface keelproc0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    198.18.0.100/24
  }
}
virtual_server 198.18.0.100 80 {
  delay_loop 6
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 198.18.1.11 80 {
    weight 1
    TCP_CHECK {
      connect_timeout 3
    }
  }
}
EOF
"$keeld" -t -f "$work/keel.conf" 2>/dev/null || fail "the test configuration does not validate"

# Starts keeld in the foreground with pid files under $work/NAME/; sets sup, log, dir.
start_keeld() {
  local name=$1
  shift
  dir="$work/$name"
  log="$work/$name.log"
  mkdir -p "$dir"
  "$keeld" -n -l -G -f "$work/keel.conf" -p "$dir/keeld.pid" -r "$dir/vrrp.pid" -c "$dir/checkers.pid" "$@" \
    2>"$log" &
  sup=$!
  pids+=("$sup")
  wait_for "the supervisor's pid file" 10 grep -qsx "$sup" "$dir/keeld.pid"
}

# SIGTERM, then the supervisor's exit status and no process left of those named.
stop_keeld() {
  kill -TERM "$sup"
  local rc=0
  wait "$sup" || rc=$?
  [[ $rc -eq 0 ]] || fail "SIGTERM: the supervisor exited with $rc"
  local pid
  for pid in "$@"; do
    wait_for "process $pid to be gone" 10 process_gone "$pid"
  done
  [[ -z $(ls "$dir") ]] || fail "pid files left behind: $(ls "$dir")"
}

# --- supervisor and two children -----------------------------------------------------

start_keeld full
wait_for "the VRRP child's pid file" 10 names_live_pid "$dir/vrrp.pid"
wait_for "the checker child's pid file" 10 names_live_pid "$dir/checkers.pid"
vrrp=$(cat "$dir/vrrp.pid")
checker=$(cat "$dir/checkers.pid")
pids+=("$vrrp" "$checker")
[[ $(parent_of "$vrrp") == "$sup" ]] || fail "VRRP child $vrrp has parent $(parent_of "$vrrp"), want $sup"
[[ $(parent_of "$checker") == "$sup" ]] || fail "checker child $checker has parent $(parent_of "$checker"), want $sup"
[[ $vrrp != "$checker" ]] || fail "both pid files name $vrrp"
[[ $(children_of "$sup" | wc -l) -eq 2 ]] || fail "the supervisor has children $(children_of "$sup" | xargs), want 2"
wait_for "the VRRP child's ready line" 10 grep -q "keeld_vrrp\[$vrrp\]: VRRP child ready (configuration generation 1)" "$log"
wait_for "the checker child's ready line" 10 grep -q "keeld_checkers\[$checker\]: checker child ready (configuration generation 1)" "$log"
pass "three processes: supervisor $sup, VRRP child $vrrp, checker child $checker"

kill -HUP "$sup"
wait_for "the VRRP child's reload" 10 grep -q "keeld_vrrp\[$vrrp\]: Reloaded configuration $work/keel.conf (generation 2)" "$log"
wait_for "the checker child's reload" 10 grep -q "keeld_checkers\[$checker\]: Reloaded configuration $work/keel.conf (generation 2)" "$log"
pass "SIGHUP to the supervisor reloads both children"

kill -USR1 "$sup"
wait_for "the VRRP child's state dump" 10 grep -q "keeld_vrrp\[$vrrp\]: State: VRRP child" "$log"
pass "SIGUSR1 reaches the children"

kill -KILL "$vrrp"
wait_for "a new VRRP child in the pid file" 15 pid_file_changed "$dir/vrrp.pid" "$vrrp"
respawned=$(cat "$dir/vrrp.pid")
pids+=("$respawned")
[[ $(parent_of "$respawned") == "$sup" ]] || fail "respawned VRRP child $respawned is not the supervisor's"
grep -q "VRRP child process($vrrp) died: killed by signal 9 (SIGKILL); respawning" "$log" || fail "no respawn line"
[[ $(cat "$dir/checkers.pid") == "$checker" ]] || fail "the checker child was restarted too"
wait_for "the respawned child's ready line" 10 grep -q "keeld_vrrp\[$respawned\]: VRRP child ready (configuration generation 2)" "$log"
pass "SIGKILL of the VRRP child: respawned as $respawned, the checker child untouched"

stop_keeld "$sup" "$respawned" "$checker"
grep -q "VRRP child process($respawned) exited with status 0" "$log" || fail "the VRRP child did not stop cleanly"
pass "SIGTERM stops the supervisor and both children and removes the pid files"

# --- -P and -C -----------------------------------------------------------------------

start_keeld vrrp-only -P
wait_for "the VRRP child's pid file" 10 names_live_pid "$dir/vrrp.pid"
vrrp=$(cat "$dir/vrrp.pid")
pids+=("$vrrp")
wait_for "the VRRP ready line" 10 grep -q "VRRP child ready" "$log"
[[ ! -e "$dir/checkers.pid" ]] || fail "-P wrote a checker pid file"
[[ $(children_of "$sup") == "$vrrp" ]] || fail "-P: children $(children_of "$sup" | xargs), want only $vrrp"
! grep -q "checker child" "$log" || fail "-P started a checker child"
stop_keeld "$sup" "$vrrp"
pass "-P runs only the VRRP child"

start_keeld check-only -C
wait_for "the checker child's pid file" 10 names_live_pid "$dir/checkers.pid"
checker=$(cat "$dir/checkers.pid")
pids+=("$checker")
[[ ! -e "$dir/vrrp.pid" ]] || fail "-C wrote a VRRP pid file"
[[ $(children_of "$sup") == "$checker" ]] || fail "-C: children $(children_of "$sup" | xargs), want only $checker"
stop_keeld "$sup" "$checker"
pass "-C runs only the checker child"

# --- a hung child is killed after child_wait_time ------------------------------------

start_keeld hung
wait_for "the VRRP child's pid file" 10 names_live_pid "$dir/vrrp.pid"
wait_for "the checker child's pid file" 10 names_live_pid "$dir/checkers.pid"
vrrp=$(cat "$dir/vrrp.pid")
checker=$(cat "$dir/checkers.pid")
pids+=("$vrrp" "$checker")
kill -STOP "$vrrp"  # a stopped process cannot act on SIGTERM; SIGKILL still ends it
stop_keeld "$sup" "$vrrp" "$checker"
grep -q "VRRP child process($vrrp) did not stop within 1 s; sending SIGKILL" "$log" || fail "no SIGKILL line"
pass "a child that does not stop is killed after child_wait_time"

# --- children never outlive the supervisor -------------------------------------------

start_keeld orphaned
wait_for "the VRRP child's pid file" 10 names_live_pid "$dir/vrrp.pid"
wait_for "the checker child's pid file" 10 names_live_pid "$dir/checkers.pid"
vrrp=$(cat "$dir/vrrp.pid")
checker=$(cat "$dir/checkers.pid")
pids+=("$vrrp" "$checker")
{
  kill -KILL "$sup"
  wait "$sup"
} 2>/dev/null || true  # bash's "Killed" job notice is expected here
wait_for "the VRRP child to follow its supervisor" 10 process_gone "$vrrp"
wait_for "the checker child to follow its supervisor" 10 process_gone "$checker"
pass "SIGKILL of the supervisor ends both children (PR_SET_PDEATHSIG)"

echo "all keeld process checks passed"
