package dev.vmodel.cli.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Columns read from one data file: each column a list of cells (numbers, or NaN for empty /
 * "NaN" cells), with the file line of every row, so errors can point at file, row and column.
 * JSON arrays of rows become one column per entry, named like CSV headers (`x[0]`, `x[1]`).
 */
public record Table(String file, List<String> columns, Map<String, double[]> values, int[] lines) {
  public Table {
    columns = List.copyOf(columns);
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public int rows() {
    return lines.length;
  }
}
