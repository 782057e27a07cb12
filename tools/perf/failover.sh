#!/usr/bin/env bash
# Benchmark: VRRP failover — Keel against keepalived (the baseline) in the same run.
#
# Two routers r1, r2 and a client on one bridge, each in a network namespace of its own
# (198.18.0.0/24, no route out). Both routers run the same keepalived.conf, read by keeld
# and by keepalived alike: state BACKUP, equal priority 100, so whichever holds the VIP is
# the master and a restarted router stays backup. The client pings the VIP every 5 ms.
# Each run fails the master in one of three ways (the mode, last part of a case name):
#   kill  SIGKILL to every process of the daemon at once (keeld: supervisor and VRRP
#         child; keepalived: parent and VRRP child — its child alone would resign), then
#         the VIP the dead daemon left is deleted, as the crash of the machine would (its
#         kernel would go on answering for it otherwise);
#   link  the master's switch port goes down (cable pulled); the daemon keeps running;
#   stop  SIGTERM: the master resigns (priority 0) and the backup waits only Skew_Time.
# Per run, medians printed:
#   gap          the client's longest time between two echo replies (ping -D -i 0.005)
#   VIP          fault → the VIP is on the backup (ip -ts monitor address, backup's netns)
#   timer error  backup's first advert as master − (master's last advert + Master_Down_
#                Interval, or + Skew_Time after a priority 0 advert); both adverts from
#                packet captures on the switch ports (kernel timestamps). Master_Down_
#                Interval = 3 × advert_int + Skew_Time, Skew_Time = (256 − priority) ×
#                advert_int / 256 (RFC 3768: advert_int 1 s; RFC 5798: exact, not rounded
#                to whole centiseconds).
# Cases: v2-kill v2-link v2-stop (VRRPv2, advert_int 1) and v3-kill v3-link v3-stop
# (VRRPv3, advert_int 0.05). About 7 minutes with the defaults. The last line is
# machine-readable, for v2-kill:
#   timer_error_ms_keel=… timer_error_ms_keepalived=… gap_ms_keel=… gap_ms_keepalived=…
# The fault is timed from the master's last advert (live capture) to fall at phases
# (i - 0.5) / runs of the advert interval, i = 1..runs, for both implementations alike.
# Environment: KEEL_PERF_RUNS (runs per case and implementation, default 10),
#   KEEL_PERF_CASES (default "v2-kill v2-link v2-stop v3-kill v3-link v3-stop"),
#   KEEL_BUILD (build directory, default build; configured and built if missing),
#   KEEL_PERF_KEEP=1 (keep captures and logs; the directory is printed).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/perf/lib/netns.bash
# bash reports every background process that died of a signal ("line N: PID Killed
# ..."); here those are the daemons this benchmark kills on purpose.
# The filter ignores Ctrl-C, so that the cleanup after one can still write to stderr.
exec 2> >(trap '' INT TERM; exec grep --line-buffered -v -E '^\S+: line [0-9]+: +[0-9]+ Killed ' >&2)

runs=${KEEL_PERF_RUNS:-10}
cases=${KEEL_PERF_CASES:-v2-kill v2-link v2-stop v3-kill v3-link v3-stop}
build=${KEEL_BUILD:-build}
impls=(keel keepalived)
block=5 # runs per implementation before switching to the other: both see the same load
vip=198.18.0.100
priority=100

if [[ $(id -u) -ne 0 ]]; then
  echo "tools/perf/run failover: run as root (network namespaces)" >&2
  exit 1
fi
for tool in keepalived tcpdump ping ip python3; do
  command -v "$tool" >/dev/null || { echo "failover: $tool is missing; run tools/setup-deps" >&2; exit 1; }
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "failover: KEEL_PERF_RUNS must be a positive integer" >&2; exit 2; }
for case in $cases; do
  [[ $case =~ ^v[23]-(kill|link|stop)$ ]] || { echo "failover: unknown case '$case'" >&2; exit 2; }
done

echo "== Build: $build/"
[[ -d $build/meson-private ]] || meson setup "$build" >/dev/null
ninja -C "$build" control/keeld >"$build/ninja-failover.log" 2>&1 || { cat "$build/ninja-failover.log" >&2; exit 1; }
keeld=$(realpath "$build/control/keeld")
echo "$("$keeld" --version 2>&1 | head -1) against $(keepalived --version 2>&1 | head -1)"

work=$(mktemp -d /tmp/keel-failover.XXXXXX)
chmod 755 "$work"
finish() {
  local status=$?
  trap - EXIT INT TERM
  netns_cleanup
  if [[ ${KEEL_PERF_KEEP:-0} == 1 ]] || ((status != 0 && status != 130)); then
    echo "raw data (captures, logs, runs.tsv): $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

prefix=kpf-$$
netns_init "$prefix"
netns_host r1 198.18.0.1/24
netns_host r2 198.18.0.2/24
netns_host client 198.18.0.10/24
sw=$(netns_sw)

# Observers, for the whole benchmark: what each router sends as it enters the switch,
# each router's address changes, the client's echo replies.
for r in r1 r2; do
  netns_spawn "$sw" "$work/cap-$r.err" tcpdump -i "$r" -Q in -nn -U -w "$work/cap-$r.pcap" 'ip proto 112 or arp'
  # The same adverts as text, live: the fault is timed from the master's last one.
  netns_spawn "$sw" "$work/live-$r.txt" tcpdump -i "$r" -Q in -nn -tt -l 'ip proto 112'
  netns_spawn "$(netns_of "$r")" "$work/mon-$r.txt" ip -ts monitor address dev eth0
done
netns_wait 10 grep -q listening "$work/cap-r1.err"
netns_wait 10 grep -q listening "$work/cap-r2.err"
netns_wait 10 grep -q listening "$work/live-r1.txt"
netns_wait 10 grep -q listening "$work/live-r2.txt"
netns_spawn "$(netns_of client)" "$work/ping.txt" stdbuf -oL ping -D -n -i 0.005 "$vip"
ping_pid=$NETNS_LAST_PID

write_config() {  # write_config ROUTER VERSION ADVERT_INT
  cat >"$work/$1.conf" <<CONF
global_defs {
    router_id $1
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    version $2
    priority $priority
    advert_int $3
    virtual_ipaddress {
        $vip/24 dev eth0
    }
}
CONF
  chmod 644 "$work/$1.conf"
}

declare -A daemon_pid
start_daemon() {  # start_daemon IMPL ROUTER
  local impl=$1 r=$2 ns log
  ns=$(netns_of "$r")
  log="$work/$r.$impl.log"
  if [[ $impl == keel ]]; then
    netns_spawn - "$log" "$keeld" -n -l -G -P -f "$work/$r.conf" --namespace "$ns" \
      -p "$work/$r.keel.pid" -r "$work/$r.keel-vrrp.pid" -c "$work/$r.keel-checkers.pid"
  else
    netns_spawn "$ns" "$log" keepalived -n -l -G -P -f "$work/$r.conf" \
      -p "$work/$r.ka.pid" -r "$work/$r.ka-vrrp.pid" -c "$work/$r.ka-checkers.pid"
  fi
  daemon_pid[$r]=$NETNS_LAST_PID
}
backups_logged() {
  [[ -e $work/$1.$2.log ]] || { echo 0; return; }
  grep -ci 'entering BACKUP' "$work/$1.$2.log" || true
}
log_grew() { (($(backups_logged "$1" "$2") > $3)); }
has_vip() { [[ $(ip -n "$(netns_of "$1")" -o addr show dev eth0) == *" $vip/24 "* ]]; }
holder() {  # prints the router holding the VIP when exactly one does
  if has_vip r1; then has_vip r2 || echo r1; elif has_vip r2; then echo r2; fi
}
one_holder() { [[ -n $(holder) ]]; }
client_answered() {  # the client's last echo reply is less than 50 ms old
  local last
  last=$(tail -n 1 "$work/ping.txt")
  [[ $last == *"bytes from"* ]] || return 1
  last=${last#[}
  awk -v t="${last%%]*}" -v now="$EPOCHREALTIME" 'BEGIN { exit !(now - t < 0.05) }'
}
gone() {  # gone PID...: no such process, not even a zombie (kill -0 succeeds on those)
  local pid
  for pid in "$@"; do [[ ! -e /proc/$pid ]] || return 1; done
}
last_advert() {  # the time of ROUTER's last advert, from the live capture
  local line
  line=$(grep VRRP "$work/live-$1.txt" | tail -n 1)
  echo "${line%% *}"
}
other() { [[ $1 == r1 ]] && echo r2 || echo r1; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# run_block IMPL CASE FIRST COUNT: a fresh pair of routers, then COUNT failovers.
run_block() {
  local impl=$1 case=$2 first=$3 count=$4
  local version=${case:1:1} mode=${case#*-} advert_int=1
  [[ $version == 3 ]] && advert_int=0.05
  write_config r1 "$version" "$advert_int"
  write_config r2 "$version" "$advert_int"
  # r1 first: alone, it takes the VIP after Master_Down_Interval. Started together, the
  # equal-priority pair would both become master, and the one that yields might leave
  # the client's ARP entry pointing at itself until the next gratuitous ARP.
  start_daemon "$impl" r1
  if ! netns_wait 15 has_vip r1; then
    echo "   $impl: r1 did not take the VIP within 15 s; block skipped" >&2
    netns_stop "${daemon_pid[r1]}"
    return
  fi
  local r2_before
  r2_before=$(backups_logged r2 "$impl")
  start_daemon "$impl" r2
  netns_wait 10 log_grew r2 "$impl" "$r2_before" || echo "   $impl: r2 did not report BACKUP" >&2
  local down_s
  down_s=$(awk -v a="$advert_int" -v p="$priority" 'BEGIN { print 3 * a + (256 - p) * a / 256 }')
  local run master backup t0 t_vip status victims count_before fault_at
  for ((run = first; run < first + count; run++)); do
    # Hold for one advert interval: the backup has heard the master since it started.
    sleep "$(awk -v a="$advert_int" 'BEGIN { print a + 0.05 }')"
    netns_wait 10 client_answered || echo "   $impl $case run $run: the client gets no replies" >&2
    master=$(holder)
    if [[ -z $master ]]; then
      echo "   $impl $case run $run: no single VIP holder before the fault; block ended" >&2
      break
    fi
    backup=$(other "$master")
    victims=
    [[ $mode == kill ]] && victims="$(netns_children "${daemon_pid[$master]}") ${daemon_pid[$master]}"
    # The fault comes (run - 0.5) / runs of an advert interval after one of the master's
    # adverts: the same spread of phases for both implementations, so that their gaps
    # compare (a gap is Master_Down_Interval minus the phase, plus what is measured).
    fault_at=$(awk -v last="$(last_advert "$master")" -v now="$EPOCHREALTIME" -v a="$advert_int" \
      -v i="$run" -v n="$runs" 'BEGIN { p = last + (i - 0.5) / n * a
        while (p < now + 0.02) p += a
        printf "%.6f", p }')
    sleep "$(awk -v t="$fault_at" -v now="$EPOCHREALTIME" 'BEGIN { d = t - now; printf "%.6f", (d > 0 ? d : 0) }')"
    t0=$EPOCHREALTIME
    case $mode in
      kill)
        kill -KILL $victims
        ip -n "$(netns_of "$master")" addr del "$vip/24" dev eth0 2>/dev/null || true
        ;;
      link) ip -n "$sw" link set "$master" down ;;
      stop) kill -TERM "${daemon_pid[$master]}" ;;
    esac
    status=ok
    netns_wait "$(awk -v d="$down_s" 'BEGIN { print d + 3 }')" has_vip "$backup" || status=no-takeover
    t_vip=$EPOCHREALTIME
    sleep 0.3 # the client's replies resume after the backup's gratuitous ARP
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$impl" "$case" "$version" \
      "$advert_int" "$priority" "$mode" "$run" "$master" "$backup" "$t0" "$EPOCHREALTIME" \
      "$(wc -w <<<"$victims")" "$status" >>"$work/runs.tsv"
    printf '   %-10s %s run %2d: %s -> %s, VIP on %s after %s s%s%s\n' "$impl" "$case" "$run" \
      "$master" "$backup" "$backup" "$(seconds "$t_vip" "$t0")" \
      "$([[ $mode == kill ]] && echo " ($(wc -w <<<"$victims") processes killed)")" \
      "$([[ $status == ok ]] || echo " ($status)")"
    [[ $status == ok ]] || break
    # Recovery: the old master comes back as a backup (equal priority: no preemption).
    count_before=$(backups_logged "$master" "$impl")
    case $mode in
      kill)
        # Its children are reaped by init, which may take a moment: until then their pid
        # files name live-looking (zombie) processes and a restart refuses to start.
        netns_reap "${daemon_pid[$master]}"
        netns_wait 10 gone $victims || echo "   $impl: killed processes $victims still exist" >&2
        ;;
      stop) netns_stop "${daemon_pid[$master]}" ;;
      link) ip -n "$sw" link set "$master" up ;;
    esac
    [[ $mode == link ]] || start_daemon "$impl" "$master"
    netns_wait 10 log_grew "$master" "$impl" "$count_before" ||
      { [[ $mode == link ]] || echo "   $impl: restarted $master did not report BACKUP" >&2; }
    netns_wait 5 one_holder || true
  done
  netns_stop "${daemon_pid[r1]}" "${daemon_pid[r2]}"
  for r in r1 r2; do ip -n "$(netns_of "$r")" addr del "$vip/24" dev eth0 2>/dev/null || true; done
}

: >"$work/runs.tsv"
for case in $cases; do
  echo "== $case: $runs runs per implementation"
  for ((first = 1; first <= runs; first += block)); do
    for impl in "${impls[@]}"; do
      run_block "$impl" "$case" "$first" "$((runs - first + 1 < block ? runs - first + 1 : block))"
    done
  done
done

# Stop the observers (SIGINT: ping and tcpdump flush what they hold), then analyse.
kill -INT "$ping_pid" 2>/dev/null || true
netns_cleanup
for r in r1 r2; do tcpdump -r "$work/cap-$r.pcap" -nn -tt >"$work/cap-$r.txt" 2>/dev/null; done
echo "== Result: medians per case; ratio = keepalived / Keel"
python3 tools/perf/failover_report.py "$work"
