package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.BetaPosterior;
import dev.vmodel.runtime.posterior.CategoricalPosterior;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The truncated Dirichlet-process mixture (examples/dp-mixture.vmodel) against its definition
 * (Blei and Jordan 2006, section 4) and the generating truth. The update of q(v) is written here
 * from the paper, not from the plan: gamma_k1 = 1 + sum_n phi_nk and
 * gamma_k2 = gamma0 + sum_n sum_{j > k} phi_nj, where phi are the responsibilities.
 */
class DpMixtureTest {

  @Test
  void sticksAreTheBleiJordanUpdateAndTheFiveClustersAreFound() {
    Map<String, Object> truth = Json.read(Examples.data("dp-mixture", ".truth.json"));
    int[] labels = Json.ints(truth, "z");
    Table t = Table.read(Examples.data("dp-mixture", ".csv"));
    FitResult r = Harness.of(Examples.exampleClass("dp-mixture")).fit(t,
        FitOptions.defaults().withSeed(3).withTolerance(1e-12).withMaxIterations(5000));
    assertTrue(r.converged(), "converged");
    int n = t.size();
    int k = 10;
    double[] counts = new double[k];
    int[] map = new int[n];
    for (int i = 0; i < n; i++) {
      CategoricalPosterior z = (CategoricalPosterior) Harness.call(r, "z", i);
      for (int c = 0; c < k; c++) {
        counts[c] += z.p()[c];
      }
      map[i] = z.mode();
    }
    double gamma0 = 1.0;
    double after = 0;
    for (int c = k - 1; c >= 0; c--) {
      BetaPosterior v = (BetaPosterior) Harness.call(r, "v", c);
      assertEquals(1 + counts[c], v.a(), 1e-6 * (1 + counts[c]), "a of q(v[" + c + "])");
      assertEquals(gamma0 + after, v.b(), 1e-6 * (gamma0 + after), "b of q(v[" + c + "])");
      after += counts[c];
    }
    int used = 0;
    for (double c : counts) {
      used += c / n > 0.01 ? 1 : 0;
    }
    assertEquals(5, used, "components holding more than 1% of the points: " + java.util.Arrays.toString(counts));
    double ari = MixtureAndTopicRecoveryTest.adjustedRandIndex(labels, map);
    assertTrue(ari >= 0.95, "adjusted Rand index " + ari);
  }
}
