package dev.vmodel.runtime.stochastic;

import java.util.Iterator;
import java.util.Map;

/**
 * Where a stochastic fit reads its minibatches: a file streamed from disk ({@link CsvRows}), arrays
 * in memory ({@link ArrayRows}), or anything a user implements (a database cursor, a Kafka
 * consumer). A batch is a map from each data array's name to its values for the batch's rows, as
 * {@link dev.vmodel.runtime.split.SplitModel#part} takes them. A model with a group column (LDA's
 * {@code doc}) gets whole groups per batch.
 */
public interface RowSource {
  /**
   * The size of the whole data set in the units batches are counted in: rows, or groups for a
   * model with a group column. Known before the first batch (counted by a first pass, or given);
   * a stochastic fit scales a batch's statistics by {@code units() / units in the batch}.
   */
  long units();

  /** The number of categories of each categorical column over all the data, by size name (may be empty). */
  Map<String, Integer> categories();

  /** The batches of one pass over the data, in an order that may depend on {@code epoch} (shuffled). */
  Iterator<Map<String, Object>> batches(long epoch);
}
