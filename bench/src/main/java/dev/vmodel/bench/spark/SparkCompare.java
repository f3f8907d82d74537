package dev.vmodel.bench.spark;

import static dev.vmodel.bench.compare.CompareMain.intOpt;
import static dev.vmodel.bench.compare.CompareMain.options;

import dev.vmodel.bench.data.Synthetic;
import dev.vmodel.bench.gen.GaussianMixture;
import dev.vmodel.bench.gen.LDA;
import dev.vmodel.runtime.SpecialFunctions;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitFit;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.split.SplitPart;
import dev.vmodel.spark.SparkFit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.clustering.GaussianMixtureModel;
import org.apache.spark.ml.clustering.LocalLDAModel;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.mllib.linalg.Matrices;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The Java side of bench/spark_compare.sh (issue 18's benchmark): vmodel on Spark ({@link SparkFit}) against
 * MLlib and against the single-JVM fit, on local[T]. Three subcommands, each one JVM:
 *
 * <pre>
 * gmm-data --n N --d D --k K --seed S --files F [--spread A] --out DIR
 *     a Gaussian mixture written by Spark as Parquet (one array&lt;double&gt; column x) in F files
 * gmm --data DIR --k K --iters M [--partitions P] [--threads T] [--mllib-base B] [--sample-rows R] [--seed S]
 *     (a) SparkFit of the generated GaussianMixture, (b) MLlib's GaussianMixture, (c) the single-JVM split fit
 *     of the same rows, M iterations each at tolerance 0; prints the table
 * lda --docs M --vocab V --k K [--min-len a --max-len b] [--holdout H] [--seed S] [--mllib-iters 5,10,...]
 *     [--sweeps S] [--partitions P] [--threads T] [--optimize-alpha true|false] [--vmodel-start default,sample,prior]
 *     MLlib's online LDA for increasing maxIter against SparkFit of the generated LDA, held-out bound of both
 * </pre>
 *
 * The tables go to stdout, Spark's log and progress to stderr.
 */
public final class SparkCompare {
  private SparkCompare() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: SparkCompare gmm-data|gmm|lda [--option value]...");
      System.exit(2);
    }
    Map<String, String> o = options(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "gmm-data" -> gmmData(o);
      case "gmm" -> gmm(o);
      case "lda" -> lda(o);
      default -> {
        System.err.println("unknown subcommand " + args[0]);
        System.exit(2);
      }
    }
  }

  static SparkSession session(int threads, int partitions) {
    SparkSession spark = SparkSession.builder().master("local[" + threads + "]").appName("vmodel spark_compare")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", Integer.toString(partitions))
        .config("spark.default.parallelism", Integer.toString(partitions))
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  // ================================================================ Gaussian mixture: data

  /**
   * N rows of a mixture of K Gaussians in D dimensions, drawn as {@link Synthetic#gaussianMixture} draws them
   * but with means uniform in [-spread, spread]^D (default 2, where Synthetic has 8: from a start fitted to a
   * sample, mixtures that far apart converge to the last bit in 3 sweeps, and a fit at tolerance 0 stops there;
   * covariances L L^T with L's diagonal in [0.5, 1.5] and N(0, 0.3^2) below it,
   * weights proportional to 1 + U(0, 1)), but in F independent seeded chunks, one per task and file.
   */
  static void gmmData(Map<String, String> o) throws IOException {
    long n = (long) Double.parseDouble(o.get("n"));
    int d = intOpt(o, "d");
    int k = intOpt(o, "k");
    long seed = Long.parseLong(o.getOrDefault("seed", "42"));
    int files = intOpt(o, "files");
    double spread = Double.parseDouble(o.getOrDefault("spread", "2"));
    String out = o.get("out");
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] means = new double[k][d];
    double[][][] chol = new double[k][d][d];
    double[] cum = new double[k];
    double total = 0;
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < d; i++) {
        means[c][i] = spread * (2 * rng.nextDouble() - 1);
        for (int j = 0; j < i; j++) {
          chol[c][i][j] = 0.3 * rng.nextGaussian();
        }
        chol[c][i][i] = 0.5 + rng.nextDouble();
      }
      total += 1 + rng.nextDouble();
      cum[c] = total;
    }
    double closest = Double.POSITIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      for (int e = 0; e < c; e++) {
        double s = 0;
        for (int i = 0; i < d; i++) {
          s += (means[c][i] - means[e][i]) * (means[c][i] - means[e][i]);
        }
        closest = Math.min(closest, Math.sqrt(s));
      }
    }
    long[] seeds = new long[files];
    for (int f = 0; f < files; f++) {
      seeds[f] = rng.nextLong();
    }
    double weights = total;
    SparkSession spark = session(2, files);
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> rows = jsc.parallelize(IntStream.range(0, files).boxed().toList(), files).flatMap(f -> {
      long from = n * f / files;
      long to = n * (f + 1) / files;
      SplittableRandom r = new SplittableRandom(seeds[f]);
      double[] e = new double[d];
      return new Iterator<Row>() {
        long at = from;

        @Override
        public boolean hasNext() {
          return at < to;
        }

        @Override
        public Row next() {
          if (at >= to) {
            throw new NoSuchElementException();
          }
          at++;
          int c = Synthetic.search(cum, r.nextDouble() * weights);
          for (int i = 0; i < d; i++) {
            e[i] = r.nextGaussian();
          }
          double[] x = new double[d];
          for (int i = 0; i < d; i++) {
            double v = means[c][i];
            for (int j = 0; j <= i; j++) {
              v += chol[c][i][j] * e[j];
            }
            x[i] = v;
          }
          return RowFactory.create(x, c);
        }
      };
    });
    StructType schema = new StructType()
        .add("x", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
        .add("component", DataTypes.IntegerType, false);
    spark.createDataFrame(rows, schema).write().mode("overwrite").parquet(out);
    System.err.printf(Locale.ROOT, "gmm-data: N=%d D=%d K=%d seed %d, means uniform in [-%s, %s]^D (closest two %.2f"
        + " apart): %d Parquet files in %s, %.1f s%n", n, d, k, seed, spread, spread, closest, files, out,
        (System.nanoTime() - t0) / 1e9);
    spark.stop();
  }

  // ================================================================ Gaussian mixture: the comparison

  static void gmm(Map<String, String> o) throws IOException {
    Path dir = Path.of(o.get("data"));
    int k = intOpt(o, "k");
    int iters = intOpt(o, "iters");
    int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
    int partitions = Integer.parseInt(o.getOrDefault("partitions", Integer.toString(4 * threads)));
    int base = Integer.parseInt(o.getOrDefault("mllib-base", "1"));
    int sampleRows = Integer.parseInt(o.getOrDefault("sample-rows", Integer.toString(SparkFit.Options.DEFAULT_SAMPLE_ROWS)));
    long seed = Long.parseLong(o.getOrDefault("seed", "1"));
    if (iters <= base || iters < 3) {
      throw new IllegalArgumentException("--iters must be at least 3 and above --mllib-base");
    }
    SparkSession spark = session(threads, partitions);

    // Files to partitions: each read partition takes files / partitions whole files (Spark packs files, largest
    // first, into partitions of at most maxPartitionBytes, counting openCostInBytes per file).
    List<Long> sizes;
    try (Stream<Path> s = Files.list(dir)) {
      sizes = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).map(p -> p.toFile().length()).toList();
    }
    long largest = sizes.stream().mapToLong(Long::longValue).max().orElseThrow();
    long openCost = 4L << 20;
    int perPartition = Math.max(1, (int) Math.ceil(sizes.size() / (double) partitions));
    spark.conf().set("spark.sql.files.openCostInBytes", Long.toString(openCost));
    spark.conf().set("spark.sql.files.maxPartitionBytes", Long.toString(perPartition * (largest + openCost)));
    Dataset<Row> data = spark.read().parquet(dir.toString()).select("x");
    int readPartitions = data.javaRDD().getNumPartitions();
    long n = data.count();
    long bytes = sizes.stream().mapToLong(Long::longValue).sum();
    List<Row> first = data.takeAsList(1);
    int d = first.get(0).getList(0).size();
    System.err.printf(Locale.ROOT, "gmm: %d rows, D=%d, %d files (%.0f MB), %d partitions%n", n, d, sizes.size(),
        bytes / 1e6, readPartitions);

    GaussianMixture model = GaussianMixture.builder().K(k).build();
    FitOptions opts = FitOptions.defaults().withMaxIterations(iters).withTolerance(0).withSeed(seed)
        .withThreads(threads);

    // ---- (a) vmodel on Spark. The start, as SparkFit makes it without start values: the fit of the first rows
    // (the driver's sample) alone, here outside SparkFit so that (c) starts from the same global factors.
    System.err.println("(a) vmodel on Spark");
    long s0 = System.nanoTime();
    double[][] sampleRowsX = toArray(data.takeAsList(sampleRows));
    SplitPart sample = model.part(Map.of("x", sampleRowsX));
    SplitFit.run(sample, SplitFit.inMemory(List.of(sample)), opts);
    double[] start = sample.globals().clone();
    double sampleSeconds = (System.nanoTime() - s0) / 1e9;
    Stamps a = new Stamps("    vmodel on Spark");
    long a0 = System.nanoTime();
    FitResult ra = SparkFit.fit(model, data, start, opts.withListener(a));
    double aTotal = (System.nanoTime() - a0) / 1e9;
    Timing ta = a.timing(a0, aTotal);

    // ---- (b) MLlib: the array column as an MLlib vector column, cached before timing
    System.err.println("(b) MLlib GaussianMixture");
    long c0 = System.nanoTime();
    Dataset<Row> vectors = data.select(org.apache.spark.ml.functions.array_to_vector(functions.col("x")).alias("features"))
        .cache();
    vectors.count();
    double cacheSeconds = (System.nanoTime() - c0) / 1e9;
    org.apache.spark.ml.clustering.GaussianMixture gm = new org.apache.spark.ml.clustering.GaussianMixture().setK(k)
        .setTol(0).setSeed(seed).setFeaturesCol("features");
    // warm-up (JIT, BLAS and class loading) on the first 100,000 rows, so that both timed fits run warm
    double warmUp = timeGmm(gm.setMaxIter(base), vectors.limit(100_000), null);
    double warmBase = timeGmm(gm.setMaxIter(base), vectors, null);
    GaussianMixtureModel[] mm = new GaussianMixtureModel[1];
    double mllibM = timeGmm(gm.setMaxIter(iters), vectors, mm);
    double mllibIter = (mllibM - warmBase) / (iters - base);
    double mllibSetup = warmBase - base * mllibIter;
    double mllibLl = mm[0].summary().logLikelihood();
    int mllibIterations = mm[0].summary().numIter();
    vectors.unpersist(true);

    // ---- (c) the single-JVM fit of the same rows: one part in memory holding them all, from (a)'s start
    System.err.println("(c) single JVM");
    long l0 = System.nanoTime();
    double[][] x = new double[Math.toIntExact(n)][];
    Iterator<Row> it = data.toLocalIterator();
    for (int i = 0; i < x.length; i++) {
      x[i] = toDoubles(it.next().getList(0));
    }
    double loadSeconds = (System.nanoTime() - l0) / 1e9;
    System.gc();
    // As in SparkFit, the driver's part (the global factors) holds the sample's rows, and one part in memory
    // holds every row, made with the driver's pinned model. (With every row in the driver's part too, its
    // result() would write every row's responsibilities to a posterior file and read them back.)
    Stamps c = new Stamps("    single JVM");
    long p0 = System.nanoTime();
    SplitPart driver = model.part(Map.of("x", sampleRowsX));
    SplitPart all = driver.pinned().part(Map.of("x", x));
    x = null;
    FitResult rc = SplitFit.run(driver, SplitFit.inMemory(List.of(all)), start, opts.withListener(c));
    double cTotal = (System.nanoTime() - p0) / 1e9;
    Timing tc = c.timing(p0, cTotal);

    double[] ea = ra.elboTrace();
    double[] ec = rc.elboTrace();
    double worst = 0;
    for (int i = 0; i < Math.min(ea.length, ec.length); i++) {
      worst = Math.max(worst, Math.abs(ea[i] - ec[i]) / Math.abs(ec[i]));
    }

    // ---- the table
    String rule = "-".repeat(118);
    System.out.printf(Locale.ROOT, "== Gaussian mixture  N=%d D=%d K=%d, local[%d], %d Parquet files (%.0f MB) read as %d"
        + " partitions, %d iterations each, tolerance 0%n", n, d, k, threads, sizes.size(), bytes / 1e6,
        readPartitions, iters);
    System.out.println(rule);
    System.out.printf(Locale.ROOT, "%-34s %12s %12s  %-34s %s%n", "", "s/iteration", "setup, s", "setup is",
        "final objective after " + iters + " it.");
    System.out.printf(Locale.ROOT, "%-34s %12.3f %12.2f  %-34s ELBO %.6e%n", "(a) vmodel on Spark (SparkFit)",
        ta.median, sampleSeconds + ta.setup, String.format(Locale.ROOT, "sample fit %.2f + parts, 1st pass %.2f",
            sampleSeconds, ta.setup), ea[ea.length - 1]);
    System.out.printf(Locale.ROOT, "%-34s %12.3f %12.2f  %-34s log-likelihood %.6e (%d it.)%n",
        "(b) MLlib GaussianMixture", mllibIter, mllibSetup, "its init (a pass), summary", mllibLl,
        mllibIterations);
    System.out.printf(Locale.ROOT, "%-34s %12.3f %12.2f  %-34s ELBO %.6e%n",
        "(c) vmodel single JVM, " + threads + " threads", tc.median, tc.setup, "part built, 1st pass", ec[ec.length - 1]);
    System.out.println(rule);
    System.out.printf(Locale.ROOT, "MLlib / vmodel on Spark, per iteration:        %.2fx%n", mllibIter / ta.median);
    System.out.printf(Locale.ROOT, "vmodel on Spark / single JVM, per iteration:   %.2fx%n", ta.median / tc.median);
    System.out.printf(Locale.ROOT, "whole fit, wall s: (a) %.1f (+ sample fit %.2f), (b) %d iterations %.1f, (c) %.1f"
        + " (+ rows to the driver %.1f, not counted)%n", aTotal, sampleSeconds, iters, mllibM, cTotal, loadSeconds);
    System.out.printf(Locale.ROOT, "MLlib's input: array_to_vector(x), cached: %.1f s (not counted); MLlib per"
        + " iteration = (fit(maxIter=%d) - fit(maxIter=%d)) / %d = (%.2f - %.2f) / %d, both warm (a fit(maxIter=%d)"
        + " of the first 100,000 rows ran first: %.2f s)%n", cacheSeconds, iters, base, iters - base, mllibM, warmBase,
        iters - base, base, warmUp);
    System.out.printf(Locale.ROOT, "vmodel s/iteration: median of sweeps 2..%d from the SweepListener's stamps;"
        + " (a) sweeps %s%n", iters, ta.sweeps());
    System.out.printf(Locale.ROOT, "                                                                (c) sweeps %s%n",
        tc.sweeps());
    System.out.printf(Locale.ROOT, "ELBO traces of (a) and (c), same start, differ by at most %.1e relative (sums in"
        + " another order)%n", worst);
    System.out.println("The ELBO (vmodel: the variational Bayes bound on ln p(x), every constant) and MLlib's"
        + " log-likelihood (maximum likelihood EM, ln p(x | parameters) at its point estimate) are different"
        + " objectives, not comparable; each side starts from its own initialisation.");
    System.out.flush();
    spark.stop();
  }

  private static double timeGmm(org.apache.spark.ml.clustering.GaussianMixture gm, Dataset<Row> data,
      GaussianMixtureModel[] out) {
    long t0 = System.nanoTime();
    GaussianMixtureModel m = gm.fit(data);
    double t = (System.nanoTime() - t0) / 1e9;
    System.err.printf(Locale.ROOT, "    MLlib fit(maxIter=%d): %.2f s, log-likelihood %.6e%n", gm.getMaxIter(), t,
        m.summary().logLikelihood());
    if (out != null) {
      out[0] = m;
    }
    return t;
  }

  private static double[][] toArray(List<Row> rows) {
    double[][] x = new double[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = toDoubles(rows.get(i).getList(0));
    }
    return x;
  }

  private static double[] toDoubles(List<Object> v) {
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) v.get(i)).doubleValue();
    }
    return out;
  }

  /** The wall clock at every sweep, from the SweepListener. */
  static final class Stamps implements dev.vmodel.runtime.fit.SweepListener {
    final String label;
    final List<Long> nanos = new ArrayList<>();
    final List<Double> elbos = new ArrayList<>();
    Runnable onSweep;

    Stamps(String label) {
      this.label = label;
    }

    @Override
    public void sweep(int restart, int iteration, double elbo) {
      nanos.add(System.nanoTime());
      elbos.add(elbo);
      if (onSweep != null) {
        onSweep.run();
      }
      System.err.printf(Locale.ROOT, "%s sweep %d: ELBO %.10g%n", label, iteration, elbo);
    }

    Timing timing(long start, double total) {
      double[] gaps = new double[nanos.size()];
      for (int i = 0; i < gaps.length; i++) {
        gaps[i] = (nanos.get(i) - (i == 0 ? start : nanos.get(i - 1))) / 1e9;
      }
      double median = median(Arrays.copyOfRange(gaps, 1, gaps.length));
      return new Timing(gaps, median, gaps[0] - median, total);
    }
  }

  /** Sweep gaps (the first from the call of fit), their median after the first, setup = first gap - median. */
  record Timing(double[] gaps, double median, double setup, double total) {
    String sweeps() {
      return Arrays.stream(gaps).mapToObj(g -> String.format(Locale.ROOT, "%.2f", g))
          .collect(Collectors.joining(" ", "[", "]"));
    }
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
  }

  // ================================================================ LDA

  /** A document as its distinct words and their counts. */
  record Doc(int[] words, double[] counts, int tokens) {}

  static Doc doc(int[] w, int from, int to, int vocab) {
    TreeMap<Integer, Integer> c = new TreeMap<>();
    for (int t = from; t < to; t++) {
      c.merge(w[t], 1, Integer::sum);
    }
    int[] words = c.keySet().stream().mapToInt(Integer::intValue).toArray();
    double[] counts = c.values().stream().mapToDouble(Integer::doubleValue).toArray();
    return new Doc(words, counts, to - from);
  }

  static void lda(Map<String, String> o) {
    int docs = intOpt(o, "docs");
    int vocab = intOpt(o, "vocab");
    int k = intOpt(o, "k");
    int minLen = Integer.parseInt(o.getOrDefault("min-len", "50"));
    int maxLen = Integer.parseInt(o.getOrDefault("max-len", "150"));
    int holdout = Integer.parseInt(o.getOrDefault("holdout", "10"));
    long seed = Long.parseLong(o.getOrDefault("seed", "7"));
    int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
    int partitions = Integer.parseInt(o.getOrDefault("partitions", Integer.toString(4 * threads)));
    int sweeps = Integer.parseInt(o.getOrDefault("sweeps", "40"));
    boolean optimizeAlpha = Boolean.parseBoolean(o.getOrDefault("optimize-alpha", "true"));
    String vmodelStart = o.getOrDefault("vmodel-start", "default,sample");  // of default, sample, prior
    int[] ladder = Arrays.stream(o.getOrDefault("mllib-iters", "5,10,20,40,80,160").split(","))
        .mapToInt(Integer::parseInt).toArray();
    double alpha = 1.0 / k;
    double eta = 1.0 / k;

    // ---- the corpus: documents d with d % holdout == 0 held out (the last document, which holds the last word
    // of the vocabulary, stays in training, so the vocabulary bound from the training tokens is V)
    Synthetic.Corpus corpus = Synthetic.lda(docs, vocab, k, minLen, maxLen, seed);
    int[] docOf = corpus.doc();
    int[] word = corpus.word();
    List<Doc> train = new ArrayList<>();
    List<Doc> held = new ArrayList<>();
    List<Row> tokens = new ArrayList<>();
    List<int[]> heldTokens = new ArrayList<>();
    for (int t = 0; t < docOf.length; ) {
      int m = docOf[t];
      int end = t;
      while (end < docOf.length && docOf[end] == m) {
        end++;
      }
      Doc dd = doc(word, t, end, vocab);
      if (m % holdout == 0) {
        held.add(dd);
        for (int u = t; u < end; u++) {
          heldTokens.add(new int[] {held.size() - 1, word[u]});
        }
      } else {
        train.add(dd);
        for (int u = t; u < end; u++) {
          tokens.add(RowFactory.create(m, word[u]));
        }
      }
      t = end;
    }
    long trainTokens = tokens.size();
    long heldTokenCount = heldTokens.size();

    SparkSession spark = session(threads, partitions);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    StructType tokenSchema = new StructType().add("doc", DataTypes.IntegerType, false).add("w", DataTypes.IntegerType,
        false);
    Dataset<Row> tokenFrame = spark.createDataFrame(jsc.parallelize(tokens, partitions), tokenSchema).cache();
    tokenFrame.count();
    StructType docSchema = new StructType().add("id", DataTypes.LongType, false).add("features", new VectorUDT(), false);
    List<Row> docRows = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      Doc dd = train.get(i);
      docRows.add(RowFactory.create((long) i, Vectors.sparse(vocab, dd.words(), dd.counts())));
    }
    Dataset<Row> docFrame = spark.createDataFrame(jsc.parallelize(docRows, partitions), docSchema).cache();
    docFrame.count();
    List<Tuple2<Long, org.apache.spark.mllib.linalg.Vector>> heldList = new ArrayList<>();
    List<Row> heldRows = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      Doc dd = held.get(i);
      heldList.add(new Tuple2<>((long) i, org.apache.spark.mllib.linalg.Vectors.sparse(vocab, dd.words(), dd.counts())));
      heldRows.add(RowFactory.create((long) i, Vectors.sparse(vocab, dd.words(), dd.counts())));
    }
    JavaPairRDD<Long, org.apache.spark.mllib.linalg.Vector> heldRdd = JavaPairRDD.fromJavaRDD(
        jsc.parallelize(heldList, partitions)).cache();
    heldRdd.count();
    System.err.printf(Locale.ROOT, "lda: %d training documents (%d tokens), %d held out (%d tokens), V=%d, K=%d%n",
        train.size(), trainTokens, held.size(), heldTokenCount, vocab, k);

    // ---- warm-up, untimed: each side fits the held-out documents briefly (JIT, Spark's first jobs)
    {
      Dataset<Row> heldTokenFrame = spark.createDataFrame(jsc.parallelize(heldTokens.stream()
          .map(r -> RowFactory.create(r[0], r[1])).toList(), partitions), tokenSchema);
      SparkFit.fit(LDA.builder().K(k).alpha(alpha).eta(eta).build(), heldTokenFrame,
          FitOptions.defaults().withMaxIterations(3).withThreads(threads));
      mllibLda(k, 3, alpha, eta, seed, optimizeAlpha).fit(spark.createDataFrame(heldRows, docSchema));
    }

    // ---- MLlib online LDA for increasing maxIter
    System.err.println("MLlib online LDA");
    // rows {maxIter, seconds, held-out bound, doc part, topic cosine, MLlib's own logPerplexity (negated), alpha mean}
    List<double[]> mllibRows = new ArrayList<>();
    for (int m : ladder) {
      org.apache.spark.ml.clustering.LDA lda = mllibLda(k, m, alpha, eta, seed, optimizeAlpha);
      long t0 = System.nanoTime();
      LocalLDAModel model = (LocalLDAModel) lda.fit(docFrame);
      double sec = (System.nanoTime() - t0) / 1e9;
      org.apache.spark.mllib.clustering.LocalLDAModel old = model.oldLocalModel();
      double[] lambda = old.topicsMatrix().toArray();  // V x K, column-major: lambda[k * V + v]
      double[] a = old.docConcentration().toArray();
      double bound = -old.logPerplexity(heldRdd);
      double[] mine = heldOutBound(lambda, k, vocab, a, old.topicConcentration(), held);
      double aMean = Arrays.stream(a).average().orElse(Double.NaN);
      double cosine = topicCosine(corpus.topics(), lambda, k, vocab);
      mllibRows.add(new double[] {m, sec, mine[0] + mine[1], mine[0], cosine, bound, aMean});
      System.err.printf(Locale.ROOT, "    MLlib maxIter=%d: %.2f s, held-out bound %.4f (its logPerplexity %.4f, doc part"
          + " %.4f), alpha mean %.4f, topic mass %.0f%n", m, sec, mine[0] + mine[1], bound, mine[0], aMean,
          Arrays.stream(lambda).sum());
    }

    // ---- vmodel on Spark: one fit per start, its global factors recorded after every sweep. V is set (SparkFit
    // would bind it from the tokens, to the same value), so that the prior start below has every size.
    LDA ldaModel = LDA.builder().K(k).V(vocab).alpha(alpha).eta(eta).build();
    FitOptions ldaOpts = FitOptions.defaults().withMaxIterations(sweeps).withSeed(seed).withThreads(threads);
    Held heldOut = new Held(held, heldTokens, heldRdd, corpus.topics(), k, vocab, alpha, eta);
    List<VmodelRun> runs = new ArrayList<>();
    // The parts' rows a start is computed on, as SparkFit's driver takes them: the first 10,000 tokens.
    Map<String, Object> first = new HashMap<>();
    List<Row> firstRows = tokenFrame.takeAsList(SparkFit.Options.DEFAULT_SAMPLE_ROWS);
    first.put("doc", firstRows.stream().mapToInt(r -> r.getInt(0)).toArray());
    first.put("w", firstRows.stream().mapToInt(r -> r.getInt(1)).toArray());
    dev.vmodel.runtime.split.SplitRows.renumberGroups(ldaModel, first);
    for (String which : vmodelStart.split(",")) {
      switch (which) {
        case "default" -> runs.add(vmodelLda("SparkFit's own start (no start values given)", ldaModel, tokenFrame,
            null, ldaOpts, heldOut));
        case "sample" -> {
          // the start SparkFit makes for models without a group column: the fit of the driver's sample alone
          // (here computed outside SparkFit, as the start of every model before it started LDA from its prior)
          long t0 = System.nanoTime();
          SplitPart p = ldaModel.part(first);
          SplitFit.run(p, SplitFit.inMemory(List.of(p)), ldaOpts);
          System.err.printf(Locale.ROOT, "    the sample's fit: %.2f s (not counted)%n", (System.nanoTime() - t0) / 1e9);
          runs.add(vmodelLda("a fit of the first " + SparkFit.Options.DEFAULT_SAMPLE_ROWS + " tokens ("
              + firstRows.stream().map(r -> r.getInt(0)).distinct().count() + " documents) alone, given as start"
              + " values", ldaModel, tokenFrame, p.globals().clone(), ldaOpts, heldOut));
        }
        case "prior" -> {
          // the generated fit's own start: q(phi) drawn around its prior (Gamma(100, 1/100) pseudo-counts), which
          // does not read the rows; the part only carries the sizes
          SplitPart p = ldaModel.part(first);
          p.start(seed, ldaOpts);
          runs.add(vmodelLda("the generated fit's start (q(phi) drawn around its prior), given as start values",
              ldaModel, tokenFrame, p.globals().clone(), ldaOpts, heldOut));
        }
        default -> throw new IllegalArgumentException("--vmodel-start: default, sample or prior, got " + which);
      }
    }

    // ---- the table
    String rule = "-".repeat(118);
    System.out.printf(Locale.ROOT, "== LDA  %d training documents (%d tokens), %d held out (every %dth, %d tokens),"
        + " V=%d, K=%d, alpha = eta = 1/K = %.3g, local[%d], %d partitions%n", train.size(), trainTokens, held.size(),
        holdout, heldTokenCount, vocab, k, alpha, threads, partitions);
    System.out.println("held-out bound: the bound MLlib's LocalLDAModel.logPerplexity negates (the held-out"
        + " documents' bound + the topics' E[ln p(phi) - ln q(phi)], over the held-out tokens), for both sides from"
        + " their q(phi) and alpha by the same code: each held-out document's q(theta), q(z) iterated to convergence"
        + " (mean change 1e-10) with q(phi) fixed; 'MLlib's code': logPerplexity itself (its E-step stops at a mean"
        + " change of 1e-3); doc part: the documents' bound alone, per held-out token; topic cosine: mean over the"
        + " true topics of the cosine with the best-matching fitted topic mean");
    System.out.println(rule);
    System.out.printf(Locale.ROOT, "MLlib online LDA (subsamplingRate 0.05, learningOffset 1024, learningDecay 0.51,"
        + " optimizeDocConcentration %s), a new fit per maxIter%n", optimizeAlpha);
    System.out.printf(Locale.ROOT, "  %8s %10s %16s %10s %14s %14s %12s%n", "maxIter", "fit, s", "held-out bound",
        "doc part", "topic cosine", "MLlib's code", "alpha mean");
    for (double[] r : mllibRows) {
      System.out.printf(Locale.ROOT, "  %8d %10.2f %16.4f %10.4f %14.4f %14.4f %12.4f%n", (int) r[0], r[1], r[2], r[3],
          r[4], r[5], r[6]);
    }
    double[] last = mllibRows.get(mllibRows.size() - 1);
    for (VmodelRun run : runs) {
      System.out.printf(Locale.ROOT, "vmodel LDA on Spark from %s: SparkFit, default tolerance 1e-8, local phase %d"
          + " rounds, at most %d sweeps; %s after %d sweeps, %.1f s; wall time from the call of fit%n", run.start,
          FitOptions.DEFAULT_LOCAL_ITERATIONS, sweeps, run.converged ? "converged" : "not converged", run.done,
          run.total);
      System.out.printf(Locale.ROOT, "  %8s %10s %16s %10s %14s %18s%n", "sweep", "wall, s", "held-out bound",
          "doc part", "topic cosine", "training ELBO");
      for (double[] r : run.rows) {
        System.out.printf(Locale.ROOT, "  %8d %10.2f %16.4f %10.4f %14.4f %18.6e%n", (int) r[0], r[1], r[3], r[4],
            r[5], r[2]);
      }
    }
    System.out.println(rule);
    for (VmodelRun run : runs) {
      System.out.println("vmodel from " + run.start + ":");
      summary("  held-out bound", mllibRows, 2, run.rows, 3, run.done);
      summary("  doc part", mllibRows, 3, run.rows, 4, run.done);
      System.out.printf(Locale.ROOT, "  final state: the recorded q(phi) %s the fit's result; its held-out bound"
          + " %.4f, by MLlib's code %.4f, by vmodel's own Result.predict (the held-out documents' ELBO with q(phi)"
          + " fixed, tolerance 1e-12) %.4f%n", run.sameState ? "is" : "is NOT", run.rows.get(run.rows.size() - 1)[3],
          run.mllibCode, run.predictBound);
    }
    System.out.printf(Locale.ROOT, "MLlib's final state: held-out bound %.4f, by its own logPerplexity %.4f%n", last[2],
        last[5]);
    System.out.flush();
    spark.stop();
  }

  /** The held-out documents and what the evaluation needs. */
  record Held(List<Doc> docs, List<int[]> tokens, JavaPairRDD<Long, org.apache.spark.mllib.linalg.Vector> rdd,
      double[][] topics, int k, int vocab, double alpha, double eta) {}

  /** One vmodel fit: rows {sweep, seconds, training ELBO, held-out bound, doc part, topic cosine}. */
  record VmodelRun(String start, List<double[]> rows, int done, double total, boolean converged, boolean sameState,
      double mllibCode, double predictBound) {}

  /**
   * SparkFit of the generated LDA from {@code start} (null: SparkFit's own start), the global factors recorded
   * after every sweep; then the held-out bound of some of the sweeps' q(phi).
   */
  static VmodelRun vmodelLda(String label, LDA model, Dataset<Row> tokens, double[] start, FitOptions options, Held h) {
    System.err.println("vmodel LDA on Spark from " + label);
    int k = h.k();
    int vocab = h.vocab();
    Recording rec = new Recording(model, new Recorder());
    Stamps st = new Stamps("    vmodel LDA on Spark");
    st.onSweep = rec.recorder::keep;
    long v0 = System.nanoTime();
    FitResult fitted = start == null ? SparkFit.fit(rec, tokens, options.withListener(st))
        : SparkFit.fit(rec, tokens, start, options.withListener(st));
    double vTotal = (System.nanoTime() - v0) / 1e9;
    SplitPart driver = rec.recorder.driver;
    int done = st.nanos.size();
    List<Integer> evaluate = new ArrayList<>();
    for (int s = 1; s <= done; s = s < 10 ? s + 1 : s < 20 ? s + 2 : s < 40 ? s + 4 : s + 10) {
      evaluate.add(s);
    }
    if (evaluate.get(evaluate.size() - 1) != done) {
      evaluate.add(done);
    }
    double[] av = new double[k];
    Arrays.fill(av, h.alpha());
    List<double[]> rows = new ArrayList<>();
    double[] lastLambda = null;
    for (int s : evaluate) {
      double sec = (st.nanos.get(s - 1) - v0) / 1e9;
      driver.globals(rec.recorder.kept.get(s - 1));
      LDA.Result r = (LDA.Result) driver.result(new double[] {st.elbos.get(s - 1)}, 1, false);
      double[] lambda = new double[k * vocab];
      for (int c = 0; c < k; c++) {
        System.arraycopy(r.phi(c).alpha(), 0, lambda, c * vocab, vocab);
      }
      double[] mine = heldOutBound(lambda, k, vocab, av, h.eta(), h.docs());
      double cosine = topicCosine(h.topics(), lambda, k, vocab);
      rows.add(new double[] {s, sec, st.elbos.get(s - 1), mine[0] + mine[1], mine[0], cosine});
      System.err.printf(Locale.ROOT, "    vmodel sweep %d: %.2f s, held-out bound %.4f (doc part %.4f), cosine %.4f%n",
          s, sec, mine[0] + mine[1], mine[0], cosine);
      lastLambda = lambda;
    }
    // MLlib's own logPerplexity on the final q(phi), as a check of the bound above
    double mllibCode = -new org.apache.spark.mllib.clustering.LocalLDAModel(Matrices.dense(vocab, k, lastLambda),
        org.apache.spark.mllib.linalg.Vectors.dense(av), h.eta(), 100).logPerplexity(h.rdd());
    // the final state checked three ways: the last snapshot is the fit's result; vmodel's own predict (the ELBO of
    // the held-out documents with q(phi) held fixed) against the converged bound
    boolean sameState = Arrays.equals(fitted.posteriors().get("phi").parameters().get("alpha"), lastLambda);
    int[] hd = h.tokens().stream().mapToInt(r -> r[0]).toArray();
    int[] hw = h.tokens().stream().mapToInt(r -> r[1]).toArray();
    double predictBound = ((LDA.Result) fitted).predict(new LDA.Data().doc(hd).w(hw),
        FitOptions.defaults().withThreads(options.threads()).withTolerance(1e-12)).posterior().elbo() / hd.length;
    return new VmodelRun(label, rows, done, vTotal, fitted.converged(), sameState, mllibCode, predictBound);
  }

  /**
   * Time to MLlib's final (and best, if another) value of one column, and each side's value at MLlib's final fit
   * time; mllib rows {maxIter, seconds, ...}, vmodel rows {sweep, seconds, ...}.
   */
  private static void summary(String what, List<double[]> mllib, int mi, List<double[]> vmodel, int vi, int done) {
    double[] last = mllib.get(mllib.size() - 1);
    double[] best = mllib.stream().max((p, q) -> Double.compare(p[mi], q[mi])).orElseThrow();
    for (double[] target : best == last ? List.of(last) : List.of(last, best)) {
      double[] reach = vmodel.stream().filter(r -> r[vi] >= target[mi]).findFirst().orElse(null);
      System.out.printf(Locale.ROOT, "%s: MLlib's %s %.4f (maxIter=%d, %.1f s): %s%n", what,
          target == last ? "final" : "best", target[mi], (int) target[0], target[1], reach == null
              ? "vmodel does not reach it in " + done + " sweeps (its best " + String.format(Locale.ROOT, "%.4f",
                  vmodel.stream().mapToDouble(r -> r[vi]).max().orElse(Double.NaN)) + ")"
              : String.format(Locale.ROOT, "vmodel reaches it at sweep %d, %.1f s (%.2fx MLlib's time; the first"
                  + " evaluated sweep at or above it)", (int) reach[0], reach[1], reach[1] / target[1]));
    }
    double[] atEqual = vmodel.stream().filter(r -> r[1] <= last[1]).reduce((p, q) -> q).orElse(null);
    System.out.printf(Locale.ROOT, "%s at MLlib's final fit time %.1f s: vmodel %s, MLlib %.4f%n", what, last[1],
        atEqual == null ? "- (no sweep yet)" : String.format(Locale.ROOT, "%.4f (sweep %d, %.1f s)", atEqual[vi],
            (int) atEqual[0], atEqual[1]), last[mi]);
  }

  /**
   * Mean over the true topics of the cosine similarity with the best-matching fitted topic mean lambda_k / sum(lambda_k)
   * (best match per true topic, not one-to-one), as bench/compare.py's topic_cosine.
   */
  static double topicCosine(double[][] truth, double[] lambda, int k, int v) {
    double total = 0;
    for (double[] t : truth) {
      double tn = Math.sqrt(Arrays.stream(t).map(x -> x * x).sum());
      double bestCos = -1;
      for (int c = 0; c < k; c++) {
        double dot = 0;
        double fn = 0;
        double sum = 0;
        for (int w = 0; w < v; w++) {
          sum += lambda[c * v + w];
        }
        for (int w = 0; w < v; w++) {
          double f = lambda[c * v + w] / sum;
          dot += f * t[w];
          fn += f * f;
        }
        bestCos = Math.max(bestCos, dot / (tn * Math.sqrt(fn)));
      }
      total += bestCos;
    }
    return total / truth.length;
  }

  static org.apache.spark.ml.clustering.LDA mllibLda(int k, int maxIter, double alpha, double eta, long seed,
      boolean optimizeAlpha) {
    return new org.apache.spark.ml.clustering.LDA().setK(k).setOptimizer("online").setMaxIter(maxIter)
        .setDocConcentration(alpha).setTopicConcentration(eta).setOptimizeDocConcentration(optimizeAlpha)
        .setSeed(seed).setFeaturesCol("features");
  }

  /**
   * LDA's bound on held-out documents with the topics q(phi_k) = Dirichlet(lambda_k) held fixed (Hoffman, Blei and
   * Bach 2010, eq. 3 and its E-step): each document's q(theta_d) = Dirichlet(gamma_d) and q(z_dn) by coordinate
   * ascent from gamma = alpha + N_d / K until the mean absolute change of gamma_d is below 1e-10, then
   * sum_w n_dw ln sum_k exp(E[ln theta_dk] + E[ln phi_kw]) + E[ln p(theta_d | alpha)] - E[ln q(theta_d)]. Returns
   * {documents' part, topics' part E[ln p(phi | eta)] - E[ln q(phi)]}, each per held-out token.
   *
   * @param lambda K x V, lambda[k * V + v]
   */
  static double[] heldOutBound(double[] lambda, int k, int v, double[] alpha, double eta, List<Doc> docs) {
    double[] eLnPhiT = new double[v * k];  // E[ln phi_kw], transposed: [w * K + k]
    double topics = 0;
    for (int c = 0; c < k; c++) {
      double sum = 0;
      for (int w = 0; w < v; w++) {
        sum += lambda[c * v + w];
      }
      double psiSum = SpecialFunctions.digamma(sum);
      for (int w = 0; w < v; w++) {
        double l = lambda[c * v + w];
        double e = SpecialFunctions.digamma(l) - psiSum;
        eLnPhiT[w * k + c] = e;
        topics += (eta - l) * e + SpecialFunctions.lnGamma(l) - SpecialFunctions.lnGamma(eta);
      }
      topics += SpecialFunctions.lnGamma(eta * v) - SpecialFunctions.lnGamma(sum);
    }
    double[] expPhiT = Arrays.stream(eLnPhiT).map(Math::exp).toArray();
    double alphaSum = Arrays.stream(alpha).sum();
    double lnGammaAlpha = Arrays.stream(alpha).map(SpecialFunctions::lnGamma).sum();
    double documents = docs.parallelStream().mapToDouble(dd -> {
      double[] gamma = new double[k];
      double[] next = new double[k];
      double[] eLnTheta = new double[k];
      double[] expTheta = new double[k];
      for (int c = 0; c < k; c++) {
        gamma[c] = alpha[c] + dd.tokens() / (double) k;
      }
      for (int it = 0; it < 100_000; it++) {
        dirichletExpectation(gamma, eLnTheta);
        for (int c = 0; c < k; c++) {
          expTheta[c] = Math.exp(eLnTheta[c]);
          next[c] = 0;
        }
        for (int j = 0; j < dd.words().length; j++) {
          int at = dd.words()[j] * k;
          double norm = 0;
          for (int c = 0; c < k; c++) {
            norm += expTheta[c] * expPhiT[at + c];
          }
          double ratio = dd.counts()[j] / norm;
          for (int c = 0; c < k; c++) {
            next[c] += ratio * expPhiT[at + c];
          }
        }
        double change = 0;
        for (int c = 0; c < k; c++) {
          next[c] = alpha[c] + expTheta[c] * next[c];
          change += Math.abs(next[c] - gamma[c]);
          gamma[c] = next[c];
        }
        if (change / k < 1e-10) {
          break;
        }
      }
      dirichletExpectation(gamma, eLnTheta);
      double b = 0;
      double[] terms = new double[k];
      for (int j = 0; j < dd.words().length; j++) {
        int at = dd.words()[j] * k;
        for (int c = 0; c < k; c++) {
          terms[c] = eLnTheta[c] + eLnPhiT[at + c];
        }
        b += dd.counts()[j] * SpecialFunctions.logSumExp(terms);
      }
      double gammaSum = 0;
      for (int c = 0; c < k; c++) {
        b += (alpha[c] - gamma[c]) * eLnTheta[c] + SpecialFunctions.lnGamma(gamma[c]);
        gammaSum += gamma[c];
      }
      return b - lnGammaAlpha + SpecialFunctions.lnGamma(alphaSum) - SpecialFunctions.lnGamma(gammaSum);
    }).sum();
    double tokens = docs.stream().mapToInt(Doc::tokens).sum();
    return new double[] {documents / tokens, topics / tokens};
  }

  private static void dirichletExpectation(double[] a, double[] out) {
    double sum = 0;
    for (double x : a) {
      sum += x;
    }
    double psi = SpecialFunctions.digamma(sum);
    for (int i = 0; i < a.length; i++) {
      out[i] = SpecialFunctions.digamma(a[i]) - psi;
    }
  }

  /**
   * Where the driver's part of a split fit is, and its global factors after the latest sweep: the ELBO call of a
   * sweep snapshots them, the SweepListener right after it keeps the snapshot (the start's own fit of the
   * driver's sample, which has no listener, leaves no trace).
   */
  static final class Recorder {
    SplitPart driver;
    double[] latest;
    final List<double[]> kept = new ArrayList<>();

    void keep() {
      kept.add(latest);
    }
  }

  /**
   * A generated model whose driver's part records its global factors after every sweep: the part {@link SparkFit}
   * makes on the driver is this wrapper's; every executor's part is the generated one ({@link SplitPart#pinned}
   * returns the generated model, which is what is sent to them).
   */
  static final class Recording implements SplitModel {
    private static final long serialVersionUID = 1L;
    final SplitModel inner;
    final transient Recorder recorder;

    Recording(SplitModel inner, Recorder recorder) {
      this.inner = inner;
      this.recorder = recorder;
    }

    @Override
    public List<Column> columns() {
      return inner.columns();
    }

    @Override
    public SplitModel withSizes(Map<String, Integer> sizes) {
      return new Recording(inner.withSizes(sizes), recorder);
    }

    @Override
    public SplitPart part(Map<String, Object> arrays) {
      SplitPart p = inner.part(arrays);
      recorder.driver = p;
      return new SplitPart() {
        @Override
        public double[] globals() {
          return p.globals();
        }

        @Override
        public void globals(double[] values) {
          p.globals(values);
        }

        @Override
        public double[] start(long seed, FitOptions options) {
          return p.start(seed, options);
        }

        @Override
        public double[] localPass() {
          return p.localPass();
        }

        @Override
        public double[] localStart() {
          return p.localStart();
        }

        @Override
        public void statistics(double[] summed) {
          p.statistics(summed);
        }

        @Override
        public void updateGlobals() {
          p.updateGlobals();
        }

        @Override
        public double elbo(int sweep) {
          double e = p.elbo(sweep);
          recorder.latest = p.globals();
          return e;
        }

        @Override
        public SplitModel pinned() {
          return p.pinned();
        }

        @Override
        public long rows() {
          return p.rows();
        }

        @Override
        public FitResult result(double[] trace, int iterations, boolean converged) {
          return p.result(trace, iterations, converged);
        }
      };
    }
  }
}
