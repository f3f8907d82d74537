package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.GammaPosterior;
import dev.vmodel.runtime.posterior.NormalPosterior;
import org.junit.jupiter.api.Test;

/**
 * The new-row predictive where two global factors meet in one term: under q(mu) q(tau) (PRML
 * 10.1.3 without the group), p(x | X) = int Gamma(t | a, b) N(x | m, 1/t + 1/lambda) dt, which has
 * no closed form; the generated code integrates q(tau) by a trapezoid rule in ln t. Checked here
 * against this test's own composite Simpson rule in t with 400,000 panels (independent of the
 * runtime's rule: other variable, other nodes, other range).
 */
class QuadraturePredictiveTest {
  @Test
  void meanFieldNormalGammaPredictiveIsTheGammaMixtureOfNormals() throws Exception {
    Harness h = Harness.of(Examples.exampleClass("normal-gamma"));
    FitResult r = h.fit(Table.read(Examples.data("normal-gamma", ".csv")), FitOptions.defaults());
    NormalPosterior mu = (NormalPosterior) Harness.call(r, "mu");
    GammaPosterior tau = (GammaPosterior) Harness.call(r, "tau");
    double[] xs = {mu.mean(), mu.mean() + 0.3, mu.mean() - 2.0, mu.mean() + 6.0, -10.0};
    Object data = h.newData();
    Harness.call(data, "x", (Object) xs);
    Object pred = r.getClass().getMethod("predict", data.getClass()).invoke(r, data);
    assertTrue((Boolean) pred.getClass().getMethod("exact").invoke(pred));
    double[] lp = (double[]) pred.getClass().getMethod("logPredictive").invoke(pred);
    for (int i = 0; i < xs.length; i++) {
      double expected = Math.log(simpson(xs[i], mu.mean(), 1.0 / mu.precision(), tau.shape(), tau.rate()));
      assertEquals(expected, lp[i], 1e-10 * Math.abs(expected) + 1e-12, "x = " + xs[i]);
    }
  }

  /** int_0^inf Gamma(t | a, b) N(x | m, 1/t + s) dt by Simpson's rule on [0, upper]. */
  static double simpson(double x, double m, double s, double a, double b) {
    double upper = (a + 60 * Math.sqrt(a) + 60) / b;
    int panels = 200_000;
    double h = upper / panels;
    double sum = 0;
    for (int i = 0; i <= panels; i++) {
      double t = i * h;
      double w = (i == 0 || i == panels) ? 1 : (i % 2 == 1 ? 4 : 2);
      sum += w * integrand(t, x, m, s, a, b);
    }
    return sum * h / 3;
  }

  static double integrand(double t, double x, double m, double s, double a, double b) {
    if (t == 0) {
      return 0;
    }
    double lnGamma = a * Math.log(b) - ExactPosteriorTest.lnGamma(a) + (a - 1) * Math.log(t) - b * t;
    double v = 1 / t + s;
    double lnNormal = -0.5 * Math.log(2 * Math.PI * v) - 0.5 * (x - m) * (x - m) / v;
    return Math.exp(lnGamma + lnNormal);
  }
}
