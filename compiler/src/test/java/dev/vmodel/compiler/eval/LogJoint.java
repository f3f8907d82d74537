package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.runtime.SpecialFunctions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ln p(X, Z) read directly off the model graph: for every node with a distribution and every
 * element of its plates, the distribution's arguments are evaluated numerically ({@link IrEval})
 * at a given value of every latent, and the runtime's log densities are summed. Nothing here
 * uses the symbolic algebra or the plan, so it is an independent reference for the plan's
 * expected log-joint polynomials and updates. A missing (NaN) observation is integrated out,
 * which for an observed leaf drops its term.
 */
final class LogJoint {
  /** A value for every element of every latent. */
  static final class Sample implements IrEval.Latents {
    final Map<String, Val[]> values = new LinkedHashMap<>();
    final Map<String, int[]> shapes = new HashMap<>();

    Sample copy() {
      Sample s = new Sample();
      values.forEach((k, v) -> s.values.put(k, v.clone()));
      s.shapes.putAll(shapes);
      return s;
    }

    int flat(String latent, int[] el) {
      int[] shape = shapes.get(latent);
      int f = 0;
      for (int i = 0; i < shape.length; i++) {
        if (el[i] < 0 || el[i] >= shape[i]) {
          throw new IndexOutOfBoundsException(latent + java.util.Arrays.toString(el));
        }
        f = f * shape[i] + el[i];
      }
      return f;
    }

    @Override
    public Val value(String latent, int[] element) {
      Val[] v = values.get(latent);
      if (v == null) {
        throw new IllegalStateException("no value for latent " + latent);
      }
      return v[flat(latent, element)];
    }
  }

  final ModelGraph graph;
  final ModelData data;

  LogJoint(ModelGraph graph, ModelData data) {
    this.graph = graph;
    this.data = data;
  }

  int[] plateShape(ModelGraph.Node n) {
    int[] s = new int[n.plates().size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = data.size(n.plates().get(i).size());
    }
    return s;
  }

  Sample emptySample() {
    Sample s = new Sample();
    for (ModelGraph.Node n : graph.nodes()) {
      if (n.isLatent()) {
        int[] shape = plateShape(n);
        int total = 1;
        for (int x : shape) {
          total *= x;
        }
        s.values.put(n.name(), new Val[total]);
        s.shapes.put(n.name(), shape);
      }
    }
    return s;
  }

  /** The nodes whose log density involves a latent of {@code members}: their own, and their children's. */
  List<ModelGraph.Node> blanket(Collection<String> members) {
    List<ModelGraph.Node> out = new ArrayList<>();
    for (ModelGraph.Node n : graph.nodes()) {
      if (n.dist().isEmpty()) {
        continue;
      }
      Set<String> used = new LinkedHashSet<>();
      for (ModelGraph.Arg a : n.dist().get().args().values()) {
        latents(a.value(), used);
      }
      graph.boundOf(n.name()).ifPresent(b -> used.add(b.name())); // its bound's parameters
      if (members.contains(n.name()) || used.stream().anyMatch(members::contains)) {
        out.add(n);
      }
    }
    return out;
  }

  /** The latents an expression reads (values, and gates of mixture indices). */
  static void latents(Ir e, Set<String> out) {
    if (e instanceof Ir.Var v) {
      if (v.latent()) {
        out.add(v.name());
      }
      for (Ir.Index i : v.indices()) {
        index(i, out);
      }
    } else if (e instanceof Ir.ArrayVector a) {
      if (a.latent()) {
        out.add(a.name());
      }
    } else if (e instanceof Ir.Element el) {
      latents(el.target(), out);
      el.indices().forEach(i -> index(i, out));
    } else if (e instanceof Ir.Neg n) {
      latents(n.operand(), out);
    } else if (e instanceof Ir.Binary b) {
      latents(b.left(), out);
      latents(b.right(), out);
    } else if (e instanceof Ir.Call c) {
      c.args().forEach(a -> latents(a, out));
    }
  }

  private static void index(Ir.Index i, Set<String> out) {
    if (i instanceof Ir.Index.Gate g) {
      latents(g.element(), out);
    } else if (i instanceof Ir.Index.Data d) {
      latents(d.element(), out);
    }
  }

  double lnp(Sample z) {
    double s = 0;
    for (ModelGraph.Node n : graph.nodes()) {
      if (n.dist().isPresent()) {
        s += node(n, z);
      }
    }
    return s;
  }

  double lnp(Sample z, List<ModelGraph.Node> nodes) {
    double s = 0;
    for (ModelGraph.Node n : nodes) {
      s += node(n, z);
    }
    return s;
  }

  /** ln p(node | parents) summed over the node's plates. */
  double node(ModelGraph.Node n, Sample z) {
    double s = 0;
    for (int[] el : elements(n)) {
      s += nodeElement(n, el, z, z);
    }
    return s;
  }

  /** Every element of a node's plates, row-major. */
  List<int[]> elements(ModelGraph.Node n) {
    int[] shape = plateShape(n);
    int total = 1;
    for (int x : shape) {
      total *= x;
    }
    List<int[]> out = new ArrayList<>();
    for (int f = 0; f < total; f++) {
      int[] el = new int[shape.length];
      int rest = f;
      for (int i = shape.length - 1; i >= 0; i--) {
        el[i] = rest % shape[i];
        rest /= shape[i];
      }
      out.add(el);
    }
    return out;
  }

  /** ln p of one element of a node (0 for a missing observation); latent values read through {@code read}. */
  double nodeElement(ModelGraph.Node n, int[] el, Sample z, IrEval.Latents read) {
    Map<String, Integer> plates = new HashMap<>();
    for (int i = 0; i < el.length; i++) {
      plates.put(n.plates().get(i).index(), el[i]);
    }
    if (n.isBound()) {
      return 0; // a bound's parameters have no prior; their terms are in the likelihood they bound
    }
    Val x = n.isLatent() ? read.value(n.name(), el) : data.element(n.name(), el);
    if (missing(x, n)) {
      return 0;
    }
    java.util.Optional<ModelGraph.Node> bound = graph.boundOf(n.name());
    if (bound.isPresent()) {
      return bounded(n.dist().get(), x, read.value(bound.get().name(), el), new IrEval(data, read), plates);
    }
    return lnPdf(n.dist().get(), x, new IrEval(data, read), plates);
  }

  /**
   * The local lower bound the plan puts in place of a likelihood with a nonlinear link, written
   * from its definition: Jaakkola and Jordan's ln logistic(s a) >= ln logistic(xi) + (s a - xi)/2 -
   * lambda(xi) (a^2 - xi^2) (PRML 10.144, 10.150) with s = 2y - 1; and ln softmax(v)_y = v_y - lse(v)
   * with lse(v) <= lse(psi) + g'(v - psi) + |v - psi|^2/4, g = softmax(psi).
   */
  static double bounded(ModelGraph.Dist d, Val x, Val point, IrEval ev, Map<String, Integer> plates) {
    Ir arg = ((Ir.Call) d.arg("p").value()).args().get(0);
    if (d.spec().name().equals("Bernoulli")) {
      double a = ev.eval(arg, plates).scalar();
      double s = 2 * x.scalar() - 1;
      double xi = point.scalar();
      return Q.lnSigma(xi) + (s * a - xi) / 2 - Q.jjLambda(xi) * (a * a - xi * xi);
    }
    double[] v = ev.eval(arg, plates).vector();
    double[] psi = point.vector();
    double lse = SpecialFunctions.logSumExp(psi);
    double bound = lse;
    for (int k = 0; k < v.length; k++) {
      double g = Math.exp(psi[k] - lse);
      bound += g * (v[k] - psi[k]) + (v[k] - psi[k]) * (v[k] - psi[k]) / 4;
    }
    return v[(int) x.scalar()] - bound;
  }

  /** A latent element: name and flat index. */
  record Ref(String latent, int flat) {}

  /**
   * The elements of {@code nodes} whose log density reads one of {@code refs} under sample z, as
   * (node, element) pairs: the node's own value, or a latent read while evaluating an argument
   * that mentions one of the refs' latents (found by evaluating it and recording what it reads;
   * gates make this depend on the sample).
   */
  List<Map.Entry<ModelGraph.Node, int[]>> touching(List<ModelGraph.Node> nodes, Sample z, Set<Ref> refs) {
    Set<String> latents = new java.util.HashSet<>();
    refs.forEach(r -> latents.add(r.latent()));
    List<Map.Entry<ModelGraph.Node, int[]>> out = new ArrayList<>();
    boolean[] hit = new boolean[1];
    IrEval.Latents tracking = (name, e) -> {
      if (latents.contains(name) && refs.contains(new Ref(name, z.flat(name, e)))) {
        hit[0] = true;
      }
      return z.value(name, e);
    };
    IrEval ev = new IrEval(data, tracking);
    for (ModelGraph.Node n : nodes) {
      boolean own = n.isLatent() && latents.contains(n.name());
      // a likelihood's bound reads its parameters at the same element
      String boundName = graph.boundOf(n.name()).map(ModelGraph.Node::name).orElse(null);
      boolean readsBound = boundName != null && latents.contains(boundName);
      List<Ir> args = new ArrayList<>();
      for (ModelGraph.Arg a : n.dist().get().args().values()) {
        Set<String> used = new LinkedHashSet<>();
        latents(a.value(), used);
        if (used.stream().anyMatch(latents::contains)) {
          args.add(a.value());
        }
      }
      if (!own && !readsBound && args.isEmpty()) {
        continue;
      }
      for (int[] el : elements(n)) {
        hit[0] = own && refs.contains(new Ref(n.name(), z.flat(n.name(), el)))
            || readsBound && refs.contains(new Ref(boundName, z.flat(boundName, el)));
        if (!hit[0]) {
          Map<String, Integer> plates = new HashMap<>();
          for (int i = 0; i < el.length; i++) {
            plates.put(n.plates().get(i).index(), el[i]);
          }
          for (Ir a : args) {
            ev.eval(a, plates);
          }
        }
        if (hit[0]) {
          out.add(Map.entry(n, el));
        }
      }
    }
    return out;
  }

  double sum(List<Map.Entry<ModelGraph.Node, int[]>> elements, Sample z) {
    double s = 0;
    for (Map.Entry<ModelGraph.Node, int[]> e : elements) {
      s += nodeElement(e.getKey(), e.getValue(), z, z);
    }
    return s;
  }

  private static boolean missing(Val x, ModelGraph.Node n) {
    if (x instanceof Val.S sx) {
      return Double.isNaN(sx.v());
    }
    if (x instanceof Val.V vx) {
      int nan = 0;
      for (double d : vx.v()) {
        if (Double.isNaN(d)) {
          nan++;
        }
      }
      if (nan > 0 && nan < vx.v().length) {
        throw new UnsupportedOperationException("partly missing vector observation of " + n.name());
      }
      return nan > 0;
    }
    return false;
  }

  static double lnPdf(ModelGraph.Dist d, Val x, IrEval ev, Map<String, Integer> plates) {
    java.util.function.Function<String, Val> arg = slot -> ev.eval(d.arg(slot).value(), plates);
    switch (d.spec().name()) {
      case "Normal": {
        double m = arg.apply("mean").scalar();
        double p = arg.apply("precision").scalar();
        switch (d.arg("precision").givenAs()) {
          case "sd":
            p = 1 / (p * p);
            break;
          case "var":
            p = 1 / p;
            break;
          default:
            break;
        }
        return dev.vmodel.runtime.Normal.lnPdf(x.scalar(), m, p);
      }
      case "Gamma":
        return dev.vmodel.runtime.Gamma.lnPdf(x.scalar(), arg.apply("shape").scalar(), arg.apply("rate").scalar());
      case "InvGamma":
        return dev.vmodel.runtime.InvGamma.lnPdf(x.scalar(), arg.apply("shape").scalar(), arg.apply("scale").scalar());
      case "Exponential":
        // Exponential(rate) is Gamma(1, rate).
        return dev.vmodel.runtime.Gamma.lnPdf(x.scalar(), 1, arg.apply("rate").scalar());
      case "Beta":
        return dev.vmodel.runtime.Beta.lnPdf(x.scalar(), arg.apply("a").scalar(), arg.apply("b").scalar());
      case "Bernoulli": {
        double p = arg.apply("p").scalar();
        double y = x.scalar();
        if (y == 1) {
          return Math.log(p);
        }
        if (y == 0) {
          return Math.log1p(-p);
        }
        return Double.NEGATIVE_INFINITY;
      }
      case "Binomial": {
        double n = arg.apply("trials").scalar();
        double p = arg.apply("p").scalar();
        double y = x.scalar();
        return SpecialFunctions.lnChoose(n, y) + y * Math.log(p) + (n - y) * Math.log1p(-p);
      }
      case "Poisson": {
        double r = arg.apply("rate").scalar();
        double y = x.scalar();
        return y * Math.log(r) - r - SpecialFunctions.lnFactorial((int) y);
      }
      case "Categorical": {
        double[] p = arg.apply("p").vector();
        return dev.vmodel.runtime.Categorical.lnPmf((int) x.scalar(), p, 0);
      }
      case "Multinomial": {
        double n = arg.apply("trials").scalar();
        double[] p = arg.apply("p").vector();
        double[] c = x.vector();
        double s = SpecialFunctions.lnFactorial((int) n);
        for (int k = 0; k < p.length; k++) {
          s += (c[k] == 0 ? 0 : c[k] * Math.log(p[k])) - SpecialFunctions.lnFactorial((int) c[k]);
        }
        return s;
      }
      case "Dirichlet": {
        double[] alpha = arg.apply("alpha").vector();
        return dev.vmodel.runtime.Dirichlet.lnPdf(x.vector(), 0, alpha, 0, alpha.length);
      }
      case "MultiNormal": {
        double[] m = arg.apply("mean").vector();
        double[][] p = arg.apply("precision").matrix();
        if (d.arg("precision").givenAs().equals("cov")) {
          p = Mat.inverse(p);
        }
        return dev.vmodel.runtime.MultiNormal.lnPdf(m.length, x.vector(), m, Mat.flat(p));
      }
      case "Wishart": {
        double[][] w = arg.apply("W").matrix();
        double nu = arg.apply("nu").scalar();
        return dev.vmodel.runtime.Wishart.lnPdf(w.length, Mat.flat(x.matrix()), Mat.flat(w), nu);
      }
      default:
        throw new IllegalStateException("no log density for " + d.spec().name());
    }
  }
}
