package dev.vmodel.compiler.family;

import com.palantir.javapoet.CodeBlock;

/** Generated code shared by the families with a D x D parameter (MultiNormal, Wishart, Normal-Wishart). */
final class MatrixCode {
  private MatrixCode() {}

  /**
   * {@code target[off + (i, j)] = -(eta[i, j] + eta[j, i])}: minus twice the symmetric part of a
   * matrix statistic's natural parameter, the matrix of the usual parameters.
   */
  static void minusTwiceSymmetric(CodeBlock.Builder b, FactorJava fj, String target, String off, String i, String j,
      String eta) {
    String d = fj.dim();
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
    b.addStatement("$L[$L] = -($L[$L] + $L[$L])", target, fj.cell(off, i, j), eta, fj.cell("", i, j), eta,
        fj.cell("", j, i));
    b.endControlFlow();
    b.endControlFlow();
  }

  /**
   * Declares {@code lnDet} = {@code sign} ln|matrix| and writes the inverse of the element's
   * block of {@code matrix} into {@code inverse} (the same array inverts in place); fails the sweep
   * if the matrix is not positive definite.
   */
  static void spdInverse(CodeBlock.Builder b, FactorJava fj, String lnDet, String sign, String matrix, String inverse,
      String off, String what) {
    String at = off.isEmpty() ? "0" : off;
    b.addStatement("double $L = $L$T.spdInverseLogDet($L, $L, $L, $L, $L)", lnDet, sign, FamilySpec.LIN_ALG, matrix,
        at, inverse, at, fj.dim());
    fj.notPositiveDefinite(b, lnDet, what);
  }

  /** The index where the element's D x D block starts, as an expression ("0" for element 0). */
  static String blockStart(FactorJava fj) {
    return fj.element().equals("0") ? "0" : fj.at("0") + " * " + fj.dim();
  }

  /**
   * Writes {@code -(inverse of the element's block of matrix)/2} into the D x D holder
   * {@code eta} (from index 0): the natural parameter of a matrix statistic whose usual parameter
   * is the inverse (Wishart's W). {@code lnDet} is declared; fails the sweep if the matrix is not
   * positive definite.
   */
  static void minusHalfInverse(CodeBlock.Builder b, FactorJava fj, String lnDet, String matrix, String eta,
      String i, String what) {
    String d = fj.dim();
    b.addStatement("double $L = $T.spdInverseLogDet($L, $L, $L, 0, $L)", lnDet, FamilySpec.LIN_ALG, matrix,
        blockStart(fj), eta, d);
    fj.notPositiveDefinite(b, lnDet, what);
    b.beginControlFlow("for (int $L = 0; $L < $L * $L; $L++)", i, i, d, d, i);
    b.addStatement("$L[$L] *= -0.5", eta, i);
    b.endControlFlow();
  }
}
