package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(x) = Dirichlet(alpha): statistics ln x[k]; also supplies E[x[k]]. */
public final class DirichletFamily extends FamilyBase {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "Dirichlet");

  DirichletFamily() {
    super(Family.Kind.DIRICHLET, "Dirichlet", Set.of("Dirichlet"),
        List.of(stat("lnx", 1, "ln %1$s", "LN1")),
        List.of(stat("x", 1, "%1$s", "ID1")),
        List.of("alpha"), "x", "DirichletPosterior");
  }

  @Override
  public List<String> componentIndexNames(int arity) {
    return List.of("k");
  }

  @Override
  public String parameters(FactorText t) {
    String k = t.components("lnx");
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathrm{Dirichlet}(\\alpha)$ with $\\alpha_{" + k + "} = " + t.label("lnx")
            + " + 1$."
        : "Parameters: " + t.q() + " = Dirichlet(alpha) with alpha[" + k + "] = " + t.label("lnx") + " + 1";
  }

  @Override
  public int paramWidth(String param) {
    return 1;
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String d = j.dim();
    String sum = j.local("sumAlpha");
    String c = j.local("c");
    String alpha = j.local("alpha");
    String psi = j.local("psiSum");
    b.addStatement("double $L = 0.0", sum);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, d, c);
    b.addStatement("double $L = $L[$L] + 1.0", alpha, j.eta("lnx"), c);
    b.addStatement("$L[$L] = $L", j.param("alpha"), j.at(c), alpha);
    b.addStatement("$L += $L", sum, alpha);
    b.endControlFlow();
    b.addStatement("double $L = $T.digamma($L)", psi, SPECIAL, sum);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, d, c);
    b.addStatement("double $L = $L[$L]", alpha, j.param("alpha"), j.at(c));
    b.addStatement("$L[$L] = $T.digamma($L) - $L", j.moment("lnx"), j.at(c), SPECIAL, alpha, psi);
    b.addStatement("$L[$L] = $L / $L", j.moment("x"), j.at(c), alpha, sum);
    b.endControlFlow();
    return b.build();
  }

  @Override
  public CodeBlock pseudoCounts(FactorJava j, CodeBlock draw) {
    CodeBlock.Builder b = CodeBlock.builder();
    String c = j.local("c");
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, j.dim(), c);
    b.addStatement("$L[$L] += $L", j.eta("lnx"), c, draw);
    b.endControlFlow();
    return b.build();
  }

  @Override
  public CodeBlock natural(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String c = j.local("c");
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, j.dim(), c);
    b.addStatement("$L[$L] = $L[$L] - 1.0", j.eta("lnx"), c, j.param("alpha"), j.at(c));
    b.endControlFlow();
    return braced(b.build());
  }

  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    return CodeBlock.of("$T.logPartition($L, $L, $L)", RUNTIME_CLASS, j.param("alpha"), j.at("0"), j.dim());
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    return CodeBlock.of("$T.entropy($L, $L, $L)", RUNTIME_CLASS, j.param("alpha"), j.at("0"), j.dim());
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.vector("alpha"));
  }
}
