package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(x) = InvGamma(shape, scale): statistics (1/x, ln x); also supplies E[x]. */
public final class InvGammaFamily implements FamilySpec {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "InvGamma");

  @Override
  public Family.Kind kind() {
    return Family.Kind.INV_GAMMA;
  }

  @Override
  public String title() {
    return "InvGamma";
  }

  @Override
  public Set<String> priors() {
    return Set.of("InvGamma");
  }

  @Override
  public List<StatDef> statistics() {
    return List.of(new StatDef("invx", 0, "1/%1$s", "INV0"), new StatDef("lnx", 0, "ln %1$s", "LN0"));
  }

  @Override
  public List<StatDef> extraMoments() {
    return List.of(new StatDef("x", 0, "%1$s", "ID0"));
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
  public List<String> params() {
    return List.of("shape", "scale");
  }

  @Override
  public String meanMoment() {
    return "x";
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    String shape = j.local("shape");
    String scale = j.local("scale");
    b.addStatement("double $L = -$L - 1.0", shape, j.eta("lnx"));
    b.addStatement("double $L = -$L", scale, j.eta("invx"));
    b.addStatement("$L[$L] = $L", j.param("shape"), e, shape);
    b.addStatement("$L[$L] = $L", j.param("scale"), e, scale);
    b.addStatement("$L[$L] = $L / $L", j.moment("invx"), e, shape, scale);
    b.addStatement("$L[$L] = Math.log($L) - $T.digamma($L)", j.moment("lnx"), e, scale, SPECIAL, shape);
    b.addStatement("$L[$L] = $L / ($L - 1.0)", j.moment("x"), e, scale, shape);
    return b.build();
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.entropy($L[$L], $L[$L])", RUNTIME_CLASS, j.param("shape"), e, j.param("scale"), e);
  }

  @Override
  public ClassName posterior() {
    return ClassName.get(POSTERIOR, "InvGammaPosterior");
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.one("shape"), c.one("scale"));
  }
}
