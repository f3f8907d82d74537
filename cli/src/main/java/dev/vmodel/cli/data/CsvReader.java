package dev.vmodel.cli.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CSV file with a header row: comma-separated, optional double quotes around cells, empty
 * cells and `NaN` as missing values. Every row must have as many cells as the header.
 */
public final class CsvReader {
  private CsvReader() {}

  public static Table read(Path path) throws DataError {
    String file = path.toString();
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new DataError(file, 0, null, "no such file");
    } catch (IOException e) {
      throw new DataError(file, 0, null, "cannot read: " + e.getMessage());
    }
    int first = 0;
    while (first < lines.size() && lines.get(first).isBlank()) {
      first++;
    }
    if (first >= lines.size()) {
      throw new DataError(file, 0, null, "the file is empty; expected a header row naming the columns");
    }
    List<String> header = split(lines.get(first));
    Set<String> seen = new HashSet<>();
    for (int c = 0; c < header.size(); c++) {
      String h = header.get(c).strip();
      if (h.isEmpty()) {
        throw new DataError(file, first + 1, null, "header cell " + (c + 1) + " is empty; every column needs a name");
      }
      if (!seen.add(h)) {
        throw new DataError(file, first + 1, h, "appears twice in the header");
      }
      header.set(c, h);
    }
    List<double[]> rows = new ArrayList<>();
    List<Integer> lineNumbers = new ArrayList<>();
    for (int i = first + 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      List<String> cells = split(line);
      if (cells.size() != header.size()) {
        throw new DataError(file, i + 1, null, "has " + cells.size() + " cells, but the header has "
            + header.size() + " columns");
      }
      double[] row = new double[cells.size()];
      for (int c = 0; c < cells.size(); c++) {
        row[c] = parse(cells.get(c).strip(), file, i + 1, header.get(c));
      }
      rows.add(row);
      lineNumbers.add(i + 1);
    }
    Map<String, double[]> values = new LinkedHashMap<>();
    for (int c = 0; c < header.size(); c++) {
      double[] col = new double[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        col[r] = rows.get(r)[c];
      }
      values.put(header.get(c), col);
    }
    return new Table(file, header, values, lineNumbers.stream().mapToInt(Integer::intValue).toArray());
  }

  static double parse(String cell, String file, int line, String column) throws DataError {
    if (cell.isEmpty() || cell.equalsIgnoreCase("nan") || cell.equalsIgnoreCase("na")) {
      return Double.NaN;
    }
    try {
      double v = Double.parseDouble(cell);
      if (Double.isInfinite(v)) {
        throw new DataError(file, line, column, "'" + cell + "' is not a finite number");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new DataError(file, line, column, "'" + cell + "' is not a number");
    }
  }

  private static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else if (ch != '\r') {
        cur.append(ch);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
