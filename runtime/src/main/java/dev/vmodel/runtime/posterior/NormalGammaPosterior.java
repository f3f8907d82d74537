package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.Gamma;

/**
 * Joint posterior factor Normal-Gamma(mu, tau | m, beta, a, b): tau ~ Gamma(a, b) and
 * mu | tau ~ Normal(m, precision beta * tau).
 *
 * @param m mean of mu
 * @param beta scale of mu's precision relative to tau, &gt; 0
 * @param a shape of tau, &gt; 0
 * @param b rate of tau, &gt; 0
 */
public record NormalGammaPosterior(double m, double beta, double a, double b) {

  /** Validates the parameters. */
  public NormalGammaPosterior {
    Checks.positive("beta", beta);
    Checks.positive("a", a);
    Checks.positive("b", b);
  }

  /** The marginal of tau: Gamma(a, b). */
  public GammaPosterior tau() {
    return new GammaPosterior(a, b);
  }

  /** E[mu] = m. */
  public double muMean() {
    return m;
  }

  /** Var[mu] = b / (beta (a - 1)) for a &gt; 1 (the marginal of mu is a Student t), else infinity. */
  public double muVariance() {
    return a > 1 ? b / (beta * (a - 1)) : Double.POSITIVE_INFINITY;
  }

  /** E[tau] = a / b. */
  public double tauMean() {
    return Gamma.mean(a, b);
  }
}
