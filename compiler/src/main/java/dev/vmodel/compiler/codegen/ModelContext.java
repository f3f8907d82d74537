package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.diag.InternalCompilerError;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.optimize.ExpProduct;
import dev.vmodel.compiler.optimize.OptimizedPlan;
import dev.vmodel.compiler.optimize.RowFusion;
import dev.vmodel.compiler.plan.PlanPrinter;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the writers of one model class share, decided before any code is written: the {@link
 * Layout} of every array, the row fusion and data-only sums, which updates run in chunks (with
 * their workspaces and the thread-count field), which natural-parameter terms are scattered into
 * workspaces, and the known-matrix functions computed once per fit. Writing a method reads these
 * and claims no names of fields.
 */
final class ModelContext {
  static final String RT = "dev.vmodel.runtime";
  static final ClassName KMEANS = ClassName.get(RT + ".fit", "KMeansPlusPlus");
  static final ClassName FIT_OPTIONS = ClassName.get(RT + ".fit", "FitOptions");
  static final ClassName FIT_RESULT = ClassName.get(RT + ".fit", "FitResult");
  static final ClassName DATA_EXCEPTION = ClassName.get(RT + ".fit", "DataException");
  static final ClassName ELBO_DECREASED = ClassName.get(RT + ".fit", "ElboDecreasedException");
  static final ClassName SPECIAL = ClassName.get(RT, "SpecialFunctions");
  static final ClassName LIN_ALG = ClassName.get(RT, "LinAlg");
  static final ClassName CHUNKS = ClassName.get(RT + ".fit", "Chunks");
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  // java.lang classes, through $T too: a model class named String or Math shadows them.
  static final ClassName MATH = ClassName.get(Math.class);
  static final ClassName DOUBLE = ClassName.get(Double.class);
  static final ClassName SYSTEM = ClassName.get(System.class);
  static final ClassName STRING = ClassName.get(String.class);
  static final ClassName IAE = ClassName.get(IllegalArgumentException.class);
  static final ClassName ISE = ClassName.get(IllegalStateException.class);
  static final ClassName IOOBE = ClassName.get(IndexOutOfBoundsException.class);
  static final ClassName ARITHMETIC = ClassName.get(ArithmeticException.class);

  final UpdatePlan plan;
  final Layout layout;
  final PolyCode polys;
  final FamilyCode families;
  /** {@code vmodel explain}'s text of the plan, quoted in the javadoc. */
  final PlanPrinter.Sections explain;
  final String packageName;
  final ClassName model;
  /** The fused pass over a local categorical factor's plate, or null (see {@link RowFusion}). */
  final FusedUpdate fused;
  /** The local phase of a model with per-group local factors, or null (see {@link LocalPhaseWriter}). */
  final LocalPhaseWriter.Storage localPhase;
  /** The product form of the fused factor's update, or null (see {@link ExpProduct}). */
  final ExpProduct expProduct;
  /** The product form's tables, by table: their fields. */
  final Map<ExpProduct.Table, String> expTables = new LinkedHashMap<>();
  /** The optimisations decided on the plan: chunking, fusion, data sums, rewritten parameters. */
  final OptimizedPlan optimized;
  /** The fields of the sums over plates of data alone, computed once per fit. */
  final DataSumFields dataSums;
  /** The sums of data and local factors' moments and their refresh ({@link LocalSumFields}). */
  final LocalSumFields localSums;
  /** The ELBO's log-joint terms with their data-only sums read from precomputed arrays. */
  final List<Poly> elboTerms;
  /**
   * Per-chunk natural-parameter workspaces ({@code double[chunks][width]}) of the factors whose
   * element loop runs in chunks, by the natural parameter's holder name.
   */
  final Map<String, String> chunkWorkspaces = new LinkedHashMap<>();
  /** The State field holding {@code options.threads()}, or null if no update runs in chunks. */
  final String threadsField;
  /** Workspaces of scattered natural-parameter terms, by the natural parameter's holder. */
  final Map<String, Scatter> scatters = new LinkedHashMap<>();
  /** The method of each chunked update's chunk (or fused update's block of rows), by factor name. */
  private final Map<String, String> chunkNames = new LinkedHashMap<>();
  private final Map<String, String> stepFields = new LinkedHashMap<>();
  private final Map<String, String> stepMethods = new LinkedHashMap<>();
  /** The State's storage of a previous posterior for a fit that updates it, or null (no global factor). */
  final PriorWriter.Storage prior;
  /** The order in which init() starts the factors: each prior reads only moments already set. */
  final List<FactorUpdate> initOrder;

  /** A workspace holding, for all elements of a factor, the terms of one natural parameter that are scattered. */
  record Scatter(String field, String length) {}

  ModelContext(OptimizedPlan optimized, String packageName) {
    this.optimized = optimized;
    this.plan = optimized.plan();
    this.layout = new Layout(plan);
    this.polys = new PolyCode(layout);
    this.families = new FamilyCode(layout);
    this.explain = PlanPrinter.sections(plan);
    this.packageName = packageName;
    this.model = ClassName.get(packageName, plan.graph().name());
    this.prior = PriorWriter.claim(layout, plan);
    RowFusion fusion = optimized.fusion();
    this.fused = fusion == null ? null : new FusedUpdate(fusion, layout, polys);
    this.localPhase = LocalPhaseWriter.claim(layout, plan, fused, families);
    this.expProduct = fused == null ? null : optimized.expProduct();
    if (expProduct != null) {
      for (ExpProduct.Table t : expProduct.tables()) {
        Layout.FactorStorage source = layout.factors.get(t.moment().factor());
        String field = layout.claim("exp" + Layout.cap(source.base()) + Layout.cap(t.moment().stat()));
        expTables.put(t, field);
        polys.derived.put(t.var(), new Layout.DataArray(t.var(), field, false, t.outerDims(), List.of(t.c().range()),
            false, null, null));
      }
    }
    this.elboTerms = optimized.elboTerms();
    for (Layout.FactorStorage fs : layout.factors.values()) {
      if (chunked(fs.update())) {
        for (Family.Stat s : fs.update().family().naturalStats()) {
          if (s.arity() > 0) {
            String eta = families.eta(fs, s.name());
            chunkWorkspaces.put(eta, layout.claim(eta + "Chunks"));
          }
        }
      }
    }
    this.threadsField = plan.updates().stream().anyMatch(this::chunked) ? layout.claim("threads") : null;
    for (FactorUpdate u : plan.updates()) {
      if (chunked(u) || isFused(u)) {
        chunkNames.put(u.factor().name(), layout.stateMethod(updateName(u) + (isFused(u) ? "Block" : "Chunk")));
      }
      if (u.nonConjugate()) {
        String base = Layout.cap(u.factor().members().get(0));
        stepFields.put(u.factor().name(), layout.claim("stepSize" + base));
        stepMethods.put(u.factor().name(), layout.stateMethod("step" + base));
      }
    }
    this.dataSums = new DataSumFields(layout, polys, optimized.sums());
    this.localSums = new LocalSumFields(layout, polys, families, optimized.localSums());
    this.initOrder = initOrder();
    for (FactorUpdate u : plan.updates()) {
      List<NaturalParam> params = naturalParams(u);
      if (!(isFused(u) && fused.separable())) {
        planScatters(layout.factors.get(u.factor().name()), params);
      }
      params.forEach(p -> polys.register(p.value()));
    }
    for (FactorUpdate u : plan.updates()) {
      if (!u.local()) {
        List<NaturalParam> params = optimized.likelihood(u);
        planScatters(layout.factors.get(u.factor().name()), params);
        params.forEach(p -> polys.register(p.value()));
      }
    }
    elboTerms.forEach(polys::register);
    for (FactorUpdate u : initOrder) {
      if (!u.responsibilities()) {
        planScatters(layout.factors.get(u.factor().name()), u.prior());
        u.prior().forEach(p -> polys.register(p.value()));
      }
    }
    for (UpdatePlan.Predictive p : plan.predictives()) {
      polys.register(p.mean());
      if (p.second() != null) {
        polys.register(p.second());
      }
    }
    if (plan.newRow() != null) {
      polys.register(plan.newRow().constant());
      plan.newRow().terms().forEach(t -> t.delta().forEach(p -> polys.register(p.value())));
    }
  }

  /** The natural parameters the generated update evaluates: the plan's, with row statistics and data sums read. */
  List<NaturalParam> naturalParams(FactorUpdate u) {
    return optimized.natural(u);
  }

  /**
   * Decides the scatter workspaces of a factor's natural parameters: terms whose deltas solve an
   * element index ({@code [doc[t] = d]}) are added into a workspace over all elements.
   */
  private void planScatters(Layout.FactorStorage fs, List<NaturalParam> params) {
    List<Idx> el = fs.update().elementIndices();
    for (NaturalParam p : params) {
      List<Idx> open = new ArrayList<>(el);
      open.addAll(p.components());
      if (!scattered(p, open, el).isEmpty()) {
        String eta = families.eta(fs, p.stat().name());
        scatters.computeIfAbsent(eta, k -> new Scatter(layout.claim(eta + "All"),
            width(layout.product(fs.elementDims()), fs.dim(), p.components().size())));
      }
    }
  }

  /** The sum terms of a natural parameter whose deltas solve an element index. */
  static List<Monomial> scattered(NaturalParam p, List<Idx> open, List<Idx> el) {
    List<Monomial> out = new ArrayList<>();
    for (Monomial m : PolyCode.sumTerms(p.value())) {
      if (PolyCode.eliminate(m, open).solved().keySet().stream().anyMatch(el::contains)) {
        out.add(m);
      }
    }
    return out;
  }

  boolean isFused(FactorUpdate u) {
    return fused != null && fused.f.local == u;
  }

  /** Whether a factor's element loop runs in parallel chunks ({@link OptimizedPlan#chunked}). */
  boolean chunked(FactorUpdate u) {
    return optimized.chunked(u);
  }

  /** The per-chunk workspace field of a natural parameter's holder. */
  String chunkWorkspace(String eta) {
    String f = chunkWorkspaces.get(eta);
    if (f == null) {
      throw new InternalCompilerError("no chunk workspace decided for " + eta);
    }
    return f;
  }

  /** Whether the state has {@code elboAfterSweep()}: the fused update's log-normalisers give the ELBO. */
  boolean hasElboAfterSweep() {
    return fused != null && fused.lnNorm != null;
  }

  /** The ELBO after a sweep of state {@code s}, as {@code fit} and a session record it. */
  String elboAfterSweep() {
    return hasElboAfterSweep() ? "options.checkMonotone() ? s.elbo() : s.elboAfterSweep()" : "s.elbo()";
  }

  String width(String elements, Dim dim, int arity) {
    String w = elements;
    for (int i = 0; i < arity; i++) {
      w = w.equals("1") ? layout.dim(dim) : w + " * " + layout.dim(dim);
    }
    return w;
  }

  /** Factors in an order where each prior reads only moments already initialised. */
  private List<FactorUpdate> initOrder() {
    List<FactorUpdate> remaining = new ArrayList<>(plan.updates());
    List<FactorUpdate> out = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    while (!remaining.isEmpty()) {
      FactorUpdate next = null;
      for (FactorUpdate u : remaining) {
        Set<String> needs = new LinkedHashSet<>();
        if (!u.responsibilities()) {
          for (NaturalParam p : u.prior()) {
            collectFactors(p.value(), needs);
          }
        }
        needs.remove(u.factor().name());
        if (done.containsAll(needs)) {
          next = u;
          break;
        }
      }
      if (next == null) {
        next = remaining.get(0);
      }
      remaining.remove(next);
      out.add(next);
      done.add(next.factor().name());
    }
    return out;
  }

  static void collectFactors(Poly p, Set<String> out) {
    for (Monomial m : p.terms()) {
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Moment mo) {
          out.add(mo.factor());
        }
      }
    }
  }

  ClassName builderName() {
    return model.nestedClass("Builder");
  }

  ClassName dataName() {
    return model.nestedClass("Data");
  }

  ClassName stateName() {
    return model.nestedClass("State");
  }

  ClassName resultName() {
    return model.nestedClass("Result");
  }

  ClassName sessionName() {
    return model.nestedClass("Session");
  }

  String updateName(FactorUpdate u) {
    return layout.updateNames.get(u.factor().name());
  }

  /** The damping field of a fixed-form update (1 for a full step; see UpdateWriter#damping). */
  String stepField(FactorUpdate u) {
    return stepFields.get(u.factor().name());
  }

  /** The line search of a fixed-form update ({@link SweepWriter#step}). */
  String stepMethod(FactorUpdate u) {
    return stepMethods.get(u.factor().name());
  }

  /** The method of a chunked update's chunk of elements, or of a fused update's block of rows. */
  String chunkName(FactorUpdate u) {
    return chunkNames.get(u.factor().name());
  }

  /**
   * The update's javadoc: the factor's section of {@code vmodel explain} ({@link
   * PlanPrinter#text}), so that the formula a reader sees beside the code is the derivation the
   * code was generated from.
   */
  CodeBlock updateDoc(FactorUpdate u) {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("Sets q($L) to its optimum given the current other factors (one step of coordinate ascent):\n\n",
        u.factor().name());
    b.add("<pre>\n$L</pre>\n", escape(explain.factors().get(u.factor().name())));
    return b.build();
  }

  /** The notation paragraph of {@code vmodel explain}, for the State javadoc. */
  CodeBlock notation() {
    return CodeBlock.of("<pre>\n$L\n</pre>\n\n", escape(explain.notation()));
  }

  /** The ELBO section of {@code vmodel explain}. */
  String explainElbo() {
    return explain.elbo();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*/", "*&#47;")
        .replace("@", "&#64;");
  }

  /** A loop variable's name: the wanted one unless a field or an enclosing loop has it. */
  String localName(String wanted, Set<String> inScope) {
    return layout.local(wanted, inScope);
  }
}
