package dev.vmodel.runtime.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vmodel.runtime.SpecialFunctions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pseudo-counts of the start of count-like global factors are Gamma(100, 1/100) draws. */
class PseudoCountsTest {
  /**
   * 200,000 draws: mean 1 and variance 0.01 within 10 standard errors, and the empirical CDF at
   * four points within 0.005 of the Gamma(100, 1/100) CDF (the regularized incomplete gamma
   * function P(100, 100 x)): the Kolmogorov distance of a wrong sampler (shape 50, or a normal
   * approximation without skew) is larger.
   */
  @Test
  void drawsAreGamma100() {
    SplittableRandom rng = new SplittableRandom(42);
    int n = 200_000;
    double[] at = {0.85, 0.95, 1.05, 1.2};
    int[] below = new int[at.length];
    double sum = 0;
    double sum2 = 0;
    for (int i = 0; i < n; i++) {
      double x = PseudoCounts.draw(rng);
      sum += x;
      sum2 += x * x;
      for (int j = 0; j < at.length; j++) {
        if (x <= at[j]) {
          below[j]++;
        }
      }
    }
    double mean = sum / n;
    double var = sum2 / n - mean * mean;
    assertEquals(1.0, mean, 10 * 0.1 / Math.sqrt(n));
    assertEquals(0.01, var, 10 * 0.01 * Math.sqrt(2.0 / n) * 1.5);
    for (int j = 0; j < at.length; j++) {
      double cdf = SpecialFunctions.regularizedGammaP(PseudoCounts.SHAPE, PseudoCounts.SHAPE * at[j]);
      assertEquals(cdf, below[j] / (double) n, 0.005, "CDF at " + at[j]);
    }
  }

  @Test
  void aSeedGivesTheSameDraws() {
    SplittableRandom a = new SplittableRandom(7);
    SplittableRandom b = new SplittableRandom(7);
    for (int i = 0; i < 1000; i++) {
      assertEquals(PseudoCounts.draw(a), PseudoCounts.draw(b));
    }
  }
}
