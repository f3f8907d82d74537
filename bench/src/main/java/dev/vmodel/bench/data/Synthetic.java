package dev.vmodel.bench.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Synthetic data sets for the benchmarks, each a pure function of its sizes and seed (Java's
 * {@link SplittableRandom}), so every run on every machine times the same numbers.
 */
public final class Synthetic {
  private Synthetic() {}

  // ---------------------------------------------------------------- Gaussian mixture

  /**
   * N points in D dimensions from a mixture of {@code clusters} Gaussians: means uniform in
   * [-8, 8]^D, covariances L L^T with L lower triangular (diagonal in [0.5, 1.5], below it
   * N(0, 0.3^2)), weights proportional to 1 + U(0, 1).
   */
  public static double[][] gaussianMixture(int n, int d, int clusters, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] means = new double[clusters][d];
    double[][][] chol = new double[clusters][d][d];
    double[] cum = new double[clusters];
    double total = 0;
    for (int k = 0; k < clusters; k++) {
      for (int i = 0; i < d; i++) {
        means[k][i] = -8 + 16 * rng.nextDouble();
        for (int j = 0; j < i; j++) {
          chol[k][i][j] = 0.3 * rng.nextGaussian();
        }
        chol[k][i][i] = 0.5 + rng.nextDouble();
      }
      total += 1 + rng.nextDouble();
      cum[k] = total;
    }
    double[][] x = new double[n][d];
    double[] e = new double[d];
    for (int r = 0; r < n; r++) {
      int k = search(cum, rng.nextDouble() * total);
      for (int i = 0; i < d; i++) {
        e[i] = rng.nextGaussian();
      }
      for (int i = 0; i < d; i++) {
        double v = means[k][i];
        for (int j = 0; j <= i; j++) {
          v += chol[k][i][j] * e[j];
        }
        x[r][i] = v;
      }
    }
    return x;
  }

  /**
   * Hard k-means labels: k-means++ seeding (Arthur and Vassilvitskii 2007) with the given seed,
   * then {@code lloyd} Lloyd iterations. The shared starting point of both sides of the
   * Gaussian mixture comparison.
   */
  public static int[] kmeansLabels(double[][] x, int k, int lloyd, long seed) {
    int n = x.length;
    int d = x[0].length;
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] c = new double[k][];
    c[0] = x[rng.nextInt(n)].clone();
    double[] dist = new double[n];
    Arrays.fill(dist, Double.POSITIVE_INFINITY);
    for (int j = 1; j < k; j++) {
      double sum = 0;
      for (int r = 0; r < n; r++) {
        dist[r] = Math.min(dist[r], sq(x[r], c[j - 1]));
        sum += dist[r];
      }
      double u = rng.nextDouble() * sum;
      int pick = n - 1;
      double acc = 0;
      for (int r = 0; r < n; r++) {
        acc += dist[r];
        if (acc >= u) {
          pick = r;
          break;
        }
      }
      c[j] = x[pick].clone();
    }
    int[] label = new int[n];
    for (int it = 0; it <= lloyd; it++) {
      for (int r = 0; r < n; r++) {
        int best = 0;
        double bd = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          double s = sq(x[r], c[j]);
          if (s < bd) {
            bd = s;
            best = j;
          }
        }
        label[r] = best;
      }
      if (it == lloyd) {
        break;
      }
      double[][] sum = new double[k][d];
      int[] count = new int[k];
      for (int r = 0; r < n; r++) {
        count[label[r]]++;
        for (int i = 0; i < d; i++) {
          sum[label[r]][i] += x[r][i];
        }
      }
      for (int j = 0; j < k; j++) {
        if (count[j] > 0) {
          for (int i = 0; i < d; i++) {
            c[j][i] = sum[j][i] / count[j];
          }
        }
      }
    }
    return label;
  }

  /** One-hot responsibilities (N x K, row-major) of hard labels. */
  public static double[] oneHot(int[] label, int k) {
    double[] r = new double[label.length * k];
    for (int i = 0; i < label.length; i++) {
      r[i * k + label[i]] = 1.0;
    }
    return r;
  }

  private static double sq(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double t = a[i] - b[i];
      s += t * t;
    }
    return s;
  }

  // ---------------------------------------------------------------- LDA

  /**
   * A corpus in long format: the document and the word of every token, and the true topics it was
   * drawn from ({@code topics[k][v]}, each row a word distribution).
   */
  public record Corpus(int documents, int vocabulary, int[] doc, int[] word, double[][] topics) {
    public int tokens() {
      return doc.length;
    }
  }

  /**
   * LDA's generative process: {@code topics} topics phi_k ~ Dirichlet(0.05) over the
   * vocabulary, document mixtures theta_d ~ Dirichlet(0.1), document lengths uniform in
   * [minLength, maxLength], z ~ theta_d, w ~ phi_z. Every word index is below the vocabulary size
   * and every document has at least one token; the last document contains the last word, so a
   * vocabulary size bound from the data as max + 1 is the one asked for.
   */
  public static Corpus lda(int documents, int vocabulary, int topics, int minLength, int maxLength, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] phi = new double[topics][];
    double[][] phiCum = new double[topics][];
    for (int k = 0; k < topics; k++) {
      phi[k] = dirichlet(rng, 0.05, vocabulary);
      phiCum[k] = cumulative(phi[k]);
    }
    int[] length = new int[documents];
    int total = 0;
    for (int m = 0; m < documents; m++) {
      length[m] = minLength + rng.nextInt(maxLength - minLength + 1);
      total += length[m];
    }
    int[] doc = new int[total];
    int[] word = new int[total];
    int t = 0;
    for (int m = 0; m < documents; m++) {
      double[] thetaCum = cumulative(dirichlet(rng, 0.1, topics));
      for (int i = 0; i < length[m]; i++) {
        int z = search(thetaCum, rng.nextDouble() * thetaCum[topics - 1]);
        doc[t] = m;
        word[t] = search(phiCum[z], rng.nextDouble() * phiCum[z][vocabulary - 1]);
        t++;
      }
    }
    word[total - 1] = vocabulary - 1;
    return new Corpus(documents, vocabulary, doc, word, phi);
  }

  /** Random responsibilities: each row uniform on [0, 1) entries, normalised. T x K, row-major. */
  public static double[] randomResponsibilities(int rows, int k, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] r = new double[rows * k];
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int j = 0; j < k; j++) {
        double u = rng.nextDouble();
        r[i * k + j] = u;
        s += u;
      }
      for (int j = 0; j < k; j++) {
        r[i * k + j] /= s;
      }
    }
    return r;
  }

  // ---------------------------------------------------------------- linear regression

  /** Design matrix (first column 1) and responses of a linear model with noise sd 0.5. */
  public record Regression(double[][] x, double[] y) {}

  public static Regression linearRegression(int n, int p, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] w = new double[p];
    for (int j = 0; j < p; j++) {
      w[j] = rng.nextGaussian();
    }
    double[][] x = new double[n][p];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double mean = 0;
      for (int j = 0; j < p; j++) {
        x[i][j] = j == 0 ? 1.0 : rng.nextGaussian();
        mean += x[i][j] * w[j];
      }
      y[i] = mean + 0.5 * rng.nextGaussian();
    }
    return new Regression(x, y);
  }

  // ---------------------------------------------------------------- sampling helpers

  private static double[] dirichlet(SplittableRandom rng, double a, int k) {
    double[] g = new double[k];
    double s = 0;
    for (int i = 0; i < k; i++) {
      g[i] = gamma(rng, a);
      s += g[i];
    }
    if (!(s > 0)) {
      g[rng.nextInt(k)] = 1;
      s = 1;
    }
    for (int i = 0; i < k; i++) {
      g[i] /= s;
    }
    return g;
  }

  /** Gamma(a, 1): Marsaglia and Tsang (2000), with the U^(1/a) boost for a below 1. */
  private static double gamma(SplittableRandom rng, double a) {
    if (a < 1) {
      double u = rng.nextDouble();
      return gamma(rng, a + 1) * Math.pow(u, 1 / a);
    }
    double d = a - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = rng.nextGaussian();
      double v = 1 + c * z;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  private static double[] cumulative(double[] p) {
    double[] c = new double[p.length];
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      s += p[i];
      c[i] = s;
    }
    return c;
  }

  /** The first index whose cumulative value exceeds u (u below the last value). */
  public static int search(double[] cum, double u) {
    int lo = 0;
    int hi = cum.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cum[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
