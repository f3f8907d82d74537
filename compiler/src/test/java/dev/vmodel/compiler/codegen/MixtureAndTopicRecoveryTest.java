package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.CategoricalPosterior;
import dev.vmodel.runtime.posterior.DirichletPosterior;
import dev.vmodel.runtime.posterior.NormalWishartPosterior;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Latent-structure models against the generating truth in examples/data/*.truth.json: the
 * Gaussian mixture recovers the clusters (adjusted Rand index of the MAP labels) and prunes the
 * components it does not need, the Poisson and Bernoulli mixtures recover their labels, LDA
 * recovers the topics.
 */
class MixtureAndTopicRecoveryTest {

  /** PRML 10.2 on the bundled 2-D data, K = 6 (the default) with alpha0 = 0.001. */
  @Test
  void gaussianMixtureFindsTheThreeClustersAndPrunesTheRest() {
    Map<String, Object> truth = Json.read(Examples.data("gaussian-mixture", ".truth.json"));
    int[] labels = Json.ints(truth, "z");
    Table t = Table.read(Examples.data("gaussian-mixture", ".csv"));
    FitResult r = Harness.of(Examples.exampleClass("gaussian-mixture")).fit(t,
        FitOptions.defaults().withSeed(1).withRestarts(3));
    assertTrue(r.converged(), "converged");
    int n = t.size();
    int[] map = new int[n];
    for (int i = 0; i < n; i++) {
      map[i] = ((CategoricalPosterior) Harness.call(r, "z", i)).mode();
    }
    double ari = adjustedRandIndex(labels, map);
    assertTrue(ari >= 0.95, "adjusted Rand index " + ari);

    double[] weights = ((DirichletPosterior) Harness.call(r, "pi")).mean();
    assertEquals(6, weights.length);
    List<Integer> used = new ArrayList<>();
    for (int k = 0; k < weights.length; k++) {
      if (weights[k] >= 1e-2) {
        used.add(k);
      }
    }
    assertEquals(3, used.size(), "components with E[pi[k]] >= 0.01: " + java.util.Arrays.toString(weights));
    // Each used component sits on one true cluster: its mean within 0.3 of the true mean.
    double[][] means = Json.matrix(truth, "means");
    for (double[] m : means) {
      double best = Double.POSITIVE_INFINITY;
      for (int k : used) {
        double[] mk = ((NormalWishartPosterior) Harness.call(r, "muLambda", k)).m();
        best = Math.min(best, Math.hypot(mk[0] - m[0], mk[1] - m[1]));
      }
      assertTrue(best < 0.3, "no component near the true mean " + java.util.Arrays.toString(m) + ": " + best);
    }
  }

  @Test
  void poissonMixtureRecoversItsLabels() {
    int[] labels = Json.ints(Json.read(Examples.data("poisson-mixture", ".truth.json")), "z");
    Table t = Table.read(Examples.data("poisson-mixture", ".csv"));
    FitResult r = Harness.of(Examples.exampleClass("poisson-mixture")).fit(t, FitOptions.defaults().withRestarts(3));
    assertTrue(adjustedRandIndex(labels, mapLabels(r, t.size())) >= 0.8);
  }

  @Test
  void bernoulliMixtureRecoversItsLabels() {
    int[] labels = Json.ints(Json.read(Examples.data("bernoulli-mixture", ".truth.json")), "z");
    Table t = Table.read(Examples.data("bernoulli-mixture", ".csv"));
    FitResult r = Harness.of(Examples.exampleClass("bernoulli-mixture")).fit(t,
        FitOptions.defaults().withRestarts(3));
    assertTrue(adjustedRandIndex(labels, mapLabels(r, t.size())) >= 0.9);
  }

  /**
   * LDA with K = 5 set through the builder (the truth has 5 topics): each true topic's best
   * match among the learned topics (E[phi[k]]) by cosine similarity, averaged, is at least 0.9,
   * and the five best matches are five different learned topics.
   */
  @Test
  void ldaRecoversTheFiveTopics() {
    Map<String, Object> truth = Json.read(Examples.data("lda", ".truth.json"));
    double[][] phi = Json.matrix(truth, "phi");
    Table t = Table.read(Examples.data("lda", ".csv"));
    FitResult r = Harness.of(Examples.exampleClass("lda")).set("K", 5).fit(t,
        FitOptions.defaults().withTolerance(1e-7).withRestarts(2));
    double total = 0;
    java.util.Set<Integer> matched = new java.util.HashSet<>();
    for (double[] topic : phi) {
      double best = -1;
      int arg = -1;
      for (int k = 0; k < 5; k++) {
        double c = cosine(topic, ((DirichletPosterior) Harness.call(r, "phi", k)).mean());
        if (c > best) {
          best = c;
          arg = k;
        }
      }
      total += best;
      matched.add(arg);
    }
    double mean = total / phi.length;
    assertTrue(mean >= 0.9, "mean best-match cosine similarity " + mean);
    assertEquals(5, matched.size(), "two true topics matched the same learned topic");
  }

  static int[] mapLabels(FitResult r, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = ((CategoricalPosterior) Harness.call(r, "z", i)).mode();
    }
    return out;
  }

  static double cosine(double[] a, double[] b) {
    return Numerics.dot(a, b) / Math.sqrt(Numerics.dot(a, a) * Numerics.dot(b, b));
  }

  /** Hubert and Arabie's adjusted Rand index of two labelings. */
  static double adjustedRandIndex(int[] a, int[] b) {
    int ka = 0;
    int kb = 0;
    for (int i = 0; i < a.length; i++) {
      ka = Math.max(ka, a[i] + 1);
      kb = Math.max(kb, b[i] + 1);
    }
    long[][] table = new long[ka][kb];
    long[] rows = new long[ka];
    long[] cols = new long[kb];
    for (int i = 0; i < a.length; i++) {
      table[a[i]][b[i]]++;
      rows[a[i]]++;
      cols[b[i]]++;
    }
    double index = 0;
    for (long[] row : table) {
      for (long c : row) {
        index += pairs(c);
      }
    }
    double sumRows = 0;
    for (long c : rows) {
      sumRows += pairs(c);
    }
    double sumCols = 0;
    for (long c : cols) {
      sumCols += pairs(c);
    }
    double expected = sumRows * sumCols / pairs(a.length);
    double max = (sumRows + sumCols) / 2;
    return (index - expected) / (max - expected);
  }

  private static double pairs(long n) {
    return n * (n - 1) / 2.0;
  }

  @Test
  void adjustedRandIndexOfThisTest() {
    assertEquals(1.0, adjustedRandIndex(new int[] {0, 0, 1, 1, 2}, new int[] {2, 2, 0, 0, 1}), 1e-12);
    // scikit-learn's adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 0.5714285714285715
    assertEquals(0.5714285714285715, adjustedRandIndex(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 2}), 1e-12);
  }
}
