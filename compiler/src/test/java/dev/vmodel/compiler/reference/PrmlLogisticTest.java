package dev.vmodel.compiler.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrmlLogisticTest {

  private static final int SHARED = 0, ARD = 1, KNOWN = 2;

  private static PrmlLogistic.Result fit(int variant, double[][] x, int[] t, double a0, double b0, double tol) {
    if (variant == KNOWN) {
      double[] alpha = new double[x[0].length];
      java.util.Arrays.fill(alpha, a0 / b0);
      return PrmlLogistic.fitKnownAlpha(x, t, alpha, tol, 100000);
    }
    return PrmlLogistic.fit(x, t, a0, b0, variant == ARD, tol, 100000);
  }

  private static double boundOf(int variant, double[][] x, int[] t, double a0, double b0, double[] m, double[][] s,
      double[] aN, double[] bN, double[] xi) {
    if (variant == KNOWN) {
      double[] alpha = new double[m.length];
      java.util.Arrays.fill(alpha, a0 / b0);
      return PrmlLogistic.boundKnownAlpha(x, t, alpha, m, s, xi);
    }
    return PrmlLogistic.bound(x, t, a0, b0, m, s, aN, bN, xi);
  }

  @Test
  void boundNeverDecreases() {
    SplittableRandom r = new SplittableRandom(11);
    for (int rep = 0; rep < 6; rep++) {
      int n = 20 + 40 * rep, d = 2 + rep;
      double[][] x = Fixtures.design(r, n, d, true, 1.0 + 0.3 * rep);
      double[] w = new double[d];
      for (int j = 0; j < d; j++) w[j] = 1.5 * Rng.normal(r);
      int[] t = Fixtures.logisticLabels(r, x, w);
      for (int variant = 0; variant < 3; variant++) {
        PrmlLogistic.Result res = fit(variant, x, t, 0.5 + rep, 0.3 + 0.5 * rep, 1e-12);
        double[] tr = res.boundTrace();
        assertTrue(res.converged(), "converged");
        assertTrue(tr.length >= 3, "several iterations");
        for (int i = 1; i < tr.length; i++)
          assertTrue(tr[i] >= tr[i - 1] - 1e-10 * Math.abs(tr[i]), "rep " + rep + " variant " + variant + " iteration " + i
              + ": " + tr[i - 1] + " -> " + tr[i]);
        assertTrue(tr[tr.length - 1] - tr[0] > 1e-3, "the bound moved");
      }
    }
  }

  /** At convergence the update equations of the class javadoc hold, recomputed here by hand. */
  @Test
  void fixedPointEquationsHoldAtConvergence() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 80, d = 4;
    double[][] x = Fixtures.design(r, n, d, true, 1.2);
    int[] t = Fixtures.logisticLabels(r, x, new double[] {0.5, -1, 2, 0});
    for (int variant = 0; variant < 3; variant++) {
      double a0 = 1.5, b0 = 2.0;
      PrmlLogistic.Result res = fit(variant, x, t, a0, b0, 1e-14);
      double[] m = res.mean(), xi = res.xi();
      double[][] s = res.cov();
      // S^{-1} = E[A] + 2 sum lambda(xi) phi phi^T and m = S sum (t - 1/2) phi
      double[][] prec = new double[d][d];
      double[] h = new double[d];
      for (int j = 0; j < d; j++)
        prec[j][j] = variant == KNOWN ? a0 / b0
            : variant == SHARED ? res.gammaShape()[0] / res.gammaRate()[0] : res.gammaShape()[j] / res.gammaRate()[j];
      for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) {
          h[j] += (t[i] - 0.5) * x[i][j];
          for (int k = 0; k < d; k++) prec[j][k] += 2 * Special.lambdaJJ(xi[i]) * x[i][j] * x[i][k];
        }
      for (int j = 0; j < d; j++) {
        double sPrecJ = 0;
        for (int k = 0; k < d; k++) {
          double e = 0;
          for (int l = 0; l < d; l++) e += s[j][l] * prec[l][k];
          assertEquals(j == k ? 1 : 0, e, 1e-6, "S S^{-1} = I");
          sPrecJ += s[j][k] * h[k];
        }
        assertEquals(sPrecJ, m[j], 1e-6 * (1 + Math.abs(m[j])), "m = S h");
      }
      // q(alpha)
      if (variant == SHARED) {
        double ww = 0;
        for (int j = 0; j < d; j++) ww += m[j] * m[j] + s[j][j];
        assertEquals(a0 + d / 2.0, res.gammaShape()[0], 1e-12);
        assertEquals(b0 + ww / 2, res.gammaRate()[0], 1e-9);
      } else if (variant == ARD) {
        for (int j = 0; j < d; j++) {
          assertEquals(a0 + 0.5, res.gammaShape()[j], 1e-12);
          assertEquals(b0 + (m[j] * m[j] + s[j][j]) / 2, res.gammaRate()[j], 1e-9);
        }
      } else {
        assertEquals(0, res.gammaShape().length);
      }
      // xi^2 = phi^T (S + m m^T) phi
      for (int i = 0; i < n; i++) {
        double mp = 0, q = 0;
        for (int j = 0; j < d; j++) {
          mp += m[j] * x[i][j];
          for (int k = 0; k < d; k++) q += x[i][j] * s[j][k] * x[i][k];
        }
        assertEquals(Math.sqrt(q + mp * mp), xi[i], 1e-6);
      }
    }
  }

  /**
   * The updates and the bound formula agree: at convergence every finite-difference partial derivative
   * of {@link PrmlLogistic#bound} in m, S (symmetric), a_N, b_N and xi is ~0.
   */
  @Test
  void boundIsStationaryAtConvergence() {
    SplittableRandom r = new SplittableRandom(9);
    int n = 60, d = 3;
    double[][] x = Fixtures.design(r, n, d, true, 1.0);
    int[] t = Fixtures.logisticLabels(r, x, new double[] {-0.5, 1.5, 1});
    for (int variant = 0; variant < 3; variant++) {
      double a0 = 2, b0 = 3;
      PrmlLogistic.Result res = fit(variant, x, t, a0, b0, 1e-15);
      double[] m = res.mean().clone(), xi = res.xi().clone(), aN = res.gammaShape().clone(), bN = res.gammaRate().clone();
      double[][] s = Linalg.copy(res.cov());
      double eps = 1e-5;
      double tolGrad = 1e-5;
      int v = variant;
      java.util.function.DoubleSupplier f = () -> boundOf(v, x, t, a0, b0, m, s, aN, bN, xi);
      for (double[] vec : new double[][] {m, xi, aN, bN})
        for (int j = 0; j < vec.length; j++) {
          double keep = vec[j];
          vec[j] = keep + eps;
          double up = f.getAsDouble();
          vec[j] = keep - eps;
          double down = f.getAsDouble();
          vec[j] = keep;
          assertEquals(0, (up - down) / (2 * eps), tolGrad, "variant " + variant + " partial derivative " + j);
        }
      for (int j = 0; j < d; j++)
        for (int k = 0; k <= j; k++) {
          double keep = s[j][k];
          s[j][k] = s[k][j] = keep + eps;
          double up = f.getAsDouble();
          s[j][k] = s[k][j] = keep - eps;
          double down = f.getAsDouble();
          s[j][k] = s[k][j] = keep;
          assertEquals(0, (up - down) / (2 * eps), tolGrad, "variant " + variant + " dL/dS " + j + "," + k);
        }
      // and it is a maximum in m: moving m by 0.1 sd lowers it
      double at = f.getAsDouble();
      m[0] += 0.1 * Math.sqrt(s[0][0]);
      assertTrue(f.getAsDouble() < at);
    }
  }

  /**
   * The closed-form bound equals a plain Monte-Carlo average of ln h(w, xi) + ln N(w | 0, A^{-1}) +
   * ln Gamma(alpha | a0, b0) - ln q(w) - ln q(alpha) over draws from q, written from the densities.
   */
  @Test
  void boundEqualsMonteCarloEstimate() {
    SplittableRandom r = new SplittableRandom(21);
    int n = 12, d = 2;
    double[][] x = Fixtures.design(r, n, d, true, 1.5);
    int[] t = Fixtures.logisticLabels(r, x, new double[] {0.3, -1.2});
    double a0 = 1.2, b0 = 0.7;
    for (int variant = 0; variant < 3; variant++) {
      PrmlLogistic.Result res = fit(variant, x, t, a0, b0, 1e-12);
      double[] m = res.mean(), xi = res.xi();
      double[][] s = res.cov();
      double[][] l = Linalg.cholesky(s);
      double lnDetS = Linalg.cholLogDet(l);
      double[][] sInv = Linalg.inverse(s);
      int draws = 400_000;
      double sum = 0, sum2 = 0;
      for (int it = 0; it < draws; it++) {
        double[] z = {Rng.normal(r), Rng.normal(r)};
        double[] lz = Linalg.lowerTimes(l, z);
        double[] w = {m[0] + lz[0], m[1] + lz[1]};
        double[] alpha = new double[d];
        double lnPrior = 0, lnQ = 0;
        if (variant == KNOWN) {
          alpha[0] = alpha[1] = a0 / b0;
        } else if (variant == SHARED) {
          alpha[0] = alpha[1] = Rng.gamma(r, res.gammaShape()[0], res.gammaRate()[0]);
          lnPrior += Special.lnGammaPdf(alpha[0], a0, b0);
          lnQ += Special.lnGammaPdf(alpha[0], res.gammaShape()[0], res.gammaRate()[0]);
        } else {
          for (int j = 0; j < d; j++) {
            alpha[j] = Rng.gamma(r, res.gammaShape()[j], res.gammaRate()[j]);
            lnPrior += Special.lnGammaPdf(alpha[j], a0, b0);
            lnQ += Special.lnGammaPdf(alpha[j], res.gammaShape()[j], res.gammaRate()[j]);
          }
        }
        double lnH = 0;
        for (int i = 0; i < n; i++) {
          double zz = (2 * t[i] - 1) * Linalg.dot(w, x[i]);
          double lam = (1 / (1 + Math.exp(-xi[i])) - 0.5) / (2 * xi[i]);
          lnH += Math.log(1 / (1 + Math.exp(-xi[i]))) + (zz - xi[i]) / 2 - lam * (zz * zz - xi[i] * xi[i]);
        }
        for (int j = 0; j < d; j++) lnPrior += Fixtures.lnNormal(w[j], 0, alpha[j]);
        double[] dev = {w[0] - m[0], w[1] - m[1]};
        lnQ += -Special.LN_2PI - 0.5 * lnDetS - 0.5 * Linalg.quad(dev, sInv);
        double f = lnH + lnPrior - lnQ - res.bound();
        if (!Double.isFinite(f)) throw new AssertionError("variant " + variant + " draw " + it + ": " + lnH + " " + lnPrior + " " + lnQ);
        sum += f;
        sum2 += f * f;
      }
      double mean = sum / draws;
      double se = Math.sqrt((sum2 / draws - mean * mean) / draws);
      assertEquals(0, mean, 4 * se + 1e-9, "variant " + variant + ": MC - closed form (se " + se + ")");
      System.out.printf("PrmlLogisticTest MC check variant %d: bound %.5f, MC - bound %.5f, se %.5f%n", variant, res.bound(), mean, se);
    }
  }

  /** The bound lies below the exact log evidence, integrated on a grid (D = 1 and D = 2). */
  @Test
  void boundIsBelowExactLogEvidence() {
    SplittableRandom r = new SplittableRandom(33);
    // D = 1, x_n ~ N(0, 1.5^2)
    double[][] x1 = Fixtures.design(r, 25, 1, false, 1.5);
    int[] t1 = Fixtures.logisticLabels(r, x1, new double[] {1.3});
    // D = 2 with intercept
    double[][] x2 = Fixtures.design(r, 20, 2, true, 1.5);
    int[] t2 = Fixtures.logisticLabels(r, x2, new double[] {-0.4, 1.0});

    double alpha = 0.8;
    Fixtures.Moments1 e1 = Fixtures.grid1(w -> Fixtures.logisticLogLik(x1, t1, new double[] {w})
        + Fixtures.lnNormal(w, 0, alpha), -15, 15, 30001);
    Fixtures.Moments2 e2 = Fixtures.grid2((u, v) -> Fixtures.logisticLogLik(x2, t2, new double[] {u, v})
        + Fixtures.lnNormal(u, 0, alpha) + Fixtures.lnNormal(v, 0, alpha), -10, 10, 801);
    double[][][] xs = {x1, x2};
    int[][] ts = {t1, t2};
    double[] lnZ = {e1.lnZ(), e2.lnZ()};
    for (int c = 0; c < 2; c++) {
      double[] a = new double[xs[c][0].length];
      java.util.Arrays.fill(a, alpha);
      double known = PrmlLogistic.fitKnownAlpha(xs[c], ts[c], a, 1e-12, 10000).bound();
      assertTrue(known < lnZ[c], "known alpha: bound " + known + " < ln Z " + lnZ[c]);
      assertTrue(lnZ[c] - known < 1.0, "known alpha: gap " + (lnZ[c] - known) + " small");
      // alpha ~ Gamma(a0, b0) with a0/b0 = alpha and a0 huge: q(alpha) ~ prior, bound ~ the known-alpha bound
      double a0 = 1e8;
      for (boolean ard : new boolean[] {false, true}) {
        double hyper = PrmlLogistic.fit(xs[c], ts[c], a0, a0 / alpha, ard, 1e-12, 10000).bound();
        assertEquals(known, hyper, 1e-5, "huge a0");
        assertTrue(hyper < lnZ[c]);
      }
    }
    // a real hyperprior: the marginal prior of w is a Student t; shared and ARD differ for D = 2.
    double a0 = 2, b0 = 1.5;
    Fixtures.Moments1 h1 = Fixtures.grid1(w -> Fixtures.logisticLogLik(x1, t1, new double[] {w})
        + Fixtures.lnStudentPrior(new double[] {w}, new double[1], a0, b0), -40, 40, 80001);
    Fixtures.Moments2 shared = Fixtures.grid2((u, v) -> Fixtures.logisticLogLik(x2, t2, new double[] {u, v})
        + Fixtures.lnStudentPrior(new double[] {u, v}, new double[2], a0, b0), -25, 25, 1201);
    Fixtures.Moments2 ard = Fixtures.grid2((u, v) -> Fixtures.logisticLogLik(x2, t2, new double[] {u, v})
        + Fixtures.lnStudentPrior(new double[] {u}, new double[1], a0, b0)
        + Fixtures.lnStudentPrior(new double[] {v}, new double[1], a0, b0), -25, 25, 1201);
    double b1 = PrmlLogistic.fit(x1, t1, a0, b0, false, 1e-12, 10000).bound();
    double b1ard = PrmlLogistic.fit(x1, t1, a0, b0, true, 1e-12, 10000).bound();
    assertEquals(b1, b1ard, 1e-10, "D = 1: shared = ARD");
    assertTrue(b1 < h1.lnZ() && h1.lnZ() - b1 < 1.0, "D=1 hyper: " + b1 + " vs " + h1.lnZ());
    double b2 = PrmlLogistic.fit(x2, t2, a0, b0, false, 1e-12, 10000).bound();
    double b2ard = PrmlLogistic.fit(x2, t2, a0, b0, true, 1e-12, 10000).bound();
    assertTrue(b2 < shared.lnZ() && shared.lnZ() - b2 < 1.0, "D=2 shared: " + b2 + " vs " + shared.lnZ());
    assertTrue(b2ard < ard.lnZ() && ard.lnZ() - b2ard < 1.0, "D=2 ARD: " + b2ard + " vs " + ard.lnZ());
    System.out.printf("PrmlLogisticTest gaps: D1 %.4f, D2 shared %.4f, D2 ARD %.4f (lnZ %.4f %.4f %.4f)%n",
        h1.lnZ() - b1, shared.lnZ() - b2, ard.lnZ() - b2ard, h1.lnZ(), shared.lnZ(), ard.lnZ());
  }

  @Test
  void rejectsBadInput() {
    double[][] x = {{1, 0}, {1, 1}};
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> PrmlLogistic.fit(x, new int[] {0, 2}, 1, 1, false, 1e-9, 10));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> PrmlLogistic.fit(x, new int[] {0}, 1, 1, false, 1e-9, 10));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> PrmlLogistic.fitKnownAlpha(x, new int[] {0, 1}, new double[] {1}, 1e-9, 10));
  }
}
