#!/usr/bin/env bash
# The hidden Markov model side by side with BayesPy (Debian's python3-bayespy): the generated
# examples/regime-switching.vmodel and BayesPy's CategoricalMarkovChain with Gaussian emissions,
# same data, priors, start (q(z) the chain with independent states of marginals r0) and update
# order, in one run. Prints, per size, the ELBO of both after each iteration, their largest
# relative difference, and the median seconds per iteration of each (vmodel on 1 thread and on
# all cores), as ratios.
#
#   bench/hmm_compare.sh            T = 10^3 (K = 3), 10^5 and 10^6 (K = 10), 5 iterations (about 8 minutes)
#   bench/hmm_compare.sh --quick    T = 10^3 and 10^5 only (about 1 minute)
#
# Options: --out DIR (default bench/out/hmm-<date>), --iters N, --no-build. Needs the README's
# set-up (Java 17+, Maven 3.8+) and python3-bayespy (installed with apt-get if missing, as root or
# with sudo). The method and one run's table are in docs/performance.md ("Hidden Markov models").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

quick=0
build=1
iters=5
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --iters) iters="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "hmm_compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
out="${out:-$here/out/hmm-$(date +%Y%m%d-%H%M%S)$([[ $quick == 1 ]] && echo -quick || true)}"
mkdir -p "$out"

sudo=""
if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
if ! /usr/bin/python3 -c 'import bayespy' 2>/dev/null; then
  echo "installing python3-bayespy (apt-get)" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-bayespy >&2
fi
if [[ $build == 1 ]]; then
  echo "building (mvn -q -DskipTests package)" >&2
  (cd "$root" && mvn -q -B -ntp -DskipTests package -pl bench -am >&2)
fi
cp="$here/target/classes:$here/target/lib/*"
java_cmd=(java -Xmx12g -cp "$cp" dev.vmodel.bench.compare.CompareMain)
py_cmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$here/hmm_bayespy.py")

cases=("1000 3" "100000 10")
if [[ $quick == 0 ]]; then cases+=("1000000 10"); fi
{
  echo "date: $(date -Iseconds); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "java: $(java -version 2>&1 | head -1); python: $(/usr/bin/python3 --version), bayespy $(/usr/bin/python3 -c 'import bayespy; print(bayespy.__version__)')"
  echo "vmodel: commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} | tee "$out/machine.txt" >&2
for c in "${cases[@]}"; do
  read -r t k <<<"$c"
  dir="$out/t$t-k$k"
  mkdir -p "$dir"
  echo "T = $t, K = $k" >&2
  "${java_cmd[@]}" hmm-data --t "$t" --k "$k" --seed 2 --out "$dir" 2>/dev/null
  "${java_cmd[@]}" hmm-fit --dir "$dir" --k "$k" --iters "$iters" --threads 1 > "$dir/vmodel1.json" 2> "$dir/vmodel1.log"
  "${java_cmd[@]}" hmm-fit --dir "$dir" --k "$k" --iters "$iters" --threads "$(nproc)" > "$dir/vmodel.json" 2> "$dir/vmodel.log"
  /usr/bin/time -v -o "$dir/bayespy.time" "${py_cmd[@]}" "$dir" "$k" "$iters" > "$dir/bayespy.json" 2> "$dir/bayespy.log"
done
/usr/bin/python3 - "$out" <<'PY' | tee "$out/table.md"
import glob, json, statistics, sys
out = sys.argv[1]
print("| T | K | iterations | max relative ELBO difference | BayesPy s/iter | vmodel s/iter (1 thread) | vmodel s/iter (all cores) | BayesPy / vmodel (1 thread) |")
print("|---|---|---|---|---|---|---|---|")
for d in sorted(glob.glob(out + "/t*-k*"), key=lambda p: int(p.rsplit("/t", 1)[-1].split("-")[0])):
    v1 = json.load(open(d + "/vmodel1.json"))
    v = json.load(open(d + "/vmodel.json"))
    b = json.load(open(d + "/bayespy.json"))
    diff = max(abs(x - y) / abs(y) for x, y in zip(v1["elbo_trace"], b["elbo_trace"]))
    # The median of the iterations after the first (the JIT warms up in the first).
    med = lambda r: statistics.median(r["iter_seconds"][1:] or r["iter_seconds"])
    print("| %d | %d | %d | %.1e | %.3f | %.4f | %.4f | %.0f |" % (
        v1["t"], v1["k"], v1["iters"], diff, med(b), med(v1), med(v), med(b) / med(v1)))
PY
