package dev.vmodel.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Checks the test-side quadrature on integrals known in closed form. */
class QuadratureTest {

  // 1e-13 relative: what the tests built on this quadrature assume of it.
  private static final double TOL = 1e-13;

  @Test
  void finiteIntervalWithEndpointSingularities() {
    assertEquals(-1.0, Quadrature.integrate(Math::log, 0, 1), TOL); // int_0^1 ln x = -1
    assertEquals(2.0, Quadrature.integrate(x -> 1 / Math.sqrt(x), 0, 1), 2 * TOL);
    assertEquals(Math.PI, Quadrature.integrateUnit((x, y) -> 1 / Math.sqrt(x * y)), 4 * TOL);
    assertEquals(Math.E - 1, Quadrature.integrate(Math::exp, 0, 1), TOL);
  }

  @Test
  void halfLineAndLine() {
    assertEquals(1.0, Quadrature.integrateToInfinity(x -> Math.exp(-x), 0, 1), TOL);
    // int_0^inf x^(-1/2) e^-x dx = sqrt(pi)
    assertEquals(Math.sqrt(Math.PI),
        Quadrature.integrateToInfinity(x -> Math.exp(-x) / Math.sqrt(x), 0, 1), 2 * TOL);
    // int_0^inf ln x e^-x dx = -EulerGamma
    assertEquals(-0.5772156649015329,
        Quadrature.integrateToInfinity(x -> Math.log(x) * Math.exp(-x), 0, 1), TOL);
    assertEquals(Math.sqrt(2 * Math.PI),
        Quadrature.integrateLine(x -> Math.exp(-0.5 * (x - 3) * (x - 3)), 3, 1), 2 * TOL);
  }

  @Test
  void gammaDensityWithLargeShapeIsResolved() {
    // int x^(a-1) e^-x / Gamma(a) = 1 for a = 300 (peak width sqrt(a), about 6% of the mean).
    double a = 300;
    double lnG = 1409.2020674704118; // lnGamma(300) by mpmath
    assertEquals(1.0, Quadrature.integrateToInfinity(
        x -> Math.exp((a - 1) * Math.log(x) - x - lnG), 0, a), 1e-12);
  }
}
