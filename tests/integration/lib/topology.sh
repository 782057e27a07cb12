# Shared helpers for shell integration tests: a switch namespace with a bridge, hosts
# attached to it by veth pairs, addresses from 198.18.0.0/15 and 2001:db8::/32 only, no
# route out. Everything created is recorded and removed by topo_cleanup (run it from an
# EXIT trap), and processes are ended only by the PIDs the test started.
#
#   topo_init PREFIX            unique names: PREFIX-<pid>-...
#   topo_host NAME IPV4/LEN [IPV6/LEN]   a namespace with eth0 on the bridge
#   topo_link NAME IFNAME BRIDGE [IPV4/LEN] [IPV6/LEN]   one more interface for host NAME,
#                               on another bridge of the switch (created on first use)
#   topo_spawn NAME CMD...      runs CMD in the background, records its PID in TOPO_PIDS
#   topo_wait SECONDS CMD...    polls CMD every 0.1 s until it succeeds or time runs out

TOPO_PREFIX=""
TOPO_NAMESPACES=()
TOPO_PIDS=()
TOPO_TMP=""

topo_init() {
  TOPO_PREFIX="$1-$$"
  TOPO_TMP=$(mktemp -d "/tmp/${TOPO_PREFIX}.XXXXXX")
  ip netns add "$TOPO_PREFIX-sw"
  TOPO_NAMESPACES+=("$TOPO_PREFIX-sw")
  ip -n "$TOPO_PREFIX-sw" link add br0 type bridge
  ip -n "$TOPO_PREFIX-sw" link set br0 up
  ip -n "$TOPO_PREFIX-sw" link set lo up
}

topo_ns() { echo "$TOPO_PREFIX-$1"; }

topo_host() {
  local name=$1 v4=$2 v6=${3:-}
  local ns="$TOPO_PREFIX-$name"
  ip netns add "$ns"
  TOPO_NAMESPACES+=("$ns")
  # Short interface names: the switch side is named after the host's position.
  local port="p${#TOPO_NAMESPACES[@]}"
  ip link add "k$$$port" type veth peer name "s$$$port"
  ip link set "k$$$port" netns "$ns"
  ip link set "s$$$port" netns "$TOPO_PREFIX-sw"
  ip -n "$ns" link set "k$$$port" name eth0
  ip -n "$TOPO_PREFIX-sw" link set "s$$$port" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$v4" dev eth0
  [[ -n $v6 ]] && ip -n "$ns" addr add "$v6" dev eth0 nodad
  ip -n "$ns" link set eth0 up
  return 0
}

topo_link() {
  local name=$1 ifname=$2 bridge=$3 v4=${4:-} v6=${5:-}
  local ns="$TOPO_PREFIX-$name" sw="$TOPO_PREFIX-sw"
  if ! ip -n "$sw" link show "$bridge" >/dev/null 2>&1; then
    ip -n "$sw" link add "$bridge" type bridge
    ip -n "$sw" link set "$bridge" up
  fi
  # Created inside the namespaces, so nothing is ever left in the host's namespace.
  local port="${name:0:6}-${ifname:0:8}"
  ip -n "$ns" link add "$ifname" type veth peer name "$port" netns "$sw"
  ip -n "$sw" link set "$port" master "$bridge" up
  [[ -n $v4 ]] && ip -n "$ns" addr add "$v4" dev "$ifname"
  [[ -n $v6 ]] && ip -n "$ns" addr add "$v6" dev "$ifname" nodad
  ip -n "$ns" link set "$ifname" up
  return 0
}

topo_spawn() {
  "$@" &
  TOPO_PIDS+=($!)
}

topo_wait() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  "$@" >/dev/null 2>&1
}

topo_cleanup() {
  local pid
  for pid in "${TOPO_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${TOPO_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  local ns
  for ns in "${TOPO_NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
  [[ -n $TOPO_TMP ]] && rm -rf "$TOPO_TMP"
  return 0
}
