package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.vmodel.compiler.algebra.Idx;
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

  /** {@code out.put("p", new FitResult.Posterior(...))} for one factor. */
  CodeBlock genericPosterior(Layout.FactorStorage fs) {
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
}
