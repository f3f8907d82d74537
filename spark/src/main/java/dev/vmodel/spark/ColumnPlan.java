package dev.vmodel.spark;

import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.split.SplitModel;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where each of a model's columns ({@link SplitModel#columns()}) comes from in a DataFrame, checked
 * against its schema on the driver before any job, and how a block of its rows becomes the arrays
 * {@link SplitModel#part} takes. Sent to the executors with the tasks that build the parts.
 *
 * <p>A column is read from the DataFrame column of the same name (matched exactly); a vector
 * column also from an {@code array<...>} column, an MLlib vector column ({@code VectorUDT}), or
 * flat numeric columns {@code x[0]}, {@code x[1]}, ... as a CSV header gives them. Real columns
 * take any numeric type, integer columns the integral types (and booleans as 0/1); an MLlib
 * vector's values must be whole numbers where the column is integer (counts). A null is a missing
 * value (NaN, or -1 for integers) where the column allows missing values, else an error.
 */
final class ColumnPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How a model column's values are laid out in the selected row. */
  enum Kind {
    /** One value per row, in one field. */
    SCALAR,
    /** A vector per row, in one {@code array<...>} field. */
    ARRAY,
    /** A vector per row, in one MLlib vector field. */
    ML_VECTOR,
    /** A vector per row, one field per element: {@code x[0]}, {@code x[1]}, ... */
    FLAT
  }

  /**
   * One model column: its layout, the positions of its fields in the selected row, and the width
   * every row's vector must have (the model's literal width, or the driver sample's; -1 while
   * unknown).
   */
  record Source(SplitModel.Column column, Kind kind, int[] positions, int width) implements Serializable {
    private static final long serialVersionUID = 1L;

    String name() {
      return column.name();
    }
  }

  private static final Pattern FLAT = Pattern.compile("(.*)\\[(\\d+)\\]");

  private final List<Source> sources;
  /** The indices in the DataFrame's schema of the columns to select, in the order of the positions. */
  private final List<Integer> fields;

  private ColumnPlan(List<Source> sources, List<Integer> fields) {
    this.sources = List.copyOf(sources);
    this.fields = List.copyOf(fields);
  }

  List<Source> sources() {
    return sources;
  }

  /** The name a selected column gets: by position, so that no name is resolved (and none is ambiguous). */
  private static String selectedName(int position) {
    return "_vmodel_" + position;
  }

  /**
   * The columns the model reads, in the order the positions number them: the DataFrame's columns
   * renamed by their index (a projection, which keeps column pruning), then selected.
   */
  Dataset<Row> select(Dataset<Row> data) {
    String[] names = new String[data.schema().size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = "_vmodel_column_" + i;
    }
    Column[] out = new Column[fields.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = functions.col(names[fields.get(i)]).as(selectedName(i));
    }
    return data.toDF(names).select(out);
  }

  /** The selected column of the model's group column ({@link #select}), or null if it has none. */
  Column groupColumn() {
    for (Source s : sources) {
      if (s.column().group()) {
        return functions.col(selectedName(s.positions()[0]));
      }
    }
    return null;
  }

  /**
   * This plan reading the DataFrame's rows as they are rather than {@link #select}ed: each position
   * is the index of the field in the DataFrame's schema.
   */
  ColumnPlan unselected() {
    List<Source> out = new ArrayList<>();
    for (Source s : sources) {
      int[] positions = new int[s.positions().length];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = fields.get(s.positions()[i]);
      }
      out.add(new Source(s.column(), s.kind(), positions, s.width()));
    }
    return new ColumnPlan(out, fields);
  }

  /** The index in the DataFrame's schema of the model's group column, or -1 if it has none. */
  int groupField() {
    for (Source s : sources) {
      if (s.column().group()) {
        return fields.get(s.positions()[0]);
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------------------------------------
  // The schema check, on the driver

  /**
   * The plan for {@code model}'s columns in a DataFrame of schema {@code schema}.
   *
   * @throws DataException naming the column and what would fix it, if a column is missing, of the
   *     wrong type or of the wrong width
   */
  static ColumnPlan of(SplitModel model, StructType schema) {
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < schema.size(); i++) {
      index.putIfAbsent(schema.fields()[i].name(), i);
    }
    List<Source> sources = new ArrayList<>();
    List<Integer> fields = new ArrayList<>();
    for (SplitModel.Column c : model.columns()) {
      Integer at = index.get(c.name());
      if (at != null) {
        StructField f = schema.fields()[at];
        int position = position(fields, schema, at);
        DataType t = f.dataType();
        if (!c.vector()) {
          if (t instanceof ArrayType || MlVectors.isVector(t)) {
            throw new DataException(c.name(), -1, -1, "the DataFrame column \"" + f.name() + "\" holds a vector per row ("
                + t.simpleString() + "), but the model's " + c.name() + " is one " + what(c) + " per row");
          }
          checkValue(c, f.name(), t, false);
          sources.add(new Source(c, Kind.SCALAR, new int[] {position}, -1));
        } else if (t instanceof ArrayType a) {
          checkValue(c, f.name(), a.elementType(), false);
          sources.add(new Source(c, Kind.ARRAY, new int[] {position}, c.width()));
        } else if (MlVectors.isVector(t)) {
          sources.add(new Source(c, Kind.ML_VECTOR, new int[] {position}, c.width()));
        } else {
          throw new DataException(c.name(), -1, -1, "the DataFrame column \"" + f.name() + "\" is " + t.simpleString()
              + ", one value per row, but the model's " + c.name() + " is a vector of " + what(c) + "s per row: give "
              + vectorForms(c));
        }
        continue;
      }
      if (c.vector()) {
        TreeMap<Integer, StructField> flat = new TreeMap<>();
        for (StructField g : schema.fields()) {
          Matcher m = FLAT.matcher(g.name());
          if (m.matches() && m.group(1).equals(c.name())) {
            try {
              flat.putIfAbsent(Integer.parseInt(m.group(2)), g);
            } catch (NumberFormatException e) {
              throw new DataException(c.name(), -1, -1, "the DataFrame column \"" + g.name() + "\": index too large");
            }
          }
        }
        if (!flat.isEmpty()) {
          int width = flat.lastKey() + 1;
          if (flat.size() != width) {
            List<Integer> absent = new ArrayList<>();
            for (int i = 0; i < width && absent.size() < 5; i++) {
              if (!flat.containsKey(i)) {
                absent.add(i);
              }
            }
            throw new DataException(c.name(), -1, -1, "the DataFrame has columns " + c.name() + "[0] to " + c.name() + "["
                + (width - 1) + "] but not " + c.name() + absent + ": one column per element, numbered from 0");
          }
          if (c.width() >= 0 && width != c.width()) {
            throw new DataException(c.name(), -1, -1, "the DataFrame has " + width + " columns " + c.name() + "[0] to "
                + c.name() + "[" + (width - 1) + "], but the model's " + c.name() + " has " + c.width()
                + " values per row: give " + c.width() + " columns " + c.name() + "[0] to " + c.name() + "["
                + (c.width() - 1) + "]");
          }
          int[] positions = new int[width];
          for (StructField g : flat.values()) {
            checkValue(c, g.name(), g.dataType(), true);
          }
          int i = 0;
          for (StructField g : flat.values()) {
            positions[i++] = position(fields, schema, index.get(g.name()));
          }
          sources.add(new Source(c, Kind.FLAT, positions, width));
          continue;
        }
      }
      throw missing(c, schema);
    }
    return new ColumnPlan(sources, fields);
  }

  /** The position of the schema's field {@code at} among the selected ones, adding it if it is new. */
  private static int position(List<Integer> fields, StructType schema, int at) {
    String name = schema.fields()[at].name();
    if (Arrays.stream(schema.fieldNames()).filter(name::equals).count() > 1) {
      throw new DataException(name, -1, -1, "the DataFrame has " + Arrays.stream(schema.fieldNames())
          .filter(name::equals).count() + " columns named \"" + name + "\" (after a join?): drop or rename all but one");
    }
    int i = fields.indexOf(at);
    if (i < 0) {
      fields.add(at);
      i = fields.size() - 1;
    }
    return i;
  }

  private static String what(SplitModel.Column c) {
    return c.integer() ? "integer" : "real value";
  }

  private static String vectorForms(SplitModel.Column c) {
    String elem = c.integer() ? "int" : "double";
    return "an array<" + elem + "> column \"" + c.name() + "\", an MLlib vector column \"" + c.name()
        + "\", or one column per element named " + c.name() + "[0], " + c.name() + "[1], ...";
  }

  private static DataException missing(SplitModel.Column c, StructType schema) {
    StringBuilder b = new StringBuilder("the DataFrame has no column \"" + c.name() + "\"");
    if (c.vector()) {
      b.append(" and no columns ").append(c.name()).append("[0], ").append(c.name()).append("[1], ...");
    }
    b.append(", which the model reads (").append(c.vector() ? "a vector of " + what(c) + "s" : "one " + what(c))
        .append(" per row)");
    List<String> near = new ArrayList<>();
    String lower = c.name().toLowerCase(Locale.ROOT);
    for (StructField f : schema.fields()) {
      String n = f.name().toLowerCase(Locale.ROOT);
      Matcher m = FLAT.matcher(n);
      if (n.equals(lower) || m.matches() && m.group(1).equals(lower)) {
        near.add(f.name());
      }
    }
    if (!near.isEmpty()) {
      b.append("; names are matched exactly, and it has ").append(near.size() == 1 ? "\"" + near.get(0) + "\""
          : near.toString());
    }
    List<String> all = Arrays.asList(schema.fieldNames());
    b.append(". Its columns: ").append(all.size() <= 20 ? all.toString()
        : all.subList(0, 20).toString().replace("]", ", ... (" + all.size() + " in all)]"));
    b.append(". Rename a column to \"").append(c.name()).append("\" (withColumnRenamed)");
    if (c.vector()) {
      b.append(", or give ").append(vectorForms(c));
    }
    return new DataException(c.name(), -1, -1, b.toString());
  }

  /** Checks that values of type {@code t} (a field's, or an array's elements') can be {@code c}'s. */
  private static void checkValue(SplitModel.Column c, String field, DataType t, boolean element) {
    String in = "the DataFrame column \"" + field + "\"";
    String cast = c.integer() ? "int" : "double";
    if (t instanceof StringType) {
      throw new DataException(c.name(), -1, -1, in + " is a string column (a CSV read without inferSchema?), but the"
          + " model's " + c.name() + " is " + (c.integer() ? "integer" : "real") + ": read the CSV with"
          + " option(\"inferSchema\", \"true\") or cast it, e.g. col(\"" + field + "\").cast(\"" + cast + "\")");
    }
    if (c.integer()) {
      boolean ok = t instanceof IntegerType || t instanceof LongType || t instanceof ShortType || t instanceof ByteType
          || t instanceof BooleanType || t instanceof DecimalType d && d.scale() == 0;
      if (!ok) {
        throw new DataException(c.name(), -1, -1, in + " is " + t.simpleString() + (element ? " elements" : "")
            + ", but the model's " + c.name() + " is integer (" + (c.categories() != null ? "categories 0.."
            + c.categories() + "-1" : "counts") + "): give an int or bigint column, e.g. col(\"" + field
            + "\").cast(\"int\")");
      }
    } else if (!(t instanceof NumericType)) {
      throw new DataException(c.name(), -1, -1, in + " is " + t.simpleString() + (element ? " elements" : "")
          + ", but the model's " + c.name() + " is real: give a numeric column, e.g. col(\"" + field
          + "\").cast(\"double\")");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading rows, on the executors (and on the driver for its sample)

  /**
   * This plan with the vector widths the model leaves to the data fixed to those of {@code arrays}
   * (the driver's sample), so that every part's rows are checked against them.
   */
  ColumnPlan pinWidths(Map<String, Object> arrays) {
    List<Source> out = new ArrayList<>();
    for (Source s : sources) {
      int width = s.width();
      if (s.column().vector() && width < 0) {
        Object a = arrays.get(s.name());
        width = a instanceof double[][] d && d.length > 0 ? d[0].length
            : a instanceof int[][] n && n.length > 0 ? n[0].length : -1;
      }
      out.add(new Source(s.column(), s.kind(), s.positions(), width));
    }
    return new ColumnPlan(out, fields);
  }

  /**
   * The arrays of the rows {@code rows} (selected with {@link #select}), by column name, as
   * {@link SplitModel#part} takes them. {@code where} names the block in messages ("partition 3").
   */
  Map<String, Object> arrays(Iterator<Row> rows, String where) {
    List<Buffer> buffers = new ArrayList<>();
    for (Source s : sources) {
      buffers.add(new Buffer(s, where));
    }
    int n = 0;
    while (rows.hasNext()) {
      Row row = rows.next();
      for (Buffer b : buffers) {
        b.add(row, n);
      }
      if (++n == Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(where + " has more rows than an array holds: repartition the DataFrame"
            + " into more partitions");
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Buffer b : buffers) {
      out.put(b.source.name(), b.array());
    }
    return out;
  }

  /** Whether the model has a category column that is not a group column: its size is taken from all rows. */
  boolean hasCategories() {
    return sources.stream().anyMatch(s -> s.column().categories() != null && !s.column().group());
  }

  /**
   * The largest value of every category column that is not a group column (by the size it ranges
   * over), over the rows {@code rows}; -1 where there is none.
   */
  Map<String, Integer> categoryMaxima(Iterator<Row> rows, String where) {
    Map<String, Integer> out = new LinkedHashMap<>();
    List<Source> cats = new ArrayList<>();
    for (Source s : sources) {
      if (s.column().categories() != null && !s.column().group()) {
        cats.add(s);
        out.put(s.column().categories(), -1);
      }
    }
    int n = 0;
    while (rows.hasNext()) {
      Row row = rows.next();
      for (Source s : cats) {
        int max = -1;
        if (s.column().vector()) {
          for (int v : intVector(s, row, n, where)) {
            max = Math.max(max, v);
          }
        } else {
          max = integer(s, row.get(s.positions()[0]), n, -1, where);
        }
        out.merge(s.column().categories(), max, Math::max);
      }
      n++;
    }
    return out;
  }

  private static DataException error(Source s, int row, int element, String where, String what) {
    return new DataException(s.name(), -1, -1, "row " + row + (element < 0 ? "" : ", element " + element) + " of " + where
        + " (rows numbered from 0): " + what);
  }

  private static double real(Source s, Object v, int row, int element, String where) {
    if (v == null) {
      if (s.column().missingAllowed()) {
        return Double.NaN;
      }
      throw error(s, row, element, where, "a null, and the model does not allow missing values of " + s.name()
          + ": drop or fill those rows (Dataset.na())");
    }
    if (v instanceof Number x) {
      return x.doubleValue();
    }
    throw error(s, row, element, where, "a " + v.getClass().getSimpleName() + ", not a number");
  }

  private static int integer(Source s, Object v, int row, int element, String where) {
    if (v == null) {
      if (s.column().missingAllowed()) {
        return -1;
      }
      throw error(s, row, element, where, "a null, and the model does not allow missing values of " + s.name()
          + ": drop or fill those rows (Dataset.na())");
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      long x = ((Number) v).longValue();
      if (x != (int) x) {
        throw error(s, row, element, where, x + " is out of the range of an int");
      }
      return (int) x;
    }
    if (v instanceof Double || v instanceof BigDecimal) {
      double x = ((Number) v).doubleValue();
      if (x != Math.rint(x) || Math.abs(x) > Integer.MAX_VALUE) {
        throw error(s, row, element, where, x + " is not a whole number, and the model's " + s.name() + " is integer");
      }
      return (int) x;
    }
    throw error(s, row, element, where, "a " + v.getClass().getSimpleName() + ", not an integer");
  }

  /** The row's vector of {@code s}, as boxed values, or null for a null vector. */
  private static Object[] vector(Source s, Row row) {
    switch (s.kind()) {
      case ARRAY -> {
        Object v = row.get(s.positions()[0]);
        return v == null ? null : row.getList(s.positions()[0]).toArray();
      }
      case ML_VECTOR -> {
        Object v = row.get(s.positions()[0]);
        if (v == null) {
          return null;
        }
        double[] d = MlVectors.values(v);
        Object[] out = new Object[d.length];
        for (int i = 0; i < d.length; i++) {
          out[i] = d[i];
        }
        return out;
      }
      case FLAT -> {
        Object[] out = new Object[s.positions().length];
        for (int i = 0; i < out.length; i++) {
          out[i] = row.get(s.positions()[i]);
        }
        return out;
      }
      default -> throw new IllegalStateException(s.kind().toString());
    }
  }

  private static Object[] checkedVector(Source s, Row row, int n, int width, String where) {
    Object[] v = vector(s, row);
    if (v == null) {
      if (!s.column().missingAllowed() || width < 0) {
        throw error(s, n, -1, where, "a null vector" + (s.column().missingAllowed() ? " before the vector's length is known"
            : ", and the model does not allow missing values of " + s.name() + ": drop or fill those rows"));
      }
      return new Object[width];
    }
    if (width >= 0 && v.length != width) {
      throw error(s, n, -1, where, "a vector of " + v.length + " values, but " + (s.width() >= 0 && s.width() == width
          ? "the rows of " + s.name() + " have " + width : "earlier rows have " + width) + " (every row of " + s.name()
          + " must have the same length)");
    }
    return v;
  }

  private static int[] intVector(Source s, Row row, int n, String where) {
    Object[] v = checkedVector(s, row, n, s.width(), where);
    int[] out = new int[v.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = integer(s, v[i], n, i, where);
    }
    return out;
  }

  /** One column's values of a block of rows, growing as rows come. */
  private static final class Buffer {
    final Source source;
    final String where;
    double[] reals = new double[16];
    int[] ints = new int[16];
    final List<Object> vectors = new ArrayList<>();
    int size;
    int width;

    Buffer(Source source, String where) {
      this.source = source;
      this.where = where;
      this.width = source.width();
    }

    void add(Row row, int n) {
      SplitModel.Column c = source.column();
      if (c.vector()) {
        Object[] v = checkedVector(source, row, n, width, where);
        width = v.length;
        if (c.integer()) {
          int[] out = new int[v.length];
          for (int i = 0; i < out.length; i++) {
            out[i] = integer(source, v[i], n, i, where);
          }
          vectors.add(out);
        } else {
          double[] out = new double[v.length];
          for (int i = 0; i < out.length; i++) {
            out[i] = real(source, v[i], n, i, where);
          }
          vectors.add(out);
        }
      } else {
        Object v = row.get(source.positions()[0]);
        if (c.integer()) {
          if (size == ints.length) {
            ints = Arrays.copyOf(ints, grow(size));
          }
          ints[size] = integer(source, v, n, -1, where);
        } else {
          if (size == reals.length) {
            reals = Arrays.copyOf(reals, grow(size));
          }
          reals[size] = real(source, v, n, -1, where);
        }
      }
      size++;
    }

    private static int grow(int size) {
      return (int) Math.min(Integer.MAX_VALUE - 8, 2L * size);
    }

    Object array() {
      SplitModel.Column c = source.column();
      if (c.vector()) {
        return c.integer() ? vectors.toArray(new int[0][]) : vectors.toArray(new double[0][]);
      }
      return c.integer() ? Arrays.copyOf(ints, size) : Arrays.copyOf(reals, size);
    }
  }
}
