package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the generated code does with bad input before fitting: data that are missing, ragged,
 * of the wrong length or out of their declared range are rejected with a {@link DataException}
 * naming the array and the entry; sizes and hypers outside their domain are rejected by the
 * builder. And how sizes are bound: builder, then default, then data.
 */
class DataValidationTest {
  static final FitOptions ONE = FitOptions.defaults().withMaxIterations(1);

  static DataException dataError(String stem, Map<String, Object> arrays) {
    Harness h = Harness.of(Examples.exampleClass(stem));
    return assertThrows(DataException.class, () -> h.fit(h.data(arrays), ONE));
  }

  @Test
  void boolOutOfRange() {
    DataException e = dataError("coin", Map.of("y", new int[] {0, 1, 1, 2, 0}));
    assertEquals("y[3]: must be 0 or 1, got 2", e.getMessage());
    assertEquals("y", e.array());
    assertEquals(3, e.row());
  }

  @Test
  void arrayNotGiven() {
    DataException e = dataError("coin", Map.of());
    assertEquals("y: no values given; call data.y(...)", e.getMessage());
  }

  @Test
  void lengthDisagreesWithTheBuildersSize() {
    Harness h = Harness.of(Examples.exampleClass("coin")).set("N", 3);
    DataException e = assertThrows(DataException.class, () -> h.fit(h.data(Map.of("y", new int[] {0, 1})), ONE));
    assertEquals("y: has 2 rows, but N = 3", e.getMessage());
  }

  @Test
  void raggedRows() {
    double[][] x = {{0, 1}, {2, 3}, {4}};
    DataException e = dataError("gaussian-mixture", Map.of("x", x));
    assertEquals("x[2]: has 1 entries, but D = 2", e.getMessage());
  }

  @Test
  void categoryOutOfRange() {
    Harness h = Harness.of(Examples.exampleClass("lda")).set("D", 2);
    DataException e = assertThrows(DataException.class,
        () -> h.fit(h.data(Map.of("doc", new int[] {0, 1, 2}, "w", new int[] {0, 0, 1})), ONE));
    assertEquals("doc[2]: category 2 is out of range 0..D-1 (D = 2)", e.getMessage());
  }

  @Test
  void countsAndReals() {
    assertEquals("y[1]: must be a non-negative integer, got -1",
        dataError("poisson-gamma", Map.of("y", new int[] {3, -1})).getMessage());
    assertEquals("x[1]: must be a finite number, got Infinity",
        dataError("normal-gamma", Map.of("x", new double[] {1, Double.POSITIVE_INFINITY})).getMessage());
    assertEquals("x[0]: must be positive and finite, got 0.0",
        dataError("exponential-gamma", Map.of("x", new double[] {0, 1})).getMessage());
  }

  /** Issue 13: counts above their trials made the Beta update negative and the fit NaN. */
  @Test
  void binomialCountAboveItsTrials() {
    DataException e = dataError("beta-binomial", Map.of("trials", new int[] {5, 4, 6}, "y", new int[] {2, 5, 6}));
    assertEquals("y[1]: is 5, more than its trials, 4.0", e.getMessage());
    assertEquals(1, e.row());
    assertEquals(-1, e.column());
  }

  /** Issue 13: Multinomial rows must be counts that add up to their trials. */
  @Test
  void multinomialRowsAreCountsSummingToTheirTrials() {
    int[] trials = {3, 4};
    DataException negative = dataError("dirichlet-multinomial",
        Map.of("trials", trials, "counts", new double[][] {{1, 1, 1}, {5, -1, 0}}));
    assertEquals("counts[1][1]: must be a count (a non-negative integer), got -1.0", negative.getMessage());
    assertEquals(1, negative.column());
    DataException fraction = dataError("dirichlet-multinomial",
        Map.of("trials", trials, "counts", new double[][] {{1, 1.5, 0.5}, {4, 0, 0}}));
    assertEquals("counts[0][1]: must be a count (a non-negative integer), got 1.5", fraction.getMessage());
    DataException sum = dataError("dirichlet-multinomial",
        Map.of("trials", trials, "counts", new double[][] {{1, 1, 1}, {2, 1, 0}}));
    assertEquals("counts[1]: sums to 3.0, not to its trials, 4.0", sum.getMessage());
    assertEquals(-1, sum.column());
  }

  /**
   * Issue 13: with mu0 = 1e200 the Normal-Gamma update overflows; fit used to return a NaN ELBO
   * as if it had converged. It throws, naming the factor whose update broke down.
   */
  @Test
  void numericalBreakdownNamesTheFactor() {
    Harness h = Harness.of(Examples.exampleClass("normal-gamma")).set("mu0", 1e200);
    Object data = h.data(Map.of("x", new double[] {0.5, 1.5, -0.2}));
    ArithmeticException e = assertThrows(ArithmeticException.class, () -> h.fit(data, FitOptions.defaults()));
    assertTrue(e.getMessage().startsWith("q(tau): its update in sweep 1 gave non-finite parameters"),
        e.getMessage());
  }

  @Test
  void builderRejectsBadSizesAndHypers() {
    assertThrows(IllegalArgumentException.class, () -> Harness.of(Examples.exampleClass("coin")).set("N", 0));
    // a is a Beta shape declared through its default 1: positive, so 0 is refused...
    assertThrows(IllegalArgumentException.class, () -> Harness.of(Examples.exampleClass("coin")).set("a", 0));
    // ...but mu0 = 0 is a count only by accident of its default: any finite value is accepted.
    Harness.of(Examples.exampleClass("normal-gamma")).set("mu0", -2.5);
    assertThrows(IllegalArgumentException.class,
        () -> Harness.of(Examples.exampleClass("normal-gamma")).set("mu0", Double.NaN));
  }

  @Test
  void sizesComeFromTheBuilderThenTheDefaultThenTheData() {
    Table t = Table.read(Examples.data("lda", ".csv")).head(500);
    FitResult byDefault = Harness.of(Examples.exampleClass("lda")).fit(t, ONE);
    assertEquals(20, Harness.call(byDefault, "sizeK"));
    int maxDoc = 0;
    for (int d : t.ints("doc")) {
      maxDoc = Math.max(maxDoc, d);
    }
    assertEquals(maxDoc + 1, Harness.call(byDefault, "sizeD"), "D is the largest document index plus one");
    assertEquals(500, Harness.call(byDefault, "sizeT"));
    FitResult byBuilder = Harness.of(Examples.exampleClass("lda")).set("K", 4).set("D", 120).fit(t, ONE);
    assertEquals(4, Harness.call(byBuilder, "sizeK"));
    assertEquals(120, Harness.call(byBuilder, "sizeD"));
  }
}
