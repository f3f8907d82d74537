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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * Writes the Result's posterior accessors, one per factor: the family's posterior record built
 * from the factor's parameter arrays, and the generic {@code posteriors()} map entry.
 */
final class PosteriorAccessors extends WriterPart {
  PosteriorAccessors(ModelContext ctx) {
    super(ctx);
  }

  void accessors(TypeSpec.Builder t, Layout.FactorStorage fs) {
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
        idx.isEmpty() ? "" : " of element [" + String.join(", ", idx) + "]", u.family().title());
    t.addMethod(m.build());
  }

  /** {@code out.put("p", new FitResult.Posterior(...))} for one factor. */
  CodeBlock genericPosterior(Layout.FactorStorage fs) {
    String elements = qualifySizes(layout.product(fs.elementDims()));
    List<CodeBlock> names = new ArrayList<>();
    List<CodeBlock> values = new ArrayList<>();
    for (Map.Entry<String, String> p : fs.params().entrySet()) {
      names.add(CodeBlock.of("$S", p.getKey()));
      values.add(CodeBlock.of("s.$L", p.getValue()));
    }
    String mean = fs.moments().get(fs.update().family().spec().meanMoment());
    CodeBlock sd = fs.moments().containsKey("x2") ? CodeBlock.of("sd(s.$L, s.$L)", mean, fs.moments().get("x2"))
        : CodeBlock.of("new double[0]");
    return CodeBlock.builder().addStatement("out.put($S, new $T.Posterior($S, $L,$Wparameters(new String[] {$L}, $L),$W"
        + "s.$L.clone(),$W$L))", fs.update().factor().name(), FIT_RESULT, fs.update().family().title(), elements,
        CodeBlock.join(names, ", "), CodeBlock.join(values, ", "), mean, sd).build();
  }
}
