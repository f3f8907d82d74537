package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.conjugacy.Constants;
import dev.vmodel.compiler.graph.IrPrinter;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import javax.lang.model.element.Modifier;

/**
 * Writes the sweep, the ELBO (with its check mode), the initialisation, {@code prepare()}'s
 * once-per-fit constants and the posterior predictive means.
 */
final class SweepWriter extends WriterPart {
  private static final com.palantir.javapoet.ClassName LOCAL_BOUNDS =
      com.palantir.javapoet.ClassName.get(dev.vmodel.compiler.family.FamilySpec.RUNTIME, "LocalBounds");
  private final UpdateWriter updates;
  /** The fit from a previous posterior, or null (no global factor). */
  private final PriorWriter prior;
  /** The local phase of a model with per-group local factors, or null. */
  private final LocalPhaseWriter phase;

  SweepWriter(ModelContext ctx, UpdateWriter updates, PriorWriter prior, LocalPhaseWriter phase) {
    super(ctx);
    this.updates = updates;
    this.prior = prior;
    this.phase = phase;
  }

  /** Functions of known matrices (inverses, log-determinants of hyperparameters), once per fit. */
  MethodSpec prepare() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("prepare").addModifiers(Modifier.PRIVATE)
        .addJavadoc("Computes what depends only on sizes, hyperparameters and data, once per fit.\n");
    // One factorisation per matrix, for its inverse and its log-determinant alike.
    Map<String, List<PolyCode.MatrixConstant>> byMatrix = new LinkedHashMap<>();
    for (PolyCode.MatrixConstant c : polys.matrixConstants.values()) {
      byMatrix.computeIfAbsent(IrPrinter.print(c.matrix()), k -> new ArrayList<>()).add(c);
    }
    for (Map.Entry<String, List<PolyCode.MatrixConstant>> e : byMatrix.entrySet()) {
      PolyCode.MatrixConstant first = e.getValue().get(0);
      String d = layout.dim(first.dim());
      Set<String> scope = new LinkedHashSet<>();
      String a = localName("a", scope);
      String lnDet = localName("lnDet", scope);
      Idx i = Idx.fresh("i", first.dim());
      Idx j = Idx.fresh("j", first.dim());
      String in = localName("i", scope);
      String jn = localName("j", scope);
      Poly entry = Constants.entry(first.matrix(), i, j);
      String text = e.getKey();
      m.addCode("{\n$>");
      m.addComment("$L of $L", String.join(" and ", e.getValue().stream()
          .map(c -> c.f() == Atom.MatFunc.INVERSE ? "inverse" : "log-determinant").toList()), text);
      m.addStatement("double[] $N = new double[$L * $L]", a, d, d);
      m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", in, in, d, in);
      m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", jn, jn, d, jn);
      m.addStatement("$N[$N * $L + $N] = $L", a, in, d, jn, polys.inline(entry, Map.of(i, in, j, jn)));
      m.endControlFlow();
      m.endControlFlow();
      m.addStatement("double $N = $T.spdInverseLogDet($N, 0, $N, 0, $L)", lnDet, LIN_ALG, a, a, d);
      m.beginControlFlow("if ($T.isNaN($N))", DOUBLE, lnDet);
      m.addStatement("throw new $T($S)", IAE, text + " must be symmetric positive definite");
      m.endControlFlow();
      for (PolyCode.MatrixConstant c : e.getValue()) {
        m.addStatement("$N = $N", c.field(), c.f() == Atom.MatFunc.INVERSE ? a : lnDet);
      }
      m.addCode("$<}\n");
    }
    for (PolyCode.KnownSum k : polys.knownSums.values()) {
      m.addComment("$L = $L, once per fit", k.field(), k.value());
      m.addStatement("$N = 0.0", k.field());
      m.addCode(polys.accumulate(k.field(), k.value(), Map.of()));
    }
    m.addCode(dataSums.compute());
    return m.build();
  }

  MethodSpec sweep() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("sweep").addParameter(TypeName.INT, "iteration")
        .addParameter(TypeName.BOOLEAN, "check")
        .addJavadoc("One sweep of coordinate ascent in the plan's schedule. With {@code check}, the ELBO is"
            + " recomputed after\nevery update, and a decrease throws.\n");
    m.addStatement("double last = check ? elbo() : 0.0");
    for (String f : plan.schedule()) {
      if (phase != null && !phase.global(f)) {
        continue;
      }
      FactorUpdate u = plan.update(f);
      if (u.nonConjugate()) {
        m.addStatement("$N()", ctx.stepMethod(u));
      } else {
        updateCall(m, prior, u);
      }
      m.beginControlFlow("if (check)");
      m.addStatement("last = checkedElbo($S, iteration, last)", f);
      m.endControlFlow();
    }
    if (phase != null) {
      phase.sweepEnd(m);
    }
    return m.build();
  }

  /**
   * The line search of a fixed-form update: its natural parameters are the ELBO's gradient in
   * its moments at the current q (non-conjugate variational message passing); the step from the
   * current q towards them is halved until the ELBO does not decrease, and after 40 halvings q is
   * left as it was. So the sweep never lowers the ELBO, and a fixed point is a stationary point of
   * the ELBO over the factor's family.
   */
  MethodSpec step(FactorUpdate u) {
    Layout.FactorStorage fs = layout.factors.get(u.factor().name());
    String step = ctx.stepField(u);
    MethodSpec.Builder m = MethodSpec.methodBuilder(ctx.stepMethod(u)).addModifiers(Modifier.PRIVATE)
        .addJavadoc("q($L)'s fixed-form update: its natural parameters are the ELBO's gradient in q($L)'s moments at"
            + " the\ncurrent q (non-conjugate variational message passing, Knowles and Minka 2011); the step from"
            + " the\ncurrent q($L) towards them is halved until the ELBO does not decrease (after 40 halvings"
            + " q($L)\nstays as it was).\n", u.factor().name(), u.factor().name(), u.factor().name(), u.factor().name());
    Set<String> scope = new LinkedHashSet<>();
    String before = localName("before", scope);
    m.addStatement("double $N = elbo()", before);
    List<String[]> arrays = new ArrayList<>();
    for (String a : fs.params().values()) {
      arrays.add(new String[] {a, localName("saved" + Layout.cap(a), scope)});
    }
    for (Map.Entry<String, String> mo : fs.moments().entrySet()) {
      if (u.family().spec().momentSharing(mo.getKey()) == null) {
        arrays.add(new String[] {mo.getValue(), localName("saved" + Layout.cap(mo.getValue()), scope)});
      }
    }
    for (String[] a : arrays) {
      m.addStatement("double[] $N = $N.clone()", a[1], a[0]);
    }
    String halving = localName("halving", scope);
    String after = localName("after", scope);
    m.addStatement("$N = 1.0", step);
    m.beginControlFlow("for (int $N = 0; ; $N++)", halving, halving);
    updateCall(m, prior, u);
    m.addStatement("double $N = elbo()", after);
    m.beginControlFlow("if ($N >= $N - 1e-12 * $T.max(1.0, $T.abs($N)))", after, before, MATH, MATH, before);
    m.addStatement("break");
    m.endControlFlow();
    for (String[] a : arrays) {
      m.addStatement("$T.arraycopy($N, 0, $N, 0, $N.length)", SYSTEM, a[1], a[0], a[1]);
    }
    m.beginControlFlow("if ($N == 40)", halving);
    m.addStatement("break");
    m.endControlFlow();
    m.addStatement("$N *= 0.5", step);
    m.endControlFlow();
    m.addStatement("$N = 1.0", step);
    return m.build();
  }

  /**
   * {@code checkFinite(sweep, elbo)}: a fit must not end normally with a non-finite ELBO. When
   * the sweep's ELBO is NaN or infinite, the first factor in the schedule whose parameters are
   * not all finite is the one whose update broke down (the ones before it read finite moments).
   */
  List<MethodSpec> checkFinite() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("checkFinite").addParameter(TypeName.INT, "sweep")
        .addParameter(TypeName.DOUBLE, "elbo")
        .addJavadoc("Throws if the ELBO after sweep {@code sweep} is not finite, naming the first factor whose update"
            + " gave\nnon-finite parameters (a numerical breakdown). One comparison when all is well.\n")
        .beginControlFlow("if ($T.isFinite(elbo))", DOUBLE).addStatement("return").endControlFlow();
    for (String f : plan.schedule()) {
      Layout.FactorStorage fs = layout.factors.get(f);
      List<CodeBlock> tests = new ArrayList<>();
      for (String p : fs.params().values()) {
        tests.add(CodeBlock.of("!allFinite($N)", p));
      }
      m.beginControlFlow("if ($L)", CodeBlock.join(tests, " || "));
      m.addStatement("throw new $T($S + sweep + $S)", ModelContext.ARITHMETIC, "q(" + f + "): its update in sweep ",
          " gave non-finite parameters (numerical breakdown); check the data and the hyperparameters");
      m.endControlFlow();
    }
    m.addStatement("throw new $T($S + elbo + $S + sweep + $S)", ModelContext.ARITHMETIC, "the ELBO is ",
        " after sweep ", " (numerical breakdown); check the data and the hyperparameters");
    MethodSpec all = MethodSpec.methodBuilder("allFinite").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(TypeName.BOOLEAN).addParameter(double[].class, "values")
        .beginControlFlow("for (double v : values)")
        .beginControlFlow("if (!$T.isFinite(v))", DOUBLE).addStatement("return false").endControlFlow()
        .endControlFlow()
        .addStatement("return true").build();
    return List.of(m.build(), all);
  }

  MethodSpec checkedElbo() {
    return MethodSpec.methodBuilder("checkedElbo").addModifiers(Modifier.PRIVATE).returns(TypeName.DOUBLE)
        .addParameter(STRING, "factor").addParameter(TypeName.INT, "iteration")
        .addParameter(TypeName.DOUBLE, "before")
        .addJavadoc("The ELBO after updating {@code factor}: coordinate ascent never lowers it, so a decrease"
            + " beyond 1e-9\nrelative (rounding) is a bug, reported with the factor's name.\n")
        .addStatement("double after = elbo()")
        .beginControlFlow("if (after < before - 1e-9 * $T.max(1.0, $T.abs(before)))", MATH, MATH)
        .addStatement("throw new $T(factor, iteration, before, after)", ELBO_DECREASED)
        .endControlFlow()
        .addStatement("return after").build();
  }

  /** The posterior predictive mean of one entry of an observed array whose entries may be missing. */
  MethodSpec predictive(UpdatePlan.Predictive p) {
    Layout.DataArray d = layout.data.get(p.node());
    MethodSpec.Builder m = MethodSpec.methodBuilder(layout.predictNames.get(d.node())).returns(TypeName.DOUBLE)
        .addJavadoc("E_q[mean of $L's distribution]: the posterior predictive mean of one entry.\n", p.node());
    Map<Idx, String> free = new LinkedHashMap<>();
    Set<String> scope = new LinkedHashSet<>();
    for (Idx i : p.element()) {
      String n = localName(i.name(), scope);
      m.addParameter(TypeName.INT, n);
      free.put(i, n);
    }
    String mean = localName("mean", scope);
    m.addStatement("double $N = 0.0", mean);
    m.addCode(polys.accumulate(mean, p.mean(), free));
    if (p.link() == UpdatePlan.Link.LOGISTIC) {
      // P(y = 1) = E_q[logistic(a)] over the Gaussian q of a: its mean and variance.
      String second = localName("second", scope);
      m.addJavadoc("For $L ~ Bernoulli(logistic(a)): P($L = 1) = E_q[logistic(a)], integrated over the Gaussian q of a"
          + "\n(mean E[a], variance E[a^2] - E[a]^2).\n", p.node(), p.node());
      m.addStatement("double $N = 0.0", second);
      m.addCode(polys.accumulate(second, p.second(), free));
      m.addStatement("return $T.expectedLogistic($N, $N - $N * $N)", LOCAL_BOUNDS, mean, second, mean, mean);
      return m.build();
    }
    m.addStatement("return $N", mean);
    return m.build();
  }

  /** The predictive variance of one entry: E_q[variance + mean^2] - E_q[mean]^2. */
  MethodSpec predictiveVariance(UpdatePlan.Predictive p) {
    Layout.DataArray d = layout.data.get(p.node());
    MethodSpec.Builder m = MethodSpec.methodBuilder(layout.predictVarianceNames.get(d.node()))
        .returns(TypeName.DOUBLE)
        .addJavadoc("The posterior predictive variance of one entry of $L, by the law of total variance:\n"
            + "E_q[variance of its distribution] + Var_q[mean of its distribution].\n", p.node());
    Map<Idx, String> free = new LinkedHashMap<>();
    Set<String> scope = new LinkedHashSet<>();
    List<String> args = new ArrayList<>();
    for (Idx i : p.element()) {
      String n = localName(i.name(), scope);
      m.addParameter(TypeName.INT, n);
      free.put(i, n);
      args.add(n);
    }
    String second = localName("second", scope);
    String mean = localName("mean", scope);
    if (p.link() == UpdatePlan.Link.LOGISTIC) {
      // A Bernoulli's variance: P(y = 1) (1 - P(y = 1)).
      m.addStatement("double $N = $L($L)", mean, layout.predictNames.get(d.node()), String.join(", ", args));
      m.addStatement("return $N * (1.0 - $N)", mean, mean);
      return m.build();
    }
    m.addStatement("double $N = 0.0", second);
    m.addCode(polys.accumulate(second, p.second(), free));
    m.addStatement("double $N = $L($L)", mean, layout.predictNames.get(d.node()), String.join(", ", args));
    m.addStatement("return $N - $N * $N", second, mean, mean);
    return m.build();
  }

  /**
   * {@code elbo()}, or with {@code afterSweep} {@code elboAfterSweep()}: the same value right after
   * the fused factor's update, its terms in that factor and its entropy replaced by the sum of
   * log-normalisers the update computed (no pass over the rows).
   */
  MethodSpec elbo(boolean afterSweep) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(afterSweep ? "elboAfterSweep" : "elbo").returns(TypeName.DOUBLE);
    if (afterSweep) {
      String z = fused.f.local.factor().name();
      m.addJavadoc("{@link #elbo()} right after a sweep, computed without a pass over the rows: the update of q($L)"
          + "\nleft q($L) at its optimum given the other factors, where the ELBO's terms in q($L) plus H[q($L)]"
          + "\nequal sum_n ln sum_c exp eta($L[n]=c), which the update added up in {@code $L}. Only valid"
          + "\nuntil another factor that eta($L) reads is updated.\n", z, z, z, z, z, fused.lnNorm, z);
    } else {
      m.addJavadoc("The evidence lower bound, a lower bound on ln p(X) with every constant:\n\n<pre>\n$L</pre>\n",
          escape(ctx.explainElbo()));
    }
    Set<String> scope = new LinkedHashSet<>();
    String lp = localName("logJoint", scope);
    String h = localName("entropy", scope);
    m.addStatement("double $L = 0.0", lp);
    for (int ti = 0; ti < plan.elbo().terms().size(); ti++) {
      UpdatePlan.LogJointTerm term = plan.elbo().terms().get(ti);
      Poly value = ctx.elboTerms.get(ti);
      if (afterSweep) {
        value = new Poly(value.terms().stream().filter(t -> !fused.f.readsLocal(t)).toList());
        if (value.terms().isEmpty()) {
          continue;
        }
      }
      m.addComment("E[ln p($L | ...)]$L", term.node(), afterSweep && value.terms().size() < term.value().terms().size()
          ? ", the terms without q(" + fused.f.local.factor().name() + ")" : "");
      if (prior != null && !plan.batchTerm(term.node())) {
        // a prior of a global latent: replaced by the previous posterior when updating one
        m.beginControlFlow("if (!$N)", prior.flag());
        m.addCode(polys.accumulate(lp, value, Map.of()));
        m.endControlFlow();
        continue;
      }
      m.addCode(polys.accumulate(lp, value, Map.of()));
    }
    if (prior != null) {
      m.addCode(prior.elboCross(lp));
    }
    m.addStatement("double $L = 0.0", h);
    for (Layout.FactorStorage fs : layout.factors.values()) {
      if (afterSweep && fs.update() == fused.f.local) {
        m.addComment("E[ln p(...)] terms in q($L) + H[q($L)]", fs.update().factor().name(), fs.update().factor().name());
        m.addStatement("$L += $L", h, fused.lnNorm);
        continue;
      }
      m.addComment("H[q($L)]", fs.update().factor().name());
      if (layout.chains.containsKey(fs.update().factor().name())) {
        m.addComment("the whole chain's entropy, which its last update (or start) set");
        m.addStatement("$L += $L", h, layout.chains.get(fs.update().factor().name()).entropy());
        continue;
      }
      if (ctx.localSums.summed(fs.update().factor().name())) {
        m.addStatement("$L += $L", h, ctx.localSums.entropy(fs.update().factor().name()));
        continue;
      }
      if (fs.elementDims().isEmpty()) {
        m.addStatement("$L += $L", h, families.entropy(fs, "0"));
        continue;
      }
      m.beginControlFlow("for (int e = 0; e < $L; e++)", layout.product(fs.elementDims()));
      m.addStatement("$L += $L", h, families.entropy(fs, "e"));
      m.endControlFlow();
    }
    m.addStatement("return $L + $L", lp, h);
    return m.build();
  }

  /**
   * The real-valued observed array whose rows a local categorical factor indexes (its first
   * plate is the factor's plate), for k-means++ seeding; null where there is none.
   */
  private Layout.DataArray kmeansData(Layout.FactorStorage fs) {
    if (fs.elementDims().size() != 1) {
      return null;
    }
    for (Layout.DataArray d : layout.data.values()) {
      if (d.modeled() && !d.integer() && !d.plateDims().isEmpty() && d.plateDims().get(0).equals(fs.elementDims().get(0))) {
        return d;
      }
    }
    return null;
  }

  MethodSpec init() {
    return init(false);
  }

  /**
   * With {@code localsOnly}, {@code initLocals}: init's options and workspaces, and the factors a split part's
   * {@code splitLocalStart} reads before it sets them (a local phase's group factors, whose eta_0 a restart
   * uses), but neither the global factors (set next from the driver's) nor the rows' local factors (set by the
   * local start), nor the row statistics: what a part started from given global factors needs, without
   * init's passes over the global factors (LDA's K x V digammas, for every minibatch of stochastic VI).
   */
  MethodSpec init(boolean localsOnly) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(localsOnly ? "initLocals" : "init")
        .addParameter(SplittableRandom.class, "rng")
        .addParameter(FIT_OPTIONS, "options");
    if (localsOnly) {
      m.addJavadoc("{@link #init} for a part whose global factors are set next ({@code splitGlobals}) and whose local"
          + " factors\nare then set from them ({@code splitLocalStart}): the options, the workspaces and the factors"
          + " the local\nstart reads before it sets them; the global factors, the rows' local factors and the row"
          + " statistics\nare left to those two.\n");
    } else {
      m.addJavadoc("Global factors start at their priors (or at the previous posterior q_A when updating one); local"
          + "\n(per-datum) factors start at random.\n");
    }
    if (threadsField() != null) {
      m.addStatement("$L = options.threads()", threadsField());
    }
    for (FactorUpdate u : ctx.initOrder) {
      if (localsOnly && !(phase != null && ctx.localPhase.phase().groupFactors().contains(u.factor().name()))) {
        continue;
      }
      Layout.FactorStorage fs = layout.factors.get(u.factor().name());
      m.addComment("q($L)", u.factor().name());
      if (prior != null && prior.startsFromPrior(u)) {
        m.beginControlFlow("if ($N)", prior.flag());
        m.addComment("the previous posterior q_A");
        m.addCode(prior.initFromPrior(u));
        m.nextControlFlow("else");
        initFactor(m, u, fs);
        m.endControlFlow();
        continue;
      }
      if (chunked(u) && !updates.workspaceLocals(fs, "0").isEmpty()) {
        // The workspaces of chunk 0 serve the (sequential) initialisation.
        m.addCode("{\n$>");
        m.addCode(updates.workspaceLocals(fs, "0"));
        initFactor(m, u, fs);
        m.addCode("$<}\n");
      } else {
        initFactor(m, u, fs);
      }
    }
    if (localsOnly) {
      if (phase != null) {
        m.addCode(phase.init());
      }
      return m.build();
    }
    if (phase != null) {
      m.addCode(phase.init());
      m.addCode(phase.initEnd());
    } else if (fused != null && fused.hasStatistics()) {
      m.addComment("the row statistics of the first sweep's updates");
      m.addStatement("statistics()");
    }
    if (ctx.localSums.method() != null) {
      m.addComment("the sums of the local factors' moments the first sweep's updates read");
      m.addStatement("$N()", ctx.localSums.method());
    }
    return m.build();
  }

  private void initFactor(MethodSpec.Builder m, FactorUpdate u, Layout.FactorStorage fs) {
    if (phase != null && phase.startsFromGlobals(u)) {
      m.addComment("unless RANDOM is asked for, set at the end from the global factors");
      m.beginControlFlow("if (options.init() == $T.Init.RANDOM)", FIT_OPTIONS);
      initResponsibilities(m, u, fs);
      m.endControlFlow();
      return;
    }
    if (u.responsibilities()) {
      initResponsibilities(m, u, fs);
      if (layout.chains.containsKey(u.factor().name())) {
        m.addStatement("$N(true)", layout.chains.get(u.factor().name()).startMethod());
      }
      return;
    }
    if (phase != null && phase.perturbs(u)) {
      m.addComment("drawn around the prior: a pseudo-count from Gamma(100, 1/100) added to each category");
      m.addCode(updates.evaluateAndConvert(fs, u.prior(), u.factor().name(), true,
          (e, inScope) -> phase.pseudoCounts(fs, e, inScope)));
      return;
    }
    initFromPrior(m, u, fs);
  }

  private void initResponsibilities(MethodSpec.Builder m, FactorUpdate u, Layout.FactorStorage fs) {
    String d = layout.dim(fs.dim());
    String eta = families.eta(fs, "onehot");
    Layout.DataArray seedData = kmeansData(fs);
    if (seedData != null) {
      List<Dim> rest = new ArrayList<>(seedData.plateDims().subList(1, seedData.plateDims().size()));
      rest.addAll(seedData.componentDims());
      m.beginControlFlow("if (options.init() == $T.Init.KMEANS_PLUS_PLUS)", FIT_OPTIONS);
      m.addComment("k-means++ on the rows of $L: most responsibility on the nearest seeded centre", seedData.node());
      String p = fs.params().get("p");
      m.addComment("(the seeding writes logits into $L, which the softmax then turns into responsibilities)", p);
      m.addStatement("$T.seed($L, $L, $L, $L, $L, rng, $L)", KMEANS, seedData.field(),
          seedData.allowsMissing() ? seedData.observedField() : "null", layout.product(fs.elementDims()),
          layout.product(rest), d, p);
      m.beginControlFlow("for (int e = 0; e < $L; e++)", layout.product(fs.elementDims()));
      m.addStatement("$T.arraycopy($N, e * $L, $N, 0, $L)", SYSTEM, p, d, eta, d);
      m.addCode(families.convert(fs, "e", u.factor().name(), Set.of("e")));
      m.endControlFlow();
      m.nextControlFlow("else");
    }
    m.addComment("responsibilities uniform on the simplex: the softmax of the logs of Exp(1) draws");
    m.beginControlFlow("for (int e = 0; e < $L; e++)", layout.product(fs.elementDims()));
    String c = localName("c", new LinkedHashSet<>(Set.of("e")));
    m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", c, c, d, c);
    m.addStatement("$N[$N] = $T.log(-$T.log(1.0 - rng.nextDouble()))", eta, c, MATH, MATH);
    m.endControlFlow();
    m.addCode(families.convert(fs, "e", u.factor().name(), Set.of("e")));
    m.endControlFlow();
    if (seedData != null) {
      m.endControlFlow();
    }
  }

  private void initFromPrior(MethodSpec.Builder m, FactorUpdate u, Layout.FactorStorage fs) {
    m.addCode(updates.evaluateAndConvert(fs, u.prior(), u.factor().name(), true));
    CodeBlock jitter = families.jitter(fs);
    if (jitter != null) {
      m.addComment("local factors: means drawn around the prior, so that the first sweep breaks symmetry");
      m.addCode(jitter);
    }
  }
}
