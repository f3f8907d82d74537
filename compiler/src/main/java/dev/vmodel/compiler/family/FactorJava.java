package dev.vmodel.compiler.family;

import com.palantir.javapoet.CodeBlock;

/**
 * What a family's generated code sees of one element of a factor: the Java names of its arrays
 * and natural-parameter holders, its flat index, its component dimension and fresh local names.
 * Codegen implements it; a family only reads it.
 */
public interface FactorJava {
  /** The element's flat index ("0" for a factor of one element). */
  String element();

  /** Java code for the component dimension D, or null for a scalar family. */
  String dim();

  /** The array of usual parameter {@code name} over all elements. */
  String param(String name);

  /** The array of moment {@code name} over all elements. */
  String moment(String name);

  /** The holder of the natural parameter of statistic {@code stat}: a scalar local or a workspace array. */
  String eta(String stat);

  /** A local name for {@code wanted}, unique against fields and the names in scope. */
  String local(String wanted);

  /** The flat index of component {@code i} of the element, in arrays of D entries per element. */
  String at(String i);

  /** Declares the start of the element's D x D block and returns its name, or "" for element 0. */
  String matrixOffset(CodeBlock.Builder b);

  /** The factor's name, for messages. */
  String factorLabel();

  /** The local a softmax adds its log-normaliser to, or null. */
  String lnNormSum();

  /**
   * The array whose entry for this element a softmax also stores its log-normaliser in (the
   * per-row bounds of a model with per-group locals), or null.
   */
  default String lnNormRow() {
    return null;
  }

  /** {@code array[e] = value;} for the element's entry of a scalar parameter or moment. */
  default void store(CodeBlock.Builder b, String array, String value) {
    b.addStatement("$L[$L] = $L", array, element(), value);
  }

  /** Entry (i, j) of a D x D block at {@code off} ("" for the start). */
  default String cell(String off, String i, String j) {
    return plus(off, i + " * " + dim() + " + " + j);
  }

  /** {@code off + i}, or i where off is "". */
  static String plus(String off, String i) {
    return off.isEmpty() ? i : off + " + " + i;
  }

  /** Fails the sweep, naming the factor, where an updated matrix is not positive definite. */
  default void notPositiveDefinite(CodeBlock.Builder b, String var, String what) {
    b.beginControlFlow("if ($T.isNaN($L))", FamilySpec.DOUBLE, var);
    b.addStatement("throw new $T($S)", FamilySpec.ARITHMETIC,
        "q(" + factorLabel() + "): the updated " + what + " is not positive definite (numerical breakdown)");
    b.endControlFlow();
  }
}
