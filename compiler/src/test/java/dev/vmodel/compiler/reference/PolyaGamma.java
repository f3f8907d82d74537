package dev.vmodel.compiler.reference;

import java.util.SplittableRandom;

/**
 * Polya-Gamma PG(1, c) variates.
 *
 * <p>{@link #draw} is the exact sampler of Polson, Scott and Windle (2013, JASA 108:1339, section 4 and
 * Algorithm 1): PG(1, c) = J*(1, c/2)/4, and J*(1, z) is drawn by Devroye's alternating-series
 * rejection from the proposal that is a truncated exponential rate {@code z^2/2 + pi^2/8} on
 * (0.64, inf) and a truncated inverse Gaussian IG(1/z, 1) on (0, 0.64), mixed with the weights
 * p/(p+q) with {@code p = pi/(2 fz) exp(-fz t)} and {@code q = 2 e^{-z} IGcdf(t)} computed in log space.
 * The series coefficients are {@code a_n(x) = pi (n+1/2) (2/(pi x))^{3/2} exp(-2 (n+1/2)^2 / x)} for
 * x &lt;= t and {@code pi (n+1/2) exp(-(n+1/2)^2 pi^2 x / 2)} for x &gt; t (their eq. 15-16).
 *
 * <p>{@link #drawTruncatedSum} is the defining representation (their Definition 1)
 * {@code PG(1, c) = 1/(2 pi^2) sum_k g_k / ((k-1/2)^2 + c^2/(4 pi^2))}, g_k ~ Exp(1), cut at K
 * terms with the tail replaced by its mean; used only to test {@link #draw}.
 */
public final class PolyaGamma {
  private PolyaGamma() {}

  private static final double T = 0.64;

  /** One exact PG(1, c) draw. */
  public static double draw(SplittableRandom r, double c) {
    double z = 0.5 * Math.abs(c);
    double fz = 0.125 * Math.PI * Math.PI + 0.5 * z * z;
    double massExp = massTruncatedExponential(z, fz);
    while (true) {
      double x;
      if (r.nextDouble() < massExp) {
        x = T + Rng.exponential(r) / fz;
      } else {
        x = truncatedInverseGaussian(r, z);
      }
      double s = coefficient(0, x);
      double y = r.nextDouble() * s;
      for (int n = 1; ; n++) {
        if ((n & 1) == 1) {
          s -= coefficient(n, x);
          if (y <= s) return 0.25 * x;
        } else {
          s += coefficient(n, x);
          if (y > s) break;
        }
      }
    }
  }

  private static double coefficient(int n, double x) {
    double k = (n + 0.5) * Math.PI;
    if (x > T) return k * Math.exp(-0.5 * k * k * x);
    if (x <= 0) return 0;
    return Math.exp(-1.5 * (Math.log(0.5 * Math.PI) + Math.log(x)) + Math.log(k) - 2 * (n + 0.5) * (n + 0.5) / x);
  }

  /** p/(p+q) of the mixture proposal. */
  private static double massTruncatedExponential(double z, double fz) {
    double b = Math.sqrt(1 / T) * (T * z - 1);
    double a = -Math.sqrt(1 / T) * (T * z + 1);
    double x0 = Math.log(fz) + fz * T;
    double xb = x0 - z + Special.lnPhi(b);
    double xa = x0 + z + Special.lnPhi(a);
    double qOverP = 4 / Math.PI * (Math.exp(xb) + Math.exp(xa));
    return 1 / (1 + qOverP);
  }

  /** IG(mu = 1/z, shape 1) truncated to (0, T). */
  private static double truncatedInverseGaussian(SplittableRandom r, double z) {
    if (z < 1 / T) {
      // mu > T: draw from the truncated Levy (z = 0) by a truncated-normal trick, accept with exp(-z^2 x/2).
      while (true) {
        double e1 = Rng.exponential(r);
        double e2 = Rng.exponential(r);
        while (e1 * e1 > 2 * e2 / T) {
          e1 = Rng.exponential(r);
          e2 = Rng.exponential(r);
        }
        double x = 1 + e1 * T;
        x = T / (x * x);
        if (r.nextDouble() <= Math.exp(-0.5 * z * z * x)) return x;
      }
    }
    double mu = 1 / z;
    while (true) {
      double y = Rng.normal(r);
      y = y * y;
      double x = mu + 0.5 * mu * mu * y - 0.5 * mu * Math.sqrt(4 * mu * y + (mu * y) * (mu * y));
      if (r.nextDouble() > mu / (mu + x)) x = mu * mu / x;
      if (x < T) return x;
    }
  }

  /** PG(1, c) by the sum representation cut at {@code terms} terms plus the mean of the tail. */
  public static double drawTruncatedSum(SplittableRandom r, double c, int terms) {
    double c2 = c * c / (4 * Math.PI * Math.PI);
    double s = 0;
    for (int k = 1; k <= terms; k++) {
      double h = k - 0.5;
      s += Rng.exponential(r) / (h * h + c2);
    }
    // tail sum_{k > K} 1/((k-1/2)^2 + c2) ~ integral from K to inf of dx/(x^2 + c2)
    double tail = c2 > 0 ? (Math.PI / 2 - Math.atan(terms / Math.sqrt(c2))) / Math.sqrt(c2) : 1.0 / terms;
    return (s + tail) / (2 * Math.PI * Math.PI);
  }

  /** E PG(1, c) = tanh(c/2)/(2c), 1/4 at c = 0. */
  public static double mean(double c) {
    double a = Math.abs(c);
    if (a < 1e-6) return 0.25 * (1 - a * a / 12);
    return Math.tanh(a / 2) / (2 * a);
  }
}
