package dev.vmodel.runtime;

import java.util.function.DoubleUnaryOperator;

/** Safeguarded Newton iteration used to invert distribution functions (not for hot loops). */
final class Roots {

  private Roots() {}

  /**
   * Root of an increasing function f on the open interval (lo, hi), {@code hi} possibly
   * +infinity and {@code lo >= 0} when {@code hi} is infinite: Newton steps from {@code x0},
   * replaced by bisection (geometric when the bracket spans more than a factor 4, doubling
   * while no upper bracket is known) whenever a step would leave the current bracket. Stops when
   * a step is below 1e-15 relative or the bracket has collapsed to adjacent doubles.
   */
  static double increasingRoot(
      DoubleUnaryOperator f, DoubleUnaryOperator df, double lo, double hi, double x0) {
    double x = x0;
    for (int iter = 0; iter < 2000; iter++) {
      double fx = f.applyAsDouble(x);
      if (fx == 0) {
        return x;
      }
      if (fx != fx) {
        return Double.NaN;
      }
      if (fx < 0) {
        lo = x;
      } else {
        hi = x;
      }
      double xn = x - fx / df.applyAsDouble(x);
      if (!(xn > lo && xn < hi)) {
        if (hi == Double.POSITIVE_INFINITY) {
          xn = lo > 0 ? 2 * lo : 1;
        } else if (lo > 0 && hi > 4 * lo) {
          xn = Math.sqrt(lo * hi);
        } else {
          xn = lo + 0.5 * (hi - lo);
        }
      }
      if (Math.abs(xn - x) <= 1e-15 * Math.abs(xn)) {
        return xn;
      }
      if (hi != Double.POSITIVE_INFINITY && hi - lo <= 2 * Math.ulp(hi)) {
        return xn;
      }
      x = xn;
    }
    return x;
  }
}
