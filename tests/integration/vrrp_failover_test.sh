#!/usr/bin/env bash
# Two keeld routers and a client on one bridge, each in its own network namespace:
# the higher priority router holds the VIP, a crash (SIGKILL of every keeld process)
# moves it to the other router, the restarted router preempts it back, a graceful stop
# (SIGTERM) hands it over at once and leaves nothing behind. The VIP is never on both
# routers once they have converged.
#   usage: vrrp_failover_test.sh KEELD
set -uo pipefail
keeld=$(realpath "$1")
here=$(dirname "$0")
source "$here/lib/topology.sh"

if [[ $(id -u) -ne 0 ]]; then echo "SKIP: needs root for network namespaces"; exit 77; fi
trap topo_cleanup EXIT

failures=0
check() {  # check DESCRIPTION CMD...
  local description=$1
  shift
  if "$@"; then echo "ok: $description"; else echo "FAIL: $description"; failures=$((failures + 1)); fi
}

topo_init kvf
topo_host r1 198.18.0.1/24
topo_host r2 198.18.0.2/24
topo_host client 198.18.0.10/24
R1=$(topo_ns r1) R2=$(topo_ns r2) CLIENT=$(topo_ns client)

write_config() {  # write_config NAME PRIORITY
  cat >"$TOPO_TMP/$1.conf" <<CONF
global_defs {
    router_id $1
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $2
    advert_int 1
    virtual_ipaddress {
        198.18.0.100/24 dev eth0
    }
}
CONF
  chmod 644 "$TOPO_TMP/$1.conf"
}
write_config r1 150
write_config r2 100

start_router() {  # start_router NAME NAMESPACE
  topo_spawn "$keeld" -n -l -G -P -f "$TOPO_TMP/$1.conf" --namespace "$2" \
    -p "$TOPO_TMP/$1.pid" -r "$TOPO_TMP/$1_vrrp.pid" -c "$TOPO_TMP/$1_checkers.pid" >>"$TOPO_TMP/$1.log" 2>&1
}
# Captured, not piped into grep -q: with pipefail an early grep exit fails the pipeline.
has_vip() { [[ $(ip -n "$1" -o addr show dev eth0) == *" 198.18.0.100/24 "* ]]; }
lacks_vip() { ! has_vip "$1"; }
mac_of() { local line; line=$(ip -n "$1" -o link show eth0); line=${line#*link/ether }; echo "${line%% *}"; }
client_sees() { [[ $(ip -n "$CLIENT" neigh show 198.18.0.100) == *"$1"* ]]; }
ping_vip() { ip netns exec "$CLIENT" ping -c 1 -W 1 198.18.0.100 >/dev/null 2>&1; }
# Children first: a supervisor that dies first makes its children stop gracefully.
pids_of() { cat "$TOPO_TMP/$1_vrrp.pid" "$TOPO_TMP/$1.pid" 2>/dev/null; }
exactly_one_holder() { { has_vip "$R1" && lacks_vip "$R2"; } || { has_vip "$R2" && lacks_vip "$R1"; }; }

start_router r1 "$R1"
start_router r2 "$R2"
check "r1 (priority 150) holds the VIP" topo_wait 10 has_vip "$R1"
sleep 1
check "r2 (priority 100) does not" lacks_vip "$R2"
check "the client reaches the VIP" topo_wait 5 ping_vip
check "the client's ARP entry points at r1" client_sees "$(mac_of "$R1")"

echo "-- crash: SIGKILL of every r1 keeld process"
for pid in $(pids_of r1); do kill -KILL "$pid" 2>/dev/null; done
check "r2 takes the VIP over" topo_wait 6 has_vip "$R2"
check "the client's ARP entry moves to r2 (gratuitous ARP)" topo_wait 3 client_sees "$(mac_of "$R2")"
check "the client reaches the VIP through r2" topo_wait 5 ping_vip

echo "-- restart r1: it clears the VIP the crash left behind, then preempts"
start_router r1 "$R1"
check "r2 gives the VIP up when r1 preempts" topo_wait 12 lacks_vip "$R2"
check "r1 holds the VIP again" topo_wait 3 has_vip "$R1"
check "exactly one router holds the VIP" exactly_one_holder
check "the client's ARP entry points at r1 again" topo_wait 3 client_sees "$(mac_of "$R1")"

echo "-- graceful stop of r1 (SIGTERM)"
r1_pids=$(pids_of r1)
kill -TERM "$(cat "$TOPO_TMP/r1.pid")"
check "r1 removes the VIP" topo_wait 5 lacks_vip "$R1"
check "r2 takes over after its skew time" topo_wait 3 has_vip "$R2"
gone() { for pid in $r1_pids; do kill -0 "$pid" 2>/dev/null && return 1; done; return 0; }
check "no r1 keeld process is left" topo_wait 5 gone
check "exactly one router holds the VIP" exactly_one_holder

if ((failures > 0)); then
  echo "---- r1 log"; tail -40 "$TOPO_TMP/r1.log"
  echo "---- r2 log"; tail -40 "$TOPO_TMP/r2.log"
fi
echo "$failures failure(s)"
((failures == 0))
