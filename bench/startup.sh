#!/usr/bin/env bash
# Start-up of a small fit: median wall time of `bin/vmodel fit examples/coin.vmodel`, cold (an
# empty cache directory before every run: no compiled classes, no class-data archive) and warm
# (the cache filled by one run before), over N runs each, for one or more built checkouts.
# Runs of the checkouts are interleaved, so that a change in the machine's load hits all alike.
#   bench/startup.sh [-n N] [CHECKOUT...]      (default: N = 10, this checkout)
# Needs /usr/bin/time (Debian package `time`). See docs/performance.md, "Start-up of a small fit".
set -euo pipefail
n=10
if [[ "${1:-}" == -n ]]; then
  n="$2"
  shift 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
roots=("$@")
[[ ${#roots[@]} -gt 0 ]] || roots=("$here")
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run CHECKOUT CACHE-HOME TIMES-FILE: one fit, its wall time appended to TIMES-FILE
run() {
  (cd "$1" && XDG_CACHE_HOME="$2" /usr/bin/time -f %e -a -o "$3" bin/vmodel fit examples/coin.vmodel \
    >/dev/null 2>&1)
}

for i in "${!roots[@]}"; do
  run "${roots[$i]}" "$work/warm-$i" "$work/fill-$i"
done
for ((k = 0; k < n; k++)); do
  for i in "${!roots[@]}"; do
    run "${roots[$i]}" "$work/warm-$i" "$work/warm-times-$i"
    rm -rf "$work/cold-$i"
    run "${roots[$i]}" "$work/cold-$i" "$work/cold-times-$i"
  done
done

median() {
  sort -n "$1" | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
echo "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
for i in "${!roots[@]}"; do
  echo "${roots[$i]}"
  echo "  cold: median $(median "$work/cold-times-$i") s of $n  [$(sort -n "$work/cold-times-$i" | tr '\n' ' ')]"
  echo "  warm: median $(median "$work/warm-times-$i") s of $n  [$(sort -n "$work/warm-times-$i" | tr '\n' ' ')]"
done
