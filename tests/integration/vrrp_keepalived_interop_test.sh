#!/usr/bin/env bash
# Keel and Debian's keepalived as VRRP peers on one bridge, both directions, for VRRPv2
# with PASS and IPsec AH authentication, VRRPv3 over IPv4, VRRPv3 over IPv6 and unicast: the higher
# priority router holds the VIP, and a crash (keepalived) or a stop (Keel) moves it.
#   usage: vrrp_keepalived_interop_test.sh KEELD
#   KEEL_INTEROP_CASES="v2-ah unicast" runs only those cases.
set -uo pipefail
keeld=$(realpath "$1")
here=$(dirname "$0")
source "$here/lib/topology.sh"

if [[ $(id -u) -ne 0 ]]; then echo "SKIP: needs root for network namespaces"; exit 77; fi
if ! command -v keepalived >/dev/null; then echo "SKIP: keepalived is not installed (tools/setup-deps)"; exit 77; fi
trap topo_cleanup EXIT

failures=0
check() {
  local description=$1
  shift
  if "$@"; then echo "ok: $description"; else echo "FAIL: $description"; failures=$((failures + 1)); fi
}

topo_init kvi
topo_host a 198.18.0.1/24 2001:db8::1/64
topo_host b 198.18.0.2/24 2001:db8::2/64
A=$(topo_ns a) B=$(topo_ns b)
link_local_ready() { [[ $(ip -n "$1" -6 -o addr show dev eth0 scope link) == *fe80* && $(ip -n "$1" -6 -o addr show dev eth0 tentative) != *fe80* ]]; }
topo_wait 10 link_local_ready "$A"
topo_wait 10 link_local_ready "$B"

has() { [[ $(ip -n "$1" -o addr show dev eth0) == *" $2 "* ]]; }
lacks() { ! has "$1" "$2"; }

# instance_config NAME PRIORITY VIP BODY: one vrrp_instance; BODY adds version/auth/unicast.
instance_config() {
  cat <<CONF
global_defs {
    router_id $1
    vrrp_garp_master_delay 0
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority $2
    advert_int 1
$4
    virtual_ipaddress {
        $3 dev eth0
    }
}
CONF
}

start_keepalived() {  # start_keepalived NS TAG CONFIG_TEXT
  local dir="$TOPO_TMP/$2"
  mkdir -p "$dir"
  printf '%s\n' "$3" >"$dir/keepalived.conf"
  chmod 644 "$dir/keepalived.conf"
  topo_spawn ip netns exec "$1" keepalived -n -l -G -P -f "$dir/keepalived.conf" \
    -p "$dir/ka.pid" -r "$dir/ka_vrrp.pid" -c "$dir/ka_chk.pid" >>"$dir/log" 2>&1
}
start_keel() {  # start_keel NS TAG CONFIG_TEXT
  local dir="$TOPO_TMP/$2"
  mkdir -p "$dir"
  printf '%s\n' "$3" >"$dir/keepalived.conf"
  chmod 644 "$dir/keepalived.conf"
  topo_spawn "$keeld" -n -l -G -P -f "$dir/keepalived.conf" --namespace "$1" \
    -p "$dir/keel.pid" -r "$dir/keel_vrrp.pid" -c "$dir/keel_chk.pid" >>"$dir/log" 2>&1
}
kill_keepalived() {  # every process of the tree: a crash, not a resignation
  local dir="$TOPO_TMP/$1"
  kill -KILL $(cat "$dir/ka_vrrp.pid" "$dir/ka.pid" 2>/dev/null) 2>/dev/null
}
stop_keel() { kill -TERM "$(cat "$TOPO_TMP/$1/keel.pid")" 2>/dev/null; }
stop_all() {
  local pid
  for pid in "${TOPO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${TOPO_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  TOPO_PIDS=()
  ip -n "$A" addr flush dev eth0 scope global to "$1" 2>/dev/null
  ip -n "$B" addr flush dev eth0 scope global to "$1" 2>/dev/null
  ip -n "$A" addr add 198.18.0.1/24 dev eth0 2>/dev/null
  ip -n "$B" addr add 198.18.0.2/24 dev eth0 2>/dev/null
  ip -n "$A" addr add 2001:db8::1/64 dev eth0 nodad 2>/dev/null
  ip -n "$B" addr add 2001:db8::2/64 dev eth0 nodad 2>/dev/null
}

# run_case NAME VIP BODY_A BODY_B: keepalived on A, Keel on B, then the other way round.
run_case() {
  local name=$1 vip=$2 body_a=$3 body_b=$4
  [[ -z ${KEEL_INTEROP_CASES:-} || " $KEEL_INTEROP_CASES " == *" $name "* ]] || return 0
  echo "== $name: keepalived MASTER (150), Keel BACKUP (100)"
  start_keepalived "$A" "$name-ka" "$(instance_config ka 150 "$vip" "$body_a")"
  start_keel "$B" "$name-keel" "$(instance_config keel 100 "$vip" "$body_b")"
  check "$name: keepalived holds the VIP" topo_wait 10 has "$A" "$vip"
  sleep 2
  check "$name: Keel stays BACKUP without the VIP" lacks "$B" "$vip"
  kill_keepalived "$name-ka"
  check "$name: Keel takes over when keepalived crashes" topo_wait 6 has "$B" "$vip"
  stop_all "$vip"

  echo "== $name: Keel MASTER (150), keepalived BACKUP (100)"
  start_keel "$A" "$name-keel2" "$(instance_config keel 150 "$vip" "$body_a")"
  start_keepalived "$B" "$name-ka2" "$(instance_config ka 100 "$vip" "$body_b")"
  check "$name: Keel holds the VIP" topo_wait 10 has "$A" "$vip"
  sleep 2
  check "$name: keepalived stays BACKUP without the VIP" lacks "$B" "$vip"
  stop_keel "$name-keel2"
  check "$name: keepalived takes over when Keel stops" topo_wait 4 has "$B" "$vip"
  check "$name: Keel removed its VIP" topo_wait 3 lacks "$A" "$vip"
  stop_all "$vip"
}

pass_auth='    authentication {
        auth_type PASS
        auth_pass keelpass
    }'
run_case v2-pass 198.18.0.100/24 "$pass_auth" "$pass_auth"
ah_auth='    authentication {
        auth_type AH
        auth_pass keelpass
    }'
run_case v2-ah 198.18.0.100/24 "$ah_auth" "$ah_auth"
run_case v3-ipv4 198.18.0.100/24 "    version 3" "    version 3"
run_case v3-ipv6 2001:db8::100/64 "    version 3" "    version 3"
run_case unicast 198.18.0.100/24 "    unicast_src_ip 198.18.0.1
    unicast_peer {
        198.18.0.2
    }" "    unicast_src_ip 198.18.0.2
    unicast_peer {
        198.18.0.1
    }"

if ((failures > 0)); then
  for log in "$TOPO_TMP"/*/log; do echo "---- $log"; tail -15 "$log"; done
fi
echo "$failures failure(s)"
((failures == 0))
