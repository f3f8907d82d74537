package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Family;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Per family: the Java that turns natural parameters into the usual parameters and the moments
 * the other factors read, and the entropy of one element. Each piece is the family's textbook
 * formula (see {@code PlanPrinter.parametersText}); {@code e} is the element's flat index.
 */
final class FamilyCode {
  private static final String RT = "dev.vmodel.runtime";
  static final ClassName SPECIAL = PolyCode.SPECIAL;
  static final ClassName LIN_ALG = ClassName.get(RT, "LinAlg");
  static final ClassName NORMAL = ClassName.get(RT, "Normal");
  static final ClassName MULTI_NORMAL = ClassName.get(RT, "MultiNormal");
  static final ClassName GAMMA = ClassName.get(RT, "Gamma");
  static final ClassName INV_GAMMA = ClassName.get(RT, "InvGamma");
  static final ClassName BETA = ClassName.get(RT, "Beta");
  static final ClassName DIRICHLET = ClassName.get(RT, "Dirichlet");
  static final ClassName CATEGORICAL = ClassName.get(RT, "Categorical");
  static final ClassName WISHART = ClassName.get(RT, "Wishart");
  static final ClassName NORMAL_WISHART = ClassName.get(RT, "NormalWishart");

  private final Layout layout;

  FamilyCode(Layout layout) {
    this.layout = layout;
  }

  /** The holder of a natural parameter: a scalar local, or a workspace array of one element. */
  String eta(Layout.FactorStorage fs, String stat) {
    return fs.etas().get(stat);
  }

  /**
   * Local names for a block of generated code: the wanted name unless a field or a name in
   * scope has it, then {@code q} + the name ({@code qA} beside the hyperparameter {@code a}).
   */
  final class Locals {
    private final Set<String> avoid;
    private final Map<String, String> names = new HashMap<>();

    Locals(Set<String> inScope) {
      this.avoid = new HashSet<>(inScope);
    }

    String get(String wanted) {
      return names.computeIfAbsent(wanted, w -> {
        String c = w;
        int k = 2;
        while (layout.isField(c) || avoid.contains(c)) {
          c = "q" + Layout.cap(w) + (k == 2 ? "" : Integer.toString(k - 1));
          k++;
        }
        avoid.add(c);
        return c;
      });
    }
  }

  /** {@code i} of element {@code e} in arrays of {@code width} entries per element. */
  private static String at(String e, String width, String i) {
    if (i.equals("0") && !e.equals("0")) {
      return PolyCode.isOperand(e) ? e + " * " + width : "(" + e + ") * " + width;
    }
    return e.equals("0") ? i : PolyCode.isOperand(e) ? e + " * " + width + " + " + i
        : "(" + e + ") * " + width + " + " + i;
  }

  /**
   * Converts the natural parameters held in the {@link #eta} holders for element {@code e}
   * (whose loop variables are {@code inScope}) into parameters and moments.
   */
  CodeBlock convert(Layout.FactorStorage fs, String e, String factorLabel, Set<String> inScope) {
    return convert(fs, e, factorLabel, inScope, null);
  }

  /**
   * {@link #convert(Layout.FactorStorage, String, String, Set)}; for a categorical factor with
   * {@code lnNormSum} set, the softmax's log-normaliser is added to that local.
   */
  CodeBlock convert(Layout.FactorStorage fs, String e, String factorLabel, Set<String> inScope, String lnNormSum) {
    CodeBlock.Builder b = CodeBlock.builder();
    Locals v = new Locals(inScope);
    Map<String, String> q = fs.params();
    Map<String, String> m = fs.moments();
    String d = fs.dim() == null ? null : layout.dim(fs.dim());
    switch (fs.update().family().kind()) {
      case NORMAL: {
        String precision = v.get("precision");
        String mean = v.get("mean");
        b.addStatement("double $L = -2.0 * $L", precision, eta(fs, "x2"));
        b.addStatement("double $L = $L / $L", mean, eta(fs, "x"), precision);
        b.addStatement("$L[$L] = $L", q.get("mean"), e, mean);
        b.addStatement("$L[$L] = $L", q.get("precision"), e, precision);
        b.addStatement("$L[$L] = $L", m.get("x"), e, mean);
        b.addStatement("$L[$L] = $L * $L + 1.0 / $L", m.get("x2"), e, mean, mean, precision);
        break;
      }
      case GAMMA: {
        String shape = v.get("shape");
        String rate = v.get("rate");
        b.addStatement("double $L = $L + 1.0", shape, eta(fs, "lnx"));
        b.addStatement("double $L = -$L", rate, eta(fs, "x"));
        b.addStatement("$L[$L] = $L", q.get("shape"), e, shape);
        b.addStatement("$L[$L] = $L", q.get("rate"), e, rate);
        b.addStatement("$L[$L] = $L / $L", m.get("x"), e, shape, rate);
        b.addStatement("$L[$L] = $T.digamma($L) - $T.log($L)", m.get("lnx"), e, SPECIAL, shape, ModelContext.MATH, rate);
        b.addStatement("$L[$L] = $L * ($L + 1.0) / ($L * $L)", m.get("x2"), e, shape, shape, rate, rate);
        b.addStatement("$L[$L] = $L / ($L - 1.0)", m.get("invx"), e, rate, shape);
        break;
      }
      case INV_GAMMA: {
        String shape = v.get("shape");
        String scale = v.get("scale");
        b.addStatement("double $L = -$L - 1.0", shape, eta(fs, "lnx"));
        b.addStatement("double $L = -$L", scale, eta(fs, "invx"));
        b.addStatement("$L[$L] = $L", q.get("shape"), e, shape);
        b.addStatement("$L[$L] = $L", q.get("scale"), e, scale);
        b.addStatement("$L[$L] = $L / $L", m.get("invx"), e, shape, scale);
        b.addStatement("$L[$L] = $T.log($L) - $T.digamma($L)", m.get("lnx"), e, ModelContext.MATH, scale, SPECIAL, shape);
        b.addStatement("$L[$L] = $L / ($L - 1.0)", m.get("x"), e, scale, shape);
        break;
      }
      case BETA: {
        String a = v.get("a");
        String bb = v.get("b");
        String psi = v.get("psiAB");
        b.addStatement("double $L = $L + 1.0", a, eta(fs, "lnx"));
        b.addStatement("double $L = $L + 1.0", bb, eta(fs, "ln1mx"));
        b.addStatement("$L[$L] = $L", q.get("a"), e, a);
        b.addStatement("$L[$L] = $L", q.get("b"), e, bb);
        b.addStatement("double $L = $T.digamma($L + $L)", psi, SPECIAL, a, bb);
        b.addStatement("$L[$L] = $T.digamma($L) - $L", m.get("lnx"), e, SPECIAL, a, psi);
        b.addStatement("$L[$L] = $T.digamma($L) - $L", m.get("ln1mx"), e, SPECIAL, bb, psi);
        b.addStatement("$L[$L] = $L / ($L + $L)", m.get("x"), e, a, a, bb);
        break;
      }
      case DIRICHLET: {
        String sum = v.get("sumAlpha");
        String c = v.get("c");
        String alpha = v.get("alpha");
        String psi = v.get("psiSum");
        b.addStatement("double $L = 0.0", sum);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, d, c);
        b.addStatement("double $L = $L[$L] + 1.0", alpha, eta(fs, "lnx"), c);
        b.addStatement("$L[$L] = $L", q.get("alpha"), at(e, d, c), alpha);
        b.addStatement("$L += $L", sum, alpha);
        b.endControlFlow();
        b.addStatement("double $L = $T.digamma($L)", psi, SPECIAL, sum);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", c, c, d, c);
        b.addStatement("double $L = $L[$L]", alpha, q.get("alpha"), at(e, d, c));
        b.addStatement("$L[$L] = $T.digamma($L) - $L", m.get("lnx"), at(e, d, c), SPECIAL, alpha, psi);
        b.addStatement("$L[$L] = $L / $L", m.get("x"), at(e, d, c), alpha, sum);
        b.endControlFlow();
        break;
      }
      case CATEGORICAL: {
        String off = at(e, d, "0");
        b.addStatement("$T.arraycopy($L, 0, $L, $L, $L)", ModelContext.SYSTEM, eta(fs, "onehot"), q.get("p"), off, d);
        b.addStatement("$L$T.softmaxInPlace($L, $L, $L)", lnNormSum == null ? "" : lnNormSum + " += ", SPECIAL,
            q.get("p"), off, d);
        // m.get("onehot") is the same array as q.get("p"): E[onehot(z)] = p.
        break;
      }
      case MULTI_NORMAL: {
        String off = matrixOffset(b, v, e, d);
        String i = v.get("i");
        String j = v.get("j");
        String lnDet = v.get("lnDet");
        String mean = v.get("mean");
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
        b.addStatement("$L[$L] = -($L[$L] + $L[$L])", q.get("precision"), cell(off, i, d, j), eta(fs, "xxT"),
            cell("", i, d, j), eta(fs, "xxT"), cell("", j, d, i));
        b.endControlFlow();
        b.endControlFlow();
        b.addStatement("double $L = $T.spdInverseLogDet($L, $L, $L, $L, $L)", lnDet, LIN_ALG, q.get("precision"),
            off.isEmpty() ? "0" : off, q.get("cov"), off.isEmpty() ? "0" : off, d);
        notPositiveDefinite(b, lnDet, factorLabel, "precision");
        b.addStatement("$L[$L] = $L", q.get("lnDetPrecision"), e, lnDet);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
        b.addStatement("double $L = 0.0", mean);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
        b.addStatement("$L += $L[$L] * $L[$L]", mean, q.get("cov"), cell(off, i, d, j), eta(fs, "x"), j);
        b.endControlFlow();
        b.addStatement("$L[$L] = $L", q.get("mean"), at(e, d, i), mean);
        b.addStatement("$L[$L] = $L", m.get("x"), at(e, d, i), mean);
        b.endControlFlow();
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
        b.addStatement("$L[$L] = $L[$L] + $L[$L] * $L[$L]", m.get("xxT"), cell(off, i, d, j), q.get("cov"),
            cell(off, i, d, j), q.get("mean"), at(e, d, i), q.get("mean"), at(e, d, j));
        b.endControlFlow();
        b.endControlFlow();
        break;
      }
      case WISHART: {
        String off = matrixOffset(b, v, e, d);
        String i = v.get("i");
        String j = v.get("j");
        String nu = v.get("nu");
        String lnDetW = v.get("lnDetW");
        b.addStatement("double $L = 2.0 * $L + $L + 1.0", nu, eta(fs, "lnDet"), d);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
        b.addStatement("$L[$L] = -($L[$L] + $L[$L])", q.get("W"), cell(off, i, d, j), eta(fs, "X"),
            cell("", i, d, j), eta(fs, "X"), cell("", j, d, i));
        b.endControlFlow();
        b.endControlFlow();
        b.addStatement("double $L = -$T.spdInverseLogDet($L, $L, $L, $L, $L)", lnDetW, LIN_ALG, q.get("W"),
            off.isEmpty() ? "0" : off, q.get("W"), off.isEmpty() ? "0" : off, d);
        notPositiveDefinite(b, lnDetW, factorLabel, "scale matrix");
        b.addStatement("$L[$L] = $L", q.get("nu"), e, nu);
        b.addStatement("$L[$L] = $L", q.get("lnDetW"), e, lnDetW);
        b.beginControlFlow("for (int $L = 0; $L < $L * $L; $L++)", i, i, d, d, i);
        b.addStatement("$L[$L] = $L * $L[$L]", m.get("X"), plus(off, i), nu, q.get("W"), plus(off, i));
        b.endControlFlow();
        b.addStatement("$L[$L] = $T.expLnDet($L, $L, $L)", m.get("lnDet"), e, WISHART, d, lnDetW, nu);
        break;
      }
      case NORMAL_GAMMA: {
        String beta = v.get("beta");
        String mean = v.get("mean");
        String a = v.get("a");
        String bb = v.get("b");
        b.addStatement("double $L = -2.0 * $L", beta, eta(fs, "taumu2"));
        b.addStatement("double $L = $L / $L", mean, eta(fs, "taumu"), beta);
        b.addStatement("double $L = $L + 0.5", a, eta(fs, "lntau"));
        b.addStatement("double $L = -$L - 0.5 * $L * $L * $L", bb, eta(fs, "tau"), beta, mean, mean);
        b.addStatement("$L[$L] = $L", q.get("m"), e, mean);
        b.addStatement("$L[$L] = $L", q.get("beta"), e, beta);
        b.addStatement("$L[$L] = $L", q.get("a"), e, a);
        b.addStatement("$L[$L] = $L", q.get("b"), e, bb);
        b.addStatement("$L[$L] = $L / $L", m.get("tau"), e, a, bb);
        b.addStatement("$L[$L] = $T.digamma($L) - $T.log($L)", m.get("lntau"), e, SPECIAL, a, ModelContext.MATH, bb);
        b.addStatement("$L[$L] = $L / $L * $L", m.get("taumu"), e, a, bb, mean);
        b.addStatement("$L[$L] = 1.0 / $L + $L / $L * $L * $L", m.get("taumu2"), e, beta, a, bb, mean, mean);
        b.addStatement("$L[$L] = $L", m.get("mu"), e, mean);
        break;
      }
      case NORMAL_WISHART: {
        String off = matrixOffset(b, v, e, d);
        String i = v.get("i");
        String j = v.get("j");
        String beta = v.get("beta");
        String nu = v.get("nu");
        String lnDetW = v.get("lnDetW");
        String quad = v.get("quad");
        String lm = v.get("lambdaM");
        String lij = v.get("lambdaIJ");
        b.addStatement("double $L = -2.0 * $L", beta, eta(fs, "muLambdamu"));
        b.addStatement("double $L = 2.0 * $L + $L", nu, eta(fs, "lnDetLambda"), d);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
        b.addStatement("$L[$L] = $L[$L] / $L", q.get("m"), at(e, d, i), eta(fs, "Lambdamu"), i, beta);
        b.endControlFlow();
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
        b.addStatement("$L[$L] = -($L[$L] + $L[$L]) - $L * $L[$L] * $L[$L]", q.get("W"), cell(off, i, d, j),
            eta(fs, "Lambda"), cell("", i, d, j), eta(fs, "Lambda"), cell("", j, d, i), beta, q.get("m"),
            at(e, d, i), q.get("m"), at(e, d, j));
        b.endControlFlow();
        b.endControlFlow();
        b.addStatement("double $L = -$T.spdInverseLogDet($L, $L, $L, $L, $L)", lnDetW, LIN_ALG, q.get("W"),
            off.isEmpty() ? "0" : off, q.get("W"), off.isEmpty() ? "0" : off, d);
        notPositiveDefinite(b, lnDetW, factorLabel, "scale matrix");
        b.addStatement("$L[$L] = $L", q.get("beta"), e, beta);
        b.addStatement("$L[$L] = $L", q.get("nu"), e, nu);
        b.addStatement("$L[$L] = $L", q.get("lnDetW"), e, lnDetW);
        b.addStatement("double $L = 0.0", quad);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, d, i);
        b.addStatement("double $L = 0.0", lm);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, d, j);
        b.addStatement("double $L = $L * $L[$L]", lij, nu, q.get("W"), cell(off, i, d, j));
        b.addStatement("$L[$L] = $L", m.get("Lambda"), cell(off, i, d, j), lij);
        b.addStatement("$L += $L * $L[$L]", lm, lij, q.get("m"), at(e, d, j));
        b.endControlFlow();
        b.addStatement("$L[$L] = $L", m.get("Lambdamu"), at(e, d, i), lm);
        b.addStatement("$L[$L] = $L[$L]", m.get("mu"), at(e, d, i), q.get("m"), at(e, d, i));
        b.addStatement("$L += $L[$L] * $L", quad, q.get("m"), at(e, d, i), lm);
        b.endControlFlow();
        b.addStatement("$L[$L] = $T.expLnDet($L, $L, $L)", m.get("lnDetLambda"), e, WISHART, d, lnDetW, nu);
        b.addStatement("$L[$L] = $L / $L + $L", m.get("muLambdamu"), e, d, beta, quad);
        break;
      }
      default:
        throw new IllegalStateException("no conversion for " + fs.update().family().kind());
    }
    return b.build();
  }

  /** Declares {@code off}, the start of element e's d x d block, unless e is 0: then "". */
  private static String matrixOffset(CodeBlock.Builder b, Locals v, String e, String d) {
    if (e.equals("0")) {
      return "";
    }
    String off = v.get("off");
    b.addStatement("int $L = $L * $L * $L", off, PolyCode.isOperand(e) ? e : "(" + e + ")", d, d);
    return off;
  }

  /** Entry (i, j) of a d x d block at {@code off} ("" for the start). */
  private static String cell(String off, String i, String d, String j) {
    return plus(off, i + " * " + d + " + " + j);
  }

  private static String plus(String off, String i) {
    return off.isEmpty() ? i : off + " + " + i;
  }

  private static void notPositiveDefinite(CodeBlock.Builder b, String var, String factor, String what) {
    b.beginControlFlow("if ($T.isNaN($L))", ModelContext.DOUBLE, var);
    b.addStatement("throw new $T($S)", ModelContext.ARITHMETIC,
        "q(" + factor + "): the updated " + what + " is not positive definite (numerical breakdown)");
    b.endControlFlow();
  }

  /** Expression for the entropy of element {@code e}. */
  CodeBlock entropy(Layout.FactorStorage fs, String e) {
    Map<String, String> q = fs.params();
    String d = fs.dim() == null ? null : layout.dim(fs.dim());
    switch (fs.update().family().kind()) {
      case NORMAL:
        return CodeBlock.of("$T.entropy($L[$L])", NORMAL, q.get("precision"), e);
      case MULTI_NORMAL:
        return CodeBlock.of("$T.entropy($L, $L[$L])", MULTI_NORMAL, d, q.get("lnDetPrecision"), e);
      case GAMMA:
        return CodeBlock.of("$T.entropy($L[$L], $L[$L])", GAMMA, q.get("shape"), e, q.get("rate"), e);
      case INV_GAMMA:
        return CodeBlock.of("$T.entropy($L[$L], $L[$L])", INV_GAMMA, q.get("shape"), e, q.get("scale"), e);
      case BETA:
        return CodeBlock.of("$T.entropy($L[$L], $L[$L])", BETA, q.get("a"), e, q.get("b"), e);
      case DIRICHLET:
        return CodeBlock.of("$T.entropy($L, $L, $L)", DIRICHLET, q.get("alpha"), at(e, d, "0"), d);
      case CATEGORICAL:
        return CodeBlock.of("$T.entropy($L, $L, $L)", CATEGORICAL, q.get("p"), at(e, d, "0"), d);
      case WISHART:
        return CodeBlock.of("$T.entropy($L, $L[$L], $L[$L])", WISHART, d, q.get("lnDetW"), e, q.get("nu"), e);
      case NORMAL_GAMMA:
        // H[q(tau)] + E_q(tau)[H[q(mu | tau)]], with q(mu | tau) = Normal(m, beta tau).
        return CodeBlock.of("$T.entropy($L[$L], $L[$L]) + 0.5 * (1.0 + $T.LN_2PI) - 0.5 * $T.log($L[$L])"
            + " - 0.5 * $L[$L]", GAMMA, q.get("a"), e, q.get("b"), e, SPECIAL, ModelContext.MATH, q.get("beta"), e,
            fs.moments().get("lntau"), e);
      default:
        return CodeBlock.of("$T.entropy($L, $L[$L], $L[$L], $L[$L])", NORMAL_WISHART, d, q.get("beta"), e,
            q.get("lnDetW"), e, q.get("nu"), e);
    }
  }

  /** Length of a parameter array per element. */
  int paramWidth(Family.Kind k, String param) {
    switch (k) {
      case MULTI_NORMAL:
        return param.equals("mean") ? 1 : param.equals("lnDetPrecision") ? 0 : 2;
      case DIRICHLET:
      case CATEGORICAL:
        return 1;
      case WISHART:
        return param.equals("W") ? 2 : 0;
      case NORMAL_WISHART:
        return param.equals("m") ? 1 : param.equals("W") ? 2 : 0;
      default:
        return 0;
    }
  }
}
