package dev.vmodel.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The Gaussian expectations of the logistic likelihood ({@code Bernoulli(logit: a)}): against
 * double-exponential quadrature over the real line ({@link Quadrature}, independent of the
 * runtime's trapezoid rule), and the derivative identities the fixed-form update relies on,
 * d E[ln logistic(a)] / dm = 1 - E[logistic(a)] and d / dv = -E[logistic(a) (1 - logistic(a))] / 2,
 * by central differences.
 */
class LocalBoundsTest {
  private static double reference(double m, double v, DoubleUnaryOperator g) {
    double sd = Math.sqrt(v);
    return Quadrature.integrateLine(
        a -> g.applyAsDouble(a) * Math.exp(-0.5 * (a - m) * (a - m) / v) / (sd * Math.sqrt(2 * Math.PI)), m, sd);
  }

  private static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }

  private static double lnSigmoid(double t) {
    return -Math.log1p(Math.exp(-Math.abs(t))) + Math.min(t, 0);
  }

  private static final double[][] POINTS = {{0, 1}, {2.5, 0.3}, {-4, 9}, {12, 25}, {-30, 4}, {0.7, 1e-4}, {1, 100}};

  @Test
  void expectationsEqualIndependentQuadrature() {
    for (double[] p : POINTS) {
      double m = p[0];
      double v = p[1];
      assertEquals(reference(m, v, LocalBoundsTest::lnSigmoid), LocalBounds.expectedLnLogistic(m, v),
          1e-11 * Math.max(1, Math.abs(m)), "E[ln logistic] at " + m + ", " + v);
      assertEquals(reference(m, v, LocalBoundsTest::sigmoid), LocalBounds.expectedLogistic(m, v), 1e-11,
          "E[logistic] at " + m + ", " + v);
      assertEquals(reference(m, v, t -> sigmoid(t) * sigmoid(-t)), LocalBounds.expectedLogisticVariance(m, v),
          1e-11, "E[s(1 - s)] at " + m + ", " + v);
    }
    assertEquals(lnSigmoid(-3), LocalBounds.expectedLnLogistic(-3, 0), 1e-15, "a point mass");
  }

  @Test
  void derivativesAreTheOtherExpectations() {
    for (double[] p : POINTS) {
      double m = p[0];
      double v = p[1];
      double h = 1e-5;
      double dm = (LocalBounds.expectedLnLogistic(m + h, v) - LocalBounds.expectedLnLogistic(m - h, v)) / (2 * h);
      assertEquals(1 - LocalBounds.expectedLogistic(m, v), dm, 1e-8, "d/dm at " + m + ", " + v);
      double hv = 1e-5 * v;
      double dv = (LocalBounds.expectedLnLogistic(m, v + hv) - LocalBounds.expectedLnLogistic(m, v - hv)) / (2 * hv);
      assertEquals(-0.5 * LocalBounds.expectedLogisticVariance(m, v), dv, 1e-6, "d/dv at " + m + ", " + v);
    }
  }

  @Test
  void nonFiniteArgumentsThrow() {
    assertThrows(ArithmeticException.class, () -> LocalBounds.expectedLnLogistic(Double.NaN, 1));
    assertThrows(ArithmeticException.class, () -> LocalBounds.expectedLogisticVariance(0, -1));
  }
}
