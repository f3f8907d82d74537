package dev.vmodel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitFit;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.split.SplitPart;
import dev.vmodel.runtime.split.SplitRows;
import dev.vmodel.spark.gen.GaussianMixture;
import dev.vmodel.spark.gen.LDA;
import dev.vmodel.spark.gen.LinearRegression;
import dev.vmodel.spark.gen.PPCA;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18's must-show on models generated from examples/ (by {@code vmodel compile} at build
 * time): for the Gaussian mixture, LDA, PPCA and linear regression, the Spark fit over 1, 4 and 16
 * partitions of the example's CSV (read by Spark) has the ELBO trace of the single-JVM fit of all
 * rows from the same start to 1e-10 relative, and the same global posterior to 1e-8. The
 * single-JVM fit here is {@link SplitFit} over one part holding every row, which the compiler's
 * SplitFitTest shows to be the generated {@code fit} bitwise.
 */
class GeneratedModelsSparkTest {
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
  }

  static SplitModel model(String stem) {
    return switch (stem) {
      case "gaussian-mixture" -> GaussianMixture.builder().K(4).build();
      case "lda" -> LDA.create();
      case "ppca" -> PPCA.create();
      case "linear-regression" -> LinearRegression.create();
      default -> throw new AssertionError(stem);
    };
  }

  /** LDA's local phase decides its rounds and restarts per part: one round and no restarts compare exactly. */
  static FitOptions options(String stem) {
    FitOptions o = FitOptions.defaults().withSeed(5).withMaxIterations(30).withTolerance(0).withThreads(1);
    return stem.equals("lda") ? o.withLocalIterations(1).withLocalRestarts(false) : o;
  }

  static Dataset<Row> csv(String stem) {
    Path file = Path.of("..", "examples", "data", stem + ".csv").toAbsolutePath().normalize();
    return TestSpark.session().read().option("header", "true").option("inferSchema", "true").csv(file.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"gaussian-mixture", "lda", "ppca", "linear-regression"})
  void sparkFollowsTheSingleJvmFit(String stem) {
    SplitModel model = model(stem);
    Dataset<Row> data = csv(stem).cache();
    FitOptions o = options(stem);
    // every row, in file order, as the single JVM reads them
    ColumnPlan plan = ColumnPlan.of(model, data.schema());
    Map<String, Object> all = plan.arrays(plan.select(data).collectAsList().iterator(), "the test's rows");
    SplitRows.renumberGroups(model, all);
    SplitModel sized = model.withSizes(categories(model, all));
    // the start: the global factors of a short fit of all rows
    SplitPart first = sized.part(all);
    SplitFit.run(first, SplitFit.inMemory(List.of(first)), o.withMaxIterations(3));
    double[] start = first.globals();
    FitResult single = SplitFit.run(sized.part(all), SplitFit.inMemory(List.of(sized.part(all))), start, o);
    double[] one = single.elboTrace();
    for (int partitions : new int[] {1, 4, 16}) {
      FitResult onSpark = SparkFit.fit(sized, data.repartition(partitions), start, o);
      double[] many = onSpark.elboTrace();
      assertEquals(one.length, many.length, stem + ", " + partitions + " partitions: sweeps");
      for (int i = 0; i < one.length; i++) {
        assertEquals(one[i], many[i], 1e-10 * Math.abs(one[i]),
            stem + ", " + partitions + " partitions, sweep " + (i + 1));
      }
      for (Map.Entry<String, FitResult.Posterior> f : single.posteriors().entrySet()) {
        if (f.getValue().elements() == 0) {
          continue;
        }
        for (Map.Entry<String, double[]> p : f.getValue().parameters().entrySet()) {
          double[] a = p.getValue();
          double[] b = onSpark.posteriors().get(f.getKey()).parameters().get(p.getKey());
          for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-8 * Math.max(1.0, Math.abs(a[i])),
                stem + ": q(" + f.getKey() + ")." + p.getKey() + "[" + i + "], " + partitions + " partitions");
          }
        }
      }
      assertTrue(many[many.length - 1] > many[0], stem + ": the ELBO rose " + Arrays.toString(many));
    }
    data.unpersist();
  }

  /** The category counts of all rows, as SparkFit sets them. */
  static Map<String, Integer> categories(SplitModel model, Map<String, Object> all) {
    Map<String, Integer> sizes = new java.util.LinkedHashMap<>();
    for (SplitModel.Column c : model.columns()) {
      if (c.categories() != null && !c.group() && all.get(c.name()) instanceof int[] v) {
        sizes.merge(c.categories(), Arrays.stream(v).max().orElse(0) + 1, Math::max);
      }
    }
    return sizes;
  }
}
