package dev.vmodel.cli.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON object of arrays: {@code {"x": [[1.0, 2.0], ...], "y": [0, 1, ...]}}. A flat array
 * becomes column {@code y}; an array of equal-length arrays becomes columns {@code x[0]},
 * {@code x[1]}, ... ; {@code null} is a missing value. Only this shape of JSON is accepted.
 */
public final class JsonReader {
  private final String file;
  private final String text;
  private int pos;

  private JsonReader(String file, String text) {
    this.file = file;
    this.text = text;
  }

  public static Table read(Path path) throws DataError {
    String file = path.toString();
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new DataError(file, 0, null, "no such file");
    } catch (IOException e) {
      throw new DataError(file, 0, null, "cannot read: " + e.getMessage());
    }
    return new JsonReader(file, text).table();
  }

  private Table table() throws DataError {
    skip();
    expect('{');
    Map<String, double[]> values = new LinkedHashMap<>();
    List<String> columns = new ArrayList<>();
    int rows = -1;
    skip();
    if (peek() == '}') {
      pos++;
    } else {
      while (true) {
        skip();
        String name = string();
        skip();
        expect(':');
        skip();
        List<Object> arr = array(name);
        int n = arr.size();
        if (rows >= 0 && n != rows) {
          throw new DataError(file, line(), name, "has " + n + " entries, but earlier arrays have " + rows);
        }
        rows = n;
        boolean nested = n > 0 && arr.get(0) instanceof double[];
        if (nested) {
          int width = ((double[]) arr.get(0)).length;
          for (int c = 0; c < width; c++) {
            double[] col = new double[n];
            for (int r = 0; r < n; r++) {
              if (!(arr.get(r) instanceof double[] row) || row.length != width) {
                throw new DataError(file, 0, name, "entry " + r + " is not a list of " + width + " numbers like entry 0");
              }
              col[r] = row[c];
            }
            String col0 = name + "[" + c + "]";
            columns.add(col0);
            values.put(col0, col);
          }
        } else {
          double[] col = new double[n];
          for (int r = 0; r < n; r++) {
            if (!(arr.get(r) instanceof Double d)) {
              throw new DataError(file, 0, name, "entry " + r + " is a list, but entry 0 is a number");
            }
            col[r] = d;
          }
          columns.add(name);
          values.put(name, col);
        }
        skip();
        if (peek() == ',') {
          pos++;
          continue;
        }
        expect('}');
        break;
      }
    }
    int[] lines = new int[Math.max(0, rows)];
    return new Table(file, columns, values, lines);
  }

  private List<Object> array(String name) throws DataError {
    expect('[');
    List<Object> out = new ArrayList<>();
    skip();
    if (peek() == ']') {
      pos++;
      return out;
    }
    while (true) {
      skip();
      if (peek() == '[') {
        List<Object> inner = array(name);
        double[] row = new double[inner.size()];
        for (int i = 0; i < row.length; i++) {
          if (!(inner.get(i) instanceof Double d)) {
            throw new DataError(file, line(), name, "nested lists deeper than rows of numbers are not supported");
          }
          row[i] = d;
        }
        out.add(row);
      } else {
        out.add(number(name));
      }
      skip();
      if (peek() == ',') {
        pos++;
        continue;
      }
      expect(']');
      return out;
    }
  }

  private Double number(String name) throws DataError {
    int start = pos;
    if (text.startsWith("null", pos)) {
      pos += 4;
      return Double.NaN;
    }
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    String tok = text.substring(start, pos);
    try {
      return Double.parseDouble(tok);
    } catch (NumberFormatException e) {
      String found = pos < text.length() ? String.valueOf(text.charAt(pos)) : "end of file";
      throw new DataError(file, line(), name, "expected a number, found '" + (tok.isEmpty() ? found : tok) + "'");
    }
  }

  private String string() throws DataError {
    expect('"');
    int start = pos;
    while (pos < text.length() && text.charAt(pos) != '"') {
      pos++;
    }
    if (pos >= text.length()) {
      throw new DataError(file, line(), null, "unterminated string");
    }
    return text.substring(start, pos++);
  }

  private void expect(char c) throws DataError {
    skip();
    if (pos >= text.length() || text.charAt(pos) != c) {
      String found = pos >= text.length() ? "end of file" : "'" + text.charAt(pos) + "'";
      throw new DataError(file, line(), null, "expected '" + c + "', found " + found
          + "; the data file must be a JSON object of arrays, e.g. {\"x\": [1.5, 2.0]}");
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skip() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private int line() {
    int line = 1;
    for (int i = 0; i < pos && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
