package dev.vmodel.compiler.reference;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/** Test data and grid integrals shared by the reference tests. */
final class Fixtures {
  private Fixtures() {}

  /** n x d design, first column ones if intercept, the rest N(0, scale^2). */
  static double[][] design(SplittableRandom r, int n, int d, boolean intercept, double scale) {
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < d; j++) x[i][j] = intercept && j == 0 ? 1 : scale * Rng.normal(r);
    return x;
  }

  static int[] logisticLabels(SplittableRandom r, double[][] x, double[] w) {
    int[] t = new int[x.length];
    for (int i = 0; i < x.length; i++) t[i] = r.nextDouble() < Special.sigmoid(Linalg.dot(w, x[i])) ? 1 : 0;
    return t;
  }

  static int[] poissonCounts(SplittableRandom r, double[][] x, double[] w) {
    int[] k = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      double mu = Math.exp(Linalg.dot(w, x[i]));
      // inversion by sequential search (mu small in the tests)
      double u = r.nextDouble();
      double p = Math.exp(-mu);
      double c = p;
      int j = 0;
      while (u > c && j < 10000) {
        j++;
        p *= mu / j;
        c += p;
      }
      k[i] = j;
    }
    return k;
  }

  /** Log evidence, posterior mean and sd of a scalar w on a uniform grid over [lo, hi] (Riemann sum in log space). */
  record Moments1(double lnZ, double mean, double sd) {}

  static Moments1 grid1(ToDoubleFunction<Double> lnJoint, double lo, double hi, int points) {
    double h = (hi - lo) / (points - 1);
    double[] f = new double[points];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < points; i++) {
      f[i] = lnJoint.applyAsDouble(lo + i * h);
      max = Math.max(max, f[i]);
    }
    double z = 0, m1 = 0, m2 = 0;
    for (int i = 0; i < points; i++) {
      double w = lo + i * h;
      double p = Math.exp(f[i] - max);
      z += p;
      m1 += p * w;
      m2 += p * w * w;
    }
    double mean = m1 / z;
    return new Moments1(max + Math.log(z * h), mean, Math.sqrt(m2 / z - mean * mean));
  }

  /** Log evidence and posterior means/sds of (w0, w1) on a square grid [lo, hi]^2. */
  record Moments2(double lnZ, double[] mean, double[] sd) {}

  interface LnJoint2 {
    double at(double w0, double w1);
  }

  static Moments2 grid2(LnJoint2 lnJoint, double lo, double hi, int points) {
    double h = (hi - lo) / (points - 1);
    double[][] f = new double[points][points];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < points; i++)
      for (int j = 0; j < points; j++) {
        f[i][j] = lnJoint.at(lo + i * h, lo + j * h);
        max = Math.max(max, f[i][j]);
      }
    double z = 0;
    double[] m1 = new double[2], m2 = new double[2];
    for (int i = 0; i < points; i++)
      for (int j = 0; j < points; j++) {
        double p = Math.exp(f[i][j] - max);
        double a = lo + i * h, b = lo + j * h;
        z += p;
        m1[0] += p * a;
        m1[1] += p * b;
        m2[0] += p * a * a;
        m2[1] += p * b * b;
      }
    double[] mean = {m1[0] / z, m1[1] / z};
    double[] sd = {Math.sqrt(m2[0] / z - mean[0] * mean[0]), Math.sqrt(m2[1] / z - mean[1] * mean[1])};
    return new Moments2(max + 2 * Math.log(h) + Math.log(z), mean, sd);
  }

  /** ln prod_n sigma((2 t_n - 1) w^T x_n). */
  static double logisticLogLik(double[][] x, int[] t, double[] w) {
    double s = 0;
    for (int i = 0; i < t.length; i++) s += Special.lnSigmoid((2 * t[i] - 1) * Linalg.dot(w, x[i]));
    return s;
  }

  /** ln prod_n Poisson(k_n | exp(w^T x_n)). */
  static double poissonLogLik(double[][] x, int[] k, double[] w) {
    double s = 0;
    for (int i = 0; i < k.length; i++) {
      double eta = Linalg.dot(w, x[i]);
      s += k[i] * eta - Math.exp(eta) - Special.lnFactorial(k[i]);
    }
    return s;
  }

  /** ln N(w | m, 1/prec) for a scalar. */
  static double lnNormal(double w, double m, double prec) {
    return 0.5 * Math.log(prec) - 0.5 * Special.LN_2PI - 0.5 * prec * (w - m) * (w - m);
  }

  /**
   * ln of the marginal prior of w (length D) when w ~ N(m, alpha^{-1} I) and alpha ~ Gamma(a0, b0):
   * a multivariate Student t, (2 pi)^{-D/2} b0^{a0} Gamma(a0 + D/2) / (Gamma(a0) (b0 + |w - m|^2/2)^{a0 + D/2}).
   */
  static double lnStudentPrior(double[] w, double[] m, double a0, double b0) {
    int d = w.length;
    double r = 0;
    for (int j = 0; j < d; j++) r += (w[j] - m[j]) * (w[j] - m[j]);
    return -0.5 * d * Special.LN_2PI + a0 * Math.log(b0) + Special.lnGamma(a0 + 0.5 * d) - Special.lnGamma(a0)
        - (a0 + 0.5 * d) * Math.log(b0 + 0.5 * r);
  }
}
