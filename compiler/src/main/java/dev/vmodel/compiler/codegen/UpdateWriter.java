package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.diag.InternalCompilerError;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.optimize.ExpProduct;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import javax.lang.model.element.Modifier;

/**
 * Writes the factor updates: each factor's element loops, natural parameters (scattered terms
 * first) and the family's conversion to parameters and moments, in chunks where the elements
 * run in parallel.
 */
final class UpdateWriter extends WriterPart {
  UpdateWriter(ModelContext ctx) {
    super(ctx);
  }

  List<MethodSpec> update(FactorUpdate u) {
    Layout.FactorStorage fs = layout.factors.get(u.factor().name());
    if (isFused(u) && fused.separable()) {
      return fused.update(updateName(u), ctx.chunkName(u), ctx.updateDoc(u), threadsField());
    }
    MethodSpec.Builder m = MethodSpec.methodBuilder(updateName(u)).addModifiers(Modifier.PRIVATE);
    m.addJavadoc(ctx.updateDoc(u));
    if (fused != null && fused.f.rewritten.containsKey(u.factor().name())) {
      m.addJavadoc(fused.readsDoc());
    }
    if (!chunked(u)) {
      m.addCode(evaluateAndConvert(fs, ctx.naturalParams(u), u.factor().name(), false,
          u.nonConjugate() ? (e, inScope) -> damping(fs, e, inScope) : null));
      if (ctx.localSums.summed(u.factor().name())) {
        m.addStatement("$N()", ctx.localSums.method());
      }
      if (layout.chains.containsKey(u.factor().name())) {
        m.addCode(new ChainWriter(ctx).pass(u.factor().name()));
      }
      return List.of(m.build());
    }
    List<MethodSpec> out = chunkedUpdate(u, m, updateName(u), ctx.chunkName(u), t -> true);
    if (ctx.localSums.summed(u.factor().name())) {
      List<MethodSpec> refreshed = new ArrayList<>(out);
      refreshed.set(0, out.get(0).toBuilder().addStatement("$N()", ctx.localSums.method()).build());
      return refreshed;
    }
    if (layout.chains.containsKey(u.factor().name())) {
      MethodSpec main = out.get(0).toBuilder().addCode(new ChainWriter(ctx).pass(u.factor().name())).build();
      List<MethodSpec> withPass = new ArrayList<>(out);
      withPass.set(0, main);
      return withPass;
    }
    return out;
  }

  /**
   * The local phase's variant of the fused update of {@code u} ({@link LocalPhaseWriter}): named
   * {@code name} and {@code block}, adding up only the row statistics {@code stats} (reduced by
   * {@code reduce}) and refreshing only the product-form tables of the factors {@code refresh}.
   */
  List<MethodSpec> localVariant(FactorUpdate u, String name, String block, String reduce, Set<String> stats,
      Set<String> refresh) {
    return fused.withOnlyStats(stats, reduce, () -> {
      List<MethodSpec> out = new ArrayList<>();
      if (fused.separable()) {
        out.addAll(fused.update(name, block, CodeBlock.of("The local phase's update of q($L): only the statistics"
            + " the group factors read.\n", u.factor().name()), threadsField()));
      } else {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE)
            .addJavadoc("{@link #$L()} in the local phase: adds up only the row statistics the group factors read,"
                + " and refreshes\nonly the tables of the factors that change in it.\n", updateName(u));
        out.addAll(chunkedUpdate(u, m, name, block, t -> refresh.contains(t.moment().factor())));
      }
      if (!stats.isEmpty()) {
        out.add(fused.reduceMethod());
      }
      return out;
    });
  }

  private List<MethodSpec> chunkedUpdate(FactorUpdate u, MethodSpec.Builder m, String name, String chunkName,
      java.util.function.Predicate<ExpProduct.Table> refresh) {
    Layout.FactorStorage fs = layout.factors.get(u.factor().name());
    boolean fusedRows = isFused(u);
    Parts parts = evaluateAndConvert(fs, ctx.naturalParams(u), u.factor().name(), false, true, fusedRows);
    m.addCode(parts.prelude());
    if (fusedRows && productForm(u)) {
      m.addCode(fillTables(refresh));
    }
    if (fusedRows) {
      m.addJavadoc(fused.unseparatedDoc());
      m.addStatement("$T.forEach($L, $L, $L, this::$L)", CHUNKS, threadsField(),
          layout.dim(u.elementIndices().get(0).range()), fused.blocks, chunkName);
      m.addCode(fused.afterPass());
    } else {
      m.addStatement("$T.forEach($L, $L, this::$L)", CHUNKS, threadsField(),
          layout.dim(u.elementIndices().get(0).range()), chunkName);
    }
    MethodSpec.Builder c = MethodSpec.methodBuilder(chunkName).addModifiers(Modifier.PRIVATE)
        .addParameter(TypeName.INT, parts.chunk()).addParameter(TypeName.INT, parts.from())
        .addParameter(TypeName.INT, parts.to())
        .addJavadoc("{@link #$L()} for the elements {@code $L} to {@code $L - 1}$L.\nEach element reads only"
            + " other factors' moments and writes only its own parameters and moments,\nso chunks run in parallel"
            + " and the result does not depend on the thread count.\n", name, parts.from(), parts.to(),
            workspaceLocals(fs, parts.chunk()).isEmpty() ? ""
                : CodeBlock.of(", with chunk {@code $L}'s workspace", parts.chunk()));
    c.addCode(parts.loop());
    return List.of(m.build(), c.build());
  }

  /** Whether the fused update of {@code u} is written in product form ({@link ExpProduct}). */
  private boolean productForm(FactorUpdate u) {
    return ctx.expProduct != null && ctx.expProduct.factor().equals(u.factor().name());
  }

  /** The product form's tables, exp of the moments they read, with the component innermost. */
  private CodeBlock fillTables(java.util.function.Predicate<ExpProduct.Table> refresh) {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// the product form's tables: exp of each moment eta reads, the component innermost\n");
    for (Map.Entry<ExpProduct.Table, String> e : ctx.expTables.entrySet()) {
      ExpProduct.Table t = e.getKey();
      if (!refresh.test(t)) {
        continue;
      }
      Set<String> scope = new LinkedHashSet<>();
      Map<Idx, String> names = new LinkedHashMap<>();
      List<Idx> all = new ArrayList<>(t.outer());
      all.add(t.c());
      List<Dim> dims = new ArrayList<>();
      for (Idx i : all) {
        String n = localName(i.name(), scope);
        names.put(i, n);
        dims.add(i.range());
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", n, n, layout.dim(i.range()), n);
      }
      b.addStatement("$L[$L] = $T.exp($L)", e.getValue(), layout.flat(all.stream().map(names::get).toList(), dims),
          MATH, polys.inline(Poly.of(t.moment()), names));
      for (int i = 0; i < all.size(); i++) {
        b.endControlFlow();
      }
    }
    return b.build();
  }

  /**
   * A row's responsibilities in product form: q(z[n]=c) = prod of the tables / their sum, its
   * log-normaliser ln sum; outside [1e-290, 1e290] the softmax of eta ({@code softmax}) instead.
   */
  private CodeBlock productRow(Layout.FactorStorage fs, String row, String comp, Set<String> inScope,
      CodeBlock softmax) {
    ExpProduct x = ctx.expProduct;
    CodeBlock.Builder b = CodeBlock.builder();
    Set<String> scope = new LinkedHashSet<>(inScope);
    scope.add(comp);
    String sum = localName("sum", scope);
    String g = localName("g", scope);
    String inv = localName("inv", scope);
    String ln = localName("lnNorm", scope);
    String p = fs.params().get("p");
    String d = layout.dim(fs.dim());
    b.addStatement("double $L = 0.0", sum);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", comp, comp, d, comp);
    b.addStatement("double $L = $L", g, polys.inline(x.product(), Map.of(x.row(), row, x.component(), comp)));
    b.addStatement("$L[$L] = $L", p, FamilyCode.at(row, d, comp), g);
    b.addStatement("$L += $L", sum, g);
    b.endControlFlow();
    b.beginControlFlow("if ($L >= 1e-290 && $L <= 1e290)", sum, sum);
    b.addStatement("double $L = 1.0 / $L", inv, sum);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", comp, comp, d, comp);
    b.addStatement("$L[$L] *= $L", p, FamilyCode.at(row, d, comp), inv);
    b.endControlFlow();
    b.addStatement("double $L = $T.log($L)", ln, MATH, sum);
    b.addStatement("$L += $L", fused.lnNormLocal(), ln);
    if (fused.rowLnNorm() != null) {
      b.addStatement("$L[$L] = $L", fused.rowLnNorm(), row, ln);
    }
    b.nextControlFlow("else");
    b.add("// underflow or overflow of the products: the softmax of eta\n");
    b.add(softmax);
    b.endControlFlow();
    return b.build();
  }

  /**
   * For a fixed-form update (its natural parameters eta* read its own moments): with the step
   * field below 1, eta = eta_old + step (eta* - eta_old), eta_old from element {@code e}'s current
   * parameters, so that the sweep's line search can shorten the step.
   */
  CodeBlock damping(Layout.FactorStorage fs, String e, Set<String> inScope) {
    CodeBlock.Builder b = CodeBlock.builder();
    String step = ctx.stepField(fs.update());
    b.beginControlFlow("if ($N != 1.0)", step);
    b.add("// eta = eta_old + step (eta* - eta_old), eta_old from the current parameters\n");
    Set<String> scope = new LinkedHashSet<>(inScope);
    Map<String, String> saved = new LinkedHashMap<>();
    for (Family.Stat s : fs.update().family().naturalStats()) {
      String eta = families.eta(fs, s.name());
      String star = localName(eta + "Star", scope);
      saved.put(s.name(), star);
      if (s.arity() == 0) {
        b.addStatement("double $N = $N", star, eta);
      } else {
        b.addStatement("double[] $N = $N.clone()", star, eta);
      }
    }
    b.add(families.natural(fs, e, fs.update().factor().name(), scope));
    for (Family.Stat s : fs.update().family().naturalStats()) {
      String eta = families.eta(fs, s.name());
      String star = saved.get(s.name());
      if (s.arity() == 0) {
        b.addStatement("$N += $N * ($N - $N)", eta, step, star, eta);
      } else {
        String c = localName("c", scope);
        b.beginControlFlow("for (int $N = 0; $N < $N.length; $N++)", c, c, eta, c);
        b.addStatement("$N[$N] += $N * ($N[$N] - $N[$N])", eta, c, step, star, c, eta, c);
        b.endControlFlow();
      }
    }
    b.endControlFlow();
    return b.build();
  }

  /** Declares the local names of a chunked factor's workspaces: chunk {@code chunk}'s arrays. */
  CodeBlock workspaceLocals(Layout.FactorStorage fs, String chunk) {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Family.Stat s : fs.update().family().naturalStats()) {
      if (s.arity() > 0) {
        String eta = families.eta(fs, s.name());
        b.addStatement("double[] $L = $L[$L]", eta, chunkWorkspace(eta), chunk);
      }
    }
    return b.build();
  }

  /**
   * The code of {@link #evaluateAndConvert(Layout.FactorStorage, List, String, boolean)} in two parts: the
   * scatters over all elements, and the element loop. With {@code chunked}, the outermost element
   * loop runs from {@code from} to {@code to - 1} and starts by taking chunk {@code chunk}'s workspaces.
   */
  record Parts(CodeBlock prelude, CodeBlock loop, String chunk, String from, String to) {}

  /**
   * Element loops, natural parameters, and the family's conversion. Terms whose deltas solve an
   * element index ({@code [doc[t] = d]}) are first scattered into a workspace over all elements
   * (one pass over t instead of one per element); every other term is evaluated per element.
   * {@code block} wraps an element-free factor in braces (init() converts several factors).
   */
  CodeBlock evaluateAndConvert(Layout.FactorStorage fs, List<NaturalParam> params, String label,
      boolean block) {
    return evaluateAndConvert(fs, params, label, block, null);
  }

  /**
   * {@link #evaluateAndConvert(Layout.FactorStorage, List, String, boolean)} with {@code
   * beforeConvert}'s code for the flat element index (and the names in scope) run between the
   * natural parameters and the conversion, or none where null.
   */
  CodeBlock evaluateAndConvert(Layout.FactorStorage fs, List<NaturalParam> params, String label,
      boolean block, BiFunction<String, Set<String>, CodeBlock> beforeConvert) {
    Parts parts = evaluateAndConvert(fs, params, label, block, false, false, beforeConvert);
    return CodeBlock.builder().add(parts.prelude()).add(parts.loop()).build();
  }

  Parts evaluateAndConvert(Layout.FactorStorage fs, List<NaturalParam> params, String label,
      boolean block, boolean chunked, boolean fusedRows) {
    return evaluateAndConvert(fs, params, label, block, chunked, fusedRows, null);
  }

  private Parts evaluateAndConvert(Layout.FactorStorage fs, List<NaturalParam> params, String label,
      boolean block, boolean chunked, boolean fusedRows, BiFunction<String, Set<String>, CodeBlock> beforeConvert) {
    CodeBlock.Builder b = CodeBlock.builder();
    List<Idx> el = fs.update().elementIndices();
    // init(rng, options) evaluates priors with this code too: its parameters are in scope.
    Set<String> inScope = new LinkedHashSet<>(List.of("rng", "options"));
    Map<Idx, String> elementNames = new LinkedHashMap<>();
    for (Idx i : el) {
      elementNames.put(i, localName(i.name(), inScope));
    }
    String chunk = chunked ? localName("chunk", inScope) : null;
    String from = chunked ? localName("from", inScope) : null;
    String to = chunked ? localName("to", inScope) : null;
    String d = fs.dim() == null ? null : layout.dim(fs.dim());
    Map<NaturalParam, Map<Idx, String>> componentNames = new LinkedHashMap<>();
    Map<NaturalParam, List<Monomial>> perElement = new LinkedHashMap<>();
    Map<NaturalParam, ModelContext.Scatter> scattered = new LinkedHashMap<>();
    for (NaturalParam p : params) {
      Set<String> scope = new LinkedHashSet<>(inScope);
      Map<Idx, String> comps = new LinkedHashMap<>();
      for (Idx c : p.components()) {
        String wanted = p.components().size() == 1 ? componentWord(c) : comps.isEmpty() ? "i" : "j";
        comps.put(c, localName(wanted, scope));
      }
      componentNames.put(p, comps);
      List<Idx> open = new ArrayList<>(el);
      open.addAll(p.components());
      List<Monomial> scatter = ModelContext.scattered(p, open, el);
      List<Monomial> local = new ArrayList<>(PolyCode.sumTerms(p.value()));
      local.removeAll(scatter);
      perElement.put(p, local);
      if (scatter.isEmpty()) {
        continue;
      }
      String eta = families.eta(fs, p.stat().name());
      ModelContext.Scatter sc = ctx.scatters.get(eta);
      if (sc == null) {
        throw new InternalCompilerError("no scatter workspace decided for " + eta);
      }
      scattered.put(p, sc);
      Map<Idx, String> openNames = new LinkedHashMap<>(elementNames);
      openNames.putAll(comps);
      b.addStatement("$T.fill($L, 0.0)", Arrays.class, sc.field());
      b.add(polys.loops(scatter, openNames, Map.of(), names -> sc.field() + "["
          + layout.flat(open.stream().map(names::get).toList(), dims(fs, p.components().size())) + "]"));
    }
    CodeBlock prelude = b.build();
    b = CodeBlock.builder();
    boolean braces = block && el.isEmpty();
    if (braces) {
      b.add("{\n").indent();
    }
    if (chunked) {
      b.add(workspaceLocals(fs, chunk));
    }
    if (fusedRows) {
      b.add(fused.blockStart(chunk, inScope));
    }
    boolean first = true;
    for (Map.Entry<Idx, String> i : elementNames.entrySet()) {
      String v = i.getValue();
      if (chunked && first) {
        b.beginControlFlow("for (int $L = $L; $L < $L; $L++)", v, from, v, to, v);
      } else {
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", v, v, layout.dim(i.getKey().range()), v);
      }
      first = false;
    }
    List<String> elementVars = new ArrayList<>(elementNames.values());
    String e = layout.flat(elementVars, fs.elementDims());
    CodeBlock.Builder outer = b;
    boolean product = fusedRows && productForm(fs.update()) && params.size() == 1;
    if (product) {
      b = CodeBlock.builder();
    }
    for (NaturalParam p : params) {
      String eta = families.eta(fs, p.stat().name());
      Map<Idx, String> comps = componentNames.get(p);
      List<String> all = new ArrayList<>(elementVars);
      all.addAll(comps.values());
      ModelContext.Scatter sc = scattered.get(p);
      List<String> extra = sc == null ? List.of()
          : List.of(sc.field() + "[" + layout.flat(all, dims(fs, comps.size())) + "]");
      Map<Idx, String> names = new LinkedHashMap<>(elementNames);
      names.putAll(comps);
      CodeBlock initial = polys.sum(PolyCode.plainTerms(p.value()), names, extra);
      if (comps.isEmpty()) {
        b.addStatement("double $L = $L", eta, initial);
        b.add(polys.loops(perElement.get(p), Map.of(), elementNames, n -> eta));
        continue;
      }
      for (String c : comps.values()) {
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, d, c);
      }
      b.addStatement("$L[$L] = $L", eta, componentIndex(new ArrayList<>(comps.values()), d), initial);
      for (int c = 0; c < comps.size(); c++) {
        b.endControlFlow();
      }
      List<Idx> compIdx = new ArrayList<>(comps.keySet());
      b.add(polys.loops(perElement.get(p), comps, elementNames, n -> eta + "["
          + componentIndex(compIdx.stream().map(n::get).toList(), d) + "]"));
    }
    if (beforeConvert != null) {
      b.add(beforeConvert.apply(e, inScope));
    }
    b.add(families.convert(fs, e, label, inScope, fusedRows ? fused.lnNormLocal() : null,
        fusedRows ? fused.rowLnNorm() : null));
    if (product) {
      CodeBlock softmax = b.build();
      b = outer;
      String comp = componentNames.get(params.get(0)).values().iterator().next();
      b.add(productRow(fs, elementVars.get(0), comp, inScope, softmax));
    }
    if (fusedRows) {
      b.add(fused.rowEnd(elementVars.get(0), inScope));
    }
    for (int i = 0; i < el.size(); i++) {
      b.endControlFlow();
    }
    if (fusedRows) {
      b.add(fused.blockEnd(chunk));
    }
    if (braces) {
      b.unindent().add("}\n");
    }
    return new Parts(prelude, b.build(), chunk, from, to);
  }

  /** Element dims then {@code arity} component dims of a factor. */
  private static List<Dim> dims(Layout.FactorStorage fs, int arity) {
    List<Dim> out = new ArrayList<>(fs.elementDims());
    for (int c = 0; c < arity; c++) {
      out.add(fs.dim());
    }
    return out;
  }

  /** Index into a one-element workspace: {@code c}, or {@code i * d + j}. */
  private static String componentIndex(List<String> comps, String d) {
    return comps.size() == 1 ? comps.get(0) : comps.get(0) + " * " + d + " + " + comps.get(1);
  }

  /** A component loop's name: the lower-cased size it ranges over ({@code v} over V), else its own. */
  private static String componentWord(Idx c) {
    if (c.range() instanceof Dim.Named n && n.size().length() == 1) {
      return n.size().toLowerCase(java.util.Locale.ROOT);
    }
    return c.name();
  }
}
