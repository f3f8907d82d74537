package dev.vmodel.compiler.reference;

import java.util.SplittableRandom;

/** Random variates on a {@link SplittableRandom}, deterministic for a seed. */
final class Rng {
  private Rng() {}

  /** Standard normal by the Marsaglia polar method (second variate discarded, so no hidden state). */
  static double normal(SplittableRandom r) {
    while (true) {
      double u = 2 * r.nextDouble() - 1;
      double v = 2 * r.nextDouble() - 1;
      double s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt(-2 * Math.log(s) / s);
    }
  }

  /** Uniform on (0, 1). */
  static double open(SplittableRandom r) {
    while (true) {
      double u = r.nextDouble();
      if (u > 0) return u;
    }
  }

  /** Exp(1). */
  static double exponential(SplittableRandom r) {
    return -Math.log(open(r));
  }

  /** Gamma(shape, rate) by Marsaglia and Tsang (2000); shape &lt; 1 via Gamma(shape+1) U^{1/shape}. */
  static double gamma(SplittableRandom r, double shape, double rate) {
    if (!(shape > 0) || !(rate > 0)) throw new IllegalArgumentException("Gamma(" + shape + ", " + rate + ")");
    if (shape < 1) return gamma(r, shape + 1, rate) * Math.pow(open(r), 1 / shape);
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = normal(r);
      double v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      double u = open(r);
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v / rate;
    }
  }
}
