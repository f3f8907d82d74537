package dev.vmodel.compiler.reference;

/**
 * Dense linear algebra on {@code double[][]} for the references: Cholesky factorisation A = L L^T
 * (L lower triangular, Cholesky-Banachiewicz), solves and inverse through it. Nothing clever.
 */
final class Linalg {
  private Linalg() {}

  /** Lower-triangular L with A = L L^T; A symmetric positive definite (only its lower half is read). */
  static double[][] cholesky(double[][] a) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
        if (i == j) {
          if (!(s > 0)) throw new ArithmeticException("matrix not positive definite (pivot " + i + " = " + s + ")");
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  /** Solves L y = b. */
  static double[] forward(double[][] l, double[] b) {
    int n = b.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) s -= l[i][k] * y[k];
      y[i] = s / l[i][i];
    }
    return y;
  }

  /** Solves L^T x = y. */
  static double[] backward(double[][] l, double[] y) {
    int n = y.length;
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < n; k++) s -= l[k][i] * x[k];
      x[i] = s / l[i][i];
    }
    return x;
  }

  /** Solves (L L^T) x = b. */
  static double[] cholSolve(double[][] l, double[] b) {
    return backward(l, forward(l, b));
  }

  /** (L L^T)^{-1}, symmetric. */
  static double[][] cholInverse(double[][] l) {
    int n = l.length;
    double[][] inv = new double[n][];
    for (int j = 0; j < n; j++) {
      double[] e = new double[n];
      e[j] = 1;
      inv[j] = cholSolve(l, e);
    }
    symmetrize(inv);
    return inv;
  }

  /** ln det(L L^T). */
  static double cholLogDet(double[][] l) {
    double s = 0;
    for (int i = 0; i < l.length; i++) s += Math.log(l[i][i]);
    return 2 * s;
  }

  /** L z for lower-triangular L. */
  static double[] lowerTimes(double[][] l, double[] z) {
    int n = z.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k <= i; k++) s += l[i][k] * z[k];
      y[i] = s;
    }
    return y;
  }

  /** L^T z for lower-triangular L. */
  static double[] lowerTransTimes(double[][] l, double[] z) {
    int n = z.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = i; k < n; k++) s += l[k][i] * z[k];
      y[i] = s;
    }
    return y;
  }

  static double[][] inverse(double[][] a) {
    return cholInverse(cholesky(a));
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  static double[] times(double[][] a, double[] x) {
    double[] y = new double[a.length];
    for (int i = 0; i < a.length; i++) y[i] = dot(a[i], x);
    return y;
  }

  /** x^T A x. */
  static double quad(double[] x, double[][] a) {
    return dot(x, times(a, x));
  }

  static void symmetrize(double[][] a) {
    for (int i = 0; i < a.length; i++)
      for (int j = 0; j < i; j++) {
        double v = 0.5 * (a[i][j] + a[j][i]);
        a[i][j] = v;
        a[j][i] = v;
      }
  }

  static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
    return c;
  }

  static void checkDesign(double[][] x, int n) {
    if (x.length != n) throw new IllegalArgumentException("X has " + x.length + " rows but there are " + n + " responses");
    if (n == 0) throw new IllegalArgumentException("no data");
    int d = x[0].length;
    for (int i = 0; i < n; i++)
      if (x[i].length != d) throw new IllegalArgumentException("row " + i + " of X has " + x[i].length + " columns, row 0 has " + d);
  }
}
