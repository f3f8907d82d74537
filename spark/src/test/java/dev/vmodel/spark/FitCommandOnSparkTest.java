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
}
