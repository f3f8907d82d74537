#!/usr/bin/env bash
# Issue 18's benchmark: vmodel on Spark (SparkFit, local mode) against MLlib and against the single-JVM
# fit, on the same data and machine, one after the other in one run.
#
#   bench/spark_compare.sh            N = 10^7 Gaussian mixture, then LDA (about 15 minutes on 2 cores,
#                                     plus about 2 the first time, to write the mixture's Parquet files)
#   bench/spark_compare.sh --quick    N = 10^6 and a smaller LDA (about 4 minutes)
#
# Gaussian mixture (D = 10, K = 10): written once by Spark as Parquet (one array<double> column x, --files
# files) under bench/out/spark/data/ and reused; read as --partitions partitions. Timed in one JVM:
# (a) SparkFit of the generated GaussianMixture (K = 10), --iters iterations at tolerance 0, per iteration
# from a SweepListener's stamps (median after the first sweep), setup (the start's fit of the driver's
# sample, parts built, first pass) apart; (b) MLlib's GaussianMixture on array_to_vector(x), cached before
# timing: (fit(maxIter = M) - fit(maxIter = 1)) / (M - 1) per iteration, warm; (c) the single-JVM split fit
# (one part holding every row, --threads threads) of the same rows from the same start as (a).
# LDA: a synthetic corpus (--lda-docs documents, V = --lda-vocab, K = --lda-k, 50-150 tokens per
# document), every 10th document held out; MLlib's online LDA for increasing maxIter (a fit each) and
# SparkFit of the generated LDA with its global factors recorded after every sweep, from SparkFit's own start
# and from a fit of the driver's sample (--lda-start: of default, sample, prior); the held-out bound of both
# sides by one converged E-step, checked against MLlib's logPerplexity itself.
#
# Options: --quick, --n N (mixture rows; default 1e7, --quick 1e6), --iters M (10), --threads T (local[T],
# default 2), --partitions P (4 x T), --files F (16), --xmx SIZE (the JVM's heap = Spark's driver and
# executor memory in local mode; default 12g), --no-build (use the existing bench/target), --no-gmm,
# --no-lda, --lda-docs M (20000; --quick 5000), --lda-vocab V (5000), --lda-k K (20), --lda-sweeps S (40),
# --lda-mllib-iters LIST (5,10,20,40,80,160; --quick 5,10,20,40), --lda-fixed-alpha (MLlib's
# optimizeDocConcentration off; default on, MLlib's default), --lda-start LIST (default,sample),
# --out DIR (bench/out/spark/<date>).
# Needs Java 17.0.11+ and Maven (the README's set-up); installs GNU time if missing (apt-get).
# The tables go to stdout and DIR/{gmm,lda}.txt; Spark's log, progress and /usr/bin/time -v to DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

quick=0
build=1
do_gmm=1
do_lda=1
n=""
iters=10
threads=2
partitions=""
files=16
xmx=12g
out=""
lda_docs=""
lda_vocab=5000
lda_k=20
lda_sweeps=40
lda_ladder=""
lda_alpha=true
lda_start=default,sample
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --no-gmm) do_gmm=0 ;;
    --no-lda) do_lda=0 ;;
    --n) n="$2"; shift ;;
    --iters) iters="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --partitions) partitions="$2"; shift ;;
    --files) files="$2"; shift ;;
    --xmx) xmx="$2"; shift ;;
    --out) out="$2"; shift ;;
    --lda-docs) lda_docs="$2"; shift ;;
    --lda-vocab) lda_vocab="$2"; shift ;;
    --lda-k) lda_k="$2"; shift ;;
    --lda-sweeps) lda_sweeps="$2"; shift ;;
    --lda-mllib-iters) lda_ladder="$2"; shift ;;
    --lda-fixed-alpha) lda_alpha=false ;;
    --lda-start) lda_start="$2"; shift ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "spark_compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ $quick == 1 ]]; then
  n="${n:-1e6}"
  lda_docs="${lda_docs:-5000}"
  lda_ladder="${lda_ladder:-5,10,20,40}"
else
  n="${n:-1e7}"
  lda_docs="${lda_docs:-20000}"
  lda_ladder="${lda_ladder:-5,10,20,40,80,160}"
fi
partitions="${partitions:-$((4 * threads))}"
n_int="$(awk -v n="$n" 'BEGIN { printf "%d", n }')"
out="${out:-$here/out/spark/$(date +%Y%m%d-%H%M%S)$([[ $quick == 1 ]] && echo -quick || true)}"
data="$here/out/spark/data/gmm-n$n_int-d10-k10-seed42-f$files.parquet"
mkdir -p "$out"

if [[ ! -x /usr/bin/time ]]; then
  sudo=""
  if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
  echo "installing GNU time (apt-get)" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >&2
fi
if [[ $build == 1 ]]; then
  echo "building (mvn -q -DskipTests package -pl bench -am)" >&2
  (cd "$root" && mvn -q -B -ntp -DskipTests package -pl bench -am >&2)
fi

# The JVM flags Spark needs on Java 17, as spark/pom.xml's spark.jvm.flags (and Spark's own launcher) give them.
spark_flags=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true)
export SPARK_LOCAL_IP=127.0.0.1
java_cmd=(java "-Xmx$xmx" "${spark_flags[@]}" -cp "$here/target/classes:$here/target/lib/*"
  dev.vmodel.bench.spark.SparkCompare)

{
  echo "date: $(date -Iseconds)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}'), JVM heap -Xmx$xmx"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "spark: $(ls "$here"/target/lib | sed -n 's/^spark-core_2.13-\(.*\)\.jar$/\1/p'), local[$threads], $partitions partitions"
  echo "vmodel: commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2

timed() { # timed NAME CMD... : CMD under /usr/bin/time -v; stdout to $out/NAME.txt and the terminal
  local name="$1"; shift
  local t0=$SECONDS
  if ! /usr/bin/time -v -o "$out/$name.time" "$@" 2> "$out/$name.log" | tee "$out/$name.txt"; then
    tail -n 40 "$out/$name.log" >&2
    exit 1
  fi
  local rss
  rss="$(awk -F': ' '/Maximum resident set size/ {printf "%.2f", $2 / 1048576}' "$out/$name.time")"
  echo "($name: $((SECONDS - t0)) s wall, peak RSS $rss GB)" | tee -a "$out/$name.txt"
}

if [[ $do_gmm == 1 ]]; then
  if [[ ! -f "$data/_SUCCESS" ]]; then
    avail="$(df -Pk "$here/out" | awk 'NR == 2 {print $4}')"
    need=$(( n_int / 1024 * 100 + 1048576 ))  # KB: about 80 bytes a row, and 1 GB to spare
    if (( avail < need )); then
      echo "spark_compare.sh: $(( avail / 1024 )) MB free under $here/out, need about $(( need / 1024 )) MB" >&2
      exit 1
    fi
    echo "== writing the mixture's data: N=$n D=10 K=10, $files Parquet files, $data" >&2
    mkdir -p "$(dirname "$data")"
    rm -rf "$data"
    "${java_cmd[@]}" gmm-data --n "$n" --d 10 --k 10 --seed 42 --files "$files" --out "$data" \
      2> "$out/gmm-data.log" || { tail -n 40 "$out/gmm-data.log" >&2; exit 1; }
    grep '^gmm-data' "$out/gmm-data.log" >&2
  fi
  echo "== Gaussian mixture: (a) vmodel on Spark, (b) MLlib, (c) single JVM" >&2
  timed gmm "${java_cmd[@]}" gmm --data "$data" --k 10 --iters "$iters" --threads "$threads" \
    --partitions "$partitions"
fi

if [[ $do_lda == 1 ]]; then
  echo "== LDA: MLlib online LDA for maxIter in $lda_ladder, vmodel on Spark up to $lda_sweeps sweeps" >&2
  timed lda "${java_cmd[@]}" lda --docs "$lda_docs" --vocab "$lda_vocab" --k "$lda_k" --threads "$threads" \
    --partitions "$partitions" --sweeps "$lda_sweeps" --mllib-iters "$lda_ladder" --optimize-alpha "$lda_alpha" \
    --vmodel-start "$lda_start"
fi
echo "results in $out" >&2
