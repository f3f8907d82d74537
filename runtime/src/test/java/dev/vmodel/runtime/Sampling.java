package dev.vmodel.runtime;

import java.util.Random;

/**
 * Samplers written for the tests, independent of the code under test: Marsaglia and Tsang's
 * gamma sampler (ACM TOMS 26, 2000), with the U^(1/a) boost for shape &lt; 1, and the derived
 * Dirichlet and chi-square draws.
 */
final class Sampling {

  private Sampling() {}

  /** ln of a Gamma(shape, rate 1) draw (log form so that tiny draws keep their precision). */
  static double lnGammaDraw(Random rng, double shape) {
    if (shape < 1) {
      double u = rng.nextDouble();
      while (u == 0) {
        u = rng.nextDouble();
      }
      return lnGammaDraw(rng, shape + 1) + Math.log(u) / shape;
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = rng.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (u > 0 && Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return Math.log(d * v);
      }
    }
  }

  /** A Gamma(shape, rate) draw. */
  static double gamma(Random rng, double shape, double rate) {
    return Math.exp(lnGammaDraw(rng, shape)) / rate;
  }

  /** A chi-square draw with k degrees of freedom: Gamma(k/2, rate 1/2). */
  static double chiSquare(Random rng, double k) {
    return gamma(rng, 0.5 * k, 0.5);
  }

  /** ln pi_k of a Dirichlet(alpha) draw, written to out. */
  static void lnDirichlet(Random rng, double[] alpha, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < alpha.length; k++) {
      out[k] = lnGammaDraw(rng, alpha[k]);
      max = Math.max(max, out[k]);
    }
    double s = 0;
    for (double v : out) {
      s += Math.exp(v - max);
    }
    double lnSum = max + Math.log(s);
    for (int k = 0; k < alpha.length; k++) {
      out[k] -= lnSum;
    }
  }
}
