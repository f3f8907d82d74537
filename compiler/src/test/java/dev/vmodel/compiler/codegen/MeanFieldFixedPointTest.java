package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.GammaPosterior;
import dev.vmodel.runtime.posterior.NormalPosterior;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Models with several factors, whose mean-field optimum is a fixed point of coupled updates:
 * the fixed-point equations are derived by hand here (from the textbook, not from the plan),
 * iterated independently, and compared with the generated code's converged posterior. The ELBO
 * at the optimum is computed from its definition as well.
 */
class MeanFieldFixedPointTest {
  static final double TOL = 1e-8;
  /** Converged means: the ELBO no longer moves at all (or after many sweeps). */
  static final FitOptions TIGHT = FitOptions.defaults().withTolerance(0).withMaxIterations(500)
      .withCheckMonotone(true);

  /**
   * PRML 10.1.3: tau ~ Gamma(a0, b0), mu ~ Normal(mu0, lambda0 tau), x[n] ~ Normal(mu, tau),
   * q(mu) q(tau). Equations (10.26), (10.27), (10.29), (10.30):
   *
   * <pre>
   * q(mu)  = Normal(muN, lambdaN),  muN = (lambda0 mu0 + N xbar) / (lambda0 + N),
   *                                 lambdaN = (lambda0 + N) E[tau]
   * q(tau) = Gamma(aN, bN),         aN = a0 + (N + 1) / 2,
   *                                 bN = b0 + E_mu[sum_n (x[n] - mu)^2 + lambda0 (mu - mu0)^2] / 2
   * </pre>
   */
  @Test
  void normalGammaReachesThePrmlFixedPoint() {
    double[] x = Table.read(Examples.data("normal-gamma", ".csv")).doubles("x");
    double mu0 = 0.5;
    double lambda0 = 2;
    double a0 = 1.5;
    double b0 = 0.8;
    int n = x.length;
    double sum = 0;
    double sumSq = 0;
    for (double v : x) {
      sum += v;
      sumSq += v * v;
    }
    double muN = (lambda0 * mu0 + sum) / (lambda0 + n);
    double aN = a0 + (n + 1) / 2.0;
    double bN = b0;
    double lambdaN = 0;
    for (int it = 0; it < 1000; it++) {
      lambdaN = (lambda0 + n) * aN / bN;
      double eMu2 = muN * muN + 1 / lambdaN;
      double next = b0 + 0.5 * (sumSq - 2 * muN * sum + n * eMu2 + lambda0 * (eMu2 - 2 * mu0 * muN + mu0 * mu0));
      if (next == bN) {
        break;
      }
      bN = next;
    }
    lambdaN = (lambda0 + n) * aN / bN;

    FitResult r = Harness.of(Examples.exampleClass("normal-gamma")).set("mu0", mu0).set("lambda0", lambda0)
        .set("a0", a0).set("b0", b0).fit(Table.read(Examples.data("normal-gamma", ".csv")), TIGHT);
    NormalPosterior mu = (NormalPosterior) Harness.call(r, "mu");
    GammaPosterior tau = (GammaPosterior) Harness.call(r, "tau");
    assertEquals(muN, mu.mean(), TOL * Math.abs(muN));
    assertEquals(lambdaN, mu.precision(), TOL * lambdaN);
    assertEquals(aN, tau.shape(), TOL * aN);
    assertEquals(bN, tau.rate(), TOL * bN);

    // The ELBO from its definition: E[ln p(x | mu, tau)] + E[ln p(mu | tau)] + E[ln p(tau)] + H[q].
    double eTau = aN / bN;
    double eLnTau = Numerics.digamma(aN) - Math.log(bN);
    double eMu2 = muN * muN + 1 / lambdaN;
    double ln2pi = Math.log(2 * Math.PI);
    double likelihood = n / 2.0 * (eLnTau - ln2pi) - eTau / 2 * (sumSq - 2 * muN * sum + n * eMu2);
    double muPrior = 0.5 * (Math.log(lambda0) + eLnTau - ln2pi) - lambda0 * eTau / 2 * (eMu2 - 2 * mu0 * muN
        + mu0 * mu0);
    double tauPrior = a0 * Math.log(b0) - Numerics.lnGamma(a0) + (a0 - 1) * eLnTau - b0 * eTau;
    double hMu = 0.5 * (1 + ln2pi - Math.log(lambdaN));
    double hTau = aN - Math.log(bN) + Numerics.lnGamma(aN) + (1 - aN) * Numerics.digamma(aN);
    assertEquals(likelihood + muPrior + tauPrior + hMu + hTau, r.elbo(), TOL * Math.abs(r.elbo()));
  }

  /** With the default hypers, the truth file's mean-field fixed point (written to 12 digits). */
  @Test
  void normalGammaMatchesTheTruthFile() {
    Map<String, Object> truth = Json.read(Examples.data("normal-gamma", ".truth.json"));
    FitResult r = Harness.of(Examples.exampleClass("normal-gamma"))
        .fit(Table.read(Examples.data("normal-gamma", ".csv")), TIGHT);
    NormalPosterior mu = (NormalPosterior) Harness.call(r, "mu");
    GammaPosterior tau = (GammaPosterior) Harness.call(r, "tau");
    assertEquals(Json.number(truth, "mean_field", "q_mu", "mean"), mu.mean(), 1e-10);
    assertEquals(Json.number(truth, "mean_field", "q_mu", "precision"), mu.precision(), 1e-8);
    assertEquals(Json.number(truth, "mean_field", "q_tau", "shape"), tau.shape(), 1e-10);
    assertEquals(Json.number(truth, "mean_field", "q_tau", "rate"), tau.rate(), 1e-9);
  }

  /**
   * Eight schools: mu ~ Normal(mu0, lambda0), tau ~ Gamma(a, b), theta[j] ~ Normal(mu, tau),
   * y[j] ~ Normal(theta[j], sd: sigma[j]), q(mu) q(tau) prod_j q(theta[j]):
   *
   * <pre>
   * q(mu)       = Normal(m, l),   l = lambda0 + J E[tau],  m = (lambda0 mu0 + E[tau] sum_j E[theta[j]]) / l
   * q(tau)      = Gamma(A, B),    A = a + J / 2,  B = b + sum_j E[(theta[j] - mu)^2] / 2
   * q(theta[j]) = Normal(t[j], p[j]),  p[j] = E[tau] + 1 / sigma[j]^2,
   *                                    t[j] = (E[tau] E[mu] + y[j] / sigma[j]^2) / p[j]
   * </pre>
   *
   * iterated in the generated schedule (mu, tau, theta) from the prior.
   */
  @Test
  void eightSchoolsReachesTheMeanFieldFixedPoint() {
    Table t = Table.read(Examples.data("eight-schools", ".csv"));
    double[] y = t.doubles("y");
    double[] sigma = t.doubles("sigma");
    int nj = y.length;
    double mu0 = 0;
    double lambda0 = 1e-4;
    double a = 1;
    double b = 25;
    double[] tm = new double[nj];
    double[] tp = new double[nj];
    double m = mu0;
    double l = lambda0;
    double shape = a;
    double rate = b;
    for (int j = 0; j < nj; j++) {
      tp[j] = a / b;
      tm[j] = mu0;
    }
    for (int it = 0; it < 100000; it++) {
      double eTau = shape / rate;
      l = lambda0 + nj * eTau;
      double sumT = 0;
      for (int j = 0; j < nj; j++) {
        sumT += tm[j];
      }
      m = (lambda0 * mu0 + eTau * sumT) / l;
      double dev = 0;
      for (int j = 0; j < nj; j++) {
        dev += tm[j] * tm[j] + 1 / tp[j] - 2 * tm[j] * m + m * m + 1 / l;
      }
      shape = a + nj / 2.0;
      double nextRate = b + dev / 2;
      eTau = shape / nextRate;
      for (int j = 0; j < nj; j++) {
        double s2 = sigma[j] * sigma[j];
        tp[j] = eTau + 1 / s2;
        tm[j] = (eTau * m + y[j] / s2) / tp[j];
      }
      if (Math.abs(nextRate - rate) <= 1e-15 * rate) {
        rate = nextRate;
        break;
      }
      rate = nextRate;
    }

    FitResult r = Harness.of(Examples.exampleClass("eight-schools")).fit(t,
        FitOptions.defaults().withTolerance(0).withMaxIterations(20000));
    NormalPosterior mu = (NormalPosterior) Harness.call(r, "mu");
    GammaPosterior tau = (GammaPosterior) Harness.call(r, "tau");
    assertEquals(m, mu.mean(), 1e-6 * Math.abs(m), "E[mu]");
    assertEquals(l, mu.precision(), 1e-6 * l, "precision of mu");
    assertEquals(shape, tau.shape(), 1e-12, "shape of tau");
    assertEquals(rate, tau.rate(), 1e-6 * rate, "rate of tau");
    for (int j = 0; j < nj; j++) {
      NormalPosterior theta = (NormalPosterior) Harness.call(r, "theta", j);
      assertEquals(tm[j], theta.mean(), 1e-6 * Math.max(1, Math.abs(tm[j])), "E[theta[" + j + "]]");
      assertEquals(tp[j], theta.precision(), 1e-6 * tp[j], "precision of theta[" + j + "]");
      // Partial pooling: every school's effect is pulled from y[j] towards E[mu].
      assertTrue(Math.abs(theta.mean() - mu.mean()) < Math.abs(y[j] - mu.mean()) + 1e-12, "school " + j);
    }
  }
}
