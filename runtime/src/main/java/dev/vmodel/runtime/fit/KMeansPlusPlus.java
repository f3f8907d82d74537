package dev.vmodel.runtime.fit;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The k-means start of mixture responsibilities: greedy k-means++ seeding (Arthur and
 * Vassilvitskii, 2007; each new centre the best of 2 + ln K candidates drawn with probability
 * proportional to the squared distance to the nearest centre so far, as scikit-learn seeds),
 * then Lloyd's iterations until no assignment changes or the centres move by less than 1e-4 of
 * the data's mean variance (scikit-learn's tolerance; at most {@value #MAX_LLOYD} iterations),
 * both on a sample of at most max({@value #SAMPLE}, 200 K) rows (all rows when there are fewer),
 * and every row gets all but 1e-6 of its responsibility on its nearest final centre. Entries whose {@code observed} flag is 0 are
 * left out of distances and means. A centre that loses all its rows keeps its place. Used by
 * generated models when {@link FitOptions.Init#KMEANS_PLUS_PLUS} is chosen.
 */
public final class KMeansPlusPlus {
  /** Responsibility kept by the nearest centre; the rest is shared by the others. */
  static final double NEAREST = 1 - 1e-6;
  /** Rows the seeding and Lloyd's iterations run on, at most (a uniform sample without replacement; 200 K if more). */
  static final int SAMPLE = 20_000;
  /** Lloyd's iterations, at most. */
  static final int MAX_LLOYD = 100;

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
    int[] sample = sample(rows, (int) Math.min(rows, Math.max(SAMPLE, 200L * k)), rng);
    double[] centres = seedCentres(data, observed, width, k, sample, rng);
    lloyd(data, observed, width, k, sample, centres, MAX_LLOYD);
    double near = Math.log(NEAREST);
    double far = k > 1 ? Math.log((1 - NEAREST) / (k - 1)) : 0;
    for (int r = 0; r < rows; r++) {
      int arg = nearest(data, observed, width, k, r, centres);
      for (int c = 0; c < k; c++) {
        logits[r * k + c] = c == arg ? near : far;
      }
    }
  }

  /** {@code m} distinct row indices in increasing order, uniformly (Floyd's algorithm); all rows if m = rows. */
  static int[] sample(int rows, int m, SplittableRandom rng) {
    if (m >= rows) {
      int[] all = new int[rows];
      for (int i = 0; i < rows; i++) {
        all[i] = i;
      }
      return all;
    }
    java.util.BitSet chosen = new java.util.BitSet(rows);
    for (int j = rows - m; j < rows; j++) {
      int t = rng.nextInt(j + 1);
      chosen.set(chosen.get(t) ? j : t);
    }
    int[] out = new int[m];
    int i = 0;
    for (int r = chosen.nextSetBit(0); r >= 0; r = chosen.nextSetBit(r + 1)) {
      out[i++] = r;
    }
    return out;
  }

  /** Greedy k-means++ on the sampled rows: k centres (k x width, row-major). */
  static double[] seedCentres(double[] data, double[] observed, int width, int k, int[] sample,
      SplittableRandom rng) {
    int m = sample.length;
    double[] fill = columnMeans(data, observed, width, sample);
    double[] centres = new double[k * width];
    double[] best = new double[m];
    double[] trial = new double[m];
    double[] keep = new double[m];
    setCentre(data, observed, width, sample[rng.nextInt(m)], fill, centres, 0);
    double potential = 0;
    for (int i = 0; i < m; i++) {
      best[i] = distance(data, observed, width, sample[i], centres, 0);
      potential += best[i];
    }
    int candidates = 2 + (int) Math.log(k);
    double[] candidate = new double[width];
    for (int c = 1; c < k; c++) {
      double bestPotential = Double.POSITIVE_INFINITY;
      int bestRow = -1;
      for (int trialNo = 0; trialNo < candidates; trialNo++) {
        int pick = rng.nextInt(m);
        if (potential > 0) {
          double u = rng.nextDouble() * potential;
          double acc = 0;
          for (int i = 0; i < m; i++) {
            acc += best[i];
            if (acc >= u) {
              pick = i;
              break;
            }
          }
        }
        setCentre(data, observed, width, sample[pick], fill, candidate, 0);
        double p = 0;
        for (int i = 0; i < m; i++) {
          trial[i] = Math.min(best[i], distance(data, observed, width, sample[i], candidate, 0));
          p += trial[i];
        }
        if (p < bestPotential) {
          bestPotential = p;
          bestRow = sample[pick];
          System.arraycopy(trial, 0, keep, 0, m);
        }
      }
      setCentre(data, observed, width, bestRow, fill, centres, c);
      System.arraycopy(keep, 0, best, 0, m);
      potential = bestPotential;
    }
    return centres;
  }

  /**
   * Lloyd's iterations on the sampled rows from {@code centres} (updated in place): assign each
   * row to its nearest centre, move each centre to the mean of its rows, until no assignment
   * changes, the squared shift of the centres is at most 1e-4 of the data's mean variance, or
   * {@code max} iterations. Returns the iterations run.
   */
  static int lloyd(double[] data, double[] observed, int width, int k, int[] sample, double[] centres, int max) {
    int m = sample.length;
    int[] label = new int[m];
    Arrays.fill(label, -1);
    double[] sum = new double[k * width];
    double[] count = new double[k * width];
    double tol = 1e-4 * meanVariance(data, observed, width, sample);
    for (int it = 1; it <= max; it++) {
      boolean changed = false;
      for (int i = 0; i < m; i++) {
        int arg = nearest(data, observed, width, k, sample[i], centres);
        if (arg != label[i]) {
          label[i] = arg;
          changed = true;
        }
      }
      if (!changed) {
        return it - 1;
      }
      Arrays.fill(sum, 0);
      Arrays.fill(count, 0);
      for (int i = 0; i < m; i++) {
        int base = sample[i] * width;
        int at = label[i] * width;
        for (int j = 0; j < width; j++) {
          if (observed == null || observed[base + j] != 0) {
            sum[at + j] += data[base + j];
            count[at + j] += 1;
          }
        }
      }
      double shift = 0;
      for (int q = 0; q < k * width; q++) {
        if (count[q] > 0) {
          double moved = sum[q] / count[q];
          shift += (moved - centres[q]) * (moved - centres[q]);
          centres[q] = moved;
        }
      }
      if (shift <= tol) {
        return it;
      }
    }
    return max;
  }

  /** The mean over columns of the sampled rows' variance (observed entries only). */
  private static double meanVariance(double[] data, double[] observed, int width, int[] sample) {
    double[] mean = columnMeans(data, observed, width, sample);
    double total = 0;
    for (int j = 0; j < width; j++) {
      double ss = 0;
      int count = 0;
      for (int r : sample) {
        if (observed == null || observed[r * width + j] != 0) {
          double d = data[r * width + j] - mean[j];
          ss += d * d;
          count++;
        }
      }
      total += count > 0 ? ss / count : 0;
    }
    return width == 0 ? 0 : total / width;
  }

  /** The index of the centre nearest to row {@code r} (the first of equals). */
  static int nearest(double[] data, double[] observed, int width, int k, int r, double[] centres) {
    int arg = 0;
    double d = Double.POSITIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      double dc = distance(data, observed, width, r, centres, c);
      if (dc < d) {
        d = dc;
        arg = c;
      }
    }
    return arg;
  }

  /** Squared distance of row {@code r} to centre {@code c}, over the row's observed entries. */
  private static double distance(double[] data, double[] observed, int width, int r, double[] centres, int c) {
    double s = 0;
    int base = r * width;
    int at = c * width;
    for (int j = 0; j < width; j++) {
      if (observed != null && observed[base + j] == 0) {
        continue;
      }
      double d = data[base + j] - centres[at + j];
      s += d * d;
    }
    return s;
  }

  /** Centre {@code c} at row {@code r}, its missing entries at the sample's column means. */
  private static void setCentre(double[] data, double[] observed, int width, int r, double[] fill, double[] centres,
      int c) {
    for (int j = 0; j < width; j++) {
      boolean seen = observed == null || observed[r * width + j] != 0;
      centres[c * width + j] = seen ? data[r * width + j] : fill[j];
    }
  }

  private static double[] columnMeans(double[] data, double[] observed, int width, int[] sample) {
    double[] sum = new double[width];
    double[] count = new double[width];
    for (int r : sample) {
      for (int j = 0; j < width; j++) {
        if (observed == null || observed[r * width + j] != 0) {
          sum[j] += data[r * width + j];
          count[j] += 1;
        }
      }
    }
    for (int j = 0; j < width; j++) {
      sum[j] = count[j] > 0 ? sum[j] / count[j] : 0;
    }
    return sum;
  }
}
