package dev.vmodel.runtime;

/**
 * The Wishart distribution over D x D SPD matrices in Bishop's convention (PRML B.78-B.82),
 * Wishart(W, nu) with scale matrix W and nu &gt; D - 1 degrees of freedom:
 * p(Lambda) = B(W, nu) |Lambda|^((nu - D - 1)/2) exp(-tr(W^-1 Lambda)/2), where
 * ln B(W, nu) = -(nu/2) ln|W| - (nu D / 2) ln 2 - ln Gamma_D(nu/2).
 *
 * <p>Sufficient statistics for mean-field updates: E[Lambda] = nu W and
 * E[ln|Lambda|] = psi_D(nu/2) + D ln 2 + ln|W| (psi_D = {@link SpecialFunctions#multiDigamma}).
 *
 * <p>Matrices are flat row-major D x D arrays (see {@link LinAlg}). Most functions take
 * ln|W| precomputed (the caller usually has the Cholesky factor of W at hand); the overloads
 * that take W itself factorise it, either in a caller-supplied workspace or, in the short
 * forms, in a freshly allocated D x D array (not for hot loops). Parameters are not validated:
 * a W that is not SPD gives NaN.
 */
public final class Wishart {

  private Wishart() {}

  /** ln B(W, nu) = -(nu/2) ln|W| - (nu D/2) ln 2 - ln Gamma_D(nu/2). */
  public static double lnNormalizer(int D, double lnDetW, double nu) {
    return -0.5 * nu * lnDetW - 0.5 * nu * D * SpecialFunctions.LN_2
        - SpecialFunctions.lnMultiGamma(D, 0.5 * nu);
  }

  /**
   * ln Z = (nu/2) ln|W| + (nu D/2) ln 2 + ln Gamma_D(nu/2), the log-partition function of
   * Wishart(W, nu) for the statistics (Lambda, ln|Lambda|) with natural parameters
   * (-W^-1/2, (nu - D - 1)/2), with respect to Lebesgue measure on the D(D + 1)/2 free entries:
   * ln p(Lambda) = -tr(W^-1 Lambda)/2 + ((nu - D - 1)/2) ln|Lambda| - ln Z. It is
   * -{@link #lnNormalizer}, given ln|W|.
   */
  public static double logPartition(int D, double lnDetW, double nu) {
    return 0.5 * nu * lnDetW + 0.5 * nu * D * SpecialFunctions.LN_2
        + SpecialFunctions.lnMultiGamma(D, 0.5 * nu);
  }

  /** E[ln|Lambda|] = psi_D(nu/2) + D ln 2 + ln|W|, given ln|W|. */
  public static double expLnDet(int D, double lnDetW, double nu) {
    return SpecialFunctions.multiDigamma(D, 0.5 * nu) + D * SpecialFunctions.LN_2 + lnDetW;
  }

  /** E[ln|Lambda|], factorising W in {@code work} (D*D entries from workOff). */
  public static double expLnDet(
      int D, double[] W, int wOff, double nu, double[] work, int workOff) {
    return expLnDet(D, LinAlg.logDetSpd(W, wOff, work, workOff, D), nu);
  }

  /** E[ln|Lambda|] = psi_D(nu/2) + D ln 2 + ln|W|. Allocates a D x D scratch array. */
  public static double expLnDet(int D, double[] W, double nu) {
    return expLnDet(D, W, 0, nu, new double[D * D], 0);
  }

  /** out = E[Lambda] = nu W. {@code out} may be the same block as W. */
  public static void mean(int D, double[] W, int wOff, double nu, double[] out, int outOff) {
    for (int i = 0; i < D * D; i++) {
      out[outOff + i] = nu * W[wOff + i];
    }
  }

  /** {@link #mean(int, double[], int, double, double[], int)} with offsets 0. */
  public static void mean(int D, double[] W, double nu, double[] out) {
    mean(D, W, 0, nu, out, 0);
  }

  /** Var[Lambda_ij] = nu (W_ij^2 + W_ii W_jj). */
  public static double variance(int D, double[] W, int wOff, double nu, int i, int j) {
    double wij = W[wOff + i * D + j];
    return nu * (wij * wij + W[wOff + i * D + i] * W[wOff + j * D + j]);
  }

  /**
   * Entropy H = -ln B(W, nu) - ((nu - D - 1)/2) E[ln|Lambda|] + nu D / 2 (PRML B.82), given
   * ln|W|.
   */
  public static double entropy(int D, double lnDetW, double nu) {
    return -lnNormalizer(D, lnDetW, nu) - 0.5 * (nu - D - 1) * expLnDet(D, lnDetW, nu)
        + 0.5 * nu * D;
  }

  /** Entropy, factorising W in {@code work} (D*D entries). */
  public static double entropy(int D, double[] W, int wOff, double nu, double[] work, int workOff) {
    return entropy(D, LinAlg.logDetSpd(W, wOff, work, workOff, D), nu);
  }

  /** Entropy. Allocates a D x D scratch array. */
  public static double entropy(int D, double[] W, double nu) {
    return entropy(D, W, 0, nu, new double[D * D], 0);
  }

  /**
   * ln p(Lambda | W, nu) = ln B(W, nu) + ((nu - D - 1)/2) ln|Lambda| - tr(W^-1 Lambda)/2, given
   * W^-1, ln|W| and ln|Lambda| (no factorisation, O(D^2)).
   */
  public static double lnPdf(
      int D,
      double[] lambda,
      int lOff,
      double lnDetLambda,
      double[] wInverse,
      int wiOff,
      double lnDetW,
      double nu) {
    return lnNormalizer(D, lnDetW, nu) + 0.5 * (nu - D - 1) * lnDetLambda
        - 0.5 * LinAlg.traceProduct(wInverse, wiOff, lambda, lOff, D);
  }

  /**
   * ln p(Lambda | W, nu), factorising W and Lambda in {@code work} (2 D^2 entries from
   * workOff).
   *
   * @return the log density, or -infinity if Lambda is not positive definite
   */
  public static double lnPdf(
      int D, double[] lambda, int lOff, double[] W, int wOff, double nu, double[] work,
      int workOff) {
    double lnDetLambda = LinAlg.logDetSpd(lambda, lOff, work, workOff + D * D, D);
    if (Double.isNaN(lnDetLambda)) {
      return Double.NEGATIVE_INFINITY;
    }
    double lnDetW = LinAlg.spdInverseLogDet(W, wOff, work, workOff, D);
    return lnPdf(D, lambda, lOff, lnDetLambda, work, workOff, lnDetW, nu);
  }

  /** ln p(Lambda | W, nu). Allocates 2 D^2 scratch entries. */
  public static double lnPdf(int D, double[] lambda, double[] W, double nu) {
    return lnPdf(D, lambda, 0, W, 0, nu, new double[2 * D * D], 0);
  }

  /**
   * Expected log density with fixed (W0, nu0) under q(Lambda): E[ln Wishart(Lambda | W0, nu0)] =
   * ln B(W0, nu0) + ((nu0 - D - 1)/2) E[ln|Lambda|] - tr(W0^-1 E[Lambda])/2.
   */
  public static double expLnPdf(
      int D,
      double[] expLambda,
      int eOff,
      double expLnDetLambda,
      double[] w0Inverse,
      int wiOff,
      double lnDetW0,
      double nu0) {
    return lnPdf(D, expLambda, eOff, expLnDetLambda, w0Inverse, wiOff, lnDetW0, nu0);
  }
}
