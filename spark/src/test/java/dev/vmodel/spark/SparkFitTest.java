package dev.vmodel.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitFit;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.split.SplitPart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SparkFit} on a local[2] SparkSession (one for the class) with hand-written models that
 * split ({@link TestModels}): a Spark fit over any number of partitions follows the in-memory
 * split fit of one part holding every row ({@link SplitFit#inMemory}) from the same start; every
 * layout of a vector column reads the same values; a user's mistake gets a message naming the
 * column and the fix, not a Spark stack trace.
 */
class SparkFitTest {
  private static SparkSession spark;

  /** 600 rows: 300 around -2, 300 around +2 (unit variance). */
  private static double[] mixtureX;

  @BeforeAll
  static void startSpark() {
    spark = TestSpark.session();
    Random random = new Random(42);
    mixtureX = new double[600];
    for (int n = 0; n < mixtureX.length; n++) {
      mixtureX[n] = (n % 2 == 0 ? -2 : 2) + random.nextGaussian();
    }
  }

  private static Dataset<Row> frame(StructType schema, List<Row> rows) {
    return spark.createDataFrame(rows, schema);
  }

  private static StructType schema(Object... nameThenType) {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < nameThenType.length; i += 2) {
      fields.add(DataTypes.createStructField((String) nameThenType[i], (DataType) nameThenType[i + 1], true));
    }
    return DataTypes.createStructType(fields);
  }

  private static Dataset<Row> mixtureFrame() {
    List<Row> rows = new ArrayList<>();
    for (double x : mixtureX) {
      rows.add(RowFactory.create(x));
    }
    return frame(schema("x", DataTypes.DoubleType), rows);
  }

  private static double[] inMemory(SplitModel model, Map<String, Object> all, double[] start, FitOptions o) {
    return SplitFit.run(model.part(all), SplitFit.inMemory(List.of(model.part(all))), start, o).elboTrace();
  }

  private static void assertFollows(double[] expected, double[] actual, String what) {
    int common = Math.min(expected.length, actual.length);
    assertTrue(common >= Math.min(5, expected.length), what + ": " + expected.length + " and " + actual.length
        + " sweeps");
    for (int i = 0; i < common; i++) {
      assertEquals(expected[i], actual[i], 1e-10 * Math.abs(expected[i]), what + ", sweep " + (i + 1));
    }
  }

  // -----------------------------------------------------------------------------------------------
  // A Spark fit follows the in-memory fit of one part

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 16})
  void mixtureFollowsOnePart(int partitions) {
    SplitModel model = new TestModels.Mixture();
    FitOptions o = FitOptions.defaults().withSeed(3).withMaxIterations(30).withTolerance(0);
    double[] start = {-1, 1, 1, 1};
    double[] expected = inMemory(model, Map.of("x", mixtureX), start, o);
    Dataset<Row> data = mixtureFrame().repartition(partitions);
    assertEquals(partitions, data.javaRDD().getNumPartitions());
    FitResult fit = SparkFit.fit(model, data, start, o);
    assertFollows(expected, fit.elboTrace(), partitions + " partitions");
    for (int i = 1; i < fit.elboTrace().length; i++) {
      assertTrue(fit.elboTrace()[i] >= fit.elboTrace()[i - 1] - 1e-9 * Math.abs(fit.elboTrace()[i]), "sweep " + i);
    }
    double[] mu = fit.posteriors().get("mu").mean().clone();
    Arrays.sort(mu);
    assertEquals(-2, mu[0], 0.25);
    assertEquals(2, mu[1], 0.25);
    if (partitions == 16) {
      // the statistics are added in a fixed order: the same partitioning gives the same fit bitwise
      assertArrayEquals(fit.elboTrace(), SparkFit.fit(model, data, start, o).elboTrace());
    }
  }

  /** Without start values the start is the in-memory fit of the driver's sample (the first rows). */
  @Test
  void startIsTheSamplesFit() {
    SplitModel model = new TestModels.Mixture();
    FitOptions o = FitOptions.defaults().withSeed(5).withMaxIterations(30);
    Dataset<Row> data = mixtureFrame().repartition(4);
    int sampleRows = 100;
    double[] sample = data.takeAsList(sampleRows).stream().mapToDouble(r -> r.getDouble(0)).toArray();
    SplitPart driver = model.part(Map.of("x", sample));
    SplitFit.run(driver, SplitFit.inMemory(List.of(driver)), o);
    double[] expected = inMemory(model, Map.of("x", mixtureX), driver.globals(), o);
    List<Double> heard = new ArrayList<>();
    FitResult fit = SparkFit.fit(model, data, o.withListener((restart, sweep, elbo) -> heard.add(elbo)),
        SparkFit.Options.defaults().withSampleRows(sampleRows));
    assertFollows(expected, fit.elboTrace(), "from the sample's fit");
    assertTrue(fit.converged());
    assertEquals(fit.elboTrace().length, heard.size(), "the listener hears the fit of all rows only");
  }

  // -----------------------------------------------------------------------------------------------
  // Column layouts and types

  private static final int D = 3;

  private static double[][] vectorRows() {
    Random random = new Random(7);
    double[][] x = new double[200][D];
    for (double[] row : x) {
      for (int i = 0; i < D; i++) {
        row[i] = i == 1 && random.nextInt(4) == 0 ? 0 : i - 1 + random.nextGaussian();
      }
    }
    return x;
  }

  /**
   * x as array<double>, as an MLlib vector (some sparse), and as columns x[0], x[1], x[2] (an extra
   * column besides): the same fit.
   */
  @Test
  void vectorLayoutsReadTheSameValues() {
    double[][] x = vectorRows();
    List<Row> arrays = new ArrayList<>();
    List<Row> vectors = new ArrayList<>();
    List<Row> flat = new ArrayList<>();
    for (int n = 0; n < x.length; n++) {
      Double[] boxed = Arrays.stream(x[n]).boxed().toArray(Double[]::new);
      arrays.add(RowFactory.create(n, boxed));
      vectors.add(RowFactory.create(n, x[n][1] == 0 ? Vectors.dense(x[n]).toSparse() : Vectors.dense(x[n])));
      flat.add(RowFactory.create(n, x[n][0], x[n][1], x[n][2]));
    }
    List<Dataset<Row>> frames = List.of(
        frame(schema("id", DataTypes.IntegerType, "x", DataTypes.createArrayType(DataTypes.DoubleType)), arrays),
        frame(schema("id", DataTypes.IntegerType, "x", SQLDataTypes.VectorType()), vectors),
        frame(schema("id", DataTypes.IntegerType, "x[0]", DataTypes.DoubleType, "x[1]", DataTypes.DoubleType,
            "x[2]", DataTypes.DoubleType), flat));
    SplitModel model = new TestModels.VectorMean(null, null);
    FitOptions o = FitOptions.defaults().withMaxIterations(10).withTolerance(0);
    double[] start = new double[D + 1];
    start[D] = 1;
    double[] expected = inMemory(model, Map.of("x", x), start, o);
    double[] first = null;
    for (Dataset<Row> f : frames) {
      // the same rows in the same order in each partition, whatever the layout
      FitResult fit = SparkFit.fit(model, f.repartitionByRange(4, f.col("id")).sortWithinPartitions("id"), start, o);
      assertFollows(expected, fit.elboTrace(), f.schema().simpleString());
      if (first == null) {
        first = fit.elboTrace();
      } else {
        assertArrayEquals(first, fit.elboTrace(), f.schema().simpleString());
      }
    }
  }

  /** A CSV with a header x[0],x[1],x[2] and inferSchema: flat columns. */
  @Test
  void csvColumns(@TempDir Path dir) throws IOException {
    double[][] x = vectorRows();
    StringBuilder csv = new StringBuilder("label,x[0],x[1],x[2]\n");
    for (double[] row : x) {
      csv.append("a,").append(row[0]).append(',').append(row[1]).append(',').append(row[2]).append('\n');
    }
    Path file = Files.writeString(dir.resolve("x.csv"), csv);
    Dataset<Row> data = spark.read().option("header", "true").option("inferSchema", "true").csv(file.toString());
    FitOptions o = FitOptions.defaults().withMaxIterations(10).withTolerance(0);
    double[] start = new double[D + 1];
    start[D] = 1;
    SplitModel model = new TestModels.VectorMean(null, null);
    assertFollows(inMemory(model, Map.of("x", x), start, o), SparkFit.fit(model, data, start, o).elboTrace(), "csv");

    Dataset<Row> strings = spark.read().option("header", "true").csv(file.toString());
    DataException e = assertThrows(DataException.class, () -> SparkFit.fit(model, strings, o));
    assertTrue(e.getMessage().startsWith("x: the DataFrame column \"x[0]\" is a string column (a CSV read without"
        + " inferSchema?)"), e.getMessage());
  }

  /** Counts as int or bigint, nulls read as missing (-1) where the model allows them. */
  @Test
  void integerColumnsWithMissingValues() {
    Random random = new Random(11);
    int[] y = new int[150];
    List<Row> ints = new ArrayList<>();
    List<Row> longs = new ArrayList<>();
    for (int n = 0; n < y.length; n++) {
      y[n] = n % 10 == 0 ? -1 : random.nextInt(6);
      ints.add(RowFactory.create(y[n] < 0 ? null : y[n]));
      longs.add(RowFactory.create(y[n] < 0 ? null : (long) y[n]));
    }
    SplitModel model = new TestModels.Poisson();
    FitOptions o = FitOptions.defaults().withMaxIterations(5).withTolerance(0);
    double[] start = {1, 1};
    double[] expected = inMemory(model, Map.of("y", y), start, o);
    FitResult a = SparkFit.fit(model, frame(schema("y", DataTypes.IntegerType), ints).repartition(3), start, o);
    FitResult b = SparkFit.fit(model, frame(schema("y", DataTypes.LongType), longs).repartition(3), start, o);
    assertFollows(expected, a.elboTrace(), "int");
    assertArrayEquals(a.elboTrace(), b.elboTrace());
  }

  /**
   * A category column's size comes from all rows, not the sample; a group's rows are put in one
   * part (and numbered per part) unless the options say they already are.
   */
  @Test
  void categorySizesAndGroups() {
    List<Row> rows = new ArrayList<>();
    for (int n = 0; n < 200; n++) {
      rows.add(RowFactory.create(n == 150 ? 8 : n % 3, 1000L + 37 * (n % 7)));
    }
    Dataset<Row> data = frame(schema("c", DataTypes.IntegerType, "g", DataTypes.LongType), rows).repartition(4);
    SparkFit.Options sample = SparkFit.Options.defaults().withSampleRows(20);
    FitOptions o = FitOptions.defaults().withMaxIterations(3);
    double[] counts = SparkFit.fit(new TestModels.Counting(null), data, o, sample).posteriors().get("counts").mean();
    double parts = counts[3];
    assertEquals(200, counts[0], "rows");
    assertEquals(7, counts[1], "each group in one part");
    assertEquals(9, counts[2] / parts, "K = the largest category + 1, over all rows");
    double[] split = SparkFit.fit(new TestModels.Counting(null), data, o, sample.withGroupsPartitioned(true))
        .posteriors().get("counts").mean();
    assertTrue(split[1] > 7, "round-robin partitions split the groups: " + split[1]);
  }

  // -----------------------------------------------------------------------------------------------
  // A user's mistake: a message naming the column and the fix

  @Test
  void missingColumn() {
    Dataset<Row> data = frame(schema("X", DataTypes.DoubleType, "z", DataTypes.DoubleType),
        List.of(RowFactory.create(1.0, 2.0)));
    DataException e = assertThrows(DataException.class, () -> SparkFit.fit(new TestModels.Mixture(), data,
        FitOptions.defaults()));
    assertEquals("x", e.array());
    assertTrue(e.getMessage().contains("the DataFrame has no column \"x\", which the model reads (one real value per"
        + " row); names are matched exactly, and it has \"X\". Its columns: [X, z]. Rename a column to \"x\""),
        e.getMessage());
  }

  @Test
  void wrongTypes() {
    DataException string = assertThrows(DataException.class, () -> SparkFit.fit(new TestModels.Mixture(),
        frame(schema("x", DataTypes.StringType), List.of(RowFactory.create("1.5"))), FitOptions.defaults()));
    assertTrue(string.getMessage().startsWith("x: the DataFrame column \"x\" is a string column (a CSV read without"
        + " inferSchema?), but the model's x is real: read the CSV with option(\"inferSchema\", \"true\") or cast it,"
        + " e.g. col(\"x\").cast(\"double\")"), string.getMessage());

    DataException real = assertThrows(DataException.class, () -> SparkFit.fit(new TestModels.Poisson(),
        frame(schema("y", DataTypes.DoubleType), List.of(RowFactory.create(1.0))), FitOptions.defaults()));
    assertTrue(real.getMessage().startsWith("y: the DataFrame column \"y\" is double, but the model's y is integer"
        + " (counts): give an int or bigint column, e.g. col(\"y\").cast(\"int\")"), real.getMessage());

    DataException array = assertThrows(DataException.class, () -> SparkFit.fit(new TestModels.Mixture(),
        frame(schema("x", DataTypes.createArrayType(DataTypes.DoubleType)),
            List.of(RowFactory.create((Object) new Double[] {1.0}))), FitOptions.defaults()));
    assertTrue(array.getMessage().contains("holds a vector per row (array<double>), but the model's x is one real"
        + " value per row"), array.getMessage());

    DataException scalar = assertThrows(DataException.class, () -> SparkFit.fit(new TestModels.VectorMean(null, null),
        frame(schema("x", DataTypes.DoubleType), List.of(RowFactory.create(1.0))), FitOptions.defaults()));
    assertTrue(scalar.getMessage().contains("is double, one value per row, but the model's x is a vector of real"
        + " values per row: give an array<double> column \"x\", an MLlib vector column \"x\", or one column per"
        + " element named x[0], x[1], ..."), scalar.getMessage());
  }

  @Test
  void wrongWidths() {
    DataException flat = assertThrows(DataException.class, () -> SparkFit.fit(new TestModels.VectorMean(2, null),
        frame(schema("x[0]", DataTypes.DoubleType, "x[1]", DataTypes.DoubleType, "x[2]", DataTypes.DoubleType),
            List.of(RowFactory.create(1.0, 2.0, 3.0))), FitOptions.defaults()));
    assertTrue(flat.getMessage().startsWith("x: the DataFrame has 3 columns x[0] to x[2], but the model's x has 2"
        + " values per row"), flat.getMessage());

    DataException gap = assertThrows(DataException.class, () -> SparkFit.fit(new TestModels.VectorMean(null, null),
        frame(schema("x[0]", DataTypes.DoubleType, "x[2]", DataTypes.DoubleType), List.of(RowFactory.create(1.0,
            3.0))), FitOptions.defaults()));
    assertTrue(gap.getMessage().contains("x[0] to x[2] but not x[1]"), gap.getMessage());

    // found while a partition's part is made, past the driver's sample: no Spark stack trace
    List<Row> rows = new ArrayList<>();
    for (int n = 0; n < 40; n++) {
      rows.add(RowFactory.create((Object) (n == 37 ? new Double[] {1.0, 2.0, 3.0, 4.0} : new Double[] {1.0, 2.0,
          3.0})));
    }
    Dataset<Row> ragged = frame(schema("x", DataTypes.createArrayType(DataTypes.DoubleType)), rows).coalesce(2);
    DataException e = assertThrows(DataException.class, () -> SparkFit.fit(new TestModels.VectorMean(null, null),
        ragged, new double[] {0, 0, 0, 1}, FitOptions.defaults(), SparkFit.Options.defaults().withSampleRows(5)));
    assertTrue(e.getMessage().matches("x: row \\d+ of partition \\d+ \\(rows numbered from 0\\): a vector of 4 values,"
        + " but the rows of x have 3 \\(every row of x must have the same length\\)"), e.getMessage());
  }

  /** Names are matched exactly: "x" is read beside "X"; two columns named "x" are an error. */
  @Test
  void namesMatchedExactly() {
    List<Row> rows = new ArrayList<>();
    for (double x : mixtureX) {
      rows.add(RowFactory.create(-x, x, "a.b"));
    }
    Dataset<Row> data = frame(schema("X", DataTypes.DoubleType, "x", DataTypes.DoubleType, "x.y",
        DataTypes.StringType), rows).repartition(2);
    FitOptions o = FitOptions.defaults().withMaxIterations(5).withTolerance(0);
    double[] start = {-1, 1, 1, 1};
    assertFollows(inMemory(new TestModels.Mixture(), Map.of("x", mixtureX), start, o),
        SparkFit.fit(new TestModels.Mixture(), data, start, o).elboTrace(), "x beside X");

    DataException twice = assertThrows(DataException.class, () -> SparkFit.fit(new TestModels.Mixture(),
        frame(schema("a", DataTypes.DoubleType, "b", DataTypes.DoubleType), List.of(RowFactory.create(1.0, 2.0)))
            .toDF("x", "x"),
        FitOptions.defaults()));
    assertTrue(twice.getMessage().startsWith("x: the DataFrame has 2 columns named \"x\" (after a join?): drop or"
        + " rename all but one"), twice.getMessage());
  }

  @Test
  void nullWhereNoValueMayBeMissing() {
    List<Row> rows = new ArrayList<>();
    for (int n = 0; n < 20; n++) {
      rows.add(RowFactory.create(n == 13 ? null : (double) n));
    }
    DataException e = assertThrows(DataException.class, () -> SparkFit.fit(new TestModels.Mixture(),
        frame(schema("x", DataTypes.DoubleType), rows), new double[] {-1, 1, 1, 1}, FitOptions.defaults(),
        SparkFit.Options.defaults().withSampleRows(3)));
    assertTrue(e.getMessage().matches("x: row \\d+ of partition \\d+ \\(rows numbered from 0\\): a null, and the model"
        + " does not allow missing values of x: drop or fill those rows \\(Dataset.na\\(\\)\\)"), e.getMessage());
  }

  @Test
  void wrongStartLength() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkFit.fit(
        new TestModels.Mixture(), mixtureFrame(), new double[] {0, 1}, FitOptions.defaults()));
    assertTrue(e.getMessage().startsWith("startGlobals has 2 values, but the global factors of this model with these"
        + " sizes have 4"), e.getMessage());
  }
}
