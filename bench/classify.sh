#!/usr/bin/env bash
# Classification side by side: vmodel's variational fits of bench/models/*.vmodel (logistic and
# softmax regression with ARD priors, Poisson regression) against scikit-learn's
# LogisticRegression / LogisticRegressionCV and against long MCMC runs of the same models (JAGS;
# for breast cancer also HMC in numpy), on breast cancer, iris and two simulated data sets.
#
#   bench/classify.sh            the full run (about 6 minutes on 2 cores)
#   bench/classify.sh --quick    short MCMC runs (about 2 minutes; not enough for the MCMC lines)
#
# Options: --out DIR (default bench/out/classify-<date>), --no-build (use the existing CLI build),
# --repeats R (timed runs of sklearn and vmodel, medians; default 5), --cases a,b (of
# breast-cancer, iris, sim-logistic, sim-poisson), --no-jags; the rest goes to bench/classify.py
# (--help). Needs the README's set-up (Java 17+, Maven 3.8+), Debian's python3-sklearn and jags
# (installed with apt-get if missing, as root or with sudo). The method and one run's table are
# in bench/classify.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

build=1
out=""
pass=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=0 ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) pass+=("$1") ;;
  esac
  shift
done
quick=0
for a in "${pass[@]+"${pass[@]}"}"; do [[ $a == --quick ]] && quick=1; done
out="${out:-$here/out/classify-$(date +%Y%m%d-%H%M%S)$([[ $quick == 1 ]] && echo -quick || true)}"
mkdir -p "$out"

sudo=""
if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
need=()
if ! /usr/bin/python3 -c 'import sklearn, scipy' 2>/dev/null; then need+=(python3-sklearn python3-scipy); fi
if [[ ! -x /usr/bin/jags ]]; then need+=(jags); fi
if [[ ${#need[@]} -gt 0 ]]; then
  echo "installing ${need[*]} (apt-get)" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi

if [[ $build == 1 ]]; then
  echo "building the CLI (mvn -q -DskipTests package -pl cli -am)" >&2
  (cd "$root" && mvn -q -B -ntp -DskipTests package -pl cli -am >&2)
fi

{
  echo "date: $(date -Iseconds)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "python: $(/usr/bin/python3 --version), $(/usr/bin/python3 -c 'import sklearn, numpy, scipy; print("sklearn", sklearn.__version__, "numpy", numpy.__version__, "scipy", scipy.__version__)')"
  jags_banner="$(/usr/bin/jags < /dev/null 2>&1 || true)"
  [[ $jags_banner =~ JAGS\ [0-9.]+ ]] && echo "jags: ${BASH_REMATCH[0]}" || echo "jags: unknown"
  echo "vmodel: commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2

# Debian's python3 (the default python3 may be another one without sklearn), without the
# OpenBLAS overrides that may be set for other tools on this machine.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$here/classify.py" --out "$out" \
  "${pass[@]+"${pass[@]}"}" > "$out/table-only.txt"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt" >&2
echo >&2
{ cat "$out/machine.txt"; echo; cat "$out/table-only.txt"; } | tee "$out/table.txt"
rm -f "$out/table-only.txt"
echo "(results in $out)" >&2
