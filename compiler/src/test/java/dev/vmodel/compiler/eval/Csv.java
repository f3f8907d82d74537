package dev.vmodel.compiler.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny CSV reader for the example data: a header row of column names (`y`, `x[0]`, `x_0`),
 * then one row per element of the first plate. Cells are numbers; an empty cell (or `NaN`) is
 * a missing value, read as NaN. No quoting: the data files have none.
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
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file, e);
    }
  }

  static Csv parse(String text) {
    List<String> lines = new ArrayList<>();
    for (String l : text.split("\\R")) {
      if (!l.isBlank()) {
        lines.add(l);
      }
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("empty CSV");
    }
    List<String> header = new ArrayList<>();
    for (String h : lines.get(0).split(",", -1)) {
      header.add(h.trim());
    }
    List<double[]> rows = new ArrayList<>();
    for (int r = 1; r < lines.size(); r++) {
      String[] cells = lines.get(r).split(",", -1);
      if (cells.length != header.size()) {
        throw new IllegalArgumentException("row " + r + " has " + cells.length + " cells, header has " + header.size());
      }
      double[] row = new double[cells.length];
      for (int c = 0; c < cells.length; c++) {
        String s = cells[c].trim();
        row[c] = s.isEmpty() || s.equalsIgnoreCase("nan") ? Double.NaN : Double.parseDouble(s);
      }
      rows.add(row);
    }
    return new Csv(header, rows);
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
