package dev.vmodel.runtime;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Double-exponential quadrature for the tests: an integration method independent of the code
 * under test. Tanh-sinh on [a, b] and exp-sinh on [a, infinity) with step h = 1/64 converge to
 * about 1e-14 relative for integrands analytic inside the interval, including integrable
 * algebraic or logarithmic singularities at the ends (checked in {@link QuadratureTest}).
 */
final class Quadrature {

  private static final double H = 1.0 / 64;
  private static final double HALF_PI = Math.PI / 2;

  private Quadrature() {}

  /** integral_a^b f(x) dx by tanh-sinh; f is never evaluated at a or b. */
  static double integrate(DoubleUnaryOperator f, double a, double b) {
    double width = b - a;
    double sum = width * Math.PI / 4 * f.applyAsDouble(a + 0.5 * width);
    for (int k = 1; ; k++) {
      double t = k * H;
      double s = HALF_PI * Math.sinh(t);
      double d = 1 / (1 + Math.exp(2 * s)); // (1 - tanh s)/2
      double w = width * Math.PI * Math.cosh(t) * d * (1 - d);
      if (w == 0 || d == 0 || t > 8) {
        break;
      }
      double right = b - width * d;
      double left = a + width * d;
      if (right < b) {
        sum += w * f.applyAsDouble(right);
      }
      if (left > a) {
        sum += w * f.applyAsDouble(left);
      }
    }
    return sum * H;
  }

  /**
   * integral_0^1 f(x, 1 - x) dx by tanh-sinh, handing the integrand both x and 1 - x exactly
   * (near x = 1 the difference 1 - x cannot be recovered from x), for integrands singular at 1.
   */
  static double integrateUnit(DoubleBinaryOperator f) {
    double sum = Math.PI / 4 * f.applyAsDouble(0.5, 0.5);
    for (int k = 1; ; k++) {
      double t = k * H;
      double s = HALF_PI * Math.sinh(t);
      double d = 1 / (1 + Math.exp(2 * s));
      double w = Math.PI * Math.cosh(t) * d * (1 - d);
      if (w == 0 || d == 0 || t > 8) {
        break;
      }
      sum += w * (f.applyAsDouble(1 - d, d) + f.applyAsDouble(d, 1 - d));
    }
    return sum * H;
  }

  /**
   * integral_a^infinity f(x) dx by exp-sinh, x = a + scale exp(pi/2 sinh t); {@code scale}
   * should be the width of the region where f lives (for a density: about its mean).
   */
  static double integrateToInfinity(DoubleUnaryOperator f, double a, double scale) {
    double sum = 0;
    for (int k = -(int) (7 / H); k <= (int) (5 / H); k++) {
      double t = k * H;
      double e = Math.exp(HALF_PI * Math.sinh(t));
      double x = a + scale * e;
      double w = scale * HALF_PI * Math.cosh(t) * e;
      if (w == 0 || x == a || Double.isInfinite(x)) {
        continue;
      }
      double fx = f.applyAsDouble(x);
      if (fx != 0) {
        sum += w * fx;
      }
    }
    return sum * H;
  }

  /** integral over the whole real line by substituting x = c + scale sinh(u) on (-inf, inf). */
  static double integrateLine(DoubleUnaryOperator f, double c, double scale) {
    return integrateToInfinity(y -> f.applyAsDouble(c + y), 0, scale)
        + integrateToInfinity(y -> f.applyAsDouble(c - y), 0, scale);
  }
}
