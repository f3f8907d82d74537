package dev.vmodel.compiler.codegen;

import dev.vmodel.compiler.testdata.CsvFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file of an example: a header, then one row per plate element. A scalar array is the
 * column `name`, a vector row `name[0]`, `name[1]`, ... (or `name_0`, ...). An empty cell is
 * a missing value (NaN). The format of examples/README.md, read by {@link CsvFile}.
 */
record Table(List<String> header, List<String[]> rows) {
  Table {
    header = List.copyOf(header);
    rows = List.copyOf(rows);
  }

  static Table read(Path file) {
    CsvFile csv = CsvFile.read(file);
    return new Table(csv.header(), csv.rows());
  }

  int size() {
    return rows.size();
  }

  /** The first {@code n} rows. */
  Table head(int n) {
    return new Table(header, rows.subList(0, Math.min(n, rows.size())));
  }

  boolean has(String column) {
    return header.contains(column);
  }

  /** The columns of array {@code name}: `name` alone, or `name[j]` / `name_j` in j order. */
  List<String> columnsOf(String name) {
    if (has(name)) {
      return List.of(name);
    }
    Map<Integer, String> byIndex = new LinkedHashMap<>();
    for (String h : header) {
      for (String[] form : new String[][] {{name + "[", "]"}, {name + "_", ""}}) {
        if (h.startsWith(form[0]) && h.endsWith(form[1])) {
          String digits = h.substring(form[0].length(), h.length() - form[1].length());
          if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit)) {
            byIndex.put(Integer.parseInt(digits), h);
          }
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (int j = 0; j < byIndex.size(); j++) {
      String c = byIndex.get(j);
      if (c == null) {
        throw new IllegalArgumentException("columns of " + name + " are not numbered 0.." + (byIndex.size() - 1));
      }
      out.add(c);
    }
    return out;
  }

  double[] doubles(String column) {
    int c = index(column);
    double[] out = new double[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      String cell = rows.get(r)[c].trim();
      out[r] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
    }
    return out;
  }

  int[] ints(String column) {
    int c = index(column);
    int[] out = new int[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      out[r] = Integer.parseInt(rows.get(r)[c].trim());
    }
    return out;
  }

  /** The columns as rows x columns. */
  double[][] doubleRows(List<String> columns) {
    double[][] out = new double[rows.size()][columns.size()];
    for (int j = 0; j < columns.size(); j++) {
      double[] col = doubles(columns.get(j));
      for (int r = 0; r < rows.size(); r++) {
        out[r][j] = col[r];
      }
    }
    return out;
  }

  int[][] intRows(List<String> columns) {
    int[][] out = new int[rows.size()][columns.size()];
    for (int j = 0; j < columns.size(); j++) {
      int[] col = ints(columns.get(j));
      for (int r = 0; r < rows.size(); r++) {
        out[r][j] = col[r];
      }
    }
    return out;
  }

  private int index(String column) {
    int c = header.indexOf(column);
    if (c < 0) {
      throw new IllegalArgumentException("no column " + column + " in " + header);
    }
    return c;
  }
}
