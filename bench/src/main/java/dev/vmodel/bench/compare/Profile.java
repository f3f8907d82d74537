package dev.vmodel.bench.compare;

import dev.vmodel.bench.data.Synthetic;
import dev.vmodel.bench.gen.GaussianMixture;
import dev.vmodel.bench.harness.GeneratedState;
import dev.vmodel.bench.reference.FusedGaussianMixture;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a generated Gaussian-mixture sweep spends its time, update by update, next to the fused
 * reference sweep ({@link FusedGaussianMixture}) on the same data from the same k-means start,
 * with their flop counts (docs/performance.md derives them) and the ELBO traces compared.
 */
final class Profile {
  private Profile() {}

  /**
   * Flops per sweep of the generated code as generated today, by part (from reading it): the
   * fused {@code updateZ} does, per row, the D(D+1)/2 products x_i x_j, the E-step K(D(D+1) + 2D)
   * (a multiply and an add per feature and component) plus K for the constant weights, the
   * softmax about 4K besides K exp and one log, and the statistics K(D(D+1) + 2D + 1). The
   * global updates and {@code elboAfterSweep} read only those statistics: O(K D^3), no pass over
   * the rows.
   */
  static Map<String, Double> generatedFlops(double n, double d, double k) {
    Map<String, Double> f = new LinkedHashMap<>();
    double pairs = d * (d + 1) / 2;
    f.put("updatePi", 2 * k);
    f.put("updateMuLambda", k * (2 * d * d * d + 6 * d * d));
    f.put("updateZ", n * (pairs + k * (2 * pairs + 2 * d + 1) + 4 * k + k * (2 * pairs + 2 * d + 1)));
    f.put("elbo", k * (4 * d * d + 2 * d));
    return f;
  }

  /**
   * Flops per sweep of the fused reference, per row: the D(D+1)/2 products x_i x_j; E-step
   * K(D(D+1) + 2D) (one FMA per pair and per coordinate and component); statistics
   * K(D(D+1) + 2D + 1); softmax about 5K (max, subtract, scale, r ln r) besides K exp and one log.
   */
  static double fusedFlops(double n, double d, double k) {
    double pairs = d * (d + 1) / 2;
    return n * (pairs + k * (2 * pairs + 2 * d) + k * (2 * pairs + 2 * d + 1) + 5 * k);
  }

  static void gmm(Map<String, String> o) {
    int n = (int) Double.parseDouble(o.get("n"));
    int d = (int) Double.parseDouble(o.get("d"));
    int k = (int) Double.parseDouble(o.getOrDefault("k", "10"));
    int iters = Integer.parseInt(o.getOrDefault("iters", "5"));
    int[] threadCounts = Arrays.stream(o.getOrDefault("threads", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    double[][] x = Synthetic.gaussianMixture(n, d, k, 42);
    double[] r0 = Synthetic.oneHot(Synthetic.kmeansLabels(x, k, 10, 43), k);
    double[][] w0 = new double[d][d];
    for (int i = 0; i < d; i++) {
      w0[i][i] = 1;
    }
    GaussianMixture model = GaussianMixture.builder().K(k).alpha0(CompareMain.ALPHA0).beta0(CompareMain.BETA0)
        .nu0(d).m0(new double[d]).W0(w0).build();

    // The generated code, one update at a time (what its sweep(it, false) calls, in that order).
    String[] parts = {"updatePi", "updateMuLambda", "updateZ"};
    GeneratedState g = GeneratedState.of(model, new GaussianMixture.Data().x(x)).init(0);
    g.setResponsibilities("z", r0);
    boolean split = Arrays.stream(parts).allMatch(g::has);
    Map<String, List<double[]>> times = new LinkedHashMap<>();
    double[] genTrace = new double[iters];
    for (int it = 0; it < iters; it++) {
      if (split) {
        for (String p : parts) {
          times.computeIfAbsent(p, q -> new ArrayList<>()).add(time(tm, () -> g.call(p)));
        }
      } else {
        times.computeIfAbsent("sweep", q -> new ArrayList<>()).add(time(tm, g::sweep));
      }
      double[] e = new double[1];
      // After q(z)'s update, as fit does: elboAfterSweep where generated.
      boolean afterSweep = split && g.has("elboAfterSweep");
      times.computeIfAbsent("elbo", q -> new ArrayList<>()).add(time(tm,
          () -> e[0] = afterSweep ? g.callDouble("elboAfterSweep") : g.elbo()));
      genTrace[it] = e[0];
    }
    Map<String, Double> flops = generatedFlops(n, d, k);
    StringBuilder json = new StringBuilder();
    json.append(String.format(Locale.ROOT, "{\"n\": %d, \"d\": %d, \"k\": %d, \"iters\": %d, \"generated\": {", n, d, k, iters));
    System.err.printf(Locale.ROOT, "GMM N=%d D=%d K=%d, %d sweeps from k-means; medians after the first sweep%n", n, d, k, iters);
    System.err.printf(Locale.ROOT, "  %-28s %10s %10s %12s %10s%n", "part", "wall s", "CPU s", "Gflop", "GFLOP/s");
    double genWall = 0;
    double genCpu = 0;
    double genFlops = 0;
    boolean first = true;
    for (Map.Entry<String, List<double[]>> e : times.entrySet()) {
      double wall = median(e.getValue(), 0);
      double cpu = median(e.getValue(), 1);
      Double f = flops.get(e.getKey());
      if (f == null) {
        f = flops.values().stream().mapToDouble(Double::doubleValue).sum() - flops.get("elbo");
      }
      genWall += wall;
      genCpu += cpu;
      genFlops += f;
      System.err.printf(Locale.ROOT, "  generated %-18s %10.4f %10.4f %12.3f %10.2f%n", e.getKey(), wall, cpu, f / 1e9, f / cpu / 1e9);
      json.append(first ? "" : ", ").append(String.format(Locale.ROOT,
          "\"%s\": {\"wall\": %.6g, \"cpu\": %.6g, \"flops\": %.6g}", e.getKey(), wall, cpu, f));
      first = false;
    }
    System.err.printf(Locale.ROOT, "  %-28s %10.4f %10.4f %12.3f %10.2f%n", "generated sweep + ELBO", genWall, genCpu, genFlops / 1e9, genFlops / genCpu / 1e9);
    json.append("}, \"fused\": {");

    // The fused reference, from the same start, for each thread count.
    first = true;
    for (int t : threadCounts) {
      try (FusedGaussianMixture f = new FusedGaussianMixture(x, k, CompareMain.ALPHA0, CompareMain.BETA0, d, new double[d], w0, t)) {
        f.start(r0);
        List<double[]> sweep = new ArrayList<>();
        List<double[]> elbo = new ArrayList<>();
        double maxRel = 0;
        for (int it = 0; it < iters; it++) {
          sweep.add(time(tm, f::sweep));
          double[] e = new double[1];
          elbo.add(time(tm, () -> e[0] = f.elbo()));
          maxRel = Math.max(maxRel, Math.abs(e[0] - genTrace[it]) / Math.abs(genTrace[it]));
        }
        double wall = median(sweep, 0) + median(elbo, 0);
        // With one thread the chunks run on this thread, so its CPU time is the sweep's.
        double cpu = t == 1 ? median(sweep, 1) + median(elbo, 1) : Double.NaN;
        double ff = fusedFlops(n, d, k);
        System.err.printf(Locale.ROOT, "  %-28s %10.4f %10s %12.3f %10.2f   (ELBO vs generated: max rel. diff %.1e)%n",
            "fused reference, " + t + " thread" + (t > 1 ? "s" : ""), wall, t == 1 ? String.format(Locale.ROOT, "%.4f", cpu) : "-",
            ff / 1e9, ff / (t == 1 ? cpu : wall) / 1e9, maxRel);
        System.err.printf(Locale.ROOT, "  %-28s %10.1fx %9.1fx%n", "  speed-up over generated", genWall / wall, genCpu / cpu);
        json.append(first ? "" : ", ").append(String.format(Locale.ROOT,
            "\"%d\": {\"wall\": %.6g, \"cpu\": %.6g, \"flops\": %.6g, \"elbo_max_rel_diff\": %.3g}", t, wall,
            t == 1 ? cpu : -1.0, ff, maxRel));
        first = false;
      }
    }
    json.append("}, \"elbo\": ").append(genTrace[iters - 1]).append("}");
    System.out.println(json);
  }

  /** {wall seconds, thread CPU seconds} of one call. */
  private static double[] time(ThreadMXBean tm, Runnable r) {
    long c0 = tm.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    r.run();
    return new double[] {(System.nanoTime() - t0) / 1e9, (tm.getCurrentThreadCpuTime() - c0) / 1e9};
  }

  /** Median of one column over the iterations after the first (the first holds JIT compilation). */
  private static double median(List<double[]> v, int col) {
    double[] a = v.stream().skip(v.size() > 1 ? 1 : 0).mapToDouble(x -> x[col]).sorted().toArray();
    int m = a.length / 2;
    return a.length % 2 == 1 ? a[m] : 0.5 * (a[m - 1] + a[m]);
  }
}
