package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.LinAlg;
import dev.vmodel.runtime.Wishart;
import java.util.Arrays;

/**
 * Posterior factor Wishart(W, nu) over D x D precision matrices in Bishop's convention
 * (PRML B.78): scale matrix W, nu degrees of freedom, E[Lambda] = nu W. Arrays are copied in and
 * out; W is a flat row-major D x D array.
 *
 * @param W scale matrix, length D*D, symmetric (to 1e-8 relative; stored symmetrised) and
 *     positive definite
 * @param nu degrees of freedom, &gt; D - 1
 * @param D dimension, at least 1
 */
public record WishartPosterior(double[] W, double nu, int D) {

  /**
   * Copies and validates the parameters.
   *
   * @throws IllegalArgumentException if D &lt; 1, nu &lt;= D - 1, or W is not a symmetric
   *     positive-definite D x D matrix
   */
  public WishartPosterior {
    if (D < 1) {
      throw new IllegalArgumentException("D must be at least 1, got " + D);
    }
    Checks.finite("nu", nu);
    if (!(nu > D - 1)) {
      throw new IllegalArgumentException("nu must exceed D - 1 = " + (D - 1) + ", got " + nu);
    }
    W = Checks.spdCopy("W", W, D);
  }

  /** A copy of the scale matrix W. */
  @Override
  public double[] W() {
    return W.clone();
  }

  /** E[Lambda] = nu W, a new row-major array. */
  public double[] mean() {
    double[] out = new double[D * D];
    Wishart.mean(D, W, nu, out);
    return out;
  }

  /** E[Lambda_ij] = nu W_ij. */
  public double mean(int i, int j) {
    Checks.index(i, D);
    Checks.index(j, D);
    return nu * W[i * D + j];
  }

  /** Var[Lambda_ij] = nu (W_ij^2 + W_ii W_jj). */
  public double variance(int i, int j) {
    Checks.index(i, D);
    Checks.index(j, D);
    return Wishart.variance(D, W, 0, nu, i, j);
  }

  /**
   * E[Lambda^-1] = W^-1 / (nu - D - 1), the posterior mean of the covariance, for
   * nu &gt; D + 1.
   *
   * @throws IllegalStateException if nu &lt;= D + 1 (the expectation is infinite)
   */
  public double[] expInverse() {
    if (!(nu > D + 1)) {
      throw new IllegalStateException("E[Lambda^-1] needs nu > D + 1, have nu = " + nu);
    }
    double[] out = new double[D * D];
    LinAlg.spdInverse(W, out, D);
    LinAlg.scale(out, 0, 1.0 / (nu - D - 1), D * D);
    return out;
  }

  /** ln|W|. */
  public double lnDetW() {
    return LinAlg.logDetSpd(W, D);
  }

  /** E[ln|Lambda|] = psi_D(nu/2) + D ln 2 + ln|W|. */
  public double expLnDet() {
    return Wishart.expLnDet(D, lnDetW(), nu);
  }

  /** Entropy (PRML B.82). */
  public double entropy() {
    return Wishart.entropy(D, lnDetW(), nu);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WishartPosterior other
        && D == other.D
        && Double.compare(nu, other.nu) == 0
        && Arrays.equals(W, other.W);
  }

  @Override
  public int hashCode() {
    return (31 * Arrays.hashCode(W) + Double.hashCode(nu)) * 31 + D;
  }

  @Override
  public String toString() {
    return "WishartPosterior[W=" + Arrays.toString(W) + ", nu=" + nu + ", D=" + D + "]";
  }
}
