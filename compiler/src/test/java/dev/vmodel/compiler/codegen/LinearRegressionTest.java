package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.GammaPosterior;
import dev.vmodel.runtime.posterior.MultiNormalPosterior;
import org.junit.jupiter.api.Test;

/**
 * Linear regression. With alpha and tau fixed (src/test/resources/codegen/
 * linear-regression-fixed.vmodel) q(w) is the exact posterior: precision S^-1 = alpha I + tau
 * X^T X and mean m = tau S X^T y, from the normal equations solved here; the ELBO is the log
 * evidence of PRML (3.86). With alpha and tau latent (the example), the fit is checked to be a
 * fixed point of PRML's variational updates (10.3, with tau unknown).
 */
class LinearRegressionTest {
  static final double TOL = 1e-8;

  @Test
  void fixedHypersGiveTheExactGaussianPosterior() {
    Table t = Table.read(Examples.data("linear-regression", ".csv"));
    double[][] x = t.doubleRows(t.columnsOf("X"));
    double[] y = t.doubles("y");
    int n = y.length;
    int p = x[0].length;
    double alpha = 0.3;
    double tau = 3.5;
    double[] precision = precision(x, alpha, tau);
    double[] mean = mean(x, y, precision, tau);

    FitResult r = Harness.of(Examples.testModelClass("linear-regression-fixed.vmodel")).set("alpha", alpha)
        .set("tau", tau).fit(t, FitOptions.defaults().withCheckMonotone(true));
    MultiNormalPosterior w = (MultiNormalPosterior) Harness.call(r, "w");
    for (int i = 0; i < p; i++) {
      assertEquals(mean[i], w.mean(i), TOL * Math.max(1, Math.abs(mean[i])), "E[w[" + i + "]]");
      for (int j = 0; j < p; j++) {
        assertEquals(precision[i * p + j], w.precision()[i * p + j], TOL * precision[i * p + i],
            "precision[" + i + "," + j + "]");
      }
    }
    // PRML (3.86): ln p(y) = P/2 ln alpha + N/2 ln tau - E(m) - ln|S^-1| / 2 - N/2 ln 2pi,
    // E(m) = tau/2 |y - X m|^2 + alpha/2 m^T m.
    double residual = 0;
    for (int r2 = 0; r2 < n; r2++) {
      double e = y[r2] - Numerics.dot(x[r2], mean);
      residual += e * e;
    }
    double energy = tau / 2 * residual + alpha / 2 * Numerics.dot(mean, mean);
    double evidence = p / 2.0 * Math.log(alpha) + n / 2.0 * Math.log(tau) - energy
        - Numerics.lnDet(precision, p) / 2 - n / 2.0 * Math.log(2 * Math.PI);
    assertEquals(evidence, r.elbo(), TOL * Math.abs(evidence));
  }

  /**
   * The example, alpha and tau latent: at convergence q(w) = Normal with precision E[alpha] I
   * + E[tau] X^T X and mean E[tau] S X^T y, q(alpha) = Gamma(a0 + P/2, b0 + E[w^T w]/2), q(tau) =
   * Gamma(c0 + N/2, d0 + E[|y - X w|^2]/2) (PRML 10.92-10.101 with tau unknown).
   */
  @Test
  void latentPrecisionsReachTheVariationalFixedPoint() {
    Table t = Table.read(Examples.data("linear-regression", ".csv"));
    double[][] x = t.doubleRows(t.columnsOf("X"));
    double[] y = t.doubles("y");
    int n = y.length;
    int p = x[0].length;
    FitResult r = Harness.of(Examples.exampleClass("linear-regression")).fit(t,
        FitOptions.defaults().withTolerance(0).withMaxIterations(2000).withCheckMonotone(true));
    MultiNormalPosterior w = (MultiNormalPosterior) Harness.call(r, "w");
    GammaPosterior alpha = (GammaPosterior) Harness.call(r, "alpha");
    GammaPosterior tau = (GammaPosterior) Harness.call(r, "tau");
    double eAlpha = alpha.mean();
    double eTau = tau.mean();
    double[] precision = precision(x, eAlpha, eTau);
    double[] mean = mean(x, y, precision, eTau);
    for (int i = 0; i < p; i++) {
      assertEquals(mean[i], w.mean(i), 1e-7 * Math.max(1, Math.abs(mean[i])), "E[w[" + i + "]]");
      for (int j = 0; j < p; j++) {
        assertEquals(precision[i * p + j], w.precision()[i * p + j], 1e-7 * precision[i * p + i]);
      }
    }
    double[] cov = w.covariance();
    double eww = 0;
    for (int i = 0; i < p; i++) {
      eww += w.mean(i) * w.mean(i) + cov[i * p + i];
    }
    assertEquals(1e-2 + p / 2.0, alpha.shape(), 1e-12);
    assertEquals(1e-4 + eww / 2, alpha.rate(), 1e-7 * alpha.rate());
    double sq = 0;
    for (int k = 0; k < n; k++) {
      double e = y[k] - Numerics.dot(x[k], w.mean());
      double quad = 0;
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < p; j++) {
          quad += x[k][i] * cov[i * p + j] * x[k][j];
        }
      }
      sq += e * e + quad;
    }
    assertEquals(1e-2 + n / 2.0, tau.shape(), 1e-12);
    assertEquals(1e-4 + sq / 2, tau.rate(), 1e-7 * tau.rate());
    // And the weights are near the generating ones (0.5, 2, -1), noise precision near 4.
    double[] truth = Json.vector(Json.read(Examples.data("linear-regression", ".truth.json")), "w");
    for (int i = 0; i < p; i++) {
      assertTrue(Math.abs(w.mean(i) - truth[i]) < 3 * Math.sqrt(cov[i * p + i]) + 0.05, "w[" + i + "]");
    }
  }

  /** alpha I + tau X^T X, row-major. */
  static double[] precision(double[][] x, double alpha, double tau) {
    int p = x[0].length;
    double[] out = new double[p * p];
    for (int i = 0; i < p; i++) {
      out[i * p + i] = alpha;
      for (double[] row : x) {
        for (int j = 0; j < p; j++) {
          out[i * p + j] += tau * row[i] * row[j];
        }
      }
    }
    return out;
  }

  /** The solution m of the normal equations (alpha I + tau X^T X) m = tau X^T y. */
  static double[] mean(double[][] x, double[] y, double[] precision, double tau) {
    int p = x[0].length;
    double[] rhs = new double[p];
    for (int r = 0; r < y.length; r++) {
      for (int i = 0; i < p; i++) {
        rhs[i] += tau * x[r][i] * y[r];
      }
    }
    return Numerics.solve(precision, rhs, p);
  }
}
