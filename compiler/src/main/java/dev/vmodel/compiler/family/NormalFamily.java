package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(x) = Normal(mean, precision): statistics (x, x^2). */
public final class NormalFamily implements FamilySpec {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "Normal");

  @Override
  public Family.Kind kind() {
    return Family.Kind.NORMAL;
  }

  @Override
  public String title() {
    return "Normal";
  }

  @Override
  public Set<String> priors() {
    return Set.of("Normal");
  }

  @Override
  public List<StatDef> statistics() {
    return List.of(new StatDef("x", 0, "%1$s", "ID0"), new StatDef("x2", 0, "%1$s^2", "ID0,ID0"));
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
  public List<String> params() {
    return List.of("mean", "precision");
  }

  @Override
  public String meanMoment() {
    return "x";
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    String precision = j.local("precision");
    String mean = j.local("mean");
    b.addStatement("double $L = -2.0 * $L", precision, j.eta("x2"));
    b.addStatement("double $L = $L / $L", mean, j.eta("x"), precision);
    b.addStatement("$L[$L] = $L", j.param("mean"), e, mean);
    b.addStatement("$L[$L] = $L", j.param("precision"), e, precision);
    b.addStatement("$L[$L] = $L", j.moment("x"), e, mean);
    b.addStatement("$L[$L] = $L * $L + 1.0 / $L", j.moment("x2"), e, mean, mean, precision);
    return b.build();
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    return CodeBlock.of("$T.entropy($L[$L])", RUNTIME_CLASS, j.param("precision"), j.element());
  }

  @Override
  public CodeBlock jitter(FactorJava j, String elements) {
    CodeBlock.Builder m = CodeBlock.builder();
    m.beginControlFlow("for (int e = 0; e < $L; e++)", elements);
    m.addStatement("double mean = $L[e] + rng.nextGaussian() / Math.sqrt($L[e])", j.param("mean"),
        j.param("precision"));
    m.addStatement("$L[e] = mean", j.param("mean"));
    m.addStatement("$L[e] = mean", j.moment("x"));
    m.addStatement("$L[e] = mean * mean + 1.0 / $L[e]", j.moment("x2"), j.param("precision"));
    m.endControlFlow();
    return m.build();
  }

  @Override
  public ClassName posterior() {
    return ClassName.get(POSTERIOR, "NormalPosterior");
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.one("mean"), c.one("precision"));
  }
}
