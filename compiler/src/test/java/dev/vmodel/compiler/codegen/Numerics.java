package dev.vmodel.compiler.codegen;

/**
 * Special functions and small dense linear algebra for the tests' independent truths, written
 * here rather than taken from the runtime under test.
 */
final class Numerics {
  private Numerics() {}

  /**
   * ln Gamma(x) for x > 0: the recurrence up to x >= 15, then Stirling's series to the x^-13
   * term (error below 1e-18 there).
   */
  static double lnGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("lnGamma(" + x + ")");
    }
    double shift = 0;
    while (x < 15) {
      shift += Math.log(x);
      x += 1;
    }
    double z = 1 / (x * x);
    double series = (1.0 / 12 + z * (-1.0 / 360 + z * (1.0 / 1260 + z * (-1.0 / 1680 + z * (1.0 / 1188
        + z * (-691.0 / 360360 + z * (1.0 / 156))))))) / x;
    return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series - shift;
  }

  static double lnBeta(double a, double b) {
    return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  }

  /** psi(x) for x > 0: the recurrence up to x >= 15, then the asymptotic series. */
  static double digamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("digamma(" + x + ")");
    }
    double shift = 0;
    while (x < 15) {
      shift += 1 / x;
      x += 1;
    }
    double z = 1 / (x * x);
    double series = z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132)))));
    return Math.log(x) - 0.5 / x - series - shift;
  }

  /** The Cholesky factor L (lower, row-major n x n) of an SPD matrix: A = L L^T. */
  static double[] cholesky(double[] a, int n) {
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * n + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * n + k] * l[j * n + k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new ArithmeticException("not positive definite");
          }
          l[i * n + i] = Math.sqrt(s);
        } else {
          l[i * n + j] = s / l[j * n + j];
        }
      }
    }
    return l;
  }

  /** Solves A x = b for SPD A. */
  static double[] solve(double[] a, double[] b, int n) {
    double[] l = cholesky(a, n);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i * n + k] * y[k];
      }
      y[i] = s / l[i * n + i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < n; k++) {
        s -= l[k * n + i] * x[k];
      }
      x[i] = s / l[i * n + i];
    }
    return x;
  }

  /** ln |A| for SPD A. */
  static double lnDet(double[] a, int n) {
    double[] l = cholesky(a, n);
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += 2 * Math.log(l[i * n + i]);
    }
    return s;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
