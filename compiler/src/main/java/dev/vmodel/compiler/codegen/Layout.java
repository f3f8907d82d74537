package dev.vmodel.compiler.codegen;

import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Domain;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The generated class's storage, decided once: every data array, hyperparameter, size, factor
 * parameter and moment gets a Java name and a flat row-major layout (plates first, then vector
 * or matrix components). The writer only reads this.
 */
final class Layout {
  final UpdatePlan plan;
  final ModelGraph graph;
  /** The generated class's simple name (the model's name): no variable may obscure it. */
  final String modelClass;
  /**
   * The names of the State's fields (sizes, hypers, data, factor arrays), shared with the
   * configuration fields and builder setters: locals must not shadow them.
   */
  private final Names.Scope fieldScope;
  private final Set<String> fields = new HashSet<>();
  /** The methods of the generated State class. */
  private final Names.Scope stateMethods = new Names.Scope(Set.of("sweep", "checkedElbo", "elbo", "elboAfterSweep",
      "init", "prepare", "statistics", "statisticsBlock", "reduceStatistics", "checkFinite", "allFinite"));
  /** The public methods of the generated Result class. */
  private final Names.Scope resultMethods;
  /** Result's posterior accessor of each factor, by factor name. */
  final Map<String, String> accessorNames = new LinkedHashMap<>();
  /** Result's {@code sizeN()} of each size, by size name. */
  final Map<String, String> sizeAccessors = new LinkedHashMap<>();
  /** Result's and State's {@code predictX(...)} of each data array with missing entries, by node name. */
  final Map<String, String> predictNames = new LinkedHashMap<>();
  /** Result's and State's {@code predictVarianceX(...)}: the predictive variance, where q gives it. */
  final Map<String, String> predictVarianceNames = new LinkedHashMap<>();
  /** State's {@code updateX()} of each factor, and the method of its chunks or blocks, by factor name. */
  final Map<String, String> updateNames = new LinkedHashMap<>();
  final Map<String, String> sizeNames = new LinkedHashMap<>();
  final Map<String, String> hyperNames = new LinkedHashMap<>();
  final Map<String, DataArray> data = new LinkedHashMap<>();
  final Map<String, FactorStorage> factors = new LinkedHashMap<>();
  /** The Markov-chain factors ({@code MarkovChainFamily}) by factor name: their whole-factor fields. */
  final Map<String, Chain> chains = new LinkedHashMap<>();

  /** A data node's array: Java name, whether it holds integers, and its dimensions. */
  record DataArray(String node, String field, boolean integer, List<Dim> plateDims, List<Dim> componentDims,
      boolean modeled, Type type, String observedField) {
    /** Whether entries may be missing (NaN), with {@code observedField} holding 1.0 / 0.0. */
    boolean allowsMissing() {
      return observedField != null;
    }
  }

  /**
   * A factor's storage: parameter and moment arrays over all elements, and the holders of its
   * natural parameters by statistic (a scalar local, or a workspace array of one element).
   */
  /**
   * The State fields of a Markov-chain factor beyond its per-element arrays: the whole-factor
   * moments {@code first} (K) and {@code pair} (K x K), the chains' first rows ({@code starts},
   * int[chains + 1]), forward-backward's workspace, the chain's entropy (set by each update), a
   * one-entry array the runtime writes a chain's entropy into, and where the potentials between
   * steps come from: E[ln init] (the moment lnx of the init's factor, or {@code lnInit}, a field
   * holding the log of a hyper init) and E[ln transition] (the moment lnx of the transition's
   * factor). {@code seq} is the data array whose changes start chains, or null (one chain).
   */
  record Chain(FactorStorage fs, String first, String pair, String starts, String work, String entropy,
      String entropyOut, String initMoment, String lnInit, String initHyper, String transitionMoment, String seq,
      String startMethod, String potentials, String transitionMean, String viterbiMethod, String nextMethod,
      String pathAccessor, String nextAccessor, String firstBlocks, String pairBlocks, String blockMethod) {}

  record FactorStorage(UpdatePlan.FactorUpdate update, String base, List<Dim> elementDims, Dim dim,
      Map<String, String> params, Map<String, String> moments, Map<String, Integer> momentArity,
      Map<String, String> etas) {}

  Layout(UpdatePlan plan) {
    this.plan = plan;
    this.graph = plan.graph();
    this.modelClass = graph.name();
    // Names the generated class uses itself: fields of these names would clash or shadow
    // (parameters of the State constructor and init, loop variables of generated loops).
    this.fieldScope = new Names.Scope(Set.of("fit", "data", "options", "rng", "elbo", "state", "result", "prepare",
        "init", "i", "j", "k", "e", "sweep", "builder", "build", "create", "config", "block", "from", "to",
        "SOURCE_SHA256", "VMODEL_VERSION"));
    Set<String> result = new HashSet<>(Names.OBJECT_METHODS);
    result.addAll(List.of("elbo", "elboTrace", "iterations", "converged", "posteriors", "parameters", "sd", "save",
        "predict",
        "posteriorFile", "requireLocals"));
    this.resultMethods = new Names.Scope(result);
    for (CheckedModel.SizeSym s : graph.sizes()) {
      sizeNames.put(s.name(), claim(s.name()));
    }
    for (CheckedModel.HyperSym h : graph.hypers()) {
      hyperNames.put(h.name(), claim(h.name()));
    }
    for (ModelGraph.Node n : graph.nodes()) {
      if (n.isLatent()) {
        continue;
      }
      List<Dim> plates = new ArrayList<>();
      n.plates().forEach(p -> plates.add(new Dim.Named(p.size())));
      List<Dim> comps = componentDims(n.type());
      boolean integer = n.type() instanceof Type.Cat
          || n.type() instanceof Type.Scalar s && s.domain().isInteger();
      String field = claim(n.name());
      data.put(n.name(), new DataArray(n.name(), field, integer, plates, comps,
          n.kind() == ModelGraph.Kind.DATA, n.type(), plan.allowsMissing(n.name()) ? claim(field + "Observed") : null));
    }
    for (UpdatePlan.FactorUpdate u : plan.updates()) {
      String base = camel(u.factor().members());
      List<Dim> el = new ArrayList<>();
      u.elementIndices().forEach(i -> el.add(i.range()));
      Map<String, String> params = new LinkedHashMap<>();
      for (String p : u.family().spec().params()) {
        params.put(p, claim("q" + cap(base) + cap(p)));
      }
      Map<String, String> moments = new LinkedHashMap<>();
      Map<String, Integer> arity = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> m : u.family().spec().moments().entrySet()) {
        moments.put(m.getKey(), claim("e" + cap(base) + cap(m.getKey())));
        arity.put(m.getKey(), m.getValue());
      }
      Map<String, String> etas = new LinkedHashMap<>();
      for (Family.Stat st : u.family().naturalStats()) {
        etas.put(st.name(), claim("eta" + cap(base) + cap(st.name())));
      }
      factors.put(u.factor().name(), new FactorStorage(u, base, el, u.family().dim(), params, moments, arity,
          etas));
    }
    for (FactorStorage fs : factors.values()) {
      if (fs.update().chain()) {
        chains.put(fs.update().factor().name(), chain(fs));
      }
    }
    for (FactorStorage fs : factors.values()) {
      String f = fs.update().factor().name();
      accessorNames.put(f, resultMethods.claim(Names.method(fs.base())));
      String update = stateMethods.claim("update" + cap(fs.base()));
      updateNames.put(f, update);
    }
    for (Map.Entry<String, String> s : sizeNames.entrySet()) {
      sizeAccessors.put(s.getKey(), resultMethods.claim("size" + cap(s.getValue())));
    }
    for (UpdatePlan.Predictive p : plan.predictives()) {
      // The same name in Result (public) and State (which computes it): free in both.
      String wanted = "predict" + cap(data.get(p.node()).field());
      String name = wanted;
      for (int k = 2; resultMethods.isTaken(name) || stateMethods.isTaken(name); k++) {
        name = wanted + k;
      }
      predictNames.put(p.node(), resultMethods.claim(stateMethods.claim(name)));
      if (p.second() != null) {
        String wantedVar = "predictVariance" + cap(data.get(p.node()).field());
        String v = wantedVar;
        for (int k = 2; resultMethods.isTaken(v) || stateMethods.isTaken(v); k++) {
          v = wantedVar + k;
        }
        predictVarianceNames.put(p.node(), resultMethods.claim(stateMethods.claim(v)));
      }
    }
  }

  private Chain chain(FactorStorage fs) {
    String z = fs.update().factor().members().get(0);
    ModelGraph.Dist d = graph.node(z).dist().orElseThrow();
    String base = cap(fs.base());
    dev.vmodel.compiler.graph.Ir init = d.arg("init").value();
    String initMoment = null;
    String lnInit = null;
    String initHyper = null;
    if (init instanceof dev.vmodel.compiler.graph.Ir.Var v && v.latent()) {
      initMoment = factors.get(graph.factorOf(v.name()).name()).moments().get("lnx");
    } else if (init instanceof dev.vmodel.compiler.graph.Ir.Hyper h) {
      initHyper = hyperNames.get(h.name());
      lnInit = claim("ln" + cap(h.name()));
    }
    String transition = ((dev.vmodel.compiler.graph.Ir.ArrayVector) d.arg("transition").value()).name();
    String transitionMoment = factors.get(graph.factorOf(transition).name()).moments().get("lnx");
    String seq = d.args().containsKey("seq")
        ? data.get(((dev.vmodel.compiler.graph.Ir.ArrayVector) d.arg("seq").value()).name()).field() : null;
    return new Chain(fs, claim("e" + base + "First"), claim("e" + base + "Pair"), claim(fs.base() + "ChainStarts"),
        claim(fs.base() + "ChainWork"), claim(fs.base() + "ChainEntropy"), claim(fs.base() + "ChainEntropyOut"),
        initMoment, lnInit, initHyper, transitionMoment, seq, stateMethods.claim("independentStart" + base),
        claim(fs.base() + "Potentials"), factors.get(graph.factorOf(transition).name()).moments().get("x"),
        stateMethods.claim("viterbi" + base), stateMethods.claim("next" + base),
        resultMethods.claim("path" + base), resultMethods.claim("next" + base),
        claim("e" + base + "FirstBlocks"), claim("e" + base + "PairBlocks"), stateMethods.claim("update" + base + "Chains"));
  }

  /**
   * One array of a global factor's state: a parameter ({@code group} "params") or a moment
   * ("moments") by its family's name for it, the State field holding it, and its width per
   * element (0 scalar, 1 vector, 2 matrix). {@code sharedWith} names the parameter whose array a
   * moment is (E[onehot(z)] = p), or is null.
   */
  record StateArray(FactorStorage factor, String group, String key, String field, int arity, String sharedWith) {}

  /**
   * The State arrays of every global factor ({@code FactorUpdate.local == false}), in factor
   * order, parameters then moments: what a saved posterior holds and a load restores, and what
   * must be copied to carry a fitted posterior's globals into another State. The one list of
   * them: every writer that saves, loads or copies global state reads it here.
   */
  List<StateArray> globalState() {
    List<StateArray> out = new ArrayList<>();
    for (FactorStorage fs : factors.values()) {
      if (fs.update().local()) {
        continue;
      }
      var spec = fs.update().family().spec();
      for (Map.Entry<String, String> p : fs.params().entrySet()) {
        out.add(new StateArray(fs, "params", p.getKey(), p.getValue(), spec.paramWidth(p.getKey()), null));
      }
      for (Map.Entry<String, String> m : fs.moments().entrySet()) {
        out.add(new StateArray(fs, "moments", m.getKey(), m.getValue(), fs.momentArity().get(m.getKey()),
            spec.momentSharing(m.getKey())));
      }
    }
    return out;
  }

  /** Code for the length of a state array, with the sizes read from {@code owner}'s State (null: its own). */
  String length(StateArray a, String owner) {
    String w = product(a.factor().elementDims(), owner);
    for (int i = 0; i < a.arity(); i++) {
      w = w.equals("1") ? dim(a.factor().dim(), owner) : w + " * " + dim(a.factor().dim(), owner);
    }
    return w;
  }

  /**
   * The sizes the global state and the hyperparameters do not depend on (the rows of the data
   * and of the local factors): a posterior loaded without its rows has them at 0.
   */
  Set<String> rowSizes() {
    Set<String> used = new HashSet<>();
    for (StateArray a : globalState()) {
      a.factor().elementDims().forEach(d -> addSize(d, used));
      if (a.factor().dim() != null) {
        addSize(a.factor().dim(), used);
      }
    }
    for (CheckedModel.HyperSym h : graph.hypers()) {
      componentDims(h.type()).forEach(d -> addSize(d, used));
    }
    Set<String> out = new java.util.LinkedHashSet<>(sizeNames.keySet());
    out.removeAll(used);
    return out;
  }

  private static void addSize(Dim d, Set<String> out) {
    if (d instanceof Dim.Named n) {
      out.add(n.size());
    }
  }

  /** A State field's name ({@link Names}: valid, not obscuring a class, unique among fields). */
  String claim(String wanted) {
    String c = fieldScope.claim(Names.variable(wanted, modelClass));
    fields.add(c);
    return c;
  }

  /** A further method of the State class (a chunk of an update), unique among its methods. */
  String stateMethod(String wanted) {
    return stateMethods.claim(wanted);
  }

  /** A user's name (an index) as a valid local variable name, before making it unique in its scope. */
  String variable(String wanted) {
    return Names.variable(wanted, modelClass);
  }

  /** Whether a field of the generated state has this name (a local of that name would shadow it). */
  boolean isField(String name) {
    return fields.contains(name);
  }

  static List<Dim> componentDims(Type t) {
    if (t instanceof Type.Vector v) {
      return List.of(v.length());
    } else if (t instanceof Type.Matrix m) {
      return List.of(m.rows(), m.cols());
    }
    return List.of();
  }

  static String camel(List<String> names) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      b.append(i == 0 ? names.get(i) : cap(names.get(i)));
    }
    return b.toString();
  }

  static String cap(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  /** A local variable's name: the wanted one unless a field or a name in {@code scope} has it (then added to it). */
  String local(String wanted, Set<String> scope) {
    String valid = variable(wanted);
    String n = valid;
    int k = 2;
    while (isField(n) || scope.contains(n)) {
      n = valid + k++;
    }
    scope.add(n);
    return n;
  }

  /** The conventional name of the {@code k}-th free index of a product: i, j, l, m, p, r, then i6, i7, .... */
  static String indexName(int k) {
    String[] letters = {"i", "j", "l", "m", "p", "r"};
    return k < letters.length ? letters[k] : "i" + k;
  }

  /** Java code for a dimension's value. */
  String dim(Dim d) {
    return dim(d, null);
  }

  /**
   * Java code for a dimension's value read from another object's State: {@code s.N} with
   * {@code owner} {@code s} (null: the State's own field).
   */
  String dim(Dim d, String owner) {
    if (d instanceof Dim.Fixed f) {
      return Integer.toString(f.n());
    }
    String field = sizeNames.get(((Dim.Named) d).size());
    return owner == null ? field : owner + "." + field;
  }

  /** Row-major flat index code for index codes over dimensions. */
  String flat(List<String> idx, List<Dim> dims) {
    return flat(idx, dims, null);
  }

  /** {@link #flat(List, List)} with the sizes read from {@code owner}'s State ({@link #dim(Dim, String)}). */
  String flat(List<String> idx, List<Dim> dims, String owner) {
    if (idx.isEmpty()) {
      return "0";
    }
    String code = idx.get(0);
    for (int i = 1; i < idx.size(); i++) {
      code = "(" + code + ") * " + dim(dims.get(i), owner) + " + " + idx.get(i);
      if (i == 1) {
        code = idx.get(0) + " * " + dim(dims.get(1), owner) + " + " + idx.get(1);
      }
    }
    return code;
  }

  /** Code for the product of dimensions (an array length). */
  String product(List<Dim> dims) {
    return product(dims, null);
  }

  /** {@link #product(List)} with the sizes read from {@code owner}'s State ({@link #dim(Dim, String)}). */
  String product(List<Dim> dims, String owner) {
    if (dims.isEmpty()) {
      return "1";
    }
    List<String> parts = new ArrayList<>();
    for (Dim d : dims) {
      parts.add(dim(d, owner));
    }
    return String.join(" * ", parts);
  }

  boolean isIntegerDomain(Type t) {
    return t instanceof Type.Cat || t instanceof Type.Scalar s && s.domain().isInteger();
  }

  static boolean positive(Type t) {
    return t instanceof Type.Scalar s && s.domain().within(Domain.POSITIVE);
  }
}
