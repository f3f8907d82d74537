package dev.vmodel.compiler.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.SpecialFunctions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Models whose optimal factor is the exact posterior: after coordinate ascent the interpreter's
 * q must equal the conjugate posterior computed here from the data in closed form, and its ELBO
 * the exact log evidence ln p(X) (the KL term vanishes). Every closed form is written out in this
 * test from textbook formulas (cited), not from the plan. Where a truth file states the
 * posterior, it is checked as well.
 *
 * <p>Tolerances: parameters 1e-10 relative (they are sums of data, a handful of roundings); log
 * evidence 1e-8 absolute, as asked (the values are O(100), double rounding is ~1e-13).
 */
class ExactPosteriorTest {
  private static final double EVIDENCE_TOL = 1e-8;

  private static Interpreter fit(Interpreter in) {
    in.randomize(42);
    List<Double> trace = in.run(200, 1e-15);
    assertTrue(trace.size() < 200, "did not converge: " + trace);
    return in;
  }

  private static void rel(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-10 * Math.max(1, Math.abs(expected)), what);
  }

  private static double lnBeta(double a, double b) {
    return SpecialFunctions.lnGamma(a) + SpecialFunctions.lnGamma(b) - SpecialFunctions.lnGamma(a + b);
  }

  /** ln Gamma_D(a) = D(D-1)/4 ln pi + sum_{i=1..D} ln Gamma(a + (1 - i)/2) (PRML B.81 normaliser). */
  private static double lnMultiGamma(int d, double a) {
    double s = 0.25 * d * (d - 1) * Math.log(Math.PI);
    for (int i = 1; i <= d; i++) {
      s += SpecialFunctions.lnGamma(a + 0.5 * (1 - i));
    }
    return s;
  }

  private static double[] column(Interpreter in, String var) {
    return in.data.array(var).values();
  }

  @Test
  void coinIsBetaBernoulli() {
    Interpreter in = fit(Examples.load("coin", ModelData.Options.all()));
    double a = 1;
    double b = 1;
    double n = 0;
    double s = 0;
    for (double y : column(in, "y")) {
      n++;
      s += y;
    }
    Q.BetaQ q = (Q.BetaQ) in.state.factor("p").elements[0];
    rel(a + s, q.a, "a");
    rel(b + n - s, q.b, "b");
    Truth t = Truth.of("coin");
    rel(t.number("posterior", "a"), q.a, "truth a");
    rel(t.number("posterior", "b"), q.b, "truth b");
    // ln p(y) = ln B(a + s, b + N - s) - ln B(a, b) (PRML 2.1.1).
    assertEquals(lnBeta(a + s, b + n - s) - lnBeta(a, b), in.elbo(), EVIDENCE_TOL);
  }

  @Test
  void poissonGammaIsExact() {
    Interpreter in = fit(Examples.load("poisson-gamma", ModelData.Options.all()));
    double a = 1;
    double b = 0.1;
    double n = 0;
    double s = 0;
    double lnFact = 0;
    for (double y : column(in, "y")) {
      n++;
      s += y;
      lnFact += SpecialFunctions.lnGamma(y + 1);
    }
    Q.GammaQ q = (Q.GammaQ) in.state.factor("lambda").elements[0];
    rel(a + s, q.a, "shape");
    rel(b + n, q.b, "rate");
    Truth t = Truth.of("poisson-gamma");
    rel(t.number("posterior", "shape"), q.a, "truth shape");
    rel(t.number("posterior", "rate"), q.b, "truth rate");
    // Negative binomial marginal (BDA3 2.6): a ln b - lnG(a) + lnG(a + S) - (a + S) ln(b + N) - sum ln y!.
    double evidence = a * Math.log(b) - SpecialFunctions.lnGamma(a) + SpecialFunctions.lnGamma(a + s)
        - (a + s) * Math.log(b + n) - lnFact;
    assertEquals(evidence, in.elbo(), EVIDENCE_TOL);
  }

  @Test
  void exponentialGammaIsExact() {
    Interpreter in = fit(Examples.load("exponential-gamma", ModelData.Options.all()));
    double a = 1;
    double b = 1;
    double n = 0;
    double s = 0;
    for (double x : column(in, "x")) {
      n++;
      s += x;
    }
    Q.GammaQ q = (Q.GammaQ) in.state.factor("lambda").elements[0];
    rel(a + n, q.a, "shape");
    rel(b + s, q.b, "rate");
    Truth t = Truth.of("exponential-gamma");
    rel(t.number("posterior", "shape"), q.a, "truth shape");
    assertEquals(t.number("posterior", "rate"), q.b, 1e-6, "truth rate (7 decimals in the file)");
    // p(x) = b^a / G(a) * G(a + N) / (b + S)^(a + N) (BDA3 2.6).
    double evidence = a * Math.log(b) - SpecialFunctions.lnGamma(a) + SpecialFunctions.lnGamma(a + n)
        - (a + n) * Math.log(b + s);
    assertEquals(evidence, in.elbo(), EVIDENCE_TOL);
  }

  @Test
  void betaBinomialIncludesBinomialCoefficients() {
    Interpreter in = fit(Examples.load("beta-binomial", ModelData.Options.all()));
    double a = 1;
    double b = 1;
    double[] y = column(in, "y");
    double[] trials = column(in, "trials");
    double s = 0;
    double f = 0;
    double lnChoose = 0;
    for (int i = 0; i < y.length; i++) {
      s += y[i];
      f += trials[i] - y[i];
      lnChoose += SpecialFunctions.lnGamma(trials[i] + 1) - SpecialFunctions.lnGamma(y[i] + 1)
          - SpecialFunctions.lnGamma(trials[i] - y[i] + 1);
    }
    Q.BetaQ q = (Q.BetaQ) in.state.factor("p").elements[0];
    rel(a + s, q.a, "a");
    rel(b + f, q.b, "b");
    Truth t = Truth.of("beta-binomial");
    rel(t.number("posterior", "a"), q.a, "truth a");
    rel(t.number("posterior", "b"), q.b, "truth b");
    // Beta-binomial marginal: sum ln C(n_i, y_i) + ln B(a + S, b + F) - ln B(a, b).
    assertEquals(lnChoose + lnBeta(a + s, b + f) - lnBeta(a, b), in.elbo(), EVIDENCE_TOL);
  }

  @Test
  void dirichletMultinomialIsExact() {
    Interpreter in = fit(Examples.load("dirichlet-multinomial", ModelData.Options.all()));
    int k = in.data.size("K");
    int n = in.data.size("N");
    double alpha = 1;
    double[] post = new double[k];
    double[] prior = new double[k];
    double coef = 0;
    ModelData.DataArray counts = in.data.array("counts");
    ModelData.DataArray trials = in.data.array("trials");
    for (int c = 0; c < k; c++) {
      prior[c] = alpha;
      post[c] = alpha;
    }
    for (int r = 0; r < n; r++) {
      coef += SpecialFunctions.lnGamma(trials.get(r) + 1);
      for (int c = 0; c < k; c++) {
        post[c] += counts.get(r, c);
        coef -= SpecialFunctions.lnGamma(counts.get(r, c) + 1);
      }
    }
    Q.DirichletQ q = (Q.DirichletQ) in.state.factor("p").elements[0];
    assertArrayEquals(post, q.alpha, 1e-10);
    assertArrayEquals(Truth.of("dirichlet-multinomial").array("posterior", "alpha"), q.alpha, 1e-10);
    // Dirichlet-multinomial marginal (BDA3 3.4): multinomial coefficients + ln B(alpha + C) - ln B(alpha).
    double evidence = coef + lnMultiBeta(post) - lnMultiBeta(prior);
    assertEquals(evidence, in.elbo(), EVIDENCE_TOL);
  }

  private static double lnMultiBeta(double[] a) {
    double s = 0;
    double t = 0;
    for (double x : a) {
      s += SpecialFunctions.lnGamma(x);
      t += x;
    }
    return s - SpecialFunctions.lnGamma(t);
  }

  @Test
  void normalVarianceIsInverseGamma() {
    Interpreter in = fit(Examples.load("normal-variance", ModelData.Options.all()));
    double m = 10;
    double a0 = 1;
    double b0 = 1;
    double n = 0;
    double ss = 0;
    for (double x : column(in, "x")) {
      n++;
      ss += (x - m) * (x - m);
    }
    double an = a0 + n / 2;
    double bn = b0 + ss / 2;
    Q.InvGammaQ q = (Q.InvGammaQ) in.state.factor("s2").elements[0];
    rel(an, q.a, "shape");
    rel(bn, q.s, "scale");
    Truth t = Truth.of("normal-variance");
    rel(t.number("posterior", "shape"), q.a, "truth shape");
    assertEquals(t.number("posterior", "scale"), q.s, 1e-7, "truth scale (9 decimals in the file)");
    // p(x) = (2 pi)^(-N/2) b0^a0 / G(a0) * G(a_N) / b_N^a_N (BDA3 2.6, known mean).
    double evidence = -0.5 * n * Math.log(2 * Math.PI) + a0 * Math.log(b0) - SpecialFunctions.lnGamma(a0)
        + SpecialFunctions.lnGamma(an) - an * Math.log(bn);
    assertEquals(evidence, in.elbo(), EVIDENCE_TOL);
  }

  /**
   * PRML 10.1.3 with the factorised q(mu) q(tau): the fixed point of (10.26)-(10.30) in closed
   * form. With t = E[tau], q(mu) = N(mu_N, ((lambda0 + N) t)^-1), mu_N = (lambda0 mu0 + N xbar) /
   * (lambda0 + N), and b_N = b0 + C/2 + 1/(2t) with C = sum (x - mu_N)^2 + lambda0 (mu_N - mu0)^2,
   * so t = a_N / b_N gives t = (a0 + N/2) / (b0 + C/2), a_N = a0 + (N + 1)/2.
   */
  @Test
  void normalGammaReachesThePrmlFixedPoint() {
    Interpreter in = fit(Examples.load("normal-gamma", ModelData.Options.all()));
    double mu0 = 0;
    double lambda0 = 1;
    double a0 = 1;
    double b0 = 1;
    double[] x = column(in, "x");
    double n = x.length;
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    double muN = (lambda0 * mu0 + sum) / (lambda0 + n);
    double c = lambda0 * (muN - mu0) * (muN - mu0);
    for (double v : x) {
      c += (v - muN) * (v - muN);
    }
    double t = (a0 + n / 2) / (b0 + c / 2);
    double aN = a0 + (n + 1) / 2;
    double bN = aN / t;
    double lambdaN = (lambda0 + n) * t;
    Q.NormalQ qmu = (Q.NormalQ) in.state.factor("mu").elements[0];
    Q.GammaQ qtau = (Q.GammaQ) in.state.factor("tau").elements[0];
    assertEquals(muN, qmu.m, 1e-10);
    assertEquals(lambdaN, qmu.prec, 1e-9 * lambdaN);
    assertEquals(aN, qtau.a, 1e-10 * aN);
    assertEquals(bN, qtau.b, 1e-9 * bN);
    Truth truth = Truth.of("normal-gamma");
    assertEquals(truth.number("q_mu", "mean"), qmu.m, 1e-9);
    assertEquals(truth.number("q_mu", "precision"), qmu.prec, 1e-6);
    assertEquals(truth.number("q_tau", "shape"), qtau.a, 1e-9);
    assertEquals(truth.number("q_tau", "rate"), qtau.b, 1e-7);
    // The mean-field bound is strictly below the exact log evidence of the Normal-Gamma model.
    assertTrue(in.elbo() < normalGammaEvidence(x, mu0, lambda0, a0, b0), "ELBO above ln p(x)");
  }

  /** ln p(x) of the Normal-Gamma model (Murphy 2007, eq. 95). */
  private static double normalGammaEvidence(double[] x, double mu0, double lambda0, double a0, double b0) {
    double n = x.length;
    double sum = 0;
    double sq = 0;
    for (double v : x) {
      sum += v;
      sq += v * v;
    }
    double lambdaN = lambda0 + n;
    double muN = (lambda0 * mu0 + sum) / lambdaN;
    double aN = a0 + n / 2;
    double bN = b0 + 0.5 * (sq + lambda0 * mu0 * mu0 - lambdaN * muN * muN);
    return SpecialFunctions.lnGamma(aN) - SpecialFunctions.lnGamma(a0) + a0 * Math.log(b0) - aN * Math.log(bN)
        + 0.5 * Math.log(lambda0 / lambdaN) - 0.5 * n * Math.log(2 * Math.PI);
  }

  @Test
  void groupedNormalGammaIsTheExactPosterior() {
    Interpreter in = fit(EvalModels.resource("normal-gamma-grouped", "normal-gamma.csv", ModelData.Options.all()));
    double mu0 = 0.5;
    double lambda0 = 2;
    double a0 = 1.5;
    double b0 = 0.8;
    double[] x = column(in, "x");
    double n = x.length;
    double sum = 0;
    double sq = 0;
    for (double v : x) {
      sum += v;
      sq += v * v;
    }
    double beta = lambda0 + n;
    double m = (lambda0 * mu0 + sum) / beta;
    double a = a0 + n / 2;
    double b = b0 + 0.5 * (sq + lambda0 * mu0 * mu0 - beta * m * m);
    Q.NormalGammaQ q = (Q.NormalGammaQ) in.state.factor("mu, tau").elements[0];
    rel(m, q.m, "m");
    rel(beta, q.beta, "beta");
    rel(a, q.a, "a");
    rel(b, q.b, "b");
    assertEquals(normalGammaEvidence(x, mu0, lambda0, a0, b0), in.elbo(), EVIDENCE_TOL);
  }

  /**
   * Regression with alpha and tau fixed: S_N^-1 = alpha I + tau X^T X, m_N = tau S_N X^T y (PRML
   * 3.53-3.54); ln p(y) = ln N(y | 0, tau^-1 I + alpha^-1 X X^T), computed from the N x N marginal
   * covariance, independently of the posterior.
   */
  @Test
  void fixedPrecisionRegressionIsTheExactGaussianPosterior() {
    Interpreter in = fit(EvalModels.resource("linear-regression-fixed", "linear-regression.csv", ModelData.Options.all()));
    double alpha = 2;
    double tau = 4;
    int n = in.data.size("N");
    int p = in.data.size("P");
    ModelData.DataArray xs = in.data.array("X");
    double[] y = column(in, "y");
    double[][] sInv = new double[p][p];
    double[] xty = new double[p];
    for (int i = 0; i < p; i++) {
      sInv[i][i] = alpha;
      for (int r = 0; r < n; r++) {
        xty[i] += xs.get(r, i) * y[r];
        for (int j = 0; j < p; j++) {
          sInv[i][j] += tau * xs.get(r, i) * xs.get(r, j);
        }
      }
    }
    double[] rhs = xty.clone();
    for (int i = 0; i < p; i++) {
      rhs[i] *= tau;
    }
    double[] mN = Mat.solve(sInv, rhs);
    Q.MultiNormalQ q = (Q.MultiNormalQ) in.state.factor("w").elements[0];
    for (int i = 0; i < p; i++) {
      assertEquals(mN[i], q.m[i], 1e-10 * (1 + Math.abs(mN[i])), "mean " + i);
      for (int j = 0; j < p; j++) {
        assertEquals(sInv[i][j], q.prec[i][j], 1e-10 * (1 + Math.abs(sInv[i][j])), "precision " + i + "," + j);
      }
    }
    double[][] cov = new double[n][n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        double dot = 0;
        for (int i = 0; i < p; i++) {
          dot += xs.get(r, i) * xs.get(c, i);
        }
        cov[r][c] = dot / alpha + (r == c ? 1 / tau : 0);
      }
    }
    double[][] l = Mat.cholesky(cov);
    double[] z = Mat.solveLower(l, y);
    double evidence = -0.5 * n * Math.log(2 * Math.PI) - 0.5 * Mat.dot(z, z);
    for (int r = 0; r < n; r++) {
      evidence -= Math.log(l[r][r]);
    }
    assertEquals(evidence, in.elbo(), EVIDENCE_TOL);
  }

  /**
   * Known mean 0, Wishart(W0, nu0) prior on the precision: W_N^-1 = W0^-1 + sum x x^T, nu_N = nu0
   * + N (PRML 2.155); ln p(X) = -(ND/2) ln pi + ln G_D(nu_N/2) - ln G_D(nu0/2) - (nu0/2) ln|W0|
   * + (nu_N/2) ln|W_N|.
   */
  @Test
  void wishartPrecisionIsTheExactPosterior() {
    Interpreter in = fit(EvalModels.resource("wishart-precision", "gaussian-mixture.csv", ModelData.Options.rows(50)));
    int n = in.data.size("N");
    int d = in.data.size("D");
    double nu0 = 4;
    ModelData.DataArray xs = in.data.array("x");
    double[][] wInv = Mat.identity(d);
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          wInv[i][j] += xs.get(r, i) * xs.get(r, j);
        }
      }
    }
    double[][] w = Mat.inverse(wInv);
    double nuN = nu0 + n;
    Q.WishartQ q = (Q.WishartQ) in.state.factor("Lambda").elements[0];
    rel(nuN, q.nu, "nu");
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        assertEquals(w[i][j], q.w[i][j], 1e-10 * Math.abs(w[i][i]), "W " + i + "," + j);
      }
    }
    double evidence = -0.5 * n * d * Math.log(Math.PI) + lnMultiGamma(d, nuN / 2) - lnMultiGamma(d, nu0 / 2)
        + 0.5 * nuN * Mat.logDet(w);
    assertEquals(evidence, in.elbo(), EVIDENCE_TOL);
  }

  /**
   * Normal-Wishart prior, unknown mean and precision, one grouped factor: beta_N = beta0 + N,
   * m_N = (beta0 m0 + N xbar) / beta_N, nu_N = nu0 + N, W_N^-1 = W0^-1 + S + (beta0 N / beta_N)
   * (xbar - m0)(xbar - m0)^T (Murphy 2007, 8.3); ln p(X) = -(ND/2) ln pi + (D/2) ln(beta0 /
   * beta_N) + ln G_D(nu_N/2) - ln G_D(nu0/2) - (nu0/2) ln|W0| + (nu_N/2) ln|W_N|.
   */
  @Test
  void groupedNormalWishartIsTheExactPosterior() {
    Interpreter in = fit(EvalModels.resource("normal-wishart-grouped", "gaussian-mixture.csv", ModelData.Options.rows(50)));
    int n = in.data.size("N");
    int d = in.data.size("D");
    double beta0 = 0.5;
    double nu0 = 3;
    ModelData.DataArray xs = in.data.array("x");
    double[] mean = new double[d];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < d; i++) {
        mean[i] += xs.get(r, i) / n;
      }
    }
    double[][] wInv = Mat.identity(d);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        for (int r = 0; r < n; r++) {
          wInv[i][j] += (xs.get(r, i) - mean[i]) * (xs.get(r, j) - mean[j]);
        }
        wInv[i][j] += beta0 * n / (beta0 + n) * mean[i] * mean[j];
      }
    }
    double[][] w = Mat.inverse(wInv);
    double betaN = beta0 + n;
    double nuN = nu0 + n;
    Q.NormalWishartQ q = (Q.NormalWishartQ) in.state.factor("mu, Lambda").elements[0];
    rel(betaN, q.beta, "beta");
    rel(nuN, q.nu, "nu");
    for (int i = 0; i < d; i++) {
      assertEquals(n * mean[i] / betaN, q.m[i], 1e-10, "m " + i);
      for (int j = 0; j < d; j++) {
        assertEquals(w[i][j], q.w[i][j], 1e-10 * Math.abs(w[i][i]), "W " + i + "," + j);
      }
    }
    double evidence = -0.5 * n * d * Math.log(Math.PI) + 0.5 * d * Math.log(beta0 / betaN)
        + lnMultiGamma(d, nuN / 2) - lnMultiGamma(d, nu0 / 2) + 0.5 * nuN * Mat.logDet(w);
    assertEquals(evidence, in.elbo(), EVIDENCE_TOL);
  }
}
