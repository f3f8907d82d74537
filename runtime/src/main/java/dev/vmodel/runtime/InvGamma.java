package dev.vmodel.runtime;

/**
 * The inverse-gamma distribution in the language's parameterisation, InvGamma(shape a,
 * scale b): p(x) = b^a / Gamma(a) x^(-a-1) e^(-b/x) for x &gt; 0. If X ~ InvGamma(a, b) then
 * 1/X ~ Gamma(shape a, rate b).
 *
 * <p>Sufficient statistics for mean-field updates: E[1/x] = a/b, E[ln x] = ln b - psi(a).
 * Parameters are not validated (hot-path code).
 */
public final class InvGamma {

  private InvGamma() {}

  /** ln of the normalising constant: a ln b - ln Gamma(a). */
  public static double lnNormalizer(double shape, double scale) {
    return shape * Math.log(scale) - SpecialFunctions.lnGamma(shape);
  }

  /** ln p(x | a, b) = a ln b - ln Gamma(a) - (a + 1) ln x - b/x; -infinity for x &lt;= 0. */
  public static double lnPdf(double x, double shape, double scale) {
    if (!(x > 0)) {
      return x != x ? Double.NaN : Double.NEGATIVE_INFINITY;
    }
    return lnNormalizer(shape, scale) - (shape + 1) * Math.log(x) - scale / x;
  }

  /**
   * Expected log density with a fixed shape and independent factors for x and the scale:
   * E[ln InvGamma(x | a, b)] = a E[ln b] - ln Gamma(a) - (a + 1) E[ln x] - E[b] E[1/x].
   */
  public static double expLnPdf(
      double expInvX, double expLnX, double shape, double expScale, double expLnScale) {
    return shape * expLnScale - SpecialFunctions.lnGamma(shape) - (shape + 1) * expLnX
        - expScale * expInvX;
  }

  /** E[1/x] = a/b. */
  public static double expInv(double shape, double scale) {
    return shape / scale;
  }

  /** E[ln x] = ln b - psi(a). */
  public static double expLn(double shape, double scale) {
    return Math.log(scale) - SpecialFunctions.digamma(shape);
  }

  /** E[x] = b/(a - 1) for a &gt; 1; +infinity otherwise. */
  public static double mean(double shape, double scale) {
    return shape > 1 ? scale / (shape - 1) : Double.POSITIVE_INFINITY;
  }

  /** Var[x] = b^2 / ((a - 1)^2 (a - 2)) for a &gt; 2; +infinity otherwise. */
  public static double variance(double shape, double scale) {
    if (!(shape > 2)) {
      return Double.POSITIVE_INFINITY;
    }
    double am1 = shape - 1;
    return scale * scale / (am1 * am1 * (shape - 2));
  }

  /** sd[x] = sqrt(variance); +infinity for a &lt;= 2. */
  public static double sd(double shape, double scale) {
    return Math.sqrt(variance(shape, scale));
  }

  /** Mode b/(a + 1). */
  public static double mode(double shape, double scale) {
    return scale / (shape + 1);
  }

  /**
   * ln Z = ln Gamma(a) - a ln b, the log-partition function of InvGamma(a, b) for the statistics
   * (1/x, ln x) with natural parameters (-b, -a - 1), with respect to Lebesgue measure on x &gt; 0:
   * ln p(x) = -b/x - (a + 1) ln x - ln Z. (It is minus {@link #lnNormalizer}.)
   */
  public static double logPartition(double shape, double scale) {
    return SpecialFunctions.lnGamma(shape) - shape * Math.log(scale);
  }

  /** Differential entropy H = a + ln b + ln Gamma(a) - (1 + a) psi(a). */
  public static double entropy(double shape, double scale) {
    return shape + Math.log(scale) + SpecialFunctions.lnGamma(shape)
        - (1 + shape) * SpecialFunctions.digamma(shape);
  }

  /** P(X &lt;= x) = Q(a, b/x), the regularised upper incomplete gamma function. */
  public static double cdf(double x, double shape, double scale) {
    return x <= 0 ? 0 : SpecialFunctions.regularizedGammaQ(shape, scale / x);
  }

  /**
   * Quantile b / y where Q(a, y) = p, by numerical inversion of the incomplete gamma function
   * (see {@link Gamma#quantile}). Not for hot loops.
   *
   * @return 0 at p = 0, +infinity at p = 1, NaN outside [0, 1]
   */
  public static double quantile(double p, double shape, double scale) {
    return scale / Gamma.standardQuantile(p, shape, true);
  }

  /** Lower end of the 95% central interval (the 2.5% quantile). */
  public static double lower95(double shape, double scale) {
    return quantile(0.025, shape, scale);
  }

  /** Upper end of the 95% central interval (the 97.5% quantile). */
  public static double upper95(double shape, double scale) {
    return quantile(0.975, shape, scale);
  }
}
