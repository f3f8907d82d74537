package dev.vmodel.runtime;

/**
 * The multivariate normal distribution in the language's parameterisation,
 * MultiNormal(mean m, precision Lambda) in D dimensions:
 * p(x) = (2 pi)^(-D/2) |Lambda|^(1/2) exp(-(x - m)^T Lambda (x - m) / 2), covariance
 * Sigma = Lambda^-1.
 *
 * <p>Sufficient statistics for mean-field updates: E[x] = m,
 * E[x x^T] = Lambda^-1 + m m^T. Vectors are (array, offset) pairs of length D, matrices flat
 * row-major D x D blocks (see {@link LinAlg}). The hot forms take ln|Lambda| precomputed.
 */
public final class MultiNormal {

  private MultiNormal() {}

  /**
   * ln p(x | m, Lambda) = -(D/2) ln(2 pi) + ln|Lambda|/2 - (x - m)^T Lambda (x - m)/2, given
   * ln|Lambda|.
   */
  public static double lnPdf(
      int D,
      double[] x,
      int xOff,
      double[] mean,
      int mOff,
      double[] precision,
      int pOff,
      double lnDetPrecision) {
    return 0.5 * (lnDetPrecision - D * SpecialFunctions.LN_2PI
        - LinAlg.quadFormCentered(precision, pOff, x, xOff, mean, mOff, D));
  }

  /** ln p(x | m, Lambda). Allocates a D x D scratch array to factorise Lambda. */
  public static double lnPdf(int D, double[] x, double[] mean, double[] precision) {
    return lnPdf(D, x, 0, mean, 0, precision, 0, LinAlg.logDetSpd(precision, D));
  }

  /**
   * ln Z = m^T Lambda m / 2 - ln|Lambda|/2 + (D/2) ln(2 pi), the log-partition function of
   * MultiNormal(m, Lambda) for the statistics (x, x x^T) with natural parameters
   * (Lambda m, -Lambda/2), with respect to Lebesgue measure:
   * ln p(x) = (Lambda m)^T x - tr(Lambda x x^T)/2 - ln Z. Given ln|Lambda|.
   */
  public static double logPartition(
      int D, double[] mean, int mOff, double[] precision, int pOff, double lnDetPrecision) {
    return 0.5 * (LinAlg.quadForm(precision, pOff, mean, mOff, D) - lnDetPrecision
        + D * SpecialFunctions.LN_2PI);
  }

  /** Differential entropy H = (D/2)(1 + ln(2 pi)) - ln|Lambda|/2, given ln|Lambda|. */
  public static double entropy(int D, double lnDetPrecision) {
    return 0.5 * (D * (1 + SpecialFunctions.LN_2PI) - lnDetPrecision);
  }

  /**
   * out = Sigma = Lambda^-1 ({@code out} may be the same block as the precision).
   *
   * @return ln|Lambda|, or NaN if Lambda is not positive definite
   */
  public static double covariance(int D, double[] precision, int pOff, double[] out, int oOff) {
    return LinAlg.spdInverseLogDet(precision, pOff, out, oOff, D);
  }

  /**
   * out = E[x x^T] = Lambda^-1 + m m^T, computed in {@code out} without other scratch
   * ({@code out} must not overlap the mean; it may be the precision block).
   *
   * @return ln|Lambda|, or NaN if Lambda is not positive definite
   */
  public static double expOuter(
      int D, double[] mean, int mOff, double[] precision, int pOff, double[] out, int oOff) {
    double lnDet = LinAlg.spdInverseLogDet(precision, pOff, out, oOff, D);
    LinAlg.addOuter(out, oOff, 1.0, mean, mOff, D);
    return lnDet;
  }

  /** {@link #expOuter(int, double[], int, double[], int, double[], int)} with offsets 0. */
  public static double expOuter(int D, double[] mean, double[] precision, double[] out) {
    return expOuter(D, mean, 0, precision, 0, out, 0);
  }

  /** out = E[x x^T] = Sigma + m m^T from the covariance ({@code out} may be the covariance). */
  public static void expOuterFromCovariance(
      int D, double[] mean, int mOff, double[] cov, int cOff, double[] out, int oOff) {
    if (cov != out || cOff != oOff) {
      System.arraycopy(cov, cOff, out, oOff, D * D);
    }
    LinAlg.addOuter(out, oOff, 1.0, mean, mOff, D);
  }

  /**
   * E[(x - c)^T A (x - c)] = (m - c)^T A (m - c) + tr(A Sigma) for x with mean m and
   * covariance Sigma, any D x D matrix A and vector c.
   */
  public static double expQuadForm(
      int D,
      double[] a,
      int aOff,
      double[] c,
      int cOff,
      double[] mean,
      int mOff,
      double[] cov,
      int covOff) {
    return LinAlg.quadFormCentered(a, aOff, mean, mOff, c, cOff, D)
        + LinAlg.traceProduct(a, aOff, cov, covOff, D);
  }

  /**
   * Expected log density under independent factors for x, mu and Lambda:
   * E[ln N(x | mu, Lambda^-1)] = -(D/2) ln(2 pi) + E[ln|Lambda|]/2
   * - (tr(E[Lambda] E[x x^T]) - 2 E[mu]^T E[Lambda] E[x] + tr(E[Lambda] E[mu mu^T]))/2.
   * For observed x pass E[x x^T] = x x^T; for a known mean pass E[mu mu^T] = mu mu^T.
   * E[Lambda] must be symmetric.
   */
  public static double expLnPdf(
      int D,
      double[] expX,
      int xOff,
      double[] expXXt,
      int xxOff,
      double[] expMu,
      int muOff,
      double[] expMuMuT,
      int mmOff,
      double[] expPrecision,
      int pOff,
      double expLnDetPrecision) {
    double quad = LinAlg.traceProduct(expPrecision, pOff, expXXt, xxOff, D)
        - 2 * LinAlg.bilinearForm(expMu, muOff, expPrecision, pOff, expX, xOff, D)
        + LinAlg.traceProduct(expPrecision, pOff, expMuMuT, mmOff, D);
    return 0.5 * (expLnDetPrecision - D * SpecialFunctions.LN_2PI - quad);
  }
}
