package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated {@code start(data, options)} and its {@code Session}: sweeps run by the caller
 * are {@code fit}'s sweeps, a session can start from given responsibilities, and bad ones are
 * refused with the row that is wrong, leaving the state as it was.
 */
class SessionTest {
  private static final Class<?> GMM = Examples.exampleClass("gaussian-mixture");

  private static Object model() {
    return Harness.call(Harness.call(GMM, "builder"), "build");
  }

  private static Object data() {
    return Harness.of(GMM).data(Table.read(Examples.data("gaussian-mixture", ".csv")));
  }

  @Test
  void sweepsOfASessionAreTheSweepsOfFit() {
    FitOptions options = FitOptions.defaults().withSeed(4).withMaxIterations(12).withTolerance(0);
    Object data = data();
    FitResult fit = (FitResult) Harness.call(model(), "fit", data, options);
    Object session = Harness.call(model(), "start", data, options);
    double[] trace = new double[12];
    for (int t = 0; t < 12; t++) {
      trace[t] = (double) Harness.call(session, "sweep");
    }
    assertArrayEquals(fit.elboTrace(), trace, "the same iterates, bit for bit");
    FitResult r = (FitResult) Harness.call(session, "result");
    assertEquals(12, r.iterations());
    assertEquals(fit.elbo(), r.elbo());
    assertEquals(fit.posteriors().keySet(), r.posteriors().keySet());
    for (String f : fit.posteriors().keySet()) {
      for (String p : fit.posteriors().get(f).parameters().keySet()) {
        assertArrayEquals(fit.posteriors().get(f).parameters().get(p), r.posteriors().get(f).parameters().get(p), f);
      }
    }
  }

  /**
   * The ELBO trace grows with the sweeps: past its first 64 entries, and with no allocation of
   * --iters up front. LDA, whose ELBO still changes after 150 sweeps (the mixture's stops
   * changing exactly after 38).
   */
  @Test
  void theTraceGrowsAsTheSweepsGo() {
    Class<?> lda = Examples.exampleClass("lda");
    Object model = Harness.call(Harness.call(lda, "builder"), "build");
    Object data = Harness.of(lda).data(Table.read(Examples.data("lda", ".csv")));
    FitOptions options = FitOptions.defaults().withSeed(4).withMaxIterations(150).withTolerance(0).withThreads(1);
    FitResult fit = (FitResult) Harness.call(model, "fit", data, options);
    Object session = Harness.call(model, "start", data, options);
    double[] trace = new double[150];
    for (int t = 0; t < 150; t++) {
      trace[t] = (double) Harness.call(session, "sweep");
    }
    assertArrayEquals(trace, fit.elboTrace(), "150 sweeps: the trace doubled twice");
    // A billion allowed sweeps would be 8 GB if the trace were allocated up front.
    FitResult converged = (FitResult) Harness.call(model(), "fit", data(),
        FitOptions.defaults().withSeed(4).withMaxIterations(1_000_000_000));
    assertTrue(converged.converged() && converged.elboTrace().length == converged.iterations());
  }

  @Test
  void aSessionStartsFromGivenResponsibilities() {
    Object data = data();
    FitOptions options = FitOptions.defaults().withCheckMonotone(true);
    Object session = Harness.call(model(), "start", data, options);
    int n = Table.read(Examples.data("gaussian-mixture", ".csv")).size();
    double[][] r = new double[n][6];
    for (int i = 0; i < n; i++) {
      r[i][i % 2] = 1.0;
    }
    double before = (double) Harness.call(session, "elbo");
    Harness.call(session, "z", (Object) r);
    double atGiven = (double) Harness.call(session, "elbo");
    assertTrue(atGiven != before, "the ELBO is recomputed at the given responsibilities");
    double last = atGiven;
    for (int t = 0; t < 20; t++) {
      double e = (double) Harness.call(session, "sweep");
      assertTrue(e >= last - 1e-9 * Math.abs(last), "sweep " + (t + 1) + ": " + last + " -> " + e);
      last = e;
    }
    // The first sweep's global updates read the given responsibilities: q(pi) counts them.
    Object fresh = Harness.call(model(), "start", data, options);
    Harness.call(fresh, "z", (Object) r);
    Harness.call(fresh, "sweep");
    FitResult one = (FitResult) Harness.call(fresh, "result");
    double[] alpha = one.posteriors().get("pi").parameters().get("alpha");
    assertEquals(0.001 + (n + 1) / 2, alpha[0], 1e-9);
    assertEquals(0.001 + n / 2, alpha[1], 1e-9);
    assertEquals(0.001, alpha[2], 1e-9);
  }

  @Test
  void badResponsibilitiesAreRefusedWithTheirRowAndChangeNothing() {
    Object session = Harness.call(model(), "start", data(), FitOptions.defaults());
    int n = Table.read(Examples.data("gaussian-mixture", ".csv")).size();
    double before = (double) Harness.call(session, "elbo");
    double[][] r = new double[n][6];
    for (double[] row : r) {
      Arrays.fill(row, 1.0 / 6);
    }
    r[7][0] = 0.5;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Harness.call(session, "z", (Object) r));
    assertTrue(e.getMessage().startsWith("z: row 7 sums to "), e.getMessage());
    assertEquals(before, (double) Harness.call(session, "elbo"), "a refused setting changes nothing");
    r[7][0] = -1.0 / 6;
    e = assertThrows(IllegalArgumentException.class, () -> Harness.call(session, "z", (Object) r));
    assertTrue(e.getMessage().contains("row 7, column 0 is -0.1666"), e.getMessage());
    double[][] short_ = Arrays.copyOf(r, n - 1);
    e = assertThrows(IllegalArgumentException.class, () -> Harness.call(session, "z", (Object) short_));
    assertEquals("z: " + (n - 1) + " rows given, the model has " + n, e.getMessage());
    double[][] narrow = new double[n][5];
    e = assertThrows(IllegalArgumentException.class, () -> Harness.call(session, "z", (Object) narrow));
    assertEquals("z: row 0 has 5 entries, not 6", e.getMessage());
  }
}
