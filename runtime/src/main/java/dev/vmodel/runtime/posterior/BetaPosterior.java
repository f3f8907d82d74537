package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.Beta;

/**
 * Posterior factor Beta(a, b): density x^(a-1) (1-x)^(b-1) / B(a, b) on (0, 1).
 *
 * @param a first shape, &gt; 0
 * @param b second shape, &gt; 0
 */
public record BetaPosterior(double a, double b) {

  /**
   * Validates the parameters.
   *
   * @throws IllegalArgumentException unless both are positive and finite
   */
  public BetaPosterior {
    Checks.positive("a", a);
    Checks.positive("b", b);
  }

  /** E[p] = a/(a + b). */
  public double mean() {
    return Beta.mean(a, b);
  }

  /** Var[p]. */
  public double variance() {
    return Beta.variance(a, b);
  }

  /** sd[p]. */
  public double sd() {
    return Beta.sd(a, b);
  }

  /** E[ln p] = psi(a) - psi(a + b). */
  public double expLn() {
    return Beta.expLn(a, b);
  }

  /** E[ln(1 - p)] = psi(b) - psi(a + b). */
  public double expLn1m() {
    return Beta.expLn1m(a, b);
  }

  /** Differential entropy. */
  public double entropy() {
    return Beta.entropy(a, b);
  }

  /** Quantile at p (numerical inversion). */
  public double quantile(double p) {
    Checks.probability(p);
    return Beta.quantile(p, a, b);
  }

  /** Central 95% credible interval (numerical inversion). */
  public Interval interval95() {
    return new Interval(Beta.lower95(a, b), Beta.upper95(a, b));
  }
}
