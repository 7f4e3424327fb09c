#!/usr/bin/env bash
# startup.sh [--runs N] [--build DIR] — how long qm takes to start, measured with hyperfine
# in one run beside two peers: `lua5.4 -e ''` (the Lua interpreter doing nothing) and
# `sqlite3 :memory: ''` (SQLite's shell doing nothing). Cases:
#   qm_check          qm check models/kik/kik.lua                   (target: under 4 ms)
#   qm_report         the demo konsensusrapport (round 2025-aeblet)  (target: under 6 ms)
#   qm_check_source   qm check with QM_STDLIB_PATH: the stdlib compiled from source, as
#                     before it was embedded as bytecode (for comparison; no target)
# Prints a table, then one machine-readable line per measurement:
#   bench=startup case=NAME median_ms=.. mean_ms=.. sd_ms=.. min_ms=.. cpu_ms=.. runs=..
#     maxrss_kb=.. instructions=.. [lua_ratio=.. sqlite_ratio=.. lua_instruction_ratio=..
#     target_ms=.. within_target=yes|no]
# Wall-clock times; cpu_ms is user + system time (mean). Ratios and targets use the median
# wall time: the machine may be shared, and hyperfine runs in rounds so that a busy spell
# hits every command alike. `instructions` (valgrind, one run) does not depend on how busy
# the machine is. qm_check_source runs through env(1) (about 0.3 ms more).
# Installs lua5.4, sqlite3, hyperfine, time and valgrind when missing (setup.sh --bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=300
build="$root/build"
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) echo "usage: bench/startup.sh [--runs N] [--build DIR]" >&2; exit 2 ;;
  esac
done

"$root/scripts/setup.sh" --bench
"$root/scripts/build.sh" "$build" >&2
qm="$build/qm"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qm-startup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# the demo database, made as scripts/demo.sh makes it (deterministic)
db="$tmp/kik.db"
round=2025-aeblet
"$qm" run "$root/models/kik/demo_data.lua" --db "$db" --write >/dev/null
kik="$root/models/kik/kik.lua"
report=("$qm" run "$kik" --db "$db" --report konsensusrapport --round "$round")
# each command must work before it is timed
"${report[@]}" >"$tmp/report.txt"
grep -q "Runde $round" "$tmp/report.txt" || { echo "startup: the konsensusrapport lacks its round" >&2; exit 1; }
"$qm" check "$kik" >/dev/null

q() { printf '%q ' "$@"; }   # one command line (hyperfine -N splits it like a shell)
names=(lua5.4 sqlite3 qm_check qm_report qm_check_source)
declare -A cmd=(
  [lua5.4]="lua5.4 -e ''"
  [sqlite3]="sqlite3 :memory: ''"
  [qm_check]="$(q "$qm" check "$kik")"
  [qm_report]="$(q "${report[@]}")"
  [qm_check_source]="env QM_STDLIB_PATH=$(q "$root/stdlib") $(q "$qm" check "$kik")"
)
# in rounds, so that a busy spell of the (shared) machine hits every command alike
rounds=5
args=()
for n in "${names[@]}"; do args+=(-n "$n" "${cmd[$n]}"); done
for ((i = 1; i <= rounds; i++)); do
  hyperfine -N --style none --warmup 5 --runs $(((runs + rounds - 1) / rounds)) \
    --export-json "$tmp/main$i.json" "${args[@]}" >&2
done

# one run of each: peak memory (maximum resident set, GNU time) and the instructions it
# executes (valgrind; the same on a busy machine as on an idle one)
for n in "${names[@]}"; do
  eval "/usr/bin/time -f %M -o $(q "$tmp/rss") ${cmd[$n]}" >/dev/null
  eval "valgrind --trace-children=yes --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null ${cmd[$n]}" \
    2>"$tmp/vg" >/dev/null
  echo "$n $(cat "$tmp/rss") $(sed -n 's/.*I *refs: *//p' "$tmp/vg" | tail -1 | tr -d ,)"
done >"$tmp/once"

python3 - "$tmp/once" "$tmp"/main*.json <<'PY'
import json, statistics, sys
once = {l.split()[0]: l.split()[1:] for l in open(sys.argv[1])}
by = {}
for f in sys.argv[2:]:
    for r in json.load(open(f))["results"]:
        b = by.setdefault(r["command"], {"times": [], "cpu": []})
        b["times"] += r["times"]
        b["cpu"] += [u + s for u, s in zip(r["user"], r["system"])] if "user" in r and isinstance(r["user"], list) \
            else [r["user"] + r["system"]] * len(r["times"])
targets = {"qm_check": 4.0, "qm_report": 6.0}
stat = {}
for name, b in by.items():
    t = [x * 1000 for x in b["times"]]
    stat[name] = dict(median=statistics.median(t), mean=statistics.mean(t),
                      sd=statistics.stdev(t) if len(t) > 1 else 0.0, min=min(t), runs=len(t),
                      cpu=statistics.mean(b["cpu"]) * 1000)
lua, sqlite = stat["lua5.4"], stat["sqlite3"]
ins = {n: int(v[1]) for n, v in once.items()}
print(f"{'case':<16} {'median':>8} {'min':>7} {'cpu':>7} {'× lua':>6} {'× sqlite':>8} {'instr.':>7} "
      f"{'× lua':>6} {'max RSS':>8}  target (median)")
lines = []
for name in ["lua5.4", "sqlite3", "qm_check", "qm_report", "qm_check_source"]:
    s = stat[name]
    fields = [f"bench=startup case={name}"] + [f"{k}_ms={s[k]:.3f}" for k in ("median", "mean", "sd", "min", "cpu")]
    fields += [f"runs={s['runs']}", f"maxrss_kb={once[name][0]}", f"instructions={ins[name]}"]
    target = ""
    if name.startswith("qm"):
        fields += [f"lua_ratio={s['median'] / lua['median']:.2f}", f"sqlite_ratio={s['median'] / sqlite['median']:.2f}",
                   f"lua_instruction_ratio={ins[name] / ins['lua5.4']:.2f}"]
        if name in targets:
            ok = "yes" if s["median"] < targets[name] else "no"
            fields += [f"target_ms={targets[name]:g}", f"within_target={ok}"]
            target = f"< {targets[name]:g} ms: {ok}"
    print(f"{name:<16} {s['median']:>6.2f}ms {s['min']:>5.2f}ms {s['cpu']:>5.2f}ms "
          f"{s['median'] / lua['median']:>6.2f} {s['median'] / sqlite['median']:>8.2f} {ins[name] / 1e6:>6.1f}M "
          f"{ins[name] / ins['lua5.4']:>6.1f} {int(once[name][0]) / 1024:>6.1f}MB  {target}")
    lines.append(" ".join(fields))
print()
print("\n".join(lines))
PY
