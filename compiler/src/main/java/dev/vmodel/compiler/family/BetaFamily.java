package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(x) = Beta(a, b): statistics (ln x, ln(1 - x)); also supplies E[x]. */
public final class BetaFamily implements FamilySpec {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "Beta");

  @Override
  public Family.Kind kind() {
    return Family.Kind.BETA;
  }

  @Override
  public String title() {
    return "Beta";
  }

  @Override
  public Set<String> priors() {
    return Set.of("Beta");
  }

  @Override
  public List<StatDef> statistics() {
    return List.of(new StatDef("lnx", 0, "ln %1$s", "LN0"), new StatDef("ln1mx", 0, "ln(1 - %1$s)", "LN1M0"));
  }

  @Override
  public List<StatDef> extraMoments() {
    return List.of(new StatDef("x", 0, "%1$s", "ID0"));
  }

  @Override
  public String parameters(FactorText t) {
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathrm{Beta}(" + t.label("lnx") + " + 1,\\ " + t.label("ln1mx") + " + 1)$."
        : "Parameters: " + t.q() + " = Beta(" + t.label("lnx") + " + 1, " + t.label("ln1mx") + " + 1)";
  }

  @Override
  public List<String> params() {
    return List.of("a", "b");
  }

  @Override
  public String meanMoment() {
    return "x";
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    String a = j.local("a");
    String bb = j.local("b");
    String psi = j.local("psiAB");
    b.addStatement("double $L = $L + 1.0", a, j.eta("lnx"));
    b.addStatement("double $L = $L + 1.0", bb, j.eta("ln1mx"));
    b.addStatement("$L[$L] = $L", j.param("a"), e, a);
    b.addStatement("$L[$L] = $L", j.param("b"), e, bb);
    b.addStatement("double $L = $T.digamma($L + $L)", psi, SPECIAL, a, bb);
    b.addStatement("$L[$L] = $T.digamma($L) - $L", j.moment("lnx"), e, SPECIAL, a, psi);
    b.addStatement("$L[$L] = $T.digamma($L) - $L", j.moment("ln1mx"), e, SPECIAL, bb, psi);
    b.addStatement("$L[$L] = $L / ($L + $L)", j.moment("x"), e, a, a, bb);
    return b.build();
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.entropy($L[$L], $L[$L])", RUNTIME_CLASS, j.param("a"), e, j.param("b"), e);
  }

  @Override
  public ClassName posterior() {
    return ClassName.get(POSTERIOR, "BetaPosterior");
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.one("a"), c.one("b"));
  }
}
