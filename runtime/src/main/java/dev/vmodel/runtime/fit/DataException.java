package dev.vmodel.runtime.fit;

/**
 * Bad data given to a generated model: names the array, the position and what is wrong. Thrown
 * before any fitting starts, so nothing is computed from bad data.
 */
public final class DataException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String array;
  private final int row;
  private final int column;

  public DataException(String array, int row, int column, String message) {
    super(array + (row < 0 ? "" : "[" + row + (column < 0 ? "" : "][" + column) + "]") + ": " + message);
    this.array = array;
    this.row = row;
    this.column = column;
  }

  /** The data array's name in the model. */
  public String array() {
    return array;
  }

  /** The row (first index), or -1 when the problem is the array as a whole. */
  public int row() {
    return row;
  }

  /** The column (second index), or -1. */
  public int column() {
    return column;
  }
}
