package dev.vmodel.runtime.posterior;

import java.util.Arrays;

/**
 * One row's quadratic bound on ln softmax(v): the expansion point psi = E[v] that maximises it.
 * Not a distribution: the fit's ELBO is the bound's expectation at these points. The array is
 * copied in and out.
 *
 * @param psi the expansion point, one finite entry per category
 */
public record SoftmaxBound(double[] psi) {

  /**
   * Copies and validates psi.
   *
   * @throws IllegalArgumentException if psi is empty or has an entry that is not finite
   */
  public SoftmaxBound {
    psi = psi.clone();
    if (psi.length == 0) {
      throw new IllegalArgumentException("psi must not be empty");
    }
    for (double v : psi) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("psi must be finite, got " + Arrays.toString(psi));
      }
    }
  }

  /** A copy of psi. */
  @Override
  public double[] psi() {
    return psi.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SoftmaxBound b && Arrays.equals(psi, b.psi);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(psi);
  }

  @Override
  public String toString() {
    return "SoftmaxBound" + Arrays.toString(psi);
  }
}
