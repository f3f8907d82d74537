package dev.vmodel.runtime;


/**
 * Small dense linear algebra over flat row-major {@code double[]} arrays: an n x n matrix A is
 * stored as {@code a[off + i*n + j] = A[i][j]}.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>The dimension {@code n} is always the <em>last</em> parameter. Every method comes in a
 *       form where each array is followed by its start offset (so that generated code can keep
 *       K matrices of a model in one flat array), and most also in a short form with offsets 0.</li>
 *   <li>Nothing here allocates, except {@link #logDetSpd(double[], int)} and
 *       {@link #symmetricEigenvalues}, which say so. Methods that need scratch space take it
 *       from an output array or a caller-supplied workspace.</li>
 *   <li>Symmetric positive-definite (SPD) routines read only the lower triangle
 *       (j &lt;= i) of their input.</li>
 *   <li>Output arrays must not overlap the inputs unless the method says that they may.</li>
 * </ul>
 *
 * <p>Why hand-written code rather than EJML: the matrices here are small (D up to about 50) and
 * the routines are called per component per sweep; the loops below are plain Cholesky
 * (Cholesky-Banachiewicz), triangular solves and the LAPACK potri scheme done in place, which
 * for these sizes are as fast as EJML's general routines and, unlike going through EJML's
 * matrix objects and decompositions, need no allocation and accept offsets. So generated code
 * needs no library but this runtime; EJML is a test dependency: the unit tests check every
 * routine against EJML's LU- and Cholesky-based routines.
 */
public final class LinAlg {

  private LinAlg() {}

  // ---------------------------------------------------------------------------------------------
  // Cholesky factorisation and what follows from it
  // ---------------------------------------------------------------------------------------------

  /**
   * The position of entry (i, j) of a symmetric n x n matrix stored as its upper triangle, row by
   * row: (0,0), (0,1), ..., (0,n-1), (1,1), ...; (i, j) and (j, i) share a position.
   */
  public static int packedIndex(int i, int j, int n) {
    int a = Math.min(i, j);
    int b = Math.max(i, j);
    return a * n - a * (a - 1) / 2 + b - a;
  }

  /**
   * Cholesky factorisation A = L L^T in place: reads the lower triangle of the SPD matrix A at
   * {@code a[off ..]}, and on success overwrites the block with the lower factor L (upper
   * triangle set to 0).
   *
   * @return true on success; false if A is not (numerically) positive definite: a pivot
   *     A_jj - sum_k L_jk^2 was not &gt; 0, or a NaN was met. The block is then partly
   *     overwritten.
   */
  public static boolean choleskyInPlace(double[] a, int off, int n) {
    for (int i = 0; i < n; i++) {
      int ri = off + i * n;
      for (int j = 0; j <= i; j++) {
        int rj = off + j * n;
        double s = a[ri + j];
        for (int k = 0; k < j; k++) {
          s -= a[ri + k] * a[rj + k];
        }
        if (i == j) {
          if (!(s > 0)) {
            return false;
          }
          a[ri + i] = Math.sqrt(s);
        } else {
          a[ri + j] = s / a[rj + j];
        }
      }
      for (int j = i + 1; j < n; j++) {
        a[ri + j] = 0;
      }
    }
    return true;
  }

  /** {@link #choleskyInPlace(double[], int, int)} with offset 0. */
  public static boolean choleskyInPlace(double[] a, int n) {
    return choleskyInPlace(a, 0, n);
  }

  /**
   * Cholesky factor of A (lower triangle read) written to {@code l}; A is left untouched unless
   * {@code l} is the same block.
   *
   * @return false if A is not positive definite
   */
  public static boolean cholesky(double[] a, int aOff, double[] l, int lOff, int n) {
    if (a != l || aOff != lOff) {
      System.arraycopy(a, aOff, l, lOff, n * n);
    }
    return choleskyInPlace(l, lOff, n);
  }

  /** {@link #cholesky(double[], int, double[], int, int)} with offsets 0. */
  public static boolean cholesky(double[] a, double[] l, int n) {
    return cholesky(a, 0, l, 0, n);
  }

  /** ln|A| = 2 sum_i ln L_ii from a Cholesky factor L of A. */
  public static double logDetFromCholesky(double[] l, int off, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += Math.log(l[off + i * (n + 1)]);
    }
    return 2 * s;
  }

  /** {@link #logDetFromCholesky(double[], int, int)} with offset 0. */
  public static double logDetFromCholesky(double[] l, int n) {
    return logDetFromCholesky(l, 0, n);
  }

  /** Forward substitution: solves L y = b for y (L lower triangular). {@code y} may alias b. */
  public static void solveLower(
      double[] l, int lOff, double[] b, int bOff, double[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      int ri = lOff + i * n;
      double s = b[bOff + i];
      for (int k = 0; k < i; k++) {
        s -= l[ri + k] * y[yOff + k];
      }
      y[yOff + i] = s / l[ri + i];
    }
  }

  /** Back substitution: solves L^T x = y for x (L lower triangular). {@code x} may alias y. */
  public static void solveLowerTranspose(
      double[] l, int lOff, double[] y, int yOff, double[] x, int xOff, int n) {
    for (int i = n - 1; i >= 0; i--) {
      double s = y[yOff + i];
      for (int k = i + 1; k < n; k++) {
        s -= l[lOff + k * n + i] * x[xOff + k];
      }
      x[xOff + i] = s / l[lOff + i * n + i];
    }
  }

  /**
   * Solves A x = b given the Cholesky factor L of A (A = L L^T). {@code x} may alias b.
   */
  public static void solveCholesky(
      double[] l, int lOff, double[] b, int bOff, double[] x, int xOff, int n) {
    solveLower(l, lOff, b, bOff, x, xOff, n);
    solveLowerTranspose(l, lOff, x, xOff, x, xOff, n);
  }

  /** {@link #solveCholesky(double[], int, double[], int, double[], int, int)} with offsets 0. */
  public static void solveCholesky(double[] l, double[] b, double[] x, int n) {
    solveCholesky(l, 0, b, 0, x, 0, n);
  }

  /**
   * A^-1 = L^-T L^-1 from the Cholesky factor L of A (only the lower triangle of L is read),
   * written as a full symmetric matrix to {@code out}. {@code out} may be the same block as
   * {@code l}: the computation is done in place (triangular inversion, then the product
   * L^-T L^-1 column by column, as LAPACK's potri), so no workspace is needed.
   */
  public static void inverseFromCholesky(double[] l, int lOff, double[] out, int oOff, int n) {
    if (l != out || lOff != oOff) {
      for (int i = 0; i < n; i++) {
        System.arraycopy(l, lOff + i * n, out, oOff + i * n, i + 1);
      }
    }
    // 1. lower triangle of out := L^-1, column by column (column j uses columns >= j of L).
    for (int j = 0; j < n; j++) {
      int jj = oOff + j * n + j;
      out[jj] = 1.0 / out[jj];
      for (int i = j + 1; i < n; i++) {
        int ri = oOff + i * n;
        double s = 0;
        for (int k = j; k < i; k++) {
          s -= out[ri + k] * out[oOff + k * n + j];
        }
        out[ri + j] = s / out[ri + i];
      }
    }
    // 2. A^-1_ij = sum_{k >= max(i,j)} M_ki M_kj with M = L^-1. Entry (j, i), j >= i, replaces
    //    M_ji, which no later entry needs; the mirror (i, j) goes to the unused upper triangle.
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double s = 0;
        for (int k = j; k < n; k++) {
          s += out[oOff + k * n + i] * out[oOff + k * n + j];
        }
        out[oOff + j * n + i] = s;
        out[oOff + i * n + j] = s;
      }
    }
  }

  /** {@link #inverseFromCholesky(double[], int, double[], int, int)} with offsets 0. */
  public static void inverseFromCholesky(double[] l, double[] out, int n) {
    inverseFromCholesky(l, 0, out, 0, n);
  }

  /**
   * Inverse and log-determinant of an SPD matrix in one pass: writes A^-1 to {@code out} and
   * returns ln|A|. {@code out} may be the same block as {@code a} (in-place inversion). No
   * allocation.
   *
   * @return ln|A|, or NaN if A is not positive definite (then {@code out} holds garbage)
   */
  public static double spdInverseLogDet(double[] a, int aOff, double[] out, int oOff, int n) {
    if (!cholesky(a, aOff, out, oOff, n)) {
      return Double.NaN;
    }
    double logDet = logDetFromCholesky(out, oOff, n);
    inverseFromCholesky(out, oOff, out, oOff, n);
    return logDet;
  }

  /** {@link #spdInverseLogDet(double[], int, double[], int, int)} with offsets 0. */
  public static double spdInverseLogDet(double[] a, double[] out, int n) {
    return spdInverseLogDet(a, 0, out, 0, n);
  }

  /**
   * A^-1 of an SPD matrix into {@code out} (which may be {@code a}).
   *
   * @return false if A is not positive definite
   */
  public static boolean spdInverse(double[] a, int aOff, double[] out, int oOff, int n) {
    return !Double.isNaN(spdInverseLogDet(a, aOff, out, oOff, n));
  }

  /** {@link #spdInverse(double[], int, double[], int, int)} with offsets 0. */
  public static boolean spdInverse(double[] a, double[] out, int n) {
    return spdInverse(a, 0, out, 0, n);
  }

  /** Inverts an SPD matrix in place; false if it is not positive definite. */
  public static boolean spdInvertInPlace(double[] a, int n) {
    return spdInverse(a, 0, a, 0, n);
  }

  /**
   * ln|A| of an SPD matrix through a Cholesky factorisation written into {@code work}
   * (length at least {@code wOff + n*n}); A is not modified.
   *
   * @return ln|A|, or NaN if A is not positive definite
   */
  public static double logDetSpd(double[] a, int aOff, double[] work, int wOff, int n) {
    if (!cholesky(a, aOff, work, wOff, n)) {
      return Double.NaN;
    }
    return logDetFromCholesky(work, wOff, n);
  }

  /** ln|A| of an SPD matrix. Allocates an n x n scratch array; see the workspace variant. */
  public static double logDetSpd(double[] a, int n) {
    return logDetSpd(a, 0, new double[n * n], 0, n);
  }

  /** True if the SPD Cholesky factorisation of A (lower triangle) succeeds; uses work. */
  public static boolean isPositiveDefinite(double[] a, int aOff, double[] work, int wOff, int n) {
    return cholesky(a, aOff, work, wOff, n);
  }

  // ---------------------------------------------------------------------------------------------
  // Products and forms
  // ---------------------------------------------------------------------------------------------

  /** x . y = sum_i x_i y_i. */
  public static double dot(double[] x, int xOff, double[] y, int yOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += x[xOff + i] * y[yOff + i];
    }
    return s;
  }

  /** {@link #dot(double[], int, double[], int, int)} with offsets 0. */
  public static double dot(double[] x, double[] y, int n) {
    return dot(x, 0, y, 0, n);
  }

  /** Quadratic form x^T A x = sum_ij x_i A_ij x_j (A need not be symmetric). */
  public static double quadForm(double[] a, int aOff, double[] x, int xOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      int ri = aOff + i * n;
      double t = 0;
      for (int j = 0; j < n; j++) {
        t += a[ri + j] * x[xOff + j];
      }
      s += x[xOff + i] * t;
    }
    return s;
  }

  /** {@link #quadForm(double[], int, double[], int, int)} with offsets 0. */
  public static double quadForm(double[] a, double[] x, int n) {
    return quadForm(a, 0, x, 0, n);
  }

  /** Centred quadratic form (x - m)^T A (x - m), without forming x - m. */
  public static double quadFormCentered(
      double[] a, int aOff, double[] x, int xOff, double[] m, int mOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      int ri = aOff + i * n;
      double t = 0;
      for (int j = 0; j < n; j++) {
        t += a[ri + j] * (x[xOff + j] - m[mOff + j]);
      }
      s += (x[xOff + i] - m[mOff + i]) * t;
    }
    return s;
  }

  /** {@link #quadFormCentered(double[], int, double[], int, double[], int, int)}, offsets 0. */
  public static double quadFormCentered(double[] a, double[] x, double[] m, int n) {
    return quadFormCentered(a, 0, x, 0, m, 0, n);
  }

  /** Bilinear form x^T A y. */
  public static double bilinearForm(
      double[] x, int xOff, double[] a, int aOff, double[] y, int yOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      int ri = aOff + i * n;
      double t = 0;
      for (int j = 0; j < n; j++) {
        t += a[ri + j] * y[yOff + j];
      }
      s += x[xOff + i] * t;
    }
    return s;
  }

  /** tr(A) = sum_i A_ii. */
  public static double trace(double[] a, int off, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += a[off + i * (n + 1)];
    }
    return s;
  }

  /** {@link #trace(double[], int, int)} with offset 0. */
  public static double trace(double[] a, int n) {
    return trace(a, 0, n);
  }

  /** tr(A B) = sum_ij A_ij B_ji, without forming A B (O(n^2)). */
  public static double traceProduct(double[] a, int aOff, double[] b, int bOff, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s += a[aOff + i * n + j] * b[bOff + j * n + i];
      }
    }
    return s;
  }

  /** {@link #traceProduct(double[], int, double[], int, int)} with offsets 0. */
  public static double traceProduct(double[] a, double[] b, int n) {
    return traceProduct(a, 0, b, 0, n);
  }

  /** y = A x. {@code y} must not overlap x. */
  public static void matVec(double[] a, int aOff, double[] x, int xOff, double[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      int ri = aOff + i * n;
      double t = 0;
      for (int j = 0; j < n; j++) {
        t += a[ri + j] * x[xOff + j];
      }
      y[yOff + i] = t;
    }
  }

  /** {@link #matVec(double[], int, double[], int, double[], int, int)} with offsets 0. */
  public static void matVec(double[] a, double[] x, double[] y, int n) {
    matVec(a, 0, x, 0, y, 0, n);
  }

  /** C = A B for n x n matrices. {@code c} must not overlap a or b. */
  public static void matMul(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int n) {
    for (int i = 0; i < n; i++) {
      int ci = cOff + i * n;
      for (int j = 0; j < n; j++) {
        c[ci + j] = 0;
      }
      for (int k = 0; k < n; k++) {
        double aik = a[aOff + i * n + k];
        int bk = bOff + k * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] += aik * b[bk + j];
        }
      }
    }
  }

  /** {@link #matMul(double[], int, double[], int, double[], int, int)} with offsets 0. */
  public static void matMul(double[] a, double[] b, double[] c, int n) {
    matMul(a, 0, b, 0, c, 0, n);
  }

  // ---------------------------------------------------------------------------------------------
  // Accumulation and symmetric helpers
  // ---------------------------------------------------------------------------------------------

  /** A += w x x^T (full matrix updated, so A stays symmetric if it was). */
  public static void addOuter(double[] a, int aOff, double w, double[] x, int xOff, int n) {
    for (int i = 0; i < n; i++) {
      double wi = w * x[xOff + i];
      int ri = aOff + i * n;
      for (int j = 0; j < n; j++) {
        a[ri + j] += wi * x[xOff + j];
      }
    }
  }

  /** {@link #addOuter(double[], int, double, double[], int, int)} with offsets 0. */
  public static void addOuter(double[] a, double w, double[] x, int n) {
    addOuter(a, 0, w, x, 0, n);
  }

  /** A += w (x - m)(x - m)^T, without forming x - m. */
  public static void addOuterCentered(
      double[] a, int aOff, double w, double[] x, int xOff, double[] m, int mOff, int n) {
    for (int i = 0; i < n; i++) {
      double wi = w * (x[xOff + i] - m[mOff + i]);
      int ri = aOff + i * n;
      for (int j = 0; j < n; j++) {
        a[ri + j] += wi * (x[xOff + j] - m[mOff + j]);
      }
    }
  }

  /** {@link #addOuterCentered(double[], int, double, double[], int, double[], int, int)}. */
  public static void addOuterCentered(double[] a, double w, double[] x, double[] m, int n) {
    addOuterCentered(a, 0, w, x, 0, m, 0, n);
  }

  /** A += w x y^T (general, not symmetric). */
  public static void addOuterXY(
      double[] a, int aOff, double w, double[] x, int xOff, double[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      double wi = w * x[xOff + i];
      int ri = aOff + i * n;
      for (int j = 0; j < n; j++) {
        a[ri + j] += wi * y[yOff + j];
      }
    }
  }

  /** A += s B over {@code len} consecutive entries (vectors or matrices alike). */
  public static void addScaled(double[] a, int aOff, double s, double[] b, int bOff, int len) {
    for (int i = 0; i < len; i++) {
      a[aOff + i] += s * b[bOff + i];
    }
  }

  /** {@link #addScaled(double[], int, double, double[], int, int)} with offsets 0. */
  public static void addScaled(double[] a, double s, double[] b, int len) {
    addScaled(a, 0, s, b, 0, len);
  }

  /** A *= s over {@code len} consecutive entries. */
  public static void scale(double[] a, int off, double s, int len) {
    for (int i = 0; i < len; i++) {
      a[off + i] *= s;
    }
  }

  /** Adds s to each diagonal entry: A += s I. */
  public static void addToDiagonal(double[] a, int off, double s, int n) {
    for (int i = 0; i < n; i++) {
      a[off + i * (n + 1)] += s;
    }
  }

  /** Sets the block to the n x n identity. */
  public static void setIdentity(double[] a, int off, int n) {
    for (int i = 0; i < n * n; i++) {
      a[off + i] = 0;
    }
    for (int i = 0; i < n; i++) {
      a[off + i * (n + 1)] = 1;
    }
  }

  /** {@link #setIdentity(double[], int, int)} with offset 0. */
  public static void setIdentity(double[] a, int n) {
    setIdentity(a, 0, n);
  }

  /** A := (A + A^T)/2 in place, removing rounding asymmetry. */
  public static void symmetrize(double[] a, int off, int n) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double v = 0.5 * (a[off + i * n + j] + a[off + j * n + i]);
        a[off + i * n + j] = v;
        a[off + j * n + i] = v;
      }
    }
  }

  /** {@link #symmetrize(double[], int, int)} with offset 0. */
  public static void symmetrize(double[] a, int n) {
    symmetrize(a, 0, n);
  }

  /** Copies the lower triangle onto the upper: A_ij := A_ji for j &gt; i. */
  public static void copyLowerToUpper(double[] a, int off, int n) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        a[off + j * n + i] = a[off + i * n + j];
      }
    }
  }

  /**
   * True if |A_ij - A_ji| &lt;= tol * max(1, |A_ij|, |A_ji|) for all i, j (and no entry is NaN).
   */
  public static boolean isSymmetric(double[] a, int off, double tol, int n) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double x = a[off + i * n + j];
        double y = a[off + j * n + i];
        double scale = Math.max(1.0, Math.max(Math.abs(x), Math.abs(y)));
        if (!(Math.abs(x - y) <= tol * scale)) {
          return false;
        }
      }
    }
    return true;
  }
}
