package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * q(mu, Lambda) = MultiNormal(mu | m, (beta Lambda)^-1) Wishart(Lambda | W, nu), a grouped mean
 * and precision matrix: statistics (Lambda, ln|Lambda|, Lambda mu, mu^T Lambda mu); also supplies
 * E[mu].
 */
public final class NormalWishartFamily extends FamilyBase {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "NormalWishart");

  NormalWishartFamily() {
    super(Family.Kind.NORMAL_WISHART, "Normal-Wishart", Set.of(),
        List.of(stat("Lambda", 2, "%2$s", null), stat("lnDetLambda", 0, "ln|%2$s|", null),
            stat("Lambdamu", 1, "%2$s %1$s", null), stat("muLambdamu", 0, "%1$s^T %2$s %1$s", null)),
        List.of(stat("mu", 1, "%1$s", null)),
        List.of("m", "beta", "W", "nu", "lnDetW"), "mu", "NormalWishartPosterior");
  }

  @Override
  public boolean joins(String meanPrior, String precisionPrior) {
    return meanPrior.equals("MultiNormal") && precisionPrior.equals("Wishart");
  }

  @Override
  public Family.Match match(List<String> members, List<Atom.Rv> atoms, Monomial context, boolean moments) {
    List<List<Atom.Rv>> split = Matching.byMember(members.get(0), atoms);
    List<Atom.Rv> mu = split.get(0);
    List<Atom.Rv> lam = split.get(1);
    String l = Matching.signature(lam);
    String m = Matching.signature(mu);
    if (l.equals("LNDET0") && m.isEmpty()) {
      return new Family.Match("lnDetLambda", List.of(), List.of());
    }
    if (moments && l.isEmpty() && m.equals("ID1")) {
      return new Family.Match("mu", mu.get(0).component(), List.of());
    }
    if (!l.equals("ID2")) {
      return null;
    }
    Ix a = lam.get(0).component().get(0);
    Ix b = lam.get(0).component().get(1);
    if (m.isEmpty()) {
      return new Family.Match("Lambda", List.of(a, b), List.of());
    }
    Set<Atom> ours = new HashSet<>(lam);
    ours.addAll(mu);
    if (m.equals("ID1")) {
      Ix c = mu.get(0).component().get(0);
      if (c.equals(b) && Matching.contractible(b, context, ours)) {
        return new Family.Match("Lambdamu", List.of(a), List.of(((Ix.V) b).idx()));
      }
      if (c.equals(a) && Matching.contractible(a, context, ours)) {
        return new Family.Match("Lambdamu", List.of(b), List.of(((Ix.V) a).idx()));
      }
      return null;
    }
    if (m.equals("ID1,ID1")) {
      Ix c = mu.get(0).component().get(0);
      Ix d = mu.get(1).component().get(0);
      boolean pairs = (c.equals(a) && d.equals(b)) || (c.equals(b) && d.equals(a));
      if (pairs && !a.equals(b) && Matching.contractible(a, context, ours)
          && Matching.contractible(b, context, ours)) {
        return new Family.Match("muLambdamu", List.of(), List.of(((Ix.V) a).idx(), ((Ix.V) b).idx()));
      }
    }
    return null;
  }

  @Override
  public String parameters(FactorText t) {
    String mu = t.statistic("mu", List.of());
    String lam = t.statistic("Lambda", List.of());
    String ij = t.components("Lambda");
    String i = t.components("Lambdamu");
    String[] ab = ij.split(",");
    String d = t.dim();
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathcal{N}(" + mu + " \\mid m, (\\beta " + lam + ")^{-1})\\,"
            + "\\mathcal{W}(" + lam + " \\mid W, \\nu)$ with $\\beta = -2\\," + t.label("muLambdamu") + "$, $m_{" + i
            + "} = " + t.label("Lambdamu") + " / \\beta$, $\\nu = 2\\," + t.label("lnDetLambda") + " + " + d
            + "$ and $(W^{-1})_{" + ij + "} = -2\\," + t.label("Lambda") + " - \\beta\\, m_{" + ab[0] + "} m_{" + ab[1]
            + "}$."
        : "Parameters: " + t.q() + " = Normal(" + mu + " | m, (beta " + lam + ")^-1) Wishart(" + lam + " | W, nu) with"
            + " beta = -2 " + t.label("muLambdamu") + ", m[" + i + "] = " + t.label("Lambdamu") + " / beta, nu = 2 "
            + t.label("lnDetLambda") + " + " + d + ", W^-1[" + ij + "] = -2 " + t.label("Lambda") + " - beta m["
            + ab[0] + "] m[" + ab[1] + "]";
  }

  @Override
  public int paramWidth(String param) {
    return param.equals("m") ? 1 : param.equals("W") ? 2 : 0;
  }

  @Override
  public CodeBlock convert(FactorJava fj) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = fj.element();
    String d = fj.dim();
    String off = fj.matrixOffset(b);
    String i = fj.local("i");
    String j = fj.local("j");
    String beta = fj.local("beta");
    String nu = fj.local("nu");
    String lnDetW = fj.local("lnDetW");
    String quad = fj.local("quad");
    String lm = fj.local("lambdaM");
    String lij = fj.local("lambdaIJ");
    b.addStatement("double $L = -2.0 * $L", beta, fj.eta("muLambdamu"));
    b.addStatement("double $L = 2.0 * $L + $L", nu, fj.eta("lnDetLambda"), d);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
    b.addStatement("$L[$L] = $L[$L] / $L", fj.param("m"), fj.at(i), fj.eta("Lambdamu"), i, beta);
    b.endControlFlow();
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
    b.addStatement("$L[$L] = -($L[$L] + $L[$L]) - $L * $L[$L] * $L[$L]", fj.param("W"), fj.cell(off, i, j),
        fj.eta("Lambda"), fj.cell("", i, j), fj.eta("Lambda"), fj.cell("", j, i), beta, fj.param("m"), fj.at(i),
        fj.param("m"), fj.at(j));
    b.endControlFlow();
    b.endControlFlow();
    MatrixCode.spdInverse(b, fj, lnDetW, "-", fj.param("W"), fj.param("W"), off, "scale matrix");
    fj.store(b, fj.param("beta"), beta);
    fj.store(b, fj.param("nu"), nu);
    fj.store(b, fj.param("lnDetW"), lnDetW);
    b.addStatement("double $L = 0.0", quad);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
    b.addStatement("double $L = 0.0", lm);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
    b.addStatement("double $L = $L * $L[$L]", lij, nu, fj.param("W"), fj.cell(off, i, j));
    b.addStatement("$L[$L] = $L", fj.moment("Lambda"), fj.cell(off, i, j), lij);
    b.addStatement("$L += $L * $L[$L]", lm, lij, fj.param("m"), fj.at(j));
    b.endControlFlow();
    b.addStatement("$L[$L] = $L", fj.moment("Lambdamu"), fj.at(i), lm);
    b.addStatement("$L[$L] = $L[$L]", fj.moment("mu"), fj.at(i), fj.param("m"), fj.at(i));
    b.addStatement("$L += $L[$L] * $L", quad, fj.param("m"), fj.at(i), lm);
    b.endControlFlow();
    b.addStatement("$L[$L] = $T.expLnDet($L, $L, $L)", fj.moment("lnDetLambda"), e, WishartFamily.RUNTIME_CLASS, d,
        lnDetW, nu);
    b.addStatement("$L[$L] = $L / $L + $L", fj.moment("muLambdamu"), e, d, beta, quad);
    return b.build();
  }

  @Override
  public CodeBlock natural(FactorJava fj) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = fj.element();
    String d = fj.dim();
    String i = fj.local("i");
    String j = fj.local("j");
    String beta = fj.local("beta");
    String eta = fj.eta("Lambda");
    String m = fj.param("m");
    // eta(Lambda) = -(W^-1 + beta m m^T) / 2, eta(ln|Lambda|) = (nu - D) / 2, eta(Lambda mu) = beta m,
    // eta(mu^T Lambda mu) = -beta / 2.
    b.addStatement("double $L = $L[$L]", beta, fj.param("beta"), e);
    MatrixCode.minusHalfInverse(b, fj, fj.local("lnDetW"), fj.param("W"), eta, i, "scale matrix");
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
    // (m_i m_j) first, so that the holder stays exactly symmetric.
    b.addStatement("$L[$L] -= 0.5 * $L * ($L[$L] * $L[$L])", eta, fj.cell("", i, j), beta, m, fj.at(i), m,
        fj.at(j));
    b.endControlFlow();
    b.addStatement("$L[$L] = $L * $L[$L]", fj.eta("Lambdamu"), i, beta, m, fj.at(i));
    b.endControlFlow();
    b.addStatement("$L = 0.5 * ($L[$L] - $L)", fj.eta("lnDetLambda"), fj.param("nu"), e, d);
    b.addStatement("$L = -0.5 * $L", fj.eta("muLambdamu"), beta);
    return braced(b.build());
  }

  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.logPartition($L, $L[$L], $L[$L], $L[$L])", RUNTIME_CLASS, j.dim(), j.param("beta"), e,
        j.param("lnDetW"), e, j.param("nu"), e);
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.entropy($L, $L[$L], $L[$L], $L[$L])", RUNTIME_CLASS, j.dim(), j.param("beta"), e,
        j.param("lnDetW"), e, j.param("nu"), e);
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.vector("m"), c.one("beta"), c.matrix("W"), c.one("nu"));
  }
}
