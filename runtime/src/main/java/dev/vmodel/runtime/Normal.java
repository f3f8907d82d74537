package dev.vmodel.runtime;

/**
 * The univariate normal distribution in the language's parameterisation,
 * Normal(mean m, precision tau):
 * p(x) = sqrt(tau / (2 pi)) exp(-tau (x - m)^2 / 2), so Var[x] = 1/tau.
 *
 * <p>Sufficient statistics for mean-field updates: E[x] = m, E[x^2] = m^2 + 1/tau.
 * Parameters are not validated (hot-path code): tau &lt;= 0 gives NaN or meaningless results.
 */
public final class Normal {

  /** z with Phi(z) = 0.975: the 95% central interval is m +/- Z_975 / sqrt(tau). */
  public static final double Z_975 = 1.959963984540054;

  private Normal() {}

  /** ln p(x | m, tau) = ln(tau)/2 - ln(2 pi)/2 - tau (x - m)^2 / 2. */
  public static double lnPdf(double x, double mean, double precision) {
    double d = x - mean;
    return 0.5 * (Math.log(precision) - SpecialFunctions.LN_2PI - precision * d * d);
  }

  /**
   * Expected log density under independent factors, E[ln Normal(x | mu, tau)] =
   * E[ln tau]/2 - ln(2 pi)/2 - E[tau] (E[x^2] - 2 E[x] E[mu] + E[mu^2]) / 2. For observed x
   * pass expX = x, expX2 = x^2; for a known mean pass expMu = mu, expMu2 = mu^2.
   */
  public static double expLnPdf(
      double expX, double expX2, double expMu, double expMu2, double expTau, double expLnTau) {
    return 0.5 * (expLnTau - SpecialFunctions.LN_2PI - expTau * (expX2 - 2 * expX * expMu + expMu2));
  }

  /** E[x^2] = m^2 + 1/tau. */
  public static double expSquare(double mean, double precision) {
    return mean * mean + 1.0 / precision;
  }

  /** Var[x] = 1/tau. */
  public static double variance(double precision) {
    return 1.0 / precision;
  }

  /** sd[x] = 1/sqrt(tau). */
  public static double sd(double precision) {
    return 1.0 / Math.sqrt(precision);
  }

  /**
   * ln Z = tau m^2 / 2 - ln(tau)/2 + ln(2 pi)/2, the log-partition function of Normal(m, tau) for
   * the statistics (x, x^2) with natural parameters (tau m, -tau/2), with respect to Lebesgue
   * measure: ln p(x) = tau m x - (tau/2) x^2 - ln Z.
   */
  public static double logPartition(double mean, double precision) {
    return 0.5 * (precision * mean * mean - Math.log(precision) + SpecialFunctions.LN_2PI);
  }

  /** Differential entropy H = (1 + ln(2 pi) - ln tau) / 2. */
  public static double entropy(double precision) {
    return 0.5 * (1 + SpecialFunctions.LN_2PI - Math.log(precision));
  }

  /** P(X &lt;= x) = Phi(sqrt(tau) (x - m)). */
  public static double cdf(double x, double mean, double precision) {
    return SpecialFunctions.normalCdf(Math.sqrt(precision) * (x - mean));
  }

  /** Quantile m + Phi^-1(p) / sqrt(tau) (exact up to rounding; see SpecialFunctions). */
  public static double quantile(double p, double mean, double precision) {
    return mean + SpecialFunctions.normalQuantile(p) / Math.sqrt(precision);
  }

  /** Lower end of the 95% central interval, m - 1.95996... / sqrt(tau). */
  public static double lower95(double mean, double precision) {
    return mean - Z_975 / Math.sqrt(precision);
  }

  /** Upper end of the 95% central interval, m + 1.95996... / sqrt(tau). */
  public static double upper95(double mean, double precision) {
    return mean + Z_975 / Math.sqrt(precision);
  }
}
