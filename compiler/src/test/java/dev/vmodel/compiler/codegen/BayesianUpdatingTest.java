package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.ElboDecreasedException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.BetaPosterior;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bayesian updating (streaming variational Bayes): a fit of batch B from the fit of batch A,
 * whose global factors q_A are then the priors of the global latents.
 *
 * <p>For a conjugate model whose posterior factorises exactly (one global factor, no locals
 * coupling the batches: the coin, Poisson-Gamma, linear regression with known precisions),
 * fitting A then B equals fitting A and B together, to 1e-12 relative in every posterior
 * parameter; and since each ELBO is then the exact log evidence, ELBO(B from A) + ELBO(A) is
 * ln p(A and B). Every fit runs with the monotone check on: a decrease of the ELBO in the
 * mode that updates a prior (whose ELBO replaces the global priors' terms by E[ln q_A]) throws.
 */
class BayesianUpdatingTest {
  static final FitOptions CHECKED = FitOptions.defaults().withCheckMonotone(true);
  static final double REL = 1e-12;

  /** The fit of A, of B from A's fit, and of A and B together. */
  record Fits(FitResult a, FitResult b, FitResult together) {}

  static Fits fits(Harness h, Map<String, Object> a, Map<String, Object> b, Map<String, Object> all, FitOptions o) {
    FitResult fa = h.fit(h.data(a), o);
    FitResult fb = h.fit(h.data(b), o, fa);
    FitResult together = h.fit(h.data(all), o);
    return new Fits(fa, fb, together);
  }

  /** Every parameter of every factor equal to {@code rel} relative. */
  static void assertSamePosterior(FitResult expected, FitResult actual, double rel) {
    assertEquals(expected.posteriors().keySet(), actual.posteriors().keySet());
    for (Map.Entry<String, FitResult.Posterior> f : expected.posteriors().entrySet()) {
      FitResult.Posterior e = f.getValue();
      FitResult.Posterior g = actual.posteriors().get(f.getKey());
      assertEquals(e.parameters().keySet(), g.parameters().keySet());
      for (Map.Entry<String, double[]> p : e.parameters().entrySet()) {
        double[] x = p.getValue();
        double[] y = g.parameters().get(p.getKey());
        assertEquals(x.length, y.length);
        for (int i = 0; i < x.length; i++) {
          assertEquals(x[i], y[i], rel * Math.max(Math.abs(x[i]), Math.abs(y[i])),
              "q(" + f.getKey() + ")." + p.getKey() + "[" + i + "]: A and B together " + Arrays.toString(x)
                  + ", B from A " + Arrays.toString(y));
        }
      }
    }
  }

  static int[] ints(int[] all, int from, int to) {
    return Arrays.copyOfRange(all, from, to);
  }

  @Test
  void coinFromItsFirstHalfIsTheCoinOnAllFlips() {
    int[] y = Table.read(Examples.data("coin", ".csv")).ints("y");
    int half = 37;
    Harness h = Harness.of(Examples.exampleClass("coin")).set("a", 2.5).set("b", 1.5);
    Fits f = fits(h, Map.of("y", ints(y, 0, half)), Map.of("y", ints(y, half, y.length)), Map.of("y", y), CHECKED);
    assertSamePosterior(f.together(), f.b(), REL);
    int s = 0;
    for (int v : y) {
      s += v;
    }
    BetaPosterior p = (BetaPosterior) Harness.call(f.b(), "p");
    assertEquals(2.5 + s, p.a(), REL * p.a());
    assertEquals(1.5 + y.length - s, p.b(), REL * p.b());
    // One-factor conjugate: each ELBO is exact, ELBO_A = ln p(A), ELBO_B|A = ln p(B | A).
    double evidence = ExactPosteriorTest.lnBeta(2.5 + s, 1.5 + y.length - s) - ExactPosteriorTest.lnBeta(2.5, 1.5);
    assertEquals(evidence, f.a().elbo() + f.b().elbo(), 1e-10 * Math.abs(evidence));
    assertEquals(evidence, f.together().elbo(), 1e-10 * Math.abs(evidence));
  }

  @Test
  void coinInThreeBatches() {
    int[] y = Table.read(Examples.data("coin", ".csv")).ints("y");
    Harness h = Harness.of(Examples.exampleClass("coin"));
    FitResult r1 = h.fit(h.data(Map.of("y", ints(y, 0, 10))), CHECKED);
    FitResult r2 = h.fit(h.data(Map.of("y", ints(y, 10, 60))), CHECKED, r1);
    FitResult r3 = h.fit(h.data(Map.of("y", ints(y, 60, y.length))), CHECKED, r2);
    assertSamePosterior(h.fit(h.data(Map.of("y", y)), CHECKED), r3, REL);
    double lnP = ExactPosteriorTest.lnBeta(((BetaPosterior) Harness.call(r3, "p")).a(),
        ((BetaPosterior) Harness.call(r3, "p")).b()) - ExactPosteriorTest.lnBeta(1, 1);
    assertEquals(lnP, r1.elbo() + r2.elbo() + r3.elbo(), 1e-10 * Math.abs(lnP));
  }

  /** A session started from a prior fit sweeps as fit does: the same posterior and ELBO. */
  @Test
  void aSessionFromAPriorFitIsTheFit() {
    Table t = Table.read(Examples.data("gaussian-mixture", ".csv"));
    double[][] x = t.doubleRows(t.columnsOf("x"));
    Harness h = Harness.of(Examples.exampleClass("gaussian-mixture"));
    FitOptions o = CHECKED.withMaxIterations(40).withTolerance(0);
    FitResult a = h.fit(h.data(Map.of("x", Arrays.copyOfRange(x, 0, 150))), o);
    Object b = h.data(Map.of("x", Arrays.copyOfRange(x, 150, x.length)));
    FitResult fitted = h.fit(b, o, a);
    Object session = h.start(b, o, a);
    // fit stops early when a sweep leaves the ELBO bitwise unchanged (tolerance 0): as many sweeps
    for (int i = 0; i < fitted.iterations(); i++) {
      Harness.call(session, "sweep");
    }
    FitResult swept = (FitResult) Harness.call(session, "result");
    assertEquals(fitted.elbo(), swept.elbo());
    assertSamePosterior(fitted, swept, 0.0);
  }

  /** A saved and loaded prior fit (globals bitwise, no rows) gives bitwise the fit from the fitted one. */
  @Test
  void aLoadedPriorFitIsTheFittedOne() throws Exception {
    Table t = Table.read(Examples.data("gaussian-mixture", ".csv"));
    double[][] x = t.doubleRows(t.columnsOf("x"));
    Class<?> model = Examples.exampleClass("gaussian-mixture");
    Harness h = Harness.of(model);
    FitOptions o = CHECKED.withMaxIterations(200);
    FitResult a = h.fit(h.data(Map.of("x", Arrays.copyOfRange(x, 0, 150))), o);
    FitResult loaded = SaveLoadTest.load(model, new java.io.StringReader(SaveLoadTest.save(a)));
    Object b = h.data(Map.of("x", Arrays.copyOfRange(x, 150, x.length)));
    FitResult fromFitted = h.fit(b, o, a);
    FitResult fromLoaded = h.fit(b, o, loaded);
    assertEquals(fromFitted.elbo(), fromLoaded.elbo());
    assertEquals(fromFitted.iterations(), fromLoaded.iterations());
    assertSamePosterior(fromFitted, fromLoaded, 0.0);
  }

  /**
   * Every example with a global factor, updated by its own data a second time (B = A: valid
   * Bayesian updating, as if the rows had been seen twice), from 5 seeds in check mode: the ELBO
   * never decreases after any factor update and stays finite; and the ELBO {@code fit} records
   * without the check (the fused models' ELBO from log-normalisers) is the full one, sweep by sweep.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.vmodel.compiler.codegen.MonotoneElboTest#examples")
  void everyExampleIsMonotoneFromAPriorFit(String stem) {
    if (!Examples.example(stem).plan().hasGlobalFactors()) {
      return;
    }
    Class<?> model = Examples.exampleClass(stem);
    Table table = MonotoneElboTest.table(stem);
    Harness h = Harness.of(model);
    Object data = h.data(table);
    FitResult a = h.fit(data, FitOptions.defaults().withMaxIterations(40));
    for (int seed = 0; seed < 5; seed++) {
      FitOptions o = FitOptions.defaults().withSeed(seed).withMaxIterations(15).withTolerance(0).withThreads(1);
      double[] full;
      try {
        full = h.fit(data, o.withCheckMonotone(true), a).elboTrace();
      } catch (ElboDecreasedException e) {
        throw new AssertionError(stem + ", seed " + seed + ": " + e.getMessage(), e);
      }
      double[] fast = h.fit(data, o, a).elboTrace();
      // Tolerance 0 stops a fit when two ELBOs are bitwise equal, which the two formulas can reach
      // sweeps apart near a fixed point (a fit from its own posterior starts near one): compare the
      // sweeps both ran.
      int sweeps = Math.min(full.length, fast.length);
      assertTrue(sweeps >= 2, stem + ": " + full.length + " vs " + fast.length + " sweeps");
      for (int t = 0; t < sweeps; t++) {
        assertTrue(Double.isFinite(full[t]), stem + ", seed " + seed + ": ELBO " + full[t]);
        assertEquals(full[t], fast[t], 1e-10 * Math.max(1.0, Math.abs(full[t])), stem + ", sweep " + (t + 1));
      }
    }
  }

  @Test
  void poissonGammaFromItsFirstBatch() {
    int[] y = Table.read(Examples.data("poisson-gamma", ".csv")).ints("y");
    int half = 23;
    Harness h = Harness.of(Examples.exampleClass("poisson-gamma")).set("a", 2).set("b", 0.3);
    Fits f = fits(h, Map.of("y", ints(y, 0, half)), Map.of("y", ints(y, half, y.length)), Map.of("y", y), CHECKED);
    assertSamePosterior(f.together(), f.b(), REL);
    // Gamma-Poisson evidence: both ELBOs exact, so they add up to ln p(all).
    assertEquals(f.together().elbo(), f.a().elbo() + f.b().elbo(), 1e-10 * Math.abs(f.together().elbo()));
  }

  @Test
  void regressionWithKnownPrecisionsFromItsFirstBatch() {
    Table t = Table.read(Examples.data("linear-regression", ".csv"));
    double[][] x = t.doubleRows(t.columnsOf("X"));
    double[] y = t.doubles("y");
    int half = 41;
    Harness h = Harness.of(Examples.testModelClass("linear-regression-fixed.vmodel")).set("alpha", 0.3).set("tau", 3.5);
    Fits f = fits(h,
        Map.of("X", Arrays.copyOfRange(x, 0, half), "y", Arrays.copyOfRange(y, 0, half)),
        Map.of("X", Arrays.copyOfRange(x, half, y.length), "y", Arrays.copyOfRange(y, half, y.length)),
        Map.of("X", x, "y", y), CHECKED);
    assertSamePosterior(f.together(), f.b(), REL);
    assertEquals(f.together().elbo(), f.a().elbo() + f.b().elbo(), 1e-10 * Math.abs(f.together().elbo()));
  }

  /**
   * Hierarchical priors (w ~ MultiNormal(0, alpha I), alpha and tau latent): the update of
   * alpha from a prior fit keeps no term of p(w | alpha), which q_A replaces; the ELBO still
   * never decreases.
   */
  @Test
  void hierarchicalRegressionIsMonotoneFromAPriorFit() {
    Table t = Table.read(Examples.data("linear-regression", ".csv"));
    double[][] x = t.doubleRows(t.columnsOf("X"));
    double[] y = t.doubles("y");
    int half = 50;
    Harness h = Harness.of(Examples.exampleClass("linear-regression"));
    FitOptions o = CHECKED.withTolerance(1e-12).withMaxIterations(2000);
    Fits f = fits(h,
        Map.of("X", Arrays.copyOfRange(x, 0, half), "y", Arrays.copyOfRange(y, 0, half)),
        Map.of("X", Arrays.copyOfRange(x, half, y.length), "y", Arrays.copyOfRange(y, half, y.length)),
        Map.of("X", x, "y", y), o);
    assertTrue(f.b().converged());
    double[] trace = f.b().elboTrace();
    for (int i = 1; i < trace.length; i++) {
      assertTrue(trace[i] >= trace[i - 1] - 1e-9 * Math.abs(trace[i - 1]), "sweep " + (i + 1));
    }
  }

  /**
   * The Gaussian mixture is not exact under mean field (q(z) couples to the globals), so A then
   * B is only close to A and B together; the ELBO must still never decrease.
   */
  @Test
  void gaussianMixtureIsMonotoneAndCloseFromAPriorFit() {
    Table t = Table.read(Examples.data("gaussian-mixture", ".csv"));
    double[][] x = t.doubleRows(t.columnsOf("x"));
    int half = 200;
    Harness h = Harness.of(Examples.exampleClass("gaussian-mixture"));
    FitOptions o = CHECKED.withTolerance(1e-10).withMaxIterations(3000);
    Fits f = fits(h, Map.of("x", Arrays.copyOfRange(x, 0, half)), Map.of("x", Arrays.copyOfRange(x, half, x.length)),
        Map.of("x", x), o);
    assertTrue(f.b().converged(), "B from A did not converge");
    double[] wb = sortedWeights(f.b());
    double[] wt = sortedWeights(f.together());
    System.out.println("Gaussian mixture: weights, B from A " + Arrays.toString(wb) + "; A and B together "
        + Arrays.toString(wt) + "; ELBO A + B|A " + (f.a().elbo() + f.b().elbo()) + ", together "
        + f.together().elbo());
  }

  static double[] sortedWeights(FitResult r) {
    double[] w = r.posteriors().get("pi").mean().clone();
    Arrays.sort(w);
    return w;
  }

  @Test
  void aPriorFitWithOtherGlobalSizesIsRefusedNamingTheSize() {
    Table t = Table.read(Examples.data("gaussian-mixture", ".csv"));
    double[][] x = t.doubleRows(t.columnsOf("x"));
    FitResult six = Harness.of(Examples.exampleClass("gaussian-mixture")).fit(h6(x), FitOptions.defaults());
    Harness four = Harness.of(Examples.exampleClass("gaussian-mixture")).set("K", 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> four.fit(four.data(Map.of("x", x)), FitOptions.defaults(), six));
    assertTrue(e.getMessage().contains("size K is 6 in the prior fit but 4 here"), e.getMessage());
  }

  private static Object h6(double[][] x) {
    return Harness.of(Examples.exampleClass("gaussian-mixture")).data(Map.of("x", x));
  }

  /** The plan: the likelihood-only parameters keep the data and local latents' terms alone. */
  @Test
  void likelihoodParametersDropTheGlobalPriors() {
    var plan = Examples.example("linear-regression").plan();
    // q(alpha)'s only terms are p(alpha) and p(w | alpha): both priors of global latents.
    plan.update("alpha").likelihood().forEach(p -> assertTrue(p.value().terms().isEmpty(), p.toString()));
    // q(tau) keeps p(y | w, tau), and drops p(tau): no hyper a0 or b0 is left.
    var tau = plan.update("tau").likelihood();
    assertTrue(!tau.get(0).value().terms().isEmpty(), tau.toString());
    assertTrue(tau.stream().flatMap(p -> p.value().terms().stream()).flatMap(m -> m.atoms().stream())
        .noneMatch(a -> a instanceof dev.vmodel.compiler.algebra.Atom.Hyper), tau.toString());
    assertEquals(List.of(false, false, false), List.of(plan.batchTerm("alpha"), plan.batchTerm("w"),
        plan.batchTerm("tau")));
    assertTrue(plan.batchTerm("y"));
    var gmm = Examples.example("gaussian-mixture").plan();
    assertTrue(gmm.batchTerm("z"), "a local latent's density is a term of the batch");
    assertTrue(!gmm.update("pi").likelihood().get(0).value().terms().isEmpty(), "q(pi) keeps p(z | pi)");
  }
}
