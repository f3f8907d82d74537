package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Domain;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.conjugacy.Constants;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.ModelGraph;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes data binding and validation: the {@code Data} class of setters, and the State
 * constructor's part that binds sizes (builder, default or data), binds hyperparameters
 * (builder or default), and flattens and validates every data array.
 */
final class DataWriter extends WriterPart {
  /** The State constructor's parameters: its locals must not shadow them. */
  static final Set<String> CONSTRUCTOR_PARAMETERS = Set.of("config", "data");

  private final ModelWriter storage;

  DataWriter(ModelContext ctx, ModelWriter storage) {
    super(ctx);
    this.storage = storage;
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

  TypeSpec dataClass() {
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
                  ? "categories 0.." + c.range().text() + "-1" : d.allowsMissing() ? "integer values, -1 where missing"
                  : "integer values" : "real values")
          .addStatement("this.$L = value", d.field()).addStatement("return this").build());
    }
    return b.build();
  }

  MethodSpec stateConstructor() {
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
        Set<String> scope = new LinkedHashSet<>(CONSTRUCTOR_PARAMETERS);
        String v = localName("v", scope);
        for (int level = 0; level < rank; level++) {
          String row = level == rank - 1 ? v : localName("row", scope);
          m.beginControlFlow("for (int$L $L : $L)", "[]".repeat(rank - 1 - level), row, array);
          array = row;
        }
        m.addStatement("$N = $T.max($N, $N + 1)", k, MATH, k, v);
        for (int level = 0; level < rank; level++) {
          m.endControlFlow();
        }
        m.endControlFlow();
      }
    }
    for (CheckedModel.SizeSym s : sizesInDefaultOrder()) {
      String f = layout.sizeNames.get(s.name());
      m.beginControlFlow("if ($N == 0)", f);
      Expr e = s.defaultValue().get();
      if (e instanceof Expr.Number n && n.value() >= 1 && n.value() <= Integer.MAX_VALUE) {
        m.addStatement("$N = $L", f, Long.toString(Math.round(n.value())));
      } else if (e instanceof Expr.Name n) {
        m.addStatement("$N = $N", f, layout.sizeNames.get(n.name()));
      } else {
        // Arithmetic (the checker verified an integer value), in double and range-checked: an
        // int literal or int arithmetic could not hold 1e10, and would overflow silently.
        String value = layout.local("value", new LinkedHashSet<>(CONSTRUCTOR_PARAMETERS));
        m.addStatement("double $N = $L", value, sizeArithmetic(e));
        m.beginControlFlow("if (!($N >= 1 && $N <= $T.MAX_VALUE))", value, value, ClassName.get(Integer.class));
        m.addStatement("throw new $T($S + $N + $S)", IAE, "size " + s.name() + " = ", value,
            " is out of range: a size is an integer from 1 to 2147483647");
        m.endControlFlow();
        m.addStatement("$N = (int) $T.rint($N)", f, MATH, value);
      }
      m.endControlFlow();
    }
    for (CheckedModel.SizeSym s : plan.graph().sizes()) {
      m.beginControlFlow("if ($N < 1)", layout.sizeNames.get(s.name()));
      m.addStatement("throw new $T($S)", IAE, "size " + s.name() + " is not bound: set it with the builder");
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
    CountChecks checks = new CountChecks(ctx);
    checks.write(m);
    checks.writeWishartDegrees(m);
    storage.allocate(m);
    m.addStatement("prepare()");
    return m.build();
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
    Set<String> scope = new LinkedHashSet<>(CONSTRUCTOR_PARAMETERS);
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
    if (d.allowsMissing() && d.integer()) {
      // A missing label is -1 (as scikit-learn marks unlabelled rows): stored as 0 and masked out.
      m.addStatement("$N[$L] = $N == -1 ? 0.0 : 1.0", d.observedField(), layout.flat(idx, dims), v);
      m.addStatement("$N[$L] = $N == -1 ? 0 : $N", d.field(), layout.flat(idx, dims), v, v);
    } else if (d.allowsMissing()) {
      // A missing entry is stored as 0.0 and masked out: its likelihood term is integrated away.
      m.addStatement("$N[$L] = $T.isNaN($N) ? 0.0 : 1.0", d.observedField(), layout.flat(idx, dims), DOUBLE, v);
      m.addStatement("$N[$L] = $T.isNaN($N) ? 0.0 : $N", d.field(), layout.flat(idx, dims), DOUBLE, v, v);
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
          m.beginControlFlow("if ($L$L)", d.allowsMissing() ? CodeBlock.of("$N != -1 && ", v) : "",
              outside(CodeBlock.of("$N", v), dom));
          m.addStatement("throw new $T($S, $L, $L, $S + $L)", DATA_EXCEPTION, d.node(), row, col,
              "must be " + domainWord(dom) + (d.allowsMissing() ? " (or -1 where missing)" : "") + ", got ", v);
          m.endControlFlow();
        }
        return;
      }
      if (!d.allowsMissing()) {
        m.beginControlFlow("if ($T.isNaN($N))", DOUBLE, v);
        m.addStatement("throw new $T($S, $L, $L, $S)", DATA_EXCEPTION, d.node(), row, col,
            "is missing (NaN); missing values are allowed only in observed real-valued data nothing else depends on");
        m.endControlFlow();
      }
      m.beginControlFlow("if ($L$L)", d.allowsMissing() ? CodeBlock.of("!$T.isNaN($N) && ", DOUBLE, v) : "",
          outside(CodeBlock.of("$N", v), dom));
      m.addStatement("throw new $T($S, $L, $L, $S + $L)", DATA_EXCEPTION, d.node(), row, col,
          "must be " + domainWord(dom) + ", got ", v);
      m.endControlFlow();
      return;
    }
    m.beginControlFlow("if ($T.isNaN($N) || $T.isInfinite($N))", DOUBLE, v, DOUBLE, v);
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
        m.addStatement("throw new $T($S)", IAE, "hyper " + h.name() + " has no default: set it with the builder");
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
      m.addStatement("throw new $T($S + config.$L.length + $S + $L)", IAE,
          "hyper " + h.name() + " has length ", f, ", but " + dims.get(0).text() + " = ", layout.dim(dims.get(0)));
      m.endControlFlow();
      m.addStatement("$T.arraycopy(config.$N, 0, $N, 0, $L)", SYSTEM, f, f, layout.dim(dims.get(0)));
    } else {
      String r = layout.dim(dims.get(0));
      String c = layout.dim(dims.get(1));
      m.beginControlFlow("for (int i = 0; i < $L; i++)", r);
      m.beginControlFlow("if (config.$L.length != $L || config.$L[i].length != $L)", f, r, f, c);
      m.addStatement("throw new $T($S)", IAE, "hyper " + h.name() + " must be "
          + dims.get(0).text() + " x " + dims.get(1).text());
      m.endControlFlow();
      m.addStatement("$T.arraycopy(config.$N[i], 0, $N, i * $L, $L)", SYSTEM, f, f, c, c);
      m.endControlFlow();
    }
    m.nextControlFlow("else");
    if (h.defaultValue().isEmpty()) {
      m.addStatement("throw new $T($S)", IAE, "hyper " + h.name() + " has no default: set it with the builder");
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

  /** The condition that {@code v} is not in the domain. */
  static CodeBlock outside(CodeBlock v, Domain d) {
    return d == Domain.REAL ? CodeBlock.of("!$T.isFinite($L)", DOUBLE, v) : CodeBlock.of("!($L)", domainTest(v, d));
  }

  private static CodeBlock domainTest(CodeBlock v, Domain d) {
    switch (d) {
      case POSITIVE:
        return CodeBlock.of("$L > 0 && $L < $T.POSITIVE_INFINITY", v, v, DOUBLE);
      case UNIT:
        return CodeBlock.of("$L > 0 && $L < 1", v, v);
      case COUNT:
        return CodeBlock.of("$L >= 0 && $L == $T.rint($L)", v, v, MATH, v);
      case POSITIVE_INT:
        return CodeBlock.of("$L >= 1 && $L == $T.rint($L)", v, v, MATH, v);
      case INT:
        return CodeBlock.of("$L == $T.rint($L)", v, MATH, v);
      case BOOL:
        return CodeBlock.of("$L == 0 || $L == 1", v, v);
      default:
        return CodeBlock.of("$T.isFinite($L)", DOUBLE, v);
    }
  }

  /** A scalar's domain as the generated checks state it: finite, and the domain's own phrase. */
  static String domainWord(Domain d) {
    switch (d) {
      case POSITIVE:
        return "positive and finite";
      case UNIT:
      case COUNT:
      case POSITIVE_INT:
      case INT:
      case BOOL:
        return d.phrase();
      default:
        return "a finite number";
    }
  }
}
