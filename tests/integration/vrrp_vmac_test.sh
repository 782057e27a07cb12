#!/usr/bin/env bash
# use_vmac: a Keel master puts its VIP on a macvlan (mode private) with the VRRP MAC
# 00:00:5e:00:01:VRID on top of its interface, a client's neighbour entry for the VIP
# shows that MAC, and a stop removes the VIP and the macvlan.
#   usage: vrrp_vmac_test.sh KEELD
set -uo pipefail
keeld=$(realpath "$1")
here=$(dirname "$0")
source "$here/lib/topology.sh"

if [[ $(id -u) -ne 0 ]]; then echo "SKIP: needs root for network namespaces"; exit 77; fi
trap topo_cleanup EXIT
trap 'exit 143' TERM INT

failures=0
check() {
  local description=$1
  shift
  if "$@"; then echo "ok: $description"; else echo "FAIL: $description"; failures=$((failures + 1)); fi
}

topo_init kvm
topo_host a 198.18.0.1/24
topo_host c 198.18.0.9/24
A=$(topo_ns a) C=$(topo_ns c)
dir="$TOPO_TMP/keel"
mkdir -p "$dir"
cat >"$dir/keepalived.conf" <<CONF
global_defs {
    router_id vmac
    vrrp_garp_master_delay 1
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    use_vmac
    virtual_router_id 61
    priority 150
    advert_int 1
    virtual_ipaddress {
        198.18.0.100/24
    }
}
CONF
topo_spawn "$keeld" -n -l -G -P -f "$dir/keepalived.conf" --namespace "$A" \
  -p "$dir/keel.pid" -r "$dir/keel_vrrp.pid" -c "$dir/keel_chk.pid" >>"$dir/log" 2>&1

vmac_link() { ip -n "$A" -d link show vrrp.61 2>/dev/null; }
vmac_ok() { [[ $(vmac_link) == *"link/ether 00:00:5e:00:01:3d"* && $(vmac_link) == *"macvlan mode private"* ]]; }
vip_on_vmac() { [[ $(ip -n "$A" -o addr show dev vrrp.61 2>/dev/null) == *" 198.18.0.100/24 "* ]]; }
client_sees_vmac() {
  ip netns exec "$C" ping -c1 -W1 198.18.0.100 >/dev/null 2>&1
  [[ $(ip -n "$C" neigh show 198.18.0.100) == *"lladdr 00:00:5e:00:01:3d"* ]]
}
no_vmac() { ! ip -n "$A" link show vrrp.61 >/dev/null 2>&1; }

check "vrrp.61 is a private macvlan with MAC 00:00:5e:00:01:3d" topo_wait 10 vmac_ok
check "the VIP is on vrrp.61" topo_wait 10 vip_on_vmac
check "the client's neighbour entry for the VIP is the VRRP MAC" topo_wait 5 client_sees_vmac
kill -TERM "$(cat "$dir/keel.pid")" 2>/dev/null
check "a stop removes the VIP" topo_wait 5 bash -c "! ip -n $A -o addr show | grep -q ' 198.18.0.100/'"
check "a stop removes vrrp.61" topo_wait 5 no_vmac

if ((failures > 0)); then
  ip -n "$A" -d link show
  ip -n "$C" neigh show
  tail -30 "$dir/log"
fi
echo "$failures failure(s)"
((failures == 0))
