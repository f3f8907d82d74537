package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.family.FamilySpec;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * Writes the Result's posterior accessors, one per factor: the family's posterior record built
 * from the factor's parameter arrays, and the generic {@code posteriors()} map entry.
 */
final class PosteriorAccessors extends WriterPart {
  private final PersistWriter persist;

  PosteriorAccessors(ModelContext ctx, PersistWriter persist) {
    super(ctx);
    this.persist = persist;
  }

  void accessors(TypeSpec.Builder t, Layout.FactorStorage fs) {
    FactorUpdate u = fs.update();
    Map<String, String> q = fs.params();
    MethodSpec.Builder m = MethodSpec.methodBuilder(layout.accessorNames.get(u.factor().name()))
        .addModifiers(Modifier.PUBLIC);
    List<String> idx = new ArrayList<>();
    List<String> userIdx = new ArrayList<>();
    Set<String> scope = new LinkedHashSet<>(ApiWriter.RESULT_FIELDS);
    if (u.local()) {
      m.addCode(persist.requireLocals(fs));
    }
    for (Idx i : u.elementIndices()) {
      String n = layout.local(i.name(), scope);
      m.addParameter(TypeName.INT, n);
      idx.add(n);
      userIdx.add(i.name());
      String size = layout.dim(i.range(), "s");
      m.beginControlFlow("if ($N < 0 || $N >= $L)", n, n, size);
      m.addStatement("throw new $T($S + $N + $S + $L)", IOOBE, i.name() + " = ", n,
          " is outside 0.." + i.range().text() + "-1, " + i.range().text() + " = ", size);
      m.endControlFlow();
    }
    String e = idx.isEmpty() ? "0" : idx.size() == 1 ? idx.get(0) : "e";
    if (idx.size() > 1) {
      m.addStatement("int e = $L", layout.flat(idx, fs.elementDims(), "s"));
    }
    String dd = fs.dim() == null ? null : layout.dim(fs.dim(), "s");
    String el = e;
    Function<String, CodeBlock> one = f -> CodeBlock.of("s.$L[$L]", f, el);
    Function<String, CodeBlock> vec = f -> el.equals("0") ? CodeBlock.of("s.$L.clone()", f)
        : CodeBlock.of("$T.copyOfRange(s.$L, $L * $L, ($L + 1) * $L)", Arrays.class, f, el, dd, el, dd);
    Function<String, CodeBlock> mat = f -> el.equals("0") ? CodeBlock.of("s.$L.clone()", f)
        : CodeBlock.of("$T.copyOfRange(s.$L, $L * $L * $L, ($L + 1) * $L * $L)", Arrays.class, f, el, dd, dd, el, dd,
            dd);
    ClassName post = u.family().spec().posterior();
    List<CodeBlock> args = u.family().spec().posteriorArgs(new FamilySpec.Copies() {
      @Override
      public CodeBlock one(String param) {
        return one.apply(q.get(param));
      }

      @Override
      public CodeBlock vector(String param) {
        return vec.apply(q.get(param));
      }

      @Override
      public CodeBlock matrix(String param) {
        return mat.apply(q.get(param));
      }

      @Override
      public CodeBlock dim() {
        return CodeBlock.of("$L", dd);
      }
    });
    m.addStatement("return new $T($L)", post, CodeBlock.join(args, ",$W"));
    m.returns(post).addJavadoc("The posterior factor q($L)$L: $L.\n", u.factor().name(),
        idx.isEmpty() ? "" : " of element [" + String.join(", ", userIdx) + "]", u.family().title());
    t.addMethod(m.build());
  }

  /** {@code out.put("p", new FitResult.Posterior(...))} for one factor. */
  CodeBlock genericPosterior(Layout.FactorStorage fs) {
    String elements = layout.product(fs.elementDims(), "s");
    List<CodeBlock> names = new ArrayList<>();
    List<CodeBlock> values = new ArrayList<>();
    for (Map.Entry<String, String> p : fs.params().entrySet()) {
      names.add(CodeBlock.of("$S", p.getKey()));
      values.add(CodeBlock.of("s.$L", p.getValue()));
    }
    String mean = fs.moments().get(fs.update().family().spec().meanMoment());
    CodeBlock sd = fs.moments().containsKey("x2") ? CodeBlock.of("sd(s.$L, s.$L)", mean, fs.moments().get("x2"))
        : CodeBlock.of("new double[0]");
    String shared = fs.update().family().spec().momentSharing(fs.update().family().spec().meanMoment());
    if (shared != null) {
      // The mean is a parameter's array itself (E[onehot(z)] = p): one copy serves as both.
      return CodeBlock.builder().add("{\n$>")
          .addStatement("$T<$T, double[]> ps = parameters(new $T[] {$L}, $L)", Map.class, STRING, STRING,
              CodeBlock.join(names, ", "), CodeBlock.join(values, ", "))
          .addStatement("out.put($S, new $T.Posterior($S, $L, ps, ps.get($S), $L))", fs.update().factor().name(),
              FIT_RESULT, fs.update().family().title(), elements, shared, sd)
          .add("$<}\n").build();
    }
    return CodeBlock.builder().addStatement("out.put($S, new $T.Posterior($S, $L,$Wparameters(new $T[] {$L}, $L),$W"
        + "s.$L.clone(),$W$L))", fs.update().factor().name(), FIT_RESULT, fs.update().family().title(), elements,
        STRING, CodeBlock.join(names, ", "), CodeBlock.join(values, ", "), mean, sd).build();
  }
}
