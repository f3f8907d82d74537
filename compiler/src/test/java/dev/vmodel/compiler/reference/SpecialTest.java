package dev.vmodel.compiler.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Values from scipy.special 1.10 (gammaln, digamma, erfc, log_ndtr). */
class SpecialTest {
  private static void rel(double expected, double actual, double tol) {
    assertEquals(expected, actual, tol * Math.max(1, Math.abs(expected)));
  }

  @Test
  void lnGammaAndDigamma() {
    double[][] v = {{0.5, 0.5723649429247, -1.9635100260214235}, {1, 0, -0.5772156649015329},
        {2, 0, 0.42278433509846713}, {3.7, 1.428072326665388, 1.1671535393615113},
        {10, 12.801827480081469, 2.251752589066721}, {100, 359.1342053695754, 4.600161852738088}};
    for (double[] r : v) {
      rel(r[1], Special.lnGamma(r[0]), 1e-13);
      rel(r[2], Special.digamma(r[0]), 1e-13);
    }
  }

  @Test
  void lnFactorial() {
    rel(0, Special.lnFactorial(0), 0);
    rel(Math.log(3628800), Special.lnFactorial(10), 1e-15);
    rel(Special.lnGamma(201), Special.lnFactorial(200), 1e-13);
    rel(Special.lnGamma(1001), Special.lnFactorial(1000), 1e-15);
  }

  @Test
  void erfcAndLnPhi() {
    double[][] v = {{-3, 1.9999779095030015}, {-1.5, 1.9661051464753108}, {0.1, 0.8875370839817152},
        {0.5, 0.4795001221869535}, {1, 0.15729920705028516}, {1.99, 0.004888586800383002},
        {2, 0.004677734981047266}, {2.5, 0.00040695201744495886}, {3, 2.2090496998585445e-05},
        {5, 1.5374597944280347e-12}, {10, 2.0884875837625446e-45}, {25, 8.300172571196523e-274}};
    for (double[] r : v) assertEquals(r[1], Special.erfc(r[0]), 1e-13 * r[1], "erfc(" + r[0] + ")");
    double[][] p = {{-40, -804.6084420137539}, {-10, -53.23128515051248}, {-3, -6.60772622151035},
        {0, -0.6931471805599453}, {1, -0.17275377902344985}, {5, -2.8665161296376305e-07}};
    for (double[] r : p) assertEquals(r[1], Special.lnPhi(r[0]), 1e-12 * Math.abs(r[1]), "lnPhi(" + r[0] + ")");
  }

  @Test
  void lambdaJJ() {
    for (double xi : new double[] {1e-6, 1e-3, 0.3, 2, 20})
      rel((Special.sigmoid(xi) - 0.5) / (2 * xi), Special.lambdaJJ(xi), xi < 1e-5 ? 1e-9 : 1e-12);
    assertEquals(0.125, Special.lambdaJJ(0), 0);
  }
}
