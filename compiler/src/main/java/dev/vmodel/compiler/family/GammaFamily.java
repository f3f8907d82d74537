package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(x) = Gamma(shape, rate): statistics (x, ln x); also supplies E[x^2] and E[1/x]. */
public final class GammaFamily extends FamilyBase {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "Gamma");

  GammaFamily() {
    super(Family.Kind.GAMMA, "Gamma", Set.of("Gamma", "Exponential"),
        List.of(stat("x", 0, "%1$s", "ID0"), stat("lnx", 0, "ln %1$s", "LN0")),
        List.of(stat("x2", 0, "%1$s^2", "ID0,ID0"), stat("invx", 0, "1/%1$s", "INV0")),
        List.of("shape", "rate"), "x", "GammaPosterior");
  }

  @Override
  public String parameters(FactorText t) {
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathrm{Gamma}(" + t.label("lnx") + " + 1,\\ -" + t.label("x")
            + ")$ (shape, rate)."
        : "Parameters: " + t.q() + " = Gamma(shape = " + t.label("lnx") + " + 1, rate = -" + t.label("x") + ")";
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    String shape = j.local("shape");
    String rate = j.local("rate");
    b.addStatement("double $L = $L + 1.0", shape, j.eta("lnx"));
    b.addStatement("double $L = -$L", rate, j.eta("x"));
    j.store(b, j.param("shape"), shape);
    j.store(b, j.param("rate"), rate);
    b.addStatement("$L[$L] = $L / $L", j.moment("x"), e, shape, rate);
    b.addStatement("$L[$L] = $T.digamma($L) - $T.log($L)", j.moment("lnx"), e, SPECIAL, shape, MATH, rate);
    b.addStatement("$L[$L] = $L * ($L + 1.0) / ($L * $L)", j.moment("x2"), e, shape, shape, rate, rate);
    b.addStatement("$L[$L] = $L / ($L - 1.0)", j.moment("invx"), e, rate, shape);
    return b.build();
  }

  @Override
  public CodeBlock natural(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    b.addStatement("$L = -$L[$L]", j.eta("x"), j.param("rate"), e);
    b.addStatement("$L = $L[$L] - 1.0", j.eta("lnx"), j.param("shape"), e);
    return braced(b.build());
  }

  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.logPartition($L[$L], $L[$L])", RUNTIME_CLASS, j.param("shape"), e, j.param("rate"), e);
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.entropy($L[$L], $L[$L])", RUNTIME_CLASS, j.param("shape"), e, j.param("rate"), e);
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.one("shape"), c.one("rate"));
  }
}
