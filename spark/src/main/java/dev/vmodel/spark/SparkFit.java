package dev.vmodel.spark;

import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitFit;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.split.SplitPart;
import dev.vmodel.runtime.split.SplitRows;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Fits a generated model that splits ({@link SplitModel}) on the rows of a Spark DataFrame: the
 * local factors of each partition's rows live in a part ({@link SplitPart}) kept in memory on the
 * executor that read them; each sweep broadcasts the global factors, runs every part's local pass
 * and adds their row statistics up for the driver's global updates ({@link SplitFit}).
 *
 * <p>How it goes:
 *
 * <ol>
 *   <li>The DataFrame's schema is checked against {@link SplitModel#columns()} on the driver before
 *       any job; a missing column, a wrong type or a wrong vector width throws a {@link
 *       DataException} naming the column and what would fix it. A model column is read from the
 *       DataFrame column of the same name (matched exactly; other columns are not read); a vector
 *       column also from an {@code array<double>} / {@code array<int>} column, an MLlib vector
 *       column ({@code VectorUDT}, sparse or dense), or flat columns {@code x[0]}, {@code x[1]},
 *       ... as a CSV header gives them. Real columns take any numeric type; integer columns
 *       {@code int}, {@code bigint}, {@code smallint}, {@code tinyint}, decimals of scale 0 and
 *       booleans (0/1), and MLlib vectors of whole numbers (counts). A null is a missing value (NaN,
 *       or -1 for an integer) where the column allows missing values, else a {@link DataException}
 *       naming the partition and row.
 *   <li>Where the model has category columns (other than a group column), one job takes their
 *       largest values, and the model gets those sizes ({@link SplitModel#withSizes}).
 *   <li>A sample of the first {@link Options#sampleRows()} rows (10,000 by default) is collected to
 *       the driver and made the driver's part. Its {@link SplitPart#pinned()} model, with the sizes
 *       fixed, makes every executor's part, so that all parts have the same sizes; a vector column
 *       whose width the model leaves to the data must have the sample's width in every row.
 *   <li>One part per non-empty partition ({@code mapPartitions}), persisted {@code MEMORY_ONLY}:
 *       the parts are not serialisable and never leave their executor. If the model has a group
 *       column (the documents of LDA), the rows are first repartitioned by it (a shuffle, keeping
 *       the number of partitions) so that each group's rows are in one part, unless
 *       {@link Options#withGroupsPartitioned} says they are.
 *   <li>Without start values, the start is a fit of the driver's sample alone, in memory
 *       ({@code SplitFit.run} with one part), as MLlib's k-means and mixtures start from a sample;
 *       its global factors start the fit of all rows ({@link SplitFit#run(SplitPart,
 *       dev.vmodel.runtime.split.LocalPasses, double[], FitOptions)}). The options' listener hears
 *       only the fit of all rows.
 * </ol>
 *
 * <p>The executors' parts use {@code spark.task.cpus} threads for their element loops, whatever
 * {@link FitOptions#threads()} says (the result does not depend on it). {@link
 * FitOptions#restarts()} is not used: a split fit has one start. The row statistics are added in
 * a fixed order (in partition order, in a tree of depth 2 for many partitions), not in the order
 * tasks finish as {@code treeAggregate} adds them: the same partitions holding the same rows in the
 * same order give the same fit bitwise; another partitioning gives the same fit up to the order of
 * floating-point sums. (The repartition by a group column is a shuffle, after which the rows of a
 * partition may come in another order from run to run.)
 *
 * <p>A lost part (its cached block evicted for lack of storage memory, or its executor lost) ends
 * the fit with an {@link IllegalStateException} saying so, rather than silently restarting that
 * part's local factors. On a cluster, keep {@code spark.locality.wait} high enough that each pass
 * runs where its part is.
 */
public final class SparkFit {
  private SparkFit() {}

  /** How the DataFrame becomes parts. Immutable; the {@code with...} methods return copies. */
  public static final class Options {
    /** The default of {@link #withSampleRows}. */
    public static final int DEFAULT_SAMPLE_ROWS = 10_000;

    private final int sampleRows;
    private final boolean groupsPartitioned;

    private Options(int sampleRows, boolean groupsPartitioned) {
      if (sampleRows < 1) {
        throw new IllegalArgumentException("sampleRows must be at least 1, got " + sampleRows);
      }
      this.sampleRows = sampleRows;
      this.groupsPartitioned = groupsPartitioned;
    }

    /** A sample of {@value #DEFAULT_SAMPLE_ROWS} rows; rows repartitioned by a group column. */
    public static Options defaults() {
      return new Options(DEFAULT_SAMPLE_ROWS, false);
    }

    /**
     * How many rows (the first ones, {@code Dataset.takeAsList}) the driver's part holds: the rows
     * the sizes are taken from and, without start values, the start is fitted to.
     */
    public Options withSampleRows(int n) {
      return new Options(n, groupsPartitioned);
    }

    /**
     * Whether each group's rows (a group column's, {@link SplitModel.Column#group()}) are already
     * in one partition, as after {@code repartition(col(group))}: then they are not repartitioned.
     * A group split over partitions is fitted as two groups.
     */
    public Options withGroupsPartitioned(boolean p) {
      return new Options(sampleRows, p);
    }

    public int sampleRows() {
      return sampleRows;
    }

    public boolean groupsPartitioned() {
      return groupsPartitioned;
    }
  }

  /**
   * The rows of {@code data} with their local posteriors under {@code fit} as added columns, as
   * MLlib's models' {@code transform} gives them: {@link #transform(FitResult, Dataset, FitOptions,
   * Options)} with {@link FitOptions#defaults()}.
   */
  public static Dataset<Row> transform(FitResult fit, Dataset<Row> data) {
    return transform(fit, data, FitOptions.defaults(), Options.defaults());
  }

  /** {@link #transform(FitResult, Dataset, FitOptions, Options)} with {@link Options#defaults()}. */
  public static Dataset<Row> transform(FitResult fit, Dataset<Row> data, FitOptions options) {
    return transform(fit, data, options, Options.defaults());
  }

  /**
   * The rows of {@code data} with columns added from the generated {@code Result.predict} of each
   * partition's rows on the executors, with the global factors held at {@code fit} (a {@code
   * Result} of {@link #fit}, or of the generated {@code fit} or {@code load}, of a model that
   * splits): {@code logPredictive} where the model has it in closed form; for each local factor of
   * the rows, for a categorical {@code z} its probabilities {@code z_probability} ({@code
   * array<double>}) and most probable value {@code z_prediction}, else its posterior mean ({@code
   * h}: an {@code array<double>}, or a double for a scalar); a factor of a group of rows (LDA's
   * {@code theta} of a document) is its group's value on each of the group's rows; for each real
   * observed array with a predictive mean, {@code y_mean} and {@code y_variance}. The rows keep
   * their order, but for a model with a group column, whose rows are repartitioned by group (unless
   * {@code spark} says they are already) as {@link #fit} does. docs/spark.md, "transform", lists the
   * columns of each example.
   *
   * <p>{@code options} drive the coordinate ascent over each partition's local factors ({@code
   * predict}'s: at most {@code maxIterations()} sweeps, to {@code tolerance()}, from {@code seed()}).
   * The posterior is broadcast once, as its saved JSON; no row reaches the driver but the first 64,
   * whose prediction on the driver decides the added columns (and reports their bad data early).
   * The result is lazy, as any {@code transform}: bad data further on is a {@link DataException}
   * (in Spark's job failure) naming the partition and row when an action runs.
   *
   * @throws DataException if a column the model reads is missing or of the wrong type, as {@link
   *     #fit} says it, or the first rows hold a bad value
   * @throws IllegalArgumentException if {@code data} has no rows or already has a column that
   *     transform adds, or if the model gives nothing to predict for new rows
   */
  public static Dataset<Row> transform(FitResult fit, Dataset<Row> data, FitOptions options, Options spark) {
    Objects.requireNonNull(fit, "fit");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(spark, "spark");
    return SparkTransform.transform(fit, data, options, spark);
  }

  /** Fits {@code model} to the rows of {@code data}, from a fit of a sample of them (see the class comment). */
  public static FitResult fit(SplitModel model, Dataset<Row> data, FitOptions options) {
    return fit(model, data, null, options, Options.defaults());
  }

  /**
   * Fits {@code model} to the rows of {@code data} from the global factors {@code startGlobals} (a
   * part's {@link SplitPart#globals()} of the same model and sizes).
   */
  public static FitResult fit(SplitModel model, Dataset<Row> data, double[] startGlobals, FitOptions options) {
    return fit(model, data, Objects.requireNonNull(startGlobals, "startGlobals"), options, Options.defaults());
  }

  /** {@link #fit(SplitModel, Dataset, FitOptions)} with the options {@code spark}. */
  public static FitResult fit(SplitModel model, Dataset<Row> data, FitOptions options, Options spark) {
    return fit(model, data, null, options, spark);
  }

  /**
   * Fits {@code model} to the rows of {@code data} from the global factors {@code startGlobals},
   * or, if it is null, from a fit of the driver's sample.
   *
   * @throws DataException if a column the model reads is missing, of the wrong type or width, or a
   *     value is bad (found while the parts are made, named with its partition and row)
   * @throws IllegalArgumentException if the DataFrame has no rows or {@code startGlobals} has the
   *     wrong length
   */
  public static FitResult fit(SplitModel model, Dataset<Row> data, double[] startGlobals, FitOptions options,
      Options spark) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(spark, "spark");
    ColumnPlan plan = ColumnPlan.of(model, data.schema());
    Dataset<Row> selected = plan.select(data);
    JavaSparkContext context = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());

    SplitModel sized = model;
    if (plan.hasCategories()) {
      Map<String, Integer> maxima = SparkPasses.run(() -> selected.javaRDD()
          .mapPartitionsWithIndex((p, rows) -> List.of(plan.categoryMaxima(rows, "partition " + p)).iterator(), false)
          .reduce((a, b) -> {
            Map<String, Integer> m = new LinkedHashMap<>(a);
            b.forEach((k, v) -> m.merge(k, v, Math::max));
            return m;
          }));
      Map<String, Integer> sizes = new LinkedHashMap<>();
      maxima.forEach((k, v) -> {
        if (v >= 0) {
          sizes.put(k, v + 1);
        }
      });
      sized = model.withSizes(sizes);
    }

    List<Row> sample = SparkPasses.run(() -> selected.takeAsList(spark.sampleRows()));
    if (sample.isEmpty()) {
      throw new IllegalArgumentException("the DataFrame has no rows to fit");
    }
    String sampled = "the driver's sample of the first " + sample.size() + " rows";
    Map<String, Object> arrays = plan.arrays(sample.iterator(), sampled);
    ColumnPlan shipped = plan.pinWidths(arrays);
    SplitPart driver;
    try {
      SplitRows.renumberGroups(sized, arrays);
      driver = sized.part(arrays);
    } catch (DataException e) {
      throw SparkPasses.located(e, "in " + sampled + ", numbered from 0");
    }
    SplitModel pinned = driver.pinned();

    double[] start;
    if (startGlobals == null && plan.groupColumn() != null) {
      // a model with groups (LDA): the generated fit's own start (the globals drawn around their
      // prior); a fit of the sample's few documents is a poor start (bench/spark_compare.sh: it
      // stays below MLlib's held-out bound for 40 sweeps, where this start passes it at sweep 8)
      driver.start(options.seed(), options);
      start = driver.globals().clone();
    } else if (startGlobals == null) {
      // the start: the sample's own fit, as MLlib starts from a sample
      SplitFit.run(driver, SplitFit.inMemory(List.of(driver)), options.withListener(null));
      start = driver.globals().clone();
    } else {
      int expected = driver.globals().length;
      if (startGlobals.length != expected) {
        throw new IllegalArgumentException("startGlobals has " + startGlobals.length + " values, but the global factors"
            + " of this model with these sizes have " + expected + " (give a part's globals() of the same model and sizes)");
      }
      start = startGlobals.clone();
    }

    Dataset<Row> blocks = selected;
    Column group = plan.groupColumn();
    if (group != null && !spark.groupsPartitioned()) {
      int n = SparkPasses.run(() -> selected.javaRDD().getNumPartitions());
      blocks = selected.repartition(n, group);
    }
    JavaRDD<Row> rows = blocks.javaRDD();
    JavaRDD<SparkPasses.Held> parts = rows
        .mapPartitionsWithIndex((p, it) -> SparkPasses.build(shipped, pinned, p, it), true)
        .setName("vmodel parts of " + model.getClass().getSimpleName())
        .persist(StorageLevel.MEMORY_ONLY());
    try {
      List<Long> counts = SparkPasses.run(() -> parts.map(h -> h.part.rows()).collect());
      if (counts.isEmpty()) {
        throw new IllegalArgumentException("the DataFrame has no rows to fit");
      }
      int threads = context.getConf().getInt("spark.task.cpus", 1);
      return SplitFit.run(driver, new SparkPasses(context, parts, threads), start, options);
    } finally {
      parts.unpersist(false);
    }
  }
}
