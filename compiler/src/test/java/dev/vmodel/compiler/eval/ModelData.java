package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.graph.ModelGraph;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The known quantities of one fit: sizes, hyperparameter values and observed arrays, bound from a
 * CSV the way the language describes (a size over the rows is the row count, a vector length or a
 * second plate is the number of `name[j]` columns, a size with a default takes it, a `cat[K]`
 * covariate's range otherwise is max + 1) and overridable, as at fit time.
 */
final class ModelData {
  /** Fit-time choices: the first {@code rows} rows only (all if < 0), size and hyper overrides. */
  record Options(int rows, Map<String, Integer> sizes, Map<String, Double> hypers) {
    Options {
      sizes = Map.copyOf(sizes);
      hypers = Map.copyOf(hypers);
    }

    static Options all() {
      return new Options(-1, Map.of(), Map.of());
    }

    static Options rows(int n) {
      return new Options(n, Map.of(), Map.of());
    }

    Options size(String name, int value) {
      Map<String, Integer> s = new HashMap<>(sizes);
      s.put(name, value);
      return new Options(rows, s, hypers);
    }

    Options hyper(String name, double value) {
      Map<String, Double> h = new HashMap<>(hypers);
      h.put(name, value);
      return new Options(rows, sizes, h);
    }
  }

  /** An observed array: dimensions (plates, then vector components) and values, row-major. */
  record DataArray(int[] dims, double[] values) {
    double get(int... idx) {
      if (idx.length != dims.length) {
        throw new IllegalArgumentException("index rank " + idx.length + " for dims " + java.util.Arrays.toString(dims));
      }
      int flat = 0;
      for (int i = 0; i < dims.length; i++) {
        if (idx[i] < 0 || idx[i] >= dims[i]) {
          throw new IndexOutOfBoundsException(java.util.Arrays.toString(idx) + " outside " + java.util.Arrays.toString(dims));
        }
        flat = flat * dims[i] + idx[i];
      }
      return values[flat];
    }
  }

  final ModelGraph graph;
  final Map<String, Integer> sizes = new LinkedHashMap<>();
  final Map<String, Val> hypers = new LinkedHashMap<>();
  final Map<String, DataArray> arrays = new LinkedHashMap<>();
  private final Map<String, ModelGraph.Node> nodes = new HashMap<>();

  private ModelData(ModelGraph graph) {
    this.graph = graph;
  }

  static ModelData load(ModelGraph graph, Csv csv, Options options) {
    ModelData d = new ModelData(graph);
    int rows = options.rows() < 0 ? csv.rowCount() : Math.min(options.rows(), csv.rowCount());
    d.sizes.putAll(options.sizes());
    // Sizes over rows, second plates and vector lengths.
    for (ModelGraph.Node n : graph.nodes()) {
      if (n.isLatent()) {
        continue;
      }
      if (n.plates().isEmpty()) {
        throw new IllegalArgumentException("unplated data '" + n.name() + "' is not supported by the CSV reader");
      }
      d.bind(n.plates().get(0).size(), rows, n.name());
      if (n.plates().size() == 2) {
        d.bind(n.plates().get(1).size(), csv.componentCount(n.name()), n.name());
      } else if (n.plates().size() > 2) {
        throw new IllegalArgumentException("data with more than two plates: " + n.name());
      }
      if (n.type() instanceof Type.Vector v && v.length() instanceof Dim.Named s) {
        d.bind(s.size(), csv.componentCount(n.name()), n.name());
      }
    }
    for (CheckedModel.SizeSym s : graph.sizes()) {
      if (!d.sizes.containsKey(s.name()) && s.defaultValue().isPresent()) {
        d.sizes.put(s.name(), sizeDefault(s.defaultValue().get(), d.sizes));
      }
    }
    // Arrays.
    for (ModelGraph.Node n : graph.nodes()) {
      if (n.isLatent()) {
        continue;
      }
      boolean columns = n.plates().size() == 2 || n.type() instanceof Type.Vector;
      int width = columns ? csv.componentCount(n.name()) : 1;
      if (columns && width == 0) {
        throw new IllegalArgumentException("no columns " + n.name() + "[j] in " + csv.header());
      }
      double[] values = new double[rows * width];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < width; c++) {
          values[r * width + c] = csv.get(r, columns ? n.name() + "[" + c + "]" : n.name());
        }
      }
      d.arrays.put(n.name(), new DataArray(columns ? new int[] {rows, width} : new int[] {rows}, values));
    }
    // Ranges of categorical data not bound otherwise: max + 1.
    for (ModelGraph.Node n : graph.nodes()) {
      if (!n.isLatent() && n.type() instanceof Type.Cat c && c.range() instanceof Dim.Named s
          && !d.sizes.containsKey(s.size())) {
        double max = -1;
        for (double v : d.arrays.get(n.name()).values()) {
          if (!Double.isNaN(v)) {
            max = Math.max(max, v);
          }
        }
        d.sizes.put(s.size(), (int) max + 1);
      }
    }
    for (CheckedModel.SizeSym s : graph.sizes()) {
      if (!d.sizes.containsKey(s.name())) {
        throw new IllegalArgumentException("size " + s.name() + " is bound neither by the data nor by a default");
      }
    }
    // Hyperparameters: overrides, else their defaults evaluated.
    IrEval eval = new IrEval(d, IrEval.NO_LATENTS);
    for (CheckedModel.HyperSym h : graph.hypers()) {
      if (options.hypers().containsKey(h.name())) {
        d.hypers.put(h.name(), Val.of(options.hypers().get(h.name())));
      } else if (graph.hyperDefaults().containsKey(h.name())) {
        d.hypers.put(h.name(), eval.eval(graph.hyperDefaults().get(h.name()), Map.of()));
      } else {
        throw new IllegalArgumentException("hyper " + h.name() + " has no default and no value");
      }
    }
    return d;
  }

  private void bind(String size, int value, String from) {
    Integer prev = sizes.putIfAbsent(size, value);
    if (prev != null && prev != value && !from.isEmpty()) {
      // An explicit override of a size bound by the data is an error at fit time too.
      throw new IllegalArgumentException("size " + size + " is " + prev + " but '" + from + "' gives " + value);
    }
  }

  private static int sizeDefault(Expr e, Map<String, Integer> sizes) {
    if (e instanceof Expr.Number n) {
      return (int) n.value();
    }
    if (e instanceof Expr.Name n && sizes.containsKey(n.name())) {
      return sizes.get(n.name());
    }
    throw new IllegalArgumentException("unsupported size default " + e);
  }

  int size(String name) {
    Integer s = sizes.get(name);
    if (s == null) {
      throw new IllegalArgumentException("unbound size " + name);
    }
    return s;
  }

  int dim(Dim d) {
    return d instanceof Dim.Fixed f ? f.n() : size(((Dim.Named) d).size());
  }

  Val hyper(String name) {
    Val v = hypers.get(name);
    if (v == null) {
      throw new IllegalArgumentException("unbound hyper " + name);
    }
    return v;
  }

  DataArray array(String var) {
    DataArray a = arrays.get(var);
    if (a == null) {
      throw new IllegalArgumentException("no data array " + var);
    }
    return a;
  }

  /** One element of a data array: a scalar, or a vector row for vector-valued data. */
  Val element(String var, int[] element) {
    ModelGraph.Node n = nodes.computeIfAbsent(var, graph::node);
    DataArray a = array(var);
    if (n.type() instanceof Type.Vector) {
      int w = a.dims()[1];
      double[] row = new double[w];
      for (int c = 0; c < w; c++) {
        row[c] = a.get(element[0], c);
      }
      return new Val.V(row);
    }
    return Val.of(a.get(element));
  }

  /** A data atom: element indices then component indices, as the array is stored. */
  double value(String var, List<Integer> element, List<Integer> component) {
    int[] idx = new int[element.size() + component.size()];
    for (int i = 0; i < element.size(); i++) {
      idx[i] = element.get(i);
    }
    for (int i = 0; i < component.size(); i++) {
      idx[element.size() + i] = component.get(i);
    }
    return array(var).get(idx);
  }

  /** An integer data element used as an index (`doc[t]`). */
  int intValue(String var, int[] element) {
    double v = array(var).get(element);
    if (Double.isNaN(v) || v != Math.rint(v)) {
      throw new IllegalStateException(var + java.util.Arrays.toString(element) + " = " + v + " is not an integer index");
    }
    return (int) v;
  }
}
