#!/usr/bin/env python3
"""Analyses the raw data of tools/perf/failover.sh: one row per failover in runs.tsv,
packet captures of what each router sent (cap-rN.txt, `tcpdump -nn -tt`), each router's
address changes (mon-rN.txt, `ip -ts monitor address`) and the client's echo replies
(ping.txt, `ping -D`). All timestamps are CLOCK_REALTIME. Prints the table and the last,
machine-readable line. Usage: failover_report.py WORKDIR"""

import datetime
import re
import statistics
import sys
from pathlib import Path

ADVERT = re.compile(r"^(\d+\.\d+) IP (\S+) > \S+: VRRPv(\d), Advertisement, vrid \d+, prio (\d+)")
ADDRESS = re.compile(r"^\[([0-9T:.-]+)\] (Deleted )?\d+: \S+\s+inet (\S+)")
REPLY = re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from ")
MODES = {"kill": "SIGKILL, every process", "link": "master's link down", "stop": "SIGTERM (resigns)"}


def skew_s(version, advert_int, priority):
    # RFC 3768 §6.1: (256 - Priority) / 256 seconds; RFC 5798 §6.1: the same fraction of
    # Master_Adver_Interval (kept exact here, not rounded to whole centiseconds).
    return (256 - priority) / 256 * (1.0 if version == 2 else advert_int)


def load(work):
    adverts = {r: [] for r in ("r1", "r2")}
    for r in adverts:
        for line in (work / f"cap-{r}.txt").read_text().splitlines():
            m = ADVERT.match(line)
            if m:
                adverts[r].append((float(m.group(1)), int(m.group(4))))
    vip_adds = {r: [] for r in ("r1", "r2")}
    for r in vip_adds:
        for line in (work / f"mon-{r}.txt").read_text().splitlines():
            m = ADDRESS.match(line)
            if m and not m.group(2) and m.group(3).startswith("198.18.0.100/"):
                vip_adds[r].append(datetime.datetime.fromisoformat(m.group(1)).timestamp())
    replies = [float(m.group(1)) for m in map(REPLY.match, (work / "ping.txt").read_text().splitlines()) if m]
    return adverts, vip_adds, sorted(replies)


def analyse(row, adverts, vip_adds, replies):
    """One failover: a dict of figures in ms (None when not measurable) and notes."""
    impl, case, version, advert_int, priority, mode, run, master, backup, t0, t_end, victims, status = row
    version, advert_int, priority = int(version), float(advert_int), int(priority)
    t0, t_end = float(t0), float(t_end)
    out = {"impl": impl, "case": case, "mode": mode, "notes": []}
    if status != "ok":
        out["notes"].append(status)
        return out
    vip = [t for t in vip_adds[backup] if t0 < t <= t_end]
    out["vip"] = (vip[0] - t0) * 1e3 if vip else None
    heard = [t for t, _ in adverts[master] if t0 - 2 * advert_int - 1 < t <= t0]
    if heard:
        out["phase"] = (t0 - heard[-1]) * 1e3  # how long after the master's last advert it failed
    took_over = [t for t, _ in adverts[backup] if t0 < t <= t_end]
    if took_over:
        first = took_over[0]
        earlier = [(t, p) for t, p in adverts[master] if t0 - 4 * advert_int - 1 < t < first]
        if earlier:
            last, last_priority = earlier[-1]
            skew = skew_s(version, advert_int, priority)
            interval = skew if last_priority == 0 else 3 * advert_int + skew
            out["timer"] = (first - (last + interval)) * 1e3
            if last_priority == 0 and mode != "stop":
                out["notes"].append(f"run {run}: the master resigned (priority 0) instead of going silent")
    # From the last reply before the fault to the end of the run: the longest silence.
    before = [t for t in replies if t0 - 0.1 < t <= t0]
    window = before[-1:] + [t for t in replies if t0 < t <= t_end]
    if not before:
        out["notes"].append("the client had no replies just before the fault")
    elif len(window) >= 2:
        out["gap"] = max(b - a for a, b in zip(window, window[1:])) * 1e3
    return out


def median(values):
    values = [v for v in values if v is not None]
    return (statistics.median(values), len(values)) if values else (None, 0)


def fmt(value, signed=False):
    if value is None:
        return "-"
    return f"{value:+.1f}" if signed else f"{value:.1f}"


def main():
    work = Path(sys.argv[1])
    adverts, vip_adds, replies = load(work)
    rows = [line.split("\t") for line in (work / "runs.tsv").read_text().splitlines() if line]
    results = [analyse(row, adverts, vip_adds, replies) for row in rows]
    deltas = [b - a for a, b in zip(replies, replies[1:])]
    if deltas:
        print(f"client probe: {len(replies)} echo replies, median interval {statistics.median(deltas) * 1e3:.2f} ms")

    cases = list(dict.fromkeys(r["case"] for r in results))
    medians = {}
    header = (f"{'case':<9} {'fault':<26} {'implementation':<14} {'phase ms':>9} {'gap ms':>9} "
              f"{'VIP on backup ms':>17} {'timer error ms':>24} {'n':>3}")
    print(header)
    print("-" * len(header))
    for case in cases:
        version, mode = int(case[1]), case.split("-")[1]
        advert_int = 1.0 if version == 2 else 0.05
        for impl in ("keel", "keepalived"):
            mine = [r for r in results if r["case"] == case and r["impl"] == impl]
            gap, n_gap = median(r.get("gap") for r in mine)
            vip, n_vip = median(r.get("vip") for r in mine)
            timer, n_timer = median(r.get("timer") for r in mine)
            phase, _ = median(r.get("phase") for r in mine)
            timers = [r["timer"] for r in mine if r.get("timer") is not None]
            spread = f" [{min(timers):+.1f}, {max(timers):+.1f}]" if timers else ""
            medians[case, impl] = (gap, vip, timer)
            n = min(n_gap, n_vip, n_timer) if mine else 0
            n_text = str(n) if n == len(mine) else f"{n}/{len(mine)}"
            fault = f"v{version} {MODES[mode]}" if impl == "keel" else ""
            label = case if impl == "keel" else ""
            print(f"{label:<9} {fault:<26} {impl:<14} {fmt(phase):>9} {fmt(gap):>9} {fmt(vip):>17} "
                  f"{fmt(timer, True) + spread:>24} {n_text:>3}")
        (kg, kv, kt), (ag, av, at) = medians[case, "keel"], medians[case, "keepalived"]
        ratio = lambda a, k: f"{a / k:.2f}" if a is not None and k else "-"
        diff = f"{kt - at:+.1f} (Keel-ka)" if kt is not None and at is not None else "-"
        print(f"{'':<9} {'':<26} {'ratio ka/Keel':<14} {'':>9} {ratio(ag, kg):>9} {ratio(av, kv):>17} {diff:>24}")
        # Targets: v3 at 50 ms adverts recovers in under 250 ms; a graceful stop costs the
        # client at most Skew_Time + 20 ms.
        target = None
        if mode == "stop":
            target = skew_s(version, advert_int, 100) * 1e3 + 20
        elif version == 3:
            target = 250.0
        if target is not None:
            verdicts = ", ".join(f"{impl} {'meets' if g is not None and g < target else 'misses'} it"
                                 for impl, g in (("Keel", kg), ("keepalived", ag)))
            print(f"{'':<9} target: median gap < {target:.0f} ms: {verdicts}")
    notes = [n for r in results for n in r["notes"]]
    for note in dict.fromkeys(notes):
        print(f"note: {note} ({notes.count(note)}x)")
    print("phase: fault time after the master's last advert (the same spread for both).")
    print("gap: the client's longest time between two echo replies (one probe every 5 ms).")
    print("VIP on backup: from the fault. timer error: + is late; [min, max] over the runs.")

    def value(case, impl, index):
        v = medians.get((case, impl), (None, None, None))[index]
        return "na" if v is None else f"{v:.1f}"

    print(f"timer_error_ms_keel={value('v2-kill', 'keel', 2)} timer_error_ms_keepalived={value('v2-kill', 'keepalived', 2)} "
          f"gap_ms_keel={value('v2-kill', 'keel', 0)} gap_ms_keepalived={value('v2-kill', 'keepalived', 0)}")


if __name__ == "__main__":
    main()
