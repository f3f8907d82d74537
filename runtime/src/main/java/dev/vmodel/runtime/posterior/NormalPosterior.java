package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.Normal;

/**
 * Posterior factor Normal(mean, precision): variance 1/precision.
 *
 * @param mean the mean, finite
 * @param precision the precision (inverse variance), &gt; 0
 */
public record NormalPosterior(double mean, double precision) {

  /**
   * Validates the parameters.
   *
   * @throws IllegalArgumentException if the mean is not finite or the precision not positive
   */
  public NormalPosterior {
    Checks.finite("mean", mean);
    Checks.positive("precision", precision);
  }

  /** Var[x] = 1/precision. */
  public double variance() {
    return Normal.variance(precision);
  }

  /** sd[x] = 1/sqrt(precision). */
  public double sd() {
    return Normal.sd(precision);
  }

  /** E[x^2] = mean^2 + 1/precision. */
  public double expSquare() {
    return Normal.expSquare(mean, precision);
  }

  /** Differential entropy. */
  public double entropy() {
    return Normal.entropy(precision);
  }

  /** Quantile at p (exact). */
  public double quantile(double p) {
    Checks.probability(p);
    return Normal.quantile(p, mean, precision);
  }

  /** Central 95% interval mean +/- 1.95996 sd (exact). */
  public Interval interval95() {
    return new Interval(Normal.lower95(mean, precision), Normal.upper95(mean, precision));
  }
}
