#!/usr/bin/env bash
# VRRP behaviours beyond plain failover, with Keel routers only: keeld routers r1, r2 (and
# r3) and a client on one bridge (eth0, 198.18.0.0/24 and 2001:db8::/64), r1 and r2 also
# on a second bridge (eth1, 198.19.0.0/24). Each scenario starts its own keelds with its
# own configuration and VRIDs, and stops them and clears their VIPs when it ends:
#   1 nopreempt (and the control case, and preempt_delay)
#   2 track_script: FAULT without weight, lower priority with weight -60
#   3 track_interface: a tracked second interface going down (unweighted, weight -60)
#   4 vrrp_sync_group across two interfaces: one member's fault moves both VIPs
#   5 unicast peers, with IPv4 multicast dropped by the switch (nft in its namespace)
#   6 IPv6 VIPs over native VRRPv3: failover sends an unsolicited NA with the O flag
#   7 three routers: after each failover converges the VIP is never on two routers
# VRRPv3 with advert_int 0.2 s keeps it short. Prints PASS/FAIL per check and a verdict
# per scenario; exits non-zero if anything failed.
#   usage: vrrp_scenarios_test.sh KEELD
#   KEEL_SCENARIOS="1 5" runs only those; KEEL_KEEP_LOGS=DIR keeps configs, logs, captures
set -uo pipefail
keeld=$(realpath "$1")
here=$(dirname "$0")
source "$here/lib/topology.sh"

if [[ $(id -u) -ne 0 ]]; then echo "SKIP: needs root for network namespaces"; exit 77; fi
for tool in nft tshark tcpdump; do
  if ! command -v "$tool" >/dev/null; then echo "SKIP: $tool is not installed (tools/setup-deps)"; exit 77; fi
done

declare -A KEELD_PID=()  # router -> PID of the keeld supervisor we started
declare -A LOG_MARK=()   # router -> lines of its log that `logged` skips
KEELD_DIRS=()            # every scenario directory, for the vrrp children's pid files

cleanup() {
  # The supervisors are in TOPO_PIDS and stop their children; a vrrp child left without
  # its supervisor is found by its pid file, and ended only if it still is a keeld.
  local dir file pid children=()
  for dir in "${KEELD_DIRS[@]}"; do
    for file in "$dir"/*_vrrp.pid; do
      [[ -e $file ]] && children+=("$(<"$file")")
    done
  done
  [[ -n ${KEEL_KEEP_LOGS:-} && -n $TOPO_TMP ]] && cp -r "$TOPO_TMP" "$KEEL_KEEP_LOGS"
  topo_cleanup
  for pid in "${children[@]}"; do
    [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") == *keeld* ]] && kill -KILL "$pid" 2>/dev/null
  done
  return 0
}
trap cleanup EXIT
# bash skips the EXIT trap when a signal ends it (meson's timeout sends SIGTERM).
trap 'exit 143' TERM
trap 'exit 130' INT

topo_init kvs
topo_host r1 198.18.0.1/24 2001:db8::1/64
topo_host r2 198.18.0.2/24 2001:db8::2/64
topo_host r3 198.18.0.3/24 2001:db8::3/64
topo_host client 198.18.0.10/24 2001:db8::10/64
topo_link r1 eth1 br1 198.19.0.1/24
topo_link r2 eth1 br1 198.19.0.2/24
R1=$(topo_ns r1) R2=$(topo_ns r2) CLIENT=$(topo_ns client) SWITCH=$(topo_ns sw)
ROUTERS=(r1 r2 r3)

# ---- checks and scenario bookkeeping ---------------------------------------------------

SCENARIO="" SCENARIO_TITLE="" SCENARIO_DIR="" SCENARIO_FAILURES=0
VERDICTS=()
failures=0

check() {  # check DESCRIPTION CMD...
  local description=$1
  shift
  if "$@"; then
    echo "PASS: [$SCENARIO] $description ($(date +%T.%3N))"
  else
    echo "FAIL: [$SCENARIO] $description ($(date +%T.%3N))"
    SCENARIO_FAILURES=$((SCENARIO_FAILURES + 1))
  fi
}

selected() { [[ -z ${KEEL_SCENARIOS:-} || " $KEEL_SCENARIOS " == *" $1 "* ]]; }

begin_scenario() {  # begin_scenario NUMBER TITLE
  SCENARIO=$1 SCENARIO_TITLE=$2 SCENARIO_FAILURES=0
  SCENARIO_DIR="$TOPO_TMP/s$1"
  mkdir -p "$SCENARIO_DIR"
  KEELD_DIRS+=("$SCENARIO_DIR")
  SCENARIO_STARTED=$SECONDS
  echo
  echo "=== scenario $1: $2"
}

end_scenario() {
  local verdict=PASS
  if ((SCENARIO_FAILURES > 0)); then
    verdict=FAIL
    failures=$((failures + SCENARIO_FAILURES))
    local log
    for log in "$SCENARIO_DIR"/*.log; do
      [[ -e $log ]] || continue
      echo "---- $log"
      tail -40 "$log"
    done
  fi
  stop_all_keelds
  reset_addresses
  VERDICTS+=("scenario $SCENARIO ($SCENARIO_TITLE): $verdict in $((SECONDS - SCENARIO_STARTED)) s")
  echo "=== scenario $SCENARIO: $verdict"
}

# ---- routers -----------------------------------------------------------------------

forget_pid() {
  local keep=() pid
  for pid in "${TOPO_PIDS[@]}"; do [[ $pid == "$1" ]] || keep+=("$pid"); done
  TOPO_PIDS=("${keep[@]}")
}

start_keeld() {  # start_keeld ROUTER CONFIG_TEXT
  local router=$1 dir=$SCENARIO_DIR
  printf '%s\n' "$2" >"$dir/$router.conf"
  chmod 644 "$dir/$router.conf"
  rm -f "$dir/$router.pid" "$dir/${router}_vrrp.pid"
  mark_log "$router"
  "$keeld" -n -l -G -P -f "$dir/$router.conf" --namespace "$(topo_ns "$router")" \
    -p "$dir/$router.pid" -r "$dir/${router}_vrrp.pid" -c "$dir/${router}_checkers.pid" >>"$dir/$router.log" 2>&1 &
  KEELD_PID[$router]=$!
  TOPO_PIDS+=($!)
}

vrrp_child_of() { cat "$SCENARIO_DIR/${1}_vrrp.pid" 2>/dev/null; }

wait_gone() {  # wait_gone PID: bounded (5 s), then SIGKILL
  local pid=$1
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  return 1
}

stop_keeld() {  # graceful: SIGTERM to the supervisor, which stops the vrrp child
  local router=$1 pid=${KEELD_PID[$1]:-} child
  [[ -n $pid ]] || return 0
  child=$(vrrp_child_of "$router")
  kill -TERM "$pid" 2>/dev/null
  wait_gone "$pid"
  wait "$pid" 2>/dev/null
  [[ -n $child ]] && wait_gone "$child"
  forget_pid "$pid"
  unset "KEELD_PID[$router]"
}

crash_keeld() {  # SIGKILL of every keeld process of ROUTER: no resignation
  local router=$1 pid=${KEELD_PID[$1]:-} child
  child=$(vrrp_child_of "$router")
  # Child first: a supervisor that dies first makes its child stop gracefully.
  [[ -n $child ]] && kill -KILL "$child" 2>/dev/null
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  forget_pid "$pid"
  unset "KEELD_PID[$router]"
}

stop_all_keelds() {
  local router
  for router in "${!KEELD_PID[@]}"; do stop_keeld "$router"; done
}

# Only the primary addresses above stay between scenarios (a crash leaves VIPs behind).
reset_addresses() {
  local router ns dev address
  for router in "${ROUTERS[@]}"; do
    ns=$(topo_ns "$router")
    for dev in eth0 eth1; do
      ip -n "$ns" link show "$dev" >/dev/null 2>&1 || continue
      ip -n "$ns" link set "$dev" up
      while read -r address; do
        case $address in
          198.18.0.[123]/24 | 198.19.0.[12]/24 | 2001:db8::[123]/64) ;;
          *) ip -n "$ns" addr del "$address" dev "$dev" ;;
        esac
      done < <(ip -n "$ns" -o addr show dev "$dev" scope global | awk '{print $4}')
    done
  done
}

# ---- observations ----------------------------------------------------------------------

# Captured, not piped into grep -q: with pipefail an early grep exit fails the pipeline.
has() {  # has ROUTER ADDRESS/LEN [DEV]
  [[ $(ip -n "$(topo_ns "$1")" -o addr show dev "${3:-eth0}" 2>/dev/null) == *" $2 "* ]]
}
lacks() { ! has "$@"; }
holds_only() {  # holds_only ROUTER VIP [DEV]: ROUTER has it, no other router does
  local router
  has "$1" "$2" "${3:-eth0}" || return 1
  for router in "${ROUTERS[@]}"; do
    [[ $router == "$1" ]] && continue
    has "$router" "$2" "${3:-eth0}" && return 1
  done
  return 0
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
ms_of() { awk -v seconds="$1" 'BEGIN { printf "%d", seconds * 1000 }'; }
keeps_for() {  # keeps_for SECONDS CMD...: CMD holds at every 0.1 s sample
  local deadline=$(($(now_ms) + $(ms_of "$1")))
  shift
  while (($(now_ms) < deadline)); do
    "$@" || return 1
    sleep 0.1
  done
  "$@"
}
mark_log() { LOG_MARK[$1]=$(cat "$SCENARIO_DIR/$1.log" 2>/dev/null | wc -l); }
logged() {  # logged ROUTER TEXT: since mark_log ROUTER (which start_keeld calls)
  [[ $(tail -n "+$((${LOG_MARK[$1]:-0} + 1))" "$SCENARIO_DIR/$1.log" 2>/dev/null) == *"$2"* ]]
}
mac_of() { local line; line=$(ip -n "$(topo_ns "$1")" -o link show eth0); line=${line#*link/ether }; echo "${line%% *}"; }

# instance NAME VRID PRIORITY VIP/LEN [DEV] [EXTRA]: one VRRPv3 instance, 0.2 s adverts.
instance() {
  local dev=${5:-eth0}
  cat <<CONF
vrrp_instance $1 {
    state BACKUP
    interface $dev
    virtual_router_id $2
    priority $3
    version 3
    advert_int 0.2
${6:-}
    virtual_ipaddress {
        $4 dev $dev
    }
}
CONF
}
global() { printf 'global_defs {\n    router_id %s\n    vrrp_garp_master_delay 0\n}\n' "$1"; }

VIP=198.18.0.100/24

# ---- 1: nopreempt ----------------------------------------------------------------------

# preempt_setup R1_EXTRA: r1 (150, with R1_EXTRA in its instance) master, r2 (100) backup;
# r1 stops, r2 takes over; r1 comes back as backup. Leaves both running.
preempt_setup() {
  start_keeld r1 "$(global r1)$(instance VI_1 11 150 $VIP eth0 "$1")"
  check "r1 (150) becomes master" topo_wait 10 holds_only r1 $VIP
  start_keeld r2 "$(global r2)$(instance VI_1 11 100 $VIP)"
  check "r2 (100) starts as backup" topo_wait 5 logged r2 "INIT -> BACKUP"
  sleep 0.5
  check "r1 keeps the VIP while r2 runs" holds_only r1 $VIP
  stop_keeld r1
  check "r2 takes over when r1 stops" topo_wait 3 holds_only r2 $VIP
  start_keeld r1 "$(global r1)$(instance VI_1 11 150 $VIP eth0 "$1")"
  check "restarted r1 comes up as backup" topo_wait 5 logged r1 "INIT -> BACKUP"
}

if selected 1; then
  begin_scenario 1 "nopreempt, the control case, preempt_delay"
  echo "-- r1 with nopreempt"
  preempt_setup "    nopreempt"
  check "r1 with nopreempt does not take the VIP back (3 s)" keeps_for 3 holds_only r2 $VIP
  check "r1 stayed BACKUP all along" eval '! logged r1 "BACKUP -> MASTER"'
  stop_keeld r2
  check "r1 with nopreempt still takes over when r2 stops" topo_wait 3 holds_only r1 $VIP
  stop_all_keelds

  echo "-- control: r1 without nopreempt"
  preempt_setup ""
  check "r1 without nopreempt takes the VIP back" topo_wait 3 holds_only r1 $VIP
  stop_all_keelds

  echo "-- r1 with preempt_delay 3"
  preempt_setup "    preempt_delay 3"
  check "r1 follows r2 while its preempt_delay runs (1 s)" keeps_for 1 holds_only r2 $VIP
  check "r1 takes the VIP back once the delay is over" topo_wait 5 holds_only r1 $VIP
  end_scenario
fi

# ---- 2: track_script -------------------------------------------------------------------

if selected 2; then
  begin_scenario 2 "track_script: FAULT, and weight -60"
  HEALTHY_FAULT="$SCENARIO_DIR/healthy_fault" HEALTHY_WEIGHT="$SCENARIO_DIR/healthy_weight"
  touch "$HEALTHY_FAULT" "$HEALTHY_WEIGHT"
  VIP_FAULT=198.18.0.121/24 VIP_WEIGHT=198.18.0.122/24
  scripts="vrrp_script chk_fault {
    script \"/usr/bin/test -e $HEALTHY_FAULT\"
    interval 1
    fall 2
    rise 2
}
vrrp_script chk_weight {
    script \"/usr/bin/test -e $HEALTHY_WEIGHT\"
    interval 1
    fall 2
    rise 2
    weight -60
}"
  start_keeld r1 "$(global r1)$scripts
$(instance VI_FAULT 21 150 $VIP_FAULT eth0 "    track_script {
        chk_fault
    }")
$(instance VI_WEIGHT 22 150 $VIP_WEIGHT eth0 "    track_script {
        chk_weight
    }")"
  start_keeld r2 "$(global r2)$(instance VI_FAULT 21 100 $VIP_FAULT)
$(instance VI_WEIGHT 22 100 $VIP_WEIGHT)"
  check "r1 holds the VIP of VI_FAULT" topo_wait 10 holds_only r1 $VIP_FAULT
  check "r1 holds the VIP of VI_WEIGHT" topo_wait 5 holds_only r1 $VIP_WEIGHT

  echo "-- chk_fault fails (no weight)"
  mark_log r1
  rm -f "$HEALTHY_FAULT"
  check "r1's VI_FAULT goes FAULT" topo_wait 6 logged r1 "VI_FAULT: MASTER -> FAULT"
  check "r2 takes the VIP of VI_FAULT" topo_wait 3 holds_only r2 $VIP_FAULT
  check "VI_WEIGHT stays on r1" holds_only r1 $VIP_WEIGHT
  mark_log r1
  touch "$HEALTHY_FAULT"
  check "r1's VI_FAULT leaves FAULT when chk_fault succeeds again" topo_wait 6 logged r1 "VI_FAULT: FAULT -> BACKUP"
  check "r1 preempts the VIP of VI_FAULT back" topo_wait 3 holds_only r1 $VIP_FAULT

  echo "-- chk_weight fails (weight -60: 150 -> 90 < 100)"
  mark_log r1
  rm -f "$HEALTHY_WEIGHT"
  check "r1's VI_WEIGHT priority drops to 90" topo_wait 6 logged r1 "VI_WEIGHT: effective priority 150 -> 90"
  check "r2 takes the VIP of VI_WEIGHT" topo_wait 3 holds_only r2 $VIP_WEIGHT
  check "r1's VI_WEIGHT is BACKUP, not FAULT" logged r1 "VI_WEIGHT: MASTER -> BACKUP"
  check "VI_FAULT stays on r1" holds_only r1 $VIP_FAULT
  mark_log r1
  touch "$HEALTHY_WEIGHT"
  check "r1's VI_WEIGHT priority returns to 150" topo_wait 6 logged r1 "VI_WEIGHT: effective priority 90 -> 150"
  check "r1 preempts the VIP of VI_WEIGHT back" topo_wait 3 holds_only r1 $VIP_WEIGHT
  end_scenario
fi

# ---- 3: track_interface ----------------------------------------------------------------

if selected 3; then
  begin_scenario 3 "track_interface eth1, unweighted and weight -60"
  VIP_WEIGHT=198.18.0.132/24
  start_keeld r1 "$(global r1)$(instance VI_1 31 150 $VIP eth0 "    track_interface {
        eth1
    }")
$(instance VI_WEIGHT 32 150 $VIP_WEIGHT eth0 "    track_interface {
        eth1 weight -60
    }")"
  start_keeld r2 "$(global r2)$(instance VI_1 31 100 $VIP)
$(instance VI_WEIGHT 32 100 $VIP_WEIGHT)"
  check "r1 holds the VIP of VI_1" topo_wait 10 holds_only r1 $VIP
  check "r1 holds the VIP of VI_WEIGHT" topo_wait 3 holds_only r1 $VIP_WEIGHT
  check "r1 did not pass through FAULT at startup (eth1 is up)" eval '! logged r1 FAULT'
  mark_log r1
  ip -n "$R1" link set eth1 down
  check "r1's VI_1 goes FAULT when eth1 goes down" topo_wait 3 logged r1 "VI_1: MASTER -> FAULT"
  check "r2 takes the VIP of VI_1" topo_wait 3 holds_only r2 $VIP
  check "r2 takes the VIP of VI_WEIGHT (r1: 150 - 60 < 100)" topo_wait 3 holds_only r2 $VIP_WEIGHT
  check "r1's VI_WEIGHT is BACKUP, not FAULT" logged r1 "VI_WEIGHT: MASTER -> BACKUP"
  mark_log r1
  ip -n "$R1" link set eth1 up
  check "r1's VI_1 leaves FAULT when eth1 comes up" topo_wait 3 logged r1 "VI_1: FAULT -> BACKUP"
  check "r1 preempts the VIP of VI_1 back" topo_wait 3 holds_only r1 $VIP
  check "r1 preempts the VIP of VI_WEIGHT back" topo_wait 3 holds_only r1 $VIP_WEIGHT
  end_scenario
fi

# ---- 4: sync group ---------------------------------------------------------------------

if selected 4; then
  begin_scenario 4 "vrrp_sync_group over eth0 and eth1"
  VIP_A=198.18.0.141/24 VIP_B=198.19.0.142/24
  group_config() {  # group_config ROUTER PRIORITY
    global "$1"
    cat <<CONF
vrrp_sync_group G1 {
    group {
        VI_A
        VI_B
    }
}
CONF
    instance VI_A 41 "$2" $VIP_A eth0
    instance VI_B 42 "$2" $VIP_B eth1
  }
  start_keeld r1 "$(group_config r1 150)"
  start_keeld r2 "$(group_config r2 100)"
  check "r1 holds VI_A's VIP (eth0)" topo_wait 10 holds_only r1 $VIP_A eth0
  check "r1 holds VI_B's VIP (eth1)" topo_wait 5 holds_only r1 $VIP_B eth1
  ip -n "$R1" link set eth1 down
  check "r2 takes VI_B's VIP (the member whose interface failed)" topo_wait 3 holds_only r2 $VIP_B eth1
  check "r2 takes VI_A's VIP too (its interface is fine)" topo_wait 3 holds_only r2 $VIP_A eth0
  check "r1 keeps neither VIP (1 s)" keeps_for 1 eval 'lacks r1 $VIP_A eth0 && lacks r1 $VIP_B eth1'
  ip -n "$R1" link set eth1 up
  check "r1 takes VI_A's VIP back" topo_wait 5 holds_only r1 $VIP_A eth0
  check "r1 takes VI_B's VIP back" topo_wait 3 holds_only r1 $VIP_B eth1
  end_scenario
fi

# ---- 5: unicast ------------------------------------------------------------------------

if selected 5; then
  begin_scenario 5 "unicast peers, no multicast"
  # The switch drops IPv4 multicast, so only unicast adverts can reach the other router.
  ip netns exec "$SWITCH" nft -f - <<NFT
table bridge keel_no_multicast {
    chain forward {
        type filter hook forward priority 0; policy accept;
        ip daddr 224.0.0.0/4 counter drop
    }
}
NFT
  multicast_dropped() {
    local rules
    rules=$(ip netns exec "$SWITCH" nft list table bridge keel_no_multicast)
    [[ $rules =~ packets\ [0-9]+\ bytes\ [0-9]+ ]] && echo "${BASH_REMATCH[0]}"
  }
  unicast() {  # unicast SELF PEER
    printf '    unicast_src_ip %s\n    unicast_peer {\n        %s\n    }' "$1" "$2"
  }
  start_keeld r1 "$(global r1)$(instance VI_1 51 150 $VIP eth0 "$(unicast 198.18.0.1 198.18.0.2)")"
  start_keeld r2 "$(global r2)$(instance VI_1 51 100 $VIP eth0 "$(unicast 198.18.0.2 198.18.0.1)")"
  check "r1 holds the VIP" topo_wait 10 holds_only r1 $VIP
  check "r2 runs as backup" topo_wait 3 logged r2 "INIT -> BACKUP"
  check "r2 stays backup: r1's unicast adverts arrive (1.5 s)" keeps_for 1.5 holds_only r1 $VIP
  check "r2 never took over while r1 ran" eval '! logged r2 "BACKUP -> MASTER"'
  # The filter is live: a multicast packet from the client is dropped (and counted).
  ip netns exec "$CLIENT" ping -I eth0 -c 1 -W 1 224.0.0.18 >/dev/null 2>&1
  check "the switch drops IPv4 multicast" eval '[[ $(multicast_dropped) != "packets 0 "* ]]'
  echo "   multicast packets dropped by the switch: $(multicast_dropped)"
  crash_keeld r1
  check "r2 takes over when r1 crashes" topo_wait 3 has r2 $VIP
  start_keeld r1 "$(global r1)$(instance VI_1 51 150 $VIP eth0 "$(unicast 198.18.0.1 198.18.0.2)")"
  check "restarted r1 preempts the VIP back" topo_wait 6 holds_only r1 $VIP
  ip netns exec "$SWITCH" nft delete table bridge keel_no_multicast
  end_scenario
fi

# ---- 6: IPv6 ---------------------------------------------------------------------------

link_local_ready() {
  local ns
  ns=$(topo_ns "$1")
  [[ $(ip -n "$ns" -6 -o addr show dev eth0 scope link) == *fe80* &&
    $(ip -n "$ns" -6 -o addr show dev eth0 tentative) != *fe80* ]]
}
capture_ready() { grep -q "listening on" "$SCENARIO_DIR/capture.err" 2>/dev/null; }
client_neighbour_is() { [[ $(ip -n "$CLIENT" -6 neigh show 2001:db8::100) == *"$1"* ]]; }

if selected 6; then
  begin_scenario 6 "IPv6 VIP over native VRRPv3, unsolicited NA"
  VIP6=2001:db8::100/64
  for host in r1 r2 client; do topo_wait 10 link_local_ready "$host"; done
  start_keeld r1 "$(global r1)$(instance VI_6 61 150 $VIP6)"
  start_keeld r2 "$(global r2)$(instance VI_6 61 100 $VIP6)"
  check "r1 holds the IPv6 VIP" topo_wait 10 holds_only r1 $VIP6
  check "the client reaches the VIP through r1" \
    topo_wait 5 ip netns exec "$CLIENT" ping -6 -c 1 -W 1 2001:db8::100
  check "the client's neighbour entry points at r1" client_neighbour_is "$(mac_of r1)"
  ip netns exec "$CLIENT" tcpdump -i eth0 -n -U --immediate-mode -w "$SCENARIO_DIR/capture.pcap" icmp6 \
    >/dev/null 2>"$SCENARIO_DIR/capture.err" &
  capture_pid=$!
  TOPO_PIDS+=("$capture_pid")
  topo_wait 5 capture_ready
  stop_keeld r1
  check "r2 takes the IPv6 VIP over" topo_wait 3 holds_only r2 $VIP6
  check "r2's VIP is usable at once (nodad, not tentative)" \
    eval '[[ $(ip -n "$R2" -6 -o addr show dev eth0 to 2001:db8::100) != *tentative* ]]'
  check "the client's neighbour entry moves to r2" topo_wait 3 client_neighbour_is "$(mac_of r2)"
  check "the client reaches the VIP through r2" ip netns exec "$CLIENT" ping -6 -c 1 -W 1 2001:db8::100
  sleep 0.5
  kill -INT "$capture_pid" 2>/dev/null
  wait_gone "$capture_pid"
  wait "$capture_pid" 2>/dev/null
  forget_pid "$capture_pid"
  # Unsolicited (RFC 4861 §7.2.6): to all-nodes, Solicited flag clear; Override set so
  # the client replaces r1's MAC in its existing entry.
  na_filter="eth.src == $(mac_of r2) && ipv6.dst == ff02::1 && icmpv6.type == 136"
  na_filter+=" && icmpv6.nd.na.target_address == 2001:db8::100 && icmpv6.nd.na.flag.s == 0"
  nas=$(tshark -r "$SCENARIO_DIR/capture.pcap" -Y "$na_filter" -T fields -e icmpv6.nd.na.flag.o 2>/dev/null)
  echo "   unsolicited NAs from r2 for 2001:db8::100 (O flag of each): ${nas//$'\n'/ }"
  check "the client captured an unsolicited NA for the VIP from r2" test -n "$nas"
  check "the NA has the override flag set" eval '[[ $nas == *1* || $nas == *True* ]]'
  if ((SCENARIO_FAILURES > 0)); then
    echo "---- what the client captured"
    tshark -r "$SCENARIO_DIR/capture.pcap" -V -Y icmpv6.type==136 2>/dev/null | head -80
  fi
  end_scenario
fi

# ---- 7: never on two routers -----------------------------------------------------------

# Samples every router's eth0 every ~20 ms for SECONDS; fails on any sample where the VIP
# is on more or fewer than one router.
exactly_one_for() {
  local seconds=$1 expected=$2 deadline samples=0 bad=0 holders router list
  deadline=$(($(now_ms) + $(ms_of "$seconds")))
  while (($(now_ms) < deadline)); do
    holders=0 list=""
    for router in "${ROUTERS[@]}"; do
      if has "$router" $VIP; then holders=$((holders + 1)) list+=" $router"; fi
    done
    samples=$((samples + 1))
    if ((holders != 1)) || [[ $list != " $expected" ]]; then
      bad=$((bad + 1))
      echo "   sample $samples: VIP on [${list# }]"
    fi
    sleep 0.02
  done
  echo "   $samples samples over ${seconds} s, $bad with the VIP not on $expected alone"
  ((bad == 0 && samples > 0))
}

if selected 7; then
  begin_scenario 7 "three routers: the VIP is never on two at once after convergence"
  start_keeld r1 "$(global r1)$(instance VI_1 71 150 $VIP)"
  start_keeld r2 "$(global r2)$(instance VI_1 71 100 $VIP)"
  start_keeld r3 "$(global r3)$(instance VI_1 71 50 $VIP)"
  check "r1 (150) converges as the only holder" topo_wait 10 holds_only r1 $VIP
  check "only r1 holds it for 2 s" exactly_one_for 2 r1
  echo "-- graceful stop of r1"
  stop_keeld r1
  check "r2 (100) converges as the only holder" topo_wait 3 holds_only r2 $VIP
  check "only r2 holds it for 2 s" exactly_one_for 2 r2
  echo "-- r1 comes back and preempts"
  start_keeld r1 "$(global r1)$(instance VI_1 71 150 $VIP)"
  check "r1 converges as the only holder" topo_wait 6 holds_only r1 $VIP
  check "only r1 holds it for 2 s" exactly_one_for 2 r1
  echo "-- r1's eth0 goes down (FAULT)"
  ip -n "$R1" link set eth0 down
  check "r2 converges as the only holder" topo_wait 3 holds_only r2 $VIP
  check "only r2 holds it for 2 s" exactly_one_for 2 r2
  echo "-- r1's eth0 comes back"
  ip -n "$R1" link set eth0 up
  check "r1 converges as the only holder" topo_wait 6 holds_only r1 $VIP
  check "only r1 holds it for 2 s" exactly_one_for 2 r1
  end_scenario
fi

echo
printf '%s\n' "${VERDICTS[@]}"
echo "$failures failure(s) in ${SECONDS} s"
((failures == 0))
