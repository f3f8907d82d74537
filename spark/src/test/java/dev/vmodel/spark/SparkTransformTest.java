package dev.vmodel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.PredictionLayouts;
import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.fit.PredictionRecords;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.spark.gen.GaussianMixture;
import dev.vmodel.spark.gen.LDA;
import dev.vmodel.spark.gen.LinearRegression;
import dev.vmodel.spark.gen.PPCA;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SparkFit#transform} on models generated from examples/: the added columns are the
 * single-JVM {@code Result.predict} of all rows, row by row (Gaussian mixture and PPCA to 1e-12
 * over 1 and 4 partitions, the rows in their order; LDA's per-document theta to 1e-10 over 1 and
 * 4 partitions: predict starts each document from the topics alone);
 * the layout it infers from the generated classes gives the records of {@code vmodel predict}'s
 * layout from the plan; and its errors.
 */
class SparkTransformTest {
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
  }

  /** The example's CSV with an {@code id} column: the row's index in the file (one partition when read). */
  static Dataset<Row> csv(String stem) {
    Dataset<Row> d = GeneratedModelsSparkTest.csv(stem);
    assertEquals(1, d.rdd().getNumPartitions(), "the example's CSV is read as one partition");
    return d.withColumn("id", functions.monotonically_increasing_id());
  }

  /** The model's arrays of every row, in file order, as the single JVM takes them. */
  static Map<String, Object> arrays(SplitModel model, Dataset<Row> data) {
    ColumnPlan plan = ColumnPlan.of(model, data.schema());
    return plan.arrays(plan.select(data).collectAsList().iterator(), "the test's rows");
  }

  static FitOptions fitOptions() {
    return FitOptions.defaults().withSeed(3).withMaxIterations(40).withThreads(1);
  }

  /** The rows of {@code out} by id, checking that they are in the order of {@code in}'s ids. */
  static List<Row> inOrder(Dataset<Row> in, Dataset<Row> out) {
    List<Long> before = in.select("id").collectAsList().stream().map(r -> r.getLong(0)).toList();
    List<Row> rows = out.collectAsList();
    assertEquals(before, rows.stream().map(r -> r.<Long>getAs("id")).toList(), "the rows in their order");
    return rows;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void gaussianMixtureRowsHaveTheirPredictedResponsibilities(int partitions) {
    Dataset<Row> data = csv("gaussian-mixture").cache();
    GaussianMixture model = GaussianMixture.builder().K(3).build();
    GaussianMixture.Data all = new GaussianMixture.Data().x((double[][]) arrays(model, data).get("x"));
    GaussianMixture.Result fit = model.fit(all, fitOptions());
    GaussianMixture.Prediction single = fit.predict(all);

    Dataset<Row> in = data.repartition(partitions).cache();
    Dataset<Row> out = SparkFit.transform(fit, in);
    assertEquals(List.of("x[0]", "x[1]", "id", "logPredictive", "z_probability", "z_prediction"),
        Arrays.asList(out.columns()));
    assertEquals(DataTypes.createArrayType(DataTypes.DoubleType, false), out.schema().apply("z_probability").dataType());
    assertEquals(partitions, out.rdd().getNumPartitions());
    List<Row> rows = inOrder(in, out);
    assertEquals(400, rows.size());
    double[] lp = single.logPredictive();
    int[] counts = new int[3];
    for (Row r : rows) {
      int n = (int) r.getLong(2);
      assertEquals(lp[n], r.getDouble(3), 1e-12 * Math.abs(lp[n]), "logPredictive of row " + n);
      double[] p = single.posterior().z(n).p();
      List<Double> q = r.getList(4);
      int best = 0;
      for (int k = 0; k < 3; k++) {
        assertEquals(p[k], q.get(k), 1e-12, "z_probability[" + k + "] of row " + n);
        best = p[k] > p[best] ? k : best;
      }
      assertEquals(best, r.getInt(5), "z_prediction of row " + n);
      counts[best]++;
    }
    for (int c : counts) {
      assertTrue(c > 50, "every component takes some rows: " + Arrays.toString(counts));
    }
    in.unpersist();
    data.unpersist();
  }

  @Test
  void ldaRowsHaveTheirDocumentsTopicProportions() {
    // the first 20 documents (numbered 0..19 in the file)
    Dataset<Row> data = csv("lda").where("doc < 20").cache();
    LDA model = LDA.create();
    Map<String, Object> a = arrays(model, data);
    LDA.Data all = new LDA.Data().doc((int[]) a.get("doc")).w((int[]) a.get("w"));
    LDA.Result fit = model.fit(all, fitOptions().withMaxIterations(15));
    // predict starts each document from the topics alone (theta at its prior, then z and rounds), so a
    // document's coordinate ascent is the same in any partition but for rounding; 100 rounds (a few
    // documents drift for hundreds more along a direction where rounding differences grow)
    FitOptions predict = FitOptions.defaults().withTolerance(0).withMaxIterations(100).withThreads(1);
    LDA.Prediction single = fit.predict(all, predict);
    int documents = single.posterior().sizeD();

    for (int partitions : new int[] {1, 4}) {
      Dataset<Row> out = SparkFit.transform(fit, data.repartition(partitions), predict);
      assertEquals(List.of("doc", "w", "id", "z_probability", "z_prediction", "theta"), Arrays.asList(out.columns()));
      List<Row> rows = out.collectAsList();
      assertEquals(data.count(), rows.size());
      boolean[] seen = new boolean[documents];
      double worst = 0;
      double worstZ = 0;
      for (Row r : rows) {
        int d = r.getInt(0);
        seen[d] = true;
        double[] theta = single.posterior().theta(d).mean();
        List<Double> got = r.getList(5);
        assertEquals(theta.length, got.size());
        for (int k = 0; k < theta.length; k++) {
          worst = Math.max(worst, Math.abs(theta[k] - got.get(k)));
        }
        double[] z = single.posterior().z((int) r.getLong(2)).p();
        List<Double> zs = r.getList(3);
        for (int k = 0; k < z.length; k++) {
          worstZ = Math.max(worstZ, Math.abs(z[k] - zs.get(k)));
        }
      }
      double tolerance = 1e-10;
      assertTrue(worst <= tolerance, partitions + " partitions: theta off by " + worst);
      assertTrue(worstZ <= 10 * tolerance, partitions + " partitions: z off by " + worstZ);
      for (int d = 0; d < documents; d++) {
        assertTrue(seen[d], "document " + d);
      }
      // one row per document
      assertEquals(documents, out.dropDuplicates("doc").count());
    }
    data.unpersist();
  }

  @Test
  void ppcaRowsHaveTheirLatentCoordinatesAndReconstructions() {
    Dataset<Row> data = csv("ppca").cache();
    PPCA model = PPCA.create();
    PPCA.Data all = new PPCA.Data().x((double[][]) arrays(model, data).get("x"));
    PPCA.Result fit = model.fit(all, fitOptions());
    PPCA.Prediction single = fit.predict(all);
    Dataset<Row> in = data.repartition(4).cache();
    Dataset<Row> out = SparkFit.transform(fit, in);
    List<String> columns = Arrays.asList(out.columns());
    assertEquals(List.of("id", "h", "x_mean", "x_variance"), columns.subList(columns.size() - 4, columns.size()));
    List<Row> rows = inOrder(in, out);
    int id = columns.indexOf("id");
    for (Row r : rows) {
      int n = (int) r.getLong(id);
      double[] h = single.posterior().h(n).mean();
      List<Double> got = r.getList(id + 1);
      assertEquals(3, got.size());
      for (int k = 0; k < 3; k++) {
        assertEquals(h[k], got.get(k), 1e-12 * Math.max(1, Math.abs(h[k])), "h[" + k + "] of row " + n);
      }
      List<Double> mean = r.getList(id + 2);
      for (int d = 0; d < 10; d++) {
        double m = single.posterior().predictX(n, d);
        assertEquals(m, mean.get(d), 1e-12 * Math.max(1, Math.abs(m)), "x_mean[" + d + "] of row " + n);
      }
    }
    in.unpersist();
    data.unpersist();
  }

  @Test
  void aRowWithoutItsResponseHasNoLogPredictiveButItsPredictiveMean() {
    Dataset<Row> data = csv("linear-regression");
    LinearRegression model = LinearRegression.create();
    Map<String, Object> a = arrays(model, data);
    LinearRegression.Data all = new LinearRegression.Data().X((double[][]) a.get("X")).y((double[]) a.get("y"));
    LinearRegression.Result fit = model.fit(all, fitOptions());
    double[] y = ((double[]) a.get("y")).clone();
    y[0] = Double.NaN;
    LinearRegression.Prediction single = fit.predict(new LinearRegression.Data().X((double[][]) a.get("X")).y(y));
    Dataset<Row> blank = data.withColumn("y", functions.when(functions.col("id").equalTo(0), functions.lit(null))
        .otherwise(functions.col("y")));
    List<Row> rows = SparkFit.transform(fit, blank).orderBy("id").collectAsList();
    assertEquals(List.of("X[0]", "X[1]", "X[2]", "y", "id", "logPredictive", "y_mean", "y_variance"),
        Arrays.asList(rows.get(0).schema().fieldNames()));
    assertNull(rows.get(0).get(5), "no logPredictive without y");
    assertEquals(single.posterior().predictY(0), rows.get(0).getDouble(6), 1e-12);
    assertEquals(single.posterior().predictVarianceY(0), rows.get(0).getDouble(7), 1e-12);
    assertEquals(single.logPredictive()[1], rows.get(1).getDouble(5), 1e-12 * Math.abs(single.logPredictive()[1]));
  }

  /**
   * The layout transform infers from the generated classes gives the records of the layout {@code
   * vmodel predict} takes from the model's plan: the same columns with the same values.
   */
  @ParameterizedTest
  @ValueSource(strings = {"gaussian-mixture", "lda", "ppca", "linear-regression"})
  void theInferredLayoutGivesThePlansRecords(String stem) throws Exception {
    SplitModel model = GeneratedModelsSparkTest.model(stem);
    Map<String, Object> a = arrays(model, GeneratedModelsSparkTest.csv(stem));
    FitResult fit = SparkTransform.loaded(fit(model, a));
    Path source = Path.of("..", "examples", stem + ".vmodel");
    UpdatePlan plan = Compiler.plan(new SourceFile(source.toString(), Files.readString(source))).plans().get(0);
    PredictionRecords.Layout fromPlan = PredictionLayouts.of(plan, GeneratedApi.of(plan, Optional.of("dev.vmodel.spark.gen")));
    FitOptions o = FitOptions.defaults().withMaxIterations(5).withThreads(1);
    PredictionRecords inferred = SparkTransform.records(fit, SparkTransform.layout(model, fit, a), a, o);
    Object prediction = fit.getClass().getMethod("predict", Class.forName(model.getClass().getName() + "$Data"),
        FitOptions.class).invoke(fit, data(model, a), o);
    PredictionRecords planned = PredictionRecords.of(fromPlan, prediction, PredictionRecords.unobserved(fromPlan, a));
    assertFalse(planned.groups.isEmpty(), stem);
    assertEquals(planned.columns(), inferred.columns(), stem);
    assertEquals(planned.csv(), inferred.csv(), stem);
    assertEquals(planned.others.stream().map(PredictionRecords.Other::name).toList(),
        inferred.others.stream().map(PredictionRecords.Other::name).toList(), stem);
  }

  private static FitResult fit(SplitModel model, Map<String, Object> a) throws Exception {
    Object d = data(model, a);
    return (FitResult) model.getClass().getMethod("fit", d.getClass(), FitOptions.class)
        .invoke(model, d, FitOptions.defaults().withMaxIterations(5).withThreads(1));
  }

  private static Object data(SplitModel model, Map<String, Object> a) throws Exception {
    Class<?> c = Class.forName(model.getClass().getName() + "$Data");
    Object d = c.getConstructor().newInstance();
    for (Map.Entry<String, Object> e : a.entrySet()) {
      c.getMethod(e.getKey(), e.getValue().getClass()).invoke(d, e.getValue());
    }
    return d;
  }

  @Test
  void aMissingColumnIsNamedAsFitNamesIt() {
    Dataset<Row> data = csv("lda");
    LDA.Result fit = fitLda(data);
    DataException e = assertThrows(DataException.class,
        () -> SparkFit.transform(fit, data.withColumnRenamed("w", "word")));
    assertTrue(e.getMessage().startsWith("w: the DataFrame has no column \"w\", which the model reads (one integer per"
        + " row). Its columns: [doc, word, id]. Rename a column to \"w\" (withColumnRenamed)"), e.getMessage());
    DataException typed = assertThrows(DataException.class,
        () -> SparkFit.transform(fit, data.withColumn("w", functions.col("w").cast("double"))));
    assertTrue(typed.getMessage().contains("the DataFrame column \"w\" is double, but the model's w is integer"),
        typed.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> SparkFit.transform(fit, data.withColumn("z_probability", functions.lit(1.0))));
    assertEquals("the DataFrame already has a column \"z_probability\", which transform adds (a DataFrame transformed"
        + " before?): drop or rename it", twice.getMessage());
  }

  /** A short fit of LDA, saved: transform takes a loaded posterior as it takes a fitted one. */
  private static LDA.Result fitLda(Dataset<Row> data) {
    LDA model = LDA.create();
    Map<String, Object> a = arrays(model, data);
    LDA.Result r = model.fit(new LDA.Data().doc((int[]) a.get("doc")).w((int[]) a.get("w")),
        FitOptions.defaults().withMaxIterations(2).withThreads(1));
    java.io.StringWriter w = new java.io.StringWriter();
    try {
      r.save(w);
      return LDA.load(new java.io.StringReader(w.toString()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
