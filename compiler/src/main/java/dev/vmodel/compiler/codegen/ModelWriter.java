package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Domain;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.conjugacy.Constants;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.IrPrinter;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.compiler.plan.PlanPrinter;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * Stage 6: writes one Java class per update plan. The layout of every array is decided by
 * {@link Layout}, the code of every polynomial by {@link PolyCode}, the family conversions by
 * {@link FamilyCode}; this class assembles them into a readable, self-contained model class that
 * depends only on the vmodel runtime.
 */
public final class ModelWriter {
  private static final String RT = "dev.vmodel.runtime";
  private static final ClassName KMEANS = ClassName.get(RT + ".fit", "KMeansPlusPlus");
  private static final ClassName FIT_OPTIONS = ClassName.get(RT + ".fit", "FitOptions");
  private static final ClassName FIT_RESULT = ClassName.get(RT + ".fit", "FitResult");
  private static final ClassName DATA_EXCEPTION = ClassName.get(RT + ".fit", "DataException");
  private static final ClassName ELBO_DECREASED = ClassName.get(RT + ".fit", "ElboDecreasedException");
  private static final ClassName SPECIAL = ClassName.get(RT, "SpecialFunctions");
  private static final ClassName CHUNKS = ClassName.get(RT + ".fit", "Chunks");
  private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

  private final UpdatePlan plan;
  private final Layout layout;
  private final PolyCode polys;
  private final FamilyCode families;
  /** {@code vmodel explain}'s text of the plan, quoted in the javadoc. */
  private final String explain;
  /** Workspaces of scattered natural-parameter terms, by the natural parameter's holder. */
  private final Map<String, Scatter> scatters = new LinkedHashMap<>();
  /**
   * Per-chunk natural-parameter workspaces ({@code double[chunks][width]}) of the factors whose
   * element loop runs in chunks, by the natural parameter's holder name.
   */
  private final Map<String, String> chunkWorkspaces = new LinkedHashMap<>();
  /** The State field holding {@code options.threads()}, if any update runs in chunks. */
  private String threadsField;
  private final String packageName;
  private final ClassName model;
  /** The fused pass over a local categorical factor's plate, or null (see {@link RowFusion}). */
  private final FusedUpdate fused;
  /** Sums over plates of data alone, computed once per fit. */
  private final DataSums dataSums;
  private final Map<FactorUpdate, List<NaturalParam>> evaluated = new HashMap<>();

  private ModelWriter(UpdatePlan plan, String packageName) {
    this.plan = plan;
    this.layout = new Layout(plan);
    this.polys = new PolyCode(layout);
    this.families = new FamilyCode(layout);
    this.explain = PlanPrinter.text(plan);
    this.packageName = packageName;
    this.model = ClassName.get(packageName, plan.graph().name());
    RowFusion fusion = RowFusion.analyze(plan, this::chunked);
    this.fused = fusion == null ? null : new FusedUpdate(fusion, layout, polys);
    this.dataSums = new DataSums(layout, polys);
  }

  /** The natural parameters the generated update evaluates: the plan's, with row statistics read where fused. */
  private List<NaturalParam> naturalParams(FactorUpdate u) {
    return evaluated.computeIfAbsent(u, x -> {
      List<NaturalParam> params = fused != null && fused.f.rewritten.containsKey(u.factor().name())
          ? fused.f.rewritten.get(u.factor().name()) : u.natural();
      List<NaturalParam> out = new ArrayList<>();
      for (NaturalParam p : params) {
        List<Idx> open = new ArrayList<>(u.elementIndices());
        open.addAll(p.components());
        out.add(new NaturalParam(p.stat(), p.components(), dataSums.rewrite(p.value(), open)));
      }
      return out;
    });
  }

  private boolean isFused(FactorUpdate u) {
    return fused != null && fused.f.local == u;
  }

  /** The generated source of a plan; {@code packageOverride} replaces the file's package. */
  public static JavaFile write(UpdatePlan plan, Optional<String> packageOverride) {
    String pkg = packageOverride.or(() -> plan.graph().javaPackage()).orElse("");
    return new ModelWriter(plan, pkg).file();
  }

  private JavaFile file() {
    TypeSpec state = state();
    TypeSpec.Builder t = TypeSpec.classBuilder(model)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addAnnotation(AnnotationSpec.builder(GENERATED).addMember("value", "$S", "vmodel")
            .addMember("comments", "$S", "from " + fileName() + ", model " + plan.graph().name()).build())
        .addJavadoc(classDoc());
    // Configuration: sizes and hyperparameters set through the builder (null: use the default).
    for (CheckedModel.SizeSym s : plan.graph().sizes()) {
      t.addField(FieldSpec.builder(ClassName.get(Integer.class), layout.sizeNames.get(s.name()),
          Modifier.PRIVATE, Modifier.FINAL).build());
    }
    for (CheckedModel.HyperSym h : plan.graph().hypers()) {
      t.addField(FieldSpec.builder(hyperConfigType(h.type()), layout.hyperNames.get(h.name()),
          Modifier.PRIVATE, Modifier.FINAL).build());
    }
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
        .addParameter(builderName(), "builder");
    for (String s : layout.sizeNames.values()) {
      ctor.addStatement("this.$L = builder.$L", s, s);
    }
    for (String h : layout.hyperNames.values()) {
      ctor.addStatement("this.$L = builder.$L", h, h);
    }
    t.addMethod(ctor.build());
    t.addMethod(MethodSpec.methodBuilder("builder").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(builderName()).addJavadoc("A builder for sizes and hyperparameters; unset ones take the"
            + " model's defaults (or, for sizes, the data).\n")
        .addStatement("return new $T()", builderName()).build());
    t.addMethod(MethodSpec.methodBuilder("create").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(model).addJavadoc("The model with every size and hyperparameter at its default.\n")
        .addStatement("return builder().build()").build());
    t.addMethod(MethodSpec.methodBuilder("fit").addModifiers(Modifier.PUBLIC).returns(resultName())
        .addParameter(dataName(), "data")
        .addJavadoc("Fits with {@link $T#defaults()}.\n", FIT_OPTIONS)
        .addStatement("return fit(data, $T.defaults())", FIT_OPTIONS).build());
    t.addMethod(fitMethod());
    t.addMethod(startMethod());
    t.addType(builder());
    t.addType(dataClass());
    t.addType(state);
    t.addType(sessionClass());
    t.addType(resultClass());
    return JavaFile.builder(packageName, t.build()).skipJavaLangImports(true).indent("  ")
        .addFileComment("Generated by vmodel from $L. Do not edit: change the model and regenerate.", fileName())
        .build();
  }

  private String fileName() {
    String f = plan.graph().file();
    int slash = Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\'));
    return slash >= 0 ? f.substring(slash + 1) : f;
  }

  private ClassName builderName() {
    return model.nestedClass("Builder");
  }

  private ClassName dataName() {
    return model.nestedClass("Data");
  }

  private ClassName stateName() {
    return model.nestedClass("State");
  }

  private ClassName resultName() {
    return model.nestedClass("Result");
  }

  private CodeBlock classDoc() {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("Mean-field variational inference for the model {@code $L}, generated by vmodel.\n\n", plan.graph().name());
    b.add("<p>Factorisation: $L. One sweep updates $L, then computes the evidence lower bound (ELBO).\n\n",
        String.join(" ", plan.updates().stream().map(u -> "q(" + u.factor().name() + ")").toList()),
        String.join(", ", plan.schedule().stream().map(s -> "q(" + s + ")").toList()));
    b.add("<pre>{@code\n$T.Result r = $T.create().fit(new $T.Data()", model, model, model);
    for (Layout.DataArray d : layout.data.values()) {
      b.add(".$L($L)", d.field(), d.field());
    }
    b.add(");\n");
    List<String[]> lines = new ArrayList<>();
    for (Layout.FactorStorage fs : layout.factors.values()) {
      FactorUpdate u = fs.update();
      List<String> idx = u.elementIndices().stream().map(Idx::name).toList();
      String members = String.join(", ", u.factor().members().stream()
          .map(x -> idx.isEmpty() ? x : x + "[" + String.join(", ", idx) + "]").toList());
      lines.add(new String[] {"r." + fs.base() + "(" + String.join(", ", idx) + ");",
          "q(" + members + "): " + u.family().title()});
    }
    int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0);
    for (String[] l : lines) {
      b.add("$L$L// $L\n", l[0], " ".repeat(width - l[0].length() + 2), l[1]);
    }
    b.add("}</pre>\n");
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // Builder, data and configuration

  private static TypeName hyperConfigType(Type t) {
    if (t instanceof Type.Vector) {
      return ArrayTypeName.of(TypeName.DOUBLE);
    } else if (t instanceof Type.Matrix) {
      return ArrayTypeName.of(ArrayTypeName.of(TypeName.DOUBLE));
    }
    return ClassName.get(Double.class);
  }

  private TypeSpec builder() {
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
          .addStatement("throw new IllegalArgumentException($S + value)", "size " + s.name() + " must be at least 1, got ")
          .endControlFlow()
          .addStatement("this.$L = value", f).addStatement("return this").build());
    }
    for (CheckedModel.HyperSym h : plan.graph().hypers()) {
      String f = layout.hyperNames.get(h.name());
      TypeName type = hyperConfigType(h.type());
      b.addField(FieldSpec.builder(type, f, Modifier.PRIVATE).build());
      MethodSpec.Builder m = MethodSpec.methodBuilder(f).addModifiers(Modifier.PUBLIC).returns(builderName())
          .addJavadoc("Sets hyperparameter {@code $L} ($L$L).\n", h.name(), h.type().text(),
              h.defaultValue().map(v -> ", default " + AstPrinter.print(v)).orElse(""));
      if (h.type() instanceof Type.Scalar sc) {
        // The declared domain, tightened by what the hyper's uses need (alpha0 in Dirichlet(rep(alpha0, K))).
        Domain declared = domainDeclared(h) ? sc.domain() : Domain.REAL;
        Domain domain = h.required().within(declared) ? h.required() : declared;
        m.addParameter(TypeName.DOUBLE, "value");
        m.beginControlFlow("if ($L)", outside("value", domain))
            .addStatement("throw new IllegalArgumentException($S + value)",
                "hyper " + h.name() + " must be " + domainWord(domain) + ", got ")
            .endControlFlow();
        m.addStatement("this.$L = value", f);
      } else {
        m.addParameter(type, "value");
        m.addStatement("this.$L = value.clone()", f);
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

  /** The condition that {@code v} is not in the domain. */
  private static String outside(String v, Domain d) {
    return d == Domain.REAL ? "!Double.isFinite(" + v + ")" : "!(" + domainTest(v, d) + ")";
  }

  private static String domainTest(String v, Domain d) {
    switch (d) {
      case POSITIVE:
        return v + " > 0 && " + v + " < Double.POSITIVE_INFINITY";
      case UNIT:
        return v + " > 0 && " + v + " < 1";
      case COUNT:
        return v + " >= 0 && " + v + " == Math.rint(" + v + ")";
      case POSITIVE_INT:
        return v + " >= 1 && " + v + " == Math.rint(" + v + ")";
      case INT:
        return v + " == Math.rint(" + v + ")";
      case BOOL:
        return v + " == 0 || " + v + " == 1";
      default:
        return "Double.isFinite(" + v + ")";
    }
  }

  private static String domainWord(Domain d) {
    switch (d) {
      case POSITIVE:
        return "positive and finite";
      case UNIT:
        return "in (0, 1)";
      case COUNT:
        return "a non-negative integer";
      case POSITIVE_INT:
        return "a positive integer";
      case INT:
        return "an integer";
      case BOOL:
        return "0 or 1";
      default:
        return "a finite number";
    }
  }

  /** The API type of a data array: rank = plates + components. */
  private static TypeName dataType(Layout.DataArray d) {
    int rank = d.plateDims().size() + d.componentDims().size();
    TypeName t = d.integer() ? TypeName.INT : TypeName.DOUBLE;
    for (int i = 0; i < rank; i++) {
      t = ArrayTypeName.of(t);
    }
    return t;
  }

  /** {@code x[n in N]: vector[D]}, as declared. */
  private String declaration(Layout.DataArray d) {
    List<ModelGraph.Plate> plates = plan.graph().node(d.node()).plates();
    String p = plates.isEmpty() ? ""
        : "[" + String.join(", ", plates.stream().map(x -> x.index() + " in " + x.size()).toList()) + "]";
    return d.node() + p + ": " + d.type().text();
  }

  /** The Java array a setter takes, with its dimensions: {@code double[N][D]}. */
  private static String dataShape(Layout.DataArray d) {
    StringBuilder b = new StringBuilder(d.integer() ? "int" : "double");
    for (Dim x : d.plateDims()) {
      b.append('[').append(x.text()).append(']');
    }
    for (Dim x : d.componentDims()) {
      b.append('[').append(x.text()).append(']');
    }
    return b.toString();
  }

  private TypeSpec dataClass() {
    TypeSpec.Builder b = TypeSpec.classBuilder("Data").addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The observed arrays and covariates of {@link $T}. Real values may be NaN where missing"
            + " only if the model supports it; everything is validated by {@code fit}.\n", model);
    for (Layout.DataArray d : layout.data.values()) {
      TypeName t = dataType(d);
      b.addField(FieldSpec.builder(t, d.field(), Modifier.PRIVATE).build());
      b.addMethod(MethodSpec.methodBuilder(d.field()).addModifiers(Modifier.PUBLIC).returns(dataName())
          .addParameter(t, "value")
          .addJavadoc("$L {@code $L}: $L {@code $L} with $L.\n", d.modeled() ? "Observed" : "Covariate",
              declaration(d), d.integer() ? "an" : "a", dataShape(d), d.integer() ? d.type() instanceof Type.Cat c
                  ? "categories 0.." + c.range().text() + "-1" : "integer values" : "real values")
          .addStatement("this.$L = value", d.field()).addStatement("return this").build());
    }
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------
  // fit

  private MethodSpec fitMethod() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("fit").addModifiers(Modifier.PUBLIC).returns(resultName())
        .addParameter(dataName(), "data").addParameter(FIT_OPTIONS, "options")
        .addJavadoc("Runs coordinate ascent from {@code options.restarts()} starts and returns the fit with the"
            + " highest ELBO.\n\n@throws $T if the data are missing, ragged or out of their declared range\n",
            DATA_EXCEPTION);
    m.addStatement("$T best = null", resultName());
    m.beginControlFlow("for (int restart = 0; restart < options.restarts(); restart++)");
    m.addStatement("$T s = new $T(this, data)", stateName(), stateName());
    m.addStatement("s.init(new $T(options.seed() + restart), options)", SplittableRandom.class);
    m.addStatement("double[] trace = new double[options.maxIterations()]");
    m.addStatement("double previous = Double.NEGATIVE_INFINITY");
    m.addStatement("boolean converged = false");
    m.addStatement("int iterations = 0");
    m.beginControlFlow("for (int it = 1; it <= options.maxIterations(); it++)");
    m.addStatement("s.sweep(it, options.checkMonotone())");
    m.addStatement("double elbo = $L", elboAfterSweep());
    m.addStatement("trace[it - 1] = elbo");
    m.addStatement("iterations = it");
    m.beginControlFlow("if (options.listener() != null)");
    m.addStatement("options.listener().sweep(restart, it, elbo)");
    m.endControlFlow();
    m.beginControlFlow("if (Math.abs(elbo - previous) <= options.tolerance() * Math.max(1.0, Math.abs(elbo)))");
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

  /** Whether the state has {@code elboAfterSweep()}: the fused update's log-normalisers give the ELBO. */
  private boolean hasElboAfterSweep() {
    return fused != null && fused.lnNorm != null;
  }

  /** The ELBO after a sweep of state {@code s}, as {@code fit} and a session record it. */
  private String elboAfterSweep() {
    return hasElboAfterSweep() ? "options.checkMonotone() ? s.elbo() : s.elboAfterSweep()" : "s.elbo()";
  }

  private ClassName sessionName() {
    return model.nestedClass("Session");
  }

  private MethodSpec startMethod() {
    return MethodSpec.methodBuilder("start").addModifiers(Modifier.PUBLIC).returns(sessionName())
        .addParameter(dataName(), "data").addParameter(FIT_OPTIONS, "options")
        .addJavadoc("Starts coordinate ascent as {@code fit} does (one start, from {@code options.seed()}) and returns it"
            + " before\nthe first sweep: the caller runs the sweeps, for custom stopping rules, schedules of its own,"
            + " starting\nresponsibilities, or benchmarks.\n\n@throws $T if the data are missing, ragged or out of"
            + " their declared range\n", DATA_EXCEPTION)
        .addStatement("$T s = new $T(this, data)", stateName(), stateName())
        .addStatement("s.init(new $T(options.seed()), options)", SplittableRandom.class)
        .addStatement("return new $T(s, options)", sessionName()).build();
  }

  /** The local categorical factors a session can start from given responsibilities. */
  private List<Layout.FactorStorage> settableLocals() {
    List<Layout.FactorStorage> out = new ArrayList<>();
    for (Layout.FactorStorage fs : layout.factors.values()) {
      if (fs.update().local() && fs.update().family().kind() == Family.Kind.CATEGORICAL) {
        out.add(fs);
      }
    }
    return out;
  }

  private TypeSpec sessionClass() {
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
    Set<String> taken = Set.of("sweep", "elbo", "sweeps", "result");
    for (Layout.FactorStorage fs : settableLocals()) {
      String name = taken.contains(fs.base()) ? "set" + Layout.cap(fs.base()) : fs.base();
      String rows = qualifySizes(layout.product(fs.elementDims()));
      String k = qualifySizes(layout.dim(fs.dim()));
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
          .addStatement("throw new IllegalStateException($S)", factor
              + ": starting responsibilities are set before the first sweep")
          .endControlFlow()
          .beginControlFlow("if (responsibilities.length != $L)", rows)
          .addStatement("throw new IllegalArgumentException($S + responsibilities.length + $S + $L)",
              factor + ": ", " rows given, the model has ", rows)
          .endControlFlow()
          .beginControlFlow("for (int r = 0; r < $L; r++)", rows)
          .addStatement("double[] row = responsibilities[r]")
          .beginControlFlow("if (row == null || row.length != $L)", k)
          .addStatement("throw new IllegalArgumentException($S + r + $S + (row == null ? 0 : row.length) + $S + $L)",
              factor + ": row ", " has ", " entries, not ", k)
          .endControlFlow()
          .addStatement("double sum = 0.0")
          .beginControlFlow("for (int c = 0; c < $L; c++)", k)
          .beginControlFlow("if (!(row[c] >= 0.0) || row[c] == Double.POSITIVE_INFINITY)")
          .addStatement("throw new IllegalArgumentException($S + r + $S + c + $S + row[c] + $S)", factor + ": row ",
              ", column ", " is ", "; responsibilities are finite and >= 0")
          .endControlFlow()
          .addStatement("sum += row[c]")
          .endControlFlow()
          .beginControlFlow("if (Math.abs(sum - 1.0) > 1e-9 * $L)", k)
          .addStatement("throw new IllegalArgumentException($S + r + $S + sum + $S)", factor + ": row ", " sums to ",
              ", not 1")
          .endControlFlow()
          .endControlFlow()
          .addComment("all rows checked before any is set: a bad row leaves q($L) as it was", factor)
          .beginControlFlow("for (int r = 0; r < $L; r++)", rows)
          .addStatement("System.arraycopy(responsibilities[r], 0, $L, r * $L, $L)", p, k, k)
          .endControlFlow();
      if (fused != null && fused.f.local == fs.update() && fused.hasStatistics()) {
        m.addStatement("s.statistics()");
      }
      m.addStatement("return this");
      t.addMethod(m.build());
    }
    return t.build();
  }

  // ---------------------------------------------------------------------------------------------
  // State: storage, binding, updates, ELBO

  private TypeSpec state() {
    TypeSpec.Builder t = TypeSpec.classBuilder("State").addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(notation())
        .addJavadoc("One fit's storage: sizes, hyperparameters, data (flat, row-major), and every factor's"
            + " parameters and moments.\n");
    for (String s : layout.sizeNames.values()) {
      t.addField(TypeName.INT, s, Modifier.PRIVATE);
    }
    for (CheckedModel.HyperSym h : plan.graph().hypers()) {
      t.addField(h.type() instanceof Type.Scalar ? TypeName.DOUBLE : ArrayTypeName.of(TypeName.DOUBLE),
          layout.hyperNames.get(h.name()), Modifier.PRIVATE);
    }
    for (Layout.DataArray d : layout.data.values()) {
      t.addField(ArrayTypeName.of(d.integer() ? TypeName.INT : TypeName.DOUBLE), d.field(), Modifier.PRIVATE);
      if (d.allowsMissing()) {
        t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), d.observedField(), Modifier.PRIVATE)
            .addJavadoc("1.0 where {@code $L} is observed, 0.0 where it is missing (NaN; stored as 0.0).\n", d.node())
            .build());
      }
    }
    for (Layout.FactorStorage fs : layout.factors.values()) {
      for (String p : fs.params().values()) {
        t.addField(ArrayTypeName.of(TypeName.DOUBLE), p, Modifier.PRIVATE);
      }
      for (String mo : fs.moments().values()) {
        t.addField(ArrayTypeName.of(TypeName.DOUBLE), mo, Modifier.PRIVATE);
      }
      for (Family.Stat s : fs.update().family().naturalStats()) {
        if (s.arity() > 0) {
          String eta = families.eta(fs, s.name());
          if (chunked(fs.update())) {
            t.addField(FieldSpec.builder(ArrayTypeName.of(ArrayTypeName.of(TypeName.DOUBLE)), chunkWorkspace(eta),
                Modifier.PRIVATE).addJavadoc("$L, one workspace per chunk of elements.\n", eta).build());
          } else {
            t.addField(ArrayTypeName.of(TypeName.DOUBLE), eta, Modifier.PRIVATE);
          }
        }
      }
    }
    if (fused != null) {
      fused.fields().forEach(t::addField);
    }
    if (threadsField() != null) {
      t.addField(FieldSpec.builder(TypeName.INT, threadsField(), Modifier.PRIVATE)
          .addJavadoc("How many threads the chunked element loops use ({@code options.threads()}).\n")
          .initializer("1").build());
    }
    // Generate updates and ELBO first: they register the matrix constants they read.
    List<MethodSpec> methods = new ArrayList<>();
    for (FactorUpdate u : plan.updates()) {
      methods.addAll(update(u));
    }
    if (fused != null && fused.hasStatistics()) {
      methods.addAll(fused.statisticsMethods(threadsField()));
    }
    methods.add(sweep());
    methods.add(checkedElbo());
    methods.add(elbo(false));
    if (hasElboAfterSweep()) {
      methods.add(elbo(true));
    }
    methods.add(init());
    for (UpdatePlan.Predictive p : plan.predictives()) {
      methods.add(predictive(p));
    }
    for (PolyCode.MatrixConstant c : polys.matrixConstants.values()) {
      t.addField(c.f() == Atom.MatFunc.INVERSE ? ArrayTypeName.of(TypeName.DOUBLE) : TypeName.DOUBLE, c.field(),
          Modifier.PRIVATE);
    }
    for (Scatter sc : scatters.values()) {
      t.addField(ArrayTypeName.of(TypeName.DOUBLE), sc.field(), Modifier.PRIVATE);
    }
    for (DataSums.Sum sum : dataSums.sums) {
      t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), sum.field(), Modifier.PRIVATE)
          .addJavadoc("A sum over $L of data alone, computed once per fit in {@link #prepare()}.\n", sum.row().name())
          .build());
    }
    t.addMethod(stateConstructor());
    t.addMethod(prepare());
    methods.forEach(t::addMethod);
    return t.build();
  }

  private MethodSpec stateConstructor() {
    MethodSpec.Builder m = MethodSpec.constructorBuilder().addParameter(model, "config")
        .addParameter(dataName(), "data");
    m.addComment("Sizes: the builder's value, else the default, else the data.");
    for (CheckedModel.SizeSym s : plan.graph().sizes()) {
      String f = layout.sizeNames.get(s.name());
      m.addStatement("$L = config.$L != null ? config.$L : 0", f, f, f);
    }
    for (Layout.DataArray d : layout.data.values()) {
      m.beginControlFlow("if (data.$L == null)", d.field());
      m.addStatement("throw new $T($S, -1, -1, $S)", DATA_EXCEPTION, d.node(),
          "no values given; call data." + d.field() + "(...)");
      m.endControlFlow();
      List<Dim> dims = new ArrayList<>(d.plateDims());
      dims.addAll(d.componentDims());
      bindDims(m, d, dims);
    }
    // A category count bound by cat[K] data is the largest category plus one.
    for (Layout.DataArray d : layout.data.values()) {
      if (d.type() instanceof Type.Cat c && c.range() instanceof Dim.Named n && !hasDefault(n.size())) {
        String k = layout.sizeNames.get(n.size());
        int rank = d.plateDims().size() + d.componentDims().size();
        m.beginControlFlow("if ($L == 0)", k);
        String array = "data." + d.field();
        Set<String> scope = new LinkedHashSet<>();
        String v = localName("v", scope);
        for (int level = 0; level < rank; level++) {
          String row = level == rank - 1 ? v : localName("row", scope);
          m.beginControlFlow("for (int$L $L : $L)", "[]".repeat(rank - 1 - level), row, array);
          array = row;
        }
        m.addStatement("$L = Math.max($L, $L + 1)", k, k, v);
        for (int level = 0; level < rank; level++) {
          m.endControlFlow();
        }
        m.endControlFlow();
      }
    }
    for (CheckedModel.SizeSym s : sizesInDefaultOrder()) {
      String f = layout.sizeNames.get(s.name());
      m.beginControlFlow("if ($L == 0)", f);
      m.addStatement("$L = $L", f, sizeDefault(s.defaultValue().get()));
      m.endControlFlow();
    }
    for (String s : layout.sizeNames.values()) {
      m.beginControlFlow("if ($L < 1)", s);
      m.addStatement("throw new IllegalArgumentException($S)", "size " + s + " is not bound: set it with the builder");
      m.endControlFlow();
    }
    // Hyperparameters: the builder's value or the default.
    for (CheckedModel.HyperSym h : plan.graph().hypers()) {
      hyperBinding(m, h);
    }
    // Data: flatten and validate.
    for (Layout.DataArray d : layout.data.values()) {
      flattenData(m, d);
    }
    // Factor storage.
    for (Layout.FactorStorage fs : layout.factors.values()) {
      String elements = layout.product(fs.elementDims());
      Family.Kind k = fs.update().family().kind();
      for (Map.Entry<String, String> p : fs.params().entrySet()) {
        int w = families.paramWidth(k, p.getKey());
        m.addStatement("$L = new double[$L]", p.getValue(), width(elements, fs.dim(), w));
      }
      for (Map.Entry<String, String> mo : fs.moments().entrySet()) {
        if (k == Family.Kind.CATEGORICAL && mo.getKey().equals("onehot")) {
          // E[onehot(z)] = p: one array serves as both (N x K doubles held once).
          m.addStatement("$L = $L", mo.getValue(), fs.params().get("p"));
          continue;
        }
        m.addStatement("$L = new double[$L]", mo.getValue(), width(elements, fs.dim(), fs.momentArity().get(mo.getKey())));
      }
      for (Family.Stat s : fs.update().family().naturalStats()) {
        if (s.arity() > 0) {
          String eta = families.eta(fs, s.name());
          if (chunked(fs.update())) {
            m.addStatement("$L = new double[$T.count($L)][$L]", chunkWorkspace(eta), CHUNKS,
                layout.dim(fs.update().elementIndices().get(0).range()), width("1", fs.dim(), s.arity()));
          } else {
            m.addStatement("$L = new double[$L]", eta, width("1", fs.dim(), s.arity()));
          }
        }
      }
    }
    for (Scatter sc : scatters.values()) {
      m.addStatement("$L = new double[$L]", sc.field(), sc.length());
    }
    if (fused != null) {
      m.addCode(fused.allocate());
    }
    m.addStatement("prepare()");
    return m.build();
  }

  private String width(String elements, Dim dim, int arity) {
    String w = elements;
    for (int i = 0; i < arity; i++) {
      w = w.equals("1") ? layout.dim(dim) : w + " * " + layout.dim(dim);
    }
    return w;
  }

  private boolean hasDefault(String size) {
    return plan.graph().sizes().stream().anyMatch(s -> s.name().equals(size) && s.defaultValue().isPresent());
  }

  /** The sizes with defaults, each after the sizes its default refers to. */
  private List<CheckedModel.SizeSym> sizesInDefaultOrder() {
    List<CheckedModel.SizeSym> out = new ArrayList<>();
    List<CheckedModel.SizeSym> remaining = new ArrayList<>(
        plan.graph().sizes().stream().filter(s -> s.defaultValue().isPresent()).toList());
    while (!remaining.isEmpty()) {
      CheckedModel.SizeSym next = remaining.get(0);
      for (CheckedModel.SizeSym s : remaining) {
        Set<String> refs = new LinkedHashSet<>();
        sizeRefs(s.defaultValue().get(), refs);
        if (remaining.stream().noneMatch(r -> refs.contains(r.name()))) {
          next = s;
          break;
        }
      }
      remaining.remove(next);
      out.add(next);
    }
    return out;
  }

  private static void sizeRefs(Expr e, Set<String> out) {
    if (e instanceof Expr.Name n) {
      out.add(n.name());
    } else if (e instanceof Expr.Binary b) {
      sizeRefs(b.left(), out);
      sizeRefs(b.right(), out);
    } else if (e instanceof Expr.Neg n) {
      sizeRefs(n.operand(), out);
    }
  }

  /**
   * Java for a size's default: a number or a size as it is, arithmetic of numbers and sizes
   * (the checker has verified that it is a positive integer) rounded.
   */
  private String sizeDefault(Expr e) {
    if (e instanceof Expr.Number n) {
      return Long.toString(Math.round(n.value()));
    }
    if (e instanceof Expr.Name n) {
      return layout.sizeNames.get(n.name());
    }
    return "(int) Math.rint(" + sizeArithmetic(e) + ")";
  }

  private String sizeArithmetic(Expr e) {
    if (e instanceof Expr.Number n) {
      return PolyCode.number(n.value());
    } else if (e instanceof Expr.Name n) {
      return layout.sizeNames.get(n.name());
    } else if (e instanceof Expr.Neg n) {
      return "-" + sizeArithmetic(n.operand());
    } else if (e instanceof Expr.Binary b) {
      return "(" + sizeArithmetic(b.left()) + " " + b.op().symbol() + " " + sizeArithmetic(b.right()) + ")";
    }
    throw new IllegalStateException("a size default the checker should have rejected: " + AstPrinter.print(e));
  }

  private void bindDims(MethodSpec.Builder m, Layout.DataArray d, List<Dim> dims) {
    // Walk the nested Java array: level 0 length binds dims[0], each row's length binds dims[1], ...
    String access = "data." + d.field();
    for (int level = 0; level < dims.size(); level++) {
      Dim dim = dims.get(level);
      String lengthCode = level == 0 ? access + ".length" : "data." + d.field() + "[0]" + "[0]".repeat(level - 1) + ".length";
      if (level > 0) {
        m.beginControlFlow("if (data.$L.length > 0$L)", d.field(), "");
      }
      if (dim instanceof Dim.Named n && !hasDefault(n.size())) {
        String s = layout.sizeNames.get(n.size());
        m.beginControlFlow("if ($L == 0)", s);
        m.addStatement("$L = $L", s, lengthCode);
        m.endControlFlow();
      }
      if (level > 0) {
        m.endControlFlow();
      }
    }
  }

  /**
   * Copies a data array into its flat field, checking its shape and every value. Loops are
   * named after the declaration's plate indices ({@code for (int t = 0; t < T; t++)}).
   */
  private void flattenData(MethodSpec.Builder m, Layout.DataArray d) {
    List<Dim> dims = new ArrayList<>(d.plateDims());
    dims.addAll(d.componentDims());
    String elem = d.integer() ? "int" : "double";
    m.addStatement("$L = new $L[$L]", d.field(), elem, layout.product(dims));
    if (d.allowsMissing()) {
      m.addStatement("$L = new double[$L]", d.observedField(), layout.product(dims));
    }
    if (dims.isEmpty()) {
      m.addStatement("$L[0] = data.$L", d.field(), d.field());
      return;
    }
    Set<String> scope = new LinkedHashSet<>();
    String v = localName("v", scope);
    List<String> idx = new ArrayList<>();
    List<ModelGraph.Plate> plates = plan.graph().node(d.node()).plates();
    for (int level = 0; level < dims.size(); level++) {
      idx.add(localName(level < plates.size() ? plates.get(level).index() : level == plates.size() ? "j" : "k",
          scope));
    }
    String access = "data." + d.field();
    for (int level = 0; level < dims.size(); level++) {
      String i = idx.get(level);
      String len = layout.dim(dims.get(level));
      if (level == 0) {
        m.beginControlFlow("if ($L.length != $L)", access, len);
        m.addStatement("throw new $T($S, -1, -1, $S + $L.length + $S + $L)", DATA_EXCEPTION, d.node(), "has ", access,
            " rows, but " + dims.get(level).text() + " = ", len);
      } else {
        String row = idx.get(0);
        m.beginControlFlow("if ($L == null || $L.length != $L)", access, access, len);
        m.addStatement("throw new $T($S, $L, -1, $S + ($L == null ? 0 : $L.length) + $S + $L)", DATA_EXCEPTION,
            d.node(), row, "has ", access, access, " entries, but " + dims.get(level).text() + " = ", len);
      }
      m.endControlFlow();
      m.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, len, i);
      access = access + "[" + i + "]";
    }
    String row = idx.get(0);
    String col = idx.size() > 1 ? idx.get(idx.size() - 1) : "-1";
    m.addStatement("$L $L = $L", elem, v, access);
    validation(m, d, v, row, col);
    if (d.allowsMissing()) {
      // A missing entry is stored as 0.0 and masked out: its likelihood term is integrated away.
      m.addStatement("$L[$L] = Double.isNaN($L) ? 0.0 : 1.0", d.observedField(), layout.flat(idx, dims), v);
      m.addStatement("$L[$L] = Double.isNaN($L) ? 0.0 : $L", d.field(), layout.flat(idx, dims), v, v);
    } else {
      m.addStatement("$L[$L] = $L", d.field(), layout.flat(idx, dims), v);
    }
    for (int level = 0; level < dims.size(); level++) {
      m.endControlFlow();
    }
  }

  private void validation(MethodSpec.Builder m, Layout.DataArray d, String v, String row, String col) {
    Type t = d.type();
    if (t instanceof Type.Cat c) {
      String k = layout.dim(c.range());
      m.beginControlFlow("if ($L < 0 || $L >= $L)", v, v, k);
      m.addStatement("throw new $T($S, $L, $L, $S + $L + $S + $L + $S)", DATA_EXCEPTION, d.node(), row, col,
          "category ", v, " is out of range 0.." + c.range().text() + "-1 (" + c.range().text() + " = ", k, ")");
      m.endControlFlow();
      return;
    }
    if (t instanceof Type.Scalar s) {
      Domain dom = s.domain();
      if (d.integer()) {
        if (dom == Domain.COUNT || dom == Domain.BOOL) {
          m.beginControlFlow("if ($L)", outside(v, dom));
          m.addStatement("throw new $T($S, $L, $L, $S + $L)", DATA_EXCEPTION, d.node(), row, col,
              "must be " + domainWord(dom) + ", got ", v);
          m.endControlFlow();
        }
        return;
      }
      if (!d.allowsMissing()) {
        m.beginControlFlow("if (Double.isNaN($L))", v);
        m.addStatement("throw new $T($S, $L, $L, $S)", DATA_EXCEPTION, d.node(), row, col,
            "is missing (NaN); missing values are allowed only in observed real-valued data nothing else depends on");
        m.endControlFlow();
      }
      m.beginControlFlow("if ($L$L)", d.allowsMissing() ? "!Double.isNaN(" + v + ") && " : "", outside(v, dom));
      m.addStatement("throw new $T($S, $L, $L, $S + $L)", DATA_EXCEPTION, d.node(), row, col,
          "must be " + domainWord(dom) + ", got ", v);
      m.endControlFlow();
      return;
    }
    m.beginControlFlow("if (Double.isNaN($L) || Double.isInfinite($L))", v, v);
    m.addStatement("throw new $T($S, $L, $L, $S + $L)", DATA_EXCEPTION, d.node(), row, col,
        "must be a finite number (missing values are not supported here yet), got ", v);
    m.endControlFlow();
  }

  private void hyperBinding(MethodSpec.Builder m, CheckedModel.HyperSym h) {
    String f = layout.hyperNames.get(h.name());
    Type t = h.type();
    if (t instanceof Type.Scalar) {
      if (h.defaultValue().isPresent()) {
        Poly p = Constants.scalar(lowerConstant(h));
        m.addStatement("$L = config.$L != null ? config.$L : $L", f, f, f, polys.inline(p, Map.of()));
      } else {
        m.beginControlFlow("if (config.$L == null)", f);
        m.addStatement("throw new IllegalArgumentException($S)", "hyper " + h.name() + " has no default: set it with the builder");
        m.endControlFlow();
        m.addStatement("$L = config.$L", f, f);
      }
      return;
    }
    List<Dim> dims = Layout.componentDims(t);
    m.addStatement("$L = new double[$L]", f, layout.product(dims));
    m.beginControlFlow("if (config.$L != null)", f);
    if (t instanceof Type.Vector) {
      m.beginControlFlow("if (config.$L.length != $L)", f, layout.dim(dims.get(0)));
      m.addStatement("throw new IllegalArgumentException($S + config.$L.length + $S + $L)",
          "hyper " + h.name() + " has length ", f, ", but " + dims.get(0).text() + " = ", layout.dim(dims.get(0)));
      m.endControlFlow();
      m.addStatement("System.arraycopy(config.$L, 0, $L, 0, $L)", f, f, layout.dim(dims.get(0)));
    } else {
      String r = layout.dim(dims.get(0));
      String c = layout.dim(dims.get(1));
      m.beginControlFlow("for (int i = 0; i < $L; i++)", r);
      m.beginControlFlow("if (config.$L.length != $L || config.$L[i].length != $L)", f, r, f, c);
      m.addStatement("throw new IllegalArgumentException($S)", "hyper " + h.name() + " must be "
          + dims.get(0).text() + " x " + dims.get(1).text());
      m.endControlFlow();
      m.addStatement("System.arraycopy(config.$L[i], 0, $L, i * $L, $L)", f, f, c, c);
      m.endControlFlow();
    }
    m.nextControlFlow("else");
    if (h.defaultValue().isEmpty()) {
      m.addStatement("throw new IllegalArgumentException($S)", "hyper " + h.name() + " has no default: set it with the builder");
    } else if (t instanceof Type.Vector) {
      Idx i = Idx.fresh("i", dims.get(0));
      Poly p = Constants.component(lowerConstant(h), i);
      m.beginControlFlow("for (int i = 0; i < $L; i++)", layout.dim(dims.get(0)));
      m.addStatement("$L[i] = $L", f, polys.inline(p, Map.of(i, "i")));
      m.endControlFlow();
    } else {
      Idx i = Idx.fresh("i", dims.get(0));
      Idx j = Idx.fresh("j", dims.get(1));
      Poly p = Constants.entry(lowerConstant(h), i, j);
      m.beginControlFlow("for (int i = 0; i < $L; i++)", layout.dim(dims.get(0)));
      m.beginControlFlow("for (int j = 0; j < $L; j++)", layout.dim(dims.get(1)));
      m.addStatement("$L[i * $L + j] = $L", f, layout.dim(dims.get(1)), polys.inline(p, Map.of(i, "i", j, "j")));
      m.endControlFlow();
      m.endControlFlow();
    }
    m.endControlFlow();
  }

  private dev.vmodel.compiler.graph.Ir lowerConstant(CheckedModel.HyperSym h) {
    return plan.graph().hyperDefaults().get(h.name());
  }

  private List<MethodSpec> update(FactorUpdate u) {
    Layout.FactorStorage fs = layout.factors.get(u.factor().name());
    if (isFused(u) && fused.separable()) {
      return fused.update(updateName(u), updateDoc(u), threadsField());
    }
    MethodSpec.Builder m = MethodSpec.methodBuilder(updateName(u)).addModifiers(Modifier.PRIVATE);
    m.addJavadoc(updateDoc(u));
    if (fused != null && fused.f.rewritten.containsKey(u.factor().name())) {
      m.addJavadoc(fused.readsDoc());
    }
    if (!chunked(u)) {
      m.addCode(evaluateAndConvert(fs, naturalParams(u), u.factor().name(), false));
      return List.of(m.build());
    }
    boolean fusedRows = isFused(u);
    Parts parts = evaluateAndConvert(fs, naturalParams(u), u.factor().name(), false, true, fusedRows);
    String chunkName = updateName(u) + (fusedRows ? "Block" : "Chunk");
    m.addCode(parts.prelude());
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
            + " and the result does not depend on the thread count.\n", updateName(u), parts.from(), parts.to(),
            workspaceLocals(fs, parts.chunk()).isEmpty() ? ""
                : CodeBlock.of(", with chunk {@code $L}'s workspace", parts.chunk()));
    c.addCode(parts.loop());
    return List.of(m.build(), c.build());
  }

  /**
   * Whether a factor's element loop runs in chunks, in parallel: a local factor with elements
   * whose update reads no moment of its own factor (an element's update must not read other
   * elements of the same factor; reading none at all is the plan's usual case).
   */
  private boolean chunked(FactorUpdate u) {
    if (!u.local() || u.elementIndices().isEmpty()) {
      return false;
    }
    Set<String> reads = new LinkedHashSet<>();
    for (NaturalParam p : u.natural()) {
      collectFactors(p.value(), reads);
    }
    return !reads.contains(u.factor().name());
  }

  /** The per-chunk workspace field of a natural parameter's holder. */
  private String chunkWorkspace(String eta) {
    return chunkWorkspaces.computeIfAbsent(eta, k -> layout.claim(k + "Chunks"));
  }

  /** The State field with the thread count, or null if no update runs in chunks. */
  private String threadsField() {
    if (threadsField == null && plan.updates().stream().anyMatch(this::chunked)) {
      threadsField = layout.claim("threads");
    }
    return threadsField;
  }

  /** Declares the local names of a chunked factor's workspaces: chunk {@code chunk}'s arrays. */
  private CodeBlock workspaceLocals(Layout.FactorStorage fs, String chunk) {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Family.Stat s : fs.update().family().naturalStats()) {
      if (s.arity() > 0) {
        String eta = families.eta(fs, s.name());
        b.addStatement("double[] $L = $L[$L]", eta, chunkWorkspace(eta), chunk);
      }
    }
    return b.build();
  }

  private String updateName(FactorUpdate u) {
    return "update" + Layout.cap(layout.factors.get(u.factor().name()).base());
  }

  /**
   * The update's javadoc: the factor's section of {@code vmodel explain} ({@link
   * PlanPrinter#text}), so that the formula a reader sees beside the code is the derivation the
   * code was generated from.
   */
  private CodeBlock updateDoc(FactorUpdate u) {
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("Sets q($L) to its optimum given the current other factors (one step of coordinate ascent):\n\n",
        u.factor().name());
    b.add("<pre>\n$L</pre>\n", escape(explainSection("q(" + u.factor().name() + "): ")));
    return b.build();
  }

  /** The notation paragraph of {@code vmodel explain}, for the State javadoc. */
  private CodeBlock notation() {
    String[] sections = explain.split("\n\n");
    String text = sections.length > 1 ? sections[1].stripTrailing() : "";
    return CodeBlock.of("<pre>\n$L\n</pre>\n\n", escape(text));
  }

  /** The paragraph of {@code vmodel explain} that starts with {@code head}. */
  private String explainSection(String head) {
    for (String section : explain.split("\n\n")) {
      if (section.startsWith(head)) {
        return section.stripTrailing() + "\n";
      }
    }
    throw new IllegalStateException("no section '" + head + "' in the explanation of " + plan.graph().name());
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*/", "*&#47;")
        .replace("@", "&#64;");
  }

  /** A workspace holding, for all elements of a factor, the terms of one natural parameter that are scattered. */
  record Scatter(String field, String length) {}

  /**
   * Element loops, natural parameters, and the family's conversion. Terms whose deltas solve an
   * element index ({@code [doc[t] = d]}) are first scattered into a workspace over all elements
   * (one pass over t instead of one per element); every other term is evaluated per element.
   * {@code block} wraps an element-free factor in braces (init() converts several factors).
   */
  private CodeBlock evaluateAndConvert(Layout.FactorStorage fs, List<NaturalParam> params, String label,
      boolean block) {
    Parts parts = evaluateAndConvert(fs, params, label, block, false, false);
    return CodeBlock.builder().add(parts.prelude()).add(parts.loop()).build();
  }

  /**
   * The code of {@link #evaluateAndConvert(Layout.FactorStorage, List, String, boolean)} in two parts: the
   * scatters over all elements, and the element loop. With {@code chunked}, the outermost element
   * loop runs from {@code from} to {@code to - 1} and starts by taking chunk {@code chunk}'s workspaces.
   */
  record Parts(CodeBlock prelude, CodeBlock loop, String chunk, String from, String to) {}

  private Parts evaluateAndConvert(Layout.FactorStorage fs, List<NaturalParam> params, String label,
      boolean block, boolean chunked, boolean fusedRows) {
    CodeBlock.Builder b = CodeBlock.builder();
    List<Idx> el = fs.update().elementIndices();
    Set<String> inScope = new LinkedHashSet<>();
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
    Map<NaturalParam, Scatter> scattered = new LinkedHashMap<>();
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
      List<Monomial> scatter = new ArrayList<>();
      List<Monomial> local = new ArrayList<>();
      for (Monomial m : PolyCode.sumTerms(p.value())) {
        boolean solvesElement = PolyCode.eliminate(m, open).solved().keySet().stream().anyMatch(el::contains);
        (solvesElement ? scatter : local).add(m);
      }
      perElement.put(p, local);
      if (scatter.isEmpty()) {
        continue;
      }
      String eta = families.eta(fs, p.stat().name());
      Scatter sc = scatters.computeIfAbsent(eta, k -> new Scatter(layout.claim(eta + "All"),
          width(layout.product(fs.elementDims()), fs.dim(), p.components().size())));
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
    for (NaturalParam p : params) {
      String eta = families.eta(fs, p.stat().name());
      Map<Idx, String> comps = componentNames.get(p);
      List<String> all = new ArrayList<>(elementVars);
      all.addAll(comps.values());
      Scatter sc = scattered.get(p);
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
    b.add(families.convert(fs, e, label, inScope, fusedRows ? fused.lnNormLocal() : null));
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

  /** A loop variable's name: the wanted one unless a field or an enclosing loop has it. */
  private String localName(String wanted, Set<String> inScope) {
    return layout.local(wanted, inScope);
  }

  /** Functions of known matrices (inverses, log-determinants of hyperparameters), once per fit. */
  private MethodSpec prepare() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("prepare").addModifiers(Modifier.PRIVATE)
        .addJavadoc("Computes what depends only on sizes, hyperparameters and data, once per fit.\n");
    for (PolyCode.MatrixConstant c : polys.matrixConstants.values()) {
      String d = layout.dim(c.dim());
      Idx i = Idx.fresh("i", c.dim());
      Idx j = Idx.fresh("j", c.dim());
      Poly entry = Constants.entry(c.matrix(), i, j);
      String text = IrPrinter.print(c.matrix());
      m.addCode("$L", CodeBlock.builder().add("{\n").indent().build());
      m.addComment("$L of $L", c.f() == Atom.MatFunc.INVERSE ? "inverse" : "log-determinant", text);
      m.addStatement("double[] a = new double[$L * $L]", d, d);
      m.beginControlFlow("for (int i = 0; i < $L; i++)", d);
      m.beginControlFlow("for (int j = 0; j < $L; j++)", d);
      m.addStatement("a[i * $L + j] = $L", d, polys.inline(entry, Map.of(i, "i", j, "j")));
      m.endControlFlow();
      m.endControlFlow();
      m.addStatement("double lnDet = LinAlg.spdInverseLogDet(a, 0, a, 0, $L)", d);
      m.beginControlFlow("if (Double.isNaN(lnDet))");
      m.addStatement("throw new IllegalArgumentException($S)", text + " must be symmetric positive definite");
      m.endControlFlow();
      if (c.f() == Atom.MatFunc.INVERSE) {
        m.addStatement("$L = a", c.field());
      } else {
        m.addStatement("$L = lnDet", c.field());
      }
      m.addCode("$L", CodeBlock.builder().unindent().add("}\n").build());
    }
    m.addCode(dataSums.compute());
    return m.build();
  }

  private MethodSpec sweep() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("sweep").addParameter(TypeName.INT, "iteration")
        .addParameter(TypeName.BOOLEAN, "check")
        .addJavadoc("One sweep of coordinate ascent in the plan's schedule. With {@code check}, the ELBO is"
            + " recomputed after\nevery update, and a decrease throws.\n");
    m.addStatement("double last = check ? elbo() : 0.0");
    for (String f : plan.schedule()) {
      m.addStatement("$L()", updateName(plan.update(f)));
      m.beginControlFlow("if (check)");
      m.addStatement("last = checkedElbo($S, iteration, last)", f);
      m.endControlFlow();
    }
    return m.build();
  }

  private MethodSpec checkedElbo() {
    return MethodSpec.methodBuilder("checkedElbo").addModifiers(Modifier.PRIVATE).returns(TypeName.DOUBLE)
        .addParameter(String.class, "factor").addParameter(TypeName.INT, "iteration")
        .addParameter(TypeName.DOUBLE, "before")
        .addJavadoc("The ELBO after updating {@code factor}: coordinate ascent never lowers it, so a decrease"
            + " beyond 1e-9\nrelative (rounding) is a bug, reported with the factor's name.\n")
        .addStatement("double after = elbo()")
        .beginControlFlow("if (after < before - 1e-9 * Math.max(1.0, Math.abs(before)))")
        .addStatement("throw new $T(factor, iteration, before, after)", ELBO_DECREASED)
        .endControlFlow()
        .addStatement("return after").build();
  }

  /** The posterior predictive mean of one entry of an observed array whose entries may be missing. */
  private MethodSpec predictive(UpdatePlan.Predictive p) {
    Layout.DataArray d = layout.data.get(p.node());
    MethodSpec.Builder m = MethodSpec.methodBuilder("predict" + Layout.cap(d.field())).returns(TypeName.DOUBLE)
        .addJavadoc("E_q[mean of $L's distribution]: the posterior predictive mean of one entry.\n", p.node());
    Map<Idx, String> free = new LinkedHashMap<>();
    for (Idx i : p.element()) {
      m.addParameter(TypeName.INT, i.name());
      free.put(i, i.name());
    }
    m.addStatement("double mean = 0.0");
    m.addCode(polys.accumulate("mean", p.mean(), free));
    m.addStatement("return mean");
    return m.build();
  }

  /**
   * {@code elbo()}, or with {@code afterSweep} {@code elboAfterSweep()}: the same value right after
   * the fused factor's update, its terms in that factor and its entropy replaced by the sum of
   * log-normalisers the update computed (no pass over the rows).
   */
  private MethodSpec elbo(boolean afterSweep) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(afterSweep ? "elboAfterSweep" : "elbo").returns(TypeName.DOUBLE);
    if (afterSweep) {
      String z = fused.f.local.factor().name();
      m.addJavadoc("{@link #elbo()} right after a sweep, computed without a pass over the rows: the update of q($L)"
          + "\nleft q($L) at its optimum given the other factors, where the ELBO's terms in q($L) plus H[q($L)]"
          + "\nequal sum_n ln sum_c exp eta($L[n]=c), which the update added up in {@code $L}. Only valid"
          + "\nuntil another factor that eta($L) reads is updated.\n", z, z, z, z, z, fused.lnNorm, z);
    } else {
      m.addJavadoc("The evidence lower bound, a lower bound on ln p(X) with every constant:\n\n<pre>\n$L</pre>\n",
          escape(explainSection("ELBO")));
    }
    Set<String> scope = new LinkedHashSet<>();
    String lp = localName("logJoint", scope);
    String h = localName("entropy", scope);
    m.addStatement("double $L = 0.0", lp);
    for (UpdatePlan.LogJointTerm term : plan.elbo().terms()) {
      Poly value = dataSums.rewrite(term.value(), List.of());
      if (afterSweep) {
        value = new Poly(value.terms().stream().filter(t -> !fused.f.readsLocal(t)).toList());
        if (value.terms().isEmpty()) {
          continue;
        }
      }
      m.addComment("E[ln p($L | ...)]$L", term.node(), afterSweep && value.terms().size() < term.value().terms().size()
          ? ", the terms without q(" + fused.f.local.factor().name() + ")" : "");
      m.addCode(polys.accumulate(lp, value, Map.of()));
    }
    m.addStatement("double $L = 0.0", h);
    for (Layout.FactorStorage fs : layout.factors.values()) {
      if (afterSweep && fs.update() == fused.f.local) {
        m.addComment("E[ln p(...)] terms in q($L) + H[q($L)]", fs.update().factor().name(), fs.update().factor().name());
        m.addStatement("$L += $L", h, fused.lnNorm);
        continue;
      }
      m.addComment("H[q($L)]", fs.update().factor().name());
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

  private MethodSpec init() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("init").addParameter(SplittableRandom.class, "rng")
        .addParameter(FIT_OPTIONS, "options")
        .addJavadoc("Global factors start at their priors; local (per-datum) factors start at random.\n");
    if (threadsField() != null) {
      m.addStatement("$L = options.threads()", threadsField());
    }
    for (FactorUpdate u : initOrder()) {
      Layout.FactorStorage fs = layout.factors.get(u.factor().name());
      m.addComment("q($L)", u.factor().name());
      if (chunked(u) && !workspaceLocals(fs, "0").isEmpty()) {
        // The workspaces of chunk 0 serve the (sequential) initialisation.
        m.addCode("{\n$>");
        m.addCode(workspaceLocals(fs, "0"));
        initFactor(m, u, fs);
        m.addCode("$<}\n");
      } else {
        initFactor(m, u, fs);
      }
    }
    if (fused != null && fused.hasStatistics()) {
      m.addComment("the row statistics of the first sweep's updates");
      m.addStatement("statistics()");
    }
    return m.build();
  }

  private void initFactor(MethodSpec.Builder m, FactorUpdate u, Layout.FactorStorage fs) {
    if (u.local() && u.family().kind() == Family.Kind.CATEGORICAL) {
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
        m.addStatement("System.arraycopy($L, e * $L, $L, 0, $L)", p, d, eta, d);
        m.addCode(families.convert(fs, "e", u.factor().name(), Set.of("e")));
        m.endControlFlow();
        m.nextControlFlow("else");
      }
      m.addComment("responsibilities uniform on the simplex: the softmax of the logs of Exp(1) draws");
      m.beginControlFlow("for (int e = 0; e < $L; e++)", layout.product(fs.elementDims()));
      m.beginControlFlow("for (int c = 0; c < $L; c++)", d);
      m.addStatement("$L[c] = Math.log(-Math.log(1.0 - rng.nextDouble()))", eta);
      m.endControlFlow();
      m.addCode(families.convert(fs, "e", u.factor().name(), Set.of("e")));
      m.endControlFlow();
      if (seedData != null) {
        m.endControlFlow();
      }
      return;
    }
    m.addCode(evaluateAndConvert(fs, u.prior(), u.factor().name(), true));
    if ((u.family().kind() == Family.Kind.NORMAL || u.family().kind() == Family.Kind.MULTI_NORMAL)) {
      m.addComment("local factors: means drawn around the prior, so that the first sweep breaks symmetry");
      randomizeMeans(m, fs);
    }
  }

  private void randomizeMeans(MethodSpec.Builder m, Layout.FactorStorage fs) {
    String elements = layout.product(fs.elementDims());
    if (fs.update().family().kind() == Family.Kind.NORMAL) {
      m.beginControlFlow("for (int e = 0; e < $L; e++)", elements);
      m.addStatement("double mean = $L[e] + rng.nextGaussian() / Math.sqrt($L[e])", fs.params().get("mean"),
          fs.params().get("precision"));
      m.addStatement("$L[e] = mean", fs.params().get("mean"));
      m.addStatement("$L[e] = mean", fs.moments().get("x"));
      m.addStatement("$L[e] = mean * mean + 1.0 / $L[e]", fs.moments().get("x2"), fs.params().get("precision"));
      m.endControlFlow();
      return;
    }
    String d = layout.dim(fs.dim());
    m.beginControlFlow("for (int e = 0; e < $L; e++)", elements);
    m.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    m.addStatement("$L[e * $L + i] += rng.nextGaussian()", fs.params().get("mean"), d);
    m.addStatement("$L[e * $L + i] = $L[e * $L + i]", fs.moments().get("x"), d, fs.params().get("mean"), d);
    m.endControlFlow();
    m.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    m.beginControlFlow("for (int j = 0; j < $L; j++)", d);
    m.addStatement("$L[(e * $L + i) * $L + j] = $L[(e * $L + i) * $L + j] + $L[e * $L + i] * $L[e * $L + j]",
        fs.moments().get("xxT"), d, d, fs.params().get("cov"), d, d, fs.params().get("mean"), d,
        fs.params().get("mean"), d);
    m.endControlFlow();
    m.endControlFlow();
    m.endControlFlow();
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
        if (!(u.local() && u.family().kind() == Family.Kind.CATEGORICAL)) {
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

  private static void collectFactors(Poly p, Set<String> out) {
    for (Monomial m : p.terms()) {
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Moment mo) {
          out.add(mo.factor());
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Result

  private TypeSpec resultClass() {
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
    t.addMethod(MethodSpec.methodBuilder("elbo").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(TypeName.DOUBLE).addStatement("return elbo").build());
    t.addMethod(MethodSpec.methodBuilder("elboTrace").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(ArrayTypeName.of(TypeName.DOUBLE)).addStatement("return trace.clone()").build());
    t.addMethod(MethodSpec.methodBuilder("iterations").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(TypeName.INT).addStatement("return iterations").build());
    t.addMethod(MethodSpec.methodBuilder("converged").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(TypeName.BOOLEAN).addStatement("return converged").build());
    for (String s : layout.sizeNames.values()) {
      t.addMethod(MethodSpec.methodBuilder("size" + Layout.cap(s)).addModifiers(Modifier.PUBLIC).returns(TypeName.INT)
          .addJavadoc("The value size {@code $L} had in this fit.\n", s).addStatement("return s.$L", s).build());
    }
    MethodSpec.Builder generic = MethodSpec.methodBuilder("posteriors").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class),
            FIT_RESULT.nestedClass("Posterior")));
    generic.addStatement("$T<String, $T> out = new $T<>()", Map.class, FIT_RESULT.nestedClass("Posterior"),
        LinkedHashMap.class);
    for (Layout.FactorStorage fs : layout.factors.values()) {
      accessors(t, fs);
      generic.addCode(genericPosterior(fs));
    }
    for (UpdatePlan.Predictive p : plan.predictives()) {
      Layout.DataArray d = layout.data.get(p.node());
      String name = "predict" + Layout.cap(d.field());
      MethodSpec.Builder pm = MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC).returns(TypeName.DOUBLE)
          .addJavadoc("The posterior predictive mean of {@code $L$L}: for a missing entry, its reconstruction.\n",
              p.node(), p.element().isEmpty() ? "" : "[" + String.join(", ", p.element().stream().map(Idx::name).toList())
                  + "]");
      List<String> args = new ArrayList<>();
      for (Idx i : p.element()) {
        pm.addParameter(TypeName.INT, i.name());
        args.add(i.name());
        pm.beginControlFlow("if ($L < 0 || $L >= s.$L)", i.name(), i.name(), layout.dim(i.range()));
        pm.addStatement("throw new IndexOutOfBoundsException($S + $L)", i.name() + " out of range: ", i.name());
        pm.endControlFlow();
      }
      pm.addStatement("return s.$L($L)", name, String.join(", ", args));
      t.addMethod(pm.build());
    }
    generic.addStatement("return $T.unmodifiableMap(out)", Collections.class);
    t.addMethod(generic.build());
    t.addMethod(parametersHelper());
    if (layout.factors.values().stream().anyMatch(fs -> fs.moments().containsKey("x2"))) {
      t.addMethod(sdHelper());
    }
    return t.build();
  }

  private void accessors(TypeSpec.Builder t, Layout.FactorStorage fs) {
    FactorUpdate u = fs.update();
    Map<String, String> q = fs.params();
    String d = fs.dim() == null ? null : layout.dim(fs.dim());
    MethodSpec.Builder m = MethodSpec.methodBuilder(fs.base()).addModifiers(Modifier.PUBLIC);
    List<String> idx = new ArrayList<>();
    for (Idx i : u.elementIndices()) {
      String n = i.name();
      m.addParameter(TypeName.INT, n);
      idx.add(n);
      m.beginControlFlow("if ($L < 0 || $L >= s.$L)", n, n, layout.dim(i.range()));
      m.addStatement("throw new IndexOutOfBoundsException($S + $L + $S + s.$L)", n + " = ", n,
          " is outside 0.." + i.range().text() + "-1, " + i.range().text() + " = ", layout.dim(i.range()));
      m.endControlFlow();
    }
    String e = idx.isEmpty() ? "0" : idx.size() == 1 ? idx.get(0) : "e";
    if (idx.size() > 1) {
      m.addStatement("int e = $L", qualifySizes(layout.flat(idx, fs.elementDims())));
    }
    String dd = d == null ? null : "s." + d;
    String el = e;
    Function<String, CodeBlock> one = f -> CodeBlock.of("s.$L[$L]", f, el);
    Function<String, CodeBlock> vec = f -> el.equals("0") ? CodeBlock.of("s.$L.clone()", f)
        : CodeBlock.of("$T.copyOfRange(s.$L, $L * $L, ($L + 1) * $L)", Arrays.class, f, el, dd, el, dd);
    Function<String, CodeBlock> mat = f -> el.equals("0") ? CodeBlock.of("s.$L.clone()", f)
        : CodeBlock.of("$T.copyOfRange(s.$L, $L * $L * $L, ($L + 1) * $L * $L)", Arrays.class, f, el, dd, dd, el, dd,
            dd);
    String rt = RT + ".posterior";
    ClassName post;
    List<CodeBlock> args;
    switch (u.family().kind()) {
      case NORMAL:
        post = ClassName.get(rt, "NormalPosterior");
        args = List.of(one.apply(q.get("mean")), one.apply(q.get("precision")));
        break;
      case GAMMA:
        post = ClassName.get(rt, "GammaPosterior");
        args = List.of(one.apply(q.get("shape")), one.apply(q.get("rate")));
        break;
      case INV_GAMMA:
        post = ClassName.get(rt, "InvGammaPosterior");
        args = List.of(one.apply(q.get("shape")), one.apply(q.get("scale")));
        break;
      case BETA:
        post = ClassName.get(rt, "BetaPosterior");
        args = List.of(one.apply(q.get("a")), one.apply(q.get("b")));
        break;
      case DIRICHLET:
        post = ClassName.get(rt, "DirichletPosterior");
        args = List.of(vec.apply(q.get("alpha")));
        break;
      case CATEGORICAL:
        post = ClassName.get(rt, "CategoricalPosterior");
        args = List.of(vec.apply(q.get("p")));
        break;
      case MULTI_NORMAL:
        post = ClassName.get(rt, "MultiNormalPosterior");
        args = List.of(vec.apply(q.get("mean")), mat.apply(q.get("precision")));
        break;
      case WISHART:
        post = ClassName.get(rt, "WishartPosterior");
        args = List.of(mat.apply(q.get("W")), one.apply(q.get("nu")), CodeBlock.of("$L", dd));
        break;
      case NORMAL_GAMMA:
        post = ClassName.get(rt, "NormalGammaPosterior");
        args = List.of(one.apply(q.get("m")), one.apply(q.get("beta")), one.apply(q.get("a")), one.apply(q.get("b")));
        break;
      default:
        post = ClassName.get(rt, "NormalWishartPosterior");
        args = List.of(vec.apply(q.get("m")), one.apply(q.get("beta")), mat.apply(q.get("W")), one.apply(q.get("nu")));
        break;
    }
    m.addStatement("return new $T($L)", post, CodeBlock.join(args, ",$W"));
    m.returns(post).addJavadoc("The posterior factor q($L)$L: $L.\n", u.factor().name(),
        idx.isEmpty() ? "" : " of element [" + String.join(", ", idx) + "]", u.family().title());
    t.addMethod(m.build());
  }

  private String qualifySizes(String code) {
    String out = code;
    for (String s : layout.sizeNames.values()) {
      out = out.replaceAll("\\b" + java.util.regex.Pattern.quote(s) + "\\b", "s." + s);
    }
    return out;
  }

  /** {@code out.put("p", new FitResult.Posterior(...))} for one factor. */
  private CodeBlock genericPosterior(Layout.FactorStorage fs) {
    String elements = qualifySizes(layout.product(fs.elementDims()));
    List<CodeBlock> names = new ArrayList<>();
    List<CodeBlock> values = new ArrayList<>();
    for (Map.Entry<String, String> p : fs.params().entrySet()) {
      names.add(CodeBlock.of("$S", p.getKey()));
      values.add(CodeBlock.of("s.$L", p.getValue()));
    }
    String mean = fs.moments().get(meanMoment(fs));
    CodeBlock sd = fs.moments().containsKey("x2") ? CodeBlock.of("sd(s.$L, s.$L)", mean, fs.moments().get("x2"))
        : CodeBlock.of("new double[0]");
    return CodeBlock.builder().addStatement("out.put($S, new $T.Posterior($S, $L,$Wparameters(new String[] {$L}, $L),$W"
        + "s.$L.clone(),$W$L))", fs.update().factor().name(), FIT_RESULT, fs.update().family().title(), elements,
        CodeBlock.join(names, ", "), CodeBlock.join(values, ", "), mean, sd).build();
  }

  /** The moment that is the factor's mean: E[x], E[mu], the responsibilities, E[Lambda]. */
  private static String meanMoment(Layout.FactorStorage fs) {
    for (String m : List.of("x", "mu", "onehot", "X")) {
      if (fs.moments().containsKey(m)) {
        return m;
      }
    }
    return fs.moments().keySet().iterator().next();
  }

  private MethodSpec parametersHelper() {
    return MethodSpec.methodBuilder("parameters").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(ParameterizedTypeName.get(Map.class, String.class, double[].class))
        .addParameter(String[].class, "names").addParameter(double[][].class, "values").varargs()
        .addJavadoc("Copies of parameter arrays by name, in order.\n")
        .addStatement("$T<String, double[]> out = new $T<>()", Map.class, LinkedHashMap.class)
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
        .addStatement("out[i] = Math.sqrt(Math.max(0.0, second[i] - mean[i] * mean[i]))")
        .endControlFlow()
        .addStatement("return out").build();
  }
}
