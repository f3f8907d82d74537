package dev.vmodel.runtime;

import static dev.vmodel.runtime.SpecialFunctionsTest.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Normal, Gamma, InvGamma and Beta helpers against numerical integration of their own log
 * densities (normalisation, moments, E[ln x], entropy = -E[ln p], quantiles) and against Monte
 * Carlo for the expected-log-density helpers.
 *
 * <p>Tolerance for quadrature checks: 1e-11 (relative or absolute as noted). The
 * double-exponential quadrature reaches ~1e-13 on these integrands (QuadratureTest); the
 * integrands are themselves computed with ~1e-15 relative error; 1e-11 leaves room while any
 * wrong constant, sign or parameterisation (rate vs scale, precision vs variance) errs by
 * more than 1e-3.
 */
class UnivariateDistributionsTest {

  private static final double QTOL = 1e-11;
  private static final double[] PROBS = {1e-6, 0.025, 0.3, 0.5, 0.975, 0.999};

  // ------------------------------------------------------------------------------------------
  // Normal(mean, precision)

  @Test
  void normal() {
    double[][] params = {{0, 1}, {3.5, 0.04}, {-2, 250}};
    for (double[] p : params) {
      double m = p[0];
      double tau = p[1];
      double sd = 1 / Math.sqrt(tau);
      DoubleUnaryOperator pdf = x -> Math.exp(Normal.lnPdf(x, m, tau));
      assertEquals(1.0, Quadrature.integrateLine(pdf, m, sd), QTOL);
      assertEquals(m, Quadrature.integrateLine(x -> x * pdf.applyAsDouble(x), m, sd),
          QTOL * (Math.abs(m) + sd));
      close(Normal.expSquare(m, tau),
          Quadrature.integrateLine(x -> x * x * pdf.applyAsDouble(x), m, sd), QTOL, 0, "E[x^2]");
      close(1 / tau, Normal.variance(tau), 1e-15, 0, "variance is 1/precision");
      assertEquals(sd, Normal.sd(tau), 1e-15 * sd);
      double h = -Quadrature.integrateLine(x -> pdf.applyAsDouble(x) * Normal.lnPdf(x, m, tau), m, sd);
      assertEquals(h, Normal.entropy(tau), QTOL);
      for (double q : PROBS) {
        double x = Normal.quantile(q, m, tau);
        // P(X <= x) by quadrature of the density from -infinity
        double mass = Quadrature.integrateToInfinity(y -> pdf.applyAsDouble(-y), -x, sd);
        close(q, mass, QTOL, 0, "Normal quantile " + q);
        // x = m + z sd and back: the rounding of x (relative to |x|) is magnified by |z| in
        // the tail of Phi, hence 1e-13 rather than 1e-15
        close(q, Normal.cdf(x, m, tau), 1e-13, 0, "Normal cdf");
      }
      assertEquals(Normal.quantile(0.025, m, tau), Normal.lower95(m, tau), 1e-14 * (Math.abs(m) + sd));
      assertEquals(Normal.quantile(0.975, m, tau), Normal.upper95(m, tau), 1e-14 * (Math.abs(m) + sd));
    }
    // Hand value: N(1 | 0, precision 4) = sqrt(4 / 2pi) e^-2
    assertEquals(0.5 * Math.log(4 / (2 * Math.PI)) - 2, Normal.lnPdf(1, 0, 4), 1e-15);
  }

  @Test
  void normalExpectedLogDensity() {
    // Point masses: reduces to lnPdf.
    assertEquals(Normal.lnPdf(1.3, -0.4, 2.5),
        Normal.expLnPdf(1.3, 1.69, -0.4, 0.16, 2.5, Math.log(2.5)), 1e-14);
    // x ~ N(0.7, prec 3), mu ~ N(-0.2, prec 5), tau ~ Gamma(4, 2): Monte Carlo of ln N(x|mu,tau)
    Random rng = new Random(21);
    MonteCarlo mc = new MonteCarlo();
    for (int i = 0; i < 200_000; i++) {
      double x = 0.7 + rng.nextGaussian() / Math.sqrt(3);
      double mu = -0.2 + rng.nextGaussian() / Math.sqrt(5);
      double tau = Sampling.gamma(rng, 4, 2);
      mc.add(Normal.lnPdf(x, mu, tau));
    }
    mc.assertMean(Normal.expLnPdf(0.7, Normal.expSquare(0.7, 3), -0.2, Normal.expSquare(-0.2, 5),
        Gamma.mean(4, 2), Gamma.expLn(4, 2)), "E[ln N(x | mu, tau)]");
  }

  // ------------------------------------------------------------------------------------------
  // Gamma(shape, rate)

  @Test
  void gamma() {
    double[][] params = {{0.7, 2}, {1, 0.5}, {3.5, 0.4}, {40, 8}};
    for (double[] p : params) {
      double a = p[0];
      double b = p[1];
      double scale = a / b;
      DoubleUnaryOperator pdf = x -> Math.exp(Gamma.lnPdf(x, a, b));
      String at = " at Gamma(" + a + ", " + b + ")";
      assertEquals(1.0, Quadrature.integrateToInfinity(pdf, 0, scale), QTOL, "norm" + at);
      close(Gamma.mean(a, b),
          Quadrature.integrateToInfinity(x -> x * pdf.applyAsDouble(x), 0, scale), QTOL, 0, "mean" + at);
      close(Gamma.variance(a, b) + scale * scale,
          Quadrature.integrateToInfinity(x -> x * x * pdf.applyAsDouble(x), 0, scale), QTOL, 0, "E[x^2]" + at);
      assertEquals(Quadrature.integrateToInfinity(x -> Math.log(x) * pdf.applyAsDouble(x), 0, scale),
          Gamma.expLn(a, b), QTOL, "E[ln x]" + at);
      if (a > 1) {
        close(Quadrature.integrateToInfinity(x -> pdf.applyAsDouble(x) / x, 0, scale),
            Gamma.expInv(a, b), QTOL, 0, "E[1/x]" + at);
      }
      assertEquals(-Quadrature.integrateToInfinity(x -> pLnP(Gamma.lnPdf(x, a, b)), 0, scale),
          Gamma.entropy(a, b), QTOL, "entropy" + at);
      assertEquals(Math.sqrt(Gamma.variance(a, b)), Gamma.sd(a, b), 1e-15 * Gamma.sd(a, b));
      for (double q : PROBS) {
        double x = Gamma.quantile(q, a, b);
        double mass = Quadrature.integrate(pdf, 0, x);
        close(q, mass, QTOL, 0, "quantile " + q + at);
        close(q, Gamma.cdf(x, a, b), 1e-13, 0, "cdf at quantile " + q + at);
      }
      Interval95.check(Gamma.lower95(a, b), Gamma.upper95(a, b), x -> Gamma.cdf(x, a, b));
    }
    // Hand values: Gamma(2, rate 3) at x = 1: 9 x e^-3x = 9 e^-3
    assertEquals(Math.log(9) - 3, Gamma.lnPdf(1, 2, 3), 1e-15);
    assertEquals(Math.log(3), Gamma.lnPdf(0, 1, 3), 1e-15); // exponential at 0
    assertEquals(Double.NEGATIVE_INFINITY, Gamma.lnPdf(-1, 2, 3));
    assertEquals(Double.NEGATIVE_INFINITY, Gamma.lnPdf(0, 2, 3));
    assertEquals(Double.POSITIVE_INFINITY, Gamma.lnPdf(0, 0.5, 3));
    assertEquals(0.0, Gamma.quantile(0, 2, 3), 0.0);
    assertEquals(Double.POSITIVE_INFINITY, Gamma.quantile(1, 2, 3));
    assertTrue(Double.isNaN(Gamma.quantile(1.2, 2, 3)));
    assertEquals(1.0 / 3, Gamma.mode(2, 3), 1e-16);
    assertEquals(0.0, Gamma.mode(0.5, 3), 0.0);
    // Exponential(rate 2) quantile in closed form: -ln(1-p)/2
    assertEquals(-Math.log1p(-0.9) / 2, Gamma.quantile(0.9, 1, 2), 1e-14);
    // very small shape: the 2.5% quantile is tiny but is still found (P(a, y) ~ y^a/Gamma(a+1))
    double tiny = Gamma.quantile(0.025, 0.01, 1);
    close(0.025, Gamma.cdf(tiny, 0.01, 1), 1e-12, 0, "tiny shape quantile");
    // large shape (posterior after many observations)
    double big = Gamma.quantile(0.975, 5e5, 1e3);
    close(0.975, Gamma.cdf(big, 5e5, 1e3), 1e-10, 0, "large shape quantile");
  }

  @Test
  void gammaExpectedLogDensity() {
    assertEquals(Gamma.lnPdf(0.8, 2.5, 1.7),
        Gamma.expLnPdf(0.8, Math.log(0.8), 2.5, 1.7, Math.log(1.7)), 1e-14);
    // x ~ Gamma(3, 2) and rate ~ Gamma(5, 4): Monte Carlo of ln Gamma(x | 2.5, rate)
    Random rng = new Random(22);
    MonteCarlo mc = new MonteCarlo();
    for (int i = 0; i < 200_000; i++) {
      mc.add(Gamma.lnPdf(Sampling.gamma(rng, 3, 2), 2.5, Sampling.gamma(rng, 5, 4)));
    }
    mc.assertMean(Gamma.expLnPdf(Gamma.mean(3, 2), Gamma.expLn(3, 2), 2.5, Gamma.mean(5, 4),
        Gamma.expLn(5, 4)), "E[ln Gamma(x | a, b)]");
  }

  // ------------------------------------------------------------------------------------------
  // InvGamma(shape, scale)

  @Test
  void invGamma() {
    double[][] params = {{0.8, 1.5}, {3, 2}, {25, 30}};
    for (double[] p : params) {
      double a = p[0];
      double b = p[1];
      double scale = b / a;
      DoubleUnaryOperator pdf = x -> Math.exp(InvGamma.lnPdf(x, a, b));
      String at = " at InvGamma(" + a + ", " + b + ")";
      assertEquals(1.0, Quadrature.integrateToInfinity(pdf, 0, scale), QTOL, "norm" + at);
      close(InvGamma.expInv(a, b),
          Quadrature.integrateToInfinity(x -> pdf.applyAsDouble(x) / x, 0, scale), QTOL, 0, "E[1/x]" + at);
      assertEquals(Quadrature.integrateToInfinity(x -> Math.log(x) * pdf.applyAsDouble(x), 0, scale),
          InvGamma.expLn(a, b), QTOL, "E[ln x]" + at);
      assertEquals(-Quadrature.integrateToInfinity(x -> pLnP(InvGamma.lnPdf(x, a, b)), 0, scale),
          InvGamma.entropy(a, b), QTOL, "entropy" + at);
      if (a > 2) {
        close(InvGamma.mean(a, b),
            Quadrature.integrateToInfinity(x -> x * pdf.applyAsDouble(x), 0, scale), QTOL, 0, "mean" + at);
        double m = InvGamma.mean(a, b);
        close(InvGamma.variance(a, b), Quadrature.integrateToInfinity(
            x -> (x - m) * (x - m) * pdf.applyAsDouble(x), 0, scale), QTOL, 0, "variance" + at);
      }
      // change of variables: if y = 1/x ~ Gamma(a, rate b) then p_X(x) = p_Y(1/x) / x^2
      for (double x = 0.05; x < 20; x *= 1.7) {
        assertEquals(Gamma.lnPdf(1 / x, a, b) - 2 * Math.log(x), InvGamma.lnPdf(x, a, b),
            1e-13 * (1 + Math.abs(InvGamma.lnPdf(x, a, b))));
      }
      for (double q : PROBS) {
        double x = InvGamma.quantile(q, a, b);
        close(q, Quadrature.integrate(pdf, 0, x), QTOL, 0, "quantile " + q + at);
      }
      Interval95.check(InvGamma.lower95(a, b), InvGamma.upper95(a, b), x -> InvGamma.cdf(x, a, b));
    }
    assertEquals(Double.POSITIVE_INFINITY, InvGamma.mean(0.9, 1));
    assertEquals(Double.POSITIVE_INFINITY, InvGamma.variance(1.5, 1));
    assertEquals(2.0 / 4, InvGamma.mode(3, 2), 1e-16);
    assertEquals(Double.NEGATIVE_INFINITY, InvGamma.lnPdf(0, 2, 1));
    assertEquals(InvGamma.lnPdf(0.6, 3, 2),
        InvGamma.expLnPdf(1 / 0.6, Math.log(0.6), 3, 2, Math.log(2)), 1e-14);
  }

  // ------------------------------------------------------------------------------------------
  // Beta(a, b)

  @Test
  void beta() {
    double[][] params = {{0.5, 2}, {1, 1}, {2.5, 4.1}, {30, 40}, {1.2, 1}};
    for (double[] p : params) {
      double a = p[0];
      double b = p[1];
      String at = " at Beta(" + a + ", " + b + ")";
      DoubleUnaryOperator pdf = x -> Math.exp(Beta.lnPdf(x, a, b));
      // b >= 1 here, so the density is bounded near 1 and x alone locates the point well enough
      assertEquals(1.0, Quadrature.integrate(pdf, 0, 1), QTOL, "norm" + at);
      close(Beta.mean(a, b), Quadrature.integrate(x -> x * pdf.applyAsDouble(x), 0, 1), QTOL, 0, "mean" + at);
      double m = Beta.mean(a, b);
      close(Beta.variance(a, b),
          Quadrature.integrate(x -> (x - m) * (x - m) * pdf.applyAsDouble(x), 0, 1), QTOL, 0, "var" + at);
      assertEquals(Quadrature.integrateUnit((x, y) -> Math.log(x) * pdf.applyAsDouble(x)),
          Beta.expLn(a, b), QTOL, "E[ln p]" + at);
      assertEquals(Quadrature.integrateUnit((x, y) -> Math.log(y) * pdf.applyAsDouble(x)),
          Beta.expLn1m(a, b), QTOL, "E[ln(1-p)]" + at);
      assertEquals(-Quadrature.integrate(x -> pLnP(Beta.lnPdf(x, a, b)), 0, 1),
          Beta.entropy(a, b), QTOL, "entropy" + at);
      for (double q : PROBS) {
        double x = Beta.quantile(q, a, b);
        close(q, Quadrature.integrate(pdf, 0, x), QTOL, 0, "quantile " + q + at);
      }
      Interval95.check(Beta.lower95(a, b), Beta.upper95(a, b), x -> Beta.cdf(x, a, b));
      // the expected-log-density helper with fixed a, b is linear in E[ln p], E[ln(1-p)]
      assertEquals(Beta.lnPdf(0.3, a, b), Beta.expLnPdf(Math.log(0.3), Math.log(0.7), a, b), 1e-13);
    }
    // b < 1 (singular at 1): check through the reflection p(x | a, b) = p(1 - x | b, a)
    assertEquals(Beta.entropy(0.6, 3), Beta.entropy(3, 0.6), 1e-14);
    assertEquals(Beta.expLn(0.6, 3), Beta.expLn1m(3, 0.6), 1e-15);
    double q = Beta.quantile(0.2, 3, 0.6);
    assertEquals(1 - Beta.quantile(0.8, 0.6, 3), q, 1e-13);
    assertEquals(0.0, Beta.quantile(0, 2, 3), 0.0);
    assertEquals(1.0, Beta.quantile(1, 2, 3), 0.0);
    assertEquals(Double.NEGATIVE_INFINITY, Beta.lnPdf(1.5, 2, 3));
    assertEquals(0.0, Beta.lnPdf(0.3, 1, 1), 1e-15); // uniform
    // extreme tails of small shapes are still inverted
    for (double[] p : new double[][] {{0.05, 0.05}, {0.2, 50}, {200, 100}}) {
      for (double pr : new double[] {0.025, 0.975}) {
        if (p[0] == 0.05 && pr == 0.975) {
          continue; // the true quantile is 1 - 8.8e-27: not representable, checked below
        }
        double x = Beta.quantile(pr, p[0], p[1]);
        close(pr, Beta.cdf(x, p[0], p[1]), 1e-12, 0, "tail quantile " + pr);
      }
    }
    // mpmath (findroot in ln x at 50 digits): 8.8328521112271729787e-27
    assertEquals(8.8328521112271729787e-27, Beta.quantile(0.025, 0.05, 0.05), 1e-12 * 8.8e-27);
    assertTrue(Beta.quantile(0.975, 0.05, 0.05) >= 1 - 1e-15); // best double below 1
  }

  /** p ln p from ln p, with 0 ln 0 = 0 where the density underflows. */
  static double pLnP(double lnP) {
    return lnP == Double.NEGATIVE_INFINITY ? 0 : Math.exp(lnP) * lnP;
  }

  /** A 95% central interval has 2.5% below and 2.5% above. */
  static final class Interval95 {
    private Interval95() {}

    static void check(double lower, double upper, DoubleUnaryOperator cdf) {
      assertTrue(lower < upper);
      close(0.025, cdf.applyAsDouble(lower), 1e-12, 0, "mass below the interval");
      close(0.975, cdf.applyAsDouble(upper), 1e-12, 0, "mass below the upper end");
    }
  }
}
