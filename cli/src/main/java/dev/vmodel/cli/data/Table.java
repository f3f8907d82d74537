package dev.vmodel.cli.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns read from one data file that some data array of the model may use (the others are
 * skipped unread), each a {@link Column} of doubles (NaN for a missing value), with the line every
 * row came from so that errors can name file, line and column. JSON arrays of rows become one
 * column per entry, named like CSV headers ({@code x[0]}, {@code x[1]}); JSON rows are also
 * numbered as entries, since several share a line.
 */
public final class Table {
  private final String file;
  private final boolean json;
  private final int headerLine;
  private final Map<String, Column> values = new LinkedHashMap<>();
  private final Map<String, RowLines> lines = new LinkedHashMap<>();
  private final Map<String, Integer> declared = new LinkedHashMap<>();
  private int rows;

  Table(String file, boolean json, int headerLine) {
    this.file = file;
    this.json = json;
    this.headerLine = headerLine;
  }

  /** Adds a column named on line {@code declaredAt} (the header, or the JSON key). */
  void add(String column, Column values, RowLines lines, int declaredAt) {
    this.values.put(column, values);
    this.lines.put(column, lines);
    this.declared.put(column, declaredAt);
  }

  void rows(int rows) {
    this.rows = rows;
  }

  /** The file as given on the command line. */
  public String file() {
    return file;
  }

  public boolean isJson() {
    return json;
  }

  /** The line of a CSV file's header (0 for JSON). */
  public int headerLine() {
    return headerLine;
  }

  public int rows() {
    return rows;
  }

  /** The columns kept, in file order. */
  public List<String> columns() {
    return Collections.unmodifiableList(new ArrayList<>(values.keySet()));
  }

  public boolean has(String column) {
    return values.containsKey(column);
  }

  public Column column(String column) {
    return values.get(column);
  }

  /** The line that names a column: the CSV header, or the JSON key (0 if unknown). */
  public int declaredAt(String column) {
    return declared.getOrDefault(column, 0);
  }

  /** The file line of a row of a column, or 0 if unknown. */
  public int line(String column, int row) {
    RowLines l = lines.get(column);
    return l == null ? 0 : l.line(row);
  }

  /** An error about the value in {@code row} of {@code column}: its line, and its entry for JSON. */
  public DataError error(String column, int row, String message) {
    return new DataError(file, line(column, row), column, (json ? "entry " + row + ": " : "") + message);
  }

  /** Lets the values of a bound column be collected; lines and size stay for later messages. */
  void release(String column) {
    Column c = values.get(column);
    if (c != null) {
      c.release();
    }
  }
}
