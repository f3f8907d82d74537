package dev.vmodel.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Forward-backward and Viterbi against the enumeration of all K^T paths, written from the
 * definition of q(z) (a normalised exponential of the path's potentials), not from the recursions.
 */
class MarkovChainTest {
  /** Everything enumeration gives for one chain. */
  private record Exact(double[] marginals, double[] first, double[] pair, double lnZ, double entropy, int[] argmax,
      double max) {}

  private static Exact enumerate(double[] u, int from, int len, int k, double[] lnRho, double[] lnA) {
    int paths = (int) Math.round(Math.pow(k, len));
    double[] score = new double[paths];
    int[] path = new int[len];
    double max = Double.NEGATIVE_INFINITY;
    int best = 0;
    for (int p = 0; p < paths; p++) {
      decode(p, path, k);
      double s = lnRho[path[0]] + u[from * k + path[0]];
      for (int t = 1; t < len; t++) {
        s += lnA[path[t - 1] * k + path[t]] + u[(from + t) * k + path[t]];
      }
      score[p] = s;
      if (s > max) {
        max = s;
        best = p;
      }
    }
    double z = 0;
    for (double s : score) {
      z += Math.exp(s - max);
    }
    double lnZ = max + Math.log(z);
    double[] m = new double[len * k];
    double[] first = new double[k];
    double[] pair = new double[k * k];
    double h = 0;
    for (int p = 0; p < paths; p++) {
      double q = Math.exp(score[p] - lnZ);
      decode(p, path, k);
      if (q > 0) {
        h -= q * (score[p] - lnZ);
      }
      first[path[0]] += q;
      for (int t = 0; t < len; t++) {
        m[t * k + path[t]] += q;
        if (t > 0) {
          pair[path[t - 1] * k + path[t]] += q;
        }
      }
    }
    int[] arg = new int[len];
    decode(best, arg, k);
    return new Exact(m, first, pair, lnZ, h, arg, max);
  }

  private static void decode(int p, int[] path, int k) {
    for (int t = path.length - 1; t >= 0; t--) {
      path[t] = p % k;
      p /= k;
    }
  }

  private static double[] uniform(SplittableRandom rng, int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * rng.nextDouble();
    }
    return v;
  }

  /** Marginals, first-state and transition counts, ln Z and entropy equal enumeration to 1e-12. */
  @Test
  void forwardBackwardEqualsEnumeration() {
    SplittableRandom rng = new SplittableRandom(17);
    int k = 3;
    for (int len = 1; len <= 8; len++) {
      for (int rep = 0; rep < 5; rep++) {
        int from = rep % 2 == 0 ? 0 : 2; // also a chain inside a larger array
        int rows = from + len + 1;
        double[] u = uniform(rng, rows * k, -30, 5);
        double[] lnRho = uniform(rng, k, -4, 0);
        double[] lnA = uniform(rng, k * k, -6, 0);
        Exact e = enumerate(u, from, len, k, lnRho, lnA);
        double[] phi = u.clone();
        double[] first = new double[k];
        double[] pair = new double[k * k];
        double[] h = new double[2];
        double lnZ = MarkovChain.forwardBackward(phi, from, from + len, k, lnRho, 0, lnA, 0, first, pair, h, 1,
            new double[MarkovChain.workLength(len, k)]);
        String what = "T=" + len + " rep " + rep;
        assertEquals(e.lnZ(), lnZ, 1e-12 * Math.abs(e.lnZ()), what + ": ln Z");
        assertEquals(e.entropy(), h[1], 1e-12 * Math.max(1, Math.abs(lnZ)), what + ": entropy");
        for (int i = 0; i < len * k; i++) {
          assertEquals(e.marginals()[i], phi[from * k + i], 1e-12, what + ": marginal " + i);
        }
        for (int i = 0; i < k; i++) {
          assertEquals(e.first()[i], first[i], 1e-12, what + ": first " + i);
        }
        for (int i = 0; i < k * k; i++) {
          assertEquals(e.pair()[i], pair[i], 1e-12, what + ": pair " + i);
        }
        for (int i = 0; i < from * k; i++) {
          assertEquals(u[i], phi[i], 0.0, "rows before the chain untouched");
        }
        int[] path = new int[rows];
        double score = MarkovChain.viterbi(u, from, from + len, k, lnRho, 0, lnA, 0, path,
            new double[MarkovChain.workLength(len, k)]);
        assertEquals(e.max(), score, 1e-12 * Math.abs(e.max()), what + ": Viterbi score");
        assertArrayEquals(e.argmax(), java.util.Arrays.copyOfRange(path, from, from + len), what + ": Viterbi path");
      }
    }
  }

  /** Impossible states (ln potential -infinity) get probability 0 and no NaN. */
  @Test
  void impossibleStatesAreZero() {
    int k = 3;
    double[] u = {0, Double.NEGATIVE_INFINITY, -1, -2, -1, Double.NEGATIVE_INFINITY, 0, 0, 0};
    double[] lnRho = {Math.log(0.5), Math.log(0.5), Double.NEGATIVE_INFINITY};
    double[] lnA = {-1, -1, -1, -2, -0.5, Double.NEGATIVE_INFINITY, -1, -1, -1};
    Exact e = enumerate(u, 0, 3, k, lnRho, lnA);
    double[] phi = u.clone();
    double[] h = new double[1];
    double lnZ = MarkovChain.forwardBackward(phi, 0, 3, k, lnRho, 0, lnA, 0, new double[k], new double[k * k], h, 0,
        new double[MarkovChain.workLength(3, k)]);
    assertEquals(e.lnZ(), lnZ, 1e-12);
    assertEquals(e.entropy(), h[0], 1e-12);
    for (int i = 0; i < 9; i++) {
      assertEquals(e.marginals()[i], phi[i], 1e-12);
    }
    assertEquals(0.0, phi[1]);
  }

  @Test
  void independentStatsAreThoseOfTheProduct() {
    double[] r = {0.2, 0.8, 0.6, 0.4, 1.0, 0.0};
    double[] first = new double[2];
    double[] pair = new double[4];
    double h = MarkovChain.independentStats(r, 0, 3, 2, first, pair);
    assertArrayEquals(new double[] {0.2, 0.8}, first, 1e-15);
    assertArrayEquals(new double[] {0.2 * 0.6 + 0.6 * 1.0, 0.2 * 0.4 + 0.6 * 0.0, 0.8 * 0.6 + 0.4 * 1.0,
        0.8 * 0.4 + 0.4 * 0.0}, pair, 1e-15);
    double expected = -(0.2 * Math.log(0.2) + 0.8 * Math.log(0.8)) - (0.6 * Math.log(0.6) + 0.4 * Math.log(0.4));
    assertEquals(expected, h, 1e-15);
  }

  @Test
  void chainStartsOfLongFormatSequences() {
    assertArrayEquals(new int[] {0}, MarkovChain.chainStarts(null, 0));
    assertArrayEquals(new int[] {0, 5}, MarkovChain.chainStarts(null, 5));
    assertArrayEquals(new int[] {0, 2, 3, 6}, MarkovChain.chainStarts(new int[] {4, 4, 1, 0, 0, 0}, 6));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MarkovChain.chainStarts(new int[] {0, 0, 1, 1, 0}, 5));
    assertTrue(e.getMessage().contains("rows 0 and 4") && e.getMessage().contains("not contiguous"), e.getMessage());
  }

  /** T = 10^6, K = 10: finite, marginals sum to 1, transition counts to T - 1, ln Z finite. */
  @Test
  void longChainsStayFinite() {
    SplittableRandom rng = new SplittableRandom(5);
    int n = 1_000_000;
    int k = 10;
    double[] u = uniform(rng, n * k, -50, 0);
    double[] lnRho = uniform(rng, k, -3, 0);
    double[] lnA = uniform(rng, k * k, -3, 0);
    double[] first = new double[k];
    double[] pair = new double[k * k];
    double[] h = new double[1];
    double lnZ = MarkovChain.forwardBackward(u, 0, n, k, lnRho, 0, lnA, 0, first, pair, h, 0,
        new double[MarkovChain.workLength(n, k)]);
    assertTrue(Double.isFinite(lnZ) && Double.isFinite(h[0]) && h[0] >= 0);
    double total = 0;
    for (double v : pair) {
      total += v;
    }
    assertEquals(n - 1, total, 1e-6);
    for (int t = 0; t < n; t += 99_991) {
      double s = 0;
      for (int c = 0; c < k; c++) {
        s += u[t * k + c];
      }
      assertEquals(1.0, s, 1e-12);
    }
  }
}
