package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.LinAlg;

/** Argument checks shared by the posterior value types. */
final class Checks {

  private Checks() {}

  static void positive(String name, double v) {
    if (!(v > 0) || v == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(name + " must be positive and finite, got " + v);
    }
  }

  static void finite(String name, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be finite, got " + v);
    }
  }

  static void probability(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
    }
  }

  static void length(String name, double[] a, int expected) {
    if (a == null) {
      throw new NullPointerException(name);
    }
    if (a.length != expected) {
      throw new IllegalArgumentException(
          name + " must have length " + expected + ", got " + a.length);
    }
  }

  /**
   * Returns a symmetrised copy of the D x D matrix, rejecting non-finite entries, asymmetry
   * beyond 1e-8 relative and matrices that are not positive definite.
   */
  static double[] spdCopy(String name, double[] a, int D) {
    length(name, a, D * D);
    double[] c = a.clone();
    for (double v : c) {
      finite(name + " entry", v);
    }
    if (!LinAlg.isSymmetric(c, 0, 1e-8, D)) {
      throw new IllegalArgumentException(name + " must be symmetric");
    }
    LinAlg.symmetrize(c, D);
    if (!LinAlg.isPositiveDefinite(c, 0, new double[D * D], 0, D)) {
      throw new IllegalArgumentException(name + " must be positive definite");
    }
    return c;
  }

  static void index(int i, int n) {
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException("index " + i + " outside [0, " + n + ")");
    }
  }
}
