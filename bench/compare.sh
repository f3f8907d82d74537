#!/usr/bin/env bash
# Times the generated Gaussian mixture and LDA against scikit-learn on this machine, in one run.
#
#   bench/compare.sh            the full comparison (about 20 minutes on 2 cores)
#   bench/compare.sh --quick    smaller sizes and fewer iterations (about 2 minutes)
#
# Each vmodel fit runs twice with the same arguments: on one thread (vmodel1.*) and on $(nproc)
# threads (vmodel.*); sklearn runs with its default BLAS threads (sklearn.*) and one (sklearn1.*).
# Options: --out DIR (default bench/out/<date>), --iters T (GMM iterations), --lda-iters T
# (sklearn LDA iterations), --lda-vmodel-iters T (vmodel LDA sweeps: more than sklearn's, to see
# how many it needs to reach sklearn's bound), --no-build (use the existing bench/target), --no-ttb (skip
# the time-to-bound runs: each side's default fit, bound against wall time), --ttb-gmm "N D,N D" (their
# mixture sizes), --ttb-budget S (end vmodel's mixture fits after the first sweep past S seconds; default
# none, --quick: 20), --no-hmm (skip the hidden Markov model against BayesPy, bench/hmm_compare.sh). Needs the README's set-up (Java 17+, Maven 3.8+);
# installs Debian's python3-sklearn and GNU time if missing (apt-get, as root or with sudo).
# The method, and one run's table, are in docs/performance.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

quick=0
build=1
ttb=1
hmm=1
ttb_gmm_opt=()
ttb_budget=""
out=""
gmm_iters=""
lda_iters=""
lda_vmodel_iters=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --no-ttb) ttb=0 ;;
    --no-hmm) hmm=0 ;;
    --ttb-gmm) IFS=, read -r -a ttb_gmm_opt <<<"$2"; shift ;;
    --ttb-budget) ttb_budget="$2"; shift ;;
    --out) out="$2"; shift ;;
    --iters) gmm_iters="$2"; shift ;;
    --lda-iters) lda_iters="$2"; shift ;;
    --lda-vmodel-iters) lda_vmodel_iters="$2"; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [[ $quick == 1 ]]; then
  gmm_sizes=("1e4 2" "1e5 10")
  gmm_iters="${gmm_iters:-4}"
  lda_case="300 2000"
  lda_iters="${lda_iters:-4}"
  lda_vmodel_iters="${lda_vmodel_iters:-12}"
  ttb_gmm=("1e4 2" "1e5 10")
  ttb_budget="${ttb_budget:-20}"
  ttb_lda_iters=20
else
  gmm_sizes=("1e5 2" "1e5 10" "1e6 2" "1e6 10")
  gmm_iters="${gmm_iters:-8}"
  lda_case="2000 5000"
  lda_iters="${lda_iters:-10}"
  lda_vmodel_iters="${lda_vmodel_iters:-60}"
  ttb_gmm=("1e5 2" "1e5 10" "1e6 10")
  ttb_budget="${ttb_budget:-0}"
  ttb_lda_iters=50
fi
if [[ ${#ttb_gmm_opt[@]} -gt 0 ]]; then ttb_gmm=("${ttb_gmm_opt[@]}"); fi
# Time to bound (issue 15): each side's default fit, its bound after every iteration against wall
# time; LDA on 90 % of the documents (every 10th held out), eta = 0.05.
TTB_ETA=0.05
TTB_HOLDOUT=10
K=10
LDA_K=20
out="${out:-$here/out/$(date +%Y%m%d-%H%M%S)$([[ $quick == 1 ]] && echo -quick || true)}"
mkdir -p "$out"
rm -f "$out/cases"

# ------------------------------------------------------------------ set-up
sudo=""
if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
need=()
if ! /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then need+=(python3-sklearn); fi
if [[ ! -x /usr/bin/time ]]; then need+=(time); fi
if [[ ${#need[@]} -gt 0 ]]; then
  echo "installing ${need[*]} (apt-get)" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi

if [[ $build == 1 ]]; then
  echo "building (mvn -q -DskipTests package)" >&2
  (cd "$root" && mvn -q -B -ntp -DskipTests package -pl bench -am >&2)
fi
cp="$here/target/classes:$here/target/lib/*"
java_cmd=(java -cp "$cp" dev.vmodel.bench.compare.CompareMain)
# The Python run only: Debian's python3 (the default python3 may be another one without
# sklearn), without the OpenBLAS overrides that may be set for other tools on this machine.
py_cmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$here/compare.py")
# The same, with one BLAS thread: like for like with the single-threaded generated code.
py1_cmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 "$here/compare.py")

# The generated code's thread count for the second vmodel run (the first runs on one thread).
nthreads="$(nproc)"

# ------------------------------------------------------------------ the machine
mkdir -p "$out/generated"
cp "$here"/target/generated-sources/vmodel/dev/vmodel/bench/gen/*.java "$out/generated/"
{
  echo "date: $(date -Iseconds)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores," \
    "family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')" \
    "model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), $(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') MHz"
  echo "simd: $(grep -m1 flags /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f)$' | tr '\n' ' ')"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "python: $(/usr/bin/python3 --version), $(/usr/bin/python3 -c 'import sklearn, numpy, scipy; print("sklearn", sklearn.__version__, "numpy", numpy.__version__, "scipy", scipy.__version__)')"
  echo "blas: $(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 -c 'import numpy; from threadpoolctl import threadpool_info; print([(i["internal_api"], i.get("version"), i["num_threads"]) for i in threadpool_info()])' 2>/dev/null)"
  echo "java triad bandwidth: $("${java_cmd[@]}" stream)"
  echo "vmodel: commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)," \
    "$(git -C "$root" status --porcelain -- compiler runtime 2>/dev/null | wc -l) uncommitted files in compiler/ and runtime/;" \
    "generated sources sha256 $(cat "$here"/target/generated-sources/vmodel/dev/vmodel/bench/gen/*.java | sha256sum | cut -c1-12)" \
    "(copied to $out/generated)"
  echo "vmodel threads: 1 and $nthreads (--threads)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2

timed() { # timed FILE CMD... : runs CMD under /usr/bin/time -v into FILE, stdout to the caller
  local file="$1"; shift
  /usr/bin/time -v -o "$file" "$@"
}

vmodel_fit() { # vmodel_fit CASE_DIR ARGS... : CompareMain ARGS on one thread into CASE_DIR/vmodel1.*,
  # then on $nthreads threads into CASE_DIR/vmodel.* (what the table's ELBO checks read; LDA's
  # final q written to the data directory is then the second run's). On one core, vmodel.* is a copy.
  local case_dir="$1"; shift
  echo "   vmodel, 1 thread" >&2
  timed "$case_dir/vmodel1.time" "${java_cmd[@]}" "$@" --threads 1 \
    > "$case_dir/vmodel1.json" 2> "$case_dir/vmodel1.log" || { cat "$case_dir/vmodel1.log" >&2; exit 1; }
  if [[ $nthreads -gt 1 ]]; then
    echo "   vmodel, $nthreads threads" >&2
    timed "$case_dir/vmodel.time" "${java_cmd[@]}" "$@" --threads "$nthreads" \
      > "$case_dir/vmodel.json" 2> "$case_dir/vmodel.log" || { cat "$case_dir/vmodel.log" >&2; exit 1; }
  else
    local f
    for f in json time log; do cp "$case_dir/vmodel1.$f" "$case_dir/vmodel.$f"; done
  fi
}

sklearn_fit() { # sklearn_fit CASE_DIR ARGS... : compare.py ARGS with the default BLAS threads into
  # CASE_DIR/sklearn.*, then with one BLAS thread into CASE_DIR/sklearn1.*
  local case_dir="$1"; shift
  echo "   sklearn" >&2
  timed "$case_dir/sklearn.time" "${py_cmd[@]}" "$@" \
    > "$case_dir/sklearn.json" 2> "$case_dir/sklearn.log" || { cat "$case_dir/sklearn.log" >&2; exit 1; }
  echo "   sklearn, one BLAS thread" >&2
  timed "$case_dir/sklearn1.time" "${py1_cmd[@]}" "$@" \
    > "$case_dir/sklearn1.json" 2> "$case_dir/sklearn1.log" || { cat "$case_dir/sklearn1.log" >&2; exit 1; }
}

ttb_fit() { # ttb_fit CASE_DIR JAVA_ARGS... -- PY_ARGS... : the time-to-bound runs, each side on one
  # thread (vmodel1-ttb.*, sklearn1-ttb.*) and on all cores (vmodel-ttb.*, sklearn-ttb.*); LDA's fitted
  # q(phi) goes to CASE_DIR/<run>-lambda.npy
  local case_dir="$1"; shift
  local jargs=() pargs=() run
  while [[ $1 != -- ]]; do jargs+=("$1"); shift; done
  shift
  pargs=("$@")
  local lda=0
  [[ ${jargs[0]} == lda-ttb ]] && lda=1
  for run in vmodel1 vmodel sklearn1 sklearn; do
    local extra=()
    if [[ $lda == 1 ]]; then extra=(--out "$case_dir/$run-ttb"); fi
    echo "   $run" >&2
    case $run in
      vmodel1) "${java_cmd[@]}" "${jargs[@]}" --threads 1 "${extra[@]}" ;;
      vmodel) "${java_cmd[@]}" "${jargs[@]}" --threads "$nthreads" "${extra[@]}" ;;
      sklearn1) "${py1_cmd[@]}" "${pargs[@]}" "${extra[@]}" ;;
      sklearn) "${py_cmd[@]}" "${pargs[@]}" "${extra[@]}" ;;
    esac > "$case_dir/$run-ttb.json" 2> "$case_dir/$run-ttb.log" || { cat "$case_dir/$run-ttb.log" >&2; exit 1; }
  done
}

# ------------------------------------------------------------------ Gaussian mixture
for size in "${gmm_sizes[@]}"; do
  read -r n d <<<"$size"
  case_dir="$out/gmm-n$n-d$d"
  mkdir -p "$case_dir"
  # Iterations of N = 1e5 take 20-200 ms: 4x as many of them, so that the median is not one
  # scheduling hiccup of this 2-vCPU machine.
  iters=$gmm_iters
  if [[ $quick == 0 && $n == 1e5 ]]; then iters=$((gmm_iters * 4)); fi
  echo "== GMM N=$n D=$d K=$K, $iters iterations" >&2
  "${java_cmd[@]}" gmm-data --n "$n" --d "$d" --k "$K" --seed 42 --out "$case_dir/data"
  vmodel_fit "$case_dir" gmm-fit --dir "$case_dir/data" --k "$K" --iters "$iters"
  sklearn_fit "$case_dir" gmm --dir "$case_dir/data" --k "$K" --iters "$iters"
  if [[ $ttb == 1 && " ${ttb_gmm[*]/%/,} " == *" $n $d,"* ]]; then
    echo "== GMM N=$n D=$d K=$K: time to bound (default fits)" >&2
    ttb_fit "$case_dir" gmm-ttb --dir "$case_dir/data" --k "$K" --budget "$ttb_budget" -- gmm-ttb --dir "$case_dir/data" --k "$K"
  fi
  echo "gmm-n$n-d$d" >> "$out/cases"
  rm -rf "$case_dir/data"
done

# ------------------------------------------------------------------ LDA
read -r docs vocab <<<"$lda_case"
case_dir="$out/lda-d$docs-v$vocab"
mkdir -p "$case_dir"
echo "== LDA $docs documents, vocabulary $vocab, K=$LDA_K, $lda_iters iterations (vmodel: $lda_vmodel_iters)" >&2
"${java_cmd[@]}" lda-data --docs "$docs" --vocab "$vocab" --k "$LDA_K" --seed 7 --out "$case_dir/data"
vmodel_fit "$case_dir" lda-fit --dir "$case_dir/data" --k "$LDA_K" --iters "$lda_vmodel_iters"
sklearn_fit "$case_dir" lda --dir "$case_dir/data" --k "$LDA_K" --iters "$lda_iters"
if [[ $ttb == 1 ]]; then
  echo "== LDA: time to bound (default fits on 90 % of the documents, eta = $TTB_ETA)" >&2
  ttb_fit "$case_dir" lda-ttb --dir "$case_dir/data" --k "$LDA_K" --eta "$TTB_ETA" --holdout "$TTB_HOLDOUT" \
    -- lda-ttb --dir "$case_dir/data" --k "$LDA_K" --iters "$ttb_lda_iters" --eta "$TTB_ETA" --holdout "$TTB_HOLDOUT"
  "${py_cmd[@]}" lda-eval --dir "$case_dir/data" --case "$case_dir" --k "$LDA_K" --eta "$TTB_ETA" \
    --holdout "$TTB_HOLDOUT" > "$case_dir/lda-eval.json"
fi
echo "lda-d$docs-v$vocab" >> "$out/cases"
rm -rf "$case_dir/data"

# ------------------------------------------------------------------ hidden Markov model
if [[ $hmm == 1 ]]; then
  echo "== hidden Markov model against BayesPy (bench/hmm_compare.sh)" >&2
  "$here/hmm_compare.sh" --no-build --out "$out/hmm" $([[ $quick == 1 ]] && echo --quick || true) >&2
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt" >&2
echo >&2
{
  cat "$out/machine.txt"
  echo
  "${py_cmd[@]}" table "$out"
  if [[ -f "$out/hmm/table.md" ]]; then
    echo
    echo "Hidden Markov model, vmodel against BayesPy's CategoricalMarkovChain:"
    cat "$out/hmm/table.md"
  fi
} | tee "$out/table.txt"
echo "(results in $out)" >&2
