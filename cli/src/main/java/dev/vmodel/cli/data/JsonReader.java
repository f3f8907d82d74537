package dev.vmodel.cli.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads a JSON object of arrays, {@code {"y": [0, 1, null], "x": [[1.0, 2.0], [0.5, 1.5], ...]}},
 * through jackson-core's streaming parser, straight into {@link Column}s. Strict JSON (RFC 8259):
 * its number grammar (no {@code 1.}, {@code 1.0d}, {@code 0x1p1}, {@code NaN}), string escapes,
 * one object and nothing after it, no key twice, nesting at most 64 deep. A flat array is column
 * {@code y}; an array of equal-length arrays is columns {@code x[0]}, {@code x[1]}, ...;
 * {@code null} is a missing value. Keys that {@code wanted} rejects are skipped whatever their
 * value; the arrays kept must all have the same length.
 */
final class JsonReader {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(64)
          .maxNumberLength(1000)
          .maxStringLength(1 << 20)
          .build())
      .build();

  private final String file;
  private final Predicate<String> wanted;
  private JsonParser p;
  private String key;
  private int keyLine;
  private Table table;
  private int rows = -1;
  private String rowsFrom;

  private JsonReader(String file, Predicate<String> wanted) {
    this.file = file;
    this.wanted = wanted;
  }

  static Table read(String file, InputStream in, Predicate<String> wanted) throws DataError {
    return new JsonReader(file, wanted).read(in);
  }

  private Table read(InputStream in) throws DataError {
    try (JsonParser parser = FACTORY.createParser(new DataInput(in, 0))) {
      p = parser;
      return object();
    } catch (IOException e) {
      throw DataFiles.fromParser(file, key, e);
    }
  }

  private int line() {
    return Math.max(1, p.currentTokenLocation().getLineNr());
  }

  private DataError error(String message) {
    return new DataError(file, line(), key, message);
  }

  private Table object() throws IOException, DataError {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new DataError(file, 0, null, "the file is empty; expected a JSON object of arrays, e.g. {\"y\": [1.5, 2.0]}");
    }
    if (t != JsonToken.START_OBJECT) {
      throw new DataError(file, line(), null, "expected '{', found " + describe(t)
          + "; the data file must be a JSON object of arrays, e.g. {\"y\": [1.5, 2.0]}");
    }
    table = new Table(file, true, 0);
    for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      key = p.currentName();
      keyLine = line();
      JsonToken v = p.nextToken();
      if (!wanted.test(key)) {
        p.skipChildren();
        key = null;
        continue;
      }
      if (v != JsonToken.START_ARRAY) {
        throw error("expected a list of numbers (or of lists of numbers), found " + describe(v));
      }
      int n = array();
      if (rows >= 0 && n != rows) {
        throw new DataError(file, keyLine, key, "has " + n + " entries, but '" + rowsFrom + "' has " + rows
            + "; all arrays of a file must have the same length");
      }
      rows = n;
      rowsFrom = key;
      key = null;
    }
    // t is END_OBJECT: the parser has checked the object's syntax
    JsonToken after = p.nextToken();
    if (after != null) {
      throw new DataError(file, line(), null, "found " + describe(after)
          + " after the end of the JSON object; a data file holds exactly one object");
    }
    table.rows(Math.max(0, rows));
    return table;
  }

  /** Reads the array of {@code key} (its '[' is current) into columns; returns its length. */
  private int array() throws IOException, DataError {
    RowLines lines = new RowLines();
    Column flat = null;
    List<Column> nested = null;
    int r = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), r++) {
      if (t == JsonToken.START_ARRAY) {
        if (flat != null) {
          throw error("entry " + r + " is a list, but entry 0 is a number");
        }
        lines.add(line());
        if (nested == null) {
          nested = new ArrayList<>();
        }
        row(r, nested, lines);
      } else {
        if (nested != null) {
          throw error("entry " + r + " is " + describe(t) + ", but entry 0 is a list of numbers");
        }
        if (flat == null) {
          flat = new Column();
          add(key, flat, lines);
        }
        lines.add(line());
        flat.add(number(t, "entry " + r));
      }
    }
    if (flat == null && nested == null) {
      add(key, new Column(), lines);
    }
    return r;
  }

  /** Reads entry {@code r}, a list of numbers, into the columns key[0], key[1], .... */
  private void row(int r, List<Column> columns, RowLines lines) throws IOException, DataError {
    int c = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), c++) {
      if (t == JsonToken.START_ARRAY) {
        throw error("entry " + r + " holds a list in a list; rows are lists of numbers, nested no deeper");
      }
      if (r == 0) {
        if (c == DataFiles.MAX_COLUMNS) {
          throw error("entry 0 has more than " + DataFiles.MAX_COLUMNS + " numbers; a row can have at most "
              + DataFiles.MAX_COLUMNS);
        }
        Column col = new Column();
        columns.add(col);
        add(key + "[" + c + "]", col, lines);
      } else if (c == columns.size()) {
        throw error("entry " + r + " has more than " + columns.size() + " numbers, but entry 0 has "
            + columns.size() + "; every entry must be a list of the same length");
      }
      columns.get(c).add(number(t, "entry " + r + ", position " + c));
    }
    if (r == 0 && c == 0) {
      throw error("entry 0 is an empty list; rows are lists of one or more numbers");
    }
    if (c != columns.size()) {
      throw error("entry " + r + " has " + c + " number" + (c == 1 ? "" : "s") + ", but entry 0 has "
          + columns.size() + "; every entry must be a list of the same length");
    }
  }

  private void add(String column, Column values, RowLines lines) throws DataError {
    if (table.has(column)) {
      throw error("gives column '" + column + "' a second time (it is also a key of its own or part of another)");
    }
    table.add(column, values, lines, keyLine);
  }

  private double number(JsonToken t, String where) throws IOException, DataError {
    if (t == JsonToken.VALUE_NULL) {
      return Double.NaN;
    }
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw error(where + ": expected a number or null, found " + describe(t));
    }
    double v = p.getDoubleValue();
    if (Double.isInfinite(v)) {
      throw error(where + ": " + CsvNumbers.shorten(p.getText()) + " is not a finite number (too large for a double)");
    }
    return v;
  }

  private String describe(JsonToken t) throws IOException {
    if (t == null) {
      return "the end of the file";
    }
    return switch (t) {
      case START_OBJECT -> "an object '{'";
      case START_ARRAY -> "a list '['";
      case END_OBJECT -> "'}'";
      case END_ARRAY -> "']'";
      case VALUE_STRING -> "the string \"" + CsvNumbers.shorten(p.getText()) + "\"";
      case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + CsvNumbers.shorten(p.getText());
      default -> "'" + CsvNumbers.shorten(String.valueOf(p.getText())) + "'";
    };
  }
}
