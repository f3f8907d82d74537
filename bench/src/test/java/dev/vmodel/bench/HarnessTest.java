package dev.vmodel.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.bench.data.Npy;
import dev.vmodel.bench.data.Synthetic;
import dev.vmodel.bench.gen.GaussianMixture;
import dev.vmodel.bench.gen.LDA;
import dev.vmodel.bench.gen.LinearRegression;
import dev.vmodel.bench.harness.GeneratedState;
import dev.vmodel.bench.reference.FusedGaussianMixture;
import dev.vmodel.runtime.fit.FitOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small and fast: the benchmarks time what {@code fit} runs, the data are reproducible, and the
 * .npy files are what NumPy reads. Nothing here is a benchmark.
 */
class HarnessTest {
  private static final FitOptions FIVE = FitOptions.defaults().withTolerance(0).withMaxIterations(5).withSeed(3);

  /**
   * The harness reads the generated private State; if code generation reshaped it, the
   * benchmarks would time nothing, so the build fails and says what to update.
   */
  private static GeneratedState state(Supplier<GeneratedState> make) {
    try {
      return make.get();
    } catch (UnsupportedOperationException e) {
      throw new AssertionError("bench harness out of date with the generated code (update"
          + " bench/src/main/java/dev/vmodel/bench/harness/GeneratedState.java): " + e.getMessage(), e);
    }
  }

  /** Runs a test body that uses the harness, failing as {@link #state} does if the generated State changed shape. */
  private static void harness(Runnable body) {
    try {
      body.run();
    } catch (UnsupportedOperationException e) {
      throw new AssertionError("bench harness out of date with the generated code (update"
          + " bench/src/main/java/dev/vmodel/bench/harness/GeneratedState.java): " + e.getMessage(), e);
    }
  }

  @Test
  void sweepsOfTheHarnessAreTheSweepsOfFit() {
    double[][] x = Synthetic.gaussianMixture(300, 3, 4, 1);
    GaussianMixture model = GaussianMixture.builder().K(5).build();
    GaussianMixture.Data data = new GaussianMixture.Data().x(x);
    double[] trace = model.fit(data, FIVE).elboTrace();
    GeneratedState s = state(() -> GeneratedState.of(model, data).init(3));
    for (int i = 0; i < 5; i++) {
      s.sweep();
      assertEquals(trace[i], s.elbo(), 0.0, "sweep " + (i + 1));
    }
  }

  @Test
  void theFusedReferenceComputesTheGeneratedSweepsAndElbo() {
    double[][] x = Synthetic.gaussianMixture(9000, 3, 4, 1);
    int k = 5;
    double[] r0 = Synthetic.oneHot(Synthetic.kmeansLabels(x, k, 3, 2), k);
    double[][] w0 = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    GaussianMixture model = GaussianMixture.builder().K(k).alpha0(0.01).beta0(1).nu0(3).m0(new double[3]).W0(w0).build();
    GeneratedState g = state(() -> GeneratedState.of(model, new GaussianMixture.Data().x(x)).init(0));
    harness(() -> g.setResponsibilities("z", r0));
    double[] oneThread = new double[4];
    for (int threads : new int[] {1, 2}) {
      try (FusedGaussianMixture f = new FusedGaussianMixture(x, k, 0.01, 1, 3, new double[3], w0, threads)) {
        f.start(r0);
        for (int i = 0; i < 4; i++) {
          f.sweep();
          if (threads == 1) {
            g.sweep();
            assertEquals(g.elbo(), f.elbo(), 1e-10 * Math.abs(f.elbo()), "sweep " + (i + 1));
            oneThread[i] = f.elbo();
          } else {
            assertEquals(oneThread[i], f.elbo(), 0.0, "fixed chunks: the same sums in the same order for any thread count");
          }
        }
      }
    }
  }

  @Test
  void ldaAndRegressionRunUnderTheHarness() {
    Synthetic.Corpus c = Synthetic.lda(20, 50, 3, 5, 15, 2);
    LDA lda = LDA.builder().K(3).D(c.documents()).V(c.vocabulary()).build();
    LDA.Data ldaData = new LDA.Data().doc(c.doc()).w(c.word());
    GeneratedState s = state(() -> GeneratedState.of(lda, ldaData).init(3));
    harness(() -> s.setResponsibilities("z", Synthetic.randomResponsibilities(c.tokens(), 3, 4)));
    double previous = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < 5; i++) {
      s.sweep();
      double e = s.elbo();
      assertTrue(e >= previous - 1e-9 * Math.abs(e), "coordinate ascent never lowers the ELBO");
      previous = e;
    }
    Synthetic.Regression r = Synthetic.linearRegression(200, 4, 5);
    LinearRegression lr = LinearRegression.builder().build();
    double[] trace = lr.fit(new LinearRegression.Data().X(r.x()).y(r.y()), FIVE).elboTrace();
    GeneratedState t = state(() -> GeneratedState.of(lr, new LinearRegression.Data().X(r.x()).y(r.y())).init(3));
    t.sweep();
    assertEquals(trace[0], t.elbo(), 0.0);
  }

  @Test
  void syntheticDataAreAFunctionOfTheirSeed() {
    assertArrayEquals(Synthetic.gaussianMixture(50, 2, 3, 9)[49], Synthetic.gaussianMixture(50, 2, 3, 9)[49]);
    Synthetic.Corpus a = Synthetic.lda(10, 40, 3, 5, 9, 1);
    Synthetic.Corpus b = Synthetic.lda(10, 40, 3, 5, 9, 1);
    assertArrayEquals(a.word(), b.word());
    assertEquals(39, a.word()[a.tokens() - 1], "the last word is in the corpus, so V bound from the data is 40");
    int[] labels = Synthetic.kmeansLabels(Synthetic.gaussianMixture(200, 2, 3, 9), 3, 5, 1);
    assertEquals(200, labels.length);
  }

  @Test
  void npyRoundTrip(@TempDir Path dir) throws IOException {
    double[] v = {1.5, -2.25, Math.PI, 0, 1e-300, -7};
    Npy.writeDoubles(dir.resolve("a.npy"), v, 2, 3);
    assertArrayEquals(new int[] {2, 3}, Npy.shape(dir.resolve("a.npy")));
    assertArrayEquals(v, Npy.readDoubles(dir.resolve("a.npy")));
    assertArrayEquals(new double[] {0, 1e-300, -7}, Npy.readDoubleRows(dir.resolve("a.npy"))[1]);
    int[] ints = new int[100_000];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = i * 7919 - 50_000;
    }
    Npy.writeInts(dir.resolve("b.npy"), ints);
    assertArrayEquals(ints, Npy.readInts(dir.resolve("b.npy")));
  }
}
