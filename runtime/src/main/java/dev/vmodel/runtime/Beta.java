package dev.vmodel.runtime;

/**
 * The beta distribution Beta(a, b): p(x) = x^(a-1) (1-x)^(b-1) / B(a, b) on (0, 1).
 *
 * <p>Sufficient statistics for mean-field updates: E[ln p] = psi(a) - psi(a + b),
 * E[ln(1 - p)] = psi(b) - psi(a + b). Parameters are not validated (hot-path code).
 */
public final class Beta {

  private Beta() {}

  /** ln p(x | a, b) = (a-1) ln x + (b-1) ln(1-x) - ln B(a, b); -infinity outside [0, 1]. */
  public static double lnPdf(double x, double a, double b) {
    if (x != x) {
      return Double.NaN;
    }
    if (x < 0 || x > 1) {
      return Double.NEGATIVE_INFINITY;
    }
    return xLogY(a - 1, x) + xLogY(b - 1, 1 - x) - SpecialFunctions.lnBeta(a, b);
  }

  private static double xLogY(double c, double y) {
    return c == 0 ? 0 : c * Math.log(y);
  }

  /**
   * Expected log density with fixed a, b: E[ln Beta(p | a, b)] =
   * (a - 1) E[ln p] + (b - 1) E[ln(1 - p)] - ln B(a, b).
   */
  public static double expLnPdf(double expLnP, double expLn1mP, double a, double b) {
    return (a - 1) * expLnP + (b - 1) * expLn1mP - SpecialFunctions.lnBeta(a, b);
  }

  /** E[p] = a/(a + b). */
  public static double mean(double a, double b) {
    return a / (a + b);
  }

  /** E[ln p] = psi(a) - psi(a + b). */
  public static double expLn(double a, double b) {
    return SpecialFunctions.digamma(a) - SpecialFunctions.digamma(a + b);
  }

  /** E[ln(1 - p)] = psi(b) - psi(a + b). */
  public static double expLn1m(double a, double b) {
    return SpecialFunctions.digamma(b) - SpecialFunctions.digamma(a + b);
  }

  /** Var[p] = a b / ((a + b)^2 (a + b + 1)). */
  public static double variance(double a, double b) {
    double s = a + b;
    return a * b / (s * s * (s + 1));
  }

  /** sd[p] = sqrt(Var[p]). */
  public static double sd(double a, double b) {
    return Math.sqrt(variance(a, b));
  }

  /**
   * ln Z = ln B(a, b), the log-partition function of Beta(a, b) for the statistics
   * (ln x, ln(1 - x)) with natural parameters (a - 1, b - 1), with respect to Lebesgue measure on
   * (0, 1): ln p(x) = (a - 1) ln x + (b - 1) ln(1 - x) - ln Z.
   */
  public static double logPartition(double a, double b) {
    return SpecialFunctions.lnBeta(a, b);
  }

  /**
   * Differential entropy
   * H = ln B(a, b) - (a - 1) psi(a) - (b - 1) psi(b) + (a + b - 2) psi(a + b).
   */
  public static double entropy(double a, double b) {
    return SpecialFunctions.lnBeta(a, b)
        - (a - 1) * SpecialFunctions.digamma(a)
        - (b - 1) * SpecialFunctions.digamma(b)
        + (a + b - 2) * SpecialFunctions.digamma(a + b);
  }

  /** P(X &lt;= x) = I_x(a, b), the regularised incomplete beta function. */
  public static double cdf(double x, double a, double b) {
    return SpecialFunctions.regularizedBeta(x, a, b);
  }

  /**
   * Quantile by numerical inversion of I_x(a, b) (safeguarded Newton from a normal or tail
   * approximation); accurate to about 1e-14 relative for moderate a, b. A quantile closer to 1
   * than 1.1e-16 is not representable in double precision and comes out as (about) the
   * largest double below 1. Not for hot loops.
   *
   * @return 0 at p = 0, 1 at p = 1, NaN outside [0, 1] or for invalid a, b
   */
  public static double quantile(double p, double a, double b) {
    if (!(p >= 0 && p <= 1) || !(a > 0) || !(b > 0)) {
      return Double.NaN;
    }
    if (p == 0) {
      return 0;
    }
    if (p == 1) {
      return 1;
    }
    double lnB = SpecialFunctions.lnBeta(a, b);
    double m = mean(a, b);
    double x0 = m + SpecialFunctions.normalQuantile(p) * sd(a, b);
    if (!(x0 > 0 && x0 < 1)) {
      if (p < cdf(m, a, b)) {
        // lower tail: I_x(a, b) ~ x^a / (a B(a, b))
        x0 = Math.exp((Math.log(p) + Math.log(a) + lnB) / a);
      } else {
        // upper tail: 1 - I_x(a, b) ~ (1 - x)^b / (b B(a, b))
        x0 = -Math.expm1((Math.log1p(-p) + Math.log(b) + lnB) / b);
      }
      if (!(x0 > 0 && x0 < 1)) {
        x0 = m;
      }
    }
    return Roots.increasingRoot(
        x -> SpecialFunctions.regularizedBeta(x, a, b) - p,
        x -> Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB),
        0,
        1,
        x0);
  }

  /** Lower end of the 95% central interval (the 2.5% quantile). */
  public static double lower95(double a, double b) {
    return quantile(0.025, a, b);
  }

  /** Upper end of the 95% central interval (the 97.5% quantile). */
  public static double upper95(double a, double b) {
    return quantile(0.975, a, b);
  }
}
