package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.reference.VbHmmBruteForce;
import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.CategoricalPosterior;
import dev.vmodel.runtime.posterior.DirichletPosterior;
import dev.vmodel.runtime.posterior.GammaPosterior;
import dev.vmodel.runtime.posterior.NormalPosterior;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hidden Markov models (issue 17): the structured factor q(z_1..T) of a {@code Markov} latent,
 * checked against {@link VbHmmBruteForce}, which enumerates all K^T paths of each chain (written
 * from Beal 2003, ch. 3, not from the generated code); the ELBO never decreasing; recovery of
 * simulated states, means and transitions; and the data errors of long-format sequences.
 */
class HiddenMarkovModelTest {
  private static final Class<?> GAUSSIAN = Examples.testModelClass("hmm-gaussian.vmodel");
  private static final Class<?> SEQUENCES = Examples.testModelClass("hmm-sequences.vmodel");
  private static final Class<?> DISCRETE = Examples.testModelClass("hmm-discrete.vmodel");
  private static final Class<?> POISSON = Examples.testModelClass("hmm-poisson.vmodel");
  private static final Class<?> MULTI_NORMAL = Examples.testModelClass("hmm-multinormal.vmodel");
  private static final Class<?> REGRESSION = Examples.testModelClass("hmm-regression.vmodel");

  /** States of a sticky chain and Gaussian emissions around {@code means} with sd {@code sds}. */
  static int[] states(SplittableRandom rng, int n, int k, double stay) {
    int[] z = new int[n];
    z[0] = rng.nextInt(k);
    for (int t = 1; t < n; t++) {
      z[t] = rng.nextDouble() < stay ? z[t - 1] : rng.nextInt(k);
    }
    return z;
  }

  static double gaussian(SplittableRandom rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  static double[] emit(SplittableRandom rng, int[] z, double[] means, double[] sds) {
    double[] x = new double[z.length];
    for (int t = 0; t < z.length; t++) {
      x[t] = means[z[t]] + sds[z[t]] * gaussian(rng);
    }
    return x;
  }

  private static double[][] randomResponsibilities(SplittableRandom rng, int n, int k) {
    double[][] r = new double[n][k];
    for (int t = 0; t < n; t++) {
      double s = 0;
      for (int c = 0; c < k; c++) {
        r[t][c] = -Math.log(1 - rng.nextDouble());
        s += r[t][c];
      }
      for (int c = 0; c < k; c++) {
        r[t][c] /= s;
      }
    }
    return r;
  }

  /** The globals and q(z) of a session's current result, copied out. */
  private static void load(Object result, VbHmmBruteForce ref, int n) {
    int k = ref.k;
    ref.rhoAlpha = ((DirichletPosterior) Harness.call(result, "rho")).alpha().clone();
    for (int c = 0; c < k; c++) {
      ref.aAlpha[c] = ((DirichletPosterior) Harness.call(result, "A", c)).alpha().clone();
      NormalPosterior mu = (NormalPosterior) Harness.call(result, "mu", c);
      ref.muMean[c] = mu.mean();
      ref.muPrecision[c] = mu.precision();
      GammaPosterior tau = (GammaPosterior) Harness.call(result, "tau", c);
      ref.tauShape[c] = tau.shape();
      ref.tauRate[c] = tau.rate();
    }
  }

  private static double[][] marginals(Object result, int n) {
    double[][] r = new double[n][];
    for (int t = 0; t < n; t++) {
      r[t] = ((CategoricalPosterior) Harness.call(result, "z", t)).p().clone();
    }
    return r;
  }

  private static void assertClose(double expected, double actual, double rel, String what) {
    assertEquals(expected, actual, rel * Math.max(1, Math.abs(expected)), what);
  }

  /**
   * Given the other factors, q(z_t) and the ELBO (whose terms in q(z) are the chain's expected
   * first-state and transition counts and its entropy) equal the enumeration of all 3^8 paths to
   * 1e-12 and 1e-10; one more sweep moves q(rho), q(A), q(mu), q(tau) exactly as the book's updates
   * from the enumerated counts do (so q(z_(t-1), z_t) summed is right too). One chain of 8 steps,
   * and two chains of 5 and 3 in one long-format array.
   */
  @Test
  void chainFactorEqualsEnumerationOfAllPaths() {
    for (boolean twoChains : new boolean[] {false, true}) {
      SplittableRandom rng = new SplittableRandom(twoChains ? 72 : 71);
      int n = 8;
      int k = 3;
      int[] truth = states(rng, n, k, 0.7);
      double[] x = emit(rng, truth, new double[] {-2, 0, 3}, new double[] {0.5, 0.4, 0.8});
      Class<?> model = twoChains ? SEQUENCES : GAUSSIAN;
      Map<String, Object> arrays = new HashMap<>();
      arrays.put("x", x);
      int[] starts = {0, n};
      Harness h = Harness.of(model);
      if (twoChains) {
        arrays.put("seq", new int[] {0, 0, 0, 0, 0, 1, 1, 1});
        starts = new int[] {0, 5, n};
        h.set("S", 2);
      }
      Object data = h.data(arrays);
      Object fitter = Harness.call(Harness.call(model, "builder"), "build");
      if (twoChains) {
        fitter = Harness.call(Harness.call(Harness.call(model, "builder"), "S", 2), "build");
      }
      Object session = Harness.call(fitter, "start", data, FitOptions.defaults().withSeed(3));
      Harness.call(session, "z", (Object) randomResponsibilities(rng, n, k));
      VbHmmBruteForce ref = new VbHmmBruteForce(x, starts, k, 1, 0, 10, 1, 1);
      double elbo = 0;
      for (int sweep = 0; sweep < 4; sweep++) {
        elbo = (double) Harness.call(session, "sweep");
      }
      Object result = Harness.call(session, "result");
      load(result, ref, n);
      double[][] r = marginals(result, n);
      ref.updateZ();
      for (int t = 0; t < n; t++) {
        for (int c = 0; c < k; c++) {
          assertEquals(ref.r[t][c], r[t][c], 1e-12, "q(z[" + t + "]=" + c + ")");
        }
      }
      assertClose(ref.elbo(), elbo, 1e-10, "ELBO after sweep 4");
      // One more sweep: the globals from the enumerated counts, then q(z) again.
      double next = (double) Harness.call(session, "sweep");
      ref.updateGlobals();
      ref.updateZ();
      Object after = Harness.call(session, "result");
      VbHmmBruteForce got = new VbHmmBruteForce(x, starts, k, 1, 0, 10, 1, 1);
      load(after, got, n);
      for (int c = 0; c < k; c++) {
        assertClose(ref.rhoAlpha[c], got.rhoAlpha[c], 1e-10, "q(rho) alpha[" + c + "]");
        for (int d = 0; d < k; d++) {
          assertClose(ref.aAlpha[c][d], got.aAlpha[c][d], 1e-10, "q(A[" + c + "]) alpha[" + d + "]");
        }
        assertClose(ref.muMean[c], got.muMean[c], 1e-10, "E[mu[" + c + "]]");
        assertClose(ref.muPrecision[c], got.muPrecision[c], 1e-10, "precision of q(mu[" + c + "])");
        assertClose(ref.tauShape[c], got.tauShape[c], 1e-10, "shape of q(tau[" + c + "])");
        assertClose(ref.tauRate[c], got.tauRate[c], 1e-10, "rate of q(tau[" + c + "])");
      }
      double[][] r2 = marginals(after, n);
      for (int t = 0; t < n; t++) {
        for (int c = 0; c < k; c++) {
          assertEquals(ref.r[t][c], r2[t][c], 1e-12, "sweep 5: q(z[" + t + "]=" + c + ")");
        }
      }
      assertClose(ref.elbo(), next, 1e-10, "ELBO after sweep 5");
      // The most probable path under q(z), and the distribution of the state after the last row.
      assertArrayEquals(ref.mapPath, (int[]) Harness.call(after, "pathZ"), "Viterbi path = enumeration's argmax");
      double[] nextState = (double[]) Harness.call(after, "nextZ");
      for (int c = 0; c < k; c++) {
        double p = 0;
        for (int j = 0; j < k; j++) {
          double sum = 0;
          for (double v : ref.aAlpha[j]) {
            sum += v;
          }
          p += ref.r[n - 1][j] * ref.aAlpha[j][c] / sum;
        }
        assertEquals(p, nextState[c], 1e-12, "P(next state = " + c + ")");
      }
      assertTrue(next >= elbo - 1e-12 * Math.abs(elbo), "the sweep raised the ELBO");
    }
  }

  private static void assertNonDecreasing(double[] trace, String what) {
    for (int i = 1; i < trace.length; i++) {
      assertTrue(trace[i] >= trace[i - 1] - 1e-9 * Math.abs(trace[i - 1]),
          what + ": ELBO " + trace[i - 1] + " -> " + trace[i] + " at sweep " + (i + 1));
    }
  }

  /**
   * On 20 seeds of each model (Gaussian, several sequences, discrete, Poisson emissions) the ELBO
   * never decreases, checked after every factor's update ({@code checkMonotone}) and over the trace.
   */
  @Test
  void elboNeverDecreases() {
    FitOptions options = FitOptions.defaults().withMaxIterations(200).withCheckMonotone(true);
    for (int seed = 0; seed < 20; seed++) {
      SplittableRandom rng = new SplittableRandom(1000 + seed);
      int[] z = states(rng, 300, 3, 0.9);
      double[] x = emit(rng, z, new double[] {-1, 0.5, 2}, new double[] {0.6, 0.5, 0.9});
      FitResult g = Harness.of(GAUSSIAN).fit(Harness.of(GAUSSIAN).data(Map.of("x", x)), options.withSeed(seed));
      assertNonDecreasing(g.elboTrace(), "Gaussian, seed " + seed);
      int[] seq = new int[300];
      for (int t = 0; t < 300; t++) {
        seq[t] = t * 7 / 300;
      }
      Harness hs = Harness.of(SEQUENCES).set("S", 7);
      FitResult s = hs.fit(hs.data(Map.of("x", x, "seq", seq)), options.withSeed(seed));
      assertNonDecreasing(s.elboTrace(), "sequences, seed " + seed);
      int[] w = new int[300];
      int[] y = new int[300];
      int[] z2 = states(rng, 300, 2, 0.9);
      for (int t = 0; t < 300; t++) {
        w[t] = z2[t] == 0 ? rng.nextInt(3) : 2 + rng.nextInt(3);
        y[t] = poisson(rng, z2[t] == 0 ? 2 : 9);
      }
      Harness hd = Harness.of(DISCRETE).set("V", 5);
      FitResult d = hd.fit(hd.data(Map.of("w", w)), options.withSeed(seed));
      assertNonDecreasing(d.elboTrace(), "discrete, seed " + seed);
      FitResult p = Harness.of(POISSON).fit(Harness.of(POISSON).data(Map.of("y", y)), options.withSeed(seed));
      assertNonDecreasing(p.elboTrace(), "Poisson, seed " + seed);
    }
  }

  private static int poisson(SplittableRandom rng, double rate) {
    double l = Math.exp(-rate);
    int k = 0;
    double prod = rng.nextDouble();
    while (prod > l) {
      prod *= rng.nextDouble();
      k++;
    }
    return k;
  }

  /**
   * Simulated regime switching with well-separated states (means -2, 0, 3): the states are
   * recovered with accuracy >= 0.95 after the best relabelling, and so are the means (within 0.1)
   * and the transition matrix (within 0.05).
   */
  @Test
  void recoversStatesMeansAndTransitions() {
    SplittableRandom rng = new SplittableRandom(2026);
    int n = 3000;
    double[][] a = {{0.95, 0.03, 0.02}, {0.04, 0.92, 0.04}, {0.02, 0.03, 0.95}};
    int[] z = new int[n];
    for (int t = 1; t < n; t++) {
      double u = rng.nextDouble();
      int next = 0;
      double c = a[z[t - 1]][0];
      while (u > c && next < 2) {
        next++;
        c += a[z[t - 1]][next];
      }
      z[t] = next;
    }
    double[] means = {-2, 0, 3};
    double[] x = emit(rng, z, means, new double[] {0.5, 0.3, 0.8});
    FitResult fit = Harness.of(GAUSSIAN).fit(Harness.of(GAUSSIAN).data(Map.of("x", x)),
        FitOptions.defaults().withSeed(5).withRestarts(3));
    double[] mu = new double[3];
    for (int c = 0; c < 3; c++) {
      mu[c] = ((NormalPosterior) Harness.call(fit, "mu", c)).mean();
    }
    // The relabelling that sorts the fitted means matches the truth's order.
    Integer[] order = {0, 1, 2};
    java.util.Arrays.sort(order, (i, j) -> Double.compare(mu[i], mu[j]));
    int[] label = new int[3];
    for (int c = 0; c < 3; c++) {
      label[order[c]] = c;
      assertEquals(means[c], mu[order[c]], 0.1, "mean of state " + c);
    }
    int right = 0;
    for (int t = 0; t < n; t++) {
      CategoricalPosterior q = (CategoricalPosterior) Harness.call(fit, "z", t);
      int best = 0;
      for (int c = 1; c < 3; c++) {
        if (q.p()[c] > q.p()[best]) {
          best = c;
        }
      }
      right += label[best] == z[t] ? 1 : 0;
    }
    assertTrue(right >= 0.95 * n, "state accuracy " + right / (double) n);
    for (int j = 0; j < 3; j++) {
      double[] alpha = ((DirichletPosterior) Harness.call(fit, "A", order[j])).alpha();
      double sum = 0;
      for (double v : alpha) {
        sum += v;
      }
      for (int k = 0; k < 3; k++) {
        assertEquals(a[j][k], alpha[order[k]] / sum, 0.05, "A[" + j + "][" + k + "]");
      }
    }
  }

  /** Rows of one sequence must be contiguous: the data error names the array and says how to fix it. */
  @Test
  void sequencesMustBeContiguous() {
    Harness hs = Harness.of(SEQUENCES).set("S", 2);
    Object data = hs.data(Map.of("x", new double[] {0.1, 0.2, 0.3, 0.4, 0.5}, "seq", new int[] {0, 0, 1, 1, 0}));
    DataException e = assertThrows(DataException.class, () -> hs.fit(data, FitOptions.defaults()));
    assertTrue(e.getMessage().startsWith("seq"), e.getMessage());
    assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
  }

  /**
   * Chains run in blocks of whole chains on the fit's threads: 300 sequences of 20 to 60 steps fit
   * bitwise the same on 1 and 2 threads (blocks and sums in block order depend on the data alone).
   */
  @Test
  void chainsInParallelBlocksAreBitwiseTheSameOnAnyThreadCount() {
    SplittableRandom rng = new SplittableRandom(99);
    java.util.List<Integer> seqList = new java.util.ArrayList<>();
    for (int s = 0; s < 300; s++) {
      int len = 20 + rng.nextInt(41);
      for (int i = 0; i < len; i++) {
        seqList.add(s);
      }
    }
    int n = seqList.size();
    int[] seq = seqList.stream().mapToInt(Integer::intValue).toArray();
    double[] x = emit(rng, states(rng, n, 3, 0.9), new double[] {-1, 1, 3}, new double[] {0.5, 0.5, 0.5});
    Harness hs = Harness.of(SEQUENCES).set("S", 300);
    Object data = hs.data(Map.of("x", x, "seq", seq));
    FitOptions o = FitOptions.defaults().withSeed(8).withMaxIterations(30).withTolerance(0);
    FitResult one = hs.fit(data, o.withThreads(1));
    FitResult two = hs.fit(data, o.withThreads(2));
    org.junit.jupiter.api.Assertions.assertArrayEquals(one.elboTrace(), two.elboTrace(), "bit for bit");
    assertNonDecreasing(one.elboTrace(), "300 sequences");
  }

  /**
   * Emissions through a Normal-Wishart group (multivariate Gaussian states) and a switching
   * regression: on 20 seeds each, the ELBO never decreases (checked after every update) and the
   * states of well-separated simulated data are recovered (accuracy >= 0.95 after relabelling).
   */
  @Test
  void multivariateAndRegressionEmissions() {
    FitOptions options = FitOptions.defaults().withMaxIterations(300).withCheckMonotone(true);
    for (int seed = 0; seed < 20; seed++) {
      SplittableRandom rng = new SplittableRandom(3000 + seed);
      int n = 400;
      int[] z = states(rng, n, 3, 0.95);
      double[][] x = new double[n][2];
      double[][] centres = {{-3, 0}, {0, 3}, {3, 0}};
      for (int t = 0; t < n; t++) {
        x[t][0] = centres[z[t]][0] + 0.5 * gaussian(rng);
        x[t][1] = centres[z[t]][1] + 0.5 * gaussian(rng);
      }
      FitResult mn = Harness.of(MULTI_NORMAL).fit(Harness.of(MULTI_NORMAL).data(Map.of("x", x)),
          options.withSeed(seed).withRestarts(2));
      assertNonDecreasing(mn.elboTrace(), "MultiNormal, seed " + seed);
      assertTrue(accuracy(mn, z, 3) >= 0.95, "MultiNormal states, seed " + seed + ": " + accuracy(mn, z, 3));
      int[] z2 = states(rng, n, 2, 0.95);
      double[][] xs = new double[n][2];
      double[] y = new double[n];
      double[][] w = {{1, 2}, {-1, -2}};
      for (int t = 0; t < n; t++) {
        xs[t][0] = 1;
        xs[t][1] = gaussian(rng);
        y[t] = w[z2[t]][0] + w[z2[t]][1] * xs[t][1] + 0.2 * gaussian(rng);
      }
      FitResult reg = Harness.of(REGRESSION).fit(Harness.of(REGRESSION).data(Map.of("X", xs, "y", y)),
          options.withSeed(seed).withRestarts(2));
      assertNonDecreasing(reg.elboTrace(), "regression, seed " + seed);
      assertTrue(accuracy(reg, z2, 2) >= 0.95, "regression states, seed " + seed + ": " + accuracy(reg, z2, 2));
    }
  }

  /** The share of rows whose most probable path state is the true one, under the best relabelling. */
  private static double accuracy(FitResult fit, int[] truth, int k) {
    int[] path = (int[]) Harness.call(fit, "pathZ");
    int[][] counts = new int[k][k];
    for (int t = 0; t < truth.length; t++) {
      counts[path[t]][truth[t]]++;
    }
    int best = 0;
    for (int[] perm : permutations(k)) {
      int right = 0;
      for (int c = 0; c < k; c++) {
        right += counts[c][perm[c]];
      }
      best = Math.max(best, right);
    }
    return best / (double) truth.length;
  }

  private static java.util.List<int[]> permutations(int k) {
    java.util.List<int[]> out = new java.util.ArrayList<>();
    permute(new int[k], new boolean[k], 0, out);
    return out;
  }

  private static void permute(int[] p, boolean[] used, int at, java.util.List<int[]> out) {
    if (at == p.length) {
      out.add(p.clone());
      return;
    }
    for (int v = 0; v < p.length; v++) {
      if (!used[v]) {
        used[v] = true;
        p[at] = v;
        permute(p, used, at + 1, out);
        used[v] = false;
      }
    }
  }
}
