package dev.vmodel.compiler.family;

import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Monomial;
import java.util.List;
import java.util.Set;

/**
 * q(mu, tau) = Normal(mu | m, (beta tau)^-1) Gamma(tau | a, b), a grouped mean and precision:
 * statistics (tau, ln tau, tau mu, tau mu^2); also supplies E[mu].
 */
public final class NormalGammaFamily extends FamilyBase {
  private static final Set<String> PRECISION_PRIORS = Set.of("Gamma", "Exponential");

  NormalGammaFamily() {
    super(Family.Kind.NORMAL_GAMMA, "Normal-Gamma", Set.of(),
        List.of(stat("tau", 0, "%2$s", null), stat("lntau", 0, "ln %2$s", null),
            stat("taumu", 0, "%2$s %1$s", null), stat("taumu2", 0, "%2$s %1$s^2", null)),
        List.of(stat("mu", 0, "%1$s", null)),
        List.of("m", "beta", "a", "b"), "mu", "NormalGammaPosterior");
  }

  @Override
  public boolean joins(String meanPrior, String precisionPrior) {
    return meanPrior.equals("Normal") && PRECISION_PRIORS.contains(precisionPrior);
  }

  @Override
  public Family.Match match(List<String> members, List<Atom.Rv> atoms, Monomial context, boolean moments) {
    List<List<Atom.Rv>> split = Matching.byMember(members.get(0), atoms);
    String m = Matching.signature(split.get(0));
    String t = Matching.signature(split.get(1));
    if (t.equals("LN0") && m.isEmpty()) {
      return new Family.Match("lntau", List.of(), List.of());
    }
    if (t.equals("ID0")) {
      switch (m) {
        case "":
          return new Family.Match("tau", List.of(), List.of());
        case "ID0":
          return new Family.Match("taumu", List.of(), List.of());
        case "ID0,ID0":
          return new Family.Match("taumu2", List.of(), List.of());
        default:
          return null;
      }
    }
    if (moments && t.isEmpty() && m.equals("ID0")) {
      return new Family.Match("mu", List.of(), List.of());
    }
    return null;
  }

  @Override
  public String parameters(FactorText t) {
    String mu = t.statistic("mu", List.of());
    String tau = t.statistic("tau", List.of());
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathcal{N}(" + mu + " \\mid m, (\\beta " + tau + ")^{-1})\\,"
            + "\\mathrm{Gam}(" + tau + " \\mid a, b)$ with $\\beta = -2\\," + t.label("taumu2") + "$, $m = "
            + t.label("taumu") + " / \\beta$, $a = " + t.label("lntau") + " + \\frac{1}{2}$ and $b = -"
            + t.label("tau") + " - \\frac{1}{2} \\beta m^2$."
        : "Parameters: " + t.q() + " = Normal(" + mu + " | m, (beta " + tau + ")^-1) Gamma(" + tau + " | a, b) with"
            + " beta = -2 " + t.label("taumu2") + ", m = " + t.label("taumu") + " / beta, a = " + t.label("lntau")
            + " + 1/2, b = -" + t.label("tau") + " - beta m^2 / 2";
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    String beta = j.local("beta");
    String mean = j.local("mean");
    String a = j.local("a");
    String bb = j.local("b");
    b.addStatement("double $L = -2.0 * $L", beta, j.eta("taumu2"));
    b.addStatement("double $L = $L / $L", mean, j.eta("taumu"), beta);
    b.addStatement("double $L = $L + 0.5", a, j.eta("lntau"));
    b.addStatement("double $L = -$L - 0.5 * $L * $L * $L", bb, j.eta("tau"), beta, mean, mean);
    j.store(b, j.param("m"), mean);
    j.store(b, j.param("beta"), beta);
    j.store(b, j.param("a"), a);
    j.store(b, j.param("b"), bb);
    b.addStatement("$L[$L] = $L / $L", j.moment("tau"), e, a, bb);
    b.addStatement("$L[$L] = $T.digamma($L) - $T.log($L)", j.moment("lntau"), e, SPECIAL, a, MATH, bb);
    b.addStatement("$L[$L] = $L / $L * $L", j.moment("taumu"), e, a, bb, mean);
    b.addStatement("$L[$L] = 1.0 / $L + $L / $L * $L * $L", j.moment("taumu2"), e, beta, a, bb, mean, mean);
    j.store(b, j.moment("mu"), mean);
    return b.build();
  }

  @Override
  public CodeBlock natural(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    String beta = j.local("beta");
    String mean = j.local("mean");
    b.addStatement("double $L = $L[$L]", beta, j.param("beta"), e);
    b.addStatement("double $L = $L[$L]", mean, j.param("m"), e);
    b.addStatement("$L = -$L[$L] - 0.5 * $L * $L * $L", j.eta("tau"), j.param("b"), e, beta, mean, mean);
    b.addStatement("$L = $L[$L] - 0.5", j.eta("lntau"), j.param("a"), e);
    b.addStatement("$L = $L * $L", j.eta("taumu"), beta, mean);
    b.addStatement("$L = -0.5 * $L", j.eta("taumu2"), beta);
    return braced(b.build());
  }

  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.normalGammaLogPartition($L[$L], $L[$L], $L[$L])", GammaFamily.RUNTIME_CLASS,
        j.param("beta"), e, j.param("a"), e, j.param("b"), e);
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    String e = j.element();
    // H[q(tau)] + E_q(tau)[H[q(mu | tau)]], with q(mu | tau) = Normal(m, beta tau).
    return CodeBlock.of("$T.entropy($L[$L], $L[$L]) + 0.5 * (1.0 + $T.LN_2PI) - 0.5 * $T.log($L[$L])"
        + " - 0.5 * $L[$L]", GammaFamily.RUNTIME_CLASS, j.param("a"), e, j.param("b"), e, SPECIAL, MATH,
        j.param("beta"), e, j.moment("lntau"), e);
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.one("m"), c.one("beta"), c.one("a"), c.one("b"));
  }
}
