package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.ModelGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validation of observed counts against their trials, after every array is flattened: a
 * Binomial count must not exceed its trials, and a Multinomial row must hold non-negative
 * integers that add up to its trials. Otherwise the Beta or Dirichlet update gets negative
 * parameters and the fit breaks down with NaN (issue 13), so the State constructor rejects the
 * data with a {@code DataException} naming the array, row and column.
 *
 * <p>Beside them, the one check of a hyper that needs a bound size: a Wishart prior's degrees of
 * freedom above D - 1 ({@link #writeWishartDegrees}).
 *
 * <p>The trials are read where they are data indexed by the count's own plates, a hyper, a
 * size or a constant ({@code Binomial(trials[n], p)}, {@code Multinomial(20, p)}); other
 * expressions are left to the checks of the trials' own type.
 */
final class CountChecks extends WriterPart {
  CountChecks(ModelContext ctx) {
    super(ctx);
  }

  /** The checks of every Binomial and Multinomial observation, in declaration order. */
  void write(MethodSpec.Builder m) {
    for (Layout.DataArray d : layout.data.values()) {
      ModelGraph.Node node = plan.graph().node(d.node());
      if (!d.modeled() || node.dist().isEmpty() || d.allowsMissing()) {
        continue;
      }
      String dist = node.dist().get().spec().name();
      if (!dist.equals("Binomial") && !dist.equals("Multinomial")) {
        continue;
      }
      Set<String> scope = new LinkedHashSet<>(DataWriter.CONSTRUCTOR_PARAMETERS);
      Map<String, String> plateVars = new LinkedHashMap<>();
      List<String> vars = new ArrayList<>();
      for (ModelGraph.Plate p : node.plates()) {
        String v = layout.local(p.index(), scope);
        plateVars.put(p.index(), v);
        vars.add(v);
      }
      CodeBlock trials = trials(node.dist().get().arg("trials").value(), plateVars);
      if (trials == null) {
        continue;
      }
      m.addComment("$L: counts against their trials", d.node());
      for (int i = 0; i < vars.size(); i++) {
        m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", vars.get(i), vars.get(i), layout.dim(d.plateDims().get(i)),
            vars.get(i));
      }
      String row = vars.isEmpty() ? "-1" : vars.get(0);
      String trialsVar = layout.local("rowTrials", scope);
      m.addStatement("double $N = $L", trialsVar, trials);
      if (dist.equals("Binomial")) {
        String col = vars.size() > 1 ? vars.get(vars.size() - 1) : "-1";
        String y = layout.local("count", scope);
        m.addStatement("int $N = $N[$L]", y, d.field(), layout.flat(vars, d.plateDims()));
        m.beginControlFlow("if ($N > $N)", y, trialsVar);
        m.addStatement("throw new $T($S, $L, $L, $S + $N + $S + $N)", DATA_EXCEPTION, d.node(), row, col,
            "is ", y, ", more than its trials, ", trialsVar);
        m.endControlFlow();
      } else {
        Dim k = d.componentDims().get(0);
        String c = layout.local("c", scope);
        String sum = layout.local("sum", scope);
        String v = layout.local("v", scope);
        List<String> all = new ArrayList<>(vars);
        all.add(c);
        List<Dim> dims = new ArrayList<>(d.plateDims());
        dims.add(k);
        m.addStatement("double $N = 0.0", sum);
        m.beginControlFlow("for (int $N = 0; $N < $L; $N++)", c, c, layout.dim(k), c);
        m.addStatement("double $N = $N[$L]", v, d.field(), layout.flat(all, dims));
        m.beginControlFlow("if (!($N >= 0 && $N == $T.rint($N)))", v, v, MATH, v);
        m.addStatement("throw new $T($S, $L, $N, $S + $N)", DATA_EXCEPTION, d.node(), row, c,
            "must be a count (a non-negative integer), got ", v);
        m.endControlFlow();
        m.addStatement("$N += $N", sum, v);
        m.endControlFlow();
        m.beginControlFlow("if ($N != $N)", sum, trialsVar);
        m.addStatement("throw new $T($S, $L, -1, $S + $N + $S + $N)", DATA_EXCEPTION, d.node(), row,
            "sums to ", sum, ", not to its trials, ", trialsVar);
        m.endControlFlow();
      }
      for (int i = 0; i < vars.size(); i++) {
        m.endControlFlow();
      }
    }
  }

  /**
   * The degrees of freedom of every Wishart prior whose nu is a hyper, a size or a constant: a
   * Wishart on D x D matrices needs nu > D - 1, or its normaliser is undefined and q's update
   * breaks down (issue 13: `--set nu0=0.5`). A hyper's own domain check cannot know D, so the
   * State constructor checks it once the sizes are bound, naming the hyper.
   */
  void writeWishartDegrees(MethodSpec.Builder m) {
    for (ModelGraph.Node node : plan.graph().nodes()) {
      if (!node.isLatent() || node.dist().isEmpty() || !node.dist().get().spec().name().equals("Wishart")
          || !(node.type() instanceof Type.Matrix mt)) {
        continue;
      }
      Ir nu = node.dist().get().arg("nu").value();
      CodeBlock value = trials(nu, Map.of());
      if (value == null) {
        continue;
      }
      String what = nu instanceof Ir.Hyper h ? "hyper " + h.name() : nu instanceof Ir.Size s ? "size " + s.name()
          : "the constant";
      CodeBlock d = CodeBlock.of("$L", layout.dim(mt.rows()));
      m.beginControlFlow("if (!($L > $L - 1))", value, d);
      m.addStatement("throw new $T($S + $L + $S + ($L - 1))", IllegalArgumentException.class,
          what + " = ", value, ": the degrees of freedom of the Wishart prior of " + node.name()
              + " must be greater than D - 1 = ", d);
      m.endControlFlow();
    }
  }

  /** The trials of one observation as Java, or null where they are not a simple read. */
  private CodeBlock trials(Ir t, Map<String, String> plateVars) {
    if (t instanceof Ir.Const c) {
      return PolyCode.numberCode(c.value());
    } else if (t instanceof Ir.Hyper h && layout.hyperNames.containsKey(h.name())) {
      return CodeBlock.of("$N", layout.hyperNames.get(h.name()));
    } else if (t instanceof Ir.Size s) {
      return CodeBlock.of("$N", layout.sizeNames.get(s.name()));
    } else if (t instanceof Ir.Var v && !v.latent() && layout.data.containsKey(v.name())) {
      Layout.DataArray arr = layout.data.get(v.name());
      if (v.indices().size() != arr.plateDims().size() || !arr.componentDims().isEmpty()) {
        return null;
      }
      List<String> idx = new ArrayList<>();
      for (Ir.Index i : v.indices()) {
        if (i instanceof Ir.Index.Plate p && plateVars.containsKey(p.name())) {
          idx.add(plateVars.get(p.name()));
        } else if (i instanceof Ir.Index.Fixed f) {
          idx.add(Integer.toString(f.value()));
        } else {
          return null;
        }
      }
      return CodeBlock.of("$N[$L]", arr.field(), layout.flat(idx, arr.plateDims()));
    }
    return null;
  }
}
