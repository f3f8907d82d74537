package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.Chunks;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The element loops of local factors (q(z[n]) in the Gaussian mixture, q(h[n]) in PPCA) run in
 * fixed chunks of {@link Chunks#SIZE} on {@code options.threads()} threads: the ELBO trace and
 * every posterior are bitwise the same with one thread and with two. The data have a few chunks,
 * the last one partial.
 */
class ParallelLocalUpdatesTest {

  @Test
  void gaussianMixtureIsBitwiseTheSameOnOneAndTwoThreads() {
    int n = 2 * Chunks.SIZE + 1234;
    int d = 3;
    SplittableRandom rng = new SplittableRandom(11);
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      int c = i % 4;
      for (int j = 0; j < d; j++) {
        x[i][j] = 4.0 * (c == j ? 1 : 0) - 2.0 * (c == 3 ? 1 : 0) + rng.nextGaussian();
      }
    }
    Harness h = Harness.of(Examples.exampleClass("gaussian-mixture")).set("K", 5);
    Object data = h.data(Map.of("x", x));
    assertSame(h, data, 25);
  }

  @Test
  void ppcaWithMissingValuesIsBitwiseTheSameOnOneAndTwoThreads() {
    int n = 2 * Chunks.SIZE + 777;
    int d = 6;
    SplittableRandom rng = new SplittableRandom(5);
    double[][] w = new double[d][3];
    for (double[] row : w) {
      for (int k = 0; k < 3; k++) {
        row[k] = rng.nextGaussian();
      }
    }
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      double[] z = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
      for (int j = 0; j < d; j++) {
        x[i][j] = rng.nextDouble() < 0.05 ? Double.NaN : Numerics.dot(w[j], z) + 0.3 * rng.nextGaussian();
      }
    }
    Harness h = Harness.of(Examples.exampleClass("ppca"));
    Object data = h.data(Map.of("x", x));
    assertSame(h, data, 25);
  }

  private static void assertSame(Harness h, Object data, int sweeps) {
    FitOptions options = FitOptions.defaults().withMaxIterations(sweeps).withTolerance(0);
    FitResult one = h.fit(data, options.withThreads(1));
    FitResult two = h.fit(data, options.withThreads(2));
    assertEquals(sweeps, one.iterations());
    assertArrayEquals(bits(one.elboTrace()), bits(two.elboTrace()), "ELBO traces differ");
    assertTrue(one.elbo() > one.elboTrace()[0], "the fit made progress");
    Map<String, FitResult.Posterior> p1 = one.posteriors();
    Map<String, FitResult.Posterior> p2 = two.posteriors();
    assertEquals(p1.keySet(), p2.keySet());
    for (String factor : p1.keySet()) {
      FitResult.Posterior a = p1.get(factor);
      FitResult.Posterior b = p2.get(factor);
      assertEquals(a.parameters().keySet(), b.parameters().keySet());
      for (String param : a.parameters().keySet()) {
        assertArrayEquals(bits(a.parameters().get(param)), bits(b.parameters().get(param)),
            "q(" + factor + ")." + param + " differs");
      }
      assertArrayEquals(bits(a.mean()), bits(b.mean()), "mean of q(" + factor + ") differs");
      assertArrayEquals(bits(a.sd()), bits(b.sd()), "sd of q(" + factor + ") differs");
    }
  }

  private static long[] bits(double[] v) {
    return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
  }
}
