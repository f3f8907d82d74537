package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.MultiNormalPosterior;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bayesian PCA with about 10% of the entries missing (examples/data/ppca.csv has empty cells,
 * ppca.complete.csv the values): the missing entries are integrated out, and E[W[d]] . E[h[n]]
 * predicts the held-out ones better than the column means do.
 */
class PpcaMissingValuesTest {

  @Test
  void reconstructsHeldOutEntriesBetterThanColumnMeans() {
    Table withHoles = Table.read(Examples.data("ppca", ".csv"));
    Table complete = Table.read(Examples.data("ppca", ".complete.csv"));
    double[][] x = withHoles.doubleRows(withHoles.columnsOf("x"));
    double[][] truth = complete.doubleRows(complete.columnsOf("x"));
    Map<String, Object> truthJson = Json.read(Examples.data("ppca", ".truth.json"));
    List<?> missing = (List<?>) Json.at(truthJson, "missing");

    FitResult r = Harness.of(Examples.exampleClass("ppca")).fit(withHoles, FitOptions.defaults()
        .withMaxIterations(2000).withRestarts(3));
    int d = x[0].length;
    double[] columnMean = new double[d];
    for (int j = 0; j < d; j++) {
      int count = 0;
      for (double[] row : x) {
        if (!Double.isNaN(row[j])) {
          columnMean[j] += row[j];
          count++;
        }
      }
      columnMean[j] /= count;
    }
    double model = 0;
    double baseline = 0;
    for (Object cell : missing) {
      int n = ((Number) ((List<?>) cell).get(0)).intValue();
      int j = ((Number) ((List<?>) cell).get(1)).intValue();
      double[] w = ((MultiNormalPosterior) Harness.call(r, "W", j)).mean();
      double[] h = ((MultiNormalPosterior) Harness.call(r, "h", n)).mean();
      double predicted = Numerics.dot(w, h);
      // The generated predictive mean is the same E[W[d]] . E[h[n]].
      double generated = (Double) Harness.call(r, "predictX", n, j);
      assertTrue(Math.abs(generated - predicted) <= 1e-9 * Math.max(1, Math.abs(predicted)),
          "predictX(" + n + ", " + j + ") = " + generated + ", E[W] . E[h] = " + predicted);
      model += (predicted - truth[n][j]) * (predicted - truth[n][j]);
      baseline += (columnMean[j] - truth[n][j]) * (columnMean[j] - truth[n][j]);
    }
    assertTrue(model < baseline, "squared error " + model + " vs column means " + baseline);
  }

  /** The ELBO with missing entries integrated out stays a monotone bound under check mode. */
  @Test
  void missingEntriesKeepTheElboMonotone() {
    Table withHoles = Table.read(Examples.data("ppca", ".csv"));
    FitResult r = Harness.of(Examples.exampleClass("ppca")).fit(withHoles, FitOptions.defaults()
        .withMaxIterations(60).withCheckMonotone(true));
    double[] trace = r.elboTrace();
    for (int i = 1; i < trace.length; i++) {
      assertTrue(trace[i] >= trace[i - 1] - 1e-9 * Math.abs(trace[i - 1]), "ELBO decreased at sweep " + (i + 1));
    }
  }
}
