package dev.vmodel.compiler.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PolyaGammaTest {

  /** E = tanh(c/2)/(2c), Var = (sinh c - c)/(4 c^3 cosh^2(c/2)) (Polson, Scott and Windle 2013, section 3). */
  @Test
  void momentsMatchClosedForm() {
    SplittableRandom r = new SplittableRandom(1);
    for (double c : new double[] {0, 0.5, -2, 5, 20, 80}) {
      int n = 200_000;
      double s = 0, s2 = 0;
      for (int i = 0; i < n; i++) {
        double x = PolyaGamma.draw(r, c);
        assertTrue(x > 0);
        s += x;
        s2 += x * x;
      }
      double mean = s / n, var = s2 / n - mean * mean;
      double a = Math.abs(c);
      double eMean = a == 0 ? 0.25 : Math.tanh(a / 2) / (2 * a);
      double eVar = a == 0 ? 1.0 / 24 : (Math.sinh(a) - a) / (4 * a * a * a * Math.cosh(a / 2) * Math.cosh(a / 2));
      assertEquals(eMean, PolyaGamma.mean(c), 1e-15);
      assertEquals(eMean, mean, 4 * Math.sqrt(eVar / n), "mean at c = " + c);
      // sd of the sample variance ~ sqrt((m4 - var^2)/n); bound m4 by 10 var^2 (fourth moment of PG is moderate)
      assertEquals(eVar, var, 4 * eVar * Math.sqrt(10.0 / n), "variance at c = " + c);
    }
  }

  /** Two-sample Kolmogorov-Smirnov against the truncated sum-of-exponentials representation. */
  @Test
  void distributionMatchesSumRepresentation() {
    SplittableRandom r = new SplittableRandom(2);
    for (double c : new double[] {0.3, 3, 12}) {
      int n = 20_000;
      double[] a = new double[n], b = new double[n];
      for (int i = 0; i < n; i++) {
        a[i] = PolyaGamma.draw(r, c);
        b[i] = PolyaGamma.drawTruncatedSum(r, c, 400);
      }
      Arrays.sort(a);
      Arrays.sort(b);
      double dMax = 0;
      int i = 0, j = 0;
      while (i < n && j < n) {
        if (a[i] <= b[j]) i++;
        else j++;
        dMax = Math.max(dMax, Math.abs((double) i / n - (double) j / n));
      }
      assertTrue(dMax < 1.73 * Math.sqrt(2.0 / n), "KS distance " + dMax + " at c = " + c); // 0.5% level
    }
  }
}
