package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(x) = Normal(mean, precision): statistics (x, x^2). */
public final class NormalFamily extends FamilyBase {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "Normal");

  NormalFamily() {
    super(Family.Kind.NORMAL, "Normal", Set.of("Normal"),
        List.of(stat("x", 0, "%1$s", "ID0"), stat("x2", 0, "%1$s^2", "ID0,ID0")),
        List.of(),
        List.of("mean", "precision"), "x", "NormalPosterior");
  }

  @Override
  public boolean gaussian() {
    return true;
  }

  @Override
  public String parameters(FactorText t) {
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathrm{Normal}(m, \\lambda)$ (mean, precision) with $\\lambda = -2\\,"
            + t.label("x2") + "$ and $m = " + t.label("x") + " / \\lambda$."
        : "Parameters: " + t.q() + " = Normal(mean, precision) with precision = -2 " + t.label("x2") + " and mean = "
            + t.label("x") + " / precision";
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    String precision = j.local("precision");
    String mean = j.local("mean");
    b.addStatement("double $L = -2.0 * $L", precision, j.eta("x2"));
    b.addStatement("double $L = $L / $L", mean, j.eta("x"), precision);
    j.store(b, j.param("mean"), mean);
    j.store(b, j.param("precision"), precision);
    j.store(b, j.moment("x"), mean);
    b.addStatement("$L[$L] = $L * $L + 1.0 / $L", j.moment("x2"), e, mean, mean, precision);
    return b.build();
  }

  @Override
  public CodeBlock natural(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    b.addStatement("$L = $L[$L] * $L[$L]", j.eta("x"), j.param("mean"), e, j.param("precision"), e);
    b.addStatement("$L = -0.5 * $L[$L]", j.eta("x2"), j.param("precision"), e);
    return braced(b.build());
  }

  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.logPartition($L[$L], $L[$L])", RUNTIME_CLASS, j.param("mean"), e, j.param("precision"), e);
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    return CodeBlock.of("$T.entropy($L[$L])", RUNTIME_CLASS, j.param("precision"), j.element());
  }

  @Override
  public CodeBlock jitter(FactorJava j, String elements) {
    CodeBlock.Builder m = CodeBlock.builder();
    m.beginControlFlow("for (int e = 0; e < $L; e++)", elements);
    String mean = j.local("mean");
    m.addStatement("double $N = $N[e] + rng.nextGaussian() / $T.sqrt($N[e])", mean, j.param("mean"), MATH,
        j.param("precision"));
    m.addStatement("$N[e] = $N", j.param("mean"), mean);
    m.addStatement("$N[e] = $N", j.moment("x"), mean);
    m.addStatement("$N[e] = $N * $N + 1.0 / $N[e]", j.moment("x2"), mean, mean, j.param("precision"));
    m.endControlFlow();
    return m.build();
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.one("mean"), c.one("precision"));
  }
}
