package dev.vmodel.bench.compare;

import dev.vmodel.bench.data.Npy;
import dev.vmodel.bench.gen.RegimeSwitching;
import dev.vmodel.runtime.fit.FitOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Java side of bench/hmm_compare.sh: the generated hidden Markov model
 * (examples/regime-switching.vmodel) against BayesPy's {@code CategoricalMarkovChain}.
 *
 * <pre>
 * hmm-data --t T --k K --seed S --out DIR   x.npy (T float64, a sticky K-state chain with means 0, 3, 6, ...
 *                                           and sd 1) and r0.npy (T x K starting marginals, Exp(1) draws
 *                                           normalised)
 * hmm-fit  --dir DIR --k K --iters N [--threads T]   N sweeps through the public Session from q(z) = the
 *                                           chain with independent states of marginals r0
 * </pre>
 */
final class HmmCompare {
  private HmmCompare() {}

  static void data(Map<String, String> o) throws IOException {
    int t = CompareMain.intOpt(o, "t");
    int k = CompareMain.intOpt(o, "k");
    long seed = Long.parseLong(o.getOrDefault("seed", "42"));
    Path out = Files.createDirectories(Path.of(o.get("out")));
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[t];
    int z = rng.nextInt(k);
    for (int i = 0; i < t; i++) {
      if (i > 0 && rng.nextDouble() >= 0.95) {
        z = rng.nextInt(k);
      }
      double u = rng.nextDouble();
      double v = rng.nextDouble();
      x[i] = 3.0 * z + Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
    double[] r0 = new double[t * k];
    for (int i = 0; i < t; i++) {
      double s = 0;
      for (int c = 0; c < k; c++) {
        r0[i * k + c] = -Math.log(1 - rng.nextDouble());
        s += r0[i * k + c];
      }
      for (int c = 0; c < k; c++) {
        r0[i * k + c] /= s;
      }
    }
    Npy.writeDoubles(out.resolve("x.npy"), x, t, 1);
    Npy.writeDoubles(out.resolve("r0.npy"), r0, t, k);
    System.err.printf(Locale.ROOT, "hmm data T=%d K=%d%n", t, k);
  }

  static void fit(Map<String, String> o) throws IOException {
    Path dir = Path.of(o.get("dir"));
    int k = CompareMain.intOpt(o, "k");
    int iters = CompareMain.intOpt(o, "iters");
    long t0 = System.nanoTime();
    double[] x = Npy.readDoubles(dir.resolve("x.npy"));
    double[] flat = Npy.readDoubles(dir.resolve("r0.npy"));
    double[][] r0 = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      r0[i] = java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k);
    }
    RegimeSwitching model = RegimeSwitching.builder().K(k).build();
    RegimeSwitching.Data data = new RegimeSwitching.Data().x(x);
    FitOptions options = FitOptions.defaults().withThreads(CompareMain.threads(o)).withSeed(0);
    RegimeSwitching.Session session = model.start(data, options).z(r0);
    double load = (System.nanoTime() - t0) / 1e9;
    double[] iteration = new double[iters];
    double[] cpu = new double[iters];
    double[] trace = new double[iters];
    double[] none = new double[iters];
    java.util.Arrays.fill(none, Double.NaN);
    for (int it = 0; it < iters; it++) {
      long c0 = CompareMain.processCpuNanos();
      long a = System.nanoTime();
      trace[it] = session.sweep();
      iteration[it] = (System.nanoTime() - a) / 1e9;
      cpu[it] = (CompareMain.processCpuNanos() - c0) / 1e9;
      System.err.printf(Locale.ROOT, "  sweep %d: %.3f s, ELBO %.12g%n", it + 1, iteration[it], trace[it]);
    }
    new CompareMain.Run(none, none, iteration, cpu, trace, CompareMain.threads(o))
        .print("vmodel-hmm", load, Map.of("t", x.length, "k", k), "r0");
  }
}
