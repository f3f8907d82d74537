package dev.vmodel.compiler.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoissonGaussianViTest {

  private static double[][] fullPrior(SplittableRandom r, int d) {
    // P0 = B B^T + I with B random: a full positive-definite precision
    double[][] b = new double[d][d];
    for (int i = 0; i < d; i++)
      for (int j = 0; j < d; j++) b[i][j] = 0.5 * Rng.normal(r);
    double[][] p = new double[d][d];
    for (int i = 0; i < d; i++)
      for (int j = 0; j < d; j++) {
        for (int l = 0; l < d; l++) p[i][j] += b[i][l] * b[j][l];
        if (i == j) p[i][j] += 1;
      }
    return p;
  }

  @Test
  void boundIncreasesAndGradientVanishes() {
    SplittableRandom r = new SplittableRandom(41);
    for (int rep = 0; rep < 5; rep++) {
      int n = 30 + 50 * rep, d = 1 + rep;
      double[][] x = Fixtures.design(r, n, d, rep > 0, 0.6);
      double[] w = new double[d];
      for (int j = 0; j < d; j++) w[j] = 0.6 * Rng.normal(r);
      int[] k = Fixtures.poissonCounts(r, x, w);
      double[] m0 = new double[d];
      for (int j = 0; j < d; j++) m0[j] = 0.3 * Rng.normal(r);
      double[][] p0 = fullPrior(r, d);
      PoissonGaussianVi.Result res = PoissonGaussianVi.fit(x, k, m0, p0, 1e-13, 10000);
      assertTrue(res.converged(), "rep " + rep + " converged");
      double[] tr = res.boundTrace();
      for (int i = 1; i < tr.length; i++) assertTrue(tr[i] >= tr[i - 1] - 1e-13 * (1 + Math.abs(tr[i])), "rep " + rep + " step " + i);
      assertTrue(tr.length >= 3 && tr[tr.length - 1] - tr[0] > 1e-4, "the bound moved");
      // finite differences of L itself (not of the class's gradient formula) vanish
      double[] m = res.mean().clone();
      double[][] s = Linalg.copy(res.cov());
      double eps = 1e-5;
      for (int j = 0; j < d; j++) {
        double keep = m[j];
        m[j] = keep + eps;
        double up = PoissonGaussianVi.bound(x, k, m0, p0, m, s);
        m[j] = keep - eps;
        double down = PoissonGaussianVi.bound(x, k, m0, p0, m, s);
        m[j] = keep;
        assertEquals(0, (up - down) / (2 * eps), 1e-5, "rep " + rep + " dL/dm" + j);
      }
      for (int a = 0; a < d; a++)
        for (int b = 0; b <= a; b++) {
          double keep = s[a][b];
          double h = eps * Math.sqrt(s[a][a] * s[b][b]);
          s[a][b] = s[b][a] = keep + h;
          double up = PoissonGaussianVi.bound(x, k, m0, p0, m, s);
          s[a][b] = s[b][a] = keep - h;
          double down = PoissonGaussianVi.bound(x, k, m0, p0, m, s);
          s[a][b] = s[b][a] = keep;
          assertEquals(0, (up - down) / (2 * h) * Math.sqrt(s[a][a] * s[b][b]), 1e-5, "rep " + rep + " dL/dS" + a + b);
        }
      assertTrue(PoissonGaussianVi.gradientMaxNorm(x, k, m0, p0, res.mean(), res.cov()) < 1e-6);
    }
  }

  /** L = E_q[ln p(k, w) - ln q(w)] by Monte Carlo, from the densities. */
  @Test
  void boundEqualsMonteCarloEstimate() {
    SplittableRandom r = new SplittableRandom(42);
    int n = 25, d = 2;
    double[][] x = Fixtures.design(r, n, d, true, 0.7);
    int[] k = Fixtures.poissonCounts(r, x, new double[] {0.4, 0.9});
    double[] m0 = {0.1, -0.2};
    double[][] p0 = fullPrior(r, d);
    PoissonGaussianVi.Result res = PoissonGaussianVi.fit(x, k, m0, p0, 1e-12, 1000);
    double[] m = res.mean();
    double[][] s = res.cov();
    double[][] l = Linalg.cholesky(s);
    double[][] sInv = Linalg.inverse(s);
    double lnDetS = Linalg.cholLogDet(l), lnDetP0 = Linalg.cholLogDet(Linalg.cholesky(p0));
    int draws = 400_000;
    double sum = 0, sum2 = 0;
    for (int it = 0; it < draws; it++) {
      double[] lz = Linalg.lowerTimes(l, new double[] {Rng.normal(r), Rng.normal(r)});
      double[] w = {m[0] + lz[0], m[1] + lz[1]};
      double[] dw = {w[0] - m0[0], w[1] - m0[1]};
      double lnPrior = -Special.LN_2PI + 0.5 * lnDetP0 - 0.5 * Linalg.quad(dw, p0);
      double lnQ = -Special.LN_2PI - 0.5 * lnDetS - 0.5 * Linalg.quad(lz, sInv);
      double f = Fixtures.poissonLogLik(x, k, w) + lnPrior - lnQ - res.bound();
      sum += f;
      sum2 += f * f;
    }
    double mean = sum / draws, se = Math.sqrt((sum2 / draws - mean * mean) / draws);
    System.out.printf("PoissonGaussianViTest MC: bound %.5f, MC - bound %.5f, se %.5f%n", res.bound(), mean, se);
    assertEquals(0, mean, 4 * se);
  }

  /** L is below the grid log evidence, and q's mean is near the exact posterior mean (D = 1 and 2). */
  @Test
  void belowExactLogEvidence() {
    SplittableRandom r = new SplittableRandom(43);
    double[][] x1 = Fixtures.design(r, 30, 1, false, 0.8);
    int[] k1 = Fixtures.poissonCounts(r, x1, new double[] {0.7});
    double m0 = 0.2, prec = 1.5;
    Fixtures.Moments1 g1 = Fixtures.grid1(w -> Fixtures.poissonLogLik(x1, k1, new double[] {w}) + Fixtures.lnNormal(w, m0, prec),
        -10, 10, 40001);
    PoissonGaussianVi.Result v1 = PoissonGaussianVi.fit(x1, k1, new double[] {m0}, new double[] {prec}, 1e-13, 1000);
    assertTrue(v1.bound() < g1.lnZ() && g1.lnZ() - v1.bound() < 0.1, v1.bound() + " vs " + g1.lnZ());
    assertEquals(g1.mean(), v1.mean()[0], 0.1 * g1.sd());
    assertEquals(g1.sd(), Math.sqrt(v1.cov()[0][0]), 0.1 * g1.sd());

    double[][] x2 = Fixtures.design(r, 40, 2, true, 0.7);
    int[] k2 = Fixtures.poissonCounts(r, x2, new double[] {0.3, 1.0});
    double[] m02 = {0, 0};
    double[] prec2 = {0.5, 2};
    Fixtures.Moments2 g2 = Fixtures.grid2((u, v) -> Fixtures.poissonLogLik(x2, k2, new double[] {u, v})
        + Fixtures.lnNormal(u, m02[0], prec2[0]) + Fixtures.lnNormal(v, m02[1], prec2[1]), -6, 6, 801);
    PoissonGaussianVi.Result v2 = PoissonGaussianVi.fit(x2, k2, m02, prec2, 1e-13, 1000);
    assertTrue(v2.bound() < g2.lnZ() && g2.lnZ() - v2.bound() < 0.1, v2.bound() + " vs " + g2.lnZ());
    for (int j = 0; j < 2; j++) assertEquals(g2.mean()[j], v2.mean()[j], 0.1 * g2.sd()[j]);
    System.out.printf("PoissonGaussianViTest gaps: D1 %.5f (mean %.4f vs %.4f), D2 %.5f%n", g1.lnZ() - v1.bound(),
        v1.mean()[0], g1.mean(), g2.lnZ() - v2.bound());
  }
}
