import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes N rows of a D-dimensional mixture of K Gaussians as CSV (header x[0],...,x[D-1]), streamed:
 * the same mixture as dev.vmodel.bench.data.Synthetic.gaussianMixture (means uniform in [-8, 8]^D,
 * covariances L L^T), values with 5 decimals. Run with `java bench/svi/GmmCsv.java N D K SEED FILE`.
 */
public final class GmmCsv {
  public static void main(String[] args) throws IOException {
    long n = Long.parseLong(args[0]);
    int d = Integer.parseInt(args[1]);
    int clusters = Integer.parseInt(args[2]);
    SplittableRandom rng = new SplittableRandom(Long.parseLong(args[3]));
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
    Path out = Path.of(args[4]);
    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
      StringBuilder h = new StringBuilder();
      for (int i = 0; i < d; i++) {
        h.append(i == 0 ? "" : ",").append("x[").append(i).append(']');
      }
      o.write((h + "\n").getBytes());
      double[] e = new double[d];
      byte[] buf = new byte[32 * d];
      for (long r = 0; r < n; r++) {
        double u = rng.nextDouble() * total;
        int k = 0;
        while (cum[k] < u) {
          k++;
        }
        for (int i = 0; i < d; i++) {
          e[i] = rng.nextGaussian();
        }
        int p = 0;
        for (int i = 0; i < d; i++) {
          double v = means[k][i];
          for (int j = 0; j <= i; j++) {
            v += chol[k][i][j] * e[j];
          }
          if (i > 0) {
            buf[p++] = ',';
          }
          p = fixed(v, buf, p);
        }
        buf[p++] = '\n';
        o.write(buf, 0, p);
      }
    }
  }

  /** v with 5 decimals into buf at p; returns the new position. */
  private static int fixed(double v, byte[] buf, int p) {
    long x = Math.round(Math.abs(v) * 100000);
    if (v < 0 && x != 0) {
      buf[p++] = '-';
    }
    long whole = x / 100000;
    long frac = x % 100000;
    String w = Long.toString(whole);
    for (int i = 0; i < w.length(); i++) {
      buf[p++] = (byte) w.charAt(i);
    }
    buf[p++] = '.';
    for (long div = 10000; div > 0; div /= 10) {
      buf[p++] = (byte) ('0' + (frac / div) % 10);
    }
    return p;
  }
}
