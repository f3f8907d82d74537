package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.plan.LocalPhase;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes the sweep's local phase of a model with per-group local factors ({@link LocalPhase}):
 * after the global factors' updates, every group's locals (LDA: a document's q(theta[d]) and
 * its tokens' q(z[t])) are iterated with the globals fixed, from where they are and from a
 * restart at the groups' prior, and each group keeps the run with the higher bound L_d; and the
 * start where the locals come from the globals, drawn around their prior ({@link
 * dev.vmodel.compiler.family.FamilySpec#pseudoCounts}), instead of random responsibilities.
 */
final class LocalPhaseWriter extends WriterPart {
  private static final TypeName ARRAY = ArrayTypeName.of(TypeName.DOUBLE);
  private static final ClassName INIT = ClassName.get(RT + ".fit", "FitOptions", "Init");
  private static final ClassName PSEUDO_COUNTS = ClassName.get(RT + ".fit", "PseudoCounts");

  /** The State's names for the local phase, claimed before any code is written. */
  record Storage(
      LocalPhase phase, String rowLnNorm, String carried, String restarted, String iterations, String restarts,
      Map<String, Map<String, String>> startEtas, Map<String, String> saved, List<String> perturbed,
      String phaseMethod, String boundMethod, String roundsMethod, String restartMethod, String updateLocal,
      String updateLocalBlock, String reduceLocal, Set<String> localStats, String restartEvery, String sinceRestart,
      String tolerance) {
    /** Whether the locals start from the globals drawn around their prior (else from random responsibilities). */
    boolean startFromGlobals() {
      return !perturbed.isEmpty();
    }
  }

  /** Claims the names, or returns null where the model has no local phase. */
  static Storage claim(Layout layout, UpdatePlan plan, FusedUpdate fused, FamilyCode families) {
    LocalPhase phase = LocalPhase.of(plan).orElse(null);
    if (phase == null || fused == null || fused.lnNorm == null || !fused.hasStatistics()
        || !fused.f.local.factor().name().equals(phase.rowFactor())) {
      return null;
    }
    Layout.FactorStorage zfs = layout.factors.get(phase.rowFactor());
    String rowLnNorm = layout.claim(zfs.base() + "RowLnNorm");
    fused.storeRowLnNorm(rowLnNorm);
    Map<String, Map<String, String>> startEtas = new LinkedHashMap<>();
    for (String g : phase.groupFactors()) {
      Layout.FactorStorage fs = layout.factors.get(g);
      Map<String, String> etas = new LinkedHashMap<>();
      for (Family.Stat s : fs.update().family().naturalStats()) {
        etas.put(s.name(), layout.claim("start" + Layout.cap(fs.base()) + Layout.cap(s.name())));
      }
      startEtas.put(g, etas);
    }
    Map<String, String> saved = new LinkedHashMap<>();
    for (String f : localFactors(phase)) {
      for (String a : arrays(layout.factors.get(f))) {
        saved.put(a, layout.claim("saved" + Layout.cap(a)));
      }
    }
    saved.put(rowLnNorm, layout.claim("saved" + Layout.cap(rowLnNorm)));
    // The locals start from the globals where every global factor the responsibilities read can be
    // drawn around its prior, and the rows are not real vectors (those start from k-means++).
    List<String> perturbed = new ArrayList<>();
    boolean realRows = layout.data.values().stream().anyMatch(d -> d.modeled() && !d.integer()
        && !d.plateDims().isEmpty() && d.plateDims().get(0).equals(zfs.elementDims().get(0)));
    FactorUpdate z = plan.update(phase.rowFactor());
    for (String g : phase.globals()) {
      if (z.natural().stream().noneMatch(p -> p.value().readsFactor(g))) {
        continue;
      }
      Layout.FactorStorage fs = layout.factors.get(g);
      if (realRows || families.pseudoCounts(fs, "0", new LinkedHashSet<>(), CodeBlock.of("1.0")) == null) {
        perturbed.clear();
        break;
      }
      perturbed.add(g);
    }
    // The statistics the group factors' updates read: all the local phase's updates of z add up.
    Set<String> localStats = new LinkedHashSet<>();
    for (String var : fused.statVars()) {
      for (String g : phase.groupFactors()) {
        List<UpdatePlan.NaturalParam> params = fused.f.rewritten.get(g);
        if (params != null && params.stream().anyMatch(p -> p.value().anyAtom(a -> a instanceof Atom.Data d
            && d.var().equals(var)))) {
          localStats.add(var);
        }
      }
    }
    String updateZ = layout.updateNames.get(phase.rowFactor());
    return new Storage(phase, rowLnNorm, layout.claim("groupBoundCarried"), layout.claim("groupBoundRestarted"),
        layout.claim("localIterations"), layout.claim("localRestarts"), startEtas, saved, perturbed,
        layout.stateMethod("localPhase"), layout.stateMethod("localBound"), layout.stateMethod("localRounds"),
        layout.stateMethod("restartGroups"), layout.stateMethod(updateZ + "Local"),
        layout.stateMethod(updateZ + "LocalBlock"), layout.stateMethod("reduceLocalStatistics"), localStats,
        layout.claim("restartEvery"), layout.claim("sinceRestart"), layout.claim("localTolerance"));
  }

  /** The local phase's update of the rows' factor: only the statistics the group factors read. */
  List<MethodSpec> localUpdate() {
    return updates.localVariant(plan.update(s.phase.rowFactor()), s.updateLocal, s.updateLocalBlock, s.reduceLocal,
        s.localStats, new LinkedHashSet<>(s.phase.groupFactors()));
  }

  /** The group factors, then the rows' factor. */
  private static List<String> localFactors(LocalPhase phase) {
    List<String> out = new ArrayList<>(phase.groupFactors());
    out.add(phase.rowFactor());
    return out;
  }

  /** A factor's distinct arrays: its parameters and the moments not stored in a parameter's array. */
  private static List<String> arrays(Layout.FactorStorage fs) {
    Set<String> out = new LinkedHashSet<>(fs.params().values());
    for (Map.Entry<String, String> m : fs.moments().entrySet()) {
      if (fs.update().family().spec().momentSharing(m.getKey()) == null) {
        out.add(m.getValue());
      }
    }
    return new ArrayList<>(out);
  }

  private final Storage s;
  /** The fit from a previous posterior, or null. */
  private final PriorWriter prior;
  private final UpdateWriter updates;

  LocalPhaseWriter(ModelContext ctx, UpdateWriter updates, PriorWriter prior) {
    super(ctx);
    this.s = ctx.localPhase;
    this.updates = updates;
    this.prior = prior;
  }

  /** {@code body} in a block declaring the factor's chunk-0 workspaces where its update runs in chunks. */
  private CodeBlock withWorkspaces(Layout.FactorStorage fs, CodeBlock body) {
    CodeBlock ws = chunked(fs.update()) ? updates.workspaceLocals(fs, "0") : CodeBlock.of("");
    if (ws.isEmpty()) {
      return body;
    }
    return CodeBlock.builder().add("{\n$>").add(ws).add(body).add("$<}\n").build();
  }

  private String groups() {
    return layout.product(layout.factors.get(s.phase.groupFactors().get(0)).elementDims());
  }

  private String rows() {
    return layout.product(layout.factors.get(s.phase.rowFactor()).elementDims());
  }

  private String covariate() {
    return layout.data.get(s.phase.covariate()).field();
  }

  List<FieldSpec> fields() {
    List<FieldSpec> out = new ArrayList<>();
    out.add(FieldSpec.builder(ARRAY, s.carried, Modifier.PRIVATE)
        .addJavadoc("Each group's bound L_d after its locals' run from where they were.\n").build());
    out.add(FieldSpec.builder(ARRAY, s.restarted, Modifier.PRIVATE)
        .addJavadoc("Each group's bound L_d after its locals' run from the restart.\n").build());
    out.add(FieldSpec.builder(TypeName.INT, s.iterations, Modifier.PRIVATE)
        .addJavadoc("At most this many rounds of the locals per run ({@code options.localIterations()}).\n")
        .initializer("1").build());
    out.add(FieldSpec.builder(TypeName.INT, s.restartEvery, Modifier.PRIVATE)
        .addJavadoc("Restart the groups' locals every this many sweeps: 1, doubled (up to 32) after a restart that"
            + " gained\nno more than {@code $L} relative, back to 1 after one that gained more.\n", s.tolerance)
        .initializer("1").build());
    out.add(FieldSpec.builder(TypeName.INT, s.sinceRestart, Modifier.PRIVATE)
        .addJavadoc("Sweeps since the last restart of the groups' locals.\n").build());
    out.add(FieldSpec.builder(TypeName.DOUBLE, s.tolerance, Modifier.PRIVATE)
        .addJavadoc("The fit's tolerance ({@code options.tolerance()}): a restart that gains less is skipped for a"
            + " while.\n").build());
    out.add(FieldSpec.builder(TypeName.BOOLEAN, s.restarts, Modifier.PRIVATE)
        .addJavadoc("Whether each sweep also restarts the groups' locals ({@code options.localRestarts()}).\n")
        .build());
    for (Map.Entry<String, Map<String, String>> g : s.startEtas.entrySet()) {
      for (Map.Entry<String, String> eta : g.getValue().entrySet()) {
        out.add(FieldSpec.builder(ARRAY, eta.getValue(), Modifier.PRIVATE)
            .addJavadoc("eta_0($L) of q($L) per element: where a restart sets it (its prior, or the previous"
                + " posterior).\n", eta.getKey(), g.getKey()).build());
      }
    }
    for (Map.Entry<String, String> a : s.saved.entrySet()) {
      out.add(FieldSpec.builder(ARRAY, a.getValue(), Modifier.PRIVATE)
          .addJavadoc("{@code $L} of the run from where the locals were, while the restart runs.\n", a.getKey())
          .build());
    }
    return out;
  }

  /** init()'s part: the options, the arrays, and eta_0 of the group factors (after they are initialised). */
  CodeBlock init() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.addStatement("$N = options.localIterations()", s.iterations);
    b.addStatement("$N = options.localRestarts()", s.restarts);
    b.addStatement("$N = options.tolerance()", s.tolerance);
    b.addStatement("$N = new double[$L]", s.carried, groups());
    b.addStatement("$N = new double[$L]", s.restarted, groups());
    for (Map.Entry<String, String> a : s.saved.entrySet()) {
      b.addStatement("$N = new double[$N.length]", a.getValue(), a.getKey());
    }
    for (String g : s.phase.groupFactors()) {
      Layout.FactorStorage fs = layout.factors.get(g);
      Map<String, String> etas = s.startEtas.get(g);
      b.add("// eta_0 of q($L): where a restart of the groups' locals sets it\n", g);
      for (Family.Stat st : fs.update().family().naturalStats()) {
        b.addStatement("$N = new double[$L]", etas.get(st.name()), width(groups(), fs.dim(), st.arity()));
      }
      Set<String> scope = new LinkedHashSet<>(List.of("rng", "options"));
      String e = layout.local("e", scope);
      CodeBlock.Builder outer = b;
      b = CodeBlock.builder();
      b.beginControlFlow("for (int $N = 0; $N < $L; $N++)", e, e, groups(), e);
      for (Family.Stat st : fs.update().family().naturalStats()) {
        if (st.arity() == 0) {
          b.addStatement("double $N", families.eta(fs, st.name()));
        }
      }
      b.add(families.natural(fs, e, g, scope));
      for (Family.Stat st : fs.update().family().naturalStats()) {
        String eta = families.eta(fs, st.name());
        String to = etas.get(st.name());
        if (st.arity() == 0) {
          b.addStatement("$N[$N] = $N", to, e, eta);
        } else {
          String w = width("1", fs.dim(), st.arity());
          b.addStatement("$T.arraycopy($N, 0, $N, $L, $L)", SYSTEM, eta, to, FamilyCode.at(e, w, "0"), w);
        }
      }
      b.endControlFlow();
      outer.add(withWorkspaces(fs, b.build()));
      b = outer;
    }
    return b.build();
  }

  /** Whether init() draws global factor {@code u} around its prior (unless {@code options.init()} is RANDOM). */
  boolean perturbs(FactorUpdate u) {
    return s.perturbed.contains(u.factor().name());
  }

  /** Whether init() leaves the responsibilities to the globals (unless {@code options.init()} is RANDOM). */
  boolean startsFromGlobals(FactorUpdate u) {
    return s.startFromGlobals() && u.factor().name().equals(s.phase.rowFactor());
  }

  /** init()'s pseudo-counts on element {@code e} of a perturbed global factor, before its conversion. */
  CodeBlock pseudoCounts(Layout.FactorStorage fs, String e, Set<String> inScope) {
    CodeBlock.Builder b = CodeBlock.builder();
    b.beginControlFlow("if (options.init() != $T.RANDOM)", INIT);
    b.add(families.pseudoCounts(fs, e, inScope, CodeBlock.of("$T.draw(rng)", PSEUDO_COUNTS)));
    b.endControlFlow();
    return b.build();
  }

  /** The end of init(): the locals from the globals, iterated (or, with RANDOM, the row statistics). */
  CodeBlock initEnd() {
    CodeBlock.Builder b = CodeBlock.builder();
    if (!s.startFromGlobals()) {
      if (fused.hasStatistics()) {
        b.add("// the row statistics of the first sweep's updates\n");
        b.addStatement("statistics()");
      }
      return b.build();
    }
    b.beginControlFlow("if (options.init() == $T.RANDOM)", INIT);
    if (fused.hasStatistics()) {
      b.add("// the row statistics of the first sweep's updates\n");
      b.addStatement("statistics()");
    }
    b.nextControlFlow("else");
    b.add("// the locals from the globals drawn around their prior: the groups at their prior, then rounds\n");
    b.addStatement("$N()", updateName(plan.update(s.phase.rowFactor())));
    b.addStatement("$N($N, $N)", s.roundsMethod, s.carried, s.iterations);
    b.addStatement("statistics()");
    b.endControlFlow();
    return b.build();
  }

  private void groupUpdates(MethodSpec.Builder m) {
    for (String g : s.phase.groupFactors()) {
      updateCall(m, prior, plan.update(g));
    }
  }

  List<MethodSpec> methods() {
    List<MethodSpec> out = new ArrayList<>();
    String z = s.phase.rowFactor();
    String groupsText = String.join(", ", s.phase.groupFactors().stream().map(g -> "q(" + g + "[d])").toList());
    String updateZ = updateName(plan.update(z));
    // localBound
    {
      Set<String> scope = new LinkedHashSet<>();
      String per = layout.local("perGroup", scope);
      String t = layout.local("t", scope);
      String sum = layout.local("sum", scope);
      String e = layout.local("e", scope);
      String bound = layout.local("bound", scope);
      String c = layout.local("c", scope);
      MethodSpec.Builder m = MethodSpec.methodBuilder(s.boundMethod).addModifiers(Modifier.PRIVATE)
          .returns(TypeName.DOUBLE).addParameter(ARRAY, per)
          .addJavadoc("The ELBO's terms in the groups' locals, right after q($L)'s update, per group into {@code"
              + " $L} and summed:\n\n<pre>\nL_d = sum_{$L: $L[$L] = d} ln sum_c exp eta($L[$L]=c)"
              + " + eta_0 . E[T($L)] + H[$L]\n</pre>\n\nwhere the first sum are the rows' log-normalisers (q($L)'s"
              + " terms and entropy at its optimum) and\nthe rest the group factors' prior terms (up to the constant"
              + " -ln Z(eta_0)) and entropies.\n", z, per, s.phase.rowIndex(), s.phase.covariate(), s.phase.rowIndex(),
              z, s.phase.rowIndex(),
              String.join(", ", s.phase.groupFactors()), groupsText, z);
      m.addStatement("$T.fill($N, 0.0)", Arrays.class, per);
      m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", t, t, rows(), t);
      m.addStatement("$N[$N[$N]] += $N[$N]", per, covariate(), t, s.rowLnNorm, t);
      m.endControlFlow();
      m.addStatement("double $N = 0.0", sum);
      m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", e, e, groups(), e);
      m.addStatement("double $N = $N[$N]", bound, per, e);
      for (String g : s.phase.groupFactors()) {
        Layout.FactorStorage fs = layout.factors.get(g);
        for (Family.Stat st : fs.update().family().naturalStats()) {
          String eta = s.startEtas.get(g).get(st.name());
          String moment = fs.moments().get(st.name());
          if (st.arity() == 0) {
            m.addStatement("$N += $N[$N] * $N[$N]", bound, eta, e, moment, e);
            continue;
          }
          String w = width("1", fs.dim(), st.arity());
          m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", c, c, w, c);
          m.addStatement("$N += $N[$L] * $N[$L]", bound, eta, FamilyCode.at(e, w, c), moment, FamilyCode.at(e, w, c));
          m.endControlFlow();
        }
        m.addStatement("$N += $L", bound, families.entropy(fs, e));
      }
      m.addStatement("$N[$N] = $N", per, e, bound);
      m.addStatement("$N += $N", sum, bound);
      m.endControlFlow();
      m.addStatement("return $N", sum);
      out.add(m.build());
    }
    // localRounds
    {
      Set<String> scope = new LinkedHashSet<>();
      String per = layout.local("perGroup", scope);
      String max = layout.local("rounds", scope);
      String last = layout.local("lnNorm", scope);
      String round = layout.local("round", scope);
      String settled = layout.local("settled", scope);
      MethodSpec.Builder m = MethodSpec.methodBuilder(s.roundsMethod).addModifiers(Modifier.PRIVATE)
          .returns(TypeName.DOUBLE).addParameter(ARRAY, per).addParameter(TypeName.INT, max)
          .addJavadoc("Right after q($L)'s update: rounds of the groups' locals ($L, then q($L)), the global"
              + " factors fixed,\nuntil the rows' log-normalisers sum_n ln sum_c exp eta change by less than 1e-6"
              + " relative, at most\n{@code $L} rounds in all; each round is coordinate ascent, so every group's"
              + " L_d never decreases.\nReturns the locals' bound; {@code $L} gets L_d.\n", z, groupsText, z, max,
              per);
      m.addStatement("double $N = $N", last, fused.lnNorm);
      m.beginControlFlow("for (int $N = 1; $N < $N; $N++)", round, round, max, round);
      groupUpdates(m);
      m.addStatement("$N()", s.updateLocal);
      m.addStatement("boolean $N = $T.abs($N - $N) <= 1e-6 * $T.max(1.0, $T.abs($N))", settled, MATH, fused.lnNorm,
          last, MATH, MATH, fused.lnNorm);
      m.addStatement("$N = $N", last, fused.lnNorm);
      m.beginControlFlow("if ($N)", settled);
      m.addStatement("break");
      m.endControlFlow();
      m.endControlFlow();
      m.addStatement("return $N($N)", s.boundMethod, per);
      out.add(m.build());
    }
    // restartGroups
    {
      MethodSpec.Builder m = MethodSpec.methodBuilder(s.restartMethod).addModifiers(Modifier.PRIVATE)
          .addJavadoc("Sets $L back to eta_0: the groups' restart.\n", groupsText);
      for (String g : s.phase.groupFactors()) {
        Layout.FactorStorage fs = layout.factors.get(g);
        Set<String> scope = new LinkedHashSet<>();
        String e = layout.local("e", scope);
        CodeBlock.Builder b = CodeBlock.builder();
        b.beginControlFlow("for (int $N = 0; $N < $L; $N++)", e, e, groups(), e);
        for (Family.Stat st : fs.update().family().naturalStats()) {
          String eta = families.eta(fs, st.name());
          String from = s.startEtas.get(g).get(st.name());
          if (st.arity() == 0) {
            b.addStatement("double $N = $N[$N]", eta, from, e);
          } else {
            String w = width("1", fs.dim(), st.arity());
            b.addStatement("$T.arraycopy($N, $L, $N, 0, $L)", SYSTEM, from, FamilyCode.at(e, w, "0"), eta, w);
          }
        }
        b.add(families.convert(fs, e, g, scope));
        b.endControlFlow();
        m.addCode(withWorkspaces(fs, b.build()));
      }
      out.add(m.build());
    }
    // localPhase
    {
      MethodSpec.Builder m = MethodSpec.methodBuilder(s.phaseMethod).addModifiers(Modifier.PRIVATE)
          .addJavadoc("The sweep's local phase, the global factors fixed: the groups' locals ($L, q($L)) run from"
              + " where\nthey are (one round; up to {@code $L} rounds in a sweep without a restart); with"
              + " {@code $L}, every\n{@code $L} sweeps also from a restart ($L at eta_0, up to {@code $L} rounds),"
              + " and each group keeps\nthe run with the higher L_d. The ELBO is a sum over groups of L_d plus terms"
              + " free of the locals,\nso it never decreases.\n",
              groupsText, z, s.iterations, s.restarts, s.restartEvery, groupsText, s.iterations);
      Set<String> scope = new LinkedHashSet<>();
      String restart = layout.local("restart", scope);
      m.addStatement("boolean $N = $N && ++$N >= $N", restart, s.restarts, s.sinceRestart, s.restartEvery);
      groupUpdates(m);
      m.addStatement("$N()", updateZ);
      m.addStatement("$N($N, $N ? 1 : $N)", s.roundsMethod, s.carried, restart, s.iterations);
      m.beginControlFlow("if (!$N)", restart);
      m.beginControlFlow("if ($N > 1)", s.iterations);
      m.addComment("the rounds added up only the statistics of the group factors");
      m.addStatement("statistics()");
      m.endControlFlow();
      m.addStatement("return");
      m.endControlFlow();
      for (Map.Entry<String, String> a : s.saved.entrySet()) {
        m.addStatement("$T.arraycopy($N, 0, $N, 0, $N.length)", SYSTEM, a.getKey(), a.getValue(), a.getKey());
      }
      m.addStatement("$N()", s.restartMethod);
      m.addStatement("$N()", s.updateLocal);
      m.addStatement("$N = 0", s.sinceRestart);
      m.addStatement("$N($N, $N)", s.roundsMethod, s.restarted, s.iterations);
      String gain = layout.local("gain", scope);
      String total = layout.local("total", scope);
      String g = layout.local("g", scope);
      m.addComment("what the restart gained: restart less often while it gains no more than the tolerance");
      m.addStatement("double $N = 0.0", gain);
      m.addStatement("double $N = 0.0", total);
      m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", g, g, groups(), g);
      m.addStatement("$N += $T.max(0.0, $N[$N] - $N[$N])", gain, MATH, s.restarted, g, s.carried, g);
      m.addStatement("$N += $T.max($N[$N], $N[$N])", total, MATH, s.carried, g, s.restarted, g);
      m.endControlFlow();
      m.addStatement("$N = $N > $N * $T.max(1.0, $T.abs($N)) ? 1 : $T.min(2 * $N, 32)", s.restartEvery, gain,
          s.tolerance, MATH, MATH, total, MATH, s.restartEvery);
      m.addComment("each group keeps the run with the higher bound (ties: the restart)");
      List<String> groupArrays = new ArrayList<>();
      for (String f : s.phase.groupFactors()) {
        groupArrays.addAll(arrays(layout.factors.get(f)));
      }
      List<String> rowArrays = new ArrayList<>(arrays(layout.factors.get(z)));
      rowArrays.add(s.rowLnNorm);
      String e = layout.local("e", scope);
      String t = layout.local("t", scope);
      String sum = layout.local("sum", scope);
      copyBack(m, groupArrays, groups(), e, e, scope);
      copyBack(m, rowArrays, rows(), t, covariate() + "[" + t + "]", scope);
      m.addStatement("statistics()");
      m.addStatement("double $N = 0.0", sum);
      m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", t, t, rows(), t);
      m.addStatement("$N += $N[$N]", sum, s.rowLnNorm, t);
      m.endControlFlow();
      m.addStatement("$N = $N", fused.lnNorm, sum);
      out.add(m.build());
    }
    return out;
  }

  /** Copies the saved run's entries of {@code arrays} back for the elements where it was better. */
  private void copyBack(MethodSpec.Builder m, List<String> arrays, String count, String var, String group,
      Set<String> scope) {
    Map<String, String> widths = new LinkedHashMap<>();
    for (String a : arrays) {
      String w = layout.local("w" + Layout.cap(a), scope);
      widths.put(a, w);
      m.addStatement("int $N = $N.length / $T.max(1, $L)", w, a, MATH, count);
    }
    m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", var, var, count, var);
    m.beginControlFlow("if ($N[$L] > $N[$L])", s.carried, group, s.restarted, group);
    for (String a : arrays) {
      String w = widths.get(a);
      m.addStatement("$T.arraycopy($N, $N * $N, $N, $N * $N, $N)", SYSTEM, s.saved.get(a), var, w, a, var, w, w);
    }
    m.endControlFlow();
    m.endControlFlow();
  }

  /** The name of the method running the local phase. */
  String phaseMethod() {
    return s.phaseMethod;
  }

  /** Whether factor {@code f} is global: the sweep updates it before the local phase. */
  boolean global(String f) {
    return s.phase.globals().contains(f);
  }

  /** The end of the sweep, after the global factors' updates: the local phase. */
  void sweepEnd(MethodSpec.Builder m) {
    m.addStatement("$N()", s.phaseMethod);
    if (ctx.localSums.method() != null) {
      m.addComment("the phase may have set the groups' factors back to an earlier run");
      m.addStatement("$N()", ctx.localSums.method());
    }
    m.beginControlFlow("if (check)");
    m.addStatement("last = checkedElbo($S, iteration, last)",
        String.join(", ", localFactors(s.phase)) + " (local phase)");
    m.endControlFlow();
  }
}
