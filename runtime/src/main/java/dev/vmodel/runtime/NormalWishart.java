package dev.vmodel.runtime;

/**
 * The Normal-Wishart distribution of a grouped factor q(mu, Lambda) =
 * MultiNormal(mu | m, beta Lambda) Wishart(Lambda | W, nu) (PRML 10.59-10.63), the mean-field
 * factor of a Gaussian mixture component.
 */
public final class NormalWishart {

  private NormalWishart() {}

  /**
   * E[(x - mu)^T Lambda (x - mu)] = D/beta + nu (x - m)^T W (x - m) (PRML 10.64).
   */
  public static double expQuadForm(
      int D, double[] x, int xOff, double[] m, int mOff, double beta, double[] W, int wOff,
      double nu) {
    return D / beta + nu * LinAlg.quadFormCentered(W, wOff, x, xOff, m, mOff, D);
  }

  /**
   * ln Z = (nu/2) ln|W| + (nu D/2) ln 2 + ln Gamma_D(nu/2) - (D/2) ln beta + (D/2) ln(2 pi), the
   * log-partition function of the Normal-Wishart(m, beta, W, nu) for the statistics
   * (Lambda, ln|Lambda|, Lambda mu, mu^T Lambda mu) with natural parameters
   * (-(W^-1 + beta m m^T)/2, (nu - D)/2, beta m, -beta/2), with respect to Lebesgue measure on mu
   * and the free entries of Lambda. Given ln|W|.
   */
  public static double logPartition(int D, double beta, double lnDetW, double nu) {
    return Wishart.logPartition(D, lnDetW, nu) + 0.5 * D * (SpecialFunctions.LN_2PI - Math.log(beta));
  }

  /**
   * Entropy H[q(mu, Lambda)] = H[Wishart(W, nu)] + (D/2)(1 + ln(2 pi)) - (D ln beta +
   * E[ln|Lambda|])/2, given ln|W|.
   */
  public static double entropy(int D, double beta, double lnDetW, double nu) {
    return Wishart.entropy(D, lnDetW, nu)
        + 0.5 * D * (1 + SpecialFunctions.LN_2PI)
        - 0.5 * (D * Math.log(beta) + Wishart.expLnDet(D, lnDetW, nu));
  }
}
