package dev.vmodel.spark;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitBackend;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.stochastic.StochasticFit;
import dev.vmodel.runtime.stochastic.StochasticOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code vmodel fit --spark [MASTER]}: reads the rows with Spark (Parquet, or CSV with a header
 * row, by the path's extension; a directory is read as Parquet) and fits with {@link SparkFit}.
 * Run by {@code bin/vmodel} on a local master, or by {@code spark-submit} on a cluster (the master
 * then comes from spark-submit). A model compiled by the command line in memory has its class
 * files shipped to the executors as a jar ({@code SparkContext.addJar}).
 */
public final class SparkBackend implements SplitBackend {
  /** The resource listing the classes of a model compiled in memory (InMemoryCompiler.CLASS_LIST). */
  static final String CLASS_LIST = "META-INF/vmodel/generated-classes";

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public FitResult fit(SplitModel model, String data, String master, FitOptions options, PrintWriter log) {
    return onSpark("vmodel fit ", model, master, log, spark -> {
      Dataset<Row> rows = read(spark, data);
      log.printf(Locale.ROOT, "vmodel fit: on Spark %s, master %s, %d partitions of %s%n", spark.version(),
          spark.sparkContext().master(), rows.rdd().getNumPartitions(), data);
      log.flush();
      return SparkFit.fit(model, rows, options);
    });
  }

  @Override
  public FitResult fitStochastic(SplitModel model, String data, String master, StochasticOptions stochastic,
      FitOptions options, double holdout, StochasticFit.Listener listener, PrintWriter log) {
    return onSpark("vmodel fit --svi ", model, master, log, spark -> {
      Dataset<Row> read = read(spark, data);
      SparkRows rows = new SparkRows(model, read, stochastic.batchSize(), options.seed(), holdout);
      boolean grouped = model.columns().stream().anyMatch(SplitModel.Column::group);
      log.printf(Locale.ROOT, "vmodel fit --svi: on Spark %s, master %s: %s: %d rows in %d partitions, %d %s in %d"
          + " batches of %d%s, read a partition at a time; tau0 %s, kappa %s, %d epochs%n", spark.version(),
          spark.sparkContext().master(), data, rows.rows(), read.rdd().getNumPartitions(), rows.units(),
          grouped ? "groups" : "rows for training", rows.batchCount(), stochastic.batchSize(),
          holdout > 0 ? ", " + rows.heldOutUnits() + " held out" : "", stochastic.tau0(), stochastic.kappa(),
          stochastic.epochs());
      log.flush();
      StochasticFit.HeldOut held = holdout > 0 ? new StochasticFit.HeldOut(rows::heldOut, rows.heldOutUnits()) : null;
      return StochasticFit.run(model, rows, null, held, stochastic, options, listener);
    });
  }

  /**
   * Runs {@code work} on the active Spark session or a new one on {@code master} (the app named
   * {@code app} and the model's class), with the model's classes shipped to the executors; a
   * session this call created is stopped after it.
   */
  private static FitResult onSpark(String app, SplitModel model, String master, PrintWriter log,
      java.util.function.Function<SparkSession, FitResult> work) {
    SparkSession.Builder b = SparkSession.builder().appName(app + model.getClass().getSimpleName());
    if (master != null && !master.isEmpty()) {
      b.master(master);
    }
    boolean existed = SparkSession.getActiveSession().isDefined();
    SparkSession spark = b.getOrCreate();
    try {
      shipClasses(spark, model, log);
      return work.apply(spark);
    } finally {
      if (!existed) {
        spark.stop();
      }
    }
  }

  /** Parquet (a .parquet file or a directory), or CSV with a header row (a .csv file). */
  static Dataset<Row> read(SparkSession spark, String data) {
    String lower = data.toLowerCase(Locale.ROOT);
    try {
      if (lower.endsWith(".csv") || lower.endsWith(".csv.gz")) {
        return spark.read().option("header", "true").option("inferSchema", "true").csv(data);
      }
      return spark.read().parquet(data);
    } catch (RuntimeException e) {
      if (e.getClass().getSimpleName().equals("AnalysisException")) {
        throw new IllegalArgumentException(data + ": cannot be read as " + (lower.endsWith(".csv") ? "CSV" : "Parquet")
            + " (" + firstLine(e.getMessage()) + "); give a .parquet file or directory, or a .csv file with a"
            + " header row");
      }
      throw e;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * Writes the model's classes, if it was compiled in memory, to a jar that Spark sends to the
   * executors; a model class from the application's own jar needs nothing.
   */
  static void shipClasses(SparkSession spark, SplitModel model, PrintWriter log) {
    ClassLoader loader = model.getClass().getClassLoader();
    try (InputStream list = loader == null ? null : loader.getResourceAsStream(CLASS_LIST)) {
      if (list == null) {
        return;
      }
      String[] names = new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      Path dir = Files.createTempDirectory("vmodel-classes");
      Path jar = dir.resolve("vmodel-model-" + model.getClass().getSimpleName() + ".jar");
      try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
        for (String name : names) {
          String entry = name.replace('.', '/') + ".class";
          try (InputStream in = loader.getResourceAsStream(entry)) {
            if (in == null) {
              throw new IllegalStateException("the class file of " + name + " is missing from its loader");
            }
            out.putNextEntry(new JarEntry(entry));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            out.write(bytes.toByteArray());
            out.closeEntry();
          }
        }
      }
      jar.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      spark.sparkContext().addJar(jar.toUri().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model's classes for the executors", e);
    }
  }
}
