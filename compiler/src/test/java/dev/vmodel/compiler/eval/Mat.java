package dev.vmodel.compiler.eval;

/** Small dense linear algebra on double[][] for the reference interpreter (clear, not fast). */
final class Mat {
  private Mat() {}

  static double[][] identity(int n) {
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      out[i][i] = 1;
    }
    return out;
  }

  static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  static double[][] transpose(double[][] a) {
    double[][] out = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        out[j][i] = a[i][j];
      }
    }
    return out;
  }

  static double[][] mul(double[][] a, double[][] b) {
    double[][] out = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int k = 0; k < b.length; k++) {
        double aik = a[i][k];
        for (int j = 0; j < b[0].length; j++) {
          out[i][j] += aik * b[k][j];
        }
      }
    }
    return out;
  }

  static double[] mul(double[][] a, double[] x) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < x.length; j++) {
        out[i] += a[i][j] * x[j];
      }
    }
    return out;
  }

  static double[][] scale(double[][] a, double s) {
    double[][] out = copy(a);
    for (double[] row : out) {
      for (int j = 0; j < row.length; j++) {
        row[j] *= s;
      }
    }
    return out;
  }

  static double[][] plus(double[][] a, double[][] b) {
    double[][] out = copy(a);
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        out[i][j] += b[i][j];
      }
    }
    return out;
  }

  static double[][] outer(double[] x, double[] y) {
    double[][] out = new double[x.length][y.length];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < y.length; j++) {
        out[i][j] = x[i] * y[j];
      }
    }
    return out;
  }

  static double dot(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }

  static double quad(double[][] a, double[] x) {
    return dot(x, mul(a, x));
  }

  /** (A + A^T)/2. */
  static double[][] sym(double[][] a) {
    double[][] out = new double[a.length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) {
        out[i][j] = 0.5 * (a[i][j] + a[j][i]);
      }
    }
    return out;
  }

  /** The largest |a_ij - a_ji| relative to the largest |a_ij|. */
  static double asymmetry(double[][] a) {
    double max = 0;
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) {
        max = Math.max(max, Math.abs(a[i][j]));
        d = Math.max(d, Math.abs(a[i][j] - a[j][i]));
      }
    }
    return max == 0 ? 0 : d / max;
  }

  /** Lower Cholesky factor L with A = L L^T; throws if A is not positive definite. */
  static double[][] cholesky(double[][] a) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new ArithmeticException("matrix not positive definite");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  static boolean isPositiveDefinite(double[][] a) {
    try {
      cholesky(a);
      return true;
    } catch (ArithmeticException e) {
      return false;
    }
  }

  static double logDet(double[][] spd) {
    double[][] l = cholesky(spd);
    double s = 0;
    for (int i = 0; i < l.length; i++) {
      s += 2 * Math.log(l[i][i]);
    }
    return s;
  }

  /** Inverse of an SPD matrix. */
  static double[][] inverse(double[][] spd) {
    int n = spd.length;
    double[][] l = cholesky(spd);
    double[][] out = new double[n][n];
    for (int c = 0; c < n; c++) {
      double[] e = new double[n];
      e[c] = 1;
      double[] x = solveLowerTranspose(l, solveLower(l, e));
      for (int r = 0; r < n; r++) {
        out[r][c] = x[r];
      }
    }
    return sym(out);
  }

  /** Solves L y = b for lower-triangular L. */
  static double[] solveLower(double[][] l, double[] b) {
    int n = b.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * y[k];
      }
      y[i] = s / l[i][i];
    }
    return y;
  }

  /** Solves L^T x = y for lower-triangular L. */
  static double[] solveLowerTranspose(double[][] l, double[] y) {
    int n = y.length;
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < n; k++) {
        s -= l[k][i] * x[k];
      }
      x[i] = s / l[i][i];
    }
    return x;
  }

  /** Solves A x = b for a general square A by Gaussian elimination with partial pivoting. */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = copy(a);
    double[] x = b.clone();
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
          p = r;
        }
      }
      double[] t = m[c];
      m[c] = m[p];
      m[p] = t;
      double tx = x[c];
      x[c] = x[p];
      x[p] = tx;
      for (int r = c + 1; r < n; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k < n; k++) {
          m[r][k] -= f * m[c][k];
        }
        x[r] -= f * x[c];
      }
    }
    for (int r = n - 1; r >= 0; r--) {
      double s = x[r];
      for (int k = r + 1; k < n; k++) {
        s -= m[r][k] * x[k];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }

  static double[] flat(double[][] a) {
    int n = a.length;
    int m = a[0].length;
    double[] out = new double[n * m];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, out, i * m, m);
    }
    return out;
  }

  /** A random SPD matrix: B B^T / n + c I with B standard normal. */
  static double[][] randomSpd(int n, java.util.Random r, double c) {
    double[][] b = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        b[i][j] = r.nextGaussian();
      }
    }
    double[][] out = scale(mul(b, transpose(b)), 1.0 / n);
    for (int i = 0; i < n; i++) {
      out[i][i] += c;
    }
    return out;
  }
}
