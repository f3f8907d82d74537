package dev.vmodel.runtime;

import static dev.vmodel.runtime.SpecialFunctionsTest.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Incomplete gamma and beta functions, erfc and the normal quantile. */
class IncompleteFunctionsTest {

  @Test
  void incompleteGammaAgainstMpmath() {
    // {a, x, P(a, x), Q(a, x)} from mpmath 1.3.0 (40 digits, printed to 20)
    double[][] ref = {
      {0.3, 0.01, 0.27924099635901486104, 0.72075900364098513896},
      {0.3, 2.0, 0.97797401917285298559, 0.022025980827147014411},
      {2.5, 1.0, 0.15085496391539036377, 0.84914503608460963623},
      {2.5, 7.0, 0.98439058389973308527, 0.015609416100266914735},
      {30, 25, 0.1821039159774551098, 0.8178960840225448902},
      {30, 40, 0.95677131784826443307, 0.043228682151735566929},
      {1000, 950, 0.055054686230738034495, 0.94494531376926196551},
      {1000, 1100, 0.99894067674607002265, 0.0010593232539299773489},
      {0.5, 30, 0.99999999999999051426, 9.4857375710738483885e-15},
    };
    for (double[] r : ref) {
      // 1e-13 relative: the documented ~1e-14 with margin for a = 1000, where the prefactor
      // x^a e^-x / Gamma(a) is the hard part.
      close(r[2], SpecialFunctions.regularizedGammaP(r[0], r[1]), 1e-13, 0, "P" + r[0] + "," + r[1]);
      close(r[3], SpecialFunctions.regularizedGammaQ(r[0], r[1]), 1e-13, 0, "Q" + r[0] + "," + r[1]);
    }
  }

  @Test
  void incompleteGammaClosedForms() {
    for (double x = 0.01; x < 60; x *= 1.3) {
      // P(1, x) = 1 - e^-x; Q(1, x) = e^-x (relative accuracy kept in the upper tail)
      close(-Math.expm1(-x), SpecialFunctions.regularizedGammaP(1, x), 1e-14, 0, "P(1,x)");
      close(Math.exp(-x), SpecialFunctions.regularizedGammaQ(1, x), 1e-13, 0, "Q(1,x)");
      // Q(5, x) = e^-x sum_{k<5} x^k / k!
      double s = 0;
      double term = 1;
      for (int k = 0; k < 5; k++) {
        s += term;
        term *= x / (k + 1);
      }
      close(Math.exp(-x) * s, SpecialFunctions.regularizedGammaQ(5, x), 1e-13, 0, "Q(5,x)");
    }
    assertEquals(0.0, SpecialFunctions.regularizedGammaP(2, 0), 0.0);
    assertEquals(1.0, SpecialFunctions.regularizedGammaP(2, Double.POSITIVE_INFINITY), 0.0);
    assertTrue(Double.isNaN(SpecialFunctions.regularizedGammaP(0, 1)));
    assertTrue(Double.isNaN(SpecialFunctions.regularizedGammaQ(1, -1)));
  }

  @Test
  void incompleteGammaByQuadrature() {
    for (double a : new double[] {0.4, 1.7, 12}) {
      for (double x : new double[] {0.05, 0.9, 3, 15}) {
        double lnG = SpecialFunctions.lnGamma(a);
        double integral = Quadrature.integrate(
            t -> Math.exp((a - 1) * Math.log(t) - t - lnG), 0, x);
        // quadrature accuracy about 1e-13 relative (QuadratureTest)
        close(integral, SpecialFunctions.regularizedGammaP(a, x), 1e-12, 1e-300, "P by quad");
      }
    }
  }

  @Test
  void incompleteBeta() {
    // {x, a, b, I_x(a, b)} from mpmath 1.3.0
    double[][] ref = {
      {0.2, 0.5, 0.5, 0.29516723530086655719},
      {0.9, 0.5, 3.0, 0.99967502532072891655},
      {0.3, 2.5, 4.1, 0.36318251042196874608},
      {0.5, 30, 40, 0.88579988732335151449},
      {0.6, 200, 100, 0.0083155350739138710679},
      {0.7, 200, 100, 0.89115693435508984738},
      {0.999, 5, 0.7, 0.97362540473087595554},
    };
    for (double[] r : ref) {
      // 1e-13 relative (documented ~1e-14, margin for a, b of a few hundred)
      close(r[3], SpecialFunctions.regularizedBeta(r[0], r[1], r[2]), 1e-13, 0, "I_x");
    }
    for (double x = 0.01; x < 1; x += 0.07) {
      // I_x(1, b) = 1 - (1-x)^b, I_x(a, 1) = x^a, I_x(a, b) = 1 - I_{1-x}(b, a)
      close(-Math.expm1(3.3 * Math.log1p(-x)), SpecialFunctions.regularizedBeta(x, 1, 3.3), 1e-14,
          1e-16, "I_x(1,b)");
      close(Math.pow(x, 0.7), SpecialFunctions.regularizedBeta(x, 0.7, 1), 1e-14, 0, "I_x(a,1)");
      assertEquals(1 - SpecialFunctions.regularizedBeta(1 - x, 4.2, 2.5),
          SpecialFunctions.regularizedBeta(x, 2.5, 4.2), 1e-14);
      // by quadrature of the density (1e-12: quadrature accuracy with margin)
      double xx = x;
      double lnB = SpecialFunctions.lnBeta(2.5, 4.2);
      double integral = Quadrature.integrate(
          t -> Math.exp(1.5 * Math.log(t) + 3.2 * Math.log1p(-t) - lnB), 0, xx);
      close(integral, SpecialFunctions.regularizedBeta(x, 2.5, 4.2), 1e-12, 1e-300, "I by quad");
    }
    assertEquals(0.0, SpecialFunctions.regularizedBeta(-0.1, 2, 2), 0.0);
    assertEquals(1.0, SpecialFunctions.regularizedBeta(1.0, 2, 2), 0.0);
    assertTrue(Double.isNaN(SpecialFunctions.regularizedBeta(0.5, 0, 2)));
  }

  @Test
  void erfcAndNormalCdf() {
    // {x, erfc(x)} from mpmath 1.3.0. Relative tolerance 1e-14 + 4e-16 x^2: the exponent
    // -x^2 of the prefactor carries rounding of ~1e-16 x^2 absolute, which exp() turns into
    // relative error (1e-14 at x = 3, 5e-14 at x = 10).
    double[][] ref = {
      {0.0, 1.0},
      {0.5, 0.47950012218695346232},
      {1.0, 0.15729920705028513066},
      {2.0, 0.0046777349810472658379},
      {3.0, 0.000022090496998585441373},
      {6.0, 2.1519736712498913117e-17},
      {10.0, 2.088487583762544757e-45},
      {-1.0, 1.8427007929497148693},
      {-3.0, 1.9999779095030014146},
    };
    for (double[] r : ref) {
      close(r[1], SpecialFunctions.erfc(r[0]), 1e-14 + 4e-16 * r[0] * r[0], 0,
          "erfc(" + r[0] + ")");
    }
    // Phi by quadrature of the standard normal density (1e-13: quadrature accuracy)
    for (double z = -6; z <= 2; z += 0.5) {
      double integral = Quadrature.integrateToInfinity(
          t -> Math.exp(-0.5 * t * t - SpecialFunctions.HALF_LN_2PI), -z, 1);
      close(integral, SpecialFunctions.normalCdf(z), 1e-13, 0, "Phi(" + z + ")");
    }
  }

  @Test
  void normalQuantile() {
    // {p, Phi^-1(p)} from mpmath 1.3.0 (findroot on ln ncdf(z) - ln p at 40 digits; a plain
    // findroot on ncdf(z) - p stops early at p = 1e-300)
    double[][] ref = {
      {1e-300, -37.047096299361199237},
      {1e-20, -9.2623400897984075737},
      {1e-10, -6.3613409024040562047},
      {0.001, -3.0902323061678135415},
      {0.025, -1.9599639845400542355},
      {0.3, -0.52440051270804078404},
      {0.5, 0.0},
      {0.7, 0.52440051270804078404},
      {0.975, 1.9599639845400542355},
      {0.999999, 4.7534243088228989482},
    };
    for (double[] r : ref) {
      // 1e-14 relative: Halley refinement on a CDF accurate to ~1e-15. At p = 0.999999 the
      // double differs from the decimal mpmath used by ~1e-17, i.e. 1e-11 relative in 1 - p,
      // which moves z by ~2e-12; hence 1e-10 there.
      double tol = r[0] > 0.99 ? 1e-10 : 1e-14;
      close(r[1], SpecialFunctions.normalQuantile(r[0]), tol, 1e-16, "q(" + r[0] + ")");
    }
    assertEquals(Normal.Z_975, SpecialFunctions.normalQuantile(0.975), 1e-15);
    assertEquals(Double.NEGATIVE_INFINITY, SpecialFunctions.normalQuantile(0));
    assertEquals(Double.POSITIVE_INFINITY, SpecialFunctions.normalQuantile(1));
    assertTrue(Double.isNaN(SpecialFunctions.normalQuantile(1.5)));
    for (double p = 0.0005; p < 1; p += 0.0173) {
      // round trip Phi(Phi^-1(p)) = p, 1e-14 relative
      close(p, SpecialFunctions.normalCdf(SpecialFunctions.normalQuantile(p)), 1e-14, 0, "rt");
    }
  }
}
