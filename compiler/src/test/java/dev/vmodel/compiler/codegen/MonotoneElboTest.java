package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vmodel.runtime.fit.ElboDecreasedException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coordinate ascent never lowers the ELBO: every factor update maximises it over that factor.
 * Each example is fitted from 20 random starts in check mode, where the generated code
 * recomputes the ELBO after every single factor update and throws {@link
 * ElboDecreasedException} on a decrease beyond 1e-9 relative; the per-sweep trace is checked
 * here as well. A derived update or an ELBO term that is wrong shows up as a decrease.
 */
class MonotoneElboTest {
  static final int SEEDS = 20;
  static final int MAX_ITERATIONS = 40;

  static List<String> examples() {
    return Examples.stems();
  }

  /**
   * The data each example is fitted to: the bundled CSV; PPCA's copy without holes (the
   * generated code does not take missing values yet); LDA's first 3000 tokens (about 30
   * documents), which keep its 20 x 40 check-mode sweeps quick.
   */
  static Table table(String stem) {
    Table t = Table.read(Examples.data(stem, stem.equals("ppca") ? ".complete.csv" : ".csv"));
    return stem.equals("lda") ? t.head(3000) : t;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void elboNeverDecreases(String stem) {
    Class<?> model = Examples.exampleClass(stem);
    Table table = table(stem);
    for (int seed = 0; seed < SEEDS; seed++) {
      FitOptions options = FitOptions.defaults().withSeed(seed).withMaxIterations(MAX_ITERATIONS)
          .withCheckMonotone(true);
      FitResult r;
      try {
        r = Harness.of(model).fit(table, options);
      } catch (ElboDecreasedException e) {
        fail(stem + ", seed " + seed + ": " + e.getMessage());
        return;
      }
      double[] trace = r.elboTrace();
      assertTrue(trace.length >= 1 && trace.length == r.iterations(), stem + ": trace length " + trace.length);
      for (int t = 0; t < trace.length; t++) {
        assertTrue(Double.isFinite(trace[t]), stem + ", seed " + seed + ": ELBO " + trace[t] + " in sweep " + (t + 1));
        if (t > 0) {
          double slack = 1e-9 * Math.max(1.0, Math.abs(trace[t - 1]));
          assertTrue(trace[t] >= trace[t - 1] - slack, stem + ", seed " + seed + ": ELBO fell from " + trace[t - 1]
              + " to " + trace[t] + " in sweep " + (t + 1));
        }
      }
      assertTrue(r.elbo() == trace[trace.length - 1], stem + ": elbo() is not the last trace entry");
    }
  }

  /**
   * The ELBO {@code fit} records after each sweep (for the mixtures and LDA, from the
   * log-normalisers the fused update of q(z) computed, without a pass over the rows) equals the
   * full ELBO that check mode recomputes from every term, sweep by sweep, along the same
   * iterates (check mode changes no update).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void elboAfterSweepIsTheFullElbo(String stem) {
    Class<?> model = Examples.exampleClass(stem);
    Table table = table(stem);
    for (int seed = 0; seed < 3; seed++) {
      FitOptions options = FitOptions.defaults().withSeed(seed).withMaxIterations(15).withTolerance(0)
          .withThreads(1);
      double[] fast = Harness.of(model).fit(table, options).elboTrace();
      double[] full = Harness.of(model).fit(table, options.withCheckMonotone(true)).elboTrace();
      // Tolerance 0 stops a fit when two ELBOs are bitwise equal, which the two formulas may
      // reach one sweep apart once converged: compare the sweeps both ran.
      int sweeps = Math.min(full.length, fast.length);
      assertTrue(Math.abs(full.length - fast.length) <= 1 && (sweeps >= 5 || full.length == fast.length),
          stem + ": " + full.length + " vs " + fast.length + " sweeps");
      for (int t = 0; t < sweeps; t++) {
        assertEquals(full[t], fast[t], 1e-10 * Math.max(1.0, Math.abs(full[t])),
            stem + ", seed " + seed + ", sweep " + (t + 1));
      }
    }
  }
}
