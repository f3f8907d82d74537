package dev.vmodel.runtime;

/**
 * The gamma distribution in the language's parameterisation, Gamma(shape a, rate b):
 * p(x) = b^a / Gamma(a) x^(a-1) e^(-b x) for x &gt; 0, so E[x] = a/b and Var[x] = a/b^2.
 *
 * <p>Sufficient statistics for mean-field updates: E[x] = a/b, E[ln x] = psi(a) - ln b.
 * Parameters are not validated (hot-path code): a &lt;= 0 or b &lt;= 0 gives NaN or meaningless
 * results.
 */
public final class Gamma {

  private Gamma() {}

  /** ln of the normalising constant: a ln b - ln Gamma(a). */
  public static double lnNormalizer(double shape, double rate) {
    return shape * Math.log(rate) - SpecialFunctions.lnGamma(shape);
  }

  /**
   * ln p(x | a, b) = a ln b - ln Gamma(a) + (a - 1) ln x - b x; -infinity for x &lt; 0 (and at
   * x = 0 when a &gt; 1; +infinity there when a &lt; 1).
   */
  public static double lnPdf(double x, double shape, double rate) {
    if (x < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (x == 0) {
      if (shape == 1) {
        return Math.log(rate);
      }
      return shape > 1 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return lnNormalizer(shape, rate) + (shape - 1) * Math.log(x) - rate * x;
  }

  /**
   * Expected log density with a fixed shape and independent factors for x and the rate:
   * E[ln Gamma(x | a, b)] = a E[ln b] - ln Gamma(a) + (a - 1) E[ln x] - E[b] E[x].
   * For a known rate pass expRate = b, expLnRate = ln b.
   */
  public static double expLnPdf(
      double expX, double expLnX, double shape, double expRate, double expLnRate) {
    return shape * expLnRate - SpecialFunctions.lnGamma(shape) + (shape - 1) * expLnX
        - expRate * expX;
  }

  /** E[x] = a/b. */
  public static double mean(double shape, double rate) {
    return shape / rate;
  }

  /** E[ln x] = psi(a) - ln b. */
  public static double expLn(double shape, double rate) {
    return SpecialFunctions.digamma(shape) - Math.log(rate);
  }

  /** E[1/x] = b/(a - 1) for a &gt; 1; +infinity for a &lt;= 1. */
  public static double expInv(double shape, double rate) {
    return shape > 1 ? rate / (shape - 1) : Double.POSITIVE_INFINITY;
  }

  /** Var[x] = a/b^2. */
  public static double variance(double shape, double rate) {
    return shape / (rate * rate);
  }

  /** sd[x] = sqrt(a)/b. */
  public static double sd(double shape, double rate) {
    return Math.sqrt(shape) / rate;
  }

  /** Mode (a - 1)/b for a &gt;= 1, else 0. */
  public static double mode(double shape, double rate) {
    return shape >= 1 ? (shape - 1) / rate : 0;
  }

  /**
   * ln Z = ln Gamma(a) - a ln b, the log-partition function of Gamma(a, b) for the statistics
   * (x, ln x) with natural parameters (-b, a - 1), with respect to Lebesgue measure on x &gt; 0:
   * ln p(x) = -b x + (a - 1) ln x - ln Z. (It is minus {@link #lnNormalizer}.)
   */
  public static double logPartition(double shape, double rate) {
    return SpecialFunctions.lnGamma(shape) - shape * Math.log(rate);
  }

  /**
   * ln Z = ln Gamma(a) - a ln b - (ln beta)/2 + ln(2 pi)/2, the log-partition function of the
   * Normal-Gamma q(mu, tau) = Normal(mu | m, precision beta tau) Gamma(tau | a, b) for the
   * statistics (tau, ln tau, tau mu, tau mu^2) with natural parameters
   * (-b - beta m^2/2, a - 1/2, beta m, -beta/2), with respect to Lebesgue measure on (mu, tau).
   * It does not depend on m.
   */
  public static double normalGammaLogPartition(double beta, double shape, double rate) {
    return logPartition(shape, rate) + 0.5 * (SpecialFunctions.LN_2PI - Math.log(beta));
  }

  /** Differential entropy H = a - ln b + ln Gamma(a) + (1 - a) psi(a). */
  public static double entropy(double shape, double rate) {
    return shape - Math.log(rate) + SpecialFunctions.lnGamma(shape)
        + (1 - shape) * SpecialFunctions.digamma(shape);
  }

  /** P(X &lt;= x) = P(a, b x), the regularised lower incomplete gamma function. */
  public static double cdf(double x, double shape, double rate) {
    return x <= 0 ? 0 : SpecialFunctions.regularizedGammaP(shape, rate * x);
  }

  /**
   * Quantile by numerical inversion of the CDF (safeguarded Newton from a Wilson-Hilferty
   * starting value); accurate to about 1e-14 relative for moderate shapes (the accuracy of
   * the incomplete gamma function). Not for hot loops.
   *
   * @return 0 at p = 0, +infinity at p = 1, NaN outside [0, 1]
   */
  public static double quantile(double p, double shape, double rate) {
    return standardQuantile(p, shape, false) / rate;
  }

  /** Lower end of the 95% central interval (the 2.5% quantile). */
  public static double lower95(double shape, double rate) {
    return quantile(0.025, shape, rate);
  }

  /** Upper end of the 95% central interval (the 97.5% quantile). */
  public static double upper95(double shape, double rate) {
    return quantile(0.975, shape, rate);
  }

  /**
   * y with P(a, y) = p (upper = false) or Q(a, y) = p (upper = true): the quantile of
   * Gamma(a, rate 1) at p or at 1 - p respectively.
   */
  static double standardQuantile(double p, double a, boolean upper) {
    if (!(p >= 0 && p <= 1) || !(a > 0)) {
      return Double.NaN;
    }
    double lowerP = upper ? 1 - p : p;
    if ((upper && p == 1) || (!upper && p == 0)) {
      return 0;
    }
    if ((upper && p == 0) || (!upper && p == 1)) {
      return Double.POSITIVE_INFINITY;
    }
    double z = upper ? -SpecialFunctions.normalQuantile(p) : SpecialFunctions.normalQuantile(p);
    double c = 1.0 / (9 * a);
    double w = 1 - c + z * Math.sqrt(c);
    double y0 = a * w * w * w;
    if (a < 1 || !(y0 > 0)) {
      // small-y behaviour P(a, y) ~ y^a / Gamma(a + 1)
      double ys = Math.exp((Math.log(lowerP) + SpecialFunctions.lnGamma(a + 1)) / a);
      if (ys > 0 && ys < Double.POSITIVE_INFINITY) {
        y0 = ys;
      }
    }
    if (!(y0 > 0 && y0 < Double.POSITIVE_INFINITY)) {
      y0 = a;
    }
    return Roots.increasingRoot(
        upper
            ? y -> p - SpecialFunctions.regularizedGammaQ(a, y)
            : y -> SpecialFunctions.regularizedGammaP(a, y) - p,
        y -> Math.exp(SpecialFunctions.lnGammaPrefactor(a, y)) / y,
        0,
        Double.POSITIVE_INFINITY,
        y0);
  }

  /**
   * Quadrature nodes for integrating a function of x against Gamma(shape, rate): a trapezoid rule
   * in u = ln x (the log density of u, shape * u - rate * e^u, is smooth and decays on both sides)
   * over the range where that log density is within 1000 of its mode (x at least e^-700), so that rows far in the tails, whose integrand peaks far from q's mode, are covered, with
   * {@code n} equally spaced nodes; {@code lnW} are the log weights, normalised to sum to 1, so
   * that E[f(x)] ~= sum_i exp(lnW[i]) f(x[i]). The rule converges geometrically for functions
   * analytic near the real axis; with n = 4096 it is accurate to about 1e-12 relative for the
   * Gaussian and Student-t integrands of a new row's predictive (tested).
   */
  public static void quadrature(double shape, double rate, int n, double[] x, double[] lnW) {
    double mode = Math.log(shape / rate);
    double top = shape * mode - shape;
    double lo = mode - 1.0;
    while (shape * lo - rate * Math.exp(lo) > top - 1000.0 && lo > -700.0) {
      lo = Math.max(-700.0, mode - 2.0 * (mode - lo));
    }
    double hi = mode + 1.0;
    while (shape * hi - rate * Math.exp(hi) > top - 1000.0) {
      hi = mode + 2.0 * (hi - mode);
    }
    double h = (hi - lo) / (n - 1);
    for (int i = 0; i < n; i++) {
      double u = lo + i * h;
      x[i] = Math.exp(u);
      lnW[i] = shape * u - rate * x[i] - top + ((i == 0 || i == n - 1) ? Math.log(0.5) : 0.0);
    }
    double norm = SpecialFunctions.logSumExp(lnW, 0, n);
    for (int i = 0; i < n; i++) {
      lnW[i] -= norm;
    }
  }
}
