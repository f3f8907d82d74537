package dev.vmodel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.VModelCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmodel fit MODEL --data FILE --spark MASTER} end to end, in this JVM (the command line
 * finds {@link SparkBackend} by ServiceLoader, compiles the model in memory and ships its classes
 * to the executors as a jar): it reaches the single-JVM fit's ELBO on the example, writes the
 * posterior, and says why a model that does not split cannot run on Spark.
 */
class FitCommandOnSparkTest {
  @TempDir static Path dir;

  @BeforeAll
  static void session() {
    TestSpark.session();
  }

  record Run(int status, String out, String err) {}

  static Run vmodel(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = VModelCli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(status, out.toString(), err.toString());
  }

  static double elbo(String summary) {
    Matcher m = Pattern.compile("ELBO = (-?[0-9.]+)").matcher(summary);
    assertTrue(m.find(), summary);
    return Double.parseDouble(m.group(1));
  }

  static String example(String name) {
    return Path.of("..", "examples", name).toAbsolutePath().normalize().toString();
  }

  @Test
  void theGaussianMixtureOnSparkReachesTheSingleJvmFit() throws Exception {
    Path out = dir.resolve("fit.json");
    Run spark = vmodel("fit", example("gaussian-mixture.vmodel"), "--data", example("data/gaussian-mixture.csv"),
        "--set", "K=3", "--spark", "local[2]", "--out", out.toString(), "--no-cache");
    assertEquals(0, spark.status(), spark.err());
    assertTrue(spark.out().contains("on Spark"), spark.out());
    assertTrue(spark.out().contains("q(z) ~ Categorical: local factors, not kept (one per row or group of the data)"),
        spark.out());
    Run single = vmodel("fit", example("gaussian-mixture.vmodel"), "--data", example("data/gaussian-mixture.csv"),
        "--set", "K=3", "--no-cache");
    assertEquals(0, single.status(), single.err());
    assertEquals(elbo(single.out()), elbo(spark.out()), 1e-5);
    String json = Files.readString(out);
    assertTrue(json.contains("\"pi\"") && json.contains("\"mu, Lambda\""), json);
  }

  @Test
  void aModelThatDoesNotSplitIsRefusedWithTheReason() {
    Run r = vmodel("fit", example("regime-switching.vmodel"), "--data", example("data/regime-switching.csv"),
        "--spark", "local[2]");
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("cannot run on Spark") && r.err().contains("Markov chain"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void aColumnTheModelDoesNotHaveIsNamed() {
    Run r = vmodel("fit", example("gaussian-mixture.vmodel"), "--data", example("data/lda.csv"), "--spark",
        "local[2]");
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("no column \"x\"") && r.err().contains("[doc, w]"), r.err());
    assertFalse(r.err().contains("at org.apache"), r.err());
  }

  /**
   * {@code --svi --spark}: stochastic VI reading Parquet through Spark a partition at a time, with
   * held-out batches; within 5% per row of the batch fit (as {@code --svi} from a CSV file).
   */
  @Test
  void stochasticViReadsParquetThroughSpark() throws Exception {
    Path parquet = dir.resolve("gmm.parquet");
    GeneratedModelsSparkTest.csv("gaussian-mixture").repartition(3).write().parquet(parquet.toString());
    Run svi = vmodel("fit", example("gaussian-mixture.vmodel"), "--data", parquet.toString(), "--set", "K=3",
        "--svi", "--spark", "local[2]", "--batch-size", "40", "--epochs", "40", "--kappa", "0.51", "--tau0", "1",
        "--holdout", "0.1", "--no-cache");
    assertEquals(0, svi.status(), svi.err());
    assertTrue(svi.err().contains("read a partition at a time") && svi.err().contains("held out"), svi.err());
    assertTrue(svi.err().contains("epoch  40") && svi.err().contains("held-out bound per row"), svi.err());
    assertTrue(svi.out().contains("stochastic VI on Spark") && svi.out().contains(" steps in "), svi.out());
    Matcher training = Pattern.compile("(\\d+) rows for training").matcher(svi.err());
    assertTrue(training.find(), svi.err());
    double perRow = elbo(svi.out()) / Double.parseDouble(training.group(1));
    Run single = vmodel("fit", example("gaussian-mixture.vmodel"), "--data", example("data/gaussian-mixture.csv"),
        "--set", "K=3", "--no-cache");
    assertEquals(0, single.status(), single.err());
    long n = Files.lines(Path.of(example("data/gaussian-mixture.csv"))).count() - 1;
    double batchPerRow = elbo(single.out()) / n;
    assertEquals(batchPerRow, perRow, 0.05 * Math.abs(batchPerRow), svi.err());
  }

  @Test
  void stochasticViOnSparkNamesAMissingColumn() {
    Run r = vmodel("fit", example("gaussian-mixture.vmodel"), "--data", example("data/lda.csv"), "--svi", "--spark",
        "local[2]");
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("no column \"x\"") && r.err().contains("[doc, w]"), r.err());
    assertFalse(r.err().contains("at org.apache"), r.err());
  }
}
