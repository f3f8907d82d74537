package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(X) = Wishart(W, nu): statistics (X, ln|X|). */
public final class WishartFamily extends FamilyBase {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "Wishart");

  WishartFamily() {
    super(Family.Kind.WISHART, "Wishart", Set.of("Wishart"),
        List.of(stat("X", 2, "%1$s", "ID2"), stat("lnDet", 0, "ln|%1$s|", "LNDET0")),
        List.of(),
        List.of("W", "nu", "lnDetW"), "X", "WishartPosterior");
  }

  @Override
  public String parameters(FactorText t) {
    String ij = t.components("X");
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathrm{Wishart}(W, \\nu)$ with $\\nu = 2\\," + t.label("lnDet") + " + "
            + t.dim() + " + 1$ and $(W^{-1})_{" + ij + "} = -2\\," + t.label("X") + "$."
        : "Parameters: " + t.q() + " = Wishart(W, nu) with nu = 2 " + t.label("lnDet") + " + " + t.dim()
            + " + 1 and W^-1[" + ij + "] = -2 " + t.label("X");
  }

  @Override
  public int paramWidth(String param) {
    return param.equals("W") ? 2 : 0;
  }

  @Override
  public CodeBlock convert(FactorJava fj) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = fj.element();
    String d = fj.dim();
    String off = fj.matrixOffset(b);
    String i = fj.local("i");
    String j = fj.local("j");
    String nu = fj.local("nu");
    String lnDetW = fj.local("lnDetW");
    b.addStatement("double $L = 2.0 * $L + $L + 1.0", nu, fj.eta("lnDet"), d);
    MatrixCode.minusTwiceSymmetric(b, fj, fj.param("W"), off, i, j, fj.eta("X"));
    MatrixCode.spdInverse(b, fj, lnDetW, "-", fj.param("W"), fj.param("W"), off, "scale matrix");
    fj.store(b, fj.param("nu"), nu);
    fj.store(b, fj.param("lnDetW"), lnDetW);
    b.beginControlFlow("for (int $L = 0; $L < $L * $L; $L++)", i, i, d, d, i);
    b.addStatement("$L[$L] = $L * $L[$L]", fj.moment("X"), FactorJava.plus(off, i), nu, fj.param("W"),
        FactorJava.plus(off, i));
    b.endControlFlow();
    b.addStatement("$L[$L] = $T.expLnDet($L, $L, $L)", fj.moment("lnDet"), e, RUNTIME_CLASS, d, lnDetW, nu);
    return b.build();
  }

  @Override
  public CodeBlock natural(FactorJava fj) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = fj.element();
    // eta(X) = -W^-1 / 2, eta(ln|X|) = (nu - D - 1) / 2.
    MatrixCode.minusHalfInverse(b, fj, fj.local("lnDetW"), fj.param("W"), fj.eta("X"), fj.local("i"),
        "scale matrix");
    b.addStatement("$L = 0.5 * ($L[$L] - $L - 1.0)", fj.eta("lnDet"), fj.param("nu"), e, fj.dim());
    return braced(b.build());
  }

  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.logPartition($L, $L[$L], $L[$L])", RUNTIME_CLASS, j.dim(), j.param("lnDetW"), e,
        j.param("nu"), e);
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.entropy($L, $L[$L], $L[$L])", RUNTIME_CLASS, j.dim(), j.param("lnDetW"), e,
        j.param("nu"), e);
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.matrix("W"), c.one("nu"), c.dim());
  }
}
