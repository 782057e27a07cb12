#!/usr/bin/env bash
# Benchmark: parsing a large keepalived.conf — keeld -t (release build) against
# keepalived -t, the baseline, measured in the same run on the same file.
#
# The file: 10,000 virtual_servers × 8 real_servers with a TCP_CHECK each (~140,000
# lines, 198.18.0.0/15 addresses), written by gen_config.py. Each program checks it 5
# times; the best wall-clock time counts. The last line is machine-readable:
#   config_parse_s=<keel s> keepalived_parse_s=<keepalived s> ratio=<keepalived/keel>
# Environment: KEEL_PERF_VS, KEEL_PERF_RS (sizes), KEEL_PERF_RUNS (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."

virtual_servers=${KEEL_PERF_VS:-10000}
real_servers=${KEEL_PERF_RS:-8}
runs=${KEEL_PERF_RUNS:-5}
build=build-perf
work=$build/perf
conf=$work/config-${virtual_servers}x${real_servers}.conf

echo "== Build: $build/ (release)"
# werror off: g++ 12 at -O3 reports false -Wrestrict errors inside std::string
# (GCC bug 105329); build/ (debugoptimized) keeps -Werror.
options=(--buildtype=release -Dwerror=false)
if [[ -d $build/meson-private ]]; then
  meson setup --reconfigure "$build" "${options[@]}" >/dev/null
else
  meson setup "$build" "${options[@]}" >/dev/null
fi
ninja -C "$build" control/keeld >"$build/ninja.log" 2>&1 || { cat "$build/ninja.log" >&2; exit 1; }
keeld=$build/control/keeld
mkdir -p "$work"

echo "== Config: $virtual_servers virtual_servers x $real_servers real_servers with TCP_CHECK"
tools/perf/gen_config.py --virtual-servers "$virtual_servers" --real-servers "$real_servers" >"$conf"
echo "$conf: $(wc -l <"$conf") lines, $(($(wc -c <"$conf") / 1024)) KiB"

# best_of NAME LOG COMMAND...: runs COMMAND $runs times (output to LOG), prints each
# time and sets $best (seconds) and $status (exit status of the last run).
best_of() {
  local name=$1 log=$2
  shift 2
  best=
  status=0
  local times=() start end seconds
  for ((run = 1; run <= runs; run++)); do
    start=$EPOCHREALTIME
    "$@" >"$log" 2>&1 || status=$?
    end=$EPOCHREALTIME
    seconds=$(python3 -c "print(f'{$end - $start:.3f}')")
    times+=("$seconds")
    if [[ -z $best ]] || python3 -c "import sys; sys.exit(not $seconds < $best)"; then best=$seconds; fi
  done
  printf '%-50s best %s s of %d runs (%s)\n' "$name" "$best" "$runs" "${times[*]}"
}

echo "== Keel: keeld -t -f FILE"
best_of "keeld -t ($("$keeld" --version 2>&1 | head -1))" "$work/keeld-t.log" "$keeld" -t -f "$conf"
keel_s=$best
if ((status != 0)); then
  echo "keeld -t exited $status: the time is not a valid parse; its output:" >&2
  head -20 "$work/keeld-t.log" >&2
  exit 1
fi

echo "== Baseline: keepalived -t -f FILE -l -n"
# Pid files under $work, so that a check never touches a running keepalived's files.
best_of "keepalived -t ($(keepalived --version 2>&1 | head -1))" "$work/keepalived-t.log" \
  keepalived -t -f "$conf" -l -n -p "$work/keepalived.pid" -r "$work/vrrp.pid" -c "$work/checkers.pid"
keepalived_s=$best
if ((status != 0)); then
  echo "note: keepalived -t exited $status (its -t fails on warnings too, e.g. without IPVS);" \
    "the parse was still timed; output in $work/keepalived-t.log"
fi

ratio=$(python3 -c "print(f'{$keepalived_s / max($keel_s, 1e-6):.2f}')")
echo "== Result: keepalived takes ${ratio}x as long as Keel to check this file"
echo "config_parse_s=$keel_s keepalived_parse_s=$keepalived_s ratio=$ratio"
