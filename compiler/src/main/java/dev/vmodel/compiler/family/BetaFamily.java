package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(x) = Beta(a, b): statistics (ln x, ln(1 - x)); also supplies E[x]. */
public final class BetaFamily extends FamilyBase {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "Beta");

  BetaFamily() {
    super(Family.Kind.BETA, "Beta", Set.of("Beta"),
        List.of(stat("lnx", 0, "ln %1$s", "LN0"), stat("ln1mx", 0, "ln(1 - %1$s)", "LN1M0")),
        List.of(stat("x", 0, "%1$s", "ID0")),
        List.of("a", "b"), "x", "BetaPosterior");
  }

  @Override
  public String parameters(FactorText t) {
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathrm{Beta}(" + t.label("lnx") + " + 1,\\ " + t.label("ln1mx") + " + 1)$."
        : "Parameters: " + t.q() + " = Beta(" + t.label("lnx") + " + 1, " + t.label("ln1mx") + " + 1)";
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
    j.store(b, j.param("a"), a);
    j.store(b, j.param("b"), bb);
    b.addStatement("double $L = $T.digamma($L + $L)", psi, SPECIAL, a, bb);
    b.addStatement("$L[$L] = $T.digamma($L) - $L", j.moment("lnx"), e, SPECIAL, a, psi);
    b.addStatement("$L[$L] = $T.digamma($L) - $L", j.moment("ln1mx"), e, SPECIAL, bb, psi);
    b.addStatement("$L[$L] = $L / ($L + $L)", j.moment("x"), e, a, a, bb);
    return b.build();
  }

  @Override
  public CodeBlock pseudoCounts(FactorJava j, CodeBlock draw) {
    return CodeBlock.builder().addStatement("$L += $L", j.eta("lnx"), draw)
        .addStatement("$L += $L", j.eta("ln1mx"), draw).build();
  }

  @Override
  public CodeBlock natural(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    b.addStatement("$L = $L[$L] - 1.0", j.eta("lnx"), j.param("a"), e);
    b.addStatement("$L = $L[$L] - 1.0", j.eta("ln1mx"), j.param("b"), e);
    return braced(b.build());
  }

  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.logPartition($L[$L], $L[$L])", RUNTIME_CLASS, j.param("a"), e, j.param("b"), e);
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.entropy($L[$L], $L[$L])", RUNTIME_CLASS, j.param("a"), e, j.param("b"), e);
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.one("a"), c.one("b"));
  }
}
