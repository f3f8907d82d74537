package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.BetaPosterior;
import dev.vmodel.runtime.posterior.DirichletPosterior;
import dev.vmodel.runtime.posterior.GammaPosterior;
import dev.vmodel.runtime.posterior.MultiNormalPosterior;
import dev.vmodel.runtime.posterior.NormalGammaPosterior;
import dev.vmodel.runtime.posterior.NormalPosterior;
import dev.vmodel.runtime.posterior.WishartPosterior;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Test models of src/test/resources/codegen that reach code the examples do not: a
 * Normal-Gamma group, a Wishart factor on its own, a known covariance (cov:, the inverse of a
 * hyper matrix), sizes defined by arithmetic on sizes, and names that the generated code also
 * uses for its locals. Each has one conjugate factor or independent ones, so the posterior and
 * the log evidence (the ELBO) are exact and computed here in closed form.
 */
class VariantModelsTest {
  static final double TOL = 1e-8;
  static final FitOptions CHECKED = FitOptions.defaults().withCheckMonotone(true);

  static double rel(double expected) {
    return TOL * Math.max(1, Math.abs(expected));
  }

  /** PRML 2.3.6: the Normal-Gamma posterior, and the truth file's values for the defaults. */
  @Test
  void normalGammaGroupIsTheExactPosterior() {
    Table t = Table.read(Examples.data("normal-gamma", ".csv"));
    double[] x = t.doubles("x");
    double mu0 = 0.3;
    double lambda0 = 2;
    double a0 = 1.5;
    double b0 = 0.7;
    int n = x.length;
    double sum = 0;
    double sumSq = 0;
    for (double v : x) {
      sum += v;
      sumSq += v * v;
    }
    double lambdaN = lambda0 + n;
    double muN = (lambda0 * mu0 + sum) / lambdaN;
    double aN = a0 + n / 2.0;
    double bN = b0 + 0.5 * (sumSq + lambda0 * mu0 * mu0 - lambdaN * muN * muN);
    Class<?> model = Examples.testModelClass("normal-gamma-grouped.vmodel");
    FitResult r = Harness.of(model).set("mu0", mu0).set("lambda0", lambda0).set("a0", a0).set("b0", b0).fit(t,
        CHECKED);
    NormalGammaPosterior q = (NormalGammaPosterior) Harness.call(r, accessor(model));
    assertEquals(muN, q.m(), rel(muN));
    assertEquals(lambdaN, q.beta(), rel(lambdaN));
    assertEquals(aN, q.a(), rel(aN));
    assertEquals(bN, q.b(), rel(bN));
    double evidence = Numerics.lnGamma(aN) - Numerics.lnGamma(a0) + a0 * Math.log(b0) - aN * Math.log(bN)
        + 0.5 * Math.log(lambda0 / lambdaN) - n / 2.0 * Math.log(2 * Math.PI);
    assertEquals(evidence, r.elbo(), rel(evidence));

    Map<String, Object> truth = Json.read(Examples.data("normal-gamma", ".truth.json"));
    NormalGammaPosterior d = (NormalGammaPosterior) Harness.call(Harness.of(model).fit(t, CHECKED), accessor(model));
    assertEquals(Json.number(truth, "posterior", "mu"), d.m(), 1e-10);
    assertEquals(Json.number(truth, "posterior", "lambda"), d.beta(), 1e-10);
    assertEquals(Json.number(truth, "posterior", "a"), d.a(), 1e-10);
    assertEquals(Json.number(truth, "posterior", "b"), d.b(), 1e-9);
  }

  /** The grouped factor's accessor: its members' names in camel case, in the plan's order. */
  private static String accessor(Class<?> model) {
    for (var m : model.getDeclaredClasses()) {
      if (m.getSimpleName().equals("Result")) {
        for (var method : m.getMethods()) {
          if (method.getReturnType() == NormalGammaPosterior.class) {
            return method.getName();
          }
        }
      }
    }
    throw new AssertionError("no Normal-Gamma accessor");
  }

  /** PRML 2.3.6 with the mean known: Wishart(W_N, nu0 + N), W_N^-1 = W0^-1 + S. */
  @Test
  void wishartWithKnownMean() {
    Table t = Table.read(Examples.data("gaussian-mixture", ".csv"));
    double[][] x = t.doubleRows(t.columnsOf("x"));
    int n = x.length;
    int d = 2;
    double[] m = {0.2, -0.4};
    double[][] w0 = {{2, 0.3}, {0.3, 0.5}};
    double nu0 = 4.5;
    double[] w0inv = inverse2(new double[] {w0[0][0], w0[0][1], w0[1][0], w0[1][1]});
    double[] wnInv = w0inv.clone();
    for (double[] row : x) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          wnInv[i * d + j] += (row[i] - m[i]) * (row[j] - m[j]);
        }
      }
    }
    double[] wn = inverse2(wnInv);
    double nuN = nu0 + n;
    FitResult r = Harness.of(Examples.testModelClass("wishart-known-mean.vmodel")).set("m", m).set("W0", w0)
        .set("nu0", nu0).fit(t, CHECKED);
    WishartPosterior q = (WishartPosterior) Harness.call(r, "Lambda");
    assertEquals(nuN, q.nu(), rel(nuN));
    for (int k = 0; k < d * d; k++) {
      assertEquals(wn[k], q.W()[k], TOL * Math.abs(wn[0]), "W[" + k + "]");
    }
    // ln p(X) = -N D / 2 ln 2pi + ln B(W0, nu0) - ln B(W_N, nu_N),
    // ln B(W, nu) = -nu / 2 ln|W| - nu D / 2 ln 2 - ln Gamma_D(nu / 2).
    double evidence = -n * d / 2.0 * Math.log(2 * Math.PI) + lnB(Numerics.lnDet(
        new double[] {w0[0][0], w0[0][1], w0[1][0], w0[1][1]}, d), nu0, d) - lnB(Numerics.lnDet(wn, d), nuN, d);
    assertEquals(evidence, r.elbo(), rel(evidence));
  }

  private static double lnB(double lnDetW, double nu, int d) {
    double lnMultiGamma = d * (d - 1) / 4.0 * Math.log(Math.PI);
    for (int j = 1; j <= d; j++) {
      lnMultiGamma += Numerics.lnGamma(nu / 2 + (1 - j) / 2.0);
    }
    return -nu / 2 * lnDetW - nu * d / 2 * Math.log(2) - lnMultiGamma;
  }

  private static double[] inverse2(double[] a) {
    double det = a[0] * a[3] - a[1] * a[2];
    return new double[] {a[3] / det, -a[1] / det, -a[2] / det, a[0] / det};
  }

  /**
   * A Gaussian mean with a known covariance S: precision P = L0 + N S^-1, mean P^-1 (L0 m0 + S^-1
   * sum x); the evidence from ln p(X) = ln p(X | mu) + ln p(mu) - ln p(mu | X) at mu = the mean.
   */
  @Test
  void meanWithKnownCovariance() {
    Random rng = new Random(11);
    int n = 50;
    int d = 2;
    double[][] x = new double[n][d];
    for (double[] row : x) {
      row[0] = 1 + 1.2 * rng.nextGaussian();
      row[1] = -2 + 0.4 * row[0] + 0.8 * rng.nextGaussian();
    }
    double[] m0 = {1, -1};
    double[] l0 = {0.1, 0.02, 0.02, 0.3};
    double[] s = {2, 0.5, 0.5, 1};
    double[] sInv = inverse2(s);
    double[] p = new double[d * d];
    double[] rhs = new double[d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        p[i * d + j] = l0[i * d + j] + n * sInv[i * d + j];
        rhs[i] += l0[i * d + j] * m0[j];
        for (double[] row : x) {
          rhs[i] += sInv[i * d + j] * row[j];
        }
      }
    }
    double[] mean = Numerics.solve(p, rhs, d);
    FitResult r = Harness.of(Examples.testModelClass("mean-known-covariance.vmodel"))
        .set("m0", m0).set("L0", new double[][] {{l0[0], l0[1]}, {l0[2], l0[3]}})
        .set("S", new double[][] {{s[0], s[1]}, {s[2], s[3]}})
        .fit(Harness.of(Examples.testModelClass("mean-known-covariance.vmodel")).data(Map.of("x", x)), CHECKED);
    MultiNormalPosterior q = (MultiNormalPosterior) Harness.call(r, "mu");
    for (int i = 0; i < d; i++) {
      assertEquals(mean[i], q.mean(i), rel(mean[i]));
      for (int j = 0; j < d; j++) {
        assertEquals(p[i * d + j], q.precision()[i * d + j], rel(p[i * d + i]));
      }
    }
    double evidence = lnGaussian(mean, m0, l0, d);
    for (double[] row : x) {
      evidence += lnGaussian(row, mean, sInv, d);
    }
    evidence -= lnGaussian(mean, mean, p, d);
    assertEquals(evidence, r.elbo(), rel(evidence));
  }

  /** ln N(x | m, precision P). */
  private static double lnGaussian(double[] x, double[] m, double[] p, int d) {
    double quad = 0;
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        quad += (x[i] - m[i]) * p[i * d + j] * (x[j] - m[j]);
      }
    }
    return 0.5 * Numerics.lnDet(p, d) - d / 2.0 * Math.log(2 * Math.PI) - 0.5 * quad;
  }

  /** size K = L + 1: 3 by default, L + 1 when L is set, K when K is set. */
  @Test
  void sizeDefaultsByArithmetic() {
    Class<?> model = Examples.testModelClass("size-arithmetic.vmodel");
    int[] y = {0, 2, 2, 1, 0, 2, 2, 2};
    FitResult r = Harness.of(model).fit(Harness.of(model).data(Map.of("y", y)), CHECKED);
    assertEquals(3, Harness.call(r, "sizeK"));
    double[] alpha = ((DirichletPosterior) Harness.call(r, "p")).alpha();
    assertEquals(3, alpha.length);
    assertEquals(3.0, alpha[0], TOL);
    assertEquals(2.0, alpha[1], TOL);
    assertEquals(6.0, alpha[2], TOL);
    double evidence = Numerics.lnGamma(3) - Numerics.lnGamma(3 + y.length) + Numerics.lnGamma(3)
        + Numerics.lnGamma(2) + Numerics.lnGamma(6);
    assertEquals(evidence, r.elbo(), rel(evidence));
    FitResult wider = Harness.of(model).set("L", 4).fit(Harness.of(model).data(Map.of("y", y)), CHECKED);
    assertEquals(5, Harness.call(wider, "sizeK"));
    FitResult set = Harness.of(model).set("K", 7).fit(Harness.of(model).data(Map.of("y", y)), CHECKED);
    assertEquals(7, Harness.call(set, "sizeK"));
  }

  /**
   * Element indices named shape and rate (the Gamma conversion's locals), hypers a, b, e, v:
   * independent Poisson-Gamma and Beta-Bernoulli posteriors per group.
   */
  @Test
  void namesTheGeneratedCodeAlsoUses() {
    Random rng = new Random(5);
    int n = 60;
    int k = 3;
    int[] g = new int[n];
    int[] c = new int[n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      g[i] = i % k;
      c[i] = rng.nextInt(10);
      y[i] = rng.nextInt(2);
    }
    double a = 2;
    double b = 0.5;
    double e = 1;
    double v = 1;
    Class<?> model = Examples.testModelClass("name-clashes.vmodel");
    FitResult r = Harness.of(model).fit(Harness.of(model).data(Map.of("g", g, "c", c, "y", y)), CHECKED);
    double evidence = 0;
    for (int group = 0; group < k; group++) {
      double count = 0;
      double sumC = 0;
      double sumY = 0;
      double lnFact = 0;
      for (int i = 0; i < n; i++) {
        if (g[i] == group) {
          count++;
          sumC += c[i];
          sumY += y[i];
          lnFact += Numerics.lnGamma(c[i] + 1);
        }
      }
      GammaPosterior lambda = (GammaPosterior) Harness.call(r, "lambda", group);
      assertEquals(a + sumC, lambda.shape(), TOL);
      assertEquals(b + count, lambda.rate(), TOL);
      BetaPosterior p = (BetaPosterior) Harness.call(r, "p", group);
      assertEquals(e + sumY, p.a(), TOL);
      assertEquals(v + count - sumY, p.b(), TOL);
      evidence += a * Math.log(b) - Numerics.lnGamma(a) + Numerics.lnGamma(a + sumC)
          - (a + sumC) * Math.log(b + count) - lnFact;
      evidence += Numerics.lnBeta(e + sumY, v + count - sumY) - Numerics.lnBeta(e, v);
    }
    assertEquals(evidence, r.elbo(), rel(evidence));
  }

  /**
   * Two local categorical factors over the same rows: the first, q(z), is fused (its row
   * statistics feed q(pi), q(mu), q(tau), and the ELBO after a sweep uses its log-normalisers);
   * q(u) is updated after it as before. Check mode (full ELBO after every update) never sees a
   * decrease, and the fast ELBO equals the full one sweep by sweep.
   */
  @Test
  void twoMixturesFuseTheFirstLocalFactorOnly() {
    Random rng = new Random(3);
    int n = 9000;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 4.0 * (i % 3) + rng.nextGaussian();
      y[i] = -5.0 * (i % 2) + 0.5 * rng.nextGaussian();
    }
    Class<?> model = Examples.testModelClass("two-mixtures.vmodel");
    Harness h = Harness.of(model);
    Object data = h.data(Map.of("x", x, "y", y));
    FitOptions options = FitOptions.defaults().withMaxIterations(30).withTolerance(0).withThreads(2);
    double[] fast = h.fit(data, options).elboTrace();
    double[] full = h.fit(data, options.withCheckMonotone(true)).elboTrace();
    int sweeps = Math.min(fast.length, full.length);
    org.junit.jupiter.api.Assertions.assertTrue(sweeps >= 10, "sweeps " + sweeps);
    for (int t = 0; t < sweeps; t++) {
      assertEquals(full[t], fast[t], 1e-10 * Math.abs(full[t]), "sweep " + (t + 1));
    }
    org.junit.jupiter.api.Assertions.assertTrue(fast[sweeps - 1] > fast[0], "the fit made progress");
  }

  /**
   * The fused update's locals do not clash: three lnGamma features of the same name, and a data
   * array {@code fX} beside {@code x}, whose feature workspace would have been {@code fX} (found
   * in review: the first did not compile, the second read the workspace for the data). The
   * model compiles under -Xlint:all -Werror, fits in check mode, and its fast ELBO is the full one.
   */
  @Test
  void fusedLocalsNeitherClashNorShadowFields() {
    Random rng = new Random(8);
    int n = 5000;
    int[] t = new int[n];
    int[] x = new int[n];
    int[] fx = new int[n];
    int[] yb = new int[n];
    for (int i = 0; i < n; i++) {
      boolean a = i % 2 == 0;
      t[i] = 5 + rng.nextInt(10);
      x[i] = rng.nextDouble() < (a ? 0.9 : 0.2) ? 1 : 0;
      fx[i] = rng.nextDouble() < (a ? 0.1 : 0.7) ? 1 : 0;
      int s = 0;
      for (int j = 0; j < t[i]; j++) {
        s += rng.nextDouble() < (a ? 0.8 : 0.3) ? 1 : 0;
      }
      yb[i] = s;
    }
    Class<?> model = Examples.testModelClass("mixture-local-names.vmodel");
    Harness h = Harness.of(model);
    Object data = h.data(Map.of("t", t, "x", x, "fX", fx, "yb", yb));
    FitOptions options = FitOptions.defaults().withMaxIterations(25).withTolerance(0);
    double[] fast = h.fit(data, options).elboTrace();
    double[] full = h.fit(data, options.withCheckMonotone(true)).elboTrace();
    int sweeps = Math.min(fast.length, full.length);
    org.junit.jupiter.api.Assertions.assertTrue(sweeps >= 10, "sweeps " + sweeps);
    for (int i = 0; i < sweeps; i++) {
      assertEquals(full[i], fast[i], 1e-10 * Math.abs(full[i]), "sweep " + (i + 1));
    }
    // The two Bernoulli arrays are told apart (x has 0.9 / 0.2, fX 0.1 / 0.7 in the two groups):
    // a feature read in place of the data would make q(rho) look like q(theta).
    FitResult r = h.fit(data, options);
    for (int k = 0; k < 2; k++) {
      double theta = ((BetaPosterior) Harness.call(r, "theta", k)).mean();
      double rho = ((BetaPosterior) Harness.call(r, "rho", k)).mean();
      org.junit.jupiter.api.Assertions.assertTrue(Math.abs(theta - rho) > 0.4, "theta " + theta + ", rho " + rho);
    }
  }

  /**
   * Issue 12: a latent Gamma scalar times a hyper matrix as the precision of observed vectors
   * compiled to a class that named LinAlg without importing it. It compiles, fits, and q(tau)
   * and the ELBO (the log evidence) are exact.
   */
  @Test
  void scaledPrecisionIsTheExactPosterior() {
    Random rng = new Random(12);
    int n = 40;
    double[] m0 = {0.5, -1};
    double[][] l0 = {{2, 0.5}, {0.5, 1}};
    double[][] x = new double[n][2];
    double quad = 0;
    for (int i = 0; i < n; i++) {
      x[i][0] = m0[0] + rng.nextGaussian();
      x[i][1] = m0[1] + rng.nextGaussian() * 0.7;
      double d0 = x[i][0] - m0[0];
      double d1 = x[i][1] - m0[1];
      quad += l0[0][0] * d0 * d0 + 2 * l0[0][1] * d0 * d1 + l0[1][1] * d1 * d1;
    }
    double a = 2;
    double b = 3;
    double aN = a + n * 2 / 2.0;
    double bN = b + 0.5 * quad;
    Class<?> model = Examples.testModelClass("scaled-precision.vmodel");
    Harness h = Harness.of(model).set("m0", m0).set("L0", l0);
    FitResult r = h.fit(h.data(Map.of("x", x)), CHECKED);
    GammaPosterior q = (GammaPosterior) Harness.call(r, "tau");
    assertEquals(aN, q.shape(), rel(aN));
    assertEquals(bN, q.rate(), rel(bN));
    double lnDetL0 = Math.log(l0[0][0] * l0[1][1] - l0[0][1] * l0[1][0]);
    double evidence = a * Math.log(b) - Numerics.lnGamma(a) + Numerics.lnGamma(aN) - aN * Math.log(bN)
        + n / 2.0 * lnDetL0 - n * Math.log(2 * Math.PI);
    assertEquals(evidence, r.elbo(), rel(evidence));
  }

  /**
   * Issue 12: a size named s made the generated accessors read {@code s.s.N}. The model compiles
   * and fits, and each b[i, k] is the exact Normal posterior of its cell's observations.
   */
  @Test
  void sizeNamedSFitsExactly() {
    Random rng = new Random(3);
    int n = 60;
    int sSize = 3;
    int[] g = new int[n];
    int[] hh = new int[n];
    double[] y = new double[n];
    double[][] sum = new double[sSize][2];
    int[][] count = new int[sSize][2];
    for (int i = 0; i < n; i++) {
      g[i] = i % sSize;
      hh[i] = (i / sSize) % 2;
      y[i] = g[i] - hh[i] + rng.nextGaussian() * 0.5;
      sum[g[i]][hh[i]] += y[i];
      count[g[i]][hh[i]]++;
    }
    Class<?> model = Examples.testModelClass("size-named-s.vmodel");
    Harness h = Harness.of(model);
    FitResult r = h.fit(h.data(Map.of("g", g, "h", hh, "y", y)), CHECKED);
    assertEquals(sSize, Harness.call(r, "sizeS"));
    for (int i = 0; i < sSize; i++) {
      for (int k = 0; k < 2; k++) {
        double precision = 1 + 4.0 * count[i][k];
        double mean = 4 * sum[i][k] / precision;
        NormalPosterior q = (NormalPosterior) Harness.call(r, "b", i, k);
        assertEquals(precision, q.precision(), rel(precision));
        assertEquals(mean, q.mean(), rel(mean));
      }
    }
  }
}
