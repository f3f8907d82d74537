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
   * Entropy H[q(mu, Lambda)] = H[Wishart(W, nu)] + (D/2)(1 + ln(2 pi)) - (D ln beta +
   * E[ln|Lambda|])/2, given ln|W|.
   */
  public static double entropy(int D, double beta, double lnDetW, double nu) {
    return Wishart.entropy(D, lnDetW, nu)
        + 0.5 * D * (1 + SpecialFunctions.LN_2PI)
        - 0.5 * (D * Math.log(beta) + Wishart.expLnDet(D, lnDetW, nu));
  }
}
