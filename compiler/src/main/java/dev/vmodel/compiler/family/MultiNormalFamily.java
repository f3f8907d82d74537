package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/** q(x) = MultiNormal(mean, precision matrix): statistics (x, x x^T). */
public final class MultiNormalFamily extends FamilyBase {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "MultiNormal");

  MultiNormalFamily() {
    super(Family.Kind.MULTI_NORMAL, "MultiNormal", Set.of("MultiNormal"),
        List.of(stat("x", 1, "%1$s", "ID1"), stat("xxT", 2, "%1$s %1$s^T", "ID1,ID1")),
        List.of(),
        List.of("mean", "precision", "cov", "lnDetPrecision"), "x", "MultiNormalPosterior");
  }

  @Override
  public boolean gaussian() {
    return true;
  }

  @Override
  public String parameters(FactorText t) {
    String ij = t.components("xxT");
    String x = t.statistic("x", List.of());
    String eta = t.eta();
    return t.tex()
        ? "Parameters: $" + t.q() + " = \\mathrm{MultiNormal}(m, P)$ (mean, precision matrix) with $P_{" + ij
            + "} = -2\\," + t.label("xxT") + "$ and $m = P^{-1} " + eta + "(" + x + ")$, where $" + eta + "(" + x
            + ")$ is the vector of the $" + t.label("x") + "$."
        : "Parameters: " + t.q() + " = MultiNormal(mean, P) with precision matrix P[" + ij + "] = -2 "
            + t.label("xxT") + " and mean = P^-1 " + eta + "(" + x + ")";
  }

  @Override
  public int paramWidth(String param) {
    return param.equals("mean") ? 1 : param.equals("lnDetPrecision") ? 0 : 2;
  }

  @Override
  public CodeBlock convert(FactorJava fj) {
    CodeBlock.Builder b = CodeBlock.builder();
    String d = fj.dim();
    String off = fj.matrixOffset(b);
    String i = fj.local("i");
    String j = fj.local("j");
    String lnDet = fj.local("lnDet");
    String mean = fj.local("mean");
    MatrixCode.minusTwiceSymmetric(b, fj, fj.param("precision"), off, i, j, fj.eta("xxT"));
    MatrixCode.spdInverse(b, fj, lnDet, "", fj.param("precision"), fj.param("cov"), off, "precision");
    fj.store(b, fj.param("lnDetPrecision"), lnDet);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
    b.addStatement("double $L = 0.0", mean);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
    b.addStatement("$L += $L[$L] * $L[$L]", mean, fj.param("cov"), fj.cell(off, i, j), fj.eta("x"), j);
    b.endControlFlow();
    b.addStatement("$L[$L] = $L", fj.param("mean"), fj.at(i), mean);
    b.addStatement("$L[$L] = $L", fj.moment("x"), fj.at(i), mean);
    b.endControlFlow();
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
    b.addStatement("$L[$L] = $L[$L] + $L[$L] * $L[$L]", fj.moment("xxT"), fj.cell(off, i, j), fj.param("cov"),
        fj.cell(off, i, j), fj.param("mean"), fj.at(i), fj.param("mean"), fj.at(j));
    b.endControlFlow();
    b.endControlFlow();
    return b.build();
  }

  @Override
  public CodeBlock natural(FactorJava fj) {
    CodeBlock.Builder b = CodeBlock.builder();
    String d = fj.dim();
    String off = fj.matrixOffset(b);
    String i = fj.local("i");
    String j = fj.local("j");
    String pm = fj.local("pm");
    // eta(x) = P m, eta(x x^T) = -P/2.
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
    b.addStatement("double $L = 0.0", pm);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
    b.addStatement("$L += $L[$L] * $L[$L]", pm, fj.param("precision"), fj.cell(off, i, j), fj.param("mean"),
        fj.at(j));
    b.addStatement("$L[$L] = -0.5 * $L[$L]", fj.eta("xxT"), fj.cell("", i, j), fj.param("precision"),
        fj.cell(off, i, j));
    b.endControlFlow();
    b.addStatement("$L[$L] = $L", fj.eta("x"), i, pm);
    b.endControlFlow();
    return braced(b.build());
  }

  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    return CodeBlock.of("$T.logPartition($L, $L, $L, $L, $L, $L[$L])", RUNTIME_CLASS, j.dim(), j.param("mean"),
        j.at("0"), j.param("precision"), MatrixCode.blockStart(j), j.param("lnDetPrecision"), j.element());
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    return CodeBlock.of("$T.entropy($L, $L[$L])", RUNTIME_CLASS, j.dim(), j.param("lnDetPrecision"), j.element());
  }

  @Override
  public CodeBlock jitter(FactorJava fj, String elements) {
    CodeBlock.Builder m = CodeBlock.builder();
    String d = fj.dim();
    String mean = fj.param("mean");
    m.beginControlFlow("for (int e = 0; e < $L; e++)", elements);
    m.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    m.addStatement("$L[e * $L + i] += rng.nextGaussian()", mean, d);
    m.addStatement("$L[e * $L + i] = $L[e * $L + i]", fj.moment("x"), d, mean, d);
    m.endControlFlow();
    m.beginControlFlow("for (int i = 0; i < $L; i++)", d);
    m.beginControlFlow("for (int j = 0; j < $L; j++)", d);
    m.addStatement("$L[(e * $L + i) * $L + j] = $L[(e * $L + i) * $L + j] + $L[e * $L + i] * $L[e * $L + j]",
        fj.moment("xxT"), d, d, fj.param("cov"), d, d, mean, d, mean, d);
    m.endControlFlow();
    m.endControlFlow();
    m.endControlFlow();
    return m.build();
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.vector("mean"), c.matrix("precision"));
  }
}
