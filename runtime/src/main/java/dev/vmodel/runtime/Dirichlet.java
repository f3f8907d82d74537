package dev.vmodel.runtime;

/**
 * The Dirichlet distribution Dirichlet(alpha) on the K-simplex:
 * p(pi) = (1 / B(alpha)) prod_k pi_k^(alpha_k - 1), with
 * B(alpha) = prod_k Gamma(alpha_k) / Gamma(alpha_0) and alpha_0 = sum_k alpha_k.
 *
 * <p>Sufficient statistics for mean-field updates: E[ln pi_k] = psi(alpha_k) - psi(alpha_0).
 * Vectors are given as (array, from, len) ranges; outputs are written at (out, outFrom).
 * Parameters are not validated (hot-path code).
 */
public final class Dirichlet {

  private Dirichlet() {}

  /** alpha_0 = sum_k alpha_k. */
  public static double concentration(double[] alpha, int from, int len) {
    double s = 0;
    for (int k = from; k < from + len; k++) {
      s += alpha[k];
    }
    return s;
  }

  /** out[outFrom + k] = E[ln pi_k] = psi(alpha_k) - psi(alpha_0), k = 0..len-1. */
  public static void expLn(double[] alpha, int from, int len, double[] out, int outFrom) {
    SpecialFunctions.checkRange(alpha, from, len);
    SpecialFunctions.checkRange(out, outFrom, len);
    double psi0 = SpecialFunctions.digamma(concentration(alpha, from, len));
    for (int k = 0; k < len; k++) {
      out[outFrom + k] = SpecialFunctions.digamma(alpha[from + k]) - psi0;
    }
  }

  /** {@link #expLn(double[], int, int, double[], int)} over whole arrays. */
  public static void expLn(double[] alpha, double[] out) {
    expLn(alpha, 0, alpha.length, out, 0);
  }

  /** out[outFrom + k] = E[pi_k] = alpha_k / alpha_0. */
  public static void mean(double[] alpha, int from, int len, double[] out, int outFrom) {
    SpecialFunctions.checkRange(out, outFrom, len);
    double a0 = concentration(alpha, from, len);
    for (int k = 0; k < len; k++) {
      out[outFrom + k] = alpha[from + k] / a0;
    }
  }

  /** Var[pi_k] = alpha_k (alpha_0 - alpha_k) / (alpha_0^2 (alpha_0 + 1)), k relative to from. */
  public static double variance(double[] alpha, int from, int len, int k) {
    double a0 = concentration(alpha, from, len);
    double ak = alpha[from + k];
    return ak * (a0 - ak) / (a0 * a0 * (a0 + 1));
  }

  /** ln of the normalising constant, -ln B(alpha). */
  public static double lnNormalizer(double[] alpha, int from, int len) {
    return -SpecialFunctions.lnMultiBeta(alpha, from, len);
  }

  /** ln p(x | alpha) = sum_k (alpha_k - 1) ln x_k - ln B(alpha) (x assumed on the simplex). */
  public static double lnPdf(double[] x, int xFrom, double[] alpha, int aFrom, int len) {
    double s = -SpecialFunctions.lnMultiBeta(alpha, aFrom, len);
    for (int k = 0; k < len; k++) {
      double c = alpha[aFrom + k] - 1;
      if (c != 0) {
        s += c * Math.log(x[xFrom + k]);
      }
    }
    return s;
  }

  /**
   * Expected log density with fixed alpha: E[ln Dir(pi | alpha)] =
   * sum_k (alpha_k - 1) E[ln pi_k] - ln B(alpha).
   */
  public static double expLnPdf(double[] expLnPi, int eFrom, double[] alpha, int aFrom, int len) {
    double s = -SpecialFunctions.lnMultiBeta(alpha, aFrom, len);
    for (int k = 0; k < len; k++) {
      s += (alpha[aFrom + k] - 1) * expLnPi[eFrom + k];
    }
    return s;
  }

  /**
   * ln Z = ln B(alpha), the log-partition function of Dirichlet(alpha) for the statistics ln x_k
   * with natural parameters alpha_k - 1, with respect to Lebesgue measure on the first K - 1
   * coordinates (as {@link #entropy}): ln p(x) = sum_k (alpha_k - 1) ln x_k - ln Z.
   */
  public static double logPartition(double[] alpha, int from, int len) {
    return SpecialFunctions.lnMultiBeta(alpha, from, len);
  }

  /**
   * Differential entropy (with respect to Lebesgue measure on the first K - 1 coordinates)
   * H = ln B(alpha) + (alpha_0 - K) psi(alpha_0) - sum_k (alpha_k - 1) psi(alpha_k).
   */
  public static double entropy(double[] alpha, int from, int len) {
    double a0 = concentration(alpha, from, len);
    double s = SpecialFunctions.lnMultiBeta(alpha, from, len)
        + (a0 - len) * SpecialFunctions.digamma(a0);
    for (int k = from; k < from + len; k++) {
      s -= (alpha[k] - 1) * SpecialFunctions.digamma(alpha[k]);
    }
    return s;
  }

  /** {@link #entropy(double[], int, int)} over the whole array. */
  public static double entropy(double[] alpha) {
    return entropy(alpha, 0, alpha.length);
  }

  /**
   * Lower end of the 95% central interval of pi_k, from its exact marginal
   * Beta(alpha_k, alpha_0 - alpha_k) (numerical inversion, see {@link Beta#quantile}).
   */
  public static double lower95(double[] alpha, int from, int len, int k) {
    double ak = alpha[from + k];
    return Beta.lower95(ak, concentration(alpha, from, len) - ak);
  }

  /** Upper end of the 95% central interval of pi_k (marginal Beta, numerical inversion). */
  public static double upper95(double[] alpha, int from, int len, int k) {
    double ak = alpha[from + k];
    return Beta.upper95(ak, concentration(alpha, from, len) - ak);
  }
}
