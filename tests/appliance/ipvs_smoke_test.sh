#!/bin/bash
# ipvs_smoke_test.sh: runs INSIDE the appliance VM (tools/appliance/run). Shows that the
# image's kernel has IPVS with every scheduler Keel supports, that the real ipvsadm
# programs it, and that network namespaces with veth work there.
# Addresses: 198.18.0.0/15 only.
set -u
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

echo "kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime)s"

# --- ip_vs loads, and ipvsadm programs exactly one NAT service with one real ---
modprobe ip_vs || fail "modprobe ip_vs"
grep -q '^ip_vs ' /proc/modules && ok "ip_vs loaded" || fail "ip_vs is not in /proc/modules"

# A real server is accepted only when it is routable: an interface in its network.
ip link add keel-rs type dummy && ip addr add 198.18.1.1/24 dev keel-rs && ip link set keel-rs up \
  || fail "dummy interface for the real servers' network"

ipvsadm -C
ipvsadm -A -t 198.18.0.100:80 -s rr || fail "ipvsadm -A"
ipvsadm -a -t 198.18.0.100:80 -r 198.18.1.11:80 -m -w 3 || fail "ipvsadm -a"
actual=$(ipvsadm -Ln)
echo "$actual"
expected="IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  198.18.0.100:80 rr
  -> 198.18.1.11:80               Masq    3      0          0"
# The version line depends on the kernel; compare the table itself.
if [[ "$(echo "$actual" | sed 1d | sed 's/ *$//')" == "$(echo "$expected" | sed 1d)" ]]; then
  ok "ipvsadm -Ln shows exactly the service and its real server"
else
  fail "ipvsadm -Ln differs; expected:"; echo "$expected"
fi
[[ $(ipvsadm -Sn) == $'-A -t 198.18.0.100:80 -s rr\n-a -t 198.18.0.100:80 -r 198.18.1.11:80 -m -w 3' ]] \
  && ok "ipvsadm -Sn round-trips the commands" || { fail "ipvsadm -Sn:"; ipvsadm -Sn; }
ipvsadm -C
[[ $(ipvsadm -Sn) == "" ]] && ok "ipvsadm -C clears the table" || fail "table not empty after ipvsadm -C"
ip link del keel-rs

# --- every scheduler the kernel can load ---
available=$(find /lib/modules/"$(uname -r)" -name 'ip_vs_*.ko*' | sed 's|.*/ip_vs_||; s|\.ko.*||' | sort | tr '\n' ' ')
echo "scheduler modules in the image: $available"
loaded=()
for s in rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh; do
  if modprobe "ip_vs_$s" && grep -q "^ip_vs_$s " /proc/modules; then
    loaded+=("$s")
  else
    fail "scheduler $s does not load"
  fi
done
echo "schedulers loaded: ${loaded[*]}"
((${#loaded[@]} == 13)) && ok "all 13 schedulers load"
# and each one is usable for a service
port=1000
for s in "${loaded[@]}"; do
  port=$((port + 1))
  ipvsadm -A -t "198.18.0.100:$port" -s "$s" || fail "service with scheduler $s"
done
[[ $(ipvsadm -Ln | grep -c '^TCP') == "${#loaded[@]}" ]] && ok "one service per scheduler" \
  || { fail "services per scheduler:"; ipvsadm -Ln; }
ipvsadm -C

# --- network namespaces with a veth pair ---
ip netns add keel-a && ip netns add keel-b || fail "ip netns add"
ip link add keel-va netns keel-a type veth peer name keel-vb netns keel-b || fail "veth pair"
ip -n keel-a addr add 198.18.2.1/24 dev keel-va && ip -n keel-a link set keel-va up
ip -n keel-b addr add 198.18.2.2/24 dev keel-vb && ip -n keel-b link set keel-vb up
if ip netns exec keel-a ping -c 1 -W 5 198.18.2.2; then
  ok "ping between two namespaces over veth"
else
  fail "no ping between the namespaces"
fi
ip netns del keel-a
ip netns del keel-b

echo "uptime at the end $(cut -d' ' -f1 /proc/uptime)s"
if ((failures)); then echo "ipvs_smoke_test: $failures failure(s)"; exit 1; fi
echo "ipvs_smoke_test: all passed"
