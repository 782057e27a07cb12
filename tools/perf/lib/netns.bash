# Network namespaces for tools/perf benchmarks and tools/demo (source it; bash only).
#
# One "switch" namespace holding a bridge, hosts attached to it by veth pairs created
# directly inside the namespaces (nothing is ever added to, or changed in, the host's
# own namespace), addresses from 198.18.0.0/15 and 2001:db8::/32 only, no route out.
# netns_cleanup (call it from an EXIT trap) ends every process started with
# netns_spawn, by PID, and deletes every namespace created here, with its links.
#
#   netns_init PREFIX           names PREFIX-sw, PREFIX-NAME; switch ports are NAME
#   netns_host NAME ADDR/LEN... a namespace with eth0 on the bridge (port NAME)
#   netns_spawn NS|- LOG CMD... runs CMD in the background (in namespace NS unless "-"),
#                               output appended to LOG; the PID is in NETNS_LAST_PID
#   netns_stop PID...           SIGTERM, wait up to 5 s, then SIGKILL; reaps
#   netns_reap PID              waits for a process that was killed; forgets its PID
#   netns_wait SECONDS CMD...   polls CMD every 20 ms until it succeeds or time runs out

NETNS_PREFIX=""
NETNS_CREATED=()
NETNS_PIDS=()
NETNS_LAST_PID=""

netns_init() {
  NETNS_PREFIX=$1
  local sw="$NETNS_PREFIX-sw"
  ip netns add "$sw"
  NETNS_CREATED+=("$sw")
  ip -n "$sw" link set lo up
  ip -n "$sw" link add br0 type bridge
  # No STP, no forwarding delay: a port that comes back up forwards at once.
  ip -n "$sw" link set br0 type bridge stp_state 0 forward_delay 0
  ip -n "$sw" link set br0 up
}

netns_sw() { echo "$NETNS_PREFIX-sw"; }
netns_of() { echo "$NETNS_PREFIX-$1"; }

netns_host() {
  local name=$1 ns="$NETNS_PREFIX-$1" sw="$NETNS_PREFIX-sw" address
  shift
  ip netns add "$ns"
  NETNS_CREATED+=("$ns")
  ip link add eth0 netns "$ns" type veth peer name "$name" netns "$sw"
  ip -n "$sw" link set "$name" master br0 up
  ip -n "$ns" link set lo up
  for address in "$@"; do
    if [[ $address == *:* ]]; then
      ip -n "$ns" addr add "$address" dev eth0 nodad
    else
      ip -n "$ns" addr add "$address" dev eth0
    fi
  done
  ip -n "$ns" link set eth0 up
}

netns_spawn() {
  local ns=$1 log=$2
  shift 2
  if [[ $ns == - ]]; then
    "$@" >>"$log" 2>&1 &
  else
    ip netns exec "$ns" "$@" >>"$log" 2>&1 &
  fi
  NETNS_LAST_PID=$!
  NETNS_PIDS+=("$NETNS_LAST_PID")
}

# netns_children PID: the PIDs whose parent is PID (a daemon's child processes).
netns_children() {
  local stat pid rest
  for stat in /proc/[0-9]*/stat; do
    read -r rest 2>/dev/null <"$stat" || continue
    pid=${rest%% *}
    rest=${rest##*) }  # after "(comm) ": state ppid ...
    rest=${rest#* }
    [[ ${rest%% *} == "$1" ]] && echo "$pid"
  done
  return 0
}

# netns_starttime PID: the process's start time (field 22 of /proc/PID/stat), to tell
# a process from a later one that reuses its PID.
netns_starttime() {
  local rest
  read -r rest 2>/dev/null <"/proc/$1/stat" || return 1
  rest=${rest##*) }
  set -- $rest
  echo "${20}"
}

netns_stop() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in {1..100}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    netns_reap "$pid"
  done
  return 0
}

# A reaped PID may be reused by anybody's next process: it must never be signalled again.
netns_reap() {
  wait "$1" 2>/dev/null || true
  local pid kept=()
  for pid in "${NETNS_PIDS[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
  NETNS_PIDS=("${kept[@]}")
  return 0
}

netns_wait() {
  local seconds=$1
  shift
  local deadline
  deadline=$((${EPOCHREALTIME/./} + $(awk -v s="$seconds" 'BEGIN { printf "%d", s * 1000000 }')))
  until "$@" >/dev/null 2>&1; do
    ((${EPOCHREALTIME/./} < deadline)) || return 1
    sleep 0.02
  done
}

netns_cleanup() {
  local pid child children=()
  # A daemon's children, remembered with their start times: if stopping the daemon
  # leaves one behind, it is killed, and never a later process that reuses its PID.
  for pid in "${NETNS_PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || continue
    for child in $(netns_children "$pid"); do children+=("$child:$(netns_starttime "$child")"); done
  done
  ((${#NETNS_PIDS[@]} == 0)) || netns_stop "${NETNS_PIDS[@]}"
  for child in "${children[@]}"; do
    [[ $(netns_starttime "${child%%:*}") == "${child#*:}" ]] && { kill -KILL "${child%%:*}" 2>/dev/null || true; }
  done
  NETNS_PIDS=()
  local ns
  for ns in "${NETNS_CREATED[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  NETNS_CREATED=()
  return 0
}
