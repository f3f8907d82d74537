package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.reference.LogisticMcmc;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.GammaPosterior;
import dev.vmodel.runtime.posterior.MultiNormalPosterior;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@code Bernoulli(logit: a)}: logistic regression with the exact expected log-likelihood, q(w) a
 * fixed-form Gaussian (non-conjugate VMP, Knowles and Minka 2011). Checked against what the
 * optimum of the ELBO over Gaussian q(w) must satisfy, written here from Opper and Archambeau
 * (2009) with a quadrature of the test's own (Simpson's rule, not the runtime's trapezoid): at a
 * stationary point, S^-1 = E[A] + sum_n E[s(a_n) (1 - s(a_n))] x_n x_n^T and E[A] m = sum_n (y_n -
 * E[s(a_n)]) x_n, with a_n ~ N(x_n^T m, x_n^T S x_n); against a Polya-Gamma Gibbs sampler; and
 * the ELBO never decreasing.
 */
class LogitLikelihoodTest {
  private static final Class<?> SHARED = Examples.testModelClass("logit-shared.vmodel");
  private static final Class<?> ARD = Examples.testModelClass("logit-ard.vmodel");

  private static FitResult fit(Class<?> model, Object[] d, FitOptions options, double a0, double b0) {
    Harness h = Harness.of(model).set("a0", a0).set("b0", b0);
    return h.fit(h.data(Map.of("X", d[0], "y", d[1])), options);
  }

  /** E[g(a)], a ~ N(m, v), Simpson's rule on m +- 12 sd with 4000 intervals. */
  private static double gauss(double m, double v, DoubleUnaryOperator g) {
    double sd = Math.sqrt(v);
    int n = 4000;
    double h = 24.0 / n;
    double sum = 0;
    for (int k = 0; k <= n; k++) {
      double z = -12 + k * h;
      double wt = k == 0 || k == n ? 1 : k % 2 == 1 ? 4 : 2;
      sum += wt * g.applyAsDouble(m + sd * z) * Math.exp(-0.5 * z * z);
    }
    return sum * h / 3 / Math.sqrt(2 * Math.PI);
  }

  private static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }

  @Test
  void sharedPrecisionReachesTheGaussianOptimum() {
    Object[] d = NonConjugateLikelihoodTest.logisticData(5, 200, new double[] {-0.4, 1.5, -2.0, 0.0});
    double[][] x = (double[][]) d[0];
    int[] y = (int[]) d[1];
    FitResult r = fit(SHARED, d, FitOptions.defaults().withTolerance(0).withMaxIterations(3000)
        .withCheckMonotone(false), 1.0, 1.0);
    MultiNormalPosterior w = (MultiNormalPosterior) Harness.call(r, "w");
    GammaPosterior alpha = (GammaPosterior) Harness.call(r, "alpha");
    int p = w.dim();
    double[] m = w.mean();
    double[] s = w.covariance();
    double[] grad = new double[p];
    double[] prec = new double[p * p];
    double trS = 0;
    double mm = 0;
    for (int i = 0; i < p; i++) {
      grad[i] = -alpha.mean() * m[i];
      prec[i * p + i] = alpha.mean();
      trS += s[i * p + i];
      mm += m[i] * m[i];
    }
    for (int n = 0; n < x.length; n++) {
      double mu = 0;
      double v = 0;
      for (int i = 0; i < p; i++) {
        mu += x[n][i] * m[i];
        for (int j = 0; j < p; j++) {
          v += x[n][i] * s[i * p + j] * x[n][j];
        }
      }
      double es = gauss(mu, v, LogitLikelihoodTest::sigmoid);
      double ess = gauss(mu, v, t -> sigmoid(t) * sigmoid(-t));
      for (int i = 0; i < p; i++) {
        grad[i] += (y[n] - es) * x[n][i];
        for (int j = 0; j < p; j++) {
          prec[i * p + j] += ess * x[n][i] * x[n][j];
        }
      }
    }
    for (int i = 0; i < p; i++) {
      assertEquals(0.0, grad[i], 1e-7, "dELBO/dm[" + i + "]");
      for (int j = 0; j < p; j++) {
        assertEquals(prec[i * p + j], w.precision()[i * p + j], 1e-7 * Math.abs(prec[i * p + i]),
            "S^-1[" + i + "," + j + "]");
      }
    }
    assertEquals(1.0 + 0.5 * p, alpha.shape(), 1e-12, "q(alpha) shape");
    // q(alpha) was updated before the last step of q(w) (the schedule is alpha, w): equal to its
    // fixed point to the same relative 1e-7 as the conditions on q(w).
    assertEquals(1.0 + 0.5 * (mm + trS), alpha.rate(), 1e-7 * alpha.rate(), "q(alpha) rate");
  }

  @Test
  void elboNeverDecreasesOnTwentySeeds() {
    for (long seed = 1; seed <= 20; seed++) {
      Object[] d = NonConjugateLikelihoodTest.logisticData(300 + seed, 50 + (int) seed * 9, new double[] {0.3, -1.0, 2.5, 0.0});
      for (Class<?> model : new Class<?>[] {SHARED, ARD}) {
        FitResult r = fit(model, d, FitOptions.defaults().withTolerance(1e-10).withMaxIterations(150)
            .withCheckMonotone(true).withSeed(seed), 1e-2, 1e-4);
        double[] trace = r.elboTrace();
        for (int i = 1; i < trace.length; i++) {
          assertTrue(trace[i] >= trace[i - 1] - 1e-9 * Math.abs(trace[i - 1]),
              model.getSimpleName() + " seed " + seed + ": ELBO " + trace[i - 1] + " -> " + trace[i]);
        }
        assertTrue(r.iterations() > 3, "a fit of several sweeps");
      }
    }
  }

  /**
   * Nearly separated data (large weights), where the Jaakkola-Jordan bound's q(w) is furthest from
   * the posterior: the exact expectation's posterior means are within 0.1 posterior sd of a long
   * Polya-Gamma Gibbs run, and closer than the bound's.
   */
  @Test
  void posteriorMeansAgreeWithGibbsSampling() {
    double[] truth = {0.5, 4.0, -3.0, 2.0};
    Object[] d = NonConjugateLikelihoodTest.logisticData(17, 150, truth);
    double[][] x = (double[][]) d[0];
    int[] y = (int[]) d[1];
    FitOptions exact = FitOptions.defaults().withTolerance(0).withMaxIterations(5000).withCheckMonotone(false);
    MultiNormalPosterior w = (MultiNormalPosterior) Harness.call(fit(SHARED, d, exact, 1.0, 1.0), "w");
    Class<?> bound = Examples.testModelClass("logistic-shared.vmodel");
    MultiNormalPosterior jj = (MultiNormalPosterior) Harness.call(fit(bound, d, exact, 1.0, 1.0), "w");
    LogisticMcmc.Result mc = LogisticMcmc.run(x, y, 1.0, 1.0, false, 2000, 20000, 11);
    assertTrue(mc.minEss() > 1000, "effective sample size " + mc.minEss());
    double worstExact = 0;
    double worstBound = 0;
    for (int i = 0; i < truth.length; i++) {
      worstExact = Math.max(worstExact, Math.abs(w.mean(i) - mc.mean()[i]) / mc.sd()[i]);
      worstBound = Math.max(worstBound, Math.abs(jj.mean(i) - mc.mean()[i]) / mc.sd()[i]);
    }
    assertTrue(worstExact <= 0.1, "exact expectation: " + worstExact + " posterior sds from Gibbs");
    assertTrue(worstExact < worstBound, "exact " + worstExact + " against the bound's " + worstBound);
  }

  /** A mixture of two logistic experts (a gate z[n] in the logit): the ELBO never decreases, on 3 seeds. */
  @Test
  void mixtureOfExpertsElboNeverDecreases() {
    Class<?> model = Examples.testModelClass("logit-experts.vmodel");
    for (long seed = 1; seed <= 3; seed++) {
      SplittableRandom rng = new SplittableRandom(seed);
      int n = 300;
      double[][] x = new double[n][3];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        x[i] = new double[] {1, rng.nextDouble() * 4 - 2, rng.nextDouble() * 4 - 2};
        double a = rng.nextBoolean() ? 1 + 3 * x[i][1] : -1 - 3 * x[i][2];
        y[i] = rng.nextDouble() < sigmoid(a) ? 1 : 0;
      }
      Harness h = Harness.of(model);
      FitResult r = h.fit(h.data(Map.of("x", x, "y", y)),
          FitOptions.defaults().withTolerance(1e-9).withMaxIterations(300).withCheckMonotone(true).withSeed(seed));
      double[] trace = r.elboTrace();
      for (int i = 1; i < trace.length; i++) {
        assertTrue(trace[i] >= trace[i - 1] - 1e-9 * Math.abs(trace[i - 1]),
            "experts seed " + seed + ": ELBO " + trace[i - 1] + " -> " + trace[i]);
      }
      assertTrue(r.iterations() > 3, "a fit of several sweeps");
    }
  }

  /**
   * A missing label (-1) drops out: the fit equals the fit of the labelled rows alone (its term is
   * multiplied by 0, which sums p(y | a) over y); and the predictive P(y = 1) of a row is
   * E_q[logistic(w'x)], checked with the test's Simpson rule.
   */
  @Test
  void missingLabelsDropOutAndThePredictiveIsTheLogisticsGaussianAverage() {
    Object[] d = NonConjugateLikelihoodTest.logisticData(23, 150, new double[] {0.4, -1.2, 2.0});
    double[][] x = (double[][]) d[0];
    int[] y = (int[]) d[1];
    int[] holed = y.clone();
    java.util.List<Integer> keep = new java.util.ArrayList<>();
    for (int n = 0; n < y.length; n++) {
      if (n % 3 == 1) {
        holed[n] = -1;
      } else {
        keep.add(n);
      }
    }
    double[][] keptX = keep.stream().map(n -> x[n]).toArray(double[][]::new);
    int[] keptY = keep.stream().mapToInt(n -> y[n]).toArray();
    FitOptions o = FitOptions.defaults().withTolerance(0).withMaxIterations(400).withCheckMonotone(true);
    FitResult withHoles = fit(SHARED, new Object[] {x, holed}, o, 2.0, 0.5);
    FitResult kept = fit(SHARED, new Object[] {keptX, keptY}, o, 2.0, 0.5);
    MultiNormalPosterior w = (MultiNormalPosterior) Harness.call(withHoles, "w");
    MultiNormalPosterior w2 = (MultiNormalPosterior) Harness.call(kept, "w");
    for (int i = 0; i < 3; i++) {
      assertEquals(w2.mean(i), w.mean(i), 1e-10 * Math.max(1, Math.abs(w2.mean(i))), "E[w[" + i + "]]");
    }
    assertEquals(kept.elbo(), withHoles.elbo(), 1e-10 * Math.abs(kept.elbo()), "ELBO");
    double[] cov = w.covariance();
    for (int n = 0; n < 12; n++) {
      double m = 0;
      double v = 0;
      for (int i = 0; i < 3; i++) {
        m += w.mean(i) * x[n][i];
        for (int j = 0; j < 3; j++) {
          v += x[n][i] * cov[i * 3 + j] * x[n][j];
        }
      }
      double p = (double) Harness.call(withHoles, "predictY", n);
      assertEquals(gauss(m, v, LogitLikelihoodTest::sigmoid), p, 1e-10, "P(y[" + n + "] = 1)");
      assertEquals(p * (1 - p), (double) Harness.call(withHoles, "predictVarianceY", n), 1e-15, "Var(y[" + n + "])");
    }
  }
}
