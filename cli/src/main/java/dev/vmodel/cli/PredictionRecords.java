package dev.vmodel.cli;

import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.runtime.fit.FitResult;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code vmodel predict} prints: one record per element of the new data's row plate (the
 * plate whose size the new data bring, {@link UpdatePlan.NewRow#plate()}), read by reflection from
 * the generated {@code Prediction}:
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
 * in the JSON form only, under {@code "others"}.
 */
final class PredictionRecords {
  /** A column group: a name and its values per row (row-major, {@code width} per row). */
  record Group(String name, int width, boolean vector, double[] values) {}

  /** A local factor on another plate than the rows': its element count and flat posterior means. */
  record Other(String name, String plate, int elements, double[] mean) {}

  final String model;
  final String plate;
  final int rows;
  final String inexact;
  /** Whether the local-only coordinate ascent met its tolerance (true if the rows have no local latents). */
  boolean converged = true;
  /** Its sweeps. */
  int sweeps;
  final List<Group> groups = new ArrayList<>();
  final List<Other> others = new ArrayList<>();

  private PredictionRecords(String model, String plate, int rows, String inexact) {
    this.model = model;
    this.plate = plate;
    this.rows = rows;
    this.inexact = inexact;
  }

  /**
   * The records of {@code prediction}, a generated {@code Prediction}; rows marked in {@code
   * unobserved} (null: none) have no observed value, so no logPredictive (NaN, printed empty).
   */
  static PredictionRecords of(UpdatePlan plan, GeneratedApi api, Object prediction, boolean[] unobserved)
      throws ReflectiveOperationException {
    UpdatePlan.NewRow row = plan.newRow();
    Class<?> pc = prediction.getClass();
    boolean exact = (Boolean) pc.getMethod("exact").invoke(prediction);
    String inexact = exact ? null : (String) pc.getMethod("inexact").invoke(prediction);
    Object posterior = pc.getMethod("posterior").invoke(prediction);
    int rows = (Integer) posterior.getClass().getMethod(sizeMethod(api, row.plate())).invoke(posterior);
    PredictionRecords out = new PredictionRecords(plan.graph().name(), row.plate(), rows, inexact);
    if (!row.locals().isEmpty()) {
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
      out.groups.add(new Group("logPredictive", 1, false, lp));
    }
    Map<String, FitResult.Posterior> posts = ((FitResult) posterior).posteriors();
    for (String local : row.locals()) {
      GeneratedApi.Accessor a = api.factors().get(local);
      FitResult.Posterior p = posts.get(local);
      if (a == null || p == null) {
        continue;
      }
      List<Dim> dims = a.elementDims();
      if (dims.size() == 1 && dims.get(0) instanceof Dim.Named n && n.size().equals(row.plate())
          && p.elements() == rows && rows > 0) {
        int width = p.mean().length / rows;
        boolean vector = width > 1 || "Categorical".equals(p.family());
        out.groups.add(new Group(local, width, vector, p.mean()));
      } else {
        out.others.add(new Other(local, dims.stream().map(Dim::text).reduce((x, y) -> x + ", " + y).orElse(""),
            p.elements(), p.mean()));
      }
    }
    for (UpdatePlan.Predictive pr : plan.predictives()) {
      addPredictive(out, api, posterior, pr.node());
    }
    return out;
  }

  private static String sizeMethod(GeneratedApi api, String size) {
    String m = api.sizes().get(size).method();
    return "size" + Character.toUpperCase(m.charAt(0)) + m.substring(1);
  }

  /** mean(y)/var(y) columns of a real array whose first plate is the rows' and which is scalar per element. */
  private static void addPredictive(PredictionRecords out, GeneratedApi api, Object posterior, String node)
      throws ReflectiveOperationException {
    GeneratedApi.DataSetter d = api.data().get(node);
    if (d == null || d.plateSizes().isEmpty() || !d.plateSizes().get(0).equals(out.plate)
        || d.rank() != d.plateSizes().size()) {
      return;
    }
    String cap = Character.toUpperCase(d.method().charAt(0)) + d.method().substring(1);
    Class<?>[] types = new Class<?>[d.rank()];
    Arrays.fill(types, int.class);
    Method mean;
    Method variance;
    try {
      mean = posterior.getClass().getMethod("predict" + cap, types);
      variance = posterior.getClass().getMethod("predictVariance" + cap, types);
    } catch (NoSuchMethodException none) {
      return;
    }
    List<Integer> inner = new ArrayList<>();
    int width = 1;
    for (String s : d.plateSizes().subList(1, d.plateSizes().size())) {
      int n = (Integer) posterior.getClass().getMethod(sizeMethod(api, s)).invoke(posterior);
      inner.add(n);
      width *= n;
    }
    double[] means = new double[out.rows * width];
    double[] vars = new double[out.rows * width];
    for (int r = 0; r < out.rows; r++) {
      for (int e = 0; e < width; e++) {
        int[] idx = Summary.index(e, inner);
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
    out.groups.add(new Group("mean(" + node + ")", width, vector, means));
    out.groups.add(new Group("var(" + node + ")", width, vector, vars));
  }

  /** The column names, in order: {@code logPredictive}, {@code z[0]}, {@code z[1]}, ... */
  List<String> columns() {
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
  double[] row(int r) {
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
  String csv() {
    StringBuilder b = new StringBuilder(String.join(",", columns().stream().map(PredictionRecords::csvField).toList()))
        .append('\n');
    for (int r = 0; r < rows; r++) {
      double[] v = row(r);
      for (int j = 0; j < v.length; j++) {
        b.append(j > 0 ? "," : "").append(Double.isNaN(v[j]) ? "" : Double.toString(v[j]));
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String csvField(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /**
   * JSON: {@code {"model", "plate", "rows": N, "exact", ["inexact"], "columns": [...], "records": [{...}, ...],
   * ["others": {...}]}}; a record's vector groups are arrays ({@code "z": [0.9, 0.1]}), a non-finite number null.
   */
  String json() {
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"model\": ").append(quote(model)).append(",\n");
    b.append("  \"plate\": ").append(quote(plate)).append(",\n");
    b.append("  \"rows\": ").append(rows).append(",\n");
    b.append("  \"exact\": ").append(inexact == null).append(",\n");
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
    return b.toString();
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

  static String quote(String s) {
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
  void table(PrintWriter out) {
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
