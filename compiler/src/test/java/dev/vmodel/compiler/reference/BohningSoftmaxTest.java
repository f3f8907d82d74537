package dev.vmodel.compiler.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BohningSoftmaxTest {

  private static int[] labels(SplittableRandom r, double[][] x, double[][] w) {
    int[] y = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] eta = new double[w.length];
      for (int k = 0; k < w.length; k++) eta[k] = Linalg.dot(w[k], x[i]);
      double[] p = BohningSoftmax.softmax(eta);
      double u = r.nextDouble(), c = 0;
      int k = 0;
      while (k < p.length - 1 && u > (c += p[k])) k++;
      y[i] = k;
    }
    return y;
  }

  /** lse(eta) <= eta^T A eta / 2 - b^T eta + c, with equality at eta = psi. */
  @Test
  void quadraticBoundHolds() {
    SplittableRandom r = new SplittableRandom(50);
    for (int K = 2; K <= 6; K++) {
      double[][] a = BohningSoftmax.bohningA(K);
      for (int rep = 0; rep < 2000; rep++) {
        double[] psi = new double[K], eta = new double[K];
        for (int k = 0; k < K; k++) {
          psi[k] = 3 * Rng.normal(r);
          eta[k] = 3 * Rng.normal(r);
        }
        double[] b = BohningSoftmax.bVector(a, psi);
        double c = BohningSoftmax.cScalar(a, psi);
        double upper = 0.5 * Linalg.quad(eta, a) - Linalg.dot(b, eta) + c;
        double lse = Math.log(java.util.Arrays.stream(eta).map(Math::exp).sum());
        assertTrue(lse <= upper + 1e-12, "K " + K);
        double atPsi = 0.5 * Linalg.quad(psi, a) - Linalg.dot(b, psi) + c;
        assertEquals(Math.log(java.util.Arrays.stream(psi).map(Math::exp).sum()), atPsi, 1e-12);
      }
    }
  }

  @Test
  void boundNeverDecreasesAndIsStationary() {
    SplittableRandom r = new SplittableRandom(51);
    for (int rep = 0; rep < 4; rep++) {
      int K = 2 + rep, d = 2 + rep % 2, n = 40 + 30 * rep;
      double[][] x = Fixtures.design(r, n, d, true, 1.0);
      double[][] w = new double[K][d];
      for (int k = 0; k < K; k++)
        for (int j = 0; j < d; j++) w[k][j] = Rng.normal(r);
      int[] y = labels(r, x, w);
      double[] alpha = new double[d];
      java.util.Arrays.fill(alpha, 0.7);
      for (boolean fact : new boolean[] {false, true}) {
        BohningSoftmax.Result res = BohningSoftmax.fit(x, y, K, alpha, fact, 1e-13, 100000);
        assertTrue(res.converged());
        double[] tr = res.boundTrace();
        for (int i = 1; i < tr.length; i++) assertTrue(tr[i] >= tr[i - 1] - 1e-12 * Math.abs(tr[i]), "rep " + rep + " it " + i);
        // psi = E eta
        for (int i = 0; i < n; i++)
          for (int k = 0; k < K; k++) assertEquals(Linalg.dot(res.mean()[k], x[i]), res.psi()[i][k], 1e-12);
        // zero finite-difference gradient of L in m and psi
        double[][] m = new double[K][];
        for (int k = 0; k < K; k++) m[k] = res.mean()[k].clone();
        double[][] psi = new double[n][];
        for (int i = 0; i < n; i++) psi[i] = res.psi()[i].clone();
        double eps = 1e-5;
        java.util.List<double[]> vecs = new java.util.ArrayList<>(java.util.Arrays.asList(m));
        vecs.add(psi[0]);
        vecs.add(psi[n - 1]);
        for (double[] v : vecs)
          for (int j = 0; j < v.length; j++) {
            double keep = v[j];
            v[j] = keep + eps;
            double up = BohningSoftmax.bound(x, y, K, alpha, m, res.cov(), psi);
            v[j] = keep - eps;
            double down = BohningSoftmax.bound(x, y, K, alpha, m, res.cov(), psi);
            v[j] = keep;
            assertEquals(0, (up - down) / (2 * eps), 2e-5, "rep " + rep + " fact " + fact);
          }
      }
      // the joint Gaussian family contains the factorised one
      double joint = BohningSoftmax.fit(x, y, K, alpha, false, 1e-13, 100000).bound();
      double fact = BohningSoftmax.fit(x, y, K, alpha, true, 1e-13, 100000).bound();
      assertTrue(joint >= fact - 1e-9, joint + " vs " + fact);
    }
  }

  /** The bound equals a Monte-Carlo average of the bounded log joint minus ln q. */
  @Test
  void boundEqualsMonteCarloEstimate() {
    SplittableRandom r = new SplittableRandom(52);
    int K = 3, d = 2, n = 15;
    double[][] x = Fixtures.design(r, n, d, true, 1.0);
    int[] y = labels(r, x, new double[][] {{0.5, 1}, {0, -1}, {-0.5, 0.3}});
    double[] alpha = {0.5, 1.5};
    BohningSoftmax.Result res = BohningSoftmax.fit(x, y, K, alpha, false, 1e-12, 10000);
    // evaluate at a perturbed psi so that the check is not only at the optimum
    double[][] psi = new double[n][K];
    for (int i = 0; i < n; i++)
      for (int k = 0; k < K; k++) psi[i][k] = res.psi()[i][k] + 0.5 * Rng.normal(r);
    double closed = BohningSoftmax.bound(x, y, K, alpha, res.mean(), res.cov(), psi);
    double[][] l = Linalg.cholesky(res.cov());
    double[][] covInv = Linalg.inverse(res.cov());
    double lnDet = Linalg.cholLogDet(l);
    double[][] a = BohningSoftmax.bohningA(K);
    int draws = 200_000;
    double sum = 0, sum2 = 0;
    for (int s = 0; s < draws; s++) {
      double[] z = new double[K * d];
      for (int j = 0; j < z.length; j++) z[j] = Rng.normal(r);
      double[] dev = Linalg.lowerTimes(l, z);
      double[][] w = new double[K][d];
      double lnPrior = 0;
      for (int k = 0; k < K; k++)
        for (int j = 0; j < d; j++) {
          w[k][j] = res.mean()[k][j] + dev[k * d + j];
          lnPrior += Fixtures.lnNormal(w[k][j], 0, alpha[j]);
        }
      double lnH = 0;
      for (int i = 0; i < n; i++) {
        double[] eta = new double[K];
        for (int k = 0; k < K; k++) eta[k] = Linalg.dot(w[k], x[i]);
        double[] b = BohningSoftmax.bVector(a, psi[i]);
        lnH += eta[y[i]] - (0.5 * Linalg.quad(eta, a) - Linalg.dot(b, eta) + BohningSoftmax.cScalar(a, psi[i]));
      }
      double lnQ = -0.5 * K * d * Special.LN_2PI - 0.5 * lnDet - 0.5 * Linalg.quad(dev, covInv);
      double f = lnH + lnPrior - lnQ - closed;
      sum += f;
      sum2 += f * f;
    }
    double mean = sum / draws, se = Math.sqrt((sum2 / draws - mean * mean) / draws);
    System.out.printf("BohningSoftmaxTest MC: bound %.5f, MC - bound %.5f, se %.5f%n", closed, mean, se);
    assertEquals(0, mean, 4 * se + 1e-9);
  }

  /** K = 2, D = 1: two weights, exact log evidence on a 2-d grid; the bound is below it. */
  @Test
  void boundIsBelowExactLogEvidence() {
    SplittableRandom r = new SplittableRandom(53);
    int n = 25;
    double[][] x = Fixtures.design(r, n, 1, false, 1.5);
    int[] y = labels(r, x, new double[][] {{0.8}, {-0.5}});
    double alpha = 0.6;
    Fixtures.Moments2 g = Fixtures.grid2((u, v) -> {
      double s = Fixtures.lnNormal(u, 0, alpha) + Fixtures.lnNormal(v, 0, alpha);
      for (int i = 0; i < n; i++) {
        double e0 = u * x[i][0], e1 = v * x[i][0];
        s += (y[i] == 0 ? e0 : e1) - BohningSoftmax.lse(new double[] {e0, e1});
      }
      return s;
    }, -12, 12, 801);
    for (boolean fact : new boolean[] {false, true}) {
      double b = BohningSoftmax.fit(x, y, 2, new double[] {alpha}, fact, 1e-13, 100000).bound();
      assertTrue(b < g.lnZ() && g.lnZ() - b < 3, "factorised " + fact + ": " + b + " vs " + g.lnZ());
      System.out.printf("BohningSoftmaxTest K=2 D=1 factorised=%b: gap %.4f%n", fact, g.lnZ() - b);
    }
  }
}
