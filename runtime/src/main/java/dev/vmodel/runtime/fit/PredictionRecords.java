package dev.vmodel.runtime.fit;

import java.io.PrintWriter;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A generated {@code Prediction} (of the generated {@code Result.predict}) as columns: one record
 * per element of the new data's row plate (the plate whose size the new data bring), read by
 * reflection from the generated classes as a {@link Layout} says. {@code vmodel predict} prints
 * them (its layout comes from the model's plan); the Spark runner's {@code transform} adds them to
 * a DataFrame's rows.
 *
 * <ul>
 *   <li>{@code logPredictive}: ln p(row | training data), when the model has it in closed form;
 *   <li>every local factor of the new data on the row plate, component by component: for a
 *       categorical {@code z}, {@code z[0]}, {@code z[1]}, ... the probability of each value; for
 *       any other family, the posterior mean of each component ({@code h[0]}, ...; a scalar local
 *       is one column {@code theta});
 *   <li>for each real observed array with a predictive mean and variance ({@code predictY},
 *       {@code predictVarianceY} of the generated Result), {@code mean(y)} and {@code var(y)}
 *       ({@code mean(x[0])}, {@code var(x[0])}, ... if the array has more plates than the row's).
 * </ul>
 *
 * Local factors on other plates (LDA's per-document {@code theta} when the rows are tokens) are
 * {@link #others}: in the JSON form only, under {@code "others"}.
 */
public final class PredictionRecords {
  /**
   * What of a generated {@code Prediction} becomes columns: facts of the model alone (its plan), so
   * that the records can be read where only the generated classes are (a Spark executor).
   *
   * @param model the model's name
   * @param plate the row plate: the size the new data bring ({@code N}; LDA's {@code T})
   * @param rowsMethod the generated Result's method giving the row plate's size ({@code sizeN}), or
   *     null if the caller counts the rows
   * @param locals the local factors of the new data, in the model's order
   * @param predictives the real observed arrays over the rows with a predictive mean and variance
   * @param observed the observed arrays, all over the rows (a row with every one missing has no
   *     logPredictive); null if an observed array is not over the rows (every row has it)
   */
  public record Layout(String model, String plate, String rowsMethod, List<Local> locals,
      List<Predictive> predictives, List<String> observed) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Layout {
      locals = List.copyOf(locals);
      predictives = List.copyOf(predictives);
      observed = observed == null ? null : List.copyOf(observed);
    }
  }

  /**
   * A local factor of the new data.
   *
   * @param name its name in {@code posteriors()}
   * @param onRows whether it has one element per row (its only plate is the row plate)
   * @param over its plates as text ({@code D}; the row plate's name for one on the rows)
   */
  public record Local(String name, boolean onRows, String over) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * A real observed array with a predictive mean: {@code predict<method>(n, ...)} and {@code
   * predictVariance<method>(n, ...)} of the generated Result.
   *
   * @param array the array's name
   * @param method its name in those methods ({@code Y} for {@code predictY})
   * @param innerSizes the Result's methods giving the sizes of its plates after the rows' ({@code
   *     sizeD} for PPCA's {@code x[n, d]}), one per further index
   */
  public record Predictive(String array, String method, List<String> innerSizes) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Predictive {
      innerSizes = List.copyOf(innerSizes);
    }
  }

  /**
   * A column group: a name and its values per row (row-major, {@code width} per row); for a local
   * factor its family ({@code Categorical}, ...), else null.
   */
  public record Group(String name, int width, boolean vector, double[] values, String family) {}

  /** A local factor on another plate than the rows': its element count, flat posterior means and family. */
  public record Other(String name, String plate, int elements, double[] mean, String family) {}

  public final String model;
  public final String plate;
  public final int rows;
  /** Why there is no logPredictive, or null if there is. */
  public final String inexact;
  /** Whether the local-only coordinate ascent met its tolerance (true if the rows have no local latents). */
  public boolean converged = true;
  /** Its sweeps. */
  public int sweeps;
  /** The column groups, in order: logPredictive, the locals on the rows, the predictive means and variances. */
  public final List<Group> groups = new ArrayList<>();
  /** The local factors on other plates than the rows'. */
  public final List<Other> others = new ArrayList<>();

  private PredictionRecords(String model, String plate, int rows, String inexact) {
    this.model = model;
    this.plate = plate;
    this.rows = rows;
    this.inexact = inexact;
  }

  /**
   * The records of {@code prediction}, a generated {@code Prediction} laid out as {@code layout}
   * says; rows marked in {@code unobserved} (null: none) have no observed value, so no
   * logPredictive (NaN, printed empty).
   */
  public static PredictionRecords of(Layout layout, Object prediction, boolean[] unobserved)
      throws ReflectiveOperationException {
    Object posterior = prediction.getClass().getMethod("posterior").invoke(prediction);
    int rows = (Integer) posterior.getClass().getMethod(layout.rowsMethod()).invoke(posterior);
    return of(layout, prediction, unobserved, rows);
  }

  /**
   * {@link #of(Layout, Object, boolean[])} of a prediction of {@code rows} rows, for a layout
   * without {@link Layout#rowsMethod()}.
   */
  public static PredictionRecords of(Layout layout, Object prediction, boolean[] unobserved, int rows)
      throws ReflectiveOperationException {
    Class<?> pc = prediction.getClass();
    boolean exact = (Boolean) pc.getMethod("exact").invoke(prediction);
    String inexact = exact ? null : (String) pc.getMethod("inexact").invoke(prediction);
    Object posterior = pc.getMethod("posterior").invoke(prediction);
    PredictionRecords out = new PredictionRecords(layout.model(), layout.plate(), rows, inexact);
    if (!layout.locals().isEmpty()) {
      out.converged = ((FitResult) posterior).converged();
      out.sweeps = ((FitResult) posterior).iterations();
    }
    if (exact) {
      double[] lp = (double[]) pc.getMethod("logPredictive").invoke(prediction);
      for (int r = 0; unobserved != null && r < Math.min(rows, unobserved.length); r++) {
        if (unobserved[r]) {
          lp[r] = Double.NaN;
        }
      }
      out.groups.add(new Group("logPredictive", 1, false, lp, null));
    }
    Map<String, FitResult.Posterior> posts = ((FitResult) posterior).posteriors();
    for (Local local : layout.locals()) {
      FitResult.Posterior p = posts.get(local.name());
      if (p == null) {
        continue;
      }
      if (local.onRows() && p.elements() == rows && rows > 0) {
        int width = p.mean().length / rows;
        boolean vector = width > 1 || "Categorical".equals(p.family());
        out.groups.add(new Group(local.name(), width, vector, p.mean(), p.family()));
      } else {
        out.others.add(new Other(local.name(), local.over(), p.elements(), p.mean(), p.family()));
      }
    }
    for (Predictive pr : layout.predictives()) {
      addPredictive(out, posterior, pr);
    }
    return out;
  }

  /**
   * What {@code vmodel predict} and the Spark runner say of a model whose new rows have nothing to
   * report (no {@link #groups}): {@code model M gives nothing to predict for new rows: why}.
   */
  public String nothingToPredict() {
    return "model " + model + " gives nothing to predict for new rows: "
        + (inexact != null ? inexact : "it has no local latents and no predictive mean");
  }

  /**
   * Per row, whether every observed value of the row is missing (NaN, or -1 for a label) in the
   * data arrays {@code arrays} (by name, as the generated {@code Data} setters take them): a row of
   * covariates only, given to get the predictive mean of y. Such a row has no logPredictive (it
   * would be ln 1 = 0 up to rounding, the density of no observation). Null if no row can be so.
   */
  public static boolean[] unobserved(Layout layout, Map<String, Object> arrays) {
    if (layout.observed() == null) {
      return null; // an observed array not over the rows: every row has it
    }
    boolean[] none = null;
    for (String name : layout.observed()) {
      Object array = arrays.get(name);
      if (array == null) {
        continue;
      }
      if (!array.getClass().isArray()) {
        return null;
      }
      int n = Array.getLength(array);
      if (none == null) {
        none = new boolean[n];
        Arrays.fill(none, true);
      }
      for (int r = 0; r < Math.min(n, none.length); r++) {
        none[r] &= allMissing(Array.get(array, r));
      }
    }
    return none;
  }

  private static boolean allMissing(Object v) {
    if (v instanceof Double x) {
      return Double.isNaN(x);
    }
    if (v instanceof Integer i) {
      return i == -1; // a missing label (the binder writes -1 only where the model allows it)
    }
    if (v instanceof double[] xs) {
      for (double x : xs) {
        if (!Double.isNaN(x)) {
          return false;
        }
      }
      return true;
    }
    if (v != null && v.getClass().isArray() && !v.getClass().getComponentType().isPrimitive()) {
      for (int i = 0; i < Array.getLength(v); i++) {
        if (!allMissing(Array.get(v, i))) {
          return false;
        }
      }
      return true;
    }
    return false; // other integer data cannot be missing
  }

  /** mean(y)/var(y) columns of a real array whose first plate is the rows' and which is scalar per element. */
  private static void addPredictive(PredictionRecords out, Object posterior, Predictive pr)
      throws ReflectiveOperationException {
    Class<?>[] types = new Class<?>[1 + pr.innerSizes().size()];
    Arrays.fill(types, int.class);
    Method mean;
    Method variance;
    try {
      mean = posterior.getClass().getMethod("predict" + pr.method(), types);
      variance = posterior.getClass().getMethod("predictVariance" + pr.method(), types);
    } catch (NoSuchMethodException none) {
      return;
    }
    List<Integer> inner = new ArrayList<>();
    int width = 1;
    for (String s : pr.innerSizes()) {
      int n = (Integer) posterior.getClass().getMethod(s).invoke(posterior);
      inner.add(n);
      width *= n;
    }
    double[] means = new double[out.rows * width];
    double[] vars = new double[out.rows * width];
    for (int r = 0; r < out.rows; r++) {
      for (int e = 0; e < width; e++) {
        int[] idx = index(e, inner);
        Object[] args = new Object[1 + idx.length];
        args[0] = r;
        for (int i = 0; i < idx.length; i++) {
          args[1 + i] = idx[i];
        }
        try {
          means[r * width + e] = (Double) mean.invoke(posterior, args);
          vars[r * width + e] = (Double) variance.invoke(posterior, args);
        } catch (InvocationTargetException e2) {
          if (e2.getCause() instanceof IllegalStateException) {
            return; // not available for this posterior
          }
          throw e2;
        }
      }
    }
    boolean vector = width > 1;
    out.groups.add(new Group("mean(" + pr.array() + ")", width, vector, means, null));
    out.groups.add(new Group("var(" + pr.array() + ")", width, vector, vars, null));
  }

  /** The indices of flat element {@code e} of an array of sizes {@code sizes}, row-major. */
  public static int[] index(long e, List<Integer> sizes) {
    int[] idx = new int[sizes.size()];
    long rest = e;
    for (int i = sizes.size() - 1; i >= 0; i--) {
      idx[i] = (int) (rest % sizes.get(i));
      rest /= sizes.get(i);
    }
    return idx;
  }

  /** The column names, in order: {@code logPredictive}, {@code z[0]}, {@code z[1]}, ... */
  public List<String> columns() {
    List<String> out = new ArrayList<>();
    for (Group g : groups) {
      if (!g.vector()) {
        out.add(g.name());
        continue;
      }
      boolean call = g.name().endsWith(")");
      for (int j = 0; j < g.width(); j++) {
        out.add(call ? g.name().substring(0, g.name().length() - 1) + "[" + j + "])" : g.name() + "[" + j + "]");
      }
    }
    return out;
  }

  /** Row {@code r}'s values, in the order of {@link #columns()}. */
  public double[] row(int r) {
    double[] out = new double[columns().size()];
    int c = 0;
    for (Group g : groups) {
      System.arraycopy(g.values(), r * g.width(), out, c, g.width());
      c += g.width();
    }
    return out;
  }

  /**
   * CSV: a header line, then one line per row, every number as Java's shortest round-trip decimal,
   * an undefined one (NaN: the logPredictive of a row without observed values) as an empty cell.
   */
  public String csv() {
    java.io.StringWriter w = new java.io.StringWriter();
    PrintWriter p = new PrintWriter(w);
    csv(p);
    p.flush();
    return w.toString();
  }

  /** {@link #csv()} written to {@code b} row by row (never held whole). */
  public void csv(PrintWriter b) {
    b.append(String.join(",", columns().stream().map(PredictionRecords::csvField).toList())).append('\n');
    for (int r = 0; r < rows; r++) {
      double[] v = row(r);
      for (int j = 0; j < v.length; j++) {
        b.append(j > 0 ? "," : "").append(Double.isNaN(v[j]) ? "" : Double.toString(v[j]));
      }
      b.append('\n');
    }
  }

  private static String csvField(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /**
   * JSON: {@code {"model", "plate", "rows": N, "exact", ["inexact"], "columns": [...], "records": [{...}, ...],
   * ["others": {...}]}}; a record's vector groups are arrays ({@code "z": [0.9, 0.1]}), a non-finite number null.
   */
  public String json() {
    java.io.StringWriter w = new java.io.StringWriter();
    PrintWriter p = new PrintWriter(w);
    json(p);
    p.flush();
    return w.toString();
  }

  /** {@link #json()} written to {@code b} record by record (never held whole). */
  public void json(PrintWriter b) {
    b.append("{\n");
    b.append("  \"model\": ").append(quote(model)).append(",\n");
    b.append("  \"plate\": ").append(quote(plate)).append(",\n");
    b.append("  \"rows\": ").append(String.valueOf(rows)).append(",\n");
    b.append("  \"exact\": ").append(String.valueOf(inexact == null)).append(",\n");
    if (inexact != null) {
      b.append("  \"inexact\": ").append(quote(inexact)).append(",\n");
    }
    b.append("  \"columns\": [").append(String.join(", ", columns().stream().map(PredictionRecords::quote).toList()))
        .append("],\n");
    b.append("  \"records\": [");
    for (int r = 0; r < rows; r++) {
      b.append(r > 0 ? ",\n    {" : "\n    {");
      for (int gi = 0; gi < groups.size(); gi++) {
        Group g = groups.get(gi);
        b.append(gi > 0 ? ", " : "").append(quote(g.name())).append(": ");
        if (g.vector()) {
          b.append(array(g.values(), r * g.width(), g.width()));
        } else {
          b.append(number(g.values()[r]));
        }
      }
      b.append('}');
    }
    b.append(rows > 0 ? "\n  ]" : "]");
    if (!others.isEmpty()) {
      b.append(",\n  \"others\": {");
      for (int i = 0; i < others.size(); i++) {
        Other o = others.get(i);
        int width = o.elements() == 0 ? 0 : o.mean().length / o.elements();
        b.append(i > 0 ? "," : "").append("\n    ").append(quote(o.name())).append(": {\"over\": ")
            .append(quote(o.plate())).append(", \"mean\": [");
        for (int e = 0; e < o.elements(); e++) {
          b.append(e > 0 ? ", " : "").append(array(o.mean(), e * width, width));
        }
        b.append("]}");
      }
      b.append("\n  }");
    }
    b.append("\n}\n");
  }

  private static String array(double[] v, int from, int n) {
    StringBuilder b = new StringBuilder("[");
    for (int j = 0; j < n; j++) {
      b.append(j > 0 ? ", " : "").append(number(v[from + j]));
    }
    return b.append(']').toString();
  }

  private static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  public static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** The human-readable table: a {@code row} column, then the columns, 6 significant digits, right-aligned. */
  public void table(PrintWriter out) {
    List<String> cols = new ArrayList<>();
    cols.add("row");
    cols.addAll(columns());
    String[][] cells = new String[rows][];
    int[] width = new int[cols.size()];
    for (int j = 0; j < cols.size(); j++) {
      width[j] = cols.get(j).length();
    }
    for (int r = 0; r < rows; r++) {
      double[] v = row(r);
      cells[r] = new String[cols.size()];
      cells[r][0] = Integer.toString(r);
      for (int j = 0; j < v.length; j++) {
        cells[r][j + 1] = Double.isNaN(v[j]) ? "-" : String.format(Locale.ROOT, "%.6g", v[j]);
      }
      for (int j = 0; j < cols.size(); j++) {
        width[j] = Math.max(width[j], cells[r][j].length());
      }
    }
    out.println(model + ": " + rows + " new row" + (rows == 1 ? "" : "s") + " (plate " + plate + ")");
    StringBuilder h = new StringBuilder();
    for (int j = 0; j < cols.size(); j++) {
      h.append(j > 0 ? "  " : "").append(pad(cols.get(j), width[j]));
    }
    out.println(h);
    for (int r = 0; r < rows; r++) {
      StringBuilder l = new StringBuilder();
      for (int j = 0; j < cols.size(); j++) {
        l.append(j > 0 ? "  " : "").append(pad(cells[r][j], width[j]));
      }
      out.println(l);
    }
    for (Other o : others) {
      out.println("q(" + o.name() + ") is over " + o.plate() + ", not over the rows: see --format json");
    }
  }

  private static String pad(String s, int w) {
    return " ".repeat(Math.max(0, w - s.length())) + s;
  }
}
