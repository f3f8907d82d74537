package dev.vmodel.cli.data;

import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.graph.ModelGraph;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds data files to a generated model's {@code Data} holder: finds each data array's columns
 * ({@code y}; {@code x[0]}, {@code x_0} or {@code x0} for vector rows and two-index arrays,
 * numbered from 0 without a gap and all named one way), converts cells to the array's element
 * type, and remembers where every value came from so that errors found later (by the generated
 * code's validation) are reported with file, line and column.
 */
public final class DataBinder {
  /** Where one data array's values came from. */
  public record Source(Table table, List<String> columns) {}

  /** A column that is component {@code index} of a vector, named in {@code style}: "[]", "_" or "". */
  private record Component(int index, String style) {}

  private static final Pattern COMPONENT = Pattern.compile("\\[(\\d+)\\]|_(\\d+)|(\\d+)");

  private final GeneratedApi api;
  private final ModelGraph graph;
  private final Map<String, Source> sources = new LinkedHashMap<>();

  public DataBinder(GeneratedApi api) {
    this(api, null);
  }

  /**
   * A binder that also checks observations against their distributions where the model says
   * enough ({@link TrialsCheck}: Binomial successes at most the trials, Multinomial counts whole,
   * non-negative and adding up to the trials).
   */
  public DataBinder(GeneratedApi api, ModelGraph graph) {
    this.api = api;
    this.graph = graph;
  }

  /**
   * Lets an observed array whose entries may be missing be absent from the data altogether: all
   * its entries missing, one per row of the (single) data table. For {@code vmodel predict}, where
   * new rows have covariates and no labels or responses.
   */
  public DataBinder absentMeansMissing() {
    this.absentMeansMissing = true;
    return this;
  }

  private boolean absentMeansMissing;

  public Map<String, Source> sources() {
    return sources;
  }

  /**
   * The columns of a data file that some data array of the model may use: a data array's name, or
   * a component {@code x[j]}, {@code x_j}, {@code xj} of one. The readers skip all others.
   */
  public static Predicate<String> columnsOf(GeneratedApi api) {
    Set<String> names = api.data().keySet();
    return column -> names.contains(column) || names.stream().anyMatch(n -> component(column, n) != null);
  }

  private static Component component(String column, String name) {
    if (!column.startsWith(name) || column.length() == name.length()) {
      return null;
    }
    Matcher m = COMPONENT.matcher(column).region(name.length(), column.length());
    if (!m.matches()) {
      return null;
    }
    int g = m.group(1) != null ? 1 : m.group(2) != null ? 2 : 3;
    String digits = m.group(g);
    int index = digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    return new Component(index, g == 1 ? "[]" : g == 2 ? "_" : "");
  }

  /**
   * Finds every data array in the tables ({@code assigned} maps array names to the one table they
   * must come from) and calls the Data setters.
   */
  public void bind(Object data, List<Table> tables, Map<String, Table> assigned) throws DataError {
    for (Map.Entry<String, Object> e : arrays(tables, assigned).entrySet()) {
      GeneratedApi.DataSetter s = api.data().get(e.getKey());
      Object array = e.getValue();
      try {
        Method setter = data.getClass().getMethod(s.method(), array.getClass());
        setter.invoke(data, array);
      } catch (ReflectiveOperationException ex) {
        throw new IllegalStateException("generated Data has no setter " + s.method(), ex);
      }
    }
  }

  /**
   * The Java array of every data array ({@code int[]}, {@code double[][]}, a boxed scalar, ...),
   * read from the tables. The values of each table column are released once converted.
   */
  public Map<String, Object> arrays(List<Table> tables, Map<String, Table> assigned) throws DataError {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, GeneratedApi.DataSetter> e : api.data().entrySet()) {
      String name = e.getKey();
      GeneratedApi.DataSetter s = e.getValue();
      List<Table> candidates = assigned.containsKey(name) ? List.of(assigned.get(name)) : tables;
      if (absentMeansMissing && s.missingAllowed() && s.rank() == 1 && candidates.size() == 1
          && !candidates.get(0).has(name)) {
        out.put(name, allMissing(s, candidates.get(0).rows()));
        continue;
      }
      Source src = find(name, s, candidates);
      sources.put(name, src);
      out.put(name, convert(name, s, src));
      for (String col : src.columns()) {
        if (!claimedByAnother(col, name)) {
          src.table().release(col);
        }
      }
    }
    if (graph != null) {
      TrialsCheck.check(graph, out, sources);
    }
    return out;
  }

  /** An array of {@code rows} missing entries: NaN, or -1 for integer labels. */
  private static Object allMissing(GeneratedApi.DataSetter s, int rows) {
    if (s.integer()) {
      int[] out = new int[rows];
      java.util.Arrays.fill(out, -1);
      return out;
    }
    double[] out = new double[rows];
    java.util.Arrays.fill(out, Double.NaN);
    return out;
  }

  private boolean claimedByAnother(String column, String name) {
    for (String other : api.data().keySet()) {
      if (!other.equals(name) && (other.equals(column) || component(column, other) != null)) {
        return true;
      }
    }
    return false;
  }

  private Source find(String name, GeneratedApi.DataSetter s, List<Table> tables) throws DataError {
    String where = tables.size() == 1 ? tables.get(0).file() : "the data files";
    if (s.rank() > 2) {
      throw new DataError(where, 0, null, "data '" + name + "' has " + s.rank()
          + " dimensions; only 1- and 2-dimensional arrays can be read from files");
    }
    for (Table t : tables) {
      if (s.rank() <= 1) {
        if (t.has(name)) {
          return new Source(t, List.of(name));
        }
        continue;
      }
      List<String> cols = components(name, t);
      if (!cols.isEmpty()) {
        return new Source(t, cols);
      }
    }
    String expected = s.rank() <= 1 ? "a column named '" + name + "'"
        : "columns '" + name + "[0]', '" + name + "[1]', ... (or " + name + "_0, " + name + "0)";
    throw new DataError(where, 0, null, "no column for " + (s.modeled() ? "observed" : "covariate") + " data '"
        + name + "' (" + s.type().text() + "); expected " + expected);
  }

  /** The columns of vector data {@code name} in {@code t}, in index order; checks gaps and naming. */
  private List<String> components(String name, Table t) throws DataError {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    Map<String, String> styles = new LinkedHashMap<>();
    for (String col : t.columns()) {
      Component k = component(col, name);
      if (k == null || api.data().containsKey(col)) {
        continue;
      }
      styles.putIfAbsent(k.style(), col);
      String before = byIndex.put(k.index(), col);
      if (before != null) {
        throw new DataError(t.file(), where(t, col), null, "columns '" + before + "' and '" + col
            + "' both hold component " + k.index() + " of data '" + name + "'");
      }
    }
    if (styles.size() > 1) {
      List<String> two = new ArrayList<>(styles.values()).subList(0, 2);
      throw new DataError(t.file(), where(t, two.get(1)), null, "the columns of data '" + name + "' are named in two ways, '"
          + two.get(0) + "' and '" + two.get(1) + "'; name them all alike: " + name + "[0], " + name + "[1], ... (or "
          + name + "_0, " + name + "_1, ..., or " + name + "0, " + name + "1, ...)");
    }
    int expected = 0;
    for (int index : byIndex.keySet()) {
      if (index != expected) {
        String style = styles.keySet().iterator().next();
        String missing = style.equals("[]") ? name + "[" + expected + "]" : name + style + expected;
        List<String> shown = new ArrayList<>(byIndex.values());
        String list = String.join(", ", shown.subList(0, Math.min(6, shown.size())))
            + (shown.size() > 6 ? ", ..." : "");
        throw new DataError(t.file(), where(t, shown.get(0)), null, "data '" + name + "' has columns " + list + " but no '"
            + missing + "'; the columns of a vector are numbered 0, 1, 2, ... without a gap");
      }
      expected++;
    }
    return new ArrayList<>(byIndex.values());
  }

  /** The line that names a column: the header of a CSV file, the key in JSON. */
  private static int where(Table t, String column) {
    return t.declaredAt(column);
  }

  private static Object convert(String name, GeneratedApi.DataSetter s, Source src) throws DataError {
    Table t = src.table();
    int rows = t.rows();
    boolean integer = s.integer();
    if (rows == 0) {
      throw new DataError(t.file(), 0, null, (t.isJson() ? "the list '" + src.columns().get(0) + "' is empty"
          : "the data file has no rows, only a header") + "; data '" + name + "' needs at least one value");
    }
    if (s.rank() == 0) {
      String col = src.columns().get(0);
      if (rows != 1) {
        throw new DataError(t.file(), 0, col, "holds a single value, but the column has " + rows + " rows");
      }
      double v = check(t, 0, col, s);
      return integer ? (Object) (int) v : (Object) v;
    }
    if (s.rank() == 1) {
      String col = src.columns().get(0);
      if (integer) {
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
          out[r] = (int) check(t, r, col, s);
        }
        return out;
      }
      double[] out = new double[rows];
      for (int r = 0; r < rows; r++) {
        out[r] = check(t, r, col, s);
      }
      return out;
    }
    int width = src.columns().size();
    Object out = Array.newInstance(integer ? int[].class : double[].class, rows);
    for (int r = 0; r < rows; r++) {
      Array.set(out, r, integer ? new int[width] : new double[width]);
    }
    for (int c = 0; c < width; c++) {
      String col = src.columns().get(c);
      for (int r = 0; r < rows; r++) {
        double v = check(t, r, col, s);
        if (integer) {
          ((int[][]) out)[r][c] = (int) v;
        } else {
          ((double[][]) out)[r][c] = v;
        }
      }
    }
    return out;
  }

  private static double check(Table t, int r, String col, GeneratedApi.DataSetter s) throws DataError {
    double v = t.column(col).get(r);
    if (Double.isNaN(v)) {
      if (s.integer() && s.missingAllowed()) {
        return -1; // a missing label (the generated Data's sentinel)
      }
      if (s.integer() || !s.modeled()) {
        throw t.error(col, r, "is missing (an empty cell, NaN, NA or null); missing values are allowed only in"
            + " real-valued observed data and Bernoulli-logistic labels, and '" + col + "' is " + (s.modeled() ? s.type().text() : "a covariate"));
      }
      return v;
    }
    if (s.integer() && v != Math.rint(v)) {
      throw t.error(col, r, v + " is not an integer (" + s.type().text() + " values are whole numbers)");
    }
    if (s.integer() && Math.abs(v) > Integer.MAX_VALUE) {
      throw t.error(col, r, v + " is too large for a whole number (at most " + Integer.MAX_VALUE + ")");
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
    if (row < 0) {
      return new DataError(t.file(), 0, null, message).render();
    }
    List<String> cols = src.columns();
    String col = cols.size() == 1 ? cols.get(0) : column >= 0 && column < cols.size() ? cols.get(column) : null;
    int line = t.line(col != null ? col : cols.get(0), row);
    return new DataError(t.file(), line, col, (t.isJson() ? "entry " + row + ": " : "") + message).render();
  }
}
