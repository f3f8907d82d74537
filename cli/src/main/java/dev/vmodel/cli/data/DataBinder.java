package dev.vmodel.cli.data;

import dev.vmodel.compiler.codegen.GeneratedApi;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds data files to a generated model's {@code Data} holder: finds each data array's columns
 * (`y`; `x[0]`, `x_0` or `x0` for vector rows and two-index arrays), converts cells to the
 * array's element type, and remembers where every value came from so that errors found later
 * (by the generated code's validation) can be reported with file, line and column.
 */
public final class DataBinder {
  /** Where one data array's values came from. */
  public record Source(Table table, List<String> columns) {}

  private final GeneratedApi api;
  private final Map<String, Source> sources = new LinkedHashMap<>();

  public DataBinder(GeneratedApi api) {
    this.api = api;
  }

  public Map<String, Source> sources() {
    return sources;
  }

  /**
   * Finds every data array in the tables ({@code assigned} maps array names to the one table they
   * must come from) and calls the Data setters.
   */
  public void bind(Object data, List<Table> tables, Map<String, Table> assigned) throws DataError {
    for (Map.Entry<String, GeneratedApi.DataSetter> e : api.data().entrySet()) {
      String name = e.getKey();
      GeneratedApi.DataSetter s = e.getValue();
      List<Table> candidates = assigned.containsKey(name) ? List.of(assigned.get(name)) : tables;
      Source src = find(name, s, candidates);
      sources.put(name, src);
      Object array = convert(name, s, src);
      try {
        Method setter = data.getClass().getMethod(s.method(), array.getClass());
        setter.invoke(data, array);
      } catch (ReflectiveOperationException ex) {
        throw new IllegalStateException("generated Data has no setter " + s.method(), ex);
      }
    }
  }

  private Source find(String name, GeneratedApi.DataSetter s, List<Table> tables) throws DataError {
    for (Table t : tables) {
      if (s.rank() <= 1 && t.values().containsKey(name)) {
        return new Source(t, List.of(name));
      }
      if (s.rank() == 2) {
        for (String style : List.of("%s[%d]", "%s_%d", "%s%d")) {
          List<String> cols = new ArrayList<>();
          for (int j = 0; t.values().containsKey(String.format(style, name, j)); j++) {
            cols.add(String.format(style, name, j));
          }
          if (!cols.isEmpty()) {
            return new Source(t, cols);
          }
        }
      }
    }
    String where = tables.size() == 1 ? tables.get(0).file() : "the data files";
    String expected = s.rank() <= 1 ? "a column named '" + name + "'"
        : "columns '" + name + "[0]', '" + name + "[1]', ... (or " + name + "_0, " + name + "0)";
    if (s.rank() > 2) {
      throw new DataError(where, 0, null, "data '" + name + "' has " + s.rank()
          + " dimensions; only 1- and 2-dimensional arrays can be read from files");
    }
    throw new DataError(where, 0, null, "no column for " + (s.modeled() ? "observed" : "covariate") + " data '"
        + name + "' (" + s.type().text() + "); expected " + expected);
  }

  private static Object convert(String name, GeneratedApi.DataSetter s, Source src) throws DataError {
    Table t = src.table();
    int rows = t.rows();
    boolean integer = s.integer();
    if (rows == 0) {
      throw new DataError(t.file(), 0, src.columns().get(0), "has no values (no data rows); data '" + name
          + "' needs at least one");
    }
    if (s.rank() == 0) {
      if (rows != 1) {
        throw new DataError(t.file(), 0, name, "holds a single value, but the column has " + rows + " rows");
      }
      double v = check(t, 0, src.columns().get(0), t.values().get(src.columns().get(0))[0], s);
      return integer ? (Object) (int) v : (Object) v;
    }
    if (s.rank() == 1) {
      String col = src.columns().get(0);
      double[] values = t.values().get(col);
      Object out = Array.newInstance(integer ? int.class : double.class, rows);
      for (int r = 0; r < rows; r++) {
        double v = check(t, r, col, values[r], s);
        if (integer) {
          Array.setInt(out, r, (int) v);
        } else {
          Array.setDouble(out, r, v);
        }
      }
      return out;
    }
    int width = src.columns().size();
    Object out = Array.newInstance(integer ? int[].class : double[].class, rows);
    for (int r = 0; r < rows; r++) {
      Object row = Array.newInstance(integer ? int.class : double.class, width);
      for (int c = 0; c < width; c++) {
        String col = src.columns().get(c);
        double v = check(t, r, col, t.values().get(col)[r], s);
        if (integer) {
          Array.setInt(row, c, (int) v);
        } else {
          Array.setDouble(row, c, v);
        }
      }
      Array.set(out, r, row);
    }
    return out;
  }

  private static double check(Table t, int r, String col, double v, GeneratedApi.DataSetter s) throws DataError {
    int line = r < t.lines().length ? t.lines()[r] : 0;
    String where = line > 0 ? null : "entry " + r + ": ";
    if (Double.isNaN(v)) {
      if (s.integer() || !s.modeled()) {
        throw new DataError(t.file(), line, col, (where == null ? "" : where) + "is missing (an empty cell, NaN or null); missing values are"
            + " allowed only in real-valued observed data, and '" + col + "' is " + (s.modeled() ? s.type().text()
            : "a covariate"));
      }
      return v;
    }
    if (s.integer() && v != Math.rint(v)) {
      throw new DataError(t.file(), line, col, (where == null ? "" : where) + v + " is not an integer ("
          + s.type().text() + " values are whole numbers)");
    }
    if (s.integer() && Math.abs(v) > Integer.MAX_VALUE) {
      throw new DataError(t.file(), line, col, (where == null ? "" : where) + v + " is too large");
    }
    return v;
  }

  /**
   * Translates a generated-code validation error (array, row, column) into the file position of
   * the offending cell.
   */
  public String locate(String array, int row, int column, String message) {
    Source src = sources.get(array);
    if (src == null) {
      return "data: error: " + message;
    }
    Table t = src.table();
    StringBuilder b = new StringBuilder(t.file());
    if (row >= 0 && row < t.lines().length && t.lines()[row] > 0) {
      b.append(':').append(t.lines()[row]);
    }
    b.append(": error: ");
    if (row >= 0) {
      String col = src.columns().size() == 1 ? src.columns().get(0)
          : column >= 0 && column < src.columns().size() ? src.columns().get(column) : null;
      if (col != null) {
        b.append("column '").append(col).append("': ");
      }
      if (t.lines().length == 0 || row >= t.lines().length || t.lines()[row] == 0) {
        b.append("entry ").append(row).append(": ");
      }
    }
    return b.append(message).toString();
  }
}
