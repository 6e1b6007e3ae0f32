#!/bin/bash
# Compares `scanlens render` of several builds on one Trivy JSON file: runs them interleaved
# (A B C, A B C, ...) so that a slow minute of the machine weighs on each alike, and prints per
# build the median, min and max wall time and the peak RSS.
#
#   RUNS=7 xtask/scripts/compare-render.sh INPUT.json BIN [BIN ...]
#
# The input: `SCANLENS_BENCH_SAVE=FILE cargo bench -p scanlens --bench render` saves the
# benchmark's 100,000-finding report. Builds of older commits: `git worktree add` and
# `cargo build --release -p scanlens` in each, with its own target folder (a shared one reuses
# the other checkout's compiled crates).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: RUNS=7 $0 INPUT.json BIN [BIN ...]" >&2; exit 2; }
in=$1; shift
runs=${RUNS:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq "$runs"); do
  for n in $(seq $#); do
    bin=${!n}
    sync
    /usr/bin/time -f "%e %M" -o "$work/t" "$bin" render "$in" --out "$work/out" >/dev/null 2>&1 \
      || { echo "$bin failed on $in" >&2; exit 1; }
    cat "$work/t" >> "$work/times-$n"
    rm -rf "$work/out"
  done
done
for n in $(seq $#); do
  sort -n "$work/times-$n" | awk -v name="${!n}" '
    { t[NR] = $1; if ($2 > m) m = $2 }
    END { printf "%-40s median %.2f s  min %.2f  max %.2f  peak RSS %d MB  (%d runs)\n",
          name, t[int((NR + 1) / 2)], t[1], t[NR], m / 1024, NR }'
done
