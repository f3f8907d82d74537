package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.optimize.RowFusion;
import dev.vmodel.compiler.optimize.RowFusion.Pattern;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes the fused pass of a {@link RowFusion}: the update of the local categorical factor that,
 * in one pass over its plate in blocks of rows, computes each row's features, its
 * responsibilities and log-normaliser, and adds the row statistics the other factors' updates
 * read; and the statistics-only pass that {@code init} (and a non-separable update) runs.
 */
final class FusedUpdate {
  private static final ClassName SPECIAL = ClassName.get("dev.vmodel.runtime", "SpecialFunctions");
  private static final ClassName LIN_ALG = ClassName.get("dev.vmodel.runtime", "LinAlg");
  private static final ClassName CHUNKS = ClassName.get("dev.vmodel.runtime.fit", "Chunks");
  private static final TypeName ARRAY = ArrayTypeName.of(TypeName.DOUBLE);
  private static final TypeName ARRAYS = ArrayTypeName.of(ARRAY);

  final RowFusion f;
  private final Layout layout;
  private final PolyCode polys;
  private final Layout.FactorStorage fs;
  private final String base;
  private final String k;
  private final String n;
  final String blocks;
  private final Map<Pattern, String> featureBlocks = new LinkedHashMap<>();
  private final Map<Pattern, String> weights = new LinkedHashMap<>();
  private final Map<Pattern, String> stats = new LinkedHashMap<>();
  private final Map<Pattern, String> statBlocks = new LinkedHashMap<>();
  final String lnNorm;
  private final String lnNormBlocks;
  /** Local names in the block methods: unique, and never a field's name (which they would shadow). */
  private final Map<Pattern, String> featureLocals = new LinkedHashMap<>();
  private final Map<Pattern, String> statLocals = new LinkedHashMap<>();
  private final String lnNormSum;
  /** Each row's log-normaliser after the last update (a model with per-group locals), or null. */
  private String rowLnNorm;
  /**
   * While a local-phase variant of the update is written: the row statistics it adds up (those
   * the group factors read), and the name of the method reducing them; null otherwise (all).
   */
  private Set<String> onlyStats;
  private String reduceName = "reduceStatistics";

  FusedUpdate(RowFusion f, Layout layout, PolyCode polys) {
    this.f = f;
    this.layout = layout;
    this.polys = polys;
    this.fs = layout.factors.get(f.local.factor().name());
    this.base = fs.base();
    this.k = layout.dim(f.component.range());
    this.n = layout.dim(f.element.range());
    this.blocks = layout.claim(base + "Blocks");
    if (f.weights != null) {
      for (Pattern p : f.features()) {
        weights.put(p, layout.claim(base + "Weight" + Layout.cap(p.word)));
        if (!p.atoms.isEmpty()) {
          featureBlocks.put(p, layout.claim(base + "Feature" + Layout.cap(p.word) + "Blocks"));
        }
      }
    }
    for (Pattern p : f.stats()) {
      String field = layout.claim(base + "Stat" + Layout.cap(p.word));
      stats.put(p, field);
      statBlocks.put(p, layout.claim(field + "Blocks"));
      List<Dim> comps = List.of(f.component.range());
      polys.derived.put(p.statVar, new Layout.DataArray(p.statVar, field, false, RowFusion.dims(p), comps, false,
          null, null));
    }
    this.lnNorm = f.lseElbo ? layout.claim(base + "LnNorm") : null;
    this.lnNormBlocks = f.lseElbo ? layout.claim(base + "LnNormBlocks") : null;
    Set<String> locals = new LinkedHashSet<>(List.of("block", "chunk", "from", "to"));
    for (Pattern p : featureBlocks.keySet()) {
      featureLocals.put(p, layout.local("f" + Layout.cap(p.word), locals));
    }
    for (Pattern p : statBlocks.keySet()) {
      statLocals.put(p, layout.local("s" + Layout.cap(p.word), locals));
    }
    this.lnNormSum = lnNorm == null ? null : layout.local("lnNormSum", locals);
  }

  /** Also stores each row's log-normaliser, in the field {@code field} (see {@link LocalPhaseWriter}). */
  void storeRowLnNorm(String field) {
    if (lnNorm == null) {
      throw new dev.vmodel.compiler.diag.InternalCompilerError("per-row log-normalisers without the ELBO's sum");
    }
    this.rowLnNorm = field;
  }

  /** The field of each row's log-normaliser, or null. */
  String rowLnNorm() {
    return rowLnNorm;
  }

  /** The fields of the row statistics (sums over the rows, reduced), by their statistic variable, in order. */
  Map<String, String> statFieldsByVar() {
    Map<String, String> out = new LinkedHashMap<>();
    stats.forEach((p, field) -> out.put(p.statVar, field));
    return out;
  }

  /** The statistic variables of the row statistics (their patterns' {@code statVar}), in order. */
  List<String> statVars() {
    return stats.keySet().stream().map(p -> p.statVar).toList();
  }

  /**
   * Runs {@code write} with only the statistics {@code statVars} added up and reduced by {@code
   * reduce} (a local-phase variant of the update: the globals' statistics are recomputed after it).
   */
  <T> T withOnlyStats(Set<String> statVars, String reduce, java.util.function.Supplier<T> write) {
    this.onlyStats = statVars;
    this.reduceName = reduce;
    try {
      return write.get();
    } finally {
      this.onlyStats = null;
      this.reduceName = "reduceStatistics";
    }
  }

  private boolean active(Pattern p) {
    return onlyStats == null || onlyStats.contains(p.statVar);
  }

  /** {@code stats} restricted to the active statistics. */
  private Map<Pattern, String> activeStats() {
    Map<Pattern, String> out = new LinkedHashMap<>();
    stats.forEach((p, v) -> {
      if (active(p)) {
        out.put(p, v);
      }
    });
    return out;
  }

  /** The reduction of the active statistics: {@code reduceStatistics()} or a variant's. */
  MethodSpec reduceMethod() {
    return reduce(reduceName);
  }

  boolean separable() {
    return f.weights != null;
  }

  boolean hasStatistics() {
    return !stats.isEmpty();
  }

  /** A feature stored once per pair i <= j. */
  private boolean packed(Pattern p) {
    return p.symmetric && featureBlocks.containsKey(p);
  }

  /** Whether the statistic is added from the feature workspace (dense, and a feature). */
  private boolean fromFeatures(Pattern p) {
    return p.dense() && (p.atoms.isEmpty() ? weights.containsKey(p) : featureBlocks.containsKey(p));
  }

  private String length(Pattern p) {
    if (p.atoms.isEmpty()) {
      return "1";
    }
    if (packed(p)) {
      String d = layout.dim(p.free.get(0).range());
      return d + " * (" + d + " + 1) / 2";
    }
    return layout.product(RowFusion.dims(p));
  }

  private String statBlockLength(Pattern p) {
    return fromFeatures(p) ? length(p) : layout.product(RowFusion.dims(p));
  }

  List<FieldSpec> fields() {
    List<FieldSpec> out = new ArrayList<>();
    out.add(FieldSpec.builder(TypeName.INT, blocks, Modifier.PRIVATE)
        .addJavadoc("How many blocks of rows the passes over $L keep partial sums for (a function of the sizes only).\n",
            n).build());
    for (Map.Entry<Pattern, String> w : weights.entrySet()) {
      out.add(FieldSpec.builder(ARRAY, w.getValue(), Modifier.PRIVATE)
          .addJavadoc("E-step weights of the row feature $L, one per $L: $L adds feature x weight.\n",
              describe(w.getKey()), k, eta()).build());
    }
    for (Map.Entry<Pattern, String> b : featureBlocks.entrySet()) {
      out.add(FieldSpec.builder(ARRAYS, b.getValue(), Modifier.PRIVATE)
          .addJavadoc("The feature $L of the current row$L, one workspace per block.\n", describe(b.getKey()),
              packed(b.getKey()) ? " (pairs i <= j, row by row)" : "").build());
    }
    for (Map.Entry<Pattern, String> s : stats.entrySet()) {
      out.add(FieldSpec.builder(ARRAY, s.getValue(), Modifier.PRIVATE)
          .addJavadoc("Row statistic sum_$L $Lq($L=$L), refreshed by every pass over $L.\n",
              f.element.name(), factorOf(s.getKey()), elementText(), f.statComponent.name(), n).build());
      out.add(FieldSpec.builder(ARRAYS, statBlocks.get(s.getKey()), Modifier.PRIVATE)
          .addJavadoc("Partial sums of {@code $L}, one per block of rows$L.\n", s.getValue(),
              packed(s.getKey()) ? " (pairs i <= j)" : "").build());
    }
    if (lnNorm != null) {
      out.add(FieldSpec.builder(TypeName.DOUBLE, lnNorm, Modifier.PRIVATE)
          .addJavadoc("sum_$L ln sum_c exp $L after the last update: q($L)'s part of the ELBO.\n", f.element.name(),
              eta(), f.local.factor().name()).build());
      out.add(FieldSpec.builder(ARRAY, lnNormBlocks, Modifier.PRIVATE)
          .addJavadoc("Partial sums of {@code $L}, one per block of rows.\n", lnNorm).build());
    }
    if (rowLnNorm != null) {
      out.add(FieldSpec.builder(ARRAY, rowLnNorm, Modifier.PRIVATE)
          .addJavadoc("ln sum_c exp $L of each row after its last update (the groups' bounds add them up).\n",
              eta()).build());
    }
    return out;
  }

  private String elementText() {
    return f.local.factor().name() + "[" + f.element.name() + "]";
  }

  private String eta() {
    return "eta(" + elementText() + "=c)";
  }

  /** A pattern as a factor before q(z[n]=c): {@code "x[n][i] * "}, nothing for the constant 1. */
  private String factorOf(Pattern p) {
    return p.atoms.isEmpty() ? "" : describe(p) + " * ";
  }

  /** A pattern in the plan's notation ({@code vmodel explain}'s): {@code x[n][i] * x[n][j]}, {@code 1}. */
  private String describe(Pattern p) {
    if (p.atoms.isEmpty()) {
      return "1";
    }
    Map<Idx, String> names = new LinkedHashMap<>();
    names.put(f.row, f.element.name());
    for (int i = 0; i < p.free.size(); i++) {
      names.put(p.free.get(i), Layout.indexName(i));
    }
    return RowFusion.display(p.atoms, names);
  }

  CodeBlock allocate() {
    CodeBlock.Builder b = CodeBlock.builder();
    List<String> partials = new ArrayList<>();
    for (Pattern p : stats.keySet()) {
      partials.add("(long) " + statBlockLength(p) + " * " + k);
    }
    b.addStatement("$L = $T.blocks($L, $L)", blocks, CHUNKS, n, partials.isEmpty() ? "0" : String.join(" + ",
        partials));
    for (Map.Entry<Pattern, String> w : weights.entrySet()) {
      b.addStatement("$L = new double[$L * $L]", w.getValue(), length(w.getKey()), k);
    }
    for (Map.Entry<Pattern, String> e : featureBlocks.entrySet()) {
      b.addStatement("$L = new double[$L][$L]", e.getValue(), blocks, length(e.getKey()));
    }
    for (Map.Entry<Pattern, String> s : stats.entrySet()) {
      b.addStatement("$L = new double[$L * $L]", s.getValue(), layout.product(RowFusion.dims(s.getKey())), k);
      b.addStatement("$L = new double[$L][$L * $L]", statBlocks.get(s.getKey()), blocks,
          statBlockLength(s.getKey()), k);
    }
    if (lnNorm != null) {
      b.addStatement("$L = new double[$L]", lnNormBlocks, blocks);
    }
    if (rowLnNorm != null) {
      b.addStatement("$L = new double[$L]", rowLnNorm, n);
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // The fused update

  /** {@code updateZ()} and its block method: weights, one pass, then the block sums. */
  List<MethodSpec> update(String name, String block, CodeBlock doc, String threads) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE).addJavadoc(doc)
        .addJavadoc("\n<p>Generated as one pass over $L: eta = sum over row features x weights, the weights"
            + " computed\nonce per sweep from the other factors' moments,\n<pre>\n  $L = $L\n</pre>\nThe same pass"
            + " adds up the row statistics the other factors' updates read$L.\n", n, eta(), featureSum(),
            lnNorm == null ? "" : " and the log-normalisers for the ELBO");
    m.addComment("weights: the parts of eta($L) free of the row, once per sweep", elementText() + "=c");
    for (String w : weights.values()) {
      m.addStatement("$T.fill($L, 0.0)", Arrays.class, w);
    }
    for (RowFusion.WeightTerm t : f.weights) {
      m.addCode(weightCode(t));
    }
    m.addStatement("$T.forEach($L, $L, $L, this::$L)", CHUNKS, threads, n, blocks, block);
    m.addCode(afterPass());
    MethodSpec.Builder c = blockMethod(block)
        .addJavadoc("{@link #$L()} for the rows {@code from} to {@code to - 1}, with block {@code block}'s"
            + " workspaces and partial sums.\nEach row reads only other factors' moments and writes only its own"
            + " parameters and moments,\nso blocks run in parallel and the result does not depend on the thread"
            + " count.\n", name);
    Set<String> scope = new LinkedHashSet<>(List.of("block", "from", "to"));
    c.addCode(blockStart("block", scope));
    String row = local("n", scope);
    c.beginControlFlow("for (int $L = from; $L < to; $L++)", row, row, row);
    String at = local("at", scope);
    c.addStatement("int $L = $L * $L", at, row, k);
    c.addCode(featureCode(row, true, scope));
    String p = fs.params().get("p");
    String comp = local("c", scope);
    Pattern one = weights.keySet().stream().filter(x -> x.atoms.isEmpty()).findFirst().orElse(null);
    c.beginControlFlow("for (int $L = 0; $L < $L; $L++)", comp, comp, k, comp);
    c.addStatement("$L[$L + $L] = $L", p, at, comp, one == null ? "0.0" : weights.get(one) + "[" + comp + "]");
    c.endControlFlow();
    for (Map.Entry<Pattern, String> e : featureBlocks.entrySet()) {
      String w = weights.get(e.getKey());
      c.addCode(timesFeature(e.getKey(), scope, comp,
          (v, q) -> CodeBlock.of("$L[$L + $L] += $L$L[$L$L]", p, at, comp, v, w, q, comp)));
    }
    if (rowLnNorm != null) {
      String ln = local("lnNorm", scope);
      c.addStatement("double $L = $T.softmaxInPlace($L, $L, $L)", ln, SPECIAL, p, at, k);
      c.addStatement("$L += $L", lnNormLocal(), ln);
      c.addStatement("$L[$L] = $L", rowLnNorm, row, ln);
    } else {
      c.addStatement("$L$T.softmaxInPlace($L, $L, $L)", lnNorm == null ? "" : lnNormLocal() + " += ", SPECIAL, p,
          at, k);
    }
    scope.remove(comp);
    c.addCode(statCode(row, at, scope));
    c.endControlFlow();
    c.addCode(blockEnd("block"));
    return List.of(m.build(), c.build());
  }

  /** eta as features times weights: {@code zWeightOne[c] + sum_i x[n][i] zWeightX[i,c] + ...}. */
  private String featureSum() {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<Pattern, String> w : weights.entrySet()) {
      Pattern p = w.getKey();
      if (p.atoms.isEmpty()) {
        parts.add(w.getValue() + "[c]");
        continue;
      }
      List<String> idx = new ArrayList<>();
      for (int i = 0; i < p.free.size(); i++) {
        idx.add(Layout.indexName(i));
      }
      String over = packed(p) ? String.join("<=", idx) : String.join(",", idx);
      String sum = idx.isEmpty() ? "" : "sum_{" + over + "} ";
      String at = idx.isEmpty() ? "c" : (packed(p) ? "(" + String.join(",", idx) + ")" : String.join(",", idx)) + ",c";
      parts.add(sum + describe(p) + " * " + w.getValue() + "[" + at + "]");
    }
    return String.join(" + ", parts);
  }

  /** After the pass: the blocks' statistics and log-normalisers added up in block order. */
  CodeBlock afterPass() {
    CodeBlock.Builder m = CodeBlock.builder();
    if (!activeStats().isEmpty()) {
      m.addStatement("$L()", reduceName);
    }
    if (lnNorm != null) {
      m.addStatement("double sum = 0.0");
      m.beginControlFlow("for (int b = 0; b < $L; b++)", blocks);
      m.addStatement("sum += $L[b]", lnNormBlocks);
      m.endControlFlow();
      m.addStatement("$L = sum", lnNorm);
    }
    return m.build();
  }

  /** The local summing the log-normalisers of a block's rows, or null if the ELBO does not use them. */
  String lnNormLocal() {
    return lnNormSum;
  }

  /** Start of a block: its workspaces and zeroed partial sums (block index in {@code blockVar}). */
  CodeBlock blockStart(String blockVar, Set<String> scope) {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add(blockLocals(true, blockVar));
    for (Pattern p : featureBlocks.keySet()) {
      scope.add(localFeature(p));
    }
    for (Pattern p : statBlocks.keySet()) {
      if (active(p)) {
        scope.add(localStat(p));
      }
    }
    if (lnNorm != null) {
      b.addStatement("double $L = 0.0", lnNormLocal());
      scope.add(lnNormLocal());
    }
    return b.build();
  }

  /** End of a block: its log-normaliser sum stored. */
  CodeBlock blockEnd(String blockVar) {
    return lnNorm == null ? CodeBlock.of("") : CodeBlock.of("$L[$L] = $L;\n", lnNormBlocks, blockVar, lnNormLocal());
  }

  /** After a row's update: its statistics from the new q(z[row]) (declaring the row's offset if they need it). */
  CodeBlock rowEnd(String row, Set<String> scope) {
    Set<String> inner = new LinkedHashSet<>(scope);
    CodeBlock.Builder b = CodeBlock.builder();
    String at = null;
    if (activeStats().keySet().stream().anyMatch(this::fromFeatures)) {
      at = local("at", inner);
      b.addStatement("int $L = $L * $L", at, row, k);
    }
    return b.add(statCode(row, at, inner)).build();
  }

  /** Javadoc of a non-separable update whose pass also adds up the row statistics. */
  CodeBlock unseparatedDoc() {
    return CodeBlock.of("\n<p>Generated as one pass over $L in blocks of rows, which also adds up the row statistics the"
        + " other factors'\nupdates read$L.\n", n, lnNorm == null ? "" : " and the log-normalisers for the ELBO");
  }

  private MethodSpec.Builder blockMethod(String name) {
    return MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE).addParameter(TypeName.INT, "block")
        .addParameter(TypeName.INT, "from").addParameter(TypeName.INT, "to");
  }

  /** A weight term: {@code w[q * K + c] += rest} over the feature's indices and c. */
  private CodeBlock weightCode(RowFusion.WeightTerm t) {
    Pattern p = t.pattern();
    Map<Idx, String> open = new LinkedHashMap<>();
    for (int i = 0; i < t.free().size(); i++) {
      open.put(t.free().get(i), Layout.indexName(i));
    }
    open.put(f.component, "c");
    List<Idx> free = t.free();
    String w = weights.get(p);
    return polys.loopsInto(List.of(t.rest()), open, Map.of(), names -> {
      String c = names.get(f.component);
      if (free.isEmpty()) {
        return CodeBlock.of("$L[$L]", w, c);
      }
      if (packed(p)) {
        return CodeBlock.of("$L[$T.packedIndex($L, $L, $L) * $L + $L]", w, LIN_ALG, names.get(free.get(0)),
            names.get(free.get(1)), layout.dim(free.get(0).range()), k, c);
      }
      List<String> idx = new ArrayList<>();
      free.forEach(i -> idx.add(names.get(i)));
      idx.add(c);
      List<Dim> dims = new ArrayList<>(RowFusion.dims(p));
      dims.add(f.component.range());
      return CodeBlock.of("$L[$L]", w, layout.flat(idx, dims));
    });
  }

  /** Locals for block {@code block}'s workspaces and partial sums, the partial sums zeroed. */
  private CodeBlock blockLocals(boolean allFeatures, String blockVar) {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Map.Entry<Pattern, String> e : featureBlocks.entrySet()) {
      if (allFeatures || stats.containsKey(e.getKey())) {
        b.addStatement("double[] $L = $L[$L]", localFeature(e.getKey()), e.getValue(), blockVar);
      }
    }
    for (Map.Entry<Pattern, String> e : statBlocks.entrySet()) {
      if (!active(e.getKey())) {
        continue;
      }
      String s = localStat(e.getKey());
      b.addStatement("double[] $L = $L[$L]", s, e.getValue(), blockVar);
      b.addStatement("$T.fill($L, 0.0)", Arrays.class, s);
    }
    return b.build();
  }

  private String localFeature(Pattern p) {
    return featureLocals.get(p);
  }

  private String localStat(Pattern p) {
    return statLocals.get(p);
  }

  private String local(String wanted, Set<String> scope) {
    return layout.local(wanted, scope);
  }

  /** The row's features into the block's workspaces ({@code all}: every feature, else those statistics use). */
  private CodeBlock featureCode(String row, boolean all, Set<String> scope) {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Pattern p : featureBlocks.keySet()) {
      if (!all && !activeStats().containsKey(p)) {
        continue;
      }
      b.add("// $L$L\n", describe(p), packed(p) ? ", i <= j" : "");
      if (p.free.isEmpty()) {
        b.addStatement("$L[0] = $L", localFeature(p),
            polys.value(new Monomial(1.0, List.of(), p.atoms), Map.of(f.row, row)));
        continue;
      }
      Set<String> inner = new LinkedHashSet<>(scope);
      String q = local("q", inner);
      b.add("{\n$>");
      b.addStatement("int $L = 0", q);
      Map<Idx, String> names = new LinkedHashMap<>();
      names.put(f.row, row);
      List<String> vars = new ArrayList<>();
      for (int i = 0; i < p.free.size(); i++) {
        String v = local(Layout.indexName(i), inner);
        names.put(p.free.get(i), v);
        vars.add(v);
        String start = packed(p) && i == 1 ? vars.get(0) : "0";
        b.beginControlFlow("for (int $L = $L; $L < $L; $L++)", v, start, v, layout.dim(p.free.get(i).range()), v);
      }
      b.addStatement("$L[$L++] = $L", localFeature(p), q, polys.value(new Monomial(1.0, List.of(), p.atoms), names));
      for (int i = 0; i < p.free.size(); i++) {
        b.endControlFlow();
      }
      b.add("$<}\n");
    }
    return b.build();
  }

  /**
   * A statement for each entry of feature {@code p} and each component {@code c}: {@code body}
   * gets the factor to multiply by ({@code ""} for the constant 1, {@code "fY[0] * "} for a
   * scalar feature, {@code "v * "} with {@code v = fX[q]} in a loop over the feature's entries)
   * and the offset of that entry in an entry-by-component array ({@code ""}, or {@code "q * K + "}).
   */
  private CodeBlock timesFeature(Pattern p, Set<String> scope, String c,
      java.util.function.BiFunction<String, String, CodeBlock> body) {
    CodeBlock.Builder b = CodeBlock.builder();
    if (p.free.isEmpty()) {
      b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, k, c);
      b.addStatement("$L", body.apply(p.atoms.isEmpty() ? "" : localFeature(p) + "[0] * ", ""));
      b.endControlFlow();
      return b.build();
    }
    Set<String> inner = new LinkedHashSet<>(scope);
    String q = local("q", inner);
    String v = local("v", inner);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", q, q, length(p), q);
    b.addStatement("double $L = $L[$L]", v, localFeature(p), q);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, k, c);
    b.addStatement("$L", body.apply(v + " * ", q + " * " + k + " + "));
    b.endControlFlow();
    b.endControlFlow();
    return b.build();
  }

  /** Adds the row's statistics, reading the new q(z[n]) at {@code at}. */
  private CodeBlock statCode(String row, String at, Set<String> scope) {
    CodeBlock.Builder b = CodeBlock.builder();
    String r = fs.moments().get("onehot");
    for (Map.Entry<Pattern, String> e : activeStats().entrySet()) {
      Pattern p = e.getKey();
      String s = localStat(p);
      Set<String> inner = new LinkedHashSet<>(scope);
      if (fromFeatures(p)) {
        String c = local("c", inner);
        b.add(timesFeature(p, inner, c, (v, q) -> CodeBlock.of("$L[$L$L] += $L$L[$L + $L]", s, q, c, v, r, at, c)));
        continue;
      }
      List<Atom> atoms = new ArrayList<>(p.atoms);
      atoms.add(new Atom.Moment(f.local.factor().name(), List.of(new Ix.V(f.row)), f.momentStat,
          List.of(new Ix.V(f.statComponent))));
      Map<Idx, String> open = new LinkedHashMap<>();
      for (int i = 0; i < p.free.size(); i++) {
        open.put(p.free.get(i), local(Layout.indexName(i), inner));
      }
      open.put(f.statComponent, local("c", inner));
      List<Idx> order = new ArrayList<>(p.free);
      order.add(f.statComponent);
      List<Dim> dims = new ArrayList<>(RowFusion.dims(p));
      dims.add(f.component.range());
      b.add(polys.loops(List.of(new Monomial(1.0, List.of(), atoms)), open, Map.of(f.row, row),
          names -> s + "[" + layout.flat(order.stream().map(names::get).toList(), dims) + "]"));
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // The statistics-only pass

  /** {@code statistics()}, its block method and {@code reduceStatistics()}. */
  List<MethodSpec> statisticsMethods(String threads) {
    List<MethodSpec> out = new ArrayList<>();
    out.add(MethodSpec.methodBuilder("statistics")
        .addJavadoc("Recomputes the row statistics from the current q($L), in one pass over $L: after {@code init},"
            + "\nor after q($L) was set otherwise.\n", f.local.factor().name(), n, f.local.factor().name())
        .addStatement("$T.forEach($L, $L, $L, this::statisticsBlock)", CHUNKS, threads, n, blocks)
        .addStatement("reduceStatistics()").build());
    MethodSpec.Builder c = blockMethod("statisticsBlock")
        .addJavadoc("{@link #statistics()} for the rows {@code from} to {@code to - 1}, into block {@code block}'s"
            + " partial sums.\n");
    Set<String> scope = new LinkedHashSet<>(List.of("block", "from", "to"));
    c.addCode(blockLocals(false, "block"));
    String row = local("n", scope);
    c.beginControlFlow("for (int $L = from; $L < to; $L++)", row, row, row);
    c.addCode(featureCode(row, false, scope));
    c.addCode(rowEnd(row, scope));
    c.endControlFlow();
    out.add(c.build());
    out.add(reduce("reduceStatistics"));
    return out;
  }

  /** The method adding the blocks' partial sums of the active statistics. */
  private MethodSpec reduce(String name) {
    MethodSpec.Builder r = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE)
        .addJavadoc("Adds the blocks' partial sums in block order (the same for any thread count).\n");
    for (Map.Entry<Pattern, String> e : activeStats().entrySet()) {
      Pattern p = e.getKey();
      String full = e.getValue();
      String parts = statBlocks.get(p);
      if (fromFeatures(p) && packed(p)) {
        String d = layout.dim(p.free.get(0).range());
        Set<String> names = new LinkedHashSet<>(List.of("i", "j"));
        String packedIndex = local("packed", names);
        String comp = local("c", names);
        String sum = local("sum", names);
        String b = local("b", names);
        r.beginControlFlow("for (int i = 0; i < $L; i++)", d);
        r.beginControlFlow("for (int j = 0; j < $L; j++)", d);
        r.addStatement("int $N = $T.packedIndex(i, j, $L) * $L", packedIndex, LIN_ALG, d, k);
        r.beginControlFlow("for (int $N = 0; $N < $L; $N++)", comp, comp, k, comp);
        r.addStatement("double $N = 0.0", sum);
        r.beginControlFlow("for (int $N = 0; $N < $L; $N++)", b, b, blocks, b);
        r.addStatement("$N += $N[$N][$N + $N]", sum, parts, b, packedIndex, comp);
        r.endControlFlow();
        r.addStatement("$N[(i * $L + j) * $L + $N] = $N", full, d, k, comp, sum);
        r.endControlFlow();
        r.endControlFlow();
        r.endControlFlow();
        continue;
      }
      Set<String> names = new LinkedHashSet<>();
      String q = local("q", names);
      String sum = local("sum", names);
      String b = local("b", names);
      r.beginControlFlow("for (int $N = 0; $N < $N.length; $N++)", q, q, full, q);
      r.addStatement("double $N = 0.0", sum);
      r.beginControlFlow("for (int $N = 0; $N < $N; $N++)", b, b, blocks, b);
      r.addStatement("$N += $N[$N][$N]", sum, parts, b, q);
      r.endControlFlow();
      r.addStatement("$N[$N] = $N", full, q, sum);
      r.endControlFlow();
    }
    return r.build();
  }

  /** Javadoc lines for a factor whose update reads row statistics. */
  CodeBlock readsDoc() {
    List<String> names = new ArrayList<>();
    for (Map.Entry<Pattern, String> e : stats.entrySet()) {
      names.add("{@code " + e.getValue() + "} = sum_" + f.element.name() + " " + factorOf(e.getKey()) + "q("
          + elementText() + "=c)");
    }
    return CodeBlock.of("\n<p>Its sums over $L read the row statistics the update of q($L) adds up:\n$L.\n",
        f.element.name(), f.local.factor().name(), String.join(",\n", names));
  }
}
