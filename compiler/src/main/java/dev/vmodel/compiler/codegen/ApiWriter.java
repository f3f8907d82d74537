package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Domain;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import javax.lang.model.element.Modifier;

/**
 * Writes the generated class's public API: the builder of sizes and hyperparameters, {@code fit}
 * and {@code start}, the {@code Session} run sweep by sweep, and the {@code Result} with its
 * posterior accessors ({@link PosteriorAccessors}).
 */
final class ApiWriter extends WriterPart {
  /** The Result's and Session's fields and the accessors' local: their parameters must not shadow them. */
  static final Set<String> RESULT_FIELDS = Set.of("s", "elbo", "trace", "iterations", "converged", "e", "options",
      "sweeps");

  private final PosteriorAccessors accessors;
  private final PersistWriter persist;

  ApiWriter(ModelContext ctx) {
    super(ctx);
    this.persist = new PersistWriter(ctx);
    this.accessors = new PosteriorAccessors(ctx, persist);
  }

  static TypeName hyperConfigType(Type t) {
    if (t instanceof Type.Vector) {
      return ArrayTypeName.of(TypeName.DOUBLE);
    } else if (t instanceof Type.Matrix) {
      return ArrayTypeName.of(ArrayTypeName.of(TypeName.DOUBLE));
    }
    return ClassName.get(Double.class);
  }

  TypeSpec builder() {
    TypeSpec.Builder b = TypeSpec.classBuilder("Builder").addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("Sizes and hyperparameters for {@link $T}.\n", model);
    b.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (CheckedModel.SizeSym s : plan.graph().sizes()) {
      String f = layout.sizeNames.get(s.name());
      b.addField(FieldSpec.builder(ClassName.get(Integer.class), f, Modifier.PRIVATE).build());
      b.addMethod(MethodSpec.methodBuilder(f).addModifiers(Modifier.PUBLIC).returns(builderName())
          .addParameter(TypeName.INT, "value")
          .addJavadoc("Sets size {@code $L}$L.\n", s.name(), s.defaultValue().isPresent() ? " (default "
              + AstPrinter.print(s.defaultValue().get()) + ")" : " (otherwise from the data)")
          .beginControlFlow("if (value < 1)")
          .addStatement("throw new $T($S + value)", IAE, "size " + s.name() + " must be at least 1, got ")
          .endControlFlow()
          .addStatement("this.$L = value", f).addStatement("return this").build());
    }
    for (CheckedModel.HyperSym h : plan.graph().hypers()) {
      String f = layout.hyperNames.get(h.name());
      TypeName type = hyperConfigType(h.type());
      b.addField(FieldSpec.builder(type, f, Modifier.PRIVATE).build());
      MethodSpec.Builder m = MethodSpec.methodBuilder(f).addModifiers(Modifier.PUBLIC).returns(builderName());
      String defaultText = h.defaultValue().map(v -> "; default " + AstPrinter.print(v)).orElse("; no default");
      if (h.type() instanceof Type.Scalar sc) {
        // The declared domain, tightened by what the hyper's uses need (alpha0 in Dirichlet(rep(alpha0, K))).
        Domain declared = domainDeclared(h) ? sc.domain() : Domain.REAL;
        Domain domain = h.required().within(declared) ? h.required() : declared;
        m.addJavadoc("Sets hyperparameter {@code $L}: $L$L.\n\n@throws IllegalArgumentException if {@code value} is not"
            + " $L\n", h.name(), DataWriter.domainWord(domain), defaultText, DataWriter.domainWord(domain));
        m.addParameter(TypeName.DOUBLE, "value");
        m.beginControlFlow("if ($L)", DataWriter.outside(CodeBlock.of("value"), domain))
            .addStatement("throw new $T($S + value)", IAE,
                "hyper " + h.name() + " must be " + DataWriter.domainWord(domain) + ", got ")
            .endControlFlow();
        m.addStatement("this.$N = value", f);
      } else if (h.type() instanceof Type.Vector) {
        m.addJavadoc("Sets hyperparameter {@code $L} ($L$L), copied; its shape is checked by {@code fit}.\n",
            h.name(), h.type().text(), defaultText);
        m.addParameter(type, "value");
        m.addStatement("this.$N = value.clone()", f);
      } else {
        m.addJavadoc("Sets hyperparameter {@code $L} ($L$L), copied row by row; its shape is checked by {@code fit}."
            + "\n", h.name(), h.type().text(), defaultText);
        m.addParameter(type, "value");
        m.addStatement("this.$N = new double[value.length][]", f);
        m.beginControlFlow("for (int i = 0; i < value.length; i++)");
        m.addStatement("this.$N[i] = value[i] == null ? null : value[i].clone()", f);
        m.endControlFlow();
      }
      b.addMethod(m.addStatement("return this").build());
    }
    b.addMethod(MethodSpec.methodBuilder("build").addModifiers(Modifier.PUBLIC).returns(model)
        .addJavadoc("The model with these sizes and hyperparameters (the builder can be reused).\n")
        .addStatement("return new $T(this)", model).build());
    return b.build();
  }

  /**
   * Whether a scalar hyper's domain was written in the model ({@code hyper s: positive}) rather
   * than inferred from the literal of its default: {@code hyper mu0 = 0} is a count and {@code
   * hyper alpha = 0.1} a unit only by accident of their defaults, and the builder must accept
   * mu0 = 0.5 and alpha = 2. The plan does not say which it was; a default that is a bare
   * literal of exactly the hyper's type is taken as inferred.
   */
  private boolean domainDeclared(CheckedModel.HyperSym h) {
    Ir d = plan.graph().hyperDefaults().get(h.name());
    if (d instanceof Ir.Neg n) {
      d = n.operand();
    }
    return !(d instanceof Ir.Const c && c.type().equals(h.type()) || d instanceof Ir.Neg);
  }

  /** {@code fit(data, options)}, and where the model has a global factor {@code fit(data, options, prior)}. */
  List<MethodSpec> fitMethods() {
    if (ctx.prior == null) {
      return List.of(fitMethod(false));
    }
    MethodSpec two = MethodSpec.methodBuilder("fit").addModifiers(Modifier.PUBLIC).returns(resultName())
        .addParameter(dataName(), "data").addParameter(FIT_OPTIONS, "options")
        .addJavadoc(FIT_DOC).addJavadoc(FIT_THROWS, DATA_EXCEPTION)
        .addStatement("return fit(data, options, null)").build();
    return List.of(two, fitMethod(true));
  }

  private static final String FIT_DOC = "Runs coordinate ascent from {@code options.restarts()} starts and returns the"
      + " fit with the highest ELBO.\n";
  private static final String FIT_THROWS = "\n@throws $T if the data are missing, ragged or out of their declared"
      + " range\n@throws ArithmeticException if a sweep breaks down numerically (non-finite parameters or ELBO),"
      + " naming the factor\n";

  /** The javadoc paragraph of the methods taking a previous fit. */
  private static final String PRIOR_DOC = "\n<p>Bayesian updating: with a {@code prior} fit (of the earlier data,"
      + " fitted or loaded), the posterior of its\nglobal factors q_A is the prior of the global latents instead of"
      + " the model's priors (streaming variational\nBayes): the fit is of p(data, locals | globals) prod_j"
      + " q_A(globals_j), and its ELBO is E[ln p(data, locals | globals)]\n+ sum_j E[ln q_A(globals_j)] + the"
      + " entropies. For conjugate global factors whose locals do not couple the batches,\nfitting batch A, then"
      + " batch B from A's fit, gives the posterior of A and B together. A null {@code prior}\nfits from the"
      + " model's priors.\n";
  private static final String PRIOR_THROWS = "@throws IllegalArgumentException if a size of {@code prior}'s global"
      + " factors differs from this fit's\n";

  private MethodSpec fitMethod(boolean withPrior) {
    MethodSpec.Builder m = MethodSpec.methodBuilder("fit").addModifiers(Modifier.PUBLIC).returns(resultName())
        .addParameter(dataName(), "data").addParameter(FIT_OPTIONS, "options");
    m.addJavadoc(FIT_DOC);
    if (withPrior) {
      m.addParameter(resultName(), "prior").addJavadoc(PRIOR_DOC);
    }
    m.addJavadoc(FIT_THROWS, DATA_EXCEPTION);
    if (withPrior) {
      m.addJavadoc(PRIOR_THROWS);
    }
    m.addStatement("$T best = null", resultName());
    m.beginControlFlow("for (int restart = 0; restart < options.restarts(); restart++)");
    m.addStatement("$T s = new $T(this, data)", stateName(), stateName());
    if (withPrior) {
      m.beginControlFlow("if (prior != null)");
      m.addStatement("s.$N(prior.s)", ctx.prior.use());
      m.endControlFlow();
    }
    m.addStatement("s.init(new $T(options.seed() + restart), options)", SplittableRandom.class);
    m.addComment("the ELBO trace grows as the sweeps go: --iters can be far above the sweeps a fit needs");
    m.addStatement("double[] trace = new double[$T.min(options.maxIterations(), 64)]", MATH);
    m.addStatement("double previous = $T.NEGATIVE_INFINITY", DOUBLE);
    m.addStatement("boolean converged = false");
    m.addStatement("int iterations = 0");
    m.beginControlFlow("for (int it = 1; it <= options.maxIterations(); it++)");
    m.addStatement("s.sweep(it, options.checkMonotone())");
    m.addStatement("double elbo = $L", elboAfterSweep());
    m.addStatement("s.checkFinite(it, elbo)");
    m.beginControlFlow("if (it > trace.length)");
    m.addStatement("trace = $T.copyOf(trace, (int) $T.min(options.maxIterations(), 2L * trace.length))", Arrays.class,
        MATH);
    m.endControlFlow();
    m.addStatement("trace[it - 1] = elbo");
    m.addStatement("iterations = it");
    m.beginControlFlow("if (options.listener() != null)");
    m.addStatement("options.listener().sweep(restart, it, elbo)");
    m.endControlFlow();
    m.beginControlFlow("if ($T.abs(elbo - previous) <= options.tolerance() * $T.max(1.0, $T.abs(elbo)))", MATH, MATH,
        MATH);
    m.addStatement("converged = true");
    m.addStatement("break");
    m.endControlFlow();
    m.addStatement("previous = elbo");
    m.endControlFlow();
    m.addStatement("$T r = new $T(s, $T.copyOf(trace, iterations), iterations, converged)", resultName(),
        resultName(), Arrays.class);
    m.beginControlFlow("if (best == null || r.elbo() > best.elbo())");
    m.addStatement("best = r");
    m.endControlFlow();
    m.endControlFlow();
    m.addStatement("return best");
    return m.build();
  }

  /** {@code start(data, options)}, and where the model has a global factor {@code start(data, options, prior)}. */
  List<MethodSpec> startMethods() {
    String doc = "Starts coordinate ascent as {@code fit} does (one start, from {@code options.seed()}) and returns it"
        + " before\nthe first sweep: the caller runs the sweeps, for custom stopping rules, schedules of its own,"
        + " starting\nresponsibilities, or benchmarks.\n";
    String throwsDoc = "\n@throws $T if the data are missing, ragged or out of their declared range\n";
    MethodSpec.Builder m = MethodSpec.methodBuilder("start").addModifiers(Modifier.PUBLIC).returns(sessionName())
        .addParameter(dataName(), "data").addParameter(FIT_OPTIONS, "options")
        .addJavadoc(doc + throwsDoc, DATA_EXCEPTION);
    if (ctx.prior == null) {
      return List.of(m.addStatement("$T s = new $T(this, data)", stateName(), stateName())
          .addStatement("s.init(new $T(options.seed()), options)", SplittableRandom.class)
          .addStatement("return new $T(s, options)", sessionName()).build());
    }
    MethodSpec two = m.addStatement("return start(data, options, null)").build();
    MethodSpec three = MethodSpec.methodBuilder("start").addModifiers(Modifier.PUBLIC).returns(sessionName())
        .addParameter(dataName(), "data").addParameter(FIT_OPTIONS, "options").addParameter(resultName(), "prior")
        .addJavadoc(doc + PRIOR_DOC + throwsDoc, DATA_EXCEPTION).addJavadoc(PRIOR_THROWS)
        .addStatement("$T s = new $T(this, data)", stateName(), stateName())
        .beginControlFlow("if (prior != null)")
        .addStatement("s.$N(prior.s)", ctx.prior.use())
        .endControlFlow()
        .addStatement("s.init(new $T(options.seed()), options)", SplittableRandom.class)
        .addStatement("return new $T(s, options)", sessionName()).build();
    return List.of(two, three);
  }

  /** The local categorical factors a session can start from given responsibilities. */
  private List<Layout.FactorStorage> settableLocals() {
    List<Layout.FactorStorage> out = new ArrayList<>();
    for (Layout.FactorStorage fs : layout.factors.values()) {
      if (fs.update().responsibilities()) {
        out.add(fs);
      }
    }
    return out;
  }

  TypeSpec sessionClass() {
    TypeSpec.Builder t = TypeSpec.classBuilder("Session").addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("A fit run sweep by sweep by the caller ({@link $T#start}). Not thread-safe; the sweeps themselves"
            + " run\ntheir row loops on {@code options.threads()} threads.\n", model);
    t.addField(stateName(), "s", Modifier.PRIVATE, Modifier.FINAL);
    t.addField(FIT_OPTIONS, "options", Modifier.PRIVATE, Modifier.FINAL);
    t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), "trace", Modifier.PRIVATE)
        .initializer("new double[16]").build());
    t.addField(TypeName.INT, "sweeps", Modifier.PRIVATE);
    t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).addParameter(stateName(), "s")
        .addParameter(FIT_OPTIONS, "options").addStatement("this.s = s").addStatement("this.options = options")
        .build());
    t.addMethod(MethodSpec.methodBuilder("sweep").addModifiers(Modifier.PUBLIC).returns(TypeName.DOUBLE)
        .addJavadoc("Runs one sweep of coordinate ascent (in check mode if {@code options.checkMonotone()}) and returns"
            + " the ELBO\nafter it.\n")
        .addStatement("s.sweep(sweeps + 1, options.checkMonotone())")
        .addStatement("sweeps++")
        .addStatement("double elbo = $L", elboAfterSweep())
        .addStatement("s.checkFinite(sweeps, elbo)")
        .beginControlFlow("if (sweeps > trace.length)")
        .addStatement("trace = $T.copyOf(trace, 2 * trace.length)", Arrays.class)
        .endControlFlow()
        .addStatement("trace[sweeps - 1] = elbo")
        .addStatement("return elbo").build());
    t.addMethod(MethodSpec.methodBuilder("elbo").addModifiers(Modifier.PUBLIC).returns(TypeName.DOUBLE)
        .addJavadoc("The ELBO of the current state: the last sweep's, or computed from all its terms before the first"
            + " sweep.\n")
        .addStatement("return sweeps == 0 ? s.elbo() : trace[sweeps - 1]").build());
    t.addMethod(MethodSpec.methodBuilder("sweeps").addModifiers(Modifier.PUBLIC).returns(TypeName.INT)
        .addJavadoc("How many sweeps have run.\n").addStatement("return sweeps").build());
    t.addMethod(MethodSpec.methodBuilder("result").addModifiers(Modifier.PUBLIC).returns(resultName())
        .addJavadoc("The posterior so far, with the ELBO trace of the sweeps run ({@code converged()} is false: the"
            + " caller\ndecides). A view of this session's state: later sweeps change its posteriors.\n")
        .addStatement("return new $T(s, $T.copyOf(trace, sweeps), sweeps, false)", resultName(), Arrays.class).build());
    Set<String> taken = new LinkedHashSet<>(Names.OBJECT_METHODS);
    taken.addAll(List.of("sweep", "elbo", "sweeps", "result"));
    for (Layout.FactorStorage fs : settableLocals()) {
      String accessor = layout.accessorNames.get(fs.update().factor().name());
      String name = taken.contains(accessor) ? "set" + Layout.cap(accessor) : accessor;
      String rows = layout.product(fs.elementDims(), "s");
      String k = layout.dim(fs.dim(), "s");
      String p = "s." + fs.params().get("p");
      String factor = fs.update().factor().name();
      MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC).returns(sessionName())
          .addParameter(ArrayTypeName.of(ArrayTypeName.of(TypeName.DOUBLE)), "responsibilities")
          .addJavadoc("Sets q($L) to the given responsibilities, one row per element ($L rows of $L, each finite, >= 0,"
              + " summing to 1);\nthe first sweep updates the other factors from them.\n\n"
              + "@throws IllegalStateException after the first sweep\n"
              + "@throws IllegalArgumentException naming the first row that is not a distribution\n", factor,
              layout.product(fs.elementDims()), layout.dim(fs.dim()))
          .beginControlFlow("if (sweeps > 0)")
          .addStatement("throw new $T($S)", ISE, factor
              + ": starting responsibilities are set before the first sweep")
          .endControlFlow()
          .beginControlFlow("if (responsibilities.length != $L)", rows)
          .addStatement("throw new $T($S + responsibilities.length + $S + $L)", IAE,
              factor + ": ", " rows given, the model has ", rows)
          .endControlFlow()
          .beginControlFlow("for (int r = 0; r < $L; r++)", rows)
          .addStatement("double[] row = responsibilities[r]")
          .beginControlFlow("if (row == null || row.length != $L)", k)
          .addStatement("throw new $T($S + r + $S + (row == null ? 0 : row.length) + $S + $L)", IAE,
              factor + ": row ", " has ", " entries, not ", k)
          .endControlFlow()
          .addStatement("double sum = 0.0")
          .beginControlFlow("for (int c = 0; c < $L; c++)", k)
          .beginControlFlow("if (!(row[c] >= 0.0) || row[c] == $T.POSITIVE_INFINITY)", DOUBLE)
          .addStatement("throw new $T($S + r + $S + c + $S + row[c] + $S)", IAE, factor + ": row ",
              ", column ", " is ", "; responsibilities are finite and >= 0")
          .endControlFlow()
          .addStatement("sum += row[c]")
          .endControlFlow()
          .beginControlFlow("if ($T.abs(sum - 1.0) > 1e-9 * $L)", MATH, k)
          .addStatement("throw new $T($S + r + $S + sum + $S)", IAE, factor + ": row ", " sums to ",
              ", not 1")
          .endControlFlow()
          .endControlFlow()
          .addComment("all rows checked before any is set: a bad row leaves q($L) as it was", factor)
          .beginControlFlow("for (int r = 0; r < $L; r++)", rows)
          .addStatement("$T.arraycopy(responsibilities[r], 0, $L, r * $L, $L)", SYSTEM, p, k, k)
          .endControlFlow();
      if (fused != null && fused.f.local == fs.update() && fused.hasStatistics()) {
        m.addStatement("s.statistics()");
      }
      if (layout.chains.containsKey(factor)) {
        m.addStatement("s.$N(false)", layout.chains.get(factor).startMethod());
      }
      m.addStatement("return this");
      t.addMethod(m.build());
    }
    return t.build();
  }

  TypeSpec resultClass() {
    TypeSpec.Builder t = TypeSpec.classBuilder("Result").addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(FIT_RESULT)
        .addJavadoc("A fitted posterior: the ELBO trace and every factor's parameters.\n");
    t.addField(TypeName.DOUBLE, "elbo", Modifier.PRIVATE, Modifier.FINAL);
    t.addField(ArrayTypeName.of(TypeName.DOUBLE), "trace", Modifier.PRIVATE, Modifier.FINAL);
    t.addField(TypeName.INT, "iterations", Modifier.PRIVATE, Modifier.FINAL);
    t.addField(TypeName.BOOLEAN, "converged", Modifier.PRIVATE, Modifier.FINAL);
    t.addField(stateName(), "s", Modifier.PRIVATE, Modifier.FINAL);
    t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
        .addParameter(stateName(), "s").addParameter(ArrayTypeName.of(TypeName.DOUBLE), "trace")
        .addParameter(TypeName.INT, "iterations").addParameter(TypeName.BOOLEAN, "converged")
        .addStatement("this.s = s").addStatement("this.trace = trace").addStatement("this.iterations = iterations")
        .addStatement("this.converged = converged")
        .addStatement("this.elbo = iterations > 0 ? trace[iterations - 1] : s.elbo()").build());
    persist.addToResult(t);
    t.addMethod(MethodSpec.methodBuilder("elbo").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(TypeName.DOUBLE).addStatement("return elbo").build());
    t.addMethod(MethodSpec.methodBuilder("elboTrace").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(ArrayTypeName.of(TypeName.DOUBLE)).addStatement("return trace.clone()").build());
    t.addMethod(MethodSpec.methodBuilder("iterations").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(TypeName.INT).addStatement("return iterations").build());
    t.addMethod(MethodSpec.methodBuilder("converged").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(TypeName.BOOLEAN).addStatement("return converged").build());
    for (CheckedModel.SizeSym size : plan.graph().sizes()) {
      t.addMethod(MethodSpec.methodBuilder(layout.sizeAccessors.get(size.name())).addModifiers(Modifier.PUBLIC)
          .returns(TypeName.INT).addJavadoc("The value size {@code $L} had in this fit.\n", size.name())
          .addStatement("return s.$N", layout.sizeNames.get(size.name())).build());
    }
    MethodSpec.Builder generic = MethodSpec.methodBuilder("posteriors").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(ClassName.get(Map.class), STRING,
            FIT_RESULT.nestedClass("Posterior")));
    generic.addStatement("$T<$T, $T> out = new $T<>()", Map.class, STRING, FIT_RESULT.nestedClass("Posterior"),
        LinkedHashMap.class);
    for (Layout.FactorStorage fs : layout.factors.values()) {
      accessors.accessors(t, fs);
      CodeBlock entry = accessors.genericPosterior(fs);
      generic.addCode(fs.update().local() ? persist.ifLocalsPresent(fs, entry) : entry);
    }
    new ChainWriter(ctx).resultMethods(t, persist);
    for (UpdatePlan.Predictive p : plan.predictives()) {
      t.addMethod(predictMethod(p, false));
      if (p.second() != null) {
        t.addMethod(predictMethod(p, true));
      }
    }
    generic.addStatement("return $T.unmodifiableMap(out)", Collections.class);
    t.addMethod(generic.build());
    t.addMethod(parametersHelper());
    if (layout.factors.values().stream().anyMatch(fs -> fs.moments().containsKey("x2"))) {
      t.addMethod(sdHelper());
    }
    return t.build();
  }

  private MethodSpec parametersHelper() {
    return MethodSpec.methodBuilder("parameters").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(ParameterizedTypeName.get(Map.class, String.class, double[].class))
        .addParameter(String[].class, "names").addParameter(double[][].class, "values").varargs()
        .addJavadoc("Copies of parameter arrays by name, in order.\n")
        .addStatement("$T<$T, double[]> out = new $T<>()", Map.class, STRING, LinkedHashMap.class)
        .beginControlFlow("for (int i = 0; i < names.length; i++)")
        .addStatement("out.put(names[i], values[i].clone())")
        .endControlFlow()
        .addStatement("return out").build();
  }

  private MethodSpec sdHelper() {
    return MethodSpec.methodBuilder("sd").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(double[].class).addParameter(double[].class, "mean").addParameter(double[].class, "second")
        .addJavadoc("Standard deviations from first and second moments.\n")
        .addStatement("double[] out = new double[mean.length]")
        .beginControlFlow("for (int i = 0; i < out.length; i++)")
        .addStatement("out[i] = $T.sqrt($T.max(0.0, second[i] - mean[i] * mean[i]))", MATH, MATH)
        .endControlFlow()
        .addStatement("return out").build();
  }

  /** Result's predictive mean (or, with {@code variance}, variance) of one entry of a data array. */
  private MethodSpec predictMethod(UpdatePlan.Predictive p, boolean variance) {
    Layout.DataArray d = layout.data.get(p.node());
    String name = (variance ? layout.predictVarianceNames : layout.predictNames).get(p.node());
    MethodSpec.Builder pm = MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC).returns(TypeName.DOUBLE)
        .addJavadoc(variance
                ? "The posterior predictive variance of {@code $L$L}: E_q[variance] + Var_q[mean] of its distribution.\n"
                : "The posterior predictive mean of {@code $L$L}: for a missing entry, its reconstruction.\n",
            p.node(), p.element().isEmpty() ? "" : "[" + String.join(", ", p.element().stream().map(Idx::name).toList())
                + "]");
    List<CodeBlock> args = new ArrayList<>();
    pm.addCode(persist.requireData(d));
    Set<String> scope = new LinkedHashSet<>(RESULT_FIELDS);
    for (Idx i : p.element()) {
      String n = layout.local(i.name(), scope);
      pm.addParameter(TypeName.INT, n);
      args.add(CodeBlock.of("$N", n));
      pm.beginControlFlow("if ($N < 0 || $N >= $L)", n, n, layout.dim(i.range(), "s"));
      pm.addStatement("throw new $T($S + $N)", IOOBE, i.name() + " out of range: ", n);
      pm.endControlFlow();
    }
    pm.addStatement("return s.$N($L)", name, CodeBlock.join(args, ", "));
    return pm.build();
  }
}
