package dev.vmodel.runtime;

/**
 * Special functions needed by mean-field variational updates and by the evidence lower bound.
 *
 * <h2>Domain errors</h2>
 * Every function here is meant to be called from generated hot loops, so none of them throws on
 * a bad <em>numeric</em> argument: an argument outside the domain (for example {@code x <= 0}
 * for {@link #lnGamma}, {@link #digamma} and {@link #trigamma}, or a NaN) yields
 * {@link Double#NaN}, which then propagates visibly into the lower bound. Structural arguments
 * that a correct caller can never get wrong (a dimension {@code D < 1}, an array range out of
 * bounds) throw {@link IllegalArgumentException} or {@link ArrayIndexOutOfBoundsException}.
 *
 * <h2>Accuracy</h2>
 * <ul>
 *   <li>{@link #lnGamma}: relative error a few ulp (well below 1e-14) for all {@code x > 0},
 *       including near its zeros at 1 and 2, which are handled by a Taylor series about 2 in
 *       the coefficients {@code (zeta(k) - 1)/k}.</li>
 *   <li>{@link #digamma}: absolute error about 1e-15; relative error below 1e-14 except in a
 *       small neighbourhood of its positive zero {@code x0 = 1.46163...}, where only the
 *       absolute bound holds.</li>
 *   <li>{@link #trigamma}: relative error below 1e-14 (the function is positive and every
 *       step adds positive terms).</li>
 *   <li>Incomplete gamma and beta functions and the normal distribution function: about 1e-14
 *       relative for moderate parameters (shape parameters up to about 1e4); the loss grows
 *       slowly with the shape parameters.</li>
 * </ul>
 */
public final class SpecialFunctions {

  /** Euler-Mascheroni constant gamma = -digamma(1). */
  public static final double EULER_GAMMA = 0.5772156649015329;
  /** ln(pi). */
  public static final double LN_PI = 1.1447298858494002;
  /** ln(2). */
  public static final double LN_2 = 0.6931471805599453;
  /** ln(2 pi). */
  public static final double LN_2PI = 1.8378770664093453;
  /** ln(sqrt(2 pi)) = ln(2 pi) / 2. */
  public static final double HALF_LN_2PI = 0.9189385332046728;

  /** Below this argument lnGamma/digamma/trigamma use recurrences; above, asymptotic series. */
  private static final double ASYMPTOTIC_MIN = 10.0;

  /** Bernoulli numbers B_2, B_4, ..., B_14. */
  private static final double[] BERNOULLI_EVEN = {
    1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6
  };

  /** Number of terms of the Taylor series of lnGamma(2 + e) kept, enough for |e| <= 1/2. */
  private static final int TAYLOR_TERMS = 32;

  /**
   * TAYLOR[k - 1] is the coefficient of e^k in lnGamma(2 + e) = sum_k TAYLOR[k-1] e^k:
   * TAYLOR[0] = 1 - gamma, TAYLOR[k-1] = (-1)^k (zeta(k) - 1) / k for k >= 2.
   */
  private static final double[] TAYLOR = new double[TAYLOR_TERMS];

  /** DIGAMMA_TAYLOR[k] = (k + 1) TAYLOR[k], the coefficient of e^k in digamma(2 + e). */
  private static final double[] DIGAMMA_TAYLOR = new double[TAYLOR_TERMS];

  static {
    TAYLOR[0] = 1.0 - EULER_GAMMA;
    for (int k = 2; k <= TAYLOR_TERMS; k++) {
      double sign = (k % 2 == 0) ? 1.0 : -1.0;
      TAYLOR[k - 1] = sign * zetaMinusOne(k) / k;
    }
    for (int k = 0; k < TAYLOR_TERMS; k++) {
      DIGAMMA_TAYLOR[k] = (k + 1) * TAYLOR[k];
    }
  }

  /**
   * sum_{k < 32} c[k] e^k, as eight cubics in e (independent of each other) combined by Horner's
   * rule in e^4: the same sum as Horner's rule in e, with a dependency chain of about 11 operations
   * instead of 32 (digamma and lnGamma of small arguments are the inner loop of LDA's updates).
   */
  private static double poly32(double[] c, double e) {
    double e2 = e * e;
    double y = e2 * e2;
    double s = (c[28] + e * c[29]) + e2 * (c[30] + e * c[31]);
    s = s * y + ((c[24] + e * c[25]) + e2 * (c[26] + e * c[27]));
    s = s * y + ((c[20] + e * c[21]) + e2 * (c[22] + e * c[23]));
    s = s * y + ((c[16] + e * c[17]) + e2 * (c[18] + e * c[19]));
    s = s * y + ((c[12] + e * c[13]) + e2 * (c[14] + e * c[15]));
    s = s * y + ((c[8] + e * c[9]) + e2 * (c[10] + e * c[11]));
    s = s * y + ((c[4] + e * c[5]) + e2 * (c[6] + e * c[7]));
    return s * y + ((c[0] + e * c[1]) + e2 * (c[2] + e * c[3]));
  }

  private SpecialFunctions() {}

  // ---------------------------------------------------------------------------------------------
  // Riemann zeta at integers (used to build the Taylor tables above)
  // ---------------------------------------------------------------------------------------------

  /**
   * zeta(k) - 1 = sum_{n >= 2} n^-k for an integer {@code k >= 2}, by direct summation up to
   * n = 15 and the Euler-Maclaurin formula for the tail from n = 16 (truncation error below
   * 1e-18 for every k >= 2).
   */
  static double zetaMinusOne(int k) {
    if (k < 2) {
      throw new IllegalArgumentException("zeta(k) needs k >= 2, got " + k);
    }
    final int n0 = 16;
    double nk = Math.pow(n0, -k); // n0^-k
    // Euler-Maclaurin: sum_{n>=n0} n^-k = n0^(1-k)/(k-1) + n0^-k/2
    //                  + sum_j B_2j/(2j)! * k(k+1)...(k+2j-2) * n0^(-k-2j+1)
    double tail = n0 * nk / (k - 1) + 0.5 * nk;
    double rising = k; // k (k+1) ... (k + 2j - 2), starting at j = 1
    double power = nk / n0; // n0^(-k-2j+1) at j = 1
    double factorial = 2; // (2j)! at j = 1
    for (int j = 1; j <= BERNOULLI_EVEN.length; j++) {
      tail += BERNOULLI_EVEN[j - 1] / factorial * rising * power;
      rising *= (double) (k + 2 * j - 1) * (k + 2 * j);
      power /= (double) n0 * n0;
      factorial *= (double) (2 * j + 1) * (2 * j + 2);
    }
    double s = tail;
    for (int n = n0 - 1; n >= 2; n--) {
      s += Math.pow(n, -k);
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Gamma family
  // ---------------------------------------------------------------------------------------------

  /** lnGamma(2 + e) for |e| <= 1/2, by its Taylor series about 2. */
  private static double lnGamma2p(double e) {
    return poly32(TAYLOR, e) * e;
  }

  /** digamma(2 + e) for |e| <= 1/2: the derivative of the series in {@link #lnGamma2p}. */
  private static double digamma2p(double e) {
    return poly32(DIGAMMA_TAYLOR, e);
  }

  /**
   * Stirling's correction lnGamma(x) - [(x - 1/2) ln x - x + ln(2 pi)/2] for x >= 10:
   * sum_{k=1..9} B_2k / (2k (2k-1) x^(2k-1)); truncation error below 2e-19.
   */
  private static double stirlingCorrection(double x) {
    double z = 1.0 / (x * x);
    double s = 43867.0 / 244188;
    s = s * z - 3617.0 / 122400;
    s = s * z + 1.0 / 156;
    s = s * z - 691.0 / 360360;
    s = s * z + 1.0 / 1188;
    s = s * z - 1.0 / 1680;
    s = s * z + 1.0 / 1260;
    s = s * z - 1.0 / 360;
    s = s * z + 1.0 / 12;
    return s / x;
  }

  /**
   * ln Gamma(x) for x &gt; 0, where Gamma(x) = integral_0^inf t^(x-1) e^-t dt.
   *
   * <p>Method: for x in [1/2, 5/2) a Taylor series about 2 (coefficients (zeta(k) - 1)/k),
   * which keeps full relative accuracy at the zeros x = 1 and x = 2; for x &lt; 1/2 the
   * recurrence lnGamma(x) = lnGamma(x + 1) - ln x; for 5/2 &lt;= x &lt; 10 the downward recurrence
   * lnGamma(x) = lnGamma(x - 1) + ln(x - 1); for x &gt;= 10 Stirling's series with nine terms.
   *
   * @return ln Gamma(x); +infinity for x = +infinity; NaN for x &lt;= 0 or NaN
   */
  public static double lnGamma(double x) {
    if (!(x > 0)) {
      return Double.NaN;
    }
    if (x < 0.5) {
      return lnGamma2p(x) - Math.log1p(x) - Math.log(x);
    }
    if (x < 1.5) {
      double e = x - 1; // exact
      return lnGamma2p(e) - Math.log1p(e);
    }
    if (x < 2.5) {
      return lnGamma2p(x - 2); // exact subtraction
    }
    if (x < ASYMPTOTIC_MIN) {
      double product = 1;
      while (x >= 2.5) {
        x -= 1; // exact
        product *= x;
      }
      return lnGamma2p(x - 2) + Math.log(product);
    }
    if (x == Double.POSITIVE_INFINITY) {
      return x;
    }
    return (x - 0.5) * Math.log(x) - x + HALF_LN_2PI + stirlingCorrection(x);
  }

  /**
   * Digamma psi(x) = d/dx ln Gamma(x), for x &gt; 0.
   *
   * <p>Method: for x in [1/2, 5/2) the derivative of the Taylor series used by
   * {@link #lnGamma}; psi(x) = psi(x + 1) - 1/x below; the downward recurrence
   * psi(x) = psi(x - 1) + 1/(x - 1) for 5/2 &lt;= x &lt; 10; the asymptotic series
   * psi(x) = ln x - 1/(2x) - sum_k B_2k / (2k x^2k) (nine terms) for x &gt;= 10.
   *
   * @return psi(x); +infinity for x = +infinity; NaN for x &lt;= 0 or NaN
   */
  public static double digamma(double x) {
    if (!(x > 0)) {
      return Double.NaN;
    }
    if (x < 0.5) {
      return digamma2p(x) - 1.0 / (1.0 + x) - 1.0 / x;
    }
    if (x < 1.5) {
      double e = x - 1;
      return digamma2p(e) - 1.0 / x;
    }
    if (x < 2.5) {
      return digamma2p(x - 2);
    }
    if (x < ASYMPTOTIC_MIN) {
      double acc = 0;
      while (x >= 2.5) {
        x -= 1;
        acc += 1.0 / x;
      }
      return digamma2p(x - 2) + acc;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return x;
    }
    double z = 1.0 / (x * x);
    double s = 43867.0 / 14364;
    s = s * z - 3617.0 / 8160;
    s = s * z + 1.0 / 12;
    s = s * z - 691.0 / 32760;
    s = s * z + 1.0 / 132;
    s = s * z - 1.0 / 240;
    s = s * z + 1.0 / 252;
    s = s * z - 1.0 / 120;
    s = s * z + 1.0 / 12;
    return Math.log(x) - 0.5 / x - s * z;
  }

  /**
   * Trigamma psi'(x) = d^2/dx^2 ln Gamma(x), for x &gt; 0.
   *
   * <p>Method: the upward recurrence psi'(x) = psi'(x + 1) + 1/x^2 until x &gt;= 10, then the
   * asymptotic series psi'(x) = 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1) (nine terms). Every
   * term is positive, so there is no cancellation.
   *
   * @return psi'(x); 0 for x = +infinity; NaN for x &lt;= 0 or NaN
   */
  public static double trigamma(double x) {
    if (!(x > 0)) {
      return Double.NaN;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 0;
    }
    double acc = 0;
    while (x < ASYMPTOTIC_MIN) {
      acc += 1.0 / (x * x);
      x += 1;
    }
    double z = 1.0 / (x * x);
    double s = 43867.0 / 798;
    s = s * z - 3617.0 / 510;
    s = s * z + 7.0 / 6;
    s = s * z - 691.0 / 2730;
    s = s * z + 5.0 / 66;
    s = s * z - 1.0 / 30;
    s = s * z + 1.0 / 42;
    s = s * z - 1.0 / 30;
    s = s * z + 1.0 / 6;
    return acc + (1.0 + (0.5 + s / x) / x) / x;
  }

  /**
   * Log of the multivariate gamma function:
   * ln Gamma_D(a) = D (D - 1)/4 ln pi + sum_{i=1..D} ln Gamma(a + (1 - i)/2).
   *
   * @param D dimension, at least 1
   * @param a argument; must exceed (D - 1)/2, otherwise the result is NaN
   * @throws IllegalArgumentException if D &lt; 1
   */
  public static double lnMultiGamma(int D, double a) {
    checkDimension(D);
    double s = 0.25 * D * (D - 1) * LN_PI;
    for (int i = 1; i <= D; i++) {
      s += lnGamma(a + 0.5 * (1 - i));
    }
    return s;
  }

  /**
   * Multivariate digamma: psi_D(a) = d/da ln Gamma_D(a) = sum_{i=1..D} psi(a + (1 - i)/2).
   *
   * @param D dimension, at least 1
   * @param a argument; must exceed (D - 1)/2, otherwise the result is NaN
   * @throws IllegalArgumentException if D &lt; 1
   */
  public static double multiDigamma(int D, double a) {
    checkDimension(D);
    double s = 0;
    for (int i = 1; i <= D; i++) {
      s += digamma(a + 0.5 * (1 - i));
    }
    return s;
  }

  /**
   * ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b), the Beta normaliser. NaN unless
   * a &gt; 0 and b &gt; 0. For very large a and b the three terms cancel and the absolute error is
   * about 1e-16 times ln Gamma(a + b).
   */
  public static double lnBeta(double a, double b) {
    return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  }

  /**
   * Log of the Dirichlet normaliser (multivariate Beta function):
   * ln B(alpha) = sum_k ln Gamma(alpha_k) - ln Gamma(sum_k alpha_k).
   *
   * @return NaN if any alpha_k &lt;= 0; for len = 0 the result is NaN (lnGamma(0))
   */
  public static double lnMultiBeta(double[] alpha, int from, int len) {
    checkRange(alpha, from, len);
    double sum = 0;
    double s = 0;
    for (int k = from; k < from + len; k++) {
      s += lnGamma(alpha[k]);
      sum += alpha[k];
    }
    return s - lnGamma(sum);
  }

  /** {@link #lnMultiBeta(double[], int, int)} over the whole array. */
  public static double lnMultiBeta(double[] alpha) {
    return lnMultiBeta(alpha, 0, alpha.length);
  }

  /** ln n! = lnGamma(n + 1) for an integer n &gt;= 0 (exact summation up to n = 20). */
  public static double lnFactorial(int n) {
    if (n < 0) {
      return Double.NaN;
    }
    if (n <= 20) {
      long f = 1;
      for (int i = 2; i <= n; i++) {
        f *= i;
      }
      return Math.log(f);
    }
    return lnGamma(n + 1.0);
  }

  /** ln C(n, k), the log binomial coefficient, for 0 &lt;= k &lt;= n; NaN otherwise. */
  public static double lnChoose(double n, double k) {
    if (!(k >= 0 && k <= n)) {
      return Double.NaN;
    }
    if (k == 0 || k == n) {
      return 0;
    }
    return lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1);
  }

  // ---------------------------------------------------------------------------------------------
  // Log-space helpers
  // ---------------------------------------------------------------------------------------------

  /**
   * ln sum_i exp(v[i]) over v[from .. from+len), computed stably as
   * m + ln sum_i exp(v[i] - m) with m the maximum.
   *
   * @return -infinity for len = 0 or when every entry is -infinity; +infinity if some entry is
   *     +infinity (and none is NaN); NaN if some entry is NaN
   */
  public static double logSumExp(double[] v, int from, int len) {
    checkRange(v, from, len);
    int end = from + len;
    double max = maxOrNaN(v, from, end);
    if (max != max || max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    double s = 0;
    for (int i = from; i < end; i++) {
      s += Math.exp(v[i] - max);
    }
    return max + Math.log(s);
  }

  /** The largest of v[from .. end), NaN if any is NaN, -infinity if the range is empty. */
  private static double maxOrNaN(double[] v, int from, int end) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < end; i++) {
      double x = v[i];
      if (x != x) {
        return Double.NaN;
      }
      if (x > max) {
        max = x;
      }
    }
    return max;
  }

  /** {@link #logSumExp(double[], int, int)} over the whole array. */
  public static double logSumExp(double[] v) {
    return logSumExp(v, 0, v.length);
  }

  /** ln(exp(a) + exp(b)) computed stably. */
  public static double logAddExp(double a, double b) {
    if (a != a || b != b) {
      return Double.NaN;
    }
    double max = Math.max(a, b);
    if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    return max + Math.log1p(Math.exp(Math.min(a, b) - max));
  }

  /**
   * Normalises log-weights in place: on entry v[from .. from+len) holds unnormalised
   * log-probabilities l_i; on exit it holds p_i = exp(l_i - L) with L = ln sum_j exp(l_j),
   * so that the p_i sum to 1. This is the responsibilities step of a mean-field update for a
   * categorical variable.
   *
   * @return the log-normaliser L (the contribution to the lower bound of the categorical
   *     factor's log-partition function). If L is not finite (every weight -infinity, some
   *     weight +infinity or NaN, or len = 0) the range is filled with NaN and L is returned
   *     (NaN, or +/-infinity).
   */
  public static double softmaxInPlace(double[] v, int from, int len) {
    checkRange(v, from, len);
    int end = from + len;
    double max = maxOrNaN(v, from, end);
    if (max != max || max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      for (int i = from; i < end; i++) {
        v[i] = Double.NaN;
      }
      return max;
    }
    // One exp per entry: p_i = exp(l_i - max) / s with s = sum_j exp(l_j - max), L = max + ln s.
    double s = 0;
    for (int i = from; i < end; i++) {
      double p = Math.exp(v[i] - max);
      v[i] = p;
      s += p;
    }
    double inv = 1.0 / s;
    for (int i = from; i < end; i++) {
      v[i] *= inv;
    }
    return max + Math.log(s);
  }

  /** {@link #softmaxInPlace(double[], int, int)} over the whole array. */
  public static double softmaxInPlace(double[] v) {
    return softmaxInPlace(v, 0, v.length);
  }

  /** x ln x with the convention 0 ln 0 = 0; NaN for x &lt; 0. */
  public static double xLogX(double x) {
    if (x == 0) {
      return 0;
    }
    return x * Math.log(x);
  }

  /** ln(1 + t) - t, accurate also for small |t|; NaN for t &lt; -1. */
  static double log1pMinusX(double t) {
    if (Math.abs(t) < 0.25) {
      // -t^2/2 + t^3/3 - t^4/4 + ... ; |t| < 1/4 so 30 terms reach 1e-19 relative.
      double s = 0;
      for (int k = 30; k >= 2; k--) {
        s = s * t + ((k % 2 == 0) ? -1.0 : 1.0) / k;
      }
      return s * t * t;
    }
    return Math.log1p(t) - t;
  }

  // ---------------------------------------------------------------------------------------------
  // Incomplete gamma and beta functions, normal distribution function
  // ---------------------------------------------------------------------------------------------

  private static final double TINY = 1e-300;
  private static final double CF_EPS = 1e-16;

  /** ln(x^a e^-x / Gamma(a)) for a &gt; 0, x &gt; 0, accurate also for large a. */
  static double lnGammaPrefactor(double a, double x) {
    if (a < ASYMPTOTIC_MIN) {
      return a * Math.log(x) - x - lnGamma(a);
    }
    // a ln x - x - lnGamma(a) = a (ln(1+t) - t) + ln(a)/2 - ln(2 pi)/2 - stirling(a), t = x/a - 1
    double t = (x - a) / a;
    return a * log1pMinusX(t) + 0.5 * Math.log(a) - HALF_LN_2PI - stirlingCorrection(a);
  }

  private static int maxIterations(double scale) {
    return 1000 + (int) Math.min(1e7, 50 * Math.sqrt(scale));
  }

  /** Series for P(a, x), valid (fast) for x &lt; a + 1. */
  private static double gammaPSeries(double a, double x) {
    double term = 1.0 / a;
    double sum = term;
    int max = maxIterations(a);
    for (int n = 1; n < max; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return sum * Math.exp(lnGammaPrefactor(a, x));
  }

  /** Legendre's continued fraction for Q(a, x), valid (fast) for x &gt;= a + 1 (modified Lentz). */
  private static double gammaQContinuedFraction(double a, double x) {
    double b = x + 1 - a;
    double c = 1.0 / TINY;
    double d = 1.0 / b;
    double h = d;
    int max = maxIterations(a);
    for (int i = 1; i < max; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < TINY) {
        d = TINY;
      }
      c = b + an / c;
      if (Math.abs(c) < TINY) {
        c = TINY;
      }
      d = 1.0 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < CF_EPS) {
        break;
      }
    }
    return Math.exp(lnGammaPrefactor(a, x)) * h;
  }

  /**
   * Regularised lower incomplete gamma function
   * P(a, x) = (1/Gamma(a)) integral_0^x t^(a-1) e^-t dt, the CDF of Gamma(shape a, rate 1) at x.
   * Series for x &lt; a + 1, continued fraction otherwise.
   *
   * @return NaN unless a &gt; 0 and x &gt;= 0
   */
  public static double regularizedGammaP(double a, double x) {
    if (!(a > 0) || !(x >= 0)) {
      return Double.NaN;
    }
    if (x == 0) {
      return 0;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 1;
    }
    if (x < a + 1) {
      return gammaPSeries(a, x);
    }
    return 1 - gammaQContinuedFraction(a, x);
  }

  /**
   * Regularised upper incomplete gamma function Q(a, x) = 1 - P(a, x), computed directly (not
   * as 1 - P) in the upper tail so that small values keep their relative accuracy.
   *
   * @return NaN unless a &gt; 0 and x &gt;= 0
   */
  public static double regularizedGammaQ(double a, double x) {
    if (!(a > 0) || !(x >= 0)) {
      return Double.NaN;
    }
    if (x == 0) {
      return 1;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 0;
    }
    if (x < a + 1) {
      return 1 - gammaPSeries(a, x);
    }
    return gammaQContinuedFraction(a, x);
  }

  /** Continued fraction for the incomplete beta function (modified Lentz), x &lt; (a+1)/(a+b+2). */
  private static double betaContinuedFraction(double a, double b, double x) {
    double qab = a + b;
    double qap = a + 1;
    double qam = a - 1;
    double c = 1;
    double d = 1 - qab * x / qap;
    if (Math.abs(d) < TINY) {
      d = TINY;
    }
    d = 1 / d;
    double h = d;
    int max = maxIterations(Math.max(a, b));
    for (int m = 1; m < max; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < TINY) {
        d = TINY;
      }
      c = 1 + aa / c;
      if (Math.abs(c) < TINY) {
        c = TINY;
      }
      d = 1 / d;
      h *= d * c;
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < TINY) {
        d = TINY;
      }
      c = 1 + aa / c;
      if (Math.abs(c) < TINY) {
        c = TINY;
      }
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < CF_EPS) {
        break;
      }
    }
    return h;
  }

  /**
   * Regularised incomplete beta function
   * I_x(a, b) = (1/B(a, b)) integral_0^x t^(a-1) (1-t)^(b-1) dt, the CDF of Beta(a, b) at x,
   * by the continued fraction of Abramowitz and Stegun 26.5.8 (applied to I_{1-x}(b, a) when
   * x &gt;= (a + 1)/(a + b + 2)).
   *
   * @return 0 for x &lt;= 0, 1 for x &gt;= 1; NaN unless a &gt; 0 and b &gt; 0, or if x is NaN
   */
  public static double regularizedBeta(double x, double a, double b) {
    if (!(a > 0) || !(b > 0) || x != x) {
      return Double.NaN;
    }
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    double lnFront = a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b);
    if (x < (a + 1) / (a + b + 2)) {
      return Math.exp(lnFront) * betaContinuedFraction(a, b, x) / a;
    }
    return 1 - Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x) / b;
  }

  /**
   * Complementary error function erfc(x) = (2/sqrt(pi)) integral_x^inf e^(-t^2) dt, as
   * Q(1/2, x^2) (x &gt;= 0) or 1 + P(1/2, x^2) (x &lt; 0). Relative error about
   * 1e-14 + 4e-16 x^2 (the rounding of the exponent -x^2 is amplified by exp), also deep in
   * the upper tail.
   */
  public static double erfc(double x) {
    if (x != x) {
      return Double.NaN;
    }
    if (x >= 0) {
      return regularizedGammaQ(0.5, x * x);
    }
    return 1 + regularizedGammaP(0.5, x * x);
  }

  /** Standard normal distribution function Phi(z) = erfc(-z / sqrt 2) / 2. */
  public static double normalCdf(double z) {
    return 0.5 * erfc(-z * 0.7071067811865476);
  }

  /**
   * Standard normal quantile Phi^-1(p): a rational starting value (Abramowitz and Stegun
   * 26.2.23, error below 4.5e-4) refined by Halley steps on {@link #normalCdf} until the step is
   * below 1e-15 relative; the result is accurate to a few ulp for p in (1e-300, 1 - 1e-16).
   *
   * @return -infinity at p = 0, +infinity at p = 1, NaN outside [0, 1]
   */
  public static double normalQuantile(double p) {
    if (!(p >= 0 && p <= 1)) {
      return Double.NaN;
    }
    if (p == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p == 1) {
      return Double.POSITIVE_INFINITY;
    }
    if (p > 0.5) {
      return -normalQuantile(1 - p);
    }
    if (p == 0.5) {
      return 0;
    }
    double t = Math.sqrt(-2 * Math.log(p));
    double z =
        -(t - (2.515517 + t * (0.802853 + t * 0.010328))
            / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
    for (int i = 0; i < 50; i++) {
      double f = normalCdf(z) - p;
      double density = Math.exp(-0.5 * z * z - HALF_LN_2PI);
      if (density == 0) {
        break;
      }
      double dz = f / density;
      double step = dz / (1 + 0.5 * z * dz);
      z -= step;
      if (Math.abs(step) <= 1e-15 * Math.abs(z)) {
        break;
      }
    }
    return z;
  }

  // ---------------------------------------------------------------------------------------------

  static void checkDimension(int D) {
    if (D < 1) {
      throw new IllegalArgumentException("dimension must be at least 1, got " + D);
    }
  }

  static void checkRange(double[] v, int from, int len) {
    if (from < 0 || len < 0 || from + len > v.length) {
      throw new ArrayIndexOutOfBoundsException(
          "range [" + from + ", " + from + "+" + len + ") outside array of length " + v.length);
    }
  }
}
