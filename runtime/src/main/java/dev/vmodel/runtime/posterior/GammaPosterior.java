package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.Gamma;

/**
 * Posterior factor Gamma(shape a, rate b): density b^a / Gamma(a) x^(a-1) e^(-b x).
 *
 * @param shape a &gt; 0
 * @param rate b &gt; 0
 */
public record GammaPosterior(double shape, double rate) {

  /**
   * Validates the parameters.
   *
   * @throws IllegalArgumentException unless both are positive and finite
   */
  public GammaPosterior {
    Checks.positive("shape", shape);
    Checks.positive("rate", rate);
  }

  /** E[x] = a/b. */
  public double mean() {
    return Gamma.mean(shape, rate);
  }

  /** Var[x] = a/b^2. */
  public double variance() {
    return Gamma.variance(shape, rate);
  }

  /** sd[x] = sqrt(a)/b. */
  public double sd() {
    return Gamma.sd(shape, rate);
  }

  /** E[ln x] = psi(a) - ln b. */
  public double expLn() {
    return Gamma.expLn(shape, rate);
  }

  /** Mode (a - 1)/b for a &gt;= 1, else 0. */
  public double mode() {
    return Gamma.mode(shape, rate);
  }

  /** Differential entropy. */
  public double entropy() {
    return Gamma.entropy(shape, rate);
  }

  /** Quantile at p (numerical inversion of the CDF). */
  public double quantile(double p) {
    Checks.probability(p);
    return Gamma.quantile(p, shape, rate);
  }

  /** Central 95% credible interval [q(0.025), q(0.975)] (numerical inversion). */
  public Interval interval95() {
    return new Interval(Gamma.lower95(shape, rate), Gamma.upper95(shape, rate));
  }
}
