package dev.vmodel.runtime.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The k-means start: greedy k-means++ seeding, Lloyd's iterations on a sample, every row to its nearest centre. */
class KMeansPlusPlusTest {
  private static int argmax(double[] logits, int row, int k) {
    int arg = 0;
    for (int c = 1; c < k; c++) {
      if (logits[row * k + c] > logits[row * k + arg]) {
        arg = c;
      }
    }
    return arg;
  }

  /** Three well separated blobs: every row's nearest centre is its blob's, up to the labels' order. */
  @Test
  void separatedBlobsAreFound() {
    SplittableRandom rng = new SplittableRandom(1);
    int per = 300;
    double[][] at = {{0, 0}, {20, 0}, {0, 20}};
    double[] x = new double[3 * per * 2];
    for (int b = 0; b < 3; b++) {
      for (int i = 0; i < per; i++) {
        int r = b * per + i;
        x[2 * r] = at[b][0] + rng.nextGaussian();
        x[2 * r + 1] = at[b][1] + rng.nextGaussian();
      }
    }
    for (long seed = 0; seed < 10; seed++) {
      double[] logits = new double[3 * per * 3];
      KMeansPlusPlus.seed(x, null, 3 * per, 2, 3, new SplittableRandom(seed), logits);
      int[] labelOf = new int[3];
      for (int b = 0; b < 3; b++) {
        labelOf[b] = argmax(logits, b * per, 3);
        for (int i = 0; i < per; i++) {
          assertEquals(labelOf[b], argmax(logits, b * per + i, 3), "seed " + seed + ", row " + (b * per + i));
        }
      }
      assertTrue(labelOf[0] != labelOf[1] && labelOf[1] != labelOf[2] && labelOf[0] != labelOf[2], "seed " + seed);
      // all but 1e-6 of the responsibility on the nearest centre
      double p = Math.exp(logits[0 * 3 + labelOf[0]]);
      assertEquals(1 - 1e-6, p, 1e-15);
    }
  }

  /** 1-D: {0, 1, 2} and {10, 11, 12} from any seeds end with centres 1 and 11. */
  @Test
  void oneDimensionalByHand() {
    double[] x = {0, 1, 2, 10, 11, 12};
    int[] all = KMeansPlusPlus.sample(6, 6, new SplittableRandom(0));
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, all);
    for (double[] start : new double[][] {{0, 1}, {2, 10}, {12, 11}}) {
      double[] centres = start.clone();
      KMeansPlusPlus.lloyd(x, null, 1, 2, all, centres, 100);
      double[] sorted = centres.clone();
      Arrays.sort(sorted);
      assertArrayEquals(new double[] {1, 11}, sorted, 0.0, Arrays.toString(start));
    }
  }

  /** Lloyd's iterations never increase the sum of squared distances to the nearest centre. */
  @Test
  void lloydNeverIncreasesTheInertia() {
    SplittableRandom rng = new SplittableRandom(3);
    int n = 2000;
    int d = 3;
    int k = 6;
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian() * (1 + i % 3);
    }
    int[] all = KMeansPlusPlus.sample(n, n, rng);
    double[] centres = KMeansPlusPlus.seedCentres(x, null, d, k, all, new SplittableRandom(5));
    double before = inertia(x, d, k, centres);
    for (int it = 0; it < 30; it++) {
      KMeansPlusPlus.lloyd(x, null, d, k, all, centres, 1);
      double after = inertia(x, d, k, centres);
      assertTrue(after <= before + 1e-9 * before, "iteration " + it + ": " + before + " -> " + after);
      before = after;
    }
  }

  private static double inertia(double[] x, int d, int k, double[] centres) {
    double s = 0;
    for (int r = 0; r < x.length / d; r++) {
      int c = KMeansPlusPlus.nearest(x, null, d, k, r, centres);
      for (int j = 0; j < d; j++) {
        double e = x[r * d + j] - centres[c * d + j];
        s += e * e;
      }
    }
    return s;
  }

  /** A row's missing entries are left out: it goes with the centre its observed entries are nearest to. */
  @Test
  void missingEntriesAreLeftOut() {
    // two clusters apart in the first coordinate; row 4 has its first coordinate missing (stored 0)
    // and a second coordinate that only the second cluster has
    double[] x = {0, 0, 0.5, 0, 10, 5, 10.5, 5, 0, 5};
    double[] observed = {1, 1, 1, 1, 1, 1, 1, 1, 0, 1};
    double[] logits = new double[5 * 2];
    KMeansPlusPlus.seed(x, observed, 5, 2, 2, new SplittableRandom(0), logits);
    assertEquals(argmax(logits, 2, 2), argmax(logits, 4, 2));
    assertTrue(argmax(logits, 0, 2) != argmax(logits, 2, 2));
  }

  /** The sample: m distinct rows in increasing order; the same for the same seed. */
  @Test
  void samplesAreDistinctSortedAndSeeded() {
    int[] a = KMeansPlusPlus.sample(100_000, 20_000, new SplittableRandom(9));
    int[] b = KMeansPlusPlus.sample(100_000, 20_000, new SplittableRandom(9));
    assertArrayEquals(a, b);
    assertEquals(20_000, a.length);
    for (int i = 1; i < a.length; i++) {
      assertTrue(a[i] > a[i - 1]);
    }
    assertTrue(a[0] >= 0 && a[a.length - 1] < 100_000);
    // roughly uniform: a fifth of the sample in each fifth of the rows
    int firstFifth = (int) Arrays.stream(a).filter(r -> r < 20_000).count();
    assertEquals(4000, firstFifth, 200);
  }

  @Test
  void aSeedGivesTheSameStart() {
    SplittableRandom rng = new SplittableRandom(2);
    double[] x = new double[500 * 2];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian();
    }
    double[] a = new double[500 * 4];
    double[] b = new double[500 * 4];
    KMeansPlusPlus.seed(x, null, 500, 2, 4, new SplittableRandom(7), a);
    KMeansPlusPlus.seed(x, null, 500, 2, 4, new SplittableRandom(7), b);
    assertArrayEquals(a, b);
  }
}
