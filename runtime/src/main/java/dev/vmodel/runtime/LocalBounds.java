package dev.vmodel.runtime;

/**
 * The local variational bounds of likelihoods with a nonlinear link: Jaakkola and Jordan's bound
 * on ln logistic (PRML 10.144-10.151) and a quadratic bound on ln softmax with the curvature 1/2
 * of Bohning (1992). Each row's bound has its own parameter (xi, or the expansion point psi),
 * which the generated sweep sets to the bound's maximiser given the other factors.
 */
public final class LocalBounds {
  private LocalBounds() {}

  /**
   * lambda(xi) = (logistic(xi) - 1/2) / (2 xi) = tanh(xi/2) / (4 xi), the bound's curvature
   * (PRML 10.150); 1/8 at xi = 0, even in xi.
   */
  public static double lambda(double xi) {
    double a = Math.abs(xi);
    if (a < 1e-4) {
      return 0.125 - a * a / 96.0;
    }
    return Math.tanh(0.5 * a) / (4.0 * a);
  }

  /** ln logistic(x), accurate for large |x|. */
  public static double lnLogistic(double x) {
    return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
  }

  /**
   * The bound's constant c(xi) = ln logistic(xi) - xi/2 + lambda(xi) xi^2, so that ln logistic(s a)
   * &gt;= (s a)/2 - lambda(xi) a^2 + c(xi) for s = +-1, with equality at a^2 = xi^2.
   */
  public static double jaakkolaJordanOffset(double xi) {
    double a = Math.abs(xi);
    return lnLogistic(a) - 0.5 * a + lambda(a) * a * a;
  }

  /**
   * The optimal xi &gt;= 0 for the bound's natural parameters: with the bound entering as
   * etaLambda lambda(xi) + etaOffset c(xi), xi^2 = -etaLambda / etaOffset; 0 where no row term
   * holds the bound (etaOffset = 0).
   *
   * @throws ArithmeticException if the parameters are not finite
   */
  public static double jaakkolaJordanXi(double etaLambda, double etaOffset) {
    if (!Double.isFinite(etaLambda) || !Double.isFinite(etaOffset)) {
      throw new ArithmeticException("the Jaakkola-Jordan bound's parameters are not finite (numerical breakdown)");
    }
    if (etaOffset <= 0) {
      return 0.0;
    }
    return Math.sqrt(Math.max(0.0, -etaLambda / etaOffset));
  }

  /**
   * Sets one row's softmax bound at its optimum and returns the bound's constant: psi =
   * etaShift / etaOffset (0 where etaOffset = 0) into {@code psi[from..from+k)}, b_k = psi_k/2 -
   * softmax(psi)_k into {@code shift[from..from+k)}; returns c = -(lse(psi) - softmax(psi)'psi +
   * |psi|^2/4).
   *
   * @throws ArithmeticException if the parameters are not finite
   */
  public static double softmaxBound(double[] etaShift, double etaOffset, double[] psi, double[] shift, int from,
      int k) {
    for (int i = 0; i < k; i++) {
      double p = etaOffset > 0 ? etaShift[i] / etaOffset : 0.0;
      if (!Double.isFinite(p)) {
        throw new ArithmeticException("the softmax bound's expansion point is not finite (numerical breakdown)");
      }
      psi[from + i] = p;
    }
    double lse = SpecialFunctions.logSumExp(psi, from, k);
    double gPsi = 0;
    double sq = 0;
    for (int i = 0; i < k; i++) {
      double p = psi[from + i];
      double g = Math.exp(p - lse);
      shift[from + i] = 0.5 * p - g;
      gPsi += g * p;
      sq += p * p;
    }
    return -(lse - gPsi + 0.25 * sq);
  }

  /**
   * |psi|^2/4 - lse(psi) of {@code psi[from..from+k)}: the bound's natural parameters (psi, 1)
   * dotted with its statistics (b(psi), c(psi)), the log-normaliser of a point mass at psi.
   */
  public static double softmaxBoundLnZ(double[] psi, int from, int k) {
    double sq = 0;
    for (int i = 0; i < k; i++) {
      sq += psi[from + i] * psi[from + i];
    }
    return 0.25 * sq - SpecialFunctions.logSumExp(psi, from, k);
  }

  /**
   * E[logistic(a)] for a ~ N(mean, variance): the predictive probability of a Bernoulli-logistic
   * row under a Gaussian q of its argument. The integral over the standard normal z of
   * logistic(mean + sd z) phi(z) by the trapezoid rule on [-10, 10] with step 0.05 (the integrand is
   * analytic and decays like phi, so the rule converges geometrically; the error is below 1e-13).
   *
   * @throws ArithmeticException if the mean or the variance is not finite, or the variance negative
   *     beyond rounding
   */
  public static double expectedLogistic(double mean, double variance) {
    double sd = gaussianSd(mean, variance, "the predictive of logistic(a)");
    if (sd == 0) {
      return logistic(mean);
    }
    double sum = 0;
    for (int k = 0; k < NODES.length; k++) {
      sum += logistic(mean + sd * NODES[k]) * WEIGHTS[k];
    }
    return sum * 0.05 / SQRT_2PI;
  }

  /**
   * E[ln logistic(a)] for a ~ N(mean, variance): the expected log-likelihood of a row of {@code
   * Bernoulli(logit: a)} (with a's sign for y = 0). The same trapezoid rule as {@link
   * #expectedLogistic}, so that its derivative in the mean is exactly 1 - expectedLogistic.
   *
   * @throws ArithmeticException if the mean or the variance is not finite, or the variance negative
   */
  public static double expectedLnLogistic(double mean, double variance) {
    double sd = gaussianSd(mean, variance, "E[ln logistic(a)]");
    if (sd == 0) {
      return lnLogistic(mean);
    }
    double sum = 0;
    for (int k = 0; k < NODES.length; k++) {
      sum += lnLogistic(mean + sd * NODES[k]) * WEIGHTS[k];
    }
    return sum * 0.05 / SQRT_2PI;
  }

  /**
   * E[logistic(a) (1 - logistic(a))] for a ~ N(mean, variance): minus twice the derivative of
   * {@link #expectedLnLogistic} in the variance (Stein's lemma), by the same rule.
   */
  public static double expectedLogisticVariance(double mean, double variance) {
    double sd = gaussianSd(mean, variance, "E[logistic(a) (1 - logistic(a))]");
    if (sd == 0) {
      double s = logistic(mean);
      return s * (1 - s);
    }
    double sum = 0;
    for (int k = 0; k < NODES.length; k++) {
      double s = logistic(mean + sd * NODES[k]);
      sum += s * (1 - s) * WEIGHTS[k];
    }
    return sum * 0.05 / SQRT_2PI;
  }

  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

  /** The trapezoid rule's nodes z_k = 0.05 k, k = -200..200, and weights exp(-z_k^2 / 2). */
  private static final double[] NODES = new double[401];
  private static final double[] WEIGHTS = new double[401];

  static {
    for (int k = -200; k <= 200; k++) {
      double z = k * 0.05;
      NODES[k + 200] = z;
      WEIGHTS[k + 200] = Math.exp(-0.5 * z * z);
    }
  }

  /**
   * The standard deviation of a ~ N(mean, variance), a variance below 0 by rounding read as 0.
   *
   * @throws ArithmeticException naming {@code what} if the mean or the variance is not finite, or
   *     the variance negative beyond rounding
   */
  private static double gaussianSd(double mean, double variance, String what) {
    if (!Double.isFinite(mean) || !Double.isFinite(variance) || variance < -1e-9 * Math.max(1.0, mean * mean)) {
      throw new ArithmeticException(what + " needs a finite mean and variance of a, got "
          + mean + " and " + variance);
    }
    return Math.sqrt(Math.max(0.0, variance));
  }

  /** logistic(x) = 1 / (1 + exp(-x)), without overflow. */
  public static double logistic(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }
}
