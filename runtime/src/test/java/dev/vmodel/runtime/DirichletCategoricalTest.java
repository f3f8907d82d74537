package dev.vmodel.runtime;

import static dev.vmodel.runtime.SpecialFunctionsTest.close;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DirichletCategoricalTest {

  private static final double[] ALPHA = {0.7, 2.0, 3.5};

  @Test
  void expLnAgainstMonteCarloOfGammaDraws() {
    // pi = (g_1, ..., g_K) / sum g with g_k ~ Gamma(alpha_k, 1): 200k draws, 5 standard errors
    Random rng = new Random(31);
    MonteCarlo[] mc = {new MonteCarlo(), new MonteCarlo(), new MonteCarlo()};
    double[] lnPi = new double[3];
    for (int i = 0; i < 200_000; i++) {
      Sampling.lnDirichlet(rng, ALPHA, lnPi);
      for (int k = 0; k < 3; k++) {
        mc[k].add(lnPi[k]);
      }
    }
    double[] e = new double[3];
    Dirichlet.expLn(ALPHA, e);
    for (int k = 0; k < 3; k++) {
      mc[k].assertMean(e[k], "E[ln pi_" + k + "]");
    }
  }

  @Test
  void expLnAgainstMarginalBetaQuadrature() {
    // pi_k ~ Beta(alpha_k, alpha_0 - alpha_k): E[ln pi_k] by quadrature of that density,
    // 1e-11 (quadrature accuracy with margin)
    double[] out = new double[5];
    Dirichlet.expLn(ALPHA, 0, 3, out, 2); // with an output offset
    double a0 = 6.2;
    for (int k = 0; k < 3; k++) {
      double a = ALPHA[k];
      double b = a0 - a;
      double lnB = SpecialFunctions.lnBeta(a, b);
      double integral = Quadrature.integrateUnit(
          (x, y) -> Math.log(x) * Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log(y) - lnB));
      assertEquals(integral, out[2 + k], 1e-11);
    }
    assertEquals(0.0, out[0], 0.0);
    assertEquals(0.0, out[1], 0.0);
  }

  @Test
  void densityIntegratesToOneAndEntropyOverTheSimplex() {
    // Nested tanh-sinh over {x, y >= 0, x + y <= 1} with z = 1 - x - y (alpha_3 >= 1, so the
    // density is bounded where z -> 0). 1e-10: two nested quadratures of ~1e-13 each, with
    // the integrand's own rounding.
    double[] p = new double[3];
    double mass = Quadrature.integrate(x -> Quadrature.integrate(y -> {
      p[0] = x;
      p[1] = y;
      p[2] = 1 - x - y;
      return Math.exp(Dirichlet.lnPdf(p, 0, ALPHA, 0, 3));
    }, 0, 1 - x), 0, 1);
    assertEquals(1.0, mass, 1e-10);
    double entropy = -Quadrature.integrate(x -> Quadrature.integrate(y -> {
      p[0] = x;
      p[1] = y;
      p[2] = 1 - x - y;
      double lp = Dirichlet.lnPdf(p, 0, ALPHA, 0, 3);
      return lp == Double.NEGATIVE_INFINITY ? 0 : Math.exp(lp) * lp;
    }, 0, 1 - x), 0, 1);
    assertEquals(entropy, Dirichlet.entropy(ALPHA), 1e-10);
  }

  @Test
  void twoCategoriesIsBeta() {
    double[] ab = {2.5, 4.1};
    assertEquals(Beta.entropy(2.5, 4.1), Dirichlet.entropy(ab), 1e-14);
    assertEquals(Beta.lnPdf(0.3, 2.5, 4.1), Dirichlet.lnPdf(new double[] {0.3, 0.7}, 0, ab, 0, 2),
        1e-14);
    double[] e = new double[2];
    Dirichlet.expLn(ab, e);
    assertEquals(Beta.expLn(2.5, 4.1), e[0], 1e-15);
    assertEquals(Beta.expLn1m(2.5, 4.1), e[1], 1e-15);
    assertEquals(Beta.variance(2.5, 4.1), Dirichlet.variance(ab, 0, 2, 0), 1e-16);
    assertEquals(Beta.lower95(2.5, 4.1), Dirichlet.lower95(ab, 0, 2, 0), 1e-14);
    assertEquals(Beta.upper95(4.1, 2.5), Dirichlet.upper95(ab, 0, 2, 1), 1e-14);
    assertEquals(Beta.expLnPdf(e[0], e[1], 2.5, 4.1),
        Dirichlet.expLnPdf(e, 0, ab, 0, 2), 1e-14);
  }

  @Test
  void meanAndNormaliser() {
    double[] m = new double[3];
    Dirichlet.mean(ALPHA, 0, 3, m, 0);
    assertArrayEquals(new double[] {0.7 / 6.2, 2 / 6.2, 3.5 / 6.2}, m, 1e-16);
    assertEquals(6.2, Dirichlet.concentration(ALPHA, 0, 3), 1e-15);
    // Dirichlet(1, 1, 1) is uniform on the 2-simplex, whose area (in x, y) is 1/2: density 2
    assertEquals(Math.log(2), Dirichlet.lnNormalizer(new double[] {1, 1, 1}, 0, 3), 1e-15);
    assertThrows(ArrayIndexOutOfBoundsException.class,
        () -> Dirichlet.expLn(ALPHA, 0, 3, new double[2], 0));
  }

  @Test
  void categorical() {
    assertEquals(Math.log(4), Categorical.entropy(new double[] {0.25, 0.25, 0.25, 0.25}), 1e-15);
    // 0 ln 0 = 0: a degenerate distribution has entropy 0, zeros do not produce NaN
    assertEquals(0.0, Categorical.entropy(new double[] {0, 1, 0}), 0.0);
    double h = -(0.2 * Math.log(0.2) + 0.8 * Math.log(0.8));
    assertEquals(h, Categorical.entropy(new double[] {9, 0.2, 0.8, 0, 9}, 1, 3), 1e-15);
    assertEquals(Math.log(0.8), Categorical.lnPmf(1, new double[] {9, 0.2, 0.8}, 1), 0.0);
    assertEquals(2, Categorical.mode(new double[] {0.1, 0.2, 0.6, 0.1}, 0, 4));
    assertEquals(0, Categorical.mode(new double[] {0.5, 0.5}, 0, 2));
    // sum_k r_k E[ln pi_k], with r_k = 0 contributing 0 even when E[ln pi_k] = -infinity
    assertEquals(0.3 * -1.0 + 0.7 * -2.0, Categorical.expLnPmf(new double[] {0.3, 0.7, 0}, 0,
        new double[] {-1, -2, Double.NEGATIVE_INFINITY}, 0, 3), 1e-15);
    // entropy of a softmax output against the direct formula
    double[] w = {1.0, -0.5, 2.0};
    SpecialFunctions.softmaxInPlace(w);
    double direct = 0;
    for (double v : w) {
      direct -= v * Math.log(v);
    }
    close(direct, Categorical.entropy(w), 1e-15, 0, "softmax entropy");
  }
}
