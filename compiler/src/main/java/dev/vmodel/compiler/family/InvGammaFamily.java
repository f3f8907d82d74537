package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(x) = InvGamma(shape, scale): statistics (1/x, ln x); also supplies E[x]. */
public final class InvGammaFamily extends FamilyBase {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "InvGamma");

  InvGammaFamily() {
    super(Family.Kind.INV_GAMMA, "InvGamma", Set.of("InvGamma"),
        List.of(stat("invx", 0, "1/%1$s", "INV0"), stat("lnx", 0, "ln %1$s", "LN0")),
        List.of(stat("x", 0, "%1$s", "ID0")),
        List.of("shape", "scale"), "x", "InvGammaPosterior");
  }

  @Override
  public String parameters(FactorText t) {
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathrm{InvGamma}(-" + t.label("lnx") + " - 1,\\ -" + t.label("invx")
            + ")$ (shape, scale)."
        : "Parameters: " + t.q() + " = InvGamma(shape = -" + t.label("lnx") + " - 1, scale = -" + t.label("invx")
            + ")";
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    String shape = j.local("shape");
    String scale = j.local("scale");
    b.addStatement("double $L = -$L - 1.0", shape, j.eta("lnx"));
    b.addStatement("double $L = -$L", scale, j.eta("invx"));
    j.store(b, j.param("shape"), shape);
    j.store(b, j.param("scale"), scale);
    b.addStatement("$L[$L] = $L / $L", j.moment("invx"), e, shape, scale);
    b.addStatement("$L[$L] = $T.log($L) - $T.digamma($L)", j.moment("lnx"), e, MATH, scale, SPECIAL, shape);
    b.addStatement("$L[$L] = $L / ($L - 1.0)", j.moment("x"), e, scale, shape);
    return b.build();
  }

  @Override
  public CodeBlock natural(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    b.addStatement("$L = -$L[$L]", j.eta("invx"), j.param("scale"), e);
    b.addStatement("$L = -$L[$L] - 1.0", j.eta("lnx"), j.param("shape"), e);
    return braced(b.build());
  }

  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.logPartition($L[$L], $L[$L])", RUNTIME_CLASS, j.param("shape"), e, j.param("scale"), e);
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.entropy($L[$L], $L[$L])", RUNTIME_CLASS, j.param("shape"), e, j.param("scale"), e);
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.one("shape"), c.one("scale"));
  }
}
