package dev.vmodel.compiler.reference;

/**
 * Special functions for the reference implementations, written from their textbook series so the
 * references depend on nothing but the JDK.
 *
 * <ul>
 *   <li>{@link #lnGamma}: recurrence {@code lnG(x) = lnG(x+1) - ln x} up to x >= 15, then Stirling's
 *       series {@code (x-1/2)ln x - x + ln(2 pi)/2 + 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7)
 *       + 1/(1188x^9)} (Abramowitz and Stegun 6.1.40).</li>
 *   <li>{@link #digamma}: {@code psi(x) = psi(x+1) - 1/x} up to x >= 15, then {@code ln x - 1/(2x) -
 *       1/(12x^2) + 1/(120x^4) - 1/(252x^6) + 1/(240x^8) - 1/(132x^10)} (A&amp;S 6.3.18).</li>
 *   <li>{@link #erfc}: for |x| &lt; 2 the series {@code erf x = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1}
 *       / (1*3*...*(2n+1))} (A&amp;S 7.1.6, no cancellation); for x &gt;= 2 the continued fraction
 *       {@code erfc x = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))} (A&amp;S 7.1.14).</li>
 *   <li>{@link #lambdaJJ}: the Jaakkola-Jordan {@code lambda(xi) = (sigma(xi) - 1/2)/(2 xi)
 *       = tanh(xi/2)/(4 xi)} (PRML 10.150), 1/8 at 0.</li>
 * </ul>
 */
public final class Special {
  private Special() {}

  public static final double LN_2PI = Math.log(2 * Math.PI);

  /** ln Gamma(x) for x &gt; 0. */
  public static double lnGamma(double x) {
    if (!(x > 0)) throw new IllegalArgumentException("lnGamma needs x > 0, got " + x);
    double shift = 0;
    while (x < 15) {
      shift += Math.log(x);
      x += 1;
    }
    double x2 = x * x;
    double series = 1 / (12 * x) - 1 / (360 * x * x2) + 1 / (1260 * x * x2 * x2)
        - 1 / (1680 * x * x2 * x2 * x2) + 1 / (1188 * x * x2 * x2 * x2 * x2);
    return (x - 0.5) * Math.log(x) - x + 0.5 * LN_2PI + series - shift;
  }

  /** psi(x) = d/dx ln Gamma(x) for x &gt; 0. */
  public static double digamma(double x) {
    if (!(x > 0)) throw new IllegalArgumentException("digamma needs x > 0, got " + x);
    double shift = 0;
    while (x < 15) {
      shift += 1 / x;
      x += 1;
    }
    double r = 1 / (x * x);
    double series = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r / 132))));
    return Math.log(x) - 0.5 / x - series - shift;
  }

  private static final double[] LN_FACTORIAL = new double[256];

  static {
    for (int k = 2; k < LN_FACTORIAL.length; k++) LN_FACTORIAL[k] = LN_FACTORIAL[k - 1] + Math.log(k);
  }

  /** ln k! */
  public static double lnFactorial(int k) {
    if (k < 0) throw new IllegalArgumentException("lnFactorial needs k >= 0, got " + k);
    return k < LN_FACTORIAL.length ? LN_FACTORIAL[k] : lnGamma(k + 1.0);
  }

  /** Complementary error function. */
  public static double erfc(double x) {
    if (x >= 2) return Math.exp(-x * x) * erfcTailFactor(x);
    if (x <= -2) return 2 - Math.exp(-x * x) * erfcTailFactor(-x);
    return 1 - erfSeries(x);
  }

  /** ln erfc(x), accurate far into the right tail. */
  public static double lnErfc(double x) {
    if (x >= 2) return -x * x + Math.log(erfcTailFactor(x));
    return Math.log(erfc(x));
  }

  /** ln Phi(x), Phi the standard normal distribution function; Phi(x) = erfc(-x/sqrt 2)/2. */
  public static double lnPhi(double x) {
    if (x > 0) return Math.log1p(-0.5 * erfc(x / Math.sqrt(2)));
    return Math.log(0.5) + lnErfc(-x / Math.sqrt(2));
  }

  private static double erfSeries(double x) {
    double term = x;
    double sum = x;
    double x2 = x * x;
    for (int n = 0; n < 200; n++) {
      term *= 2 * x2 / (2 * n + 3);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
  }

  /** erfc(x) e^{x^2} for x &gt;= 2 by the continued fraction, evaluated backwards. */
  private static double erfcTailFactor(double x) {
    double tail = x;
    for (int k = x < 3 ? 80 : 40; k >= 1; k--) tail = x + 0.5 * k / tail;
    return 1 / (Math.sqrt(Math.PI) * tail);
  }

  /** sigma(a) = 1/(1+e^{-a}). */
  public static double sigmoid(double a) {
    if (a >= 0) return 1 / (1 + Math.exp(-a));
    double e = Math.exp(a);
    return e / (1 + e);
  }

  /** ln sigma(a) = -ln(1 + e^{-a}), stable for both signs. */
  public static double lnSigmoid(double a) {
    if (a >= 0) return -Math.log1p(Math.exp(-a));
    return a - Math.log1p(Math.exp(a));
  }

  /** lambda(xi) = (sigma(xi) - 1/2)/(2 xi) = tanh(xi/2)/(4 xi) (PRML 10.150); 1/8 at 0, even in xi. */
  public static double lambdaJJ(double xi) {
    double a = Math.abs(xi);
    if (a < 1e-4) return 0.125 * (1 - a * a / 12);
    return Math.tanh(a / 2) / (4 * a);
  }

  /** ln of the Gamma(shape, rate) density at x. */
  public static double lnGammaPdf(double x, double shape, double rate) {
    return shape * Math.log(rate) - lnGamma(shape) + (shape - 1) * Math.log(x) - rate * x;
  }

  /** Entropy of Gamma(shape, rate): a - ln b + lnGamma(a) + (1 - a) psi(a). */
  public static double gammaEntropy(double shape, double rate) {
    return shape - Math.log(rate) + lnGamma(shape) + (1 - shape) * digamma(shape);
  }
}
