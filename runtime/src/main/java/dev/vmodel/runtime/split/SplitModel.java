package dev.vmodel.runtime.split;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A generated model whose sweep splits into a <em>local pass</em> over blocks of rows and a
 * <em>global update</em> from the rows' summed statistics: what a backend needs to run it on data
 * spread over machines ({@code vmodel-spark}) or read in pieces. Generated model classes implement
 * it when their plan splits (their global updates read the rows only through sums); the runner
 * needs no reflection.
 *
 * <p>The model object holds only sizes and hyperparameters, so it is serialisable and can be sent
 * to the machines that hold the rows.
 */
public interface SplitModel extends Serializable {
  /**
   * The data arrays on the row plate, in declaration order: what every row carries.
   */
  List<Column> columns();

  /**
   * A part of the data: {@code arrays} maps each column's name to its values for this part's
   * rows, as the generated {@code Data} setter takes them ({@code double[]}, {@code double[][]},
   * {@code int[]}, {@code int[][]}). The values are validated as {@code fit} validates them.
   *
   * @throws dev.vmodel.runtime.fit.DataException if an array is missing, ragged or out of range
   */
  SplitPart part(Map<String, Object> arrays);

  /**
   * This model with the sizes {@code sizes} (by their names in the model) set where the builder
   * left them unset: a runner that sees all the data sets the sizes a sample cannot tell (the
   * number of categories of a column, {@link Column#categories}) before making the parts.
   */
  SplitModel withSizes(Map<String, Integer> sizes);

  /**
   * One data array on the row plate.
   *
   * @param name the array's name in the model (and the generated {@code Data} setter)
   * @param integer whether its values are integers (categories or counts)
   * @param vector whether each row holds a vector of values (a component dimension) rather than one
   * @param width the vector's length where a literal fixes it, else -1 (a size, taken from the data)
   * @param missingAllowed whether a value may be missing (NaN, or -1 for integers)
   * @param categories the size whose values 0..size-1 the column's categories range over, or null
   * @param group whether the column names each row's group (a document) whose local factors a part
   *     holds: every group's rows must be in one part, and a part numbers its groups 0, 1, ...
   *     ({@link SplitRows#renumberGroups})
   */
  record Column(String name, boolean integer, boolean vector, int width, boolean missingAllowed, String categories,
      boolean group) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Which columns a prediction of new rows has (the record {@code vmodel predict} and Spark's
   * transform make of the generated {@code Result.predict}), as the compiler decided them from the
   * plan; null for a model that does not say (a hand-written one).
   */
  default dev.vmodel.runtime.fit.PredictionRecords.Layout predictionLayout() {
    return null;
  }
}
