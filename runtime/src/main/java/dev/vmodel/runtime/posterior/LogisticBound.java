package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.LocalBounds;

/**
 * One row's Jaakkola-Jordan bound on ln logistic(a): the point xi &gt;= 0 that maximises it,
 * xi^2 = E[a^2] under the other factors (PRML 10.163). Not a distribution: the fit's ELBO is the
 * bound's expectation at these points.
 *
 * @param xi the bound's parameter, finite and &gt;= 0
 */
public record LogisticBound(double xi) {

  /**
   * Validates xi.
   *
   * @throws IllegalArgumentException unless xi is finite and non-negative
   */
  public LogisticBound {
    if (!(xi >= 0) || Double.isInfinite(xi)) {
      throw new IllegalArgumentException("xi must be finite and >= 0, got " + xi);
    }
  }

  /** lambda(xi) = (logistic(xi) - 1/2) / (2 xi), the bound's curvature. */
  public double lambda() {
    return LocalBounds.lambda(xi);
  }
}
