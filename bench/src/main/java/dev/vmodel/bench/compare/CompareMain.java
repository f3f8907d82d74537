package dev.vmodel.bench.compare;

import dev.vmodel.bench.data.Npy;
import dev.vmodel.bench.data.Synthetic;
import dev.vmodel.bench.gen.GaussianMixture;
import dev.vmodel.bench.gen.LDA;
import dev.vmodel.bench.harness.GeneratedState;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Java side of bench/compare.sh. Each subcommand is one process, so that /usr/bin/time
 * measures the fit alone:
 *
 * <pre>
 * gmm-data --n N --d D --k K --seed S --out DIR     x.npy (N x D float64), labels.npy (k-means, int32)
 * gmm-fit  --dir DIR --k K --iters T [--init kmeans|generated] [--threads T]
 * lda-data --docs M --vocab V --k K --seed S --out DIR   doc.npy, w.npy (int32 per token), r0.npy (T x K)
 * lda-fit  --dir DIR --k K --iters T [--init r0|generated] [--threads T]
 * gmm-ttb  --dir DIR --k K [--threads T] [--budget S]   time to bound: the generated fit with its defaults
 *                                                    (ended after the first sweep past S seconds, if given)
 * lda-ttb  --dir DIR --k K --eta E [--holdout H] [--threads T] [--out PREFIX]   the same for LDA on the
 *                                                    documents d with d % H != H - 1; writes PREFIX-lambda.npy
 *                                                    (q(phi), K x V) and PREFIX-theta.npy (q(theta), D x K)
 * stream                                             single-thread memory bandwidth (triad)
 * hmm-data, hmm-fit                                 the hidden Markov model (see {@link HmmCompare})
 * gmm-profile --n N --d D --k K --iters T [--threads 1,2]   per-update times of the generated
 *                                                    code vs the fused reference (see {@link Profile})
 * </pre>
 *
 * The fits print one JSON object on the last line of stdout: per-iteration seconds (sweep, ELBO,
 * both), the ELBO trace, the initialisation used. Progress goes to stderr.
 */
public final class CompareMain {
  private CompareMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: CompareMain gmm-data|gmm-fit|lda-data|lda-fit|stream [--option value]...");
      System.exit(2);
    }
    Map<String, String> o = options(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "gmm-data" -> gmmData(o);
      case "gmm-fit" -> gmmFit(o);
      case "lda-data" -> ldaData(o);
      case "lda-fit" -> ldaFit(o);
      case "gmm-ttb" -> gmmTtb(o);
      case "lda-ttb" -> ldaTtb(o);
      case "stream" -> stream();
      case "gmm-profile" -> Profile.gmm(o);
      case "hmm-data" -> HmmCompare.data(o);
      case "hmm-fit" -> HmmCompare.fit(o);
      default -> {
        System.err.println("unknown subcommand " + args[0]);
        System.exit(2);
      }
    }
  }

  // ---------------------------------------------------------------- Gaussian mixture

  /** Hypers of the comparison, as in examples/gaussian-mixture.vmodel (alpha0, beta0 defaults; nu0 = D, m0 = 0, W0 = I). */
  static final double ALPHA0 = 0.001;
  static final double BETA0 = 1.0;

  static void gmmData(Map<String, String> o) throws IOException {
    int n = intOpt(o, "n");
    int d = intOpt(o, "d");
    int k = intOpt(o, "k");
    long seed = Long.parseLong(o.getOrDefault("seed", "42"));
    Path out = Files.createDirectories(Path.of(o.get("out")));
    long t0 = System.nanoTime();
    double[][] x = Synthetic.gaussianMixture(n, d, k, seed);
    int[] labels = Synthetic.kmeansLabels(x, k, Integer.parseInt(o.getOrDefault("lloyd", "10")), seed + 1);
    Npy.writeDoubles(out.resolve("x.npy"), x);
    Npy.writeInts(out.resolve("labels.npy"), labels);
    int[] count = new int[k];
    for (int l : labels) {
      count[l]++;
    }
    System.err.printf(Locale.ROOT, "gmm data N=%d D=%d K=%d in %.1f s; k-means cluster sizes %s%n", n, d, k,
        (System.nanoTime() - t0) / 1e9, Arrays.toString(count));
  }

  static void gmmFit(Map<String, String> o) throws IOException {
    Path dir = Path.of(o.get("dir"));
    int k = intOpt(o, "k");
    int iters = intOpt(o, "iters");
    String initMode = o.getOrDefault("init", "kmeans");
    long t0 = System.nanoTime();
    double[][] x = Npy.readDoubleRows(dir.resolve("x.npy"));
    int d = x[0].length;
    GaussianMixture model = gmmModel(k, d);
    GaussianMixture.Data data = new GaussianMixture.Data().x(x);
    double load = (System.nanoTime() - t0) / 1e9;
    Run run;
    if (initMode.equals("kmeans")) {
      double[] r0 = Synthetic.oneHot(Npy.readInts(dir.resolve("labels.npy")), k);
      run = bySweeps(GeneratedState.of(model, data), "z", r0, iters, threads(o));
    } else {
      run = byFit(iters, threads(o), opts -> model.fit(data, opts));
    }
    run.print("vmodel-gmm", load, Map.of("n", x.length, "d", d, "k", k), initMode);
  }

  // ---------------------------------------------------------------- LDA

  /** Hypers of examples/lda.vmodel. */
  static final double ALPHA = 0.1;
  static final double ETA = 0.01;

  static void ldaData(Map<String, String> o) throws IOException {
    int docs = intOpt(o, "docs");
    int vocab = intOpt(o, "vocab");
    int k = intOpt(o, "k");
    int minLen = Integer.parseInt(o.getOrDefault("min-len", "50"));
    int maxLen = Integer.parseInt(o.getOrDefault("max-len", "150"));
    long seed = Long.parseLong(o.getOrDefault("seed", "7"));
    Path out = Files.createDirectories(Path.of(o.get("out")));
    Synthetic.Corpus c = Synthetic.lda(docs, vocab, k, minLen, maxLen, seed);
    Npy.writeInts(out.resolve("doc.npy"), c.doc());
    Npy.writeInts(out.resolve("w.npy"), c.word());
    Npy.writeDoubles(out.resolve("r0.npy"), Synthetic.randomResponsibilities(c.tokens(), k, seed + 1), c.tokens(), k);
    Npy.writeDoubles(out.resolve("topics.npy"), c.topics());
    System.err.printf(Locale.ROOT, "lda corpus: %d documents, vocabulary %d, %d tokens%n", docs, vocab, c.tokens());
  }

  static void ldaFit(Map<String, String> o) throws IOException {
    Path dir = Path.of(o.get("dir"));
    int k = intOpt(o, "k");
    int iters = intOpt(o, "iters");
    String initMode = o.getOrDefault("init", "r0");
    long t0 = System.nanoTime();
    int[] doc = Npy.readInts(dir.resolve("doc.npy"));
    int[] w = Npy.readInts(dir.resolve("w.npy"));
    int docs = Arrays.stream(doc).max().orElse(-1) + 1;
    int vocab = Arrays.stream(w).max().orElse(-1) + 1;
    LDA model = LDA.builder().K(k).D(docs).V(vocab).alpha(ALPHA).eta(ETA).build();
    LDA.Data data = new LDA.Data().doc(doc).w(w);
    double load = (System.nanoTime() - t0) / 1e9;
    Run run;
    if (initMode.equals("r0")) {
      double[] r0 = Npy.readDoubles(dir.resolve("r0.npy"));
      GeneratedState s = GeneratedState.of(model, data);
      run = bySweeps(s, "z", r0, iters, threads(o));
      // The final q(theta) and q(phi), for compare.py to evaluate sklearn's bound formula on them.
      Npy.writeDoubles(dir.resolve("vmodel-theta-alpha.npy"), s.doubles("qThetaAlpha"), docs, k);
      Npy.writeDoubles(dir.resolve("vmodel-phi-alpha.npy"), s.doubles("qPhiAlpha"), k, vocab);
    } else {
      run = byFit(iters, threads(o), opts -> model.fit(data, opts));
    }
    run.print("vmodel-lda", load, Map.of("documents", docs, "vocabulary", vocab, "tokens", doc.length, "k", k), initMode);
  }

  // ---------------------------------------------------------------- time to bound

  /** The mixture of both GMM fits: K components in D dimensions, the bench's priors (m0 = 0, W0 = I, nu0 = D). */
  static GaussianMixture gmmModel(int k, int d) {
    double[][] w0 = new double[d][d];
    for (int i = 0; i < d; i++) {
      w0[i][i] = 1.0;
    }
    return GaussianMixture.builder().K(k).alpha0(ALPHA0).beta0(BETA0).nu0(d).m0(new double[d]).W0(w0).build();
  }

  /**
   * The generated Gaussian mixture as a user runs it: {@code fit} with {@link FitOptions#defaults()}
   * (its initialisation, tolerance and iteration limit) but for the thread count, with the wall
   * time of every sweep since the start of {@code fit} (so the data copy and the initialisation count).
   */
  static void gmmTtb(Map<String, String> o) throws IOException {
    Path dir = Path.of(o.get("dir"));
    int k = intOpt(o, "k");
    double[][] x = Npy.readDoubleRows(dir.resolve("x.npy"));
    int d = x[0].length;
    GaussianMixture model = gmmModel(k, d);
    GaussianMixture.Data data = new GaussianMixture.Data().x(x);
    Curve c = curve(threads(o), Double.parseDouble(o.getOrDefault("budget", "0")), opts -> model.fit(data, opts));
    c.print("vmodel-gmm-ttb", Map.of("n", x.length, "d", d, "k", k), "");
  }

  /**
   * The generated LDA as a user runs it (see {@link #gmmTtb}) on the documents d with
   * d % holdout != holdout - 1 (renumbered in order; the others are held out), eta from
   * {@code --eta}. Writes the fitted q(phi) and q(theta) Dirichlet parameters for compare.py.
   */
  static void ldaTtb(Map<String, String> o) throws IOException {
    Path dir = Path.of(o.get("dir"));
    int k = intOpt(o, "k");
    double eta = Double.parseDouble(o.getOrDefault("eta", Double.toString(ETA)));
    int holdout = intOpt(o, "holdout");
    int[] docAll = Npy.readInts(dir.resolve("doc.npy"));
    int[] wAll = Npy.readInts(dir.resolve("w.npy"));
    int vocab = Arrays.stream(wAll).max().orElse(-1) + 1;
    int tokens = 0;
    for (int dd : docAll) {
      tokens += keep(dd, holdout) ? 1 : 0;
    }
    int[] doc = new int[tokens];
    int[] w = new int[tokens];
    for (int t = 0, j = 0; t < docAll.length; t++) {
      if (keep(docAll[t], holdout)) {
        doc[j] = docAll[t] - (holdout > 0 ? docAll[t] / holdout : 0);  // renumbered: held-out ones removed
        w[j++] = wAll[t];
      }
    }
    int docs = doc[tokens - 1] + 1;
    LDA model = LDA.builder().K(k).D(docs).V(vocab).alpha(ALPHA).eta(eta).build();
    LDA.Data data = new LDA.Data().doc(doc).w(w);
    Curve[] keepCurve = new Curve[1];
    LDA.Result[] result = new LDA.Result[1];
    keepCurve[0] = curve(threads(o), 0, opts -> result[0] = model.fit(data, opts));
    String prefix = o.get("out");
    if (prefix != null) {
      double[][] lambda = new double[k][];
      for (int c = 0; c < k; c++) {
        lambda[c] = result[0].phi(c).alpha();
      }
      double[][] theta = new double[docs][];
      for (int m = 0; m < docs; m++) {
        theta[m] = result[0].theta(m).alpha();
      }
      Npy.writeDoubles(Path.of(prefix + "-lambda.npy"), lambda);
      Npy.writeDoubles(Path.of(prefix + "-theta.npy"), theta);
    }
    keepCurve[0].print("vmodel-lda-ttb", Map.of("documents", docs, "vocabulary", vocab, "tokens", tokens, "k", k,
        "holdout", holdout), String.format(Locale.ROOT, ", \"eta\": %s", eta));
  }

  private static boolean keep(int doc, int holdout) {
    return holdout <= 0 || doc % holdout != holdout - 1;
  }

  /** One default fit: the ELBO after every sweep and the wall seconds from the call of fit to it. */
  record Curve(double[] seconds, double[] elbo, double fitSeconds, boolean converged, int threads) {
    void print(String impl, Map<String, Integer> sizes, String extra) {
      StringBuilder b = new StringBuilder();
      b.append("{\"impl\": \"").append(impl).append("\"");
      sizes.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> b.append(", \"").append(e.getKey()).append("\": ").append(e.getValue()));
      FitOptions d = FitOptions.defaults();
      b.append(", \"threads\": ").append(threads);
      b.append(", \"tolerance\": ").append(d.tolerance());
      b.append(", \"max_iterations\": ").append(d.maxIterations());
      b.append(", \"init\": \"").append(d.init()).append("\"");
      b.append(", \"converged\": ").append(converged);
      b.append(", \"fit_seconds\": ").append(num(fitSeconds));
      b.append(", \"seconds\": ").append(array(seconds));
      b.append(", \"elbo_trace\": ").append(array(elbo));
      b.append(extra).append("}");
      System.out.println(b);
    }
  }

  /** Thrown by the listener to end a fit at the time budget (the fit's result is then not needed). */
  private static final class Budget extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Budget() {
      super(null, null, false, false);
    }
  }

  /**
   * The default fit on {@code nThreads} threads; with {@code budget} seconds (0: none) the fit is ended
   * after the first sweep past it (the curve up to there is kept; the result is then null).
   */
  static Curve curve(int nThreads, double budget, java.util.function.Function<FitOptions, FitResult> fit) {
    List<Double> seconds = new ArrayList<>();
    List<Double> elbos = new ArrayList<>();
    long[] start = new long[1];
    FitOptions opts = FitOptions.defaults().withThreads(nThreads).withListener((restart, it, e) -> {
      double t = (System.nanoTime() - start[0]) / 1e9;
      seconds.add(t);
      elbos.add(e);
      if (it <= 20 || it % 10 == 0) {
        System.err.printf(Locale.ROOT, "  sweep %d: %.3f s, ELBO %.10g%n", it, t, e);
      }
      if (budget > 0 && t > budget) {
        throw new Budget();
      }
    });
    if (FitOptions.defaults().restarts() != 1) {
      throw new IllegalStateException("time to bound assumes one start; the default has " + FitOptions.defaults().restarts());
    }
    start[0] = System.nanoTime();
    boolean converged;
    try {
      converged = fit.apply(opts).converged();
    } catch (Budget b) {
      converged = false;
      System.err.printf(Locale.ROOT, "  stopped at the time budget of %s s%n", budget);
    }
    double total = (System.nanoTime() - start[0]) / 1e9;
    return new Curve(seconds.stream().mapToDouble(Double::doubleValue).toArray(),
        elbos.stream().mapToDouble(Double::doubleValue).toArray(), total, converged, nThreads);
  }

  // ---------------------------------------------------------------- timing

  /** Per-iteration timings and the ELBO trace of one fit. */
  record Run(double[] sweep, double[] elbo, double[] iteration, double[] cpu, double[] trace, int threads) {
    void print(String impl, double load, Map<String, Integer> sizes, String init) {
      StringBuilder b = new StringBuilder();
      b.append("{\"impl\": \"").append(impl).append("\", \"init\": \"").append(init).append("\"");
      sizes.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> b.append(", \"").append(e.getKey()).append("\": ").append(e.getValue()));
      b.append(", \"iters\": ").append(trace.length);
      b.append(", \"threads\": ").append(threads);
      b.append(", \"load_seconds\": ").append(num(load));
      b.append(", \"sweep_seconds\": ").append(array(sweep));
      b.append(", \"elbo_seconds\": ").append(array(elbo));
      b.append(", \"iter_seconds\": ").append(array(iteration));
      b.append(", \"iter_cpu_seconds\": ").append(array(cpu));
      b.append(", \"elbo_trace\": ").append(array(trace));
      b.append(", \"elbo\": ").append(num(trace[trace.length - 1]));
      b.append(", \"java\": \"").append(System.getProperty("java.vm.name")).append(' ')
          .append(System.getProperty("java.version")).append("\"");
      b.append(", \"max_heap_mb\": ").append(Runtime.getRuntime().maxMemory() >> 20);
      b.append("}");
      System.out.println(b);
    }
  }

  /** Sweep by sweep on the generated State, from the given responsibilities of {@code latent}. */
  static Run bySweeps(GeneratedState s, String latent, double[] r0, int iters, int nThreads) {
    s.init(0, nThreads);
    s.setResponsibilities(latent, r0);
    double[] sweep = new double[iters];
    double[] elbo = new double[iters];
    double[] iteration = new double[iters];
    double[] cpu = new double[iters];
    double[] trace = new double[iters];
    for (int it = 0; it < iters; it++) {
      long c0 = processCpuNanos();
      long a = System.nanoTime();
      s.sweep();
      long b = System.nanoTime();
      trace[it] = s.elbo();
      long c = System.nanoTime();
      cpu[it] = (processCpuNanos() - c0) / 1e9;
      sweep[it] = (b - a) / 1e9;
      elbo[it] = (c - b) / 1e9;
      iteration[it] = (c - a) / 1e9;
      System.err.printf(Locale.ROOT, "  sweep %d: %.3f s + ELBO %.3f s, ELBO %.10g%n", it + 1, sweep[it], elbo[it], trace[it]);
    }
    return new Run(sweep, elbo, iteration, cpu, trace, nThreads);
  }

  /** CPU time of the whole process (all threads: the generated row loops run on a pool). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static int threads(Map<String, String> o) {
    return Integer.parseInt(o.getOrDefault("threads", "1"));
  }

  /** Through the public API: fit with tolerance 0, timing the gaps between the sweep listener's calls. */
  static Run byFit(int iters, int nThreads, java.util.function.Function<FitOptions, FitResult> fit) {
    List<Long> stamps = new ArrayList<>();
    stamps.add(System.nanoTime());
    FitOptions opts = FitOptions.defaults().withTolerance(0).withMaxIterations(iters).withSeed(0).withThreads(nThreads)
        .withListener((restart, it, e) -> stamps.add(System.nanoTime()));
    FitResult r = fit.apply(opts);
    // a fit may stop before iters sweeps (an ELBO that no longer changes at all)
    iters = stamps.size() - 1;
    double[] iteration = new double[iters];
    for (int i = 0; i < iters; i++) {
      iteration[i] = (stamps.get(i + 1) - stamps.get(i)) / 1e9;
    }
    // The first gap also holds the data copy and the initialisation.
    double[] none = new double[iters];
    Arrays.fill(none, Double.NaN);
    return new Run(none, none, iteration, none, r.elboTrace(), nThreads);
  }

  // ---------------------------------------------------------------- machine

  /** STREAM-like triad a = b + s c on 3 x 128 MiB arrays, one thread; best of 10, in GB/s (24 bytes per element). */
  static void stream() {
    int n = 16 << 20;
    double[] a = new double[n];
    double[] b = new double[n];
    double[] c = new double[n];
    Arrays.fill(b, 1.0);
    Arrays.fill(c, 2.0);
    double best = Double.POSITIVE_INFINITY;
    for (int rep = 0; rep < 10; rep++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        a[i] = b[i] + 3.0 * c[i];
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      b[rep] = a[rep];
    }
    System.out.printf(Locale.ROOT, "{\"triad_gb_per_s\": %.2f}%n", 24.0 * n / best / 1e9);
  }

  // ---------------------------------------------------------------- helpers

  /** {@code --name value} pairs by name (every bench main's arguments). */
  public static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value, got " + String.join(" ", args));
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    return o;
  }

  /** A required integer option (given as any number: 1e6). */
  public static int intOpt(Map<String, String> o, String name) {
    String v = o.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return (int) Double.parseDouble(v);
  }

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  private static String array(double[] v) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ", ").append(num(v[i]));
    }
    return b.append(']').toString();
  }
}
