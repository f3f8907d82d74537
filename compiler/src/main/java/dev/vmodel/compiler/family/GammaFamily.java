package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(x) = Gamma(shape, rate): statistics (x, ln x); also supplies E[x^2] and E[1/x]. */
public final class GammaFamily implements FamilySpec {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "Gamma");

  @Override
  public Family.Kind kind() {
    return Family.Kind.GAMMA;
  }

  @Override
  public String title() {
    return "Gamma";
  }

  @Override
  public Set<String> priors() {
    return Set.of("Gamma", "Exponential");
  }

  @Override
  public List<StatDef> statistics() {
    return List.of(new StatDef("x", 0, "%1$s", "ID0"), new StatDef("lnx", 0, "ln %1$s", "LN0"));
  }

  @Override
  public List<StatDef> extraMoments() {
    return List.of(new StatDef("x2", 0, "%1$s^2", "ID0,ID0"), new StatDef("invx", 0, "1/%1$s", "INV0"));
  }

  @Override
  public String parameters(FactorText t) {
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathrm{Gamma}(" + t.label("lnx") + " + 1,\\ -" + t.label("x")
            + ")$ (shape, rate)."
        : "Parameters: " + t.q() + " = Gamma(shape = " + t.label("lnx") + " + 1, rate = -" + t.label("x") + ")";
  }

  @Override
  public List<String> params() {
    return List.of("shape", "rate");
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
    String rate = j.local("rate");
    b.addStatement("double $L = $L + 1.0", shape, j.eta("lnx"));
    b.addStatement("double $L = -$L", rate, j.eta("x"));
    b.addStatement("$L[$L] = $L", j.param("shape"), e, shape);
    b.addStatement("$L[$L] = $L", j.param("rate"), e, rate);
    b.addStatement("$L[$L] = $L / $L", j.moment("x"), e, shape, rate);
    b.addStatement("$L[$L] = $T.digamma($L) - Math.log($L)", j.moment("lnx"), e, SPECIAL, shape, rate);
    b.addStatement("$L[$L] = $L * ($L + 1.0) / ($L * $L)", j.moment("x2"), e, shape, shape, rate, rate);
    b.addStatement("$L[$L] = $L / ($L - 1.0)", j.moment("invx"), e, rate, shape);
    return b.build();
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.entropy($L[$L], $L[$L])", RUNTIME_CLASS, j.param("shape"), e, j.param("rate"), e);
  }

  @Override
  public ClassName posterior() {
    return ClassName.get(POSTERIOR, "GammaPosterior");
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.one("shape"), c.one("rate"));
  }
}
