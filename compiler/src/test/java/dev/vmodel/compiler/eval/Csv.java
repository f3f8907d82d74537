package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.testdata.CsvFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example data as numbers: a header row of column names (`y`, `x[0]`, `x_0`), then one row
 * per element of the first plate, read by {@link CsvFile}. Cells are numbers; an empty cell (or
 * `NaN`) is a missing value, read as NaN.
 */
final class Csv {
  private final List<String> header;
  private final Map<String, Integer> index = new LinkedHashMap<>();
  private final List<double[]> rows;

  private Csv(List<String> header, List<double[]> rows) {
    this.header = List.copyOf(header);
    this.rows = rows;
    for (int i = 0; i < header.size(); i++) {
      index.put(canonical(header.get(i)), i);
    }
  }

  static Csv read(Path file) {
    return of(CsvFile.read(file));
  }

  static Csv parse(String text) {
    return of(CsvFile.parse("csv", text));
  }

  private static Csv of(CsvFile file) {
    List<double[]> rows = new ArrayList<>();
    for (String[] cells : file.rows()) {
      double[] row = new double[cells.length];
      for (int c = 0; c < cells.length; c++) {
        String s = cells[c];
        row[c] = s.isEmpty() || s.equalsIgnoreCase("nan") ? Double.NaN : Double.parseDouble(s);
      }
      rows.add(row);
    }
    return new Csv(file.header(), rows);
  }

  /** `x_0` and `x[0]` name the same column. */
  private static String canonical(String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.*)_(\\d+)$").matcher(name);
    return m.matches() ? m.group(1) + "[" + m.group(2) + "]" : name;
  }

  int rowCount() {
    return rows.size();
  }

  List<String> header() {
    return header;
  }

  boolean has(String column) {
    return index.containsKey(canonical(column));
  }

  /** The number of columns `name[0]`, `name[1]`, ... (consecutive from 0). */
  int componentCount(String name) {
    int k = 0;
    while (has(name + "[" + k + "]")) {
      k++;
    }
    return k;
  }

  double get(int row, String column) {
    Integer c = index.get(canonical(column));
    if (c == null) {
      throw new IllegalArgumentException("no column " + column + " in " + header);
    }
    return rows.get(row)[c];
  }
}
