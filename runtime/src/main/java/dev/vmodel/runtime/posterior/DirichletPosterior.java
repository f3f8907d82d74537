package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.Beta;
import dev.vmodel.runtime.Dirichlet;
import java.util.Arrays;

/**
 * Posterior factor Dirichlet(alpha) over the K-simplex. Arrays are copied in and out.
 *
 * @param alpha concentrations, length K &gt;= 1, each positive and finite
 */
public record DirichletPosterior(double[] alpha) {

  /**
   * Copies and validates alpha.
   *
   * @throws IllegalArgumentException if alpha is empty or has an entry that is not positive
   *     and finite
   */
  public DirichletPosterior {
    alpha = alpha.clone();
    if (alpha.length == 0) {
      throw new IllegalArgumentException("alpha must not be empty");
    }
    for (double a : alpha) {
      Checks.positive("alpha entry", a);
    }
  }

  /** A copy of alpha. */
  @Override
  public double[] alpha() {
    return alpha.clone();
  }

  /** Number of categories K. */
  public int size() {
    return alpha.length;
  }

  /** alpha_0 = sum_k alpha_k. */
  public double concentration() {
    return Dirichlet.concentration(alpha, 0, alpha.length);
  }

  /** E[pi] = alpha / alpha_0, a new array. */
  public double[] mean() {
    double[] out = new double[alpha.length];
    Dirichlet.mean(alpha, 0, alpha.length, out, 0);
    return out;
  }

  /** E[pi_k]. */
  public double mean(int k) {
    Checks.index(k, alpha.length);
    return alpha[k] / concentration();
  }

  /** Var[pi_k]. */
  public double variance(int k) {
    Checks.index(k, alpha.length);
    return Dirichlet.variance(alpha, 0, alpha.length, k);
  }

  /** sd[pi_k]. */
  public double sd(int k) {
    return Math.sqrt(variance(k));
  }

  /** E[ln pi_k] = psi(alpha_k) - psi(alpha_0), a new array. */
  public double[] expLn() {
    double[] out = new double[alpha.length];
    Dirichlet.expLn(alpha, out);
    return out;
  }

  /** Central 95% interval of pi_k from its exact marginal Beta(alpha_k, alpha_0 - alpha_k). */
  public Interval interval95(int k) {
    Checks.index(k, alpha.length);
    if (alpha.length == 1) {
      return new Interval(1, 1);
    }
    double rest = concentration() - alpha[k];
    return new Interval(Beta.lower95(alpha[k], rest), Beta.upper95(alpha[k], rest));
  }

  /** Differential entropy. */
  public double entropy() {
    return Dirichlet.entropy(alpha);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DirichletPosterior other && Arrays.equals(alpha, other.alpha);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(alpha);
  }

  @Override
  public String toString() {
    return "DirichletPosterior[alpha=" + Arrays.toString(alpha) + "]";
  }
}
