package dev.vmodel.spark;

import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.fit.PredictionRecords;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.split.SplitRows;
import java.io.Reader;
import java.io.Serializable;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@link SparkFit#transform}: the generated {@code Result.predict} run on each partition's rows on
 * the executors, its records ({@link PredictionRecords}) added to the rows as columns.
 *
 * <p>The posterior travels as its JSON (the generated {@code save}/{@code load}, which restore the
 * global factors bit for bit), broadcast once. The output's columns are decided on the driver from
 * a prediction of the first rows (a few rows, not a job over the data); each partition's records
 * are then matched to them by name.
 */
final class SparkTransform {
  private SparkTransform() {}

  /** How many of the first rows the driver predicts to learn the output's columns. */
  static final int PROBE_ROWS = 64;

  /** How an output column is read from a partition's records. */
  enum Kind {
    /** One number per row (NaN becomes null). */
    SCALAR,
    /** An {@code array<double>} per row. */
    VECTOR,
    /** The index of the largest of the group's values per row (a categorical factor's most probable value). */
    ARGMAX
  }

  /**
   * One added column: its name, and the record group ({@link PredictionRecords.Group}, or a local
   * factor over the groups, {@link PredictionRecords.Other}) it is read from.
   */
  record Out(String column, String source, Kind kind) implements Serializable {
    private static final long serialVersionUID = 1L;

    DataType type() {
      return switch (kind) {
        case SCALAR -> DataTypes.DoubleType;
        case VECTOR -> DataTypes.createArrayType(DataTypes.DoubleType, false);
        case ARGMAX -> DataTypes.IntegerType;
      };
    }
  }

  /** What every task needs: all serialisable, the posterior itself broadcast. */
  record Shipped(SplitModel model, ColumnPlan plan, PredictionRecords.Layout layout, List<Out> outs,
      SparkPasses.ExecutorOptions options) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  static Dataset<Row> transform(FitResult given, Dataset<Row> data, FitOptions options, SparkFit.Options spark) {
    SplitModel model = modelOf(given);
    String posterior = save(given);
    // the posterior as the executors load it: global factors only (a fitted Result's local
    // factors are of its own rows), bitwise the given ones
    FitResult fit = load(model, posterior);
    ColumnPlan plan = ColumnPlan.of(model, data.schema());

    // the driver's prediction of the first rows: which columns the records have
    List<Row> first = SparkPasses.run(() -> plan.select(data).takeAsList(PROBE_ROWS));
    if (first.isEmpty()) {
      throw new IllegalArgumentException("the DataFrame has no rows to transform");
    }
    String sampled = "the driver's sample of the first " + first.size() + " rows";
    Map<String, Object> arrays = plan.arrays(first.iterator(), sampled);
    PredictionRecords.Layout layout = layout(model, fit, arrays);
    PredictionRecords probe;
    try {
      SplitRows.renumberGroups(model, arrays);
      probe = records(fit, layout, arrays, options.withMaxIterations(Math.min(options.maxIterations(), 2)));
    } catch (DataException e) {
      throw SparkPasses.located(e, "in " + sampled + ", numbered from 0");
    }
    if (probe.groups.isEmpty() && probe.others.isEmpty()) {
      throw new IllegalArgumentException(probe.nothingToPredict());
    }
    List<Out> outs = outs(probe);
    StructType schema = data.schema();
    Set<String> names = new LinkedHashSet<>(Arrays.asList(schema.fieldNames()));
    for (Out o : outs) {
      if (names.contains(o.column())) {
        throw new IllegalArgumentException("the DataFrame already has a column \"" + o.column() + "\", which transform"
            + " adds (a DataFrame transformed before?): drop or rename it");
      }
      schema = schema.add(new StructField(o.column(), o.type(), true, org.apache.spark.sql.types.Metadata.empty()));
    }

    Dataset<Row> rows = data;
    int group = plan.groupField();
    if (group >= 0 && !spark.groupsPartitioned()) {
      int n = SparkPasses.run(() -> data.javaRDD().getNumPartitions());
      String name = data.schema().fields()[group].name();
      rows = data.repartition(n, functions.col("`" + name.replace("`", "``") + "`"));
    }
    int threads = data.sparkSession().sparkContext().getConf().getInt("spark.task.cpus", 1);
    Shipped shipped = new Shipped(model, plan.unselected(), layout, outs, SparkPasses.ExecutorOptions.of(options,
        threads));
    Broadcast<String> json = SparkPasses.run(() -> org.apache.spark.api.java.JavaSparkContext
        .fromSparkContext(data.sparkSession().sparkContext()).broadcast(posterior));
    JavaRDD<Row> out = rows.javaRDD().mapPartitionsWithIndex((p, it) -> partition(shipped, json, p, it), true);
    return data.sparkSession().createDataFrame(out, schema);
  }

  /** The generated model class of {@code fit}, a generated {@code Result}, as its default {@link SplitModel}. */
  private static SplitModel modelOf(FitResult fit) {
    Class<?> c = fit.getClass().getDeclaringClass();
    if (c == null || !SplitModel.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException("transform takes the Result of a generated model that splits (a SparkFit.fit,"
          + " or the model's load), not a " + fit.getClass().getName());
    }
    try {
      return (SplitModel) c.getMethod("create").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make the model " + c.getName() + ": " + e, e);
    }
  }

  /** The posterior's JSON, by the generated {@code save(Writer)}: the global factors bit for bit. */
  private static String save(FitResult fit) {
    StringWriter w = new StringWriter();
    try {
      fit.getClass().getMethod("save", Writer.class).invoke(fit, w);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot save the posterior of " + fit.getClass().getName() + ": " + e, e);
    }
    return w.toString();
  }

  /** {@code fit} saved and loaded: its global factors bitwise, without local factors. */
  static FitResult loaded(FitResult fit) {
    return load(modelOf(fit), save(fit));
  }

  /** The Result the JSON {@code json} of a posterior of {@code model} loads to. */
  private static FitResult load(SplitModel model, String json) {
    try {
      return (FitResult) model.getClass().getMethod("load", Reader.class).invoke(null, new StringReader(json));
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot load the broadcast posterior: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot load the broadcast posterior: " + e, e);
    }
  }

  /**
   * The layout of {@code fit}'s predictions: the predictives and observed arrays the generated class's
   * {@code predictionLayout()} gives (the compiler's, from the plan). For a model that gives none (a
   * hand-written {@link SplitModel}), read off its classes (a Java caller has no plan), but for the
   * local factors, which {@link #records} takes from each prediction (the
   * factors of its posterior that are not the fit's, held: {@link #own}); the
   * predictive columns are the real data columns with a {@code predict<Name>} method, their further
   * index sized by the fit's size of the vector's width ({@code arrays}, the driver's sample); the
   * observed columns those that may be missing (in generated models only observed arrays may be).
   * SparkTransformTest checks that this gives the records {@code vmodel predict}'s layout (from the
   * plan) gives, for the generated models.
   */
  static PredictionRecords.Layout layout(SplitModel model, FitResult fit, Map<String, Object> arrays) {
    PredictionRecords.Layout decided = model.predictionLayout();
    if (decided != null) {
      // the generated class says what the compiler decided from the plan (vmodel predict's layout)
      return new PredictionRecords.Layout(decided.model(), "rows", null, List.of(), decided.predictives(),
          decided.observed());
    }
    List<PredictionRecords.Predictive> predictives = new ArrayList<>();
    List<String> observed = new ArrayList<>();
    Class<?> result = fit.getClass();
    for (SplitModel.Column c : model.columns()) {
      if (c.missingAllowed()) {
        observed.add(c.name());
      }
      if (c.integer()) {
        continue;
      }
      String cap = Character.toUpperCase(c.name().charAt(0)) + c.name().substring(1);
      if (!c.vector() && has(result, "predict" + cap, 1) && has(result, "predictVariance" + cap, 1)) {
        predictives.add(new PredictionRecords.Predictive(c.name(), cap, List.of()));
      } else if (c.vector() && has(result, "predict" + cap, 2) && has(result, "predictVariance" + cap, 2)) {
        int width = arrays.get(c.name()) instanceof double[][] x && x.length > 0 ? x[0].length : -1;
        String size = sizeOf(fit, width);
        if (size != null) {
          predictives.add(new PredictionRecords.Predictive(c.name(), cap, List.of(size)));
        }
      }
    }
    return new PredictionRecords.Layout(model.getClass().getSimpleName(), "rows", null, List.of(), predictives,
        observed);
  }

  private static boolean has(Class<?> c, String name, int ints) {
    Class<?>[] types = new Class<?>[ints];
    Arrays.fill(types, int.class);
    try {
      c.getMethod(name, types);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** A {@code size<Name>()} method of the fit whose value is {@code width} (a size the fit fixes, not the rows'). */
  private static String sizeOf(FitResult fit, int width) {
    if (width <= 0) {
      return null;
    }
    for (Method m : fit.getClass().getMethods()) {
      if (m.getName().startsWith("size") && m.getParameterCount() == 0 && m.getReturnType() == int.class) {
        try {
          if ((Integer) m.invoke(fit) == width) {
            return m.getName();
          }
        } catch (ReflectiveOperationException e) {
          // not a size
        }
      }
    }
    return null;
  }

  /**
   * {@code fit.predict} of the rows {@code arrays} (groups renumbered), as records; {@code fit} is
   * a loaded posterior (global factors only, {@link #loaded}).
   */
  static PredictionRecords records(FitResult fit, PredictionRecords.Layout layout, Map<String, Object> arrays,
      FitOptions options) {
    try {
      Class<?> model = fit.getClass().getDeclaringClass();
      Class<?> dataClass = Class.forName(model.getName() + "$Data", true, model.getClassLoader());
      Object d = dataClass.getConstructor().newInstance();
      for (Map.Entry<String, Object> e : arrays.entrySet()) {
        dataClass.getMethod(e.getKey(), e.getValue().getClass()).invoke(d, e.getValue());
      }
      Object prediction = fit.getClass().getMethod("predict", dataClass, FitOptions.class).invoke(fit, d, options);
      // the local factors: the prediction's own, in its order; on the rows, or, if their number is
      // not the rows', over the groups (a document's theta)
      Object posterior = prediction.getClass().getMethod("posterior").invoke(prediction);
      List<PredictionRecords.Local> locals = new ArrayList<>();
      Map<String, FitResult.Posterior> held = fit.posteriors();
      for (Map.Entry<String, FitResult.Posterior> e : ((FitResult) posterior).posteriors().entrySet()) {
        if (own(e.getValue(), held.get(e.getKey()))) {
          locals.add(new PredictionRecords.Local(e.getKey(), true, "the rows"));
        }
      }
      PredictionRecords.Layout full = new PredictionRecords.Layout(layout.model(), layout.plate(), null, locals,
          layout.predictives(), layout.observed());
      return PredictionRecords.of(full, prediction, PredictionRecords.unobserved(full, arrays), rows(arrays));
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot predict with " + fit.getClass().getName() + ": " + e, e);
    }
  }

  /**
   * Whether a prediction's factor {@code p} is the new rows' own rather than the fit's {@code
   * held} (null if the fit lists none): a prediction holds the global factors bitwise at the fit's,
   * and infers the others (a row's z, a new document's theta, which a fit of documents also lists).
   */
  static boolean own(FitResult.Posterior p, FitResult.Posterior held) {
    if (held == null || held.elements() != p.elements() || !held.parameters().keySet().equals(p.parameters().keySet())) {
      return true;
    }
    for (Map.Entry<String, double[]> e : p.parameters().entrySet()) {
      if (!Arrays.equals(e.getValue(), held.parameters().get(e.getKey()))) {
        return true;
      }
    }
    return false;
  }

  private static int rows(Map<String, Object> arrays) {
    for (Object a : arrays.values()) {
      if (a != null && a.getClass().isArray()) {
        return java.lang.reflect.Array.getLength(a);
      }
    }
    return 0;
  }

  /**
   * The added columns, from the driver's records: {@code logPredictive}; per local factor, for a
   * categorical {@code z}: {@code z_probability} (array) and {@code z_prediction} (the most
   * probable value), else its posterior mean {@code h} (array, or a number if it has one
   * component); per predictive {@code mean(y)}, {@code var(y)}: {@code y_mean}, {@code y_variance}.
   */
  static List<Out> outs(PredictionRecords records) {
    List<Out> out = new ArrayList<>();
    for (PredictionRecords.Group g : records.groups) {
      String name = g.name();
      if (g.family() != null) {
        addLocal(out, name, g.family(), g.width());
      } else if (name.startsWith("mean(") || name.startsWith("var(")) {
        String array = name.substring(name.indexOf('(') + 1, name.length() - 1);
        out.add(new Out(array + (name.startsWith("mean(") ? "_mean" : "_variance"), name,
            g.vector() ? Kind.VECTOR : Kind.SCALAR));
      } else {
        out.add(new Out(name, name, g.vector() ? Kind.VECTOR : Kind.SCALAR));
      }
    }
    for (PredictionRecords.Other o : records.others) {
      addLocal(out, o.name(), o.family(), o.elements() == 0 ? 0 : o.mean().length / o.elements());
    }
    return out;
  }

  private static void addLocal(List<Out> out, String name, String family, int width) {
    if ("Categorical".equals(family)) {
      out.add(new Out(name + "_probability", name, Kind.VECTOR));
      out.add(new Out(name + "_prediction", name, Kind.ARGMAX));
    } else {
      out.add(new Out(name, name, width == 1 ? Kind.SCALAR : Kind.VECTOR));
    }
  }

  /** One partition's rows with the added columns: on an executor. */
  static Iterator<Row> partition(Shipped s, Broadcast<String> json, int partition, Iterator<Row> it) {
    if (!it.hasNext()) {
      return Collections.emptyIterator();
    }
    List<Row> rows = new ArrayList<>();
    it.forEachRemaining(rows::add);
    String where = "partition " + partition;
    Map<String, Object> arrays = s.plan().arrays(rows.iterator(), where);
    PredictionRecords records;
    int[] groupOf = null;
    try {
      SplitRows.renumberGroups(s.model(), arrays);
      for (SplitModel.Column c : s.model().columns()) {
        if (c.group()) {
          groupOf = ((int[]) arrays.get(c.name())).clone();
        }
      }
      records = records(load(s.model(), json.value()), s.layout(), arrays, s.options().options());
    } catch (DataException e) {
      throw SparkPasses.located(e, "in " + where + ", rows numbered from 0");
    }
    // each added column: its values and width, and whether it is indexed by row or by group
    int k = s.outs().size();
    double[][] values = new double[k][];
    int[] width = new int[k];
    boolean[] byGroup = new boolean[k];
    for (int j = 0; j < k; j++) {
      Out o = s.outs().get(j);
      for (PredictionRecords.Group g : records.groups) {
        if (g.name().equals(o.source())) {
          values[j] = g.values();
          width[j] = g.width();
        }
      }
      for (PredictionRecords.Other g : records.others) {
        if (values[j] == null && g.name().equals(o.source()) && groupOf != null && g.elements() > 0) {
          values[j] = g.mean();
          width[j] = g.mean().length / g.elements();
          byGroup[j] = true;
        }
      }
      if (values[j] == null) {
        throw new IllegalStateException("the prediction of " + where + " has no " + o.source() + " for column "
            + o.column() + " (it is over neither the rows nor the groups)");
      }
    }
    int base = rows.isEmpty() ? 0 : rows.get(0).length();
    List<Row> out = new ArrayList<>(rows.size());
    for (int n = 0; n < rows.size(); n++) {
      Row row = rows.get(n);
      Object[] v = new Object[base + k];
      for (int i = 0; i < base; i++) {
        v[i] = row.get(i);
      }
      for (int j = 0; j < k; j++) {
        int at = (byGroup[j] ? groupOf[n] : n) * width[j];
        v[base + j] = switch (s.outs().get(j).kind()) {
          case SCALAR -> Double.isNaN(values[j][at]) ? null : values[j][at];
          case VECTOR -> Arrays.copyOfRange(values[j], at, at + width[j]);
          case ARGMAX -> argmax(values[j], at, width[j]);
        };
      }
      out.add(RowFactory.create(v));
    }
    return out.iterator();
  }

  private static int argmax(double[] v, int from, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[from + i] > v[from + best]) {
        best = i;
      }
    }
    return best;
  }
}
