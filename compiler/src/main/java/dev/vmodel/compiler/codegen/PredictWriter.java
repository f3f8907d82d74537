package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.family.FactorJava;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes what a fit needs to be used on new data ({@link UpdatePlan.NewRow}): a State for new
 * rows with the fit's sizes and hyperparameters, the global factors copied from the fit, a
 * local-only coordinate ascent for the factors of the new data, and, where the plan derived it in
 * closed form, the log posterior predictive density of every new row; and the public
 * {@code Result.predict} and {@code Prediction}.
 */
final class PredictWriter extends WriterPart {
  private final UpdatePlan.NewRow row;
  /** Scratch parameter and moment arrays per global factor with a row term: q with one more row. */
  private final Map<String, Layout.FactorStorage> scratch = new LinkedHashMap<>();
  /** Workspaces for a row's contribution to a vector or matrix natural parameter. */
  private final Map<String, String> deltaArrays = new LinkedHashMap<>();
  private final String scratchReady;
  /** Quadrature nodes for a factor integrated numerically (see {@link UpdatePlan.NewRow#integrated()}). */
  static final int QUADRATURE_NODES = 4096;

  PredictWriter(ModelContext ctx) {
    super(ctx);
    this.row = plan.newRow();
    if (exact()) {
      for (UpdatePlan.RowTerm t : row.terms()) {
        Layout.FactorStorage fs = layout.factors.get(t.factor());
        Map<String, String> params = new LinkedHashMap<>();
        fs.params().forEach((k, v) -> params.put(k, layout.claim("next" + Layout.cap(v))));
        Map<String, String> moments = new LinkedHashMap<>();
        fs.moments().forEach((k, v) -> {
          String shared = fs.update().family().spec().momentSharing(k);
          moments.put(k, shared != null ? params.get(shared) : layout.claim("next" + Layout.cap(v)));
        });
        scratch.put(t.factor(), new Layout.FactorStorage(fs.update(), fs.base(), fs.elementDims(), fs.dim(), params,
            moments, fs.momentArity(), fs.etas()));
        for (Family.Stat s : fs.update().family().naturalStats()) {
          if (s.arity() > 0) {
            String eta = families.eta(fs, s.name());
            deltaArrays.put(eta, layout.claim("d" + Layout.cap(eta)));
          }
        }
      }
      scratchReady = layout.claim("nextRowScratch");
    } else {
      scratchReady = null;
    }
  }

  /**
   * Whether predict starts the new data's locals from the globals ({@code initLocals}, {@code
   * splitLocalStart}) rather than at random: for a model that splits and has a local phase (LDA),
   * whose groups' posteriors otherwise depend on the random start.
   */
  private boolean localStart;

  void startLocalsFromGlobals(boolean value) {
    this.localStart = value;
  }

  /** Whether the plan has new rows at all. */
  boolean present() {
    return row != null;
  }

  /** Whether the log predictive density of a new row is derived in closed form. */
  boolean exact() {
    return row != null && row.exact();
  }

  /** Whether new rows get a log predictive density: in closed form, or a logistic label's by quadrature. */
  private boolean hasLogPredictive() {
    return exact() || plan.labelPredictive().isPresent();
  }

  /**
   * ln p(y[n] | X) of every row of a model whose new rows are one Bernoulli-logistic label: ln P or
   * ln(1 - P) with P = E_q[logistic(a)] ({@code predictY}); 0, the density of no observation, where
   * the label is missing.
   */
  private MethodSpec labelLogPredictive() {
    UpdatePlan.Predictive p = plan.labelPredictive().orElseThrow();
    Layout.DataArray d = layout.data.get(p.node());
    MethodSpec.Builder m = MethodSpec.methodBuilder("logPredictive").returns(double[].class)
        .addJavadoc("ln p($L[n] | training data) for every row: ln P or ln(1 - P) with P = E_q[logistic(a)] from"
            + " {@link #$L}; 0 where\nthe label is missing (the density of no observation).\n", p.node(),
            layout.predictNames.get(d.node()));
    Set<String> scope = new LinkedHashSet<>();
    String n = local(p.element().get(0).name(), scope);
    String out = local("out", scope);
    String prob = local("prob", scope);
    String rows = layout.dim(p.element().get(0).range());
    m.addStatement("double[] $N = new double[$L]", out, rows);
    m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", n, n, rows, n);
    m.beginControlFlow("if ($N[$N] == 0.0)", d.observedField(), n);
    m.addStatement("continue");
    m.endControlFlow();
    m.addStatement("double $N = $L($N)", prob, layout.predictNames.get(d.node()), n);
    m.addStatement("$N[$N] = $N[$N] == 1 ? $T.log($N) : $T.log1p(-$N)", out, n, d.field(), n, MATH, prob, MATH, prob);
    m.endControlFlow();
    m.addStatement("return $N", out);
    return m.build();
  }

  ClassName predictionName() {
    return model.nestedClass("Prediction");
  }

  private boolean isLocal(FactorUpdate u) {
    return row.locals().contains(u.factor().name());
  }

  // ---------------------------------------------------------------------------------------------
  // State

  List<FieldSpec> stateFields() {
    List<FieldSpec> out = new ArrayList<>();
    if (!exact()) {
      return out;
    }
    for (Layout.FactorStorage fs : scratch.values()) {
      for (String p : new LinkedHashSet<>(fs.params().values())) {
        out.add(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), p, Modifier.PRIVATE)
            .addJavadoc("q($L) updated with one new row, for the posterior predictive.\n", fs.update().factor().name())
            .build());
      }
      for (Map.Entry<String, String> m : fs.moments().entrySet()) {
        if (!fs.params().containsValue(m.getValue())) {
          out.add(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), m.getValue(), Modifier.PRIVATE).build());
        }
      }
    }
    for (String d : deltaArrays.values()) {
      out.add(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), d, Modifier.PRIVATE)
          .addJavadoc("One new row's contribution to a natural parameter.\n").build());
    }
    out.add(FieldSpec.builder(TypeName.BOOLEAN, scratchReady, Modifier.PRIVATE).build());
    return out;
  }

  List<MethodSpec> stateMethods() {
    List<MethodSpec> out = new ArrayList<>();
    if (row == null) {
      return out;
    }
    out.add(pinned());
    out.add(copyGlobals());
    out.add(fitLocals());
    if (exact()) {
      out.add(allocateScratch());
      for (UpdatePlan.RowTerm t : row.terms()) {
        out.add(lnRatio(t));
      }
      out.add(logPredictive());
      out.add(isZero());
    } else if (hasLogPredictive()) {
      out.add(labelLogPredictive());
    }
    return out;
  }

  /** The model with this fit's sizes (but those new data bring) and hyperparameters. */
  private MethodSpec pinned() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("pinned").returns(model)
        .addJavadoc("The model with this state's sizes and hyperparameters, leaving unset the sizes that new data"
            + " bind ($L).\n", String.join(", ", row.sizes().stream().sorted().toList()));
    m.addStatement("$T builder = builder()", builderName());
    for (CheckedModel.SizeSym s : plan.graph().sizes()) {
      if (!row.sizes().contains(s.name())) {
        String f = layout.sizeNames.get(s.name());
        m.addStatement("builder.$L($L)", f, f);
      }
    }
    for (CheckedModel.HyperSym h : plan.graph().hypers()) {
      String f = layout.hyperNames.get(h.name());
      if (h.type() instanceof Type.Matrix mt) {
        String rows = layout.dim(mt.rows());
        String cols = layout.dim(mt.cols());
        String r = localName("rows" + Layout.cap(f), new LinkedHashSet<>(List.of("builder")));
        m.addStatement("double[][] $L = new double[$L][$L]", r, rows, cols);
        m.beginControlFlow("for (int i = 0; i < $L; i++)", rows);
        m.addStatement("$T.arraycopy($L, i * $L, $L[i], 0, $L)", SYSTEM, f, cols, r, cols);
        m.endControlFlow();
        m.addStatement("builder.$L($L)", f, r);
      } else {
        m.addStatement("builder.$L($L)", f, f);
      }
    }
    m.addStatement("return builder.build()");
    return m.build();
  }

  /** Every global factor's parameters and moments, copied from the fit. */
  private MethodSpec copyGlobals() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("copyGlobals").addParameter(stateName(), "from")
        .addJavadoc("Sets every global factor ($L) to the fit's q: the new data's local factors are inferred with"
            + " these held fixed.\n", String.join(", ", plan.updates().stream().filter(u -> !isLocal(u))
                .map(u -> "q(" + u.factor().name() + ")").toList()));
    for (Layout.FactorStorage fs : layout.factors.values()) {
      if (isLocal(fs.update())) {
        continue;
      }
      Set<String> arrays = new LinkedHashSet<>(fs.params().values());
      arrays.addAll(fs.moments().values());
      for (String a : arrays) {
        m.addStatement("$T.arraycopy(from.$L, 0, $L, 0, $L.length)", SYSTEM, a, a, a);
      }
    }
    return m.build();
  }

  /** Coordinate ascent over the new data's factors alone. */
  private MethodSpec fitLocals() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("fitLocals").returns(double[].class)
        .addParameter(FIT_OPTIONS, "options")
        .addJavadoc("Coordinate ascent over the factors of the new data alone ($L), the global factors held at the"
            + " fit's q, until the relative ELBO change is below {@code options.tolerance()}; returns the ELBO"
            + " trace.\n", String.join(", ", row.locals().stream().map(l -> "q(" + l + ")").toList()));
    List<FactorUpdate> locals = plan.schedule().stream().map(plan::update).filter(this::isLocal).toList();
    if (locals.isEmpty()) {
      m.addStatement("return new double[0]");
      return m.build();
    }
    Set<String> scope = new LinkedHashSet<>(List.of("options"));
    String trace = local("trace", scope);
    String previous = local("previous", scope);
    String it = local("it", scope);
    String value = local("value", scope);
    m.addStatement("double[] $L = new double[$T.min(options.maxIterations(), 64)]", trace, MATH);
    m.addStatement("double $L = $T.NEGATIVE_INFINITY", previous, DOUBLE);
    m.beginControlFlow("for (int $L = 1; $L <= options.maxIterations(); $L++)", it, it, it);
    for (FactorUpdate u : locals) {
      m.addStatement("$L()", updateName(u));
    }
    m.addStatement("double $L = elbo()", value);
    m.addStatement("checkFinite($L, $L)", it, value);
    m.beginControlFlow("if ($L > $L.length)", it, trace);
    m.addStatement("$L = $T.copyOf($L, (int) $T.min(options.maxIterations(), 2L * $L.length))", trace, Arrays.class,
        trace, MATH, trace);
    m.endControlFlow();
    m.addStatement("$L[$L - 1] = $L", trace, it, value);
    m.beginControlFlow("if ($T.abs($L - $L) <= options.tolerance() * $T.max(1.0, $T.abs($L)))", MATH, value, previous,
        MATH, MATH, value);
    m.addStatement("return $T.copyOf($L, $L)", Arrays.class, trace, it);
    m.endControlFlow();
    m.addStatement("$L = $L", previous, value);
    m.endControlFlow();
    m.addStatement("return $T.copyOf($L, options.maxIterations())", Arrays.class, trace);
    return m.build();
  }

  /** A local name for {@code wanted}, unique against fields and {@code scope}, added to it. */
  private String local(String wanted, Set<String> scope) {
    String n = localName(wanted, scope);
    scope.add(n);
    return n;
  }

  private MethodSpec allocateScratch() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("allocateNextRowScratch").addModifiers(Modifier.PRIVATE)
        .addJavadoc("Allocates the scratch arrays of the posterior predictive once.\n");
    m.beginControlFlow("if ($L)", scratchReady);
    m.addStatement("return");
    m.endControlFlow();
    for (UpdatePlan.RowTerm t : row.terms()) {
      Layout.FactorStorage fs = layout.factors.get(t.factor());
      Layout.FactorStorage sc = scratch.get(t.factor());
      for (Map.Entry<String, String> p : sc.params().entrySet()) {
        m.addStatement("$L = new double[$L.length]", p.getValue(), fs.params().get(p.getKey()));
      }
      for (Map.Entry<String, String> mo : sc.moments().entrySet()) {
        if (!sc.params().containsValue(mo.getValue())) {
          m.addStatement("$L = new double[$L.length]", mo.getValue(), fs.moments().get(mo.getKey()));
        }
      }
      for (Family.Stat s : fs.update().family().naturalStats()) {
        if (s.arity() > 0) {
          String eta = families.eta(fs, s.name());
          m.addStatement("$L = new double[$L]", deltaArrays.get(eta), width("1", fs.dim(), s.arity()));
        }
      }
    }
    m.addStatement("$L = true", scratchReady);
    return m.build();
  }

  /**
   * ln Z(eta + d_eta(row)) - ln Z(eta) summed over the factor's elements: the factor's part of a
   * new row's log predictive, its other factors fixed at the row's assignment.
   */
  private MethodSpec lnRatio(UpdatePlan.RowTerm t) {
    Layout.FactorStorage fs = layout.factors.get(t.factor());
    Layout.FactorStorage sc = scratch.get(t.factor());
    String label = t.factor();
    Set<String> inScope = new LinkedHashSet<>();
    String rowName = local(rowVar(), inScope);
    String sum = local("sum", inScope);
    String q = local("q", inScope);
    MethodSpec.Builder m = MethodSpec.methodBuilder(lnRatioName(t)).addModifiers(Modifier.PRIVATE)
        .returns(TypeName.DOUBLE).addParameter(TypeName.INT, rowName);
    m.addJavadoc("The part of q($L) in row {@code $L}'s log predictive: sum over its elements of\n"
        + "ln Z(eta + d_eta) - ln Z(eta), where d_eta is the row's term in q($L)'s update:\n<pre>\n", label,
        rowName, label);
    Map<Idx, String> elementNames = new LinkedHashMap<>();
    for (Idx i : t.element()) {
      elementNames.put(i, localName(i.name(), inScope));
      inScope.add(elementNames.get(i));
    }
    for (NaturalParam p : t.delta()) {
      m.addJavadoc("d_eta($L) = $L\n", p.stat().name(), escape(dev.vmodel.compiler.algebra.Printer.plain(p.value())));
    }
    m.addJavadoc("</pre>\n");
    CodeBlock.Builder b = CodeBlock.builder();
    b.addStatement("double $L = 0.0", sum);
    if (chunked(fs.update())) {
      b.add(new UpdateWriter(ctx).workspaceLocals(fs, "0"));
    }
    List<Idx> elIdx = new ArrayList<>(t.element());
    for (Map.Entry<Idx, String> i : elementNames.entrySet()) {
      b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i.getValue(), i.getValue(),
          layout.dim(i.getKey().range()), i.getValue());
    }
    String e = layout.flat(new ArrayList<>(elementNames.values()), fs.elementDims());
    String d = fs.dim() == null ? null : layout.dim(fs.dim());
    List<String> zeroChecks = new ArrayList<>();
    Map<NaturalParam, String> deltaNames = new LinkedHashMap<>();
    for (NaturalParam p : t.delta()) {
      String eta = families.eta(fs, p.stat().name());
      Map<Idx, String> names = new LinkedHashMap<>(elementNames);
      names.put(row.row(), rowName);
      if (p.components().isEmpty()) {
        String dv = localName("d" + Layout.cap(eta), inScope);
        inScope.add(dv);
        deltaNames.put(p, dv);
        b.addStatement("double $L = $L", dv, polys.sum(PolyCode.plainTerms(p.value()), names, List.of()));
        b.add(polys.loops(PolyCode.sumTerms(p.value()), Map.of(), names, n -> dv));
        zeroChecks.add(dv + " == 0.0");
        continue;
      }
      String arr = deltaArrays.get(eta);
      deltaNames.put(p, arr);
      Map<Idx, String> comps = new LinkedHashMap<>();
      Set<String> scope = new LinkedHashSet<>(inScope);
      for (Idx c : p.components()) {
        String cn = localName(comps.isEmpty() ? "i" : "j", scope);
        scope.add(cn);
        comps.put(c, cn);
      }
      Map<Idx, String> all = new LinkedHashMap<>(names);
      all.putAll(comps);
      for (String c : comps.values()) {
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, d, c);
      }
      b.addStatement("$L[$L] = $L", arr, componentIndex(new ArrayList<>(comps.values()), d),
          polys.sum(PolyCode.plainTerms(p.value()), all, List.of()));
      for (int c = 0; c < comps.size(); c++) {
        b.endControlFlow();
      }
      List<Idx> compIdx = new ArrayList<>(comps.keySet());
      b.add(polys.loops(PolyCode.sumTerms(p.value()), comps, names, n -> arr + "["
          + componentIndex(compIdx.stream().map(n::get).toList(), d) + "]"));
      zeroChecks.add("isZero(" + arr + ")");
    }
    b.add("// where the row leaves the element's q as it is, ln Z(eta) - ln Z(eta) = 0\n");
    b.beginControlFlow("if (!($L))", String.join(" && ", zeroChecks));
    b.add("// q's natural parameters, from its parameters, plus the row's\n");
    for (Family.Stat s : fs.update().family().naturalStats()) {
      if (s.arity() == 0) {
        b.addStatement("double $L", families.eta(fs, s.name()));
      }
    }
    FactorJava stored = families.element(fs, e, label, inScope, null);
    b.add(fs.update().family().spec().natural(stored));
    for (NaturalParam p : t.delta()) {
      String eta = families.eta(fs, p.stat().name());
      String dn = deltaNames.get(p);
      if (p.components().isEmpty()) {
        b.addStatement("$L += $L", eta, dn);
      } else {
        b.beginControlFlow("for (int $L = 0; $L < $L.length; $L++)", q, q, dn, q);
        b.addStatement("$L[$L] += $L[$L]", eta, q, dn, q);
        b.endControlFlow();
      }
    }
    b.add(families.convert(sc, e, label, inScope));
    FactorJava next = families.element(sc, e, label, inScope, null);
    b.addStatement("$L += $L - $L", sum, fs.update().family().spec().logNormalizer(next),
        fs.update().family().spec().logNormalizer(stored));
    b.endControlFlow();
    for (int i = 0; i < elIdx.size(); i++) {
      b.endControlFlow();
    }
    b.addStatement("return $L", sum);
    m.addCode(b.build());
    return m.build();
  }

  /** One State method per factor's row term, unique among the State's methods (factors d and D both read "D"). */
  private final java.util.Map<String, String> lnRatioNames = new java.util.HashMap<>();

  private String lnRatioName(UpdatePlan.RowTerm t) {
    return lnRatioNames.computeIfAbsent(t.factor(),
        f -> layout.stateMethod("lnRatio" + Layout.cap(layout.factors.get(f).base())));
  }

  private String rowVar() {
    return "row";
  }

  private static String componentIndex(List<String> comps, String d) {
    return comps.size() == 1 ? comps.get(0) : comps.get(0) + " * " + d + " + " + comps.get(1);
  }

  private MethodSpec isZero() {
    return MethodSpec.methodBuilder("isZero").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(TypeName.BOOLEAN).addParameter(double[].class, "values")
        .addJavadoc("Whether every entry is 0.\n")
        .beginControlFlow("for (double v : values)")
        .beginControlFlow("if (v != 0.0)").addStatement("return false").endControlFlow()
        .endControlFlow()
        .addStatement("return true").build();
  }

  /** ln p(row | X) for every row: the sum over the row's categorical assignments, in closed form. */
  private MethodSpec logPredictive() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("logPredictive").returns(double[].class);
    m.addJavadoc("The log posterior predictive density of every row of the data, the global factors integrated"
        + " over the fit's q:\n<pre>\nln p(row, assignment | X) = sum_j [ln Z_j(eta_j + d_eta_j(row)) - ln Z_j(eta_j)]"
        + " + c(row)\nln p(row | X) = ln sum_assignments exp(ln p(row, assignment | X))\n"
        + "c(row) = $L\n</pre>\n", escape(dev.vmodel.compiler.algebra.Printer.plain(row.constant())));
    if (!row.enumerated().isEmpty()) {
      m.addJavadoc("summed over $L; its responsibilities are restored after each row.\n",
          String.join(", ", row.enumerated().stream().map(z -> "q(" + z + "[" + row.row().name() + "])").toList()));
    }
    Set<String> scope = new LinkedHashSet<>();
    String out = local("out", scope);
    String terms = local("terms", scope);
    String a = local("a", scope);
    String r = local(rowVar(), scope);
    m.addStatement("allocateNextRowScratch()");
    String rows = layout.dim(row.row().range());
    m.addStatement("double[] $L = new double[$L]", out, rows);
    List<String> sizes = new ArrayList<>();
    List<Layout.FactorStorage> zs = row.enumerated().stream().map(layout.factors::get).toList();
    for (Layout.FactorStorage z : zs) {
      sizes.add(layout.dim(z.dim()));
    }
    m.addStatement("double[] $L = new double[$L]", terms, sizes.isEmpty() ? "1" : String.join(" * ", sizes));
    List<String> saved = new ArrayList<>();
    List<String> cs = new ArrayList<>();
    for (int i = 0; i < zs.size(); i++) {
      saved.add(local("saved" + i, scope));
      cs.add(local("c" + i, scope));
      m.addStatement("double[] $L = new double[$L]", saved.get(i), sizes.get(i));
    }
    Layout.FactorStorage qf = row.integrated() == null ? null : layout.factors.get(row.integrated());
    List<String> savedMoments = new ArrayList<>();
    List<String> keeps = new ArrayList<>();
    String nodeX = null;
    String nodeLnW = null;
    String nodeTerms = null;
    String node = null;
    if (qf != null) {
      nodeX = local("nodeX", scope);
      nodeLnW = local("nodeLnW", scope);
      nodeTerms = local("nodeTerms", scope);
      node = local("node", scope);
      m.addComment("q($L) is integrated numerically: $L nodes of a trapezoid rule in its log", row.integrated(),
          QUADRATURE_NODES);
      m.addStatement("double[] $L = new double[$L]", nodeX, QUADRATURE_NODES);
      m.addStatement("double[] $L = new double[$L]", nodeLnW, QUADRATURE_NODES);
      m.addStatement("double[] $L = new double[$L]", nodeTerms, QUADRATURE_NODES);
      m.addCode(qf.update().family().spec().quadratureNodes(families.element(qf, "0", row.integrated(), scope, null),
          nodeX, nodeLnW, Integer.toString(QUADRATURE_NODES)));
      for (String mo : new LinkedHashSet<>(qf.moments().values())) {
        String keep = local("keep" + Layout.cap(mo), scope);
        m.addStatement("double[] $L = $L.clone()", keep, mo);
        savedMoments.add(mo);
        keeps.add(keep);
      }
    }
    m.beginControlFlow("for (int $L = 0; $L < $L; $L++)", r, r, rows, r);
    for (int i = 0; i < zs.size(); i++) {
      m.addStatement("$T.arraycopy($L, $L * $L, $L, 0, $L)", SYSTEM, zs.get(i).moments().get("onehot"), r,
          sizes.get(i), saved.get(i), sizes.get(i));
    }
    m.addStatement("int $L = 0", a);
    for (int i = 0; i < zs.size(); i++) {
      String c = cs.get(i);
      m.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, sizes.get(i), c);
      String arr = zs.get(i).moments().get("onehot");
      m.addStatement("$T.fill($L, $L * $L, $L * $L + $L, 0.0)", Arrays.class, arr, r, sizes.get(i), r, sizes.get(i),
          sizes.get(i));
      m.addStatement("$L[$L * $L + $L] = 1.0", arr, r, sizes.get(i), c);
    }
    Map<Idx, String> names = Map.of(row.row(), r);
    if (qf != null) {
      m.beginControlFlow("for (int $L = 0; $L < $L; $L++)", node, node, QUADRATURE_NODES, node);
      m.addCode(qf.update().family().spec().pointMoments(families.element(qf, "0", row.integrated(), scope, null),
          nodeX + "[" + node + "]"));
    }
    String v = local("v", scope);
    m.addCode(polys.declare(v, row.constant(), names));
    for (UpdatePlan.RowTerm t : row.terms()) {
      m.addStatement("$L += $L($L)", v, lnRatioName(t), r);
    }
    if (qf != null) {
      m.addStatement("$L[$L] = $L[$L] + $L", nodeTerms, node, nodeLnW, node, v);
      m.endControlFlow();
      m.addStatement("$L[$L++] = $T.logSumExp($L, 0, $L)", terms, a, SPECIAL, nodeTerms, QUADRATURE_NODES);
    } else {
      m.addStatement("$L[$L++] = $L", terms, a, v);
    }
    for (int i = zs.size() - 1; i >= 0; i--) {
      m.endControlFlow();
    }
    m.addStatement("$L[$L] = $L == 1 ? $L[0] : $T.logSumExp($L, 0, $L)", out, r, a, terms, SPECIAL, terms, a);
    for (int i = 0; i < zs.size(); i++) {
      m.addStatement("$T.arraycopy($L, 0, $L, $L * $L, $L)", SYSTEM, saved.get(i), zs.get(i).moments().get("onehot"),
          r, sizes.get(i), sizes.get(i));
    }
    m.endControlFlow();
    for (int i = 0; i < savedMoments.size(); i++) {
      m.addStatement("$T.arraycopy($L, 0, $L, 0, $L.length)", SYSTEM, keeps.get(i), savedMoments.get(i), keeps.get(i));
    }
    m.addStatement("return $L", out);
    return m.build();
  }

  // ---------------------------------------------------------------------------------------------
  // Result and Prediction

  List<MethodSpec> resultMethods() {
    List<MethodSpec> out = new ArrayList<>();
    if (row == null) {
      return out;
    }
    out.add(MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC).returns(predictionName())
        .addParameter(dataName(), "data")
        .addJavadoc("{@link #predict(Data, FitOptions)} with {@link $T#defaults()}.\n", FIT_OPTIONS)
        .addStatement("return predict(data, $T.defaults())", FIT_OPTIONS).build());
    MethodSpec.Builder m = MethodSpec.methodBuilder("predict").addModifiers(Modifier.PUBLIC).returns(predictionName())
        .addParameter(dataName(), "data").addParameter(FIT_OPTIONS, "options");
    m.addJavadoc("Applies this posterior to new data: the factors of the new data ($L) are inferred with the global"
        + " factors held at this fit's q (coordinate ascent over them alone, from {@code options.seed()}, to"
        + " {@code options.tolerance()}), and $L.\n\n"
        + "<p>Sizes other than $L are this fit's; hyperparameters are this fit's.\n\n"
        + "@throws $T if the new data are missing, ragged, out of range, or of other sizes than the fit's\n",
        String.join(", ", row.locals().stream().map(l -> "q(" + l + ")").toList()),
        exact() ? "each new row's log posterior predictive density is computed" + (row.integrated() == null
            ? " in closed form" : ", in closed form but for q(" + row.integrated() + "), which is integrated by a "
                + QUADRATURE_NODES + "-node trapezoid rule in its logarithm (about 1e-12 relative)")
            : hasLogPredictive() ? "each new row's log posterior predictive density is ln P or ln(1 - P) of its label,"
                + " P = E_q[logistic(a)] integrated numerically over the Gaussian q of a"
            : "no closed-form predictive density exists (" + escape(row.inexact()) + ")",
        String.join(", ", row.sizes().stream().sorted().toList()), DATA_EXCEPTION);
    m.addStatement("$T p = new $T(s.pinned(), data)", stateName(), stateName());
    if (localStart) {
      m.addComment("the new data's locals from the fit's global factors alone (the groups at their prior, then"
          + " rounds),");
      m.addComment("not from a random start: a group's posterior does not depend on the seed or on the other"
          + " groups' rows");
      m.addStatement("p.initLocals(new $T(options.seed()), options.withInit($T.Init.RANDOM))",
          java.util.SplittableRandom.class, FIT_OPTIONS);
      m.addStatement("p.copyGlobals(s)");
      m.addStatement("p.splitLocalStart()");
    } else {
      m.addStatement("p.init(new $T(options.seed()), options.withInit($T.Init.RANDOM))",
          java.util.SplittableRandom.class, FIT_OPTIONS);
      m.addStatement("p.copyGlobals(s)");
    }
    m.addStatement("double[] trace = p.fitLocals(options)");
    m.addStatement("boolean converged = trace.length < options.maxIterations()");
    m.addStatement("return new $T(new $T(p, trace, trace.length, converged), $L)", predictionName(), resultName(),
        hasLogPredictive() ? "p.logPredictive()" : "null");
    out.add(m.build());
    return out;
  }

  TypeSpec predictionClass() {
    TypeSpec.Builder t = TypeSpec.classBuilder("Prediction").addModifiers(Modifier.PUBLIC, Modifier.STATIC,
        Modifier.FINAL);
    t.addJavadoc("A fit applied to new data ({@link Result#predict}): each new row's log posterior predictive density"
        + " and the posterior of the new data's own factors.\n");
    t.addField(resultName(), "posterior", Modifier.PRIVATE, Modifier.FINAL);
    t.addField(double[].class, "logPredictive", Modifier.PRIVATE, Modifier.FINAL);
    t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
        .addParameter(resultName(), "posterior").addParameter(double[].class, "logPredictive")
        .addStatement("this.posterior = posterior").addStatement("this.logPredictive = logPredictive").build());
    t.addMethod(MethodSpec.methodBuilder("exact").addModifiers(Modifier.PUBLIC).returns(TypeName.BOOLEAN)
        .addJavadoc("Whether the model's log predictive density has a closed form (else {@link #inexact()} says why"
            + " not).\n")
        .addStatement("return logPredictive != null").build());
    t.addMethod(MethodSpec.methodBuilder("inexact").addModifiers(Modifier.PUBLIC).returns(String.class)
        .addJavadoc("Why the log predictive density has no closed form, or null if it has.\n")
        .addStatement("return $S", hasLogPredictive() ? null : row.inexact()).build());
    t.addMethod(MethodSpec.methodBuilder("logPredictive").addModifiers(Modifier.PUBLIC).returns(double[].class)
        .addJavadoc("ln p(row | training data) for every new row, all its observed arrays together; a copy.\n\n"
            + "@throws $T if the model has no closed-form predictive (see {@link #inexact()})\n", ISE)
        .beginControlFlow("if (logPredictive == null)")
        .addStatement("throw new $T($S)", ISE, "no closed-form log predictive density: "
            + (hasLogPredictive() ? "" : row.inexact()))
        .endControlFlow()
        .addStatement("return logPredictive.clone()").build());
    t.addMethod(MethodSpec.methodBuilder("posterior").addModifiers(Modifier.PUBLIC).returns(resultName())
        .addJavadoc("The new data's posterior: their own factors ($L) as inferred, and the global factors at the"
            + " fit's q; its ELBO is that of the new data with the globals held fixed.\n",
            String.join(", ", row.locals().stream().map(l -> "q(" + l + ")").toList()))
        .addStatement("return posterior").build());
    return t.build();
  }
}
