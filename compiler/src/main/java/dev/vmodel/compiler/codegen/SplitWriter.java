package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.optimize.DataSums;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * The split of a sweep into a local pass over blocks of rows and global updates from summed row
 * statistics ({@code dev.vmodel.runtime.split}): what lets a backend run the model on rows that
 * live elsewhere (a Spark cluster, a stream). A plan splits when its global updates and its ELBO
 * after a sweep read the rows only through sums the pass adds up: the fused row statistics of a
 * local categorical factor ({@link FusedUpdate}), its log-normalisers, and the data sums ({@link
 * DataSumFields}); the model class then implements {@code SplitModel}. {@link #unsupported} says
 * why a plan does not split.
 */
final class SplitWriter extends WriterPart {
  static final ClassName SPLIT_MODEL = ClassName.get(RT + ".split", "SplitModel");
  static final ClassName SPLIT_PART = ClassName.get(RT + ".split", "SplitPart");
  static final ClassName COLUMN = SPLIT_MODEL.nestedClass("Column");
  private static final ClassName POSTERIOR_FILE = ClassName.get(RT + ".fit", "PosteriorFile");

  private final PriorWriter prior;
  /** The size of the row plate (N), or null for a model without one. */
  private final String rowSize;
  /** The sizes rows bind (the row plate's and the groups' of a local phase), sorted: counted per part. */
  private final List<String> rowSizes;
  private final Optional<String> unsupported;

  SplitWriter(ModelContext ctx, PriorWriter prior) {
    super(ctx);
    this.prior = prior;
    this.rowSize = plan.newRow() == null ? null : plan.newRow().plate();
    this.rowSizes = plan.newRow() == null ? List.of() : plan.newRow().sizes().stream().sorted().toList();
    this.unsupported = decide();
  }

  /** Why this plan does not split into a local pass and global updates, or empty if it does. */
  Optional<String> unsupported() {
    return unsupported;
  }

  private Optional<String> decide() {
    if (rowSize == null) {
      return Optional.of("it has no plate of rows that new data extend");
    }
    if (!layout.chains.isEmpty()) {
      return Optional.of("a Markov chain's forward-backward runs along the rows");
    }
    Dim rows = new Dim.Named(rowSize);
    Set<Dim> counted = new LinkedHashSet<>();
    rowSizes.forEach(z -> counted.add(new Dim.Named(z)));
    for (FactorUpdate u : plan.updates()) {
      if (u.nonConjugate()) {
        return Optional.of("the fixed-form update of q(" + u.factor().name() + ") line-searches the whole ELBO");
      }
      if (isLocal(u)) {
        if (ctx.localSums.summed(u.factor().name())) {
          continue;
        }
        if (fused == null || fused.f.local != u || fused.lnNorm == null) {
          return Optional.of("the global updates read the local factor q(" + u.factor().name() + ") row by row");
        }
        continue;
      }
      for (NaturalParam p : ctx.naturalParams(u)) {
        if (sumsOver(p.value(), counted)) {
          return Optional.of("the update of q(" + u.factor().name() + ") sums over the rows itself");
        }
      }
    }
    for (Layout.DataArray d : layout.data.values()) {
      if (d.plateDims().isEmpty() || !d.plateDims().get(0).equals(rows)) {
        return Optional.of("the data array " + d.node() + " is not on the plate of rows (" + rowSize + ")");
      }
    }
    for (Poly term : ctx.elboTerms) {
      Poly value = fused == null ? term : new Poly(term.terms().stream().filter(t -> !fused.f.readsLocal(t)).toList());
      if (sumsOver(value, counted)) {
        return Optional.of("its ELBO sums over the rows outside the local factors' update");
      }
    }
    Set<String> rowTotals = new LinkedHashSet<>();
    for (DataSums.Sum s : dataSums.sums()) {
      boolean total = s.row().range().equals(rows)
          || s.atoms().size() == 1 && s.atoms().get(0) instanceof Atom.Data d && rowTotals.contains(d.var());
      if (!total || s.free().stream().anyMatch(i -> i.range().equals(rows))) {
        return Optional.of("a sum of data (" + dataSums.field(s) + ") is not a total over the rows");
      }
      rowTotals.add(s.var());
    }
    for (PolyCode.KnownSum k : polys.knownSums.values()) {
      if (sumsOver(k.value(), counted)) {
        return Optional.of("a sum of known values (" + k.field() + ") runs over the rows");
      }
    }
    return Optional.empty();
  }

  /** Whether a term of {@code p} (or of a function argument in it) sums over one of {@code rows}. */
  private static boolean sumsOver(Poly p, Set<Dim> rows) {
    for (Monomial m : p.terms()) {
      for (Idx i : m.sums()) {
        if (rows.contains(i.range())) {
          return true;
        }
      }
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Fn f && f.args().stream().anyMatch(x -> sumsOver(x, rows))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The local factors read through local sums, in the plan's order. */
  private List<String> summedLocals() {
    return plan.updates().stream().map(u -> u.factor().name()).filter(ctx.localSums::summed).toList();
  }

  /** The data arrays {@code p} reads (through function arguments too). */
  private static void dataRead(Poly p, Set<String> into) {
    for (Monomial m : p.terms()) {
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Data d) {
          into.add(d.var());
        } else if (a instanceof Atom.Fn f) {
          f.args().forEach(x -> dataRead(x, into));
        }
      }
    }
  }

  /** Whether {@code u} is local to a part: a local factor, or a group factor of the local phase. */
  private boolean isLocal(FactorUpdate u) {
    return u.local() || ctx.localPhase != null && ctx.localPhase.phase().groupFactors().contains(u.factor().name());
  }

  private String rowField() {
    return layout.sizeNames.get(rowSize);
  }

  /** The arrays of the global factors' parameters and moments, each once. */
  private List<String> globalArrays() {
    Set<String> out = new LinkedHashSet<>();
    for (Layout.FactorStorage fs : layout.factors.values()) {
      if (isLocal(fs.update())) {
        continue;
      }
      out.addAll(fs.params().values());
      out.addAll(fs.moments().values());
    }
    return List.copyOf(out);
  }

  /**
   * The row statistics: arrays summed over the rows (the counts and the log-normaliser are
   * scalars). Of the fused row statistics, those the global updates or the ELBO read (a local
   * phase's group factors read others, per group, within the part).
   */
  private List<String> statArrays() {
    List<String> out = new ArrayList<>();
    if (fused != null) {
      Set<String> read = new LinkedHashSet<>();
      for (FactorUpdate u : plan.updates()) {
        if (!isLocal(u)) {
          ctx.naturalParams(u).forEach(p -> dataRead(p.value(), read));
        }
      }
      ctx.elboTerms.forEach(p -> dataRead(p, read));
      fused.statFieldsByVar().forEach((v, field) -> {
        if (read.contains(v)) {
          out.add(field);
        }
      });
    }
    for (DataSums.Sum s : dataSums.sums()) {
      out.add(dataSums.field(s));
    }
    out.addAll(ctx.localSums.arrays());
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // State

  List<MethodSpec> stateMethods() {
    List<MethodSpec> out = new ArrayList<>();
    List<String> globals = globalArrays();
    MethodSpec.Builder get = MethodSpec.methodBuilder("splitGlobals").returns(double[].class)
        .addJavadoc("The global factors' parameters and moments, flat, in a fixed order: $L.\n",
            String.join(", ", globals));
    Set<String> scope = new LinkedHashSet<>();
    String out1 = localName("out", scope);
    String at = localName("at", scope);
    get.addStatement("double[] $L = new double[$L]", out1, globals.isEmpty() ? "0"
        : String.join(" + ", globals.stream().map(g -> g + ".length").toList()));
    get.addStatement("int $L = 0", at);
    for (String g : globals) {
      get.addStatement("$T.arraycopy($L, 0, $L, $L, $L.length)", SYSTEM, g, out1, at, g);
      get.addStatement("$L += $L.length", at, g);
    }
    get.addStatement("return $L", out1);
    out.add(get.build());

    Set<String> scope2 = new LinkedHashSet<>();
    String values2 = localName("values", scope2);
    String at2 = localName("at", scope2);
    MethodSpec.Builder set = MethodSpec.methodBuilder("splitGlobals").addParameter(double[].class, values2)
        .addJavadoc("Sets the global factors from {@link #splitGlobals()} of a state of the same sizes.\n");
    set.beginControlFlow("if ($L.length != $L)", values2, globals.isEmpty() ? "0"
        : String.join(" + ", globals.stream().map(g -> g + ".length").toList()));
    set.addStatement("throw new $T($S + $L.length)", IAE,
        "the global factors of another model or other sizes: length ", values2);
    set.endControlFlow();
    set.addStatement("int $L = 0", at2);
    for (String g : globals) {
      set.addStatement("$T.arraycopy($L, $L, $L, 0, $L.length)", SYSTEM, values2, at2, g, g);
      set.addStatement("$L += $L.length", at2, g);
    }
    out.add(set.build());

    List<String> stats = statArrays();
    List<String> scalars = new ArrayList<>();
    if (fused != null && fused.lnNorm != null) {
      scalars.add(fused.lnNorm);
    }
    for (String f : summedLocals()) {
      scalars.add(ctx.localSums.entropy(f));
    }
    List<String> counts = rowSizes.stream().map(layout.sizeNames::get).toList();
    StringBuilder doc = new StringBuilder("the counts " + String.join(", ", counts));
    stats.forEach(s -> doc.append(", ").append(s));
    scalars.forEach(s -> doc.append(", ").append(s));
    String length = (counts.size() + scalars.size())
        + String.join("", stats.stream().map(s -> " + " + s + ".length").toList());
    Set<String> scope3 = new LinkedHashSet<>();
    String out3 = localName("out", scope3);
    String at3 = localName("at", scope3);
    MethodSpec.Builder rs = MethodSpec.methodBuilder("splitStatistics").returns(double[].class)
        .addJavadoc("The row statistics, sums over this state's rows that the global updates and the ELBO read:"
            + "\n$L.\n", doc.toString());
    rs.addStatement("double[] $L = new double[$L]", out3, length);
    rs.addStatement("int $L = 0", at3);
    for (String c : counts) {
      rs.addStatement("$L[$L++] = $L", out3, at3, c);
    }
    for (String s : stats) {
      rs.addStatement("$T.arraycopy($L, 0, $L, $L, $L.length)", SYSTEM, s, out3, at3, s);
      rs.addStatement("$L += $L.length", at3, s);
    }
    for (String s : scalars) {
      rs.addStatement("$L[$L++] = $L", out3, at3, s);
    }
    rs.addStatement("return $L", out3);
    out.add(rs.build());

    Set<String> scope4 = new LinkedHashSet<>();
    String values4 = localName("values", scope4);
    String at4 = localName("at", scope4);
    MethodSpec.Builder ss = MethodSpec.methodBuilder("splitStatistics").addParameter(double[].class, values4)
        .addJavadoc("Sets the row statistics ({@link #splitStatistics()}, summed over the parts); the counts"
            + " become {@code $L}.\n", String.join(", ", counts));
    ss.beginControlFlow("if ($L.length != $L)", values4, length);
    ss.addStatement("throw new $T($S + $L.length)", IAE,
        "row statistics of another model or other sizes: length ", values4);
    ss.endControlFlow();
    ss.addStatement("int $L = 0", at4);
    for (String c : counts) {
      ss.addStatement("$L = (int) $L[$L++]", c, values4, at4);
    }
    for (String s : stats) {
      ss.addStatement("$T.arraycopy($L, $L, $L, 0, $L.length)", SYSTEM, values4, at4, s, s);
      ss.addStatement("$L += $L.length", at4, s);
    }
    for (String s : scalars) {
      ss.addStatement("$L = $L[$L++]", s, values4, at4);
    }
    out.add(ss.build());

    MethodSpec.Builder ug = MethodSpec.methodBuilder("splitUpdateGlobals")
        .addJavadoc("The global factors' updates, in the order {@link #sweep} makes them.\n");
    MethodSpec.Builder ul = MethodSpec.methodBuilder("splitLocalPass").returns(double[].class)
        .addJavadoc("The local factors' updates, in the order {@link #sweep} makes them, over this state's rows;"
            + " returns {@link #splitStatistics()}.\n");
    boolean phaseCalled = false;
    for (String f : plan.schedule()) {
      FactorUpdate u = plan.update(f);
      if (ctx.localPhase != null && isLocal(u)) {
        if (!phaseCalled) {
          ul.addStatement("$N()", ctx.localPhase.phaseMethod());
          ul.addStatement("$N()", ctx.localSums.method());
          phaseCalled = true;
        }
      } else if (isLocal(u)) {
        ul.addStatement("$N()", updateName(u));
      } else {
        updateCall(ug, prior, u);
      }
    }
    ul.addStatement("return splitStatistics()");
    out.add(ug.build());
    out.add(ul.build());
    MethodSpec.Builder ls = MethodSpec.methodBuilder("splitLocalStart").returns(double[].class);
    if (ctx.localPhase == null) {
      ls.addJavadoc("The local factors from the global factors: {@link #splitLocalPass()} (the local updates read no"
          + " other local factor's current value).\n");
      ls.addStatement("return splitLocalPass()");
    } else {
      LocalPhaseWriter.Storage ph = ctx.localPhase;
      ls.addJavadoc("The local factors from the global factors alone: the groups' factors at eta_0, then q($L) and"
          + " rounds of the locals\n(as {@link #init} starts them from drawn globals); returns {@link"
          + " #splitStatistics()}.\n", ph.phase().rowFactor());
      ls.addStatement("$N()", ph.restartMethod());
      ls.addStatement("$N()", updateName(plan.update(ph.phase().rowFactor())));
      ls.addStatement("$N($N, $N)", ph.roundsMethod(), ph.carried(), ph.iterations());
      ls.addStatement("statistics()");
      ls.addStatement("$N()", ctx.localSums.method());
      ls.addStatement("return splitStatistics()");
    }
    out.add(ls.build());
    return out;
  }

  /**
   * result()'s code for a model with a local phase: the groups' factors stay with the parts, so the
   * result holds none (the group size 0, the arrays empty), rather than the driver's own groups.
   */
  private CodeBlock groupsDropped() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// a new state with the sizes, hyperparameters and global factors, as a saved posterior loads:\n");
    b.add("// the groups' and the rows' factors stay with the parts (the group size is 0)\n");
    b.addStatement("$T r = new $T()", stateName(), stateName());
    String groups = layout.sizeNames.get(ctx.localPhase.phase().groups());
    for (String z : layout.sizeNames.values()) {
      if (z.equals(groups)) {
        b.addStatement("r.$L = 0", z);
      } else {
        b.addStatement("r.$L = s.$L", z, z);
      }
    }
    for (dev.vmodel.compiler.check.CheckedModel.HyperSym h : plan.graph().hypers()) {
      String f = layout.hyperNames.get(h.name());
      b.addStatement(h.type() instanceof Type.Scalar ? "r.$L = s.$L" : "r.$L = s.$L.clone()", f, f);
    }
    for (Layout.FactorStorage fs : layout.factors.values()) {
      boolean group = ctx.localPhase.phase().groupFactors().contains(fs.update().factor().name());
      if (fs.update().local()) {
        continue;
      }
      Set<String> arrays = new LinkedHashSet<>(fs.params().values());
      arrays.addAll(fs.moments().values());
      for (String a : arrays) {
        if (group) {
          b.addStatement("r.$L = new double[0]", a);
        } else {
          b.addStatement("r.$L = s.$L.clone()", a, a);
        }
      }
    }
    b.addStatement("return new $T(r, trace, iterations, converged, iterations > 0 ? trace[iterations - 1] : $T.NaN)",
        resultName(), DOUBLE);
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // The model class

  /** The model's {@code serialVersionUID}: the model object travels to the machines holding rows. */
  FieldSpec serialVersionUid() {
    return FieldSpec.builder(TypeName.LONG, "serialVersionUID", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("1L").build();
  }

  List<MethodSpec> modelMethods() {
    List<MethodSpec> out = new ArrayList<>();
    if (plan.newRow() != null) {
      out.add(predictionLayout(PredictionLayout.of(plan, GeneratedApi.of(plan, java.util.Optional.empty()))));
    }
    // fitStochastic(source, stochastic[, options[, listener]])
    ClassName rowSource = ClassName.get(RT + ".stochastic", "RowSource");
    ClassName stochasticOptions = ClassName.get(RT + ".stochastic", "StochasticOptions");
    ClassName stochasticFit = ClassName.get(RT + ".stochastic", "StochasticFit");
    out.add(MethodSpec.methodBuilder("fitStochastic").addModifiers(Modifier.PUBLIC).returns(resultName())
        .addParameter(rowSource, "source").addParameter(stochasticOptions, "stochastic")
        .addJavadoc("{@link #fitStochastic($T, $T, $T, $T.Listener)} with {@link $T#defaults()} and no listener.\n",
            rowSource, stochasticOptions, FIT_OPTIONS, stochasticFit, FIT_OPTIONS)
        .addStatement("return fitStochastic(source, stochastic, $T.defaults(), null)", FIT_OPTIONS).build());
    out.add(MethodSpec.methodBuilder("fitStochastic").addModifiers(Modifier.PUBLIC).returns(resultName())
        .addParameter(rowSource, "source").addParameter(stochasticOptions, "stochastic")
        .addParameter(FIT_OPTIONS, "options").addParameter(stochasticFit.nestedClass("Listener"), "listener")
        .addJavadoc("Stochastic variational inference (Hoffman, Blei, Wang and Paisley 2013) over the batches of"
            + " {@code source}\n(a file streamed by {@code CsvRows}, arrays in memory by {@code ArrayRows}, or any"
            + " {@link $T}: a\ndatabase cursor, a queue): for each minibatch B, the local factors of B's rows from the"
            + " current global\nfactors, then S <- (1 - rho_t) S + rho_t (N / |B|) s(B) and the global factors from"
            + " S, rho_t =\n(t + tau0)^-kappa ({@code stochastic}); N is {@code source.units()}. After the epochs, one"
            + " pass of local\nupdates over the data gives the whole data's ELBO. {@code options}: the start (seed,"
            + " init), threads and\nlocal rounds; {@code listener} (may be null) sees each step. See"
            + " docs/svi.md.\n\n@return the global factors' posterior, as a saved posterior holds them (the rows'"
            + " local factors are\n    not kept)\n", rowSource)
        .addStatement("return ($T) $T.run(this, source, stochastic, options, listener)", resultName(), stochasticFit)
        .build());
    // columns()
    MethodSpec.Builder cols = MethodSpec.methodBuilder("columns").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC).returns(ParameterizedTypeName.get(ClassName.get(List.class), COLUMN))
        .addJavadoc("The data arrays on the plate of rows ($L), in declaration order.\n", rowSize);
    CodeBlock.Builder list = CodeBlock.builder();
    boolean first = true;
    for (Layout.DataArray d : layout.data.values()) {
      boolean vector = !d.componentDims().isEmpty() || d.plateDims().size() > 1;
      List<Dim> rest = new ArrayList<>(d.plateDims().subList(1, d.plateDims().size()));
      rest.addAll(d.componentDims());
      int width = rest.size() == 1 && rest.get(0) instanceof Dim.Fixed fx ? fx.n() : -1;
      String categories = d.type() instanceof Type.Cat c && c.range() instanceof Dim.Named nd ? nd.size() : null;
      boolean group = categories != null && rowSizes.contains(categories) && !categories.equals(rowSize);
      list.add(first ? "" : ",\n").add("new $T($S, $L, $L, $L, $L, $S, $L)", COLUMN, d.node(), d.integer(), vector,
          width, d.allowsMissing(), categories, group);
      first = false;
    }
    cols.addStatement("return $T.of($>\n$L$<)", List.class, list.build());
    out.add(cols.build());
    // withSizes(Map)
    MethodSpec.Builder ws = MethodSpec.methodBuilder("withSizes").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC).returns(model)
        .addParameter(ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class),
            ClassName.get(Integer.class)), "sizes")
        .addJavadoc("This model with the sizes {@code sizes} set where the builder left them unset.\n");
    ws.addStatement("$T builder = builder()", builderName());
    for (dev.vmodel.compiler.check.CheckedModel.SizeSym z : plan.graph().sizes()) {
      String f = layout.sizeNames.get(z.name());
      ws.beginControlFlow("if (this.$L != null)", f);
      ws.addStatement("builder.$L(this.$L)", f, f);
      ws.nextControlFlow("else if (sizes.containsKey($S))", z.name());
      ws.addStatement("builder.$L(sizes.get($S))", f, z.name());
      ws.endControlFlow();
    }
    for (dev.vmodel.compiler.check.CheckedModel.HyperSym h : plan.graph().hypers()) {
      String f = layout.hyperNames.get(h.name());
      ws.beginControlFlow("if (this.$L != null)", f);
      ws.addStatement("builder.$L(this.$L)", f, f);
      ws.endControlFlow();
    }
    ws.addStatement("return builder.build()");
    out.add(ws.build());
    // part(Map)
    MethodSpec.Builder pm = MethodSpec.methodBuilder("part").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC).returns(SPLIT_PART)
        .addParameter(ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class),
            ClassName.get(Object.class)), "arrays")
        .addJavadoc("{@link #part($T)} on the arrays {@code arrays} by name (as the {@link $T} setters take them).\n",
            dataName(), dataName());
    pm.addStatement("$T data = new $T()", dataName(), dataName());
    for (Layout.DataArray d : layout.data.values()) {
      TypeName t = d.integer() ? TypeName.INT : TypeName.DOUBLE;
      for (int i = 0; i < d.plateDims().size() + d.componentDims().size(); i++) {
        t = ArrayTypeName.of(t);
      }
      pm.addStatement("data.$L(($T) arrays.get($S))", d.field(), t, d.node());
    }
    pm.addStatement("return part(data)");
    out.add(pm.build());
    // part(Data)
    out.add(part());
    return out;
  }

  /** {@code predictionLayout()}: the layout {@code l} written out as the runtime's record. */
  private MethodSpec predictionLayout(PredictionLayout l) {
    ClassName records = ClassName.get(RT + ".fit", "PredictionRecords");
    ClassName layoutType = records.nestedClass("Layout");
    CodeBlock.Builder locals = CodeBlock.builder();
    for (PredictionLayout.Local x : l.locals()) {
      locals.add(locals.isEmpty() ? "" : ", ").add("new $T($S, $L, $S)", records.nestedClass("Local"), x.name(),
          x.onRows(), x.over());
    }
    CodeBlock.Builder predictives = CodeBlock.builder();
    for (PredictionLayout.Predictive p : l.predictives()) {
      CodeBlock.Builder inner = CodeBlock.builder();
      for (String size : p.innerSizes()) {
        inner.add(inner.isEmpty() ? "$S" : ", $S", size);
      }
      predictives.add(predictives.isEmpty() ? "" : ", ").add("new $T($S, $S, $T.of($L))",
          records.nestedClass("Predictive"), p.array(), p.method(), List.class, inner.build());
    }
    CodeBlock observed;
    if (l.observed() == null) {
      observed = CodeBlock.of("null");
    } else {
      CodeBlock.Builder o = CodeBlock.builder();
      for (String name : l.observed()) {
        o.add(o.isEmpty() ? "$S" : ", $S", name);
      }
      observed = CodeBlock.of("$T.of($L)", List.class, o.build());
    }
    return MethodSpec.methodBuilder("predictionLayout").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(layoutType)
        .addJavadoc("The columns of a prediction of new rows ({@code vmodel predict}, Spark's transform), as the"
            + " compiler decided them:\nthe local factors $L, the predictives $L, the observed arrays $L.\n",
            l.locals().stream().map(PredictionLayout.Local::name).toList(),
            l.predictives().stream().map(PredictionLayout.Predictive::array).toList(),
            l.observed() == null ? "(one not over the rows)" : l.observed())
        .addStatement("return new $T($S, $S, $S,\n$T.of($L),\n$T.of($L),\n$L)", layoutType, l.model(),
            l.plate(), l.rowsMethod(), List.class, locals.build(), List.class, predictives.build(), observed)
        .build();
  }

  private MethodSpec part() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("part").addModifiers(Modifier.PUBLIC).returns(SPLIT_PART)
        .addParameter(dataName(), "data")
        .addJavadoc("A part of a split fit ({@link $T}) on the rows of {@code data}: its local pass updates the local"
            + " factors\nof these rows; as the driver, it holds the global factors. Sizes unset in the builder are"
            + " taken from\n{@code data} as {@code fit} takes them: give every part the model {@link $T#pinned}"
            + " returns.\n\n@throws $T if the data are missing, ragged or out of their declared range\n",
            SPLIT_PART, SPLIT_PART, DATA_EXCEPTION);
    m.addStatement("$T s = new $T(this, data)", stateName(), stateName());
    TypeSpec.Builder a = TypeSpec.anonymousClassBuilder("").addSuperinterface(SPLIT_PART);
    a.addMethod(MethodSpec.methodBuilder("globals").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(double[].class).addStatement("return s.splitGlobals()").build());
    a.addMethod(MethodSpec.methodBuilder("globals").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(double[].class, "values").addStatement("s.splitGlobals(values)").build());
    a.addMethod(MethodSpec.methodBuilder("start").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(double[].class).addParameter(TypeName.LONG, "seed").addParameter(FIT_OPTIONS, "options")
        .addStatement("s.init(new $T(seed), options)", java.util.SplittableRandom.class)
        .addStatement("return s.splitStatistics()").build());
    a.addMethod(MethodSpec.methodBuilder("startFrom").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(double[].class).addParameter(double[].class, "globals").addParameter(TypeName.LONG, "seed")
        .addParameter(FIT_OPTIONS, "options")
        .addStatement("s.initLocals(new $T(seed), options.withInit($T.Init.RANDOM))", java.util.SplittableRandom.class,
            FIT_OPTIONS)
        .addStatement("s.splitGlobals(globals)")
        .addStatement("return s.splitLocalStart()").build());
    a.addMethod(MethodSpec.methodBuilder("localPass").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(double[].class).addStatement("return s.splitLocalPass()").build());
    a.addMethod(MethodSpec.methodBuilder("localStart").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(double[].class).addStatement("return s.splitLocalStart()").build());
    a.addMethod(MethodSpec.methodBuilder("statistics").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .addParameter(double[].class, "summed").addStatement("s.splitStatistics(summed)").build());
    a.addMethod(MethodSpec.methodBuilder("updateGlobals").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC).addStatement("s.splitUpdateGlobals()").build());
    a.addMethod(MethodSpec.methodBuilder("elbo").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(TypeName.DOUBLE).addParameter(TypeName.INT, "sweep")
        .addStatement("double value = s.$L()", hasElboAfterSweep() ? "elboAfterSweep" : "elbo")
        .addStatement("s.checkFinite(sweep, value)").addStatement("return value").build());
    a.addMethod(MethodSpec.methodBuilder("pinned").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(SPLIT_MODEL).addStatement("return s.pinned()").build());
    a.addMethod(MethodSpec.methodBuilder("rows").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(TypeName.LONG).addStatement("return s.$L", rowField()).build());
    MethodSpec.Builder result = MethodSpec.methodBuilder("result").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC).returns(resultName()).addParameter(double[].class, "trace")
        .addParameter(TypeName.INT, "iterations").addParameter(TypeName.BOOLEAN, "converged");
    if (ctx.localPhase != null) {
      a.addMethod(result.addCode(groupsDropped()).build());
      m.addStatement("return $L", a.build());
      return m.build();
    }
    a.addMethod(result
        .addComment("the global factors as a saved posterior holds them, bitwise: this state's rows are not the fit's")
        .addStatement("$T writer = new $T()", java.io.StringWriter.class, java.io.StringWriter.class)
        .beginControlFlow("try")
        .addStatement("$T.write(new $T(s, trace, iterations, converged).posteriorFile(), writer)", POSTERIOR_FILE,
            resultName())
        .addStatement("return load(new $T(writer.toString()))", java.io.StringReader.class)
        .nextControlFlow("catch ($T e)", java.io.IOException.class)
        .addStatement("throw new $T(e)", java.io.UncheckedIOException.class)
        .endControlFlow().build());
    m.addStatement("return $L", a.build());
    return m.build();
  }
}
