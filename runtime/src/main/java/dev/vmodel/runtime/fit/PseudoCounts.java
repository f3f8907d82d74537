package dev.vmodel.runtime.fit;

import java.util.SplittableRandom;

/**
 * The random start of count-like global factors (Dirichlet topics, Beta probabilities) where the
 * rows are not real vectors for k-means++: each category gets a pseudo-count drawn from
 * Gamma(100, 1/100) (mean 1, standard deviation 0.1) on top of its prior, as scikit-learn's and
 * Spark's LDA start their topics. The first local updates then amplify the small differences
 * between the factors instead of starting every one at the same average.
 */
public final class PseudoCounts {
  /** The shape of the Gamma(shape, 1 / shape) draws. */
  public static final double SHAPE = 100.0;

  private PseudoCounts() {}

  /** One draw from Gamma(100, 1/100), by Marsaglia and Tsang's method (2000). */
  public static double draw(SplittableRandom rng) {
    double d = SHAPE - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9.0 * d);
    while (true) {
      double x = normal(rng);
      double v = 1.0 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (u < 1.0 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1.0 - v + Math.log(v))) {
        return d * v / SHAPE;
      }
    }
  }

  /** A standard normal draw (Box-Muller; one of the pair, so that each call uses two uniforms). */
  private static double normal(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
