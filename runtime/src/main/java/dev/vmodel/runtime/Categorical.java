package dev.vmodel.runtime;

/**
 * The categorical distribution Categorical(p) over {0, ..., K-1}: P(z = k) = p_k.
 * Vectors are (array, from, len) ranges and category indices are relative to {@code from}.
 * Turning log-weights into p is {@link SpecialFunctions#softmaxInPlace}.
 */
public final class Categorical {

  private Categorical() {}

  /** Entropy H = -sum_k p_k ln p_k with 0 ln 0 = 0. */
  public static double entropy(double[] p, int from, int len) {
    SpecialFunctions.checkRange(p, from, len);
    double s = 0;
    for (int k = from; k < from + len; k++) {
      s -= SpecialFunctions.xLogX(p[k]);
    }
    return s;
  }

  /** {@link #entropy(double[], int, int)} over the whole array. */
  public static double entropy(double[] p) {
    return entropy(p, 0, p.length);
  }

  /** ln P(z = k) = ln p_k. */
  public static double lnPmf(int k, double[] p, int from) {
    return Math.log(p[from + k]);
  }

  /**
   * Expected log mass of a categorical variable with responsibilities r under independent
   * log-probabilities: E[ln Cat(z | pi)] = sum_k r_k E[ln pi_k], with 0 * (-infinity) = 0.
   */
  public static double expLnPmf(double[] r, int rFrom, double[] expLnPi, int eFrom, int len) {
    double s = 0;
    for (int k = 0; k < len; k++) {
      double rk = r[rFrom + k];
      if (rk != 0) {
        s += rk * expLnPi[eFrom + k];
      }
    }
    return s;
  }

  /** Index (relative to from) of the largest probability; the first one on ties; -1 if len = 0. */
  public static int mode(double[] p, int from, int len) {
    int best = -1;
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < len; k++) {
      if (best < 0 || p[from + k] > max) {
        max = p[from + k];
        best = k;
      }
    }
    return best;
  }
}
