package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.family.FamilySpec;
import dev.vmodel.compiler.optimize.DataSums;
import dev.vmodel.compiler.optimize.ExpProduct;
import dev.vmodel.compiler.optimize.OptimizedPlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.Modifier;

/**
 * Stage 6: writes one Java class per update plan, from its {@link OptimizedPlan} (fusion, data
 * sums, chunking). Everything about the class's storage is decided first ({@link ModelContext}:
 * the {@link Layout}, the names of the fields those need, workspaces); then the parts are
 * written by what they are: the public API ({@link ApiWriter}, {@link PosteriorAccessors}), data
 * binding and validation ({@link DataWriter}, {@link CountChecks}), factor updates ({@link
 * UpdateWriter}), and sweep, ELBO and initialisation ({@link SweepWriter}). The code of
 * every polynomial comes from {@link PolyCode}, the family conversions from {@link FamilyCode}.
 * The class is self-contained and depends only on the vmodel runtime.
 */
public final class ModelWriter extends WriterPart {
  private static final ClassName GENERATED = ModelContext.GENERATED;

  private final ApiWriter api;
  private final PredictWriter predict;
  private final DataWriter data;
  private final UpdateWriter updates;
  private final SweepWriter sweeps;
  /** The local phase of a model with per-group local factors, or null. */
  private final LocalPhaseWriter localPhase;
  private final PersistWriter persist;
  /** The fit from a previous posterior, or null for a model without a global factor. */
  private final PriorWriter prior;
  /** The split into a local pass and global updates; {@link SplitWriter#unsupported} says whether it exists. */
  private final SplitWriter split;

  private ModelWriter(ModelContext ctx) {
    super(ctx);
    this.api = new ApiWriter(ctx);
    this.data = new DataWriter(ctx, this);
    this.updates = new UpdateWriter(ctx);
    this.prior = ctx.prior == null ? null : new PriorWriter(ctx, updates);
    LocalPhaseWriter phase = ctx.localPhase == null ? null : new LocalPhaseWriter(ctx, updates, prior);
    this.localPhase = phase;
    this.sweeps = new SweepWriter(ctx, updates, prior, phase);
    this.predict = new PredictWriter(ctx);
    this.persist = new PersistWriter(ctx);
    this.split = new SplitWriter(ctx, prior);
    predict.startLocalsFromGlobals(split.unsupported().isEmpty() && ctx.localPhase != null);
  }

  /**
   * The generated source of a plan; {@code packageOverride} replaces the file's package. Use
   * {@link #writeAll} for several models of one package: a model named like a java.lang class
   * ({@code String}) shadows it in the other classes of its package.
   */
  public static JavaFile write(UpdatePlan plan, Optional<String> packageOverride) {
    return write(plan, packageOverride, Set.of());
  }

  /**
   * The generated source of a plan whose package also holds the classes {@code packageClasses}
   * (other generated models): names of java.lang classes among them are written qualified.
   */
  public static JavaFile write(UpdatePlan plan, Optional<String> packageOverride, Set<String> packageClasses) {
    String pkg = packageOverride.or(() -> plan.graph().javaPackage()).orElse("");
    ModelWriter w = new ModelWriter(new ModelContext(OptimizedPlan.of(plan), pkg));
    Set<String> others = new TreeSet<>(packageClasses);
    others.remove(plan.graph().name());
    return w.file(others);
  }

  /**
   * Why the class of {@code plan} does not implement {@code SplitModel} (its sweep does not split
   * into a local pass over parts of the rows and global updates: see {@link SplitWriter}), or
   * empty if it does.
   */
  public static Optional<String> splitUnsupported(UpdatePlan plan) {
    return new ModelWriter(new ModelContext(OptimizedPlan.of(plan), "")).split.unsupported();
  }

  /** The generated sources of plans that may share packages (the models of one file, say). */
  public static List<JavaFile> writeAll(List<UpdatePlan> plans, Optional<String> packageOverride) {
    Map<String, Set<String>> byPackage = new HashMap<>();
    for (UpdatePlan p : plans) {
      byPackage.computeIfAbsent(packageOverride.or(() -> p.graph().javaPackage()).orElse(""), k -> new TreeSet<>())
          .add(p.graph().name());
    }
    List<JavaFile> out = new ArrayList<>();
    for (UpdatePlan p : plans) {
      out.add(write(p, packageOverride,
          byPackage.get(packageOverride.or(() -> p.graph().javaPackage()).orElse(""))));
    }
    return out;
  }

  private JavaFile file(Set<String> packageClasses) {
    TypeSpec state = state();
    TypeSpec.Builder t = TypeSpec.classBuilder(model)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addAnnotation(AnnotationSpec.builder(GENERATED).addMember("value", "$S", "vmodel")
            .addMember("comments", "$S", "from " + fileName() + ", model " + plan.graph().name()).build())
        .addJavadoc(classDoc());
    boolean splits = split.unsupported().isEmpty();
    if (splits) {
      t.addSuperinterface(SplitWriter.SPLIT_MODEL);
      t.addField(split.serialVersionUid());
    }
    t.addFields(persist.constants());
    // Configuration: sizes and hyperparameters set through the builder (null: use the default).
    for (CheckedModel.SizeSym s : plan.graph().sizes()) {
      t.addField(FieldSpec.builder(ClassName.get(Integer.class), layout.sizeNames.get(s.name()),
          Modifier.PRIVATE, Modifier.FINAL).build());
    }
    for (CheckedModel.HyperSym h : plan.graph().hypers()) {
      t.addField(FieldSpec.builder(ApiWriter.hyperConfigType(h.type()), layout.hyperNames.get(h.name()),
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
    api.fitMethods().forEach(t::addMethod);
    api.startMethods().forEach(t::addMethod);
    persist.loadMethods().forEach(t::addMethod);
    if (splits) {
      split.modelMethods().forEach(t::addMethod);
    }
    t.addType(api.builder());
    t.addType(data.dataClass());
    t.addType(state);
    t.addType(api.sessionClass());
    t.addType(api.resultClass().toBuilder().addMethods(predict.resultMethods()).build());
    if (predict.present()) {
      t.addType(predict.predictionClass());
    }
    if (!packageClasses.isEmpty()) {
      t.alwaysQualify(packageClasses.toArray(new String[0]));
    }
    return JavaFile.builder(ctx.packageName, t.build()).skipJavaLangImports(true).indent("  ")
        .addFileComment("Generated by vmodel from $L. Do not edit: change the model and regenerate.", fileName())
        .build();
  }

  private String fileName() {
    String f = plan.graph().file();
    int slash = Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\'));
    return slash >= 0 ? f.substring(slash + 1) : f;
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
      lines.add(new String[] {"r." + layout.accessorNames.get(u.factor().name()) + "(" + String.join(", ", idx) + ");",
          "q(" + members + "): " + u.family().title()});
    }
    int width = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0);
    for (String[] l : lines) {
      b.add("$L$L// $L\n", l[0], " ".repeat(width - l[0].length() + 2), l[1]);
    }
    b.add("}</pre>\n");
    return b.build();
  }

  private TypeSpec state() {
    TypeSpec.Builder t = TypeSpec.classBuilder("State").addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(ctx.notation())
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
            .addJavadoc("1.0 where {@code $L} is observed, 0.0 where it is missing ($L).\n", d.node(),
                d.integer() ? "-1; stored as 0" : "NaN; stored as 0.0")
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
    for (Map.Entry<ExpProduct.Table, String> e : ctx.expTables.entrySet()) {
      ExpProduct.Table tb = e.getKey();
      t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), e.getValue(), Modifier.PRIVATE)
          .addJavadoc("exp of q($L)'s moment $L, with the component of q($L) innermost: the product form's table,"
              + "\nrefreshed by each update of q($L).\n", tb.moment().factor(), tb.moment().stat(),
              ctx.expProduct.factor(), ctx.expProduct.factor()).build());
    }
    if (threadsField() != null) {
      t.addField(FieldSpec.builder(TypeName.INT, threadsField(), Modifier.PRIVATE)
          .addJavadoc("How many threads the chunked element loops use ({@code options.threads()}).\n")
          .initializer("1").build());
    }
    List<MethodSpec> methods = new ArrayList<>();
    for (FactorUpdate u : plan.updates()) {
      methods.addAll(updates.update(u));
      if (prior != null && !u.local()) {
        methods.add(prior.update(u));
      }
    }
    if (prior != null) {
      prior.fields().forEach(t::addField);
      methods.add(prior.usePrior());
    }
    ChainWriter chains = new ChainWriter(ctx);
    chains.fields(t);
    methods.addAll(chains.methods());
    methods.addAll(chains.stateQueries());
    methods.addAll(chains.blockMethods());
    if (fused != null && fused.hasStatistics()) {
      methods.addAll(fused.statisticsMethods(threadsField()));
    }
    if (localPhase != null) {
      localPhase.fields().forEach(t::addField);
      methods.addAll(localPhase.localUpdate());
      methods.addAll(localPhase.methods());
    }
    methods.add(sweeps.sweep());
    for (UpdatePlan.FactorUpdate u : plan.updates()) {
      if (u.nonConjugate()) {
        methods.add(sweeps.step(u));
        t.addField(FieldSpec.builder(TypeName.DOUBLE, ctx.stepField(u), Modifier.PRIVATE).initializer("1.0")
            .addJavadoc("The step of q($L)'s fixed-form update: 1, or less while its line search shortens it.\n",
                u.factor().name()).build());
      }
    }
    methods.add(sweeps.checkedElbo());
    methods.addAll(sweeps.checkFinite());
    methods.add(sweeps.elbo(false));
    if (hasElboAfterSweep()) {
      methods.add(sweeps.elbo(true));
    }
    methods.add(sweeps.init());
    for (UpdatePlan.Predictive p : plan.predictives()) {
      methods.add(sweeps.predictive(p));
      if (p.second() != null) {
        methods.add(sweeps.predictiveVariance(p));
      }
    }
    for (PolyCode.MatrixConstant c : polys.matrixConstants.values()) {
      t.addField(c.f() == Atom.MatFunc.INVERSE ? ArrayTypeName.of(TypeName.DOUBLE) : TypeName.DOUBLE, c.field(),
          Modifier.PRIVATE);
    }
    for (PolyCode.KnownSum k : polys.knownSums.values()) {
      t.addField(FieldSpec.builder(TypeName.DOUBLE, k.field(), Modifier.PRIVATE)
          .addJavadoc("$L, a sum of known values computed once per fit in {@link #prepare()}.\n", escape(k.value().toString())).build());
    }
    for (ModelContext.Scatter sc : ctx.scatters.values()) {
      t.addField(ArrayTypeName.of(TypeName.DOUBLE), sc.field(), Modifier.PRIVATE);
    }
    for (DataSums.Sum sum : dataSums.sums()) {
      t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), dataSums.field(sum), Modifier.PRIVATE)
          .addJavadoc("A sum over $L of data alone, computed once per fit in {@link #prepare()}.\n", sum.row().name())
          .build());
    }
    ctx.localSums.fields().forEach(t::addField);
    if (ctx.localSums.method() != null) {
      methods.add(ctx.localSums.refresh());
    }
    predict.stateFields().forEach(t::addField);
    methods.addAll(predict.stateMethods());
    if (split.unsupported().isEmpty()) {
      methods.add(sweeps.init(true));
      methods.addAll(split.stateMethods());
    }
    t.addMethod(data.stateConstructor());
    t.addMethod(persist.loadedStateConstructor());
    t.addMethod(sweeps.prepare());
    methods.forEach(t::addMethod);
    // The methods of function arguments with sums, registered while the code above was written.
    Set<String> written = new java.util.HashSet<>();
    while (written.size() < polys.argMethods.size()) {
      for (PolyCode.ArgMethod am : List.copyOf(polys.argMethods.values())) {
        if (written.add(am.name())) {
          t.addMethod(polys.argMethod(am));
        }
      }
    }
    return t.build();
  }

  /** The State constructor's allocation of every factor's parameters, moments and workspaces. */
  void allocate(MethodSpec.Builder m) {
    new ChainWriter(ctx).allocate(m);
    // Factor storage.
    for (Layout.FactorStorage fs : layout.factors.values()) {
      String elements = layout.product(fs.elementDims());
      FamilySpec spec = fs.update().family().spec();
      for (Map.Entry<String, String> p : fs.params().entrySet()) {
        int w = spec.paramWidth(p.getKey());
        m.addStatement("$L = new double[$L]", p.getValue(), width(elements, fs.dim(), w));
      }
      for (Map.Entry<String, String> mo : fs.moments().entrySet()) {
        String shared = spec.momentSharing(mo.getKey());
        if (shared != null) {
          // One array serves as both (E[onehot(z)] = p: N x K doubles held once).
          m.addStatement("$L = $L", mo.getValue(), fs.params().get(shared));
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
    for (ModelContext.Scatter sc : ctx.scatters.values()) {
      m.addStatement("$L = new double[$L]", sc.field(), sc.length());
    }
    if (fused != null) {
      m.addCode(fused.allocate());
    }
    ctx.localSums.allocate(m);
    for (Map.Entry<ExpProduct.Table, String> e : ctx.expTables.entrySet()) {
      m.addStatement("$L = new double[$L * $L]", e.getValue(), layout.product(e.getKey().outerDims()),
          layout.dim(e.getKey().c().range()));
    }
  }
}
