package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.Categorical;
import java.util.Arrays;

/**
 * Posterior factor Categorical(p) over {0, ..., K-1} (for example the responsibilities of one
 * data point in a mixture). The array is copied in and out.
 *
 * @param p probabilities, length K &gt;= 1, each in [0, 1], summing to 1 within 1e-9 * K
 */
public record CategoricalPosterior(double[] p) {

  /**
   * Copies and validates p.
   *
   * @throws IllegalArgumentException if p is empty, has an entry outside [0, 1], or does not
   *     sum to 1 within 1e-9 * K
   */
  public CategoricalPosterior {
    p = p.clone();
    if (p.length == 0) {
      throw new IllegalArgumentException("p must not be empty");
    }
    double s = 0;
    for (double v : p) {
      Checks.probability(v);
      s += v;
    }
    if (!(Math.abs(s - 1) <= 1e-9 * p.length)) {
      throw new IllegalArgumentException("probabilities must sum to 1, got " + s);
    }
  }

  /** A copy of p (same as {@link #probabilities()}). */
  @Override
  public double[] p() {
    return p.clone();
  }

  /** A copy of the probabilities. */
  public double[] probabilities() {
    return p.clone();
  }

  /** P(z = k). */
  public double probability(int k) {
    Checks.index(k, p.length);
    return p[k];
  }

  /** Number of categories K. */
  public int size() {
    return p.length;
  }

  /** Most probable category (the first on ties). */
  public int mode() {
    return Categorical.mode(p, 0, p.length);
  }

  /** Entropy -sum p_k ln p_k (0 ln 0 = 0). */
  public double entropy() {
    return Categorical.entropy(p);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CategoricalPosterior other && Arrays.equals(p, other.p);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(p);
  }

  @Override
  public String toString() {
    return "CategoricalPosterior[p=" + Arrays.toString(p) + "]";
  }
}
