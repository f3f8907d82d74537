package dev.vmodel.spark;

import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.stochastic.RowSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The minibatches of stochastic VI ({@link dev.vmodel.runtime.stochastic.StochasticFit}) read from a
 * Spark DataFrame (Parquet, CSV, any source Spark reads): a first job counts each partition's rows
 * (groups, for a model with a group column: the rows are then partitioned by group and sorted within
 * each partition, so a group's rows are contiguous) and reads the category counts; each epoch then
 * brings the partitions to the driver one at a time, in an order shuffled per epoch, and cuts each
 * into batches of {@code batchSize} rows (groups), also shuffled. The driver holds one partition at a
 * time: repartition a DataFrame whose partitions do not fit in the driver's memory.
 *
 * <p>Held-out data ({@code holdout} in (0, 0.5]): every round(1 / holdout)-th batch in partition
 * order (and at least the last one), as {@code CsvRows} holds them out; they are not trained on.
 */
public final class SparkRows implements RowSource {
  /** A batch: its partition, its first unit (row or group) in the partition and its units. */
  private record Batch(int partition, int from, int units) {}

  private final ColumnPlan plan;
  private final JavaRDD<Row> rdd;
  private final int groupField;
  private final long seed;
  private final List<Batch> training = new ArrayList<>();
  private final List<Batch> held = new ArrayList<>();
  private final Map<String, Integer> categories = new LinkedHashMap<>();
  private long rows;
  private long units;
  private long heldUnits;

  /** Batches of {@code batchSize} rows (groups) of {@code data}, none held out. */
  public SparkRows(SplitModel model, Dataset<Row> data, int batchSize, long seed) {
    this(model, data, batchSize, seed, 0);
  }

  /**
   * Batches of {@code batchSize} rows (groups) of {@code data}; with {@code holdout} in (0, 0.5],
   * every round(1 / holdout)-th batch held out of training.
   *
   * @throws dev.vmodel.runtime.fit.DataException if a column is missing or of the wrong type (on the
   *     driver, before any job), or a value is out of range (naming the partition and row)
   */
  public SparkRows(SplitModel model, Dataset<Row> data, int batchSize, long seed, double holdout) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    if (batchSize < 1) {
      throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
    }
    if (!(holdout >= 0 && holdout <= 0.5)) {
      throw new IllegalArgumentException("the held-out fraction must be in [0, 0.5], got " + holdout);
    }
    this.seed = seed;
    this.plan = ColumnPlan.of(model, data.schema());
    Dataset<Row> selected = plan.select(data);
    Column group = plan.groupColumn();
    this.groupField = plan.groupField();
    if (group != null) {
      // whole groups per partition, contiguous, in the order the rows came within each group
      int n = SparkPasses.run(() -> selected.javaRDD().getNumPartitions());
      String order = "_vmodel_order";
      Dataset<Row> numbered = selected.withColumn(order, functions.monotonically_increasing_id());
      this.rdd = numbered.repartition(n, group).sortWithinPartitions(group, functions.col(order)).drop(order)
          .javaRDD();
    } else {
      this.rdd = selected.javaRDD();
    }
    ColumnPlan p = plan;
    int gf = groupField;
    List<long[]> counts = new ArrayList<>();
    List<Map<String, Integer>> maxima = new ArrayList<>();
    List<Object[]> perPartition = SparkPasses.run(() -> rdd.mapPartitionsWithIndex((part, it) -> {
      List<Row> all = new ArrayList<>();
      it.forEachRemaining(all::add);
      long groups = countGroups(all, gf);
      Map<String, Integer> m = p.hasCategories() ? p.categoryMaxima(all.iterator(), "partition " + part)
          : Map.of();
      return List.<Object[]>of(new Object[] {part, (long) all.size(), groups, new LinkedHashMap<>(m)}).iterator();
    }, true).collect());
    for (Object[] o : perPartition) {
      counts.add(new long[] {(Integer) o[0], (Long) o[1], (Long) o[2]});
      @SuppressWarnings("unchecked")
      Map<String, Integer> m = (Map<String, Integer>) o[3];
      maxima.add(m);
    }
    for (Map<String, Integer> m : maxima) {
      m.forEach((k, v) -> {
        if (v >= 0) {
          categories.merge(k, v + 1, Math::max);
        }
      });
    }
    List<Batch> all = new ArrayList<>();
    for (long[] c : counts) {
      rows += c[1];
      long u = group != null ? c[2] : c[1];
      for (long from = 0; from < u; from += batchSize) {
        all.add(new Batch((int) c[0], (int) from, (int) Math.min(batchSize, u - from)));
      }
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("the DataFrame has no rows to fit");
    }
    int every = holdout > 0 && all.size() > 1 ? (int) Math.max(2, Math.round(1.0 / holdout)) : 0;
    for (int b = 0; b < all.size(); b++) {
      boolean out = every > 0 && (b % every == every - 1 || b == all.size() - 1 && held.isEmpty());
      (out ? held : training).add(all.get(b));
    }
    for (Batch b : training) {
      units += b.units;
    }
    for (Batch b : held) {
      heldUnits += b.units;
    }
  }

  /** The number of groups in rows sorted by group (-1 for no group column): changes of value, plus one. */
  private static long countGroups(List<Row> rows, int groupField) {
    if (groupField < 0) {
      return -1;
    }
    long groups = 0;
    Object last = null;
    for (Row r : rows) {
      Object g = r.get(groupField);
      if (groups == 0 || !Objects.equals(g, last)) {
        groups++;
        last = g;
      }
    }
    return groups;
  }

  @Override
  public long units() {
    return units;
  }

  /** The held-out units (rows or groups). */
  public long heldOutUnits() {
    return heldUnits;
  }

  /** The rows of the whole DataFrame, held-out ones included. */
  public long rows() {
    return rows;
  }

  /** The number of training batches. */
  public int batchCount() {
    return training.size();
  }

  @Override
  public Map<String, Integer> categories() {
    return Collections.unmodifiableMap(categories);
  }

  @Override
  public Iterator<Map<String, Object>> batches(long epoch) {
    return new Batches(training, new Random(seed * 31 + epoch));
  }

  /** The held-out batches, in partition order. */
  public Iterator<Map<String, Object>> heldOut() {
    return new Batches(held, null);
  }

  /** The batches of {@code which}, a partition at a time (partitions and their batches shuffled by {@code rng}). */
  private final class Batches implements Iterator<Map<String, Object>> {
    private final List<Integer> partitions = new ArrayList<>();
    private final Map<Integer, List<Batch>> byPartition = new LinkedHashMap<>();
    private final Random rng;
    private int nextPartition;
    private List<Row> rowsOfPartition;
    private List<int[]> ranges = new ArrayList<>(); // rows [from, to) of each batch of the current partition
    private int nextRange;
    private int partition;

    Batches(List<Batch> which, Random rng) {
      this.rng = rng;
      for (Batch b : which) {
        byPartition.computeIfAbsent(b.partition, k -> new ArrayList<>()).add(b);
      }
      partitions.addAll(byPartition.keySet());
      if (rng != null) {
        Collections.shuffle(partitions, rng);
      }
    }

    @Override
    public boolean hasNext() {
      while (nextRange >= ranges.size()) {
        if (nextPartition >= partitions.size()) {
          return false;
        }
        load(partitions.get(nextPartition++));
      }
      return true;
    }

    private void load(int p) {
      partition = p;
      List<Row>[] got = SparkPasses.run(() -> rdd.collectPartitions(new int[] {p}));
      rowsOfPartition = got[0];
      // the rows where each unit (row, or group) starts
      List<Integer> starts = new ArrayList<>();
      Object last = null;
      for (int i = 0; i < rowsOfPartition.size(); i++) {
        if (groupField < 0) {
          starts.add(i);
        } else {
          Object g = rowsOfPartition.get(i).get(groupField);
          if (i == 0 || !Objects.equals(g, last)) {
            starts.add(i);
            last = g;
          }
        }
      }
      starts.add(rowsOfPartition.size());
      ranges = new ArrayList<>();
      for (Batch b : byPartition.get(p)) {
        ranges.add(new int[] {starts.get(b.from), starts.get(b.from + b.units)});
      }
      if (rng != null) {
        Collections.shuffle(ranges, rng);
      }
      nextRange = 0;
    }

    @Override
    public Map<String, Object> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int[] r = ranges.get(nextRange++);
      return plan.arrays(rowsOfPartition.subList(r[0], r[1]).iterator(), "partition " + partition + ", rows "
          + r[0] + " to " + (r[1] - 1));
    }
  }
}
