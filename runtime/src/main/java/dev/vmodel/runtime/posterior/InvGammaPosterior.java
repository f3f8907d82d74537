package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.InvGamma;

/**
 * Posterior factor InvGamma(shape a, scale b): density b^a / Gamma(a) x^(-a-1) e^(-b/x).
 *
 * @param shape a &gt; 0
 * @param scale b &gt; 0
 */
public record InvGammaPosterior(double shape, double scale) {

  /**
   * Validates the parameters.
   *
   * @throws IllegalArgumentException unless both are positive and finite
   */
  public InvGammaPosterior {
    Checks.positive("shape", shape);
    Checks.positive("scale", scale);
  }

  /** E[x] = b/(a - 1); +infinity for a &lt;= 1. */
  public double mean() {
    return InvGamma.mean(shape, scale);
  }

  /** Var[x] = b^2/((a-1)^2 (a-2)); +infinity for a &lt;= 2. */
  public double variance() {
    return InvGamma.variance(shape, scale);
  }

  /** sd[x]; +infinity for a &lt;= 2. */
  public double sd() {
    return InvGamma.sd(shape, scale);
  }

  /** E[1/x] = a/b. */
  public double expInv() {
    return InvGamma.expInv(shape, scale);
  }

  /** E[ln x] = ln b - psi(a). */
  public double expLn() {
    return InvGamma.expLn(shape, scale);
  }

  /** Mode b/(a + 1). */
  public double mode() {
    return InvGamma.mode(shape, scale);
  }

  /** Differential entropy. */
  public double entropy() {
    return InvGamma.entropy(shape, scale);
  }

  /** Quantile at p (numerical inversion). */
  public double quantile(double p) {
    Checks.probability(p);
    return InvGamma.quantile(p, shape, scale);
  }

  /** Central 95% credible interval (numerical inversion). */
  public Interval interval95() {
    return new Interval(InvGamma.lower95(shape, scale), InvGamma.upper95(shape, scale));
  }
}
