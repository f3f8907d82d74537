package dev.vmodel.runtime;

import static dev.vmodel.runtime.SpecialFunctions.digamma;
import static dev.vmodel.runtime.SpecialFunctions.lnGamma;
import static dev.vmodel.runtime.SpecialFunctions.trigamma;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpecialFunctionsTest {

  private static final double EULER = 0.57721566490153286061;

  /** |actual - expected| &lt;= rel |expected| + abs. */
  static void close(double expected, double actual, double rel, double abs, String what) {
    if (expected == actual) {
      return; // also covers infinities
    }
    double err = Math.abs(actual - expected);
    assertTrue(err <= rel * Math.abs(expected) + abs,
        what + ": expected " + expected + " got " + actual + " (error " + err + ")");
  }

  // Reference values {x, lnGamma(x), digamma(x), trigamma(x)} computed with mpmath 1.3.0 at 40
  // significant digits (x taken as the exact double), printed to 20 digits.
  private static final double[][] MPMATH = {
    {1e-300, 690.77552789821370518, -9.9999999999999997494e+299, Double.POSITIVE_INFINITY}, // 1e600 overflows,
    {1e-10, 23.025850929882735237, -10000000000.5772153, 99999999999999992715.0},
    {0.001, 6.9071788853838536617, -1000.5755719318102797, 1000001.6425331958273},
    {0.1, 2.252712651734205902, -10.423754940411076232, 101.4332991507927477},
    {0.25, 1.2880225246980774574, -4.2274535333762654081, 17.197329154507110739},
    {0.5, 0.57236494292470008707, -1.9635100260214234794, 4.9348022005446793094},
    {0.75, 0.20328095143129537148, -1.0858608797864721696, 2.5418796476716064984},
    {0.999, 0.00057803853289138023817, -0.57886180210864542792, 1.6473414317770505536},
    {1.0, 0.0, -0.57721566490153286061, 1.6449340668482264365},
    {1.001, -0.00057639359828330615152, -0.57557193181030065237, 1.642533195868978297},
    {1.25, -0.098271836421813161464, -0.22745353337626540809, 1.1973291545071107393},
    {1.4616321449683622, -0.1214862905358496081, -9.2412655217294275168e-17, 0.967672245447621255},
    {1.5, -0.12078223763524522235, 0.036489973978576520559, 0.93480220054467930942},
    {1.75, -0.084401121020485555958, 0.24747245354686116371, 0.76410186989382872062},
    {1.999, -0.00042246180069210728418, 0.42213919889235564562, 0.6453384277720444999},
    {2.0, 0.0, 0.42278433509846713939, 0.64493406684822643647},
    {2.001, 0.00042310673480011699119, 0.42342906719069845854, 0.64453019986398407044},
    {2.25, 0.1248717148923965943, 0.57254646662373459191, 0.55732915450711073927},
    {2.5, 0.28468287047291915963, 0.70315664064524318723, 0.49035775610023486497},
    {3.0, 0.69314718055994530942, 0.92278433509846713939, 0.39493406684822643647},
    {4.5, 2.4537365708424422205, 1.3888709263595289015, 0.24872510303901037518},
    {7.25, 7.0521854507385394449, 1.9104535268837360284, 0.14787923315893216965},
    {9.999, 12.799575780077413715, 2.2516474172057353142, 0.10517738667672886215},
    {10.0, 12.801827480081469611, 2.2517525890667211076, 0.10516633568168574612},
    {10.001, 12.804079285251861383, 2.2518577498778718695, 0.10515528700654395987},
    {12.5, 18.734347511936445702, 2.4851956512749120482, 0.083285224601578370444},
    {25.0, 54.78472939811231919, 3.1987425128519740085, 0.040810663257225579187},
    {100.5, 361.43554046777762156, 4.6051743525818452119, 0.0099999166695831027116},
    {1234.5678, 7551.0335044409558472, 7.1180711735895709377, 0.00081032820504731579731},
    {1000000.0, 12815504.56914761166, 13.815510057964190771, 1.0000005000001666667e-6},
    {1e15, 33538776394910668.91, 34.53877639491068476, 1.0000000000000005e-15},
    {1e300, 6.8977552789821374147e+302, 690.77552789821370526, 9.999999999999999475e-301},
  };

  @Test
  void agreesWithMpmathTable() {
    for (double[] row : MPMATH) {
      double x = row[0];
      // 1e-14 relative is the documented accuracy (about 50 ulp); at the zeros of lnGamma
      // (x = 1, 2) the value must be exactly 0.
      close(row[1], lnGamma(x), 1e-14, 0, "lnGamma(" + x + ")");
      // digamma: 1e-14 relative plus 1e-15 absolute, the documented bound near its zero.
      close(row[2], digamma(x), 1e-14, 1e-15, "digamma(" + x + ")");
      close(row[3], trigamma(x), 1e-14, 0, "trigamma(" + x + ")");
    }
  }

  @Test
  void closedForms() {
    // All at 2e-16 relative-ish (a couple of ulp): these are exact identities.
    assertEquals(-EULER, digamma(1), 2e-16);
    assertEquals(-EULER - 2 * Math.log(2), digamma(0.5), 4e-16);
    assertEquals(Math.PI * Math.PI / 6, trigamma(1), 4e-16);
    assertEquals(Math.PI * Math.PI / 2, trigamma(0.5), 1e-15);
    assertEquals(Math.log(Math.sqrt(Math.PI)), lnGamma(0.5), 2e-16);
    assertEquals(Math.log(Math.sqrt(Math.PI) / 2), lnGamma(1.5), 2e-16);
    assertEquals(0.0, lnGamma(1), 0.0);
    assertEquals(0.0, lnGamma(2), 0.0);
    // Gamma(1/3), Gamma(1/4) (mpmath, 20 digits)
    assertEquals(Math.log(2.6789385347077476337), lnGamma(1.0 / 3), 3e-16);
    assertEquals(Math.log(3.6256099082219083119), lnGamma(0.25), 3e-16);
  }

  @Test
  void lnGammaOfIntegersIsLogFactorial() {
    BigInteger f = BigInteger.ONE; // (n-1)!
    for (int n = 1; n <= 171; n++) {
      if (n > 1) {
        f = f.multiply(BigInteger.valueOf(n - 1));
      }
      double expected = Math.log(f.doubleValue()); // (n-1)! < 1e307 fits in a double
      // Converting the exact factorial and taking the log costs about 1 ulp each: 1e-15.
      close(expected, lnGamma(n), 1e-15, 1e-16, "lnGamma(" + n + ")");
      close(expected, SpecialFunctions.lnFactorial(n - 1), 1e-15, 1e-16, "lnFactorial");
    }
  }

  @Test
  void zetaAtEvenIntegers() {
    // zeta(2) = pi^2/6, zeta(4) = pi^4/90, zeta(3) = Apery's constant (to 20 digits)
    assertEquals(Math.PI * Math.PI / 6 - 1, SpecialFunctions.zetaMinusOne(2), 3e-16);
    assertEquals(Math.pow(Math.PI, 4) / 90 - 1, SpecialFunctions.zetaMinusOne(4), 3e-16);
    assertEquals(0.20205690315959428540, SpecialFunctions.zetaMinusOne(3), 3e-16);
    // For large k, zeta(k) - 1 = 2^-k + 3^-k + ... ; 1e-15 relative
    close(Math.pow(2, -40) + Math.pow(3, -40) + Math.pow(4, -40), SpecialFunctions.zetaMinusOne(40),
        1e-15, 0, "zeta(40) - 1");
    assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.zetaMinusOne(1));
  }

  @Test
  void recurrencesAtRandomPoints() {
    Random rng = new Random(1);
    for (int i = 0; i < 2000; i++) {
      double x = Math.exp(rng.nextDouble() * 10 - 5); // 0.0067 .. 148
      // round x to a multiple of 2^-40 so that x + 1 is exact and the identities are exact
      x = Math.floor(x * 0x1p40) * 0x1p-40;
      // psi(x+1) = psi(x) + 1/x, lnGamma(x+1) = lnGamma(x) + ln x, psi'(x) = psi'(x+1) + 1/x^2;
      // both sides carry a few roundings: 1e-15 (about 5 ulp) times the sum of magnitudes.
      double t = digamma(x) + 1 / x;
      close(t, digamma(x + 1), 0, 1e-15 * (Math.abs(digamma(x)) + 1 / x) + 1e-16, "psi rec");
      double g = lnGamma(x) + Math.log(x);
      close(g, lnGamma(x + 1), 0, 1e-15 * (Math.abs(lnGamma(x)) + Math.abs(Math.log(x))) + 1e-16,
          "lnGamma rec");
      // trigamma: all terms positive, but x + 1 and 1/(x x) each round: 1e-15 (5 ulp).
      close(trigamma(x + 1) + 1 / (x * x), trigamma(x), 1e-15, 0, "trigamma rec");
    }
  }

  @Test
  void reflectionAndDuplication() {
    Random rng = new Random(2);
    for (int i = 0; i < 2000; i++) {
      double x = 0.01 + 0.98 * rng.nextDouble();
      // Gamma(x) Gamma(1-x) = pi / sin(pi x); sin evaluated on min(x, 1-x) to avoid the
      // rounding of pi x near pi. 1e-15 absolute: a few ulp of terms of size up to 5.
      double lhs = lnGamma(x) + lnGamma(1 - x);
      double rhs = Math.log(Math.PI) - Math.log(Math.sin(Math.PI * Math.min(x, 1 - x)));
      assertEquals(rhs, lhs, 1e-15, "reflection at " + x);
      // psi(1-x) - psi(x) = pi cot(pi x): absolute tolerance a few ulp of the terms.
      double cot = (x <= 0.5 ? 1 : -1) / Math.tan(Math.PI * Math.min(x, 1 - x));
      double d = digamma(1 - x) - digamma(x);
      assertEquals(Math.PI * cot, d, 1e-15 * (Math.abs(digamma(1 - x)) + Math.abs(digamma(x))),
          "digamma reflection at " + x);
      // Legendre duplication: lnGamma(y) + lnGamma(y + 1/2) = (1 - 2y) ln 2 + ln(pi)/2
      // + lnGamma(2y), for y in (0, 50): tolerance 4e-16 times the sum of magnitudes.
      double y = 50 * rng.nextDouble() + 1e-3;
      double l = lnGamma(y) + lnGamma(y + 0.5);
      double r = (1 - 2 * y) * Math.log(2) + 0.5 * Math.log(Math.PI) + lnGamma(2 * y);
      assertEquals(r, l, 4e-16 * (Math.abs(lnGamma(y)) + Math.abs(lnGamma(y + 0.5))
          + Math.abs((1 - 2 * y) * Math.log(2)) + Math.abs(lnGamma(2 * y)) + 1), "dup at " + y);
    }
  }

  /** Five-point central difference (f(x-2h) - 8f(x-h) + 8f(x+h) - f(x+2h)) / 12h. */
  private static double derivative(java.util.function.DoubleUnaryOperator f, double x, double h) {
    return (f.applyAsDouble(x - 2 * h) - 8 * f.applyAsDouble(x - h) + 8 * f.applyAsDouble(x + h)
        - f.applyAsDouble(x + 2 * h)) / (12 * h);
  }

  @Test
  void derivativesByFiniteDifferences() {
    // h = 1e-3 x: truncation h^4 f^(5)/30 is about 1e-12 relative, rounding about
    // 2e-16 |f| / h is below 1e-12 relative at these x; 1e-9 relative leaves room but still
    // catches any wrong series term or sign (those err by 1e-6 or more).
    for (double x = 0.05; x < 60; x *= 1.13) {
      double h = 1e-3 * x;
      close(derivative(SpecialFunctions::lnGamma, x, h), digamma(x), 1e-9, 1e-9, "psi at " + x);
      close(derivative(SpecialFunctions::digamma, x, h), trigamma(x), 1e-9, 0, "psi' at " + x);
      close(derivative(a -> SpecialFunctions.lnMultiGamma(3, a), x + 1, h),
          SpecialFunctions.multiDigamma(3, x + 1), 1e-9, 1e-9, "multiDigamma at " + x);
    }
  }

  @Test
  void multivariateGamma() {
    for (double a = 0.3; a < 40; a += 0.77) {
      assertEquals(lnGamma(a), SpecialFunctions.lnMultiGamma(1, a), 0.0);
      assertEquals(digamma(a), SpecialFunctions.multiDigamma(1, a), 0.0);
      // Gamma_D(a) = pi^((D-1)/2) Gamma(a) Gamma_{D-1}(a - 1/2), checked for D = 2..5
      for (int D = 2; D <= 5; D++) {
        double b = a + 0.5 * (D - 1);
        double rhs = 0.5 * (D - 1) * Math.log(Math.PI) + lnGamma(b)
            + SpecialFunctions.lnMultiGamma(D - 1, b - 0.5);
        close(rhs, SpecialFunctions.lnMultiGamma(D, b), 1e-14, 1e-14, "lnMultiGamma");
      }
    }
    // Hand-written D = 2: ln(pi)/2 + lnGamma(a) + lnGamma(a - 1/2)
    assertEquals(0.5 * Math.log(Math.PI) + lnGamma(3.2) + lnGamma(2.7),
        SpecialFunctions.lnMultiGamma(2, 3.2), 1e-14);
    assertTrue(Double.isNaN(SpecialFunctions.lnMultiGamma(3, 1.0))); // needs a > (D-1)/2 = 1
    assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.lnMultiGamma(0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.multiDigamma(0, 1.0));
  }

  @Test
  void betaFunctions() {
    double[][] ab = {{0.5, 0.5}, {1, 3}, {2.5, 4.1}, {7, 0.8}};
    for (double[] p : ab) {
      double a = p[0];
      double b = p[1];
      // B(a, b) = int_0^1 x^(a-1) (1-x)^(b-1) dx by independent quadrature; 1e-12 relative
      // (quadrature accuracy, see QuadratureTest)
      double integral = Quadrature.integrateUnit(
          (x, y) -> Math.pow(x, a - 1) * Math.pow(y, b - 1));
      close(Math.log(integral), SpecialFunctions.lnBeta(a, b), 0, 1e-12, "lnBeta");
      assertEquals(SpecialFunctions.lnBeta(a, b),
          SpecialFunctions.lnMultiBeta(new double[] {a, b}), 1e-15);
    }
    assertEquals(-Math.log(3), SpecialFunctions.lnBeta(1, 3), 1e-15); // B(1, b) = 1/b
    // Dirichlet normaliser of (1, 1, 1): Gamma(1)^3 / Gamma(3) = 1/2
    assertEquals(-Math.log(2), SpecialFunctions.lnMultiBeta(new double[] {9, 1, 1, 1}, 1, 3),
        1e-15);
  }

  @Test
  void domainErrorsGiveNaN() {
    for (double x : new double[] {0.0, -1.0, -0.5, Double.NaN, Double.NEGATIVE_INFINITY}) {
      assertTrue(Double.isNaN(lnGamma(x)), "lnGamma(" + x + ")");
      assertTrue(Double.isNaN(digamma(x)), "digamma(" + x + ")");
      assertTrue(Double.isNaN(trigamma(x)), "trigamma(" + x + ")");
    }
    assertEquals(Double.POSITIVE_INFINITY, lnGamma(Double.POSITIVE_INFINITY));
    assertEquals(Double.POSITIVE_INFINITY, digamma(Double.POSITIVE_INFINITY));
    assertEquals(0.0, trigamma(Double.POSITIVE_INFINITY));
    assertTrue(Double.isNaN(SpecialFunctions.lnBeta(-1, 2)));
    assertTrue(Double.isNaN(SpecialFunctions.lnChoose(3, 4)));
  }

  @Test
  void lnChooseMatchesPascal() {
    // ln C(n, k) against exact binomial coefficients from Pascal's triangle (n <= 60 fits a
    // long); 1e-14 relative
    long[] row = {1};
    for (int n = 1; n <= 60; n++) {
      long[] next = new long[n + 1];
      next[0] = 1;
      next[n] = 1;
      for (int k = 1; k < n; k++) {
        next[k] = row[k - 1] + row[k];
      }
      row = next;
      for (int k = 0; k <= n; k++) {
        close(Math.log((double) row[k]), SpecialFunctions.lnChoose(n, k), 1e-14, 1e-14,
            "lnChoose(" + n + "," + k + ")");
      }
    }
  }

  @Test
  void logSumExpAndSoftmax() {
    double[] v = {0.3, -1.2, 2.5, 0.0};
    double direct = Math.log(Math.exp(0.3) + Math.exp(-1.2) + Math.exp(2.5) + 1);
    assertEquals(direct, SpecialFunctions.logSumExp(v), 1e-15);
    assertEquals(Math.log(Math.exp(-1.2) + Math.exp(2.5)),
        SpecialFunctions.logSumExp(v, 1, 2), 1e-15);
    // Large values would overflow exp(): ln(2 e^1000) = 1000 + ln 2
    assertEquals(1000 + Math.log(2), SpecialFunctions.logSumExp(new double[] {1000, 1000}), 1e-12);
    assertEquals(-1000 + Math.log(2),
        SpecialFunctions.logSumExp(new double[] {-1000, -1000}), 1e-12);
    assertEquals(Double.NEGATIVE_INFINITY, SpecialFunctions.logSumExp(new double[0]));
    assertEquals(Double.NEGATIVE_INFINITY,
        SpecialFunctions.logSumExp(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}));
    assertEquals(2.0,
        SpecialFunctions.logSumExp(new double[] {Double.NEGATIVE_INFINITY, 2.0}), 0.0);
    assertTrue(Double.isNaN(SpecialFunctions.logSumExp(new double[] {1, Double.NaN})));
    assertEquals(Math.log(Math.exp(3) + Math.exp(-4)), SpecialFunctions.logAddExp(3, -4), 1e-15);
    assertThrows(ArrayIndexOutOfBoundsException.class,
        () -> SpecialFunctions.logSumExp(v, 2, 3));

    double[] w = {7, 0.3, -1.2, 2.5, 0.0, 7};
    double lse = SpecialFunctions.softmaxInPlace(w, 1, 4);
    assertEquals(direct, lse, 1e-15);
    double sum = 0;
    for (int i = 1; i <= 4; i++) {
      sum += w[i];
    }
    assertEquals(1.0, sum, 5e-16); // the test's own 4-term sum rounds too: 2 ulp
    assertEquals(Math.exp(0.3 - 2.5), w[1] / w[3], 1e-15);
    assertEquals(Math.exp(2.5) / Math.exp(direct), w[3], 1e-15);
    assertEquals(7.0, w[0], 0.0); // outside the range: untouched
    assertEquals(7.0, w[5], 0.0);

    double[] dead = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    assertEquals(Double.NEGATIVE_INFINITY, SpecialFunctions.softmaxInPlace(dead));
    assertTrue(Double.isNaN(dead[0]) && Double.isNaN(dead[1]));
    double[] big = {-1e6, 0, -1e6 - 1};
    SpecialFunctions.softmaxInPlace(big);
    assertEquals(1.0, big[1], 0.0);
  }

  @Test
  void xLogXAndLog1pMinusX() {
    assertEquals(0.0, SpecialFunctions.xLogX(0), 0.0);
    assertEquals(2 * Math.log(2), SpecialFunctions.xLogX(2), 1e-15);
    for (double t : new double[] {-0.9, -0.3, -0.2, -1e-5, 1e-8, 0.1, 0.24, 0.26, 3}) {
      // Series branch (|t| < 1/4) against the direct formula where it does not cancel badly,
      // and against the leading terms -t^2/2 + t^3/3 for tiny t.
      double expected = Math.abs(t) < 1e-3 ? -t * t / 2 + t * t * t / 3 - t * t * t * t / 4
          : Math.log1p(t) - t;
      close(expected, SpecialFunctions.log1pMinusX(t), 1e-13, 0, "log1pMinusX(" + t + ")");
    }
  }
}
