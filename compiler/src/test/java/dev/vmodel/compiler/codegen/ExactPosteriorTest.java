package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.BetaPosterior;
import dev.vmodel.runtime.posterior.DirichletPosterior;
import dev.vmodel.runtime.posterior.GammaPosterior;
import dev.vmodel.runtime.posterior.InvGammaPosterior;
import org.junit.jupiter.api.Test;

/**
 * Models with a single conjugate latent: the mean-field posterior is the exact posterior and
 * the ELBO, at its optimum, is the exact log evidence ln p(data). Both are computed here in
 * closed form from the CSV (with this class's own log-gamma), independently of the compiler
 * and the runtime, and compared within 1e-8. The hyperparameters are set through the builder
 * to values other than the defaults, so that the builder's setters are exercised too.
 */
class ExactPosteriorTest {
  static final double TOL = 1e-8;

  static FitResult fit(String stem, Harness h) {
    FitResult r = h.fit(Table.read(Examples.data(stem, ".csv")), FitOptions.defaults().withCheckMonotone(true));
    assertTrue(r.converged(), stem + " did not converge");
    return r;
  }

  @Test
  void coinIsBetaBernoulli() {
    int[] y = Table.read(Examples.data("coin", ".csv")).ints("y");
    double a = 2.5;
    double b = 1.5;
    int n = y.length;
    int s = 0;
    for (int v : y) {
      s += v;
    }
    FitResult r = fit("coin", Harness.of(Examples.exampleClass("coin")).set("a", a).set("b", b));
    BetaPosterior p = (BetaPosterior) Harness.call(r, "p");
    assertEquals(a + s, p.a(), TOL);
    assertEquals(b + n - s, p.b(), TOL);
    double evidence = lnBeta(a + s, b + n - s) - lnBeta(a, b);
    assertEquals(evidence, r.elbo(), TOL);
  }

  @Test
  void coinWithDefaultsMatchesTheTruthFile() {
    var truth = Json.read(Examples.data("coin", ".truth.json"));
    FitResult r = fit("coin", Harness.of(Examples.exampleClass("coin")));
    BetaPosterior p = (BetaPosterior) Harness.call(r, "p");
    assertEquals(Json.number(truth, "posterior", "a"), p.a(), TOL);
    assertEquals(Json.number(truth, "posterior", "b"), p.b(), TOL);
    assertEquals(lnBeta(p.a(), p.b()) - lnBeta(1, 1), r.elbo(), TOL);
  }

  @Test
  void betaBinomial() {
    Table t = Table.read(Examples.data("beta-binomial", ".csv"));
    int[] trials = t.ints("trials");
    int[] y = t.ints("y");
    double a = 3;
    double b = 0.5;
    double s = 0;
    double f = 0;
    double choose = 0;
    for (int n = 0; n < y.length; n++) {
      s += y[n];
      f += trials[n] - y[n];
      choose += lnGamma(trials[n] + 1) - lnGamma(y[n] + 1) - lnGamma(trials[n] - y[n] + 1);
    }
    FitResult r = fit("beta-binomial", Harness.of(Examples.exampleClass("beta-binomial")).set("a", a).set("b", b));
    BetaPosterior p = (BetaPosterior) Harness.call(r, "p");
    assertEquals(a + s, p.a(), TOL);
    assertEquals(b + f, p.b(), TOL);
    assertEquals(choose + lnBeta(a + s, b + f) - lnBeta(a, b), r.elbo(), TOL);
  }

  @Test
  void poissonGamma() {
    int[] y = Table.read(Examples.data("poisson-gamma", ".csv")).ints("y");
    double a = 2;
    double b = 0.5;
    double s = 0;
    double lnFactorials = 0;
    for (int v : y) {
      s += v;
      lnFactorials += lnGamma(v + 1);
    }
    int n = y.length;
    FitResult r = fit("poisson-gamma", Harness.of(Examples.exampleClass("poisson-gamma")).set("a", a).set("b", b));
    GammaPosterior q = (GammaPosterior) Harness.call(r, "lambda");
    assertEquals(a + s, q.shape(), TOL);
    assertEquals(b + n, q.rate(), TOL);
    double evidence = a * Math.log(b) - lnGamma(a) + lnGamma(a + s) - (a + s) * Math.log(b + n) - lnFactorials;
    assertEquals(evidence, r.elbo(), TOL);
  }

  @Test
  void exponentialGamma() {
    double[] x = Table.read(Examples.data("exponential-gamma", ".csv")).doubles("x");
    double a = 3;
    double b = 2;
    double s = 0;
    for (double v : x) {
      s += v;
    }
    int n = x.length;
    FitResult r = fit("exponential-gamma",
        Harness.of(Examples.exampleClass("exponential-gamma")).set("a", a).set("b", b));
    GammaPosterior q = (GammaPosterior) Harness.call(r, "lambda");
    assertEquals(a + n, q.shape(), TOL);
    assertEquals(b + s, q.rate(), TOL);
    double evidence = a * Math.log(b) - lnGamma(a) + lnGamma(a + n) - (a + n) * Math.log(b + s);
    assertEquals(evidence, r.elbo(), TOL);
  }

  @Test
  void normalVarianceIsInverseGamma() {
    double[] x = Table.read(Examples.data("normal-variance", ".csv")).doubles("x");
    double m = 9.5;
    double a0 = 2;
    double b0 = 3;
    double ss = 0;
    for (double v : x) {
      ss += (v - m) * (v - m);
    }
    int n = x.length;
    FitResult r = fit("normal-variance",
        Harness.of(Examples.exampleClass("normal-variance")).set("m", m).set("a0", a0).set("b0", b0));
    InvGammaPosterior q = (InvGammaPosterior) Harness.call(r, "s2");
    assertEquals(a0 + n / 2.0, q.shape(), TOL);
    assertEquals(b0 + ss / 2, q.scale(), TOL);
    double evidence = a0 * Math.log(b0) - lnGamma(a0) + lnGamma(a0 + n / 2.0)
        - (a0 + n / 2.0) * Math.log(b0 + ss / 2) - n / 2.0 * Math.log(2 * Math.PI);
    assertEquals(evidence, r.elbo(), TOL);
  }

  @Test
  void dirichletMultinomial() {
    Table t = Table.read(Examples.data("dirichlet-multinomial", ".csv"));
    int[] trials = t.ints("trials");
    double[][] counts = t.doubleRows(t.columnsOf("counts"));
    int k = counts[0].length;
    double alpha = 0.7;
    double[] post = new double[k];
    java.util.Arrays.fill(post, alpha);
    double multinomialCoefficients = 0;
    double total = 0;
    for (int n = 0; n < counts.length; n++) {
      multinomialCoefficients += lnGamma(trials[n] + 1);
      for (int c = 0; c < k; c++) {
        post[c] += counts[n][c];
        total += counts[n][c];
        multinomialCoefficients -= lnGamma(counts[n][c] + 1);
      }
    }
    FitResult r = fit("dirichlet-multinomial",
        Harness.of(Examples.exampleClass("dirichlet-multinomial")).set("alpha", alpha));
    DirichletPosterior q = (DirichletPosterior) Harness.call(r, "p");
    for (int c = 0; c < k; c++) {
      assertEquals(post[c], q.alpha()[c], TOL, "alpha[" + c + "]");
    }
    double evidence = multinomialCoefficients + lnGamma(k * alpha) - k * lnGamma(alpha);
    for (int c = 0; c < k; c++) {
      evidence += lnGamma(post[c]);
    }
    evidence -= lnGamma(k * alpha + total);
    assertEquals(evidence, r.elbo(), TOL);
  }

  static double lnBeta(double a, double b) {
    return Numerics.lnBeta(a, b);
  }

  static double lnGamma(double x) {
    return Numerics.lnGamma(x);
  }

  @Test
  void theTestsOwnSpecialFunctionsAreRight() {
    assertEquals(0, lnGamma(1), 1e-14);
    assertEquals(0, lnGamma(2), 1e-14);
    assertEquals(Math.log(Math.sqrt(Math.PI)), lnGamma(0.5), 1e-14);
    assertEquals(Math.log(3628800), lnGamma(11), 1e-13);
    double lnFact = 0;
    for (int k = 2; k < 200; k++) {
      lnFact += Math.log(k);
    }
    assertEquals(lnFact, lnGamma(200), 1e-10);
    double eulerGamma = 0.5772156649015329;
    assertEquals(-eulerGamma, Numerics.digamma(1), 1e-14);
    assertEquals(-eulerGamma - 2 * Math.log(2), Numerics.digamma(0.5), 1e-13);
    assertEquals(Numerics.digamma(3.7) + 1 / 3.7, Numerics.digamma(4.7), 1e-14);
  }
}
