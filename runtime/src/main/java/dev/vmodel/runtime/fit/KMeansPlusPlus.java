package dev.vmodel.runtime.fit;

import java.util.SplittableRandom;

/**
 * k-means++ seeding (Arthur and Vassilvitskii, 2007) for mixture responsibilities: K centres are
 * drawn from the rows, each with probability proportional to its squared distance to the
 * nearest centre chosen so far; every row then gets most of its responsibility on its nearest
 * centre. Used by generated models when {@link FitOptions.Init#KMEANS_PLUS_PLUS} is chosen.
 */
public final class KMeansPlusPlus {
  /** Responsibility kept by the nearest centre; the rest is shared by the others. */
  static final double NEAREST = 0.9;

  private KMeansPlusPlus() {}

  /**
   * Writes log-responsibilities for {@code rows} rows of {@code width} values (row-major in
   * {@code data}; entries whose {@code observed} flag is 0 are ignored, {@code observed} may be
   * null) into {@code logits[row * k + c]}.
   */
  public static void seed(double[] data, double[] observed, int rows, int width, int k, SplittableRandom rng,
      double[] logits) {
    if (rows == 0) {
      return;
    }
    int[] centres = new int[k];
    double[] best = new double[rows];
    java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
    centres[0] = rng.nextInt(rows);
    for (int c = 1; c <= k; c++) {
      double total = 0;
      for (int r = 0; r < rows; r++) {
        best[r] = Math.min(best[r], distance(data, observed, width, r, centres[c - 1]));
        total += best[r];
      }
      if (c == k) {
        break;
      }
      double u = rng.nextDouble() * total;
      int pick = rng.nextInt(rows);
      if (total > 0) {
        double acc = 0;
        for (int r = 0; r < rows; r++) {
          acc += best[r];
          if (acc >= u) {
            pick = r;
            break;
          }
        }
      }
      centres[c] = pick;
    }
    double near = Math.log(NEAREST);
    double far = k > 1 ? Math.log((1 - NEAREST) / (k - 1)) : 0;
    for (int r = 0; r < rows; r++) {
      int arg = 0;
      double d = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double dc = distance(data, observed, width, r, centres[c]);
        if (dc < d) {
          d = dc;
          arg = c;
        }
      }
      for (int c = 0; c < k; c++) {
        logits[r * k + c] = c == arg ? near : far;
      }
    }
  }

  private static double distance(double[] data, double[] observed, int width, int a, int b) {
    double s = 0;
    for (int j = 0; j < width; j++) {
      int ia = a * width + j;
      int ib = b * width + j;
      if (observed != null && (observed[ia] == 0 || observed[ib] == 0)) {
        continue;
      }
      double d = data[ia] - data[ib];
      s += d * d;
    }
    return s;
  }
}
