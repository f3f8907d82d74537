package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.LinAlg;
import dev.vmodel.runtime.NormalWishart;
import java.util.Arrays;

/**
 * Posterior of a grouped factor q(mu, Lambda) = MultiNormal(mu | m, beta Lambda)
 * Wishart(Lambda | W, nu) (PRML 10.59-10.63), as for a Gaussian mixture component. Arrays are
 * copied in and out.
 *
 * @param m mean of mu, length D, finite
 * @param beta precision scaling of mu, &gt; 0
 * @param W Wishart scale matrix, length D*D, symmetric positive definite
 * @param nu Wishart degrees of freedom, &gt; D - 1
 */
public record NormalWishartPosterior(double[] m, double beta, double[] W, double nu) {

  /**
   * Copies and validates the parameters.
   *
   * @throws IllegalArgumentException on bad lengths or values
   */
  public NormalWishartPosterior {
    m = m.clone();
    for (double v : m) {
      Checks.finite("m entry", v);
    }
    Checks.positive("beta", beta);
    W = new WishartPosterior(W, nu, m.length).W();
  }

  /** Dimension D. */
  public int dim() {
    return m.length;
  }

  /** A copy of m, which is also E[mu]. */
  @Override
  public double[] m() {
    return m.clone();
  }

  /** A copy of W. */
  @Override
  public double[] W() {
    return W.clone();
  }

  /** The marginal posterior of Lambda, Wishart(W, nu). */
  public WishartPosterior lambda() {
    return new WishartPosterior(W, nu, m.length);
  }

  /** E[mu] = m, a new array. */
  public double[] meanMu() {
    return m.clone();
  }

  /**
   * Cov[mu] = E[(beta Lambda)^-1] = W^-1 / (beta (nu - D - 1)) for nu &gt; D + 1 (the marginal
   * of mu is a multivariate Student t).
   *
   * @throws IllegalStateException if nu &lt;= D + 1
   */
  public double[] covarianceMu() {
    double[] out = lambda().expInverse();
    LinAlg.scale(out, 0, 1.0 / beta, out.length);
    return out;
  }

  /** E[(x - mu)^T Lambda (x - mu)] = D/beta + nu (x - m)^T W (x - m) (PRML 10.64). */
  public double expQuadForm(double[] x) {
    Checks.length("x", x, m.length);
    return NormalWishart.expQuadForm(m.length, x, 0, m, 0, beta, W, 0, nu);
  }

  /** Entropy of the joint factor. */
  public double entropy() {
    return NormalWishart.entropy(m.length, beta, LinAlg.logDetSpd(W, m.length), nu);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NormalWishartPosterior other
        && Arrays.equals(m, other.m)
        && Double.compare(beta, other.beta) == 0
        && Arrays.equals(W, other.W)
        && Double.compare(nu, other.nu) == 0;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new double[] {Arrays.hashCode(m), beta, Arrays.hashCode(W), nu});
  }

  @Override
  public String toString() {
    return "NormalWishartPosterior[m=" + Arrays.toString(m) + ", beta=" + beta
        + ", W=" + Arrays.toString(W) + ", nu=" + nu + "]";
  }
}
