#!/usr/bin/env bash
# Issue 19's LDA comparison: stochastic VI of the generated LDA (examples/lda.vmodel, streamed from a
# long-format CSV) against scikit-learn's online LDA (LatentDirichletAllocation, learning_method =
# 'online', partial_fit over minibatches of its document-word matrix), same corpus, priors, batch size,
# tau0 and kappa, one thread each, one after the other on this machine; both sides' topics saved at
# the same wall-time checkpoints (UNIT, 2 UNIT, 4 UNIT seconds from the first step, set-up apart) and
# one evaluator (bench/svi/lda_heldout.py) gives the held-out per-word bound of every checkpoint.
#   bench/svi_lda.sh [--docs M] [--vocab V] [--topics K] [--batch B] [--unit SECONDS] [--threads T]
# Defaults: 200,000 documents, V = 20,000, K = 100 (the issue's), batch 128, tau0 10, kappa 0.7
# (scikit-learn's defaults), alpha = eta = 0.01 (= 1/K, scikit-learn's default priors), unit 60 s.
# Needs `mvn -q -DskipTests package` first and Debian's python3-sklearn; the corpus is written once
# under bench/out/svi/ (not committed; about 300 MB for the default size).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docs=200000; vocab=20000; topics=100; batch=128; unit=60; threads=1; tau0=10; kappa=0.7
while [[ $# -gt 0 ]]; do
  case "$1" in
    --docs) docs="$2"; shift 2 ;;
    --vocab) vocab="$2"; shift 2 ;;
    --topics) topics="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --unit) unit="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
prior=$(/usr/bin/python3 -c "print(1 / $topics)")
corpus="$here/bench/out/svi/lda-$docs-$vocab-$topics"
if [[ ! -s "$corpus/held.npz" ]]; then
  /usr/bin/python3 "$here/bench/svi/lda_corpus.py" "$corpus" --docs "$docs" --vocab "$vocab" --topics "$topics"
fi
run="$here/bench/out/svi/lda-run-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$run"
points=("$unit" "$(( 2 * unit ))" "$(( 4 * unit ))")
echo "== corpus $corpus: $docs documents, V = $vocab, K = $topics, alpha = eta = $prior, batch $batch," \
  "tau0 $tau0, kappa $kappa, $threads thread(s); checkpoints ${points[*]} s; output $run"
echo "== vmodel (stochastic VI, streamed from train.csv)"
java -Xmx4g -cp "$here/bench/target/classes:$here/bench/target/lib/*" dev.vmodel.bench.compare.LdaSvi \
  "$corpus/train.csv" "$run" "$topics" "$prior" "$prior" "$batch" "$tau0" "$kappa" "$threads" "${points[@]}" \
  | tee "$run/vmodel.txt"
echo "== scikit-learn (online LDA, partial_fit)"
OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads /usr/bin/python3 \
  "$here/bench/svi/lda_sklearn.py" "$corpus/train.npz" "$run" "$topics" "$prior" "$prior" "$batch" "$tau0" "$kappa" \
  "${points[@]}" | tee "$run/sklearn.txt"
echo "== held-out per-word bound (2,000 held-out documents; one E-step evaluator for both)"
files=()
for p in "${points[@]}"; do
  files+=("$run/vmodel-$p.npy" "$run/sklearn-$p.npy")
done
/usr/bin/python3 "$here/bench/svi/lda_heldout.py" "$corpus/held.npz" "$prior" "${files[@]}" | tee "$run/heldout.txt"
/usr/bin/python3 - "$run" "${points[@]}" <<'PY'
import re, sys
run, points = sys.argv[1], sys.argv[2:]
bound = {}
for line in open(f"{run}/heldout.txt"):
    f, b = line.split()
    bound[f.rsplit("/", 1)[1]] = float(b)
def steps(side):
    return {m.group(1): (m.group(2), m.group(3)) for m in
            re.finditer(r"checkpoint (\S+) s: \S+ s, (\d+) steps, (\d+) documents", open(f"{run}/{side}.txt").read())}
vs, ss = steps("vmodel"), steps("sklearn")
print()
print("| wall time | vmodel: steps, documents | vmodel bound per word | scikit-learn: steps, documents | scikit-learn bound per word | difference |")
print("|---|---|---|---|---|---|")
for p in points:
    v, s = bound[f"vmodel-{p}.npy"], bound[f"sklearn-{p}.npy"]
    print(f"| {p} s | {vs[p][0]}, {vs[p][1]} | {v:.4f} | {ss[p][0]}, {ss[p][1]} | {s:.4f} | {v - s:+.4f} |")
PY
