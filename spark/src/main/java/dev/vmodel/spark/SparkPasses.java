package dev.vmodel.spark;

import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.split.LocalPasses;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.split.SplitPart;
import dev.vmodel.runtime.split.SplitRows;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * The parts of a split fit in a Spark RDD, one per non-empty partition, kept in memory on the
 * executor that built it ({@link Held}): each call runs one job over them and adds their row
 * statistics up.
 *
 * <p>The statistics are added in a fixed order whatever the timing of the tasks: with few
 * partitions the driver adds them in partition order; with more, blocks of about sqrt(n)
 * consecutive partitions are added on the executors (in partition order, after a shuffle sorted
 * by partition), and the driver adds the blocks' sums in block order. This is a tree aggregation
 * of depth 2 like {@code RDD.treeAggregate}, whose sums instead follow the order in which tasks
 * finish: here a fit on the same DataFrame with the same partitioning gives the same result
 * bitwise.
 */
final class SparkPasses implements LocalPasses {
  /** A part where it was built, with its partition's index. Never serialised: it stays on its executor. */
  static final class Held {
    final int partition;
    final SplitPart part;
    volatile boolean started;

    Held(int partition, SplitPart part) {
      this.partition = partition;
      this.part = part;
    }
  }

  /** The {@link FitOptions} the executors' parts start with (without the listener, which stays on the driver). */
  record ExecutorOptions(int maxIterations, double tolerance, long seed, int restarts, FitOptions.Init init,
      boolean checkMonotone, int threads, int localIterations, boolean localRestarts) implements Serializable {
    static ExecutorOptions of(FitOptions o, int threads) {
      return new ExecutorOptions(o.maxIterations(), o.tolerance(), o.seed(), o.restarts(), o.init(), o.checkMonotone(),
          threads, o.localIterations(), o.localRestarts());
    }

    FitOptions options() {
      return FitOptions.defaults().withMaxIterations(maxIterations).withTolerance(tolerance).withSeed(seed)
          .withRestarts(restarts).withInit(init).withCheckMonotone(checkMonotone).withThreads(threads)
          .withLocalIterations(localIterations).withLocalRestarts(localRestarts);
    }
  }

  /** A part's cached block was lost (evicted, never stored, or its executor died) and its partition rebuilt. */
  static final class PartLostException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PartLostException(int partition) {
      super("the part of partition " + partition + " was not kept in memory (its cached block was evicted or never"
          + " stored for lack of storage memory, or its executor was lost), so its local factors were lost: give the"
          + " executors more memory (spark.executor.memory, spark.memory.fraction) or the DataFrame more partitions,"
          + " and set spark.locality.wait high enough that each pass runs where its part is");
    }
  }

  private final JavaSparkContext context;
  private final JavaRDD<Held> parts;
  private final int partitions;
  private final int threads;

  /**
   * @param parts the parts, persisted in memory ({@link #build})
   * @param threads the threads of each part's element loops (a task's cores, {@code spark.task.cpus})
   */
  SparkPasses(JavaSparkContext context, JavaRDD<Held> parts, int threads) {
    this.context = context;
    this.parts = parts;
    this.partitions = parts.getNumPartitions();
    this.threads = threads;
  }

  /**
   * The part of partition {@code partition} from its rows {@code rows}, made with {@code model}
   * (the driver's pinned model, so every part has the same sizes): none for an empty partition.
   */
  static Iterator<Held> build(ColumnPlan plan, SplitModel model, int partition, Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return Collections.emptyIterator();
    }
    String where = "partition " + partition;
    Map<String, Object> arrays = plan.arrays(rows, where);
    try {
      SplitRows.renumberGroups(model, arrays);
      return List.of(new Held(partition, model.part(arrays))).iterator();
    } catch (DataException e) {
      throw located(e, "in " + where + ", rows numbered from 0");
    }
  }

  /** {@code e} with {@code where} added to its message. */
  static DataException located(DataException e, String where) {
    String prefix = e.array() + (e.row() < 0 ? "" : "[" + e.row() + (e.column() < 0 ? "" : "][" + e.column()) + "]")
        + ": ";
    String m = e.getMessage();
    String detail = m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    DataException out = new DataException(e.array(), e.row(), e.column(), detail + " (" + where + ")");
    out.initCause(e);
    return out;
  }

  @Override
  public double[] start(long seed, FitOptions options) {
    ExecutorOptions o = ExecutorOptions.of(options, threads);
    return sum(parts.mapPartitionsToPair(each(h -> {
      double[] s = h.part.start(seed + h.partition, o.options());
      h.started = true;
      return s;
    }, false)), partitions);
  }

  @Override
  public double[] pass(double[] globals) {
    Broadcast<double[]> g = context.broadcast(globals);
    try {
      return sum(parts.mapPartitionsToPair(each(h -> {
        h.part.globals(g.value().clone());
        return h.part.localPass();
      }, true)), partitions);
    } finally {
      g.destroy();
    }
  }

  @Override
  public double[] startFrom(double[] globals) {
    Broadcast<double[]> g = context.broadcast(globals);
    try {
      return sum(parts.mapPartitionsToPair(each(h -> {
        h.part.globals(g.value().clone());
        return h.part.localStart();
      }, true)), partitions);
    } finally {
      g.destroy();
    }
  }

  /** What a job does to one part. */
  interface Step extends Serializable {
    double[] apply(Held h);
  }

  /** {@code step} on the partition's part, if it has one, keyed by the partition's index. */
  private static PairFlatMapFunction<Iterator<Held>, Integer, double[]> each(Step step, boolean started) {
    return it -> {
      if (!it.hasNext()) {
        return Collections.emptyIterator();
      }
      Held h = it.next();
      if (started && !h.started) {
        throw new PartLostException(h.partition);
      }
      return List.of(new Tuple2<>(h.partition, step.apply(h))).iterator();
    };
  }

  /** Sends keys 0, 1, ... (partition indices) in blocks of {@code scale} to partitions 0, 1, ... */
  static final class Blocks extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int blocks;
    private final int scale;

    Blocks(int blocks, int scale) {
      this.blocks = blocks;
      this.scale = scale;
    }

    @Override
    public int numPartitions() {
      return blocks;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key / scale;
    }
  }

  /**
   * The statistics {@code stats} (keyed by the index of their partition, of {@code n}) added up in
   * the order of the keys, in a tree of depth 2 where {@code n} is large enough.
   */
  static double[] sum(JavaPairRDD<Integer, double[]> stats, int n) {
    int scale = Math.max((int) Math.ceil(Math.sqrt(n)), 2);
    int blocks = (n + scale - 1) / scale;
    List<Tuple2<Integer, double[]>> sums;
    if (n <= scale + blocks) {
      sums = run(stats::collect);
    } else {
      sums = run(() -> stats.repartitionAndSortWithinPartitions(new Blocks(blocks, scale)).mapPartitionsToPair(it -> {
        if (!it.hasNext()) {
          return Collections.<Tuple2<Integer, double[]>>emptyIterator();
        }
        Tuple2<Integer, double[]> first = it.next();
        double[] s = first._2().clone();
        while (it.hasNext()) {
          SplitPart.add(s, it.next()._2());
        }
        return List.of(new Tuple2<>(first._1() / scale, s)).iterator();
      }).collect());
    }
    List<Tuple2<Integer, double[]>> ordered = new ArrayList<>(sums);
    ordered.sort(Comparator.comparing(Tuple2::_1));
    if (ordered.isEmpty()) {
      throw new IllegalStateException("no part has rows");
    }
    double[] sum = ordered.get(0)._2().clone();
    for (int i = 1; i < ordered.size(); i++) {
      SplitPart.add(sum, ordered.get(i)._2());
    }
    return sum;
  }

  /**
   * Runs a Spark job, rethrowing a user's mistake found on an executor (bad data, a lost part) as
   * itself rather than wrapped in Spark's job failure.
   */
  static <T> T run(Supplier<T> job) {
    try {
      return job.get();
    } catch (Exception e) { // SparkException is a checked exception that Scala throws undeclared
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof DataException d) {
          throw d;
        }
        if (t instanceof PartLostException p) {
          throw p;
        }
        if (t.getCause() == t) {
          break;
        }
      }
      throw SparkPasses.<RuntimeException>sneaky(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E sneaky(Exception e) throws E {
    throw (E) e;
  }
}
