package dev.vmodel.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.junit.jupiter.api.Test;

/**
 * LinAlg against hand-computed small cases and against EJML's own general routines (LU-based
 * inverse, determinant and solve; its Cholesky decomposition; its matrix products).
 *
 * <p>Tolerances: the random SPD matrices are B B^T + n I, with condition numbers below about
 * 10, so backward-stable routines agree to a small multiple of n * 1e-16 relative; 1e-12
 * relative (entrywise, scaled by the largest entry) leaves room for n = 50 while catching any
 * indexing or transposition error (those err by O(1)).
 */
class LinAlgTest {

  private static final int[] SIZES = {1, 2, 3, 5, 10, 23, 50};
  private static final double TOL = 1e-12;

  static double[] randomSpd(Random rng, int n) {
    double[] b = new double[n * n];
    for (int i = 0; i < b.length; i++) {
      b[i] = rng.nextGaussian();
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += b[i * n + k] * b[j * n + k];
        }
        a[i * n + j] = s + (i == j ? n : 0);
      }
    }
    return a;
  }

  private static double[] randomVector(Random rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextGaussian();
    }
    return v;
  }

  private static void assertClose(double[] expected, double[] actual, double tol) {
    assertEquals(expected.length, actual.length);
    double scale = 0;
    for (double v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol * Math.max(scale, 1e-300), "entry " + i);
    }
  }

  @Test
  void handComputed2x2() {
    double[] a = {4, 2, 2, 3};
    double[] l = new double[4];
    assertTrue(LinAlg.cholesky(a, l, 2));
    assertArrayEquals(new double[] {2, 0, 1, Math.sqrt(2)}, l, 1e-15);
    assertEquals(Math.log(8), LinAlg.logDetFromCholesky(l, 2), 1e-15);
    double[] inv = new double[4];
    assertEquals(Math.log(8), LinAlg.spdInverseLogDet(a, inv, 2), 1e-15);
    assertArrayEquals(new double[] {3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8}, inv, 1e-15);
    double[] x = new double[2];
    LinAlg.solveCholesky(l, new double[] {1, 2}, x, 2); // A x = (1, 2): x = A^-1 (1,2)
    assertArrayEquals(new double[] {(3 - 4) / 8.0, (-2 + 8) / 8.0}, x, 1e-15);
    assertEquals(4 * 1 + 2 * 2 * 1 * 2 + 3 * 4, LinAlg.quadForm(a, new double[] {1, 2}, 2), 1e-14);
    // (x - m) = (1, -1): 4 - 4 + 3 = 3
    assertEquals(3.0, LinAlg.quadFormCentered(a, new double[] {2, 0}, new double[] {1, 1}, 2),
        1e-14);
    // tr(A B) with B = [[1, 0], [5, 1]]: A B = [[14, 2], [17, 3]], trace 17
    assertEquals(17.0, LinAlg.traceProduct(a, new double[] {1, 0, 5, 1}, 2), 1e-14);
  }

  @Test
  void handComputed3x3() {
    // The classic example A = L L^T with L = [[2,0,0],[6,1,0],[-8,5,3]], |A| = 36.
    double[] a = {4, 12, -16, 12, 37, -43, -16, -43, 98};
    double[] l = a.clone();
    assertTrue(LinAlg.choleskyInPlace(l, 3));
    assertArrayEquals(new double[] {2, 0, 0, 6, 1, 0, -8, 5, 3}, l, 1e-14);
    assertEquals(Math.log(36), LinAlg.logDetFromCholesky(l, 3), 1e-14);
    // A^-1 computed by hand (adjugate / 36):
    double[] expected = {
      (37 * 98 - 43 * 43) / 36.0, -(12 * 98 - 43 * 16) / 36.0, (12 * -43 + 37 * 16) / 36.0,
      -(12 * 98 - 43 * 16) / 36.0, (4 * 98 - 16 * 16) / 36.0, -(4 * -43 + 12 * 16) / 36.0,
      (12 * -43 + 37 * 16) / 36.0, -(4 * -43 + 12 * 16) / 36.0, (4 * 37 - 144) / 36.0
    };
    double[] inv = a.clone();
    assertTrue(LinAlg.spdInvertInPlace(inv, 3));
    assertClose(expected, inv, 1e-13); // condition number ~ 3000 here: 1e-13
  }

  @Test
  void notPositiveDefinite() {
    assertFalse(LinAlg.choleskyInPlace(new double[] {1, 2, 2, 1}, 2)); // eigenvalues 3, -1
    assertFalse(LinAlg.choleskyInPlace(new double[] {0, 0, 0, 1}, 2)); // singular
    assertFalse(LinAlg.choleskyInPlace(new double[] {Double.NaN, 0, 0, 1}, 2));
    assertTrue(Double.isNaN(LinAlg.spdInverseLogDet(new double[] {1, 2, 2, 1}, new double[4], 2)));
    assertTrue(Double.isNaN(LinAlg.logDetSpd(new double[] {-1}, 1)));
    assertFalse(LinAlg.spdInverse(new double[] {1, 2, 2, 1}, new double[4], 2));
  }

  @Test
  void choleskyAndLogDetAgainstEjml() {
    Random rng = new Random(11);
    for (int n : SIZES) {
      double[] a = randomSpd(rng, n);
      CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
      assertTrue(chol.decompose(new DMatrixRMaj(n, n, true, a)));
      DMatrixRMaj ejmlL = chol.getT(null);
      double[] l = new double[n * n];
      assertTrue(LinAlg.cholesky(a, l, n));
      assertClose(ejmlL.data, l, TOL);
      // ln|A| against EJML's LU determinant
      double det = CommonOps_DDRM.det(new DMatrixRMaj(n, n, true, a));
      assertEquals(Math.log(det), LinAlg.logDetFromCholesky(l, n), TOL * Math.abs(Math.log(det)) + TOL);
      assertEquals(Math.log(det), LinAlg.logDetSpd(a, n), TOL * Math.abs(Math.log(det)) + TOL);
    }
  }

  @Test
  void inverseAgainstEjmlLu() {
    Random rng = new Random(12);
    for (int n : SIZES) {
      double[] a = randomSpd(rng, n);
      DMatrixRMaj inv = new DMatrixRMaj(n, n);
      assertTrue(CommonOps_DDRM.invert(new DMatrixRMaj(n, n, true, a), inv)); // LU
      double[] out = new double[n * n];
      assertTrue(LinAlg.spdInverse(a, out, n));
      assertClose(inv.data, out, TOL);
      // symmetric to the last bit (both triangles are written from the same sum)
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          assertEquals(out[i * n + j], out[j * n + i], 0.0);
        }
      }
      // in place, and with offsets inside a larger array
      double[] big = new double[3 + n * n + 2];
      Arrays.fill(big, 99);
      System.arraycopy(a, 0, big, 3, n * n);
      double logDet = LinAlg.spdInverseLogDet(big, 3, big, 3, n);
      assertClose(inv.data, Arrays.copyOfRange(big, 3, 3 + n * n), TOL);
      assertEquals(99.0, big[2], 0.0);
      assertEquals(99.0, big[3 + n * n], 0.0);
      assertEquals(LinAlg.logDetSpd(a, n), logDet, 1e-13 * Math.abs(logDet));
      // inverseFromCholesky into a separate array leaves the factor intact
      double[] l = new double[n * n];
      LinAlg.cholesky(a, l, n);
      double[] lCopy = l.clone();
      double[] out2 = new double[n * n];
      LinAlg.inverseFromCholesky(l, out2, n);
      assertArrayEquals(lCopy, l, 0.0);
      assertClose(inv.data, out2, TOL);
    }
  }

  @Test
  void solveAgainstEjml() {
    Random rng = new Random(13);
    for (int n : SIZES) {
      double[] a = randomSpd(rng, n);
      double[] b = randomVector(rng, n);
      DMatrixRMaj x = new DMatrixRMaj(n, 1);
      assertTrue(CommonOps_DDRM.solve(new DMatrixRMaj(n, n, true, a), new DMatrixRMaj(n, 1, true, b), x));
      double[] l = new double[n * n];
      LinAlg.cholesky(a, l, n);
      double[] mine = new double[n];
      LinAlg.solveCholesky(l, b, mine, n);
      assertClose(x.data, mine, TOL);
      double[] inPlace = b.clone(); // x may alias b
      LinAlg.solveCholesky(l, 0, inPlace, 0, inPlace, 0, n);
      assertClose(x.data, inPlace, TOL);
    }
  }

  @Test
  void productsAgainstEjml() {
    Random rng = new Random(14);
    for (int n : SIZES) {
      double[] a = randomSpd(rng, n);
      double[] g = randomVector(rng, n * n); // a general, non-symmetric matrix
      double[] x = randomVector(rng, n);
      double[] m = randomVector(rng, n);
      DMatrixRMaj ea = new DMatrixRMaj(n, n, true, a);
      DMatrixRMaj eg = new DMatrixRMaj(n, n, true, g);
      DMatrixRMaj ex = new DMatrixRMaj(n, 1, true, x);

      // x^T A x and x^T G x (general)
      DMatrixRMaj ax = new DMatrixRMaj(n, 1);
      CommonOps_DDRM.mult(ea, ex, ax);
      double xax = CommonOps_DDRM.dot(ex, ax);
      assertEquals(xax, LinAlg.quadForm(a, x, n), TOL * Math.abs(xax));
      DMatrixRMaj gx = new DMatrixRMaj(n, 1);
      CommonOps_DDRM.mult(eg, ex, gx);
      assertEquals(CommonOps_DDRM.dot(ex, gx), LinAlg.quadForm(g, x, n),
          TOL * n * n * 10);
      assertClose(ax.data, matVec(a, x, n), TOL);

      // (x - m)^T A (x - m)
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        d[i] = x[i] - m[i];
      }
      double dad = LinAlg.quadForm(a, d, n);
      assertEquals(dad, LinAlg.quadFormCentered(a, x, m, n), TOL * Math.abs(dad));

      // tr(A G) and tr(G A) against EJML's product and trace
      DMatrixRMaj ag = new DMatrixRMaj(n, n);
      CommonOps_DDRM.mult(ea, eg, ag);
      double tr = CommonOps_DDRM.trace(ag);
      double scale = CommonOps_DDRM.elementMaxAbs(ag) * n;
      assertEquals(tr, LinAlg.traceProduct(a, g, n), TOL * scale);
      assertEquals(tr, LinAlg.traceProduct(g, a, n), TOL * scale);
      double[] c = new double[n * n];
      LinAlg.matMul(a, g, c, n);
      assertClose(ag.data, c, TOL);
      assertEquals(CommonOps_DDRM.trace(ea), LinAlg.trace(a, n), TOL * n * n);
      assertEquals(CommonOps_DDRM.dot(ex, new DMatrixRMaj(n, 1, true, m)), LinAlg.dot(x, m, n),
          TOL * n);

      // bilinear form m^T G x
      assertEquals(CommonOps_DDRM.dot(new DMatrixRMaj(n, 1, true, m), gx),
          LinAlg.bilinearForm(m, 0, g, 0, x, 0, n), TOL * n * n * 10);
    }
  }

  private static double[] matVec(double[] a, double[] x, int n) {
    double[] y = new double[n];
    LinAlg.matVec(a, x, y, n);
    return y;
  }

  @Test
  void outerProductsAndHelpers() {
    Random rng = new Random(15);
    int n = 4;
    double[] x = randomVector(rng, n);
    double[] y = randomVector(rng, n);
    double[] m = randomVector(rng, n);
    double[] a = new double[n * n];
    LinAlg.addOuter(a, 2.5, x, n);
    LinAlg.addOuterCentered(a, -0.5, x, m, n);
    double[] b = new double[n * n];
    LinAlg.addOuterXY(b, 0, 3.0, x, 0, y, 0, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double expected = 2.5 * x[i] * x[j] - 0.5 * (x[i] - m[i]) * (x[j] - m[j]);
        assertEquals(expected, a[i * n + j], 1e-14);
        assertEquals(3.0 * x[i] * y[j], b[i * n + j], 1e-14);
      }
    }
    // with offsets: the block of the second of two stacked matrices
    double[] stack = new double[2 * n * n + 1];
    double[] xs = new double[n + 2];
    System.arraycopy(x, 0, xs, 2, n);
    LinAlg.addOuter(stack, 1 + n * n, 1.0, xs, 2, n);
    for (int i = 0; i <= n * n; i++) {
      assertEquals(0.0, stack[i], 0.0);
    }
    assertEquals(x[1] * x[2], stack[1 + n * n + n + 2], 1e-15);

    LinAlg.symmetrize(b, n);
    assertTrue(LinAlg.isSymmetric(b, 0, 0.0, n));
    assertEquals(1.5 * (x[0] * y[1] + x[1] * y[0]), b[1], 1e-14);
    double[] lower = {1, 99, 2, 3};
    LinAlg.copyLowerToUpper(lower, 0, 2);
    assertArrayEquals(new double[] {1, 2, 2, 3}, lower, 0.0);
    assertFalse(LinAlg.isSymmetric(new double[] {1, 2, 2.1, 1}, 0, 1e-3, 2));

    double[] id = new double[9];
    LinAlg.setIdentity(id, 3);
    assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, id, 0.0);
    LinAlg.addToDiagonal(id, 0, 2, 3);
    LinAlg.scale(id, 0, 0.5, 9);
    assertArrayEquals(new double[] {1.5, 0, 0, 0, 1.5, 0, 0, 0, 1.5}, id, 0.0);
    double[] acc = {1, 1};
    LinAlg.addScaled(acc, 2, new double[] {3, 4}, 2);
    assertArrayEquals(new double[] {7, 9}, acc, 0.0);
  }
}
