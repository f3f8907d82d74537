#!/usr/bin/env bash
# Issue 19's streaming check: a Gaussian mixture (D = 10, K = 10) on N rows (default 5e7, about 4.5 GB
# of CSV, several times the heap) fitted by stochastic VI from the file with -Xmx1g, one epoch; its
# ELBO per row against the batch fit of the first SUB rows (default 1e7) in memory. Prints the
# peak RSS (GNU time), rows per second and both bounds per row.
#   bench/svi_stream.sh [--n N] [--sub SUB] [--batch B] [--epochs E]
# Needs `mvn -q -DskipTests package` first; data are cached under bench/out/svi (not committed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n=50000000; sub=10000000; batch=10000; epochs=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --n) n="$2"; shift 2 ;;
    --sub) sub="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
out="$here/bench/out/svi"; mkdir -p "$out"
big="$out/gmm-$n.csv"; small="$out/gmm-$n-first-$sub.csv"
if [[ ! -s "$big" ]]; then
  echo "generating $big"; java "$here/bench/svi/GmmCsv.java" "$n" 10 10 19 "$big.tmp" && mv "$big.tmp" "$big"
fi
if [[ ! -s "$small" ]]; then head -n $((sub + 1)) "$big" > "$small"; fi
ls -l "$big" "$small"
model="$here/examples/gaussian-mixture.vmodel"
echo "== stochastic VI, -Xmx1g, streamed from $big"
VMODEL_CDS=off VMODEL_OPTS="-Xmx1g" /usr/bin/time -v "$here/bin/vmodel" fit "$model" --svi --data "$big" --set K=10 \
  --batch-size "$batch" --epochs "$epochs" --no-cache --out "$out/svi-$n.json" 2> "$out/svi-$n.err" | sed -n '1,3p'
grep -E 'vmodel fit --svi|^epoch|Maximum resident|Elapsed' "$out/svi-$n.err"
echo "== batch fit of the first $sub rows in memory"
# no --out: the posterior JSON would hold the responsibilities of every row
VMODEL_CDS=off VMODEL_OPTS="-Xmx14g" /usr/bin/time -v "$here/bin/vmodel" fit "$model" --data "$small" --set K=10 \
  --tol 1e-7 --iters 300 --no-cache > "$out/batch-$sub.txt" 2> "$out/batch-$sub.err"
sed -n '1,2p' "$out/batch-$sub.txt"
grep -E 'Maximum resident|Elapsed' "$out/batch-$sub.err"
/usr/bin/python3 - "$out/svi-$n.json" "$n" "$out/batch-$sub.txt" "$sub" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))
b = float(re.search(r"ELBO = (-?[0-9.]+)", open(sys.argv[3]).read()).group(1))
ps, pb = s["elbo"] / float(sys.argv[2]), b / float(sys.argv[4])
print(f"ELBO per row: stochastic VI {ps:.6f} (N = {sys.argv[2]}), batch {pb:.6f} (first {sys.argv[4]} rows);"
      f" relative difference {abs(ps - pb) / abs(pb):.4%}")
PY
