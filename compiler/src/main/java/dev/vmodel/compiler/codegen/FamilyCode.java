package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Family;
import java.util.Map;

/**
 * Per family: the Java that turns natural parameters into the usual parameters and the moments
 * the other factors read, and the entropy of one element. Each piece is the family's textbook
 * formula (see {@code PlanPrinter.parameters}); {@code e} is the element's flat index.
 */
final class FamilyCode {
  private final Layout layout;

  FamilyCode(Layout layout) {
    this.layout = layout;
  }

  /** Names of the natural-parameter holders: scalar locals or workspace arrays. */
  static String eta(Layout.FactorStorage fs, String stat) {
    return "eta" + Layout.cap(fs.base()) + Layout.cap(stat);
  }

  /** Converts the natural parameters held in {@link #eta} locals/arrays for element {@code e}. */
  CodeBlock convert(Layout.FactorStorage fs, String e, String factorLabel) {
    CodeBlock.Builder b = CodeBlock.builder();
    Map<String, String> q = fs.params();
    Map<String, String> m = fs.moments();
    String d = fs.dim() == null ? null : layout.dim(fs.dim());
    switch (fs.update().family().kind()) {
      case NORMAL:
        b.addStatement("double precision = -2.0 * $L", eta(fs, "x2"));
        b.addStatement("double mean = $L / precision", eta(fs, "x"));
        b.addStatement("$L[$L] = mean", q.get("mean"), e);
        b.addStatement("$L[$L] = precision", q.get("precision"), e);
        b.addStatement("$L[$L] = mean", m.get("x"), e);
        b.addStatement("$L[$L] = mean * mean + 1.0 / precision", m.get("x2"), e);
        break;
      case GAMMA:
        b.addStatement("double shape = $L + 1.0", eta(fs, "lnx"));
        b.addStatement("double rate = -$L", eta(fs, "x"));
        b.addStatement("$L[$L] = shape", q.get("shape"), e);
        b.addStatement("$L[$L] = rate", q.get("rate"), e);
        b.addStatement("$L[$L] = shape / rate", m.get("x"), e);
        b.addStatement("$L[$L] = SpecialFunctions.digamma(shape) - Math.log(rate)", m.get("lnx"), e);
        b.addStatement("$L[$L] = shape * (shape + 1.0) / (rate * rate)", m.get("x2"), e);
        b.addStatement("$L[$L] = rate / (shape - 1.0)", m.get("invx"), e);
        break;
      case INV_GAMMA:
        b.addStatement("double shape = -$L - 1.0", eta(fs, "lnx"));
        b.addStatement("double scale = -$L", eta(fs, "invx"));
        b.addStatement("$L[$L] = shape", q.get("shape"), e);
        b.addStatement("$L[$L] = scale", q.get("scale"), e);
        b.addStatement("$L[$L] = shape / scale", m.get("invx"), e);
        b.addStatement("$L[$L] = Math.log(scale) - SpecialFunctions.digamma(shape)", m.get("lnx"), e);
        b.addStatement("$L[$L] = scale / (shape - 1.0)", m.get("x"), e);
        break;
      case BETA:
        b.addStatement("double a = $L + 1.0", eta(fs, "lnx"));
        b.addStatement("double b = $L + 1.0", eta(fs, "ln1mx"));
        b.addStatement("$L[$L] = a", q.get("a"), e);
        b.addStatement("$L[$L] = b", q.get("b"), e);
        b.addStatement("double psiAB = SpecialFunctions.digamma(a + b)");
        b.addStatement("$L[$L] = SpecialFunctions.digamma(a) - psiAB", m.get("lnx"), e);
        b.addStatement("$L[$L] = SpecialFunctions.digamma(b) - psiAB", m.get("ln1mx"), e);
        b.addStatement("$L[$L] = a / (a + b)", m.get("x"), e);
        break;
      case DIRICHLET:
        b.addStatement("double sumAlpha = 0.0");
        b.beginControlFlow("for (int c = 0; c < $L; c++)", d);
        b.addStatement("double alpha = $L[c] + 1.0", eta(fs, "lnx"));
        b.addStatement("$L[($L) * $L + c] = alpha", q.get("alpha"), e, d);
        b.addStatement("sumAlpha += alpha");
        b.endControlFlow();
        b.addStatement("double psiSum = SpecialFunctions.digamma(sumAlpha)");
        b.beginControlFlow("for (int c = 0; c < $L; c++)", d);
        b.addStatement("double alpha = $L[($L) * $L + c]", q.get("alpha"), e, d);
        b.addStatement("$L[($L) * $L + c] = SpecialFunctions.digamma(alpha) - psiSum", m.get("lnx"), e, d);
        b.addStatement("$L[($L) * $L + c] = alpha / sumAlpha", m.get("x"), e, d);
        b.endControlFlow();
        break;
      case CATEGORICAL:
        b.addStatement("System.arraycopy($L, 0, $L, ($L) * $L, $L)", eta(fs, "onehot"), q.get("p"), e, d, d);
        b.addStatement("SpecialFunctions.softmaxInPlace($L, ($L) * $L, $L)", q.get("p"), e, d, d);
        b.addStatement("System.arraycopy($L, ($L) * $L, $L, ($L) * $L, $L)", q.get("p"), e, d, m.get("onehot"), e, d, d);
        break;
      case MULTI_NORMAL: {
        b.addStatement("int off = ($L) * $L * $L", e, d, d);
        b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
        b.beginControlFlow("for (int j = 0; j < $L; j++)", d);
        b.addStatement("$L[off + i * $L + j] = -($L[i * $L + j] + $L[j * $L + i])", q.get("precision"), d,
            eta(fs, "xxT"), d, eta(fs, "xxT"), d);
        b.endControlFlow();
        b.endControlFlow();
        b.addStatement("double lnDet = LinAlg.spdInverseLogDet($L, off, $L, off, $L)", q.get("precision"), q.get("cov"), d);
        notPositiveDefinite(b, "lnDet", factorLabel, "precision");
        b.addStatement("$L[$L] = lnDet", q.get("lnDetPrecision"), e);
        b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
        b.addStatement("double mi = 0.0");
        b.beginControlFlow("for (int j = 0; j < $L; j++)", d);
        b.addStatement("mi += $L[off + i * $L + j] * $L[j]", q.get("cov"), d, eta(fs, "x"));
        b.endControlFlow();
        b.addStatement("$L[($L) * $L + i] = mi", q.get("mean"), e, d);
        b.addStatement("$L[($L) * $L + i] = mi", m.get("x"), e, d);
        b.endControlFlow();
        b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
        b.beginControlFlow("for (int j = 0; j < $L; j++)", d);
        b.addStatement("$L[off + i * $L + j] = $L[off + i * $L + j] + $L[($L) * $L + i] * $L[($L) * $L + j]",
            m.get("xxT"), d, q.get("cov"), d, q.get("mean"), e, d, q.get("mean"), e, d);
        b.endControlFlow();
        b.endControlFlow();
        break;
      }
      case WISHART: {
        b.addStatement("int off = ($L) * $L * $L", e, d, d);
        b.addStatement("double nu = 2.0 * $L + $L + 1.0", eta(fs, "lnDet"), d);
        b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
        b.beginControlFlow("for (int j = 0; j < $L; j++)", d);
        b.addStatement("$L[off + i * $L + j] = -($L[i * $L + j] + $L[j * $L + i])", q.get("W"), d,
            eta(fs, "X"), d, eta(fs, "X"), d);
        b.endControlFlow();
        b.endControlFlow();
        b.addStatement("double lnDetW = -LinAlg.spdInverseLogDet($L, off, $L, off, $L)", q.get("W"), q.get("W"), d);
        notPositiveDefinite(b, "lnDetW", factorLabel, "scale matrix");
        b.addStatement("$L[$L] = nu", q.get("nu"), e);
        b.addStatement("$L[$L] = lnDetW", q.get("lnDetW"), e);
        b.beginControlFlow("for (int i = 0; i < $L * $L; i++)", d, d);
        b.addStatement("$L[off + i] = nu * $L[off + i]", m.get("X"), q.get("W"));
        b.endControlFlow();
        b.addStatement("$L[$L] = Wishart.expLnDet($L, lnDetW, nu)", m.get("lnDet"), e, d);
        break;
      }
      case NORMAL_GAMMA:
        b.addStatement("double beta = -2.0 * $L", eta(fs, "taumu2"));
        b.addStatement("double mean = $L / beta", eta(fs, "taumu"));
        b.addStatement("double a = $L + 0.5", eta(fs, "lntau"));
        b.addStatement("double b = -$L - 0.5 * beta * mean * mean", eta(fs, "tau"));
        b.addStatement("$L[$L] = mean", q.get("m"), e);
        b.addStatement("$L[$L] = beta", q.get("beta"), e);
        b.addStatement("$L[$L] = a", q.get("a"), e);
        b.addStatement("$L[$L] = b", q.get("b"), e);
        b.addStatement("$L[$L] = a / b", m.get("tau"), e);
        b.addStatement("$L[$L] = SpecialFunctions.digamma(a) - Math.log(b)", m.get("lntau"), e);
        b.addStatement("$L[$L] = a / b * mean", m.get("taumu"), e);
        b.addStatement("$L[$L] = 1.0 / beta + a / b * mean * mean", m.get("taumu2"), e);
        b.addStatement("$L[$L] = mean", m.get("mu"), e);
        break;
      case NORMAL_WISHART: {
        b.addStatement("int off = ($L) * $L * $L", e, d, d);
        b.addStatement("int voff = ($L) * $L", e, d);
        b.addStatement("double beta = -2.0 * $L", eta(fs, "muLambdamu"));
        b.addStatement("double nu = 2.0 * $L + $L", eta(fs, "lnDetLambda"), d);
        b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
        b.addStatement("$L[voff + i] = $L[i] / beta", q.get("m"), eta(fs, "Lambdamu"));
        b.endControlFlow();
        b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
        b.beginControlFlow("for (int j = 0; j < $L; j++)", d);
        b.addStatement("$L[off + i * $L + j] = -($L[i * $L + j] + $L[j * $L + i]) - beta * $L[voff + i] * $L[voff + j]",
            q.get("W"), d, eta(fs, "Lambda"), d, eta(fs, "Lambda"), d, q.get("m"), q.get("m"));
        b.endControlFlow();
        b.endControlFlow();
        b.addStatement("double lnDetW = -LinAlg.spdInverseLogDet($L, off, $L, off, $L)", q.get("W"), q.get("W"), d);
        notPositiveDefinite(b, "lnDetW", factorLabel, "scale matrix");
        b.addStatement("$L[$L] = beta", q.get("beta"), e);
        b.addStatement("$L[$L] = nu", q.get("nu"), e);
        b.addStatement("$L[$L] = lnDetW", q.get("lnDetW"), e);
        b.addStatement("double quad = 0.0");
        b.beginControlFlow("for (int i = 0; i < $L; i++)", d);
        b.addStatement("double wm = 0.0");
        b.beginControlFlow("for (int j = 0; j < $L; j++)", d);
        b.addStatement("double lij = nu * $L[off + i * $L + j]", q.get("W"), d);
        b.addStatement("$L[off + i * $L + j] = lij", m.get("Lambda"), d);
        b.addStatement("wm += lij * $L[voff + j]", q.get("m"));
        b.endControlFlow();
        b.addStatement("$L[voff + i] = wm", m.get("Lambdamu"));
        b.addStatement("$L[voff + i] = $L[voff + i]", m.get("mu"), q.get("m"));
        b.addStatement("quad += $L[voff + i] * wm", q.get("m"));
        b.endControlFlow();
        b.addStatement("$L[$L] = Wishart.expLnDet($L, lnDetW, nu)", m.get("lnDetLambda"), e, d);
        b.addStatement("$L[$L] = $L / beta + quad", m.get("muLambdamu"), e, d);
        break;
      }
      default:
        throw new IllegalStateException();
    }
    return b.build();
  }

  private static void notPositiveDefinite(CodeBlock.Builder b, String var, String factor, String what) {
    b.beginControlFlow("if (Double.isNaN($L))", var);
    b.addStatement("throw new ArithmeticException($S)",
        "q(" + factor + "): the updated " + what + " is not positive definite (numerical breakdown)");
    b.endControlFlow();
  }

  /** Expression for the entropy of element {@code e}. */
  String entropy(Layout.FactorStorage fs, String e) {
    Map<String, String> q = fs.params();
    String d = fs.dim() == null ? null : layout.dim(fs.dim());
    switch (fs.update().family().kind()) {
      case NORMAL:
        return "Normal.entropy(" + q.get("precision") + "[" + e + "])";
      case MULTI_NORMAL:
        return "MultiNormal.entropy(" + d + ", " + q.get("lnDetPrecision") + "[" + e + "])";
      case GAMMA:
        return "Gamma.entropy(" + q.get("shape") + "[" + e + "], " + q.get("rate") + "[" + e + "])";
      case INV_GAMMA:
        return "InvGamma.entropy(" + q.get("shape") + "[" + e + "], " + q.get("scale") + "[" + e + "])";
      case BETA:
        return "Beta.entropy(" + q.get("a") + "[" + e + "], " + q.get("b") + "[" + e + "])";
      case DIRICHLET:
        return "Dirichlet.entropy(" + q.get("alpha") + ", (" + e + ") * " + d + ", " + d + ")";
      case CATEGORICAL:
        return "Categorical.entropy(" + q.get("p") + ", (" + e + ") * " + d + ", " + d + ")";
      case WISHART:
        return "Wishart.entropy(" + d + ", " + q.get("lnDetW") + "[" + e + "], " + q.get("nu") + "[" + e + "])";
      case NORMAL_GAMMA:
        return "Gamma.entropy(" + q.get("a") + "[" + e + "], " + q.get("b") + "[" + e + "]) + 0.5 * (1.0 + "
            + "SpecialFunctions.LN_2PI) - 0.5 * Math.log(" + q.get("beta") + "[" + e + "]) - 0.5 * "
            + fs.moments().get("lntau") + "[" + e + "]";
      default:
        return "NormalWishart.entropy(" + d + ", " + q.get("beta") + "[" + e + "], " + q.get("lnDetW") + "[" + e
            + "], " + q.get("nu") + "[" + e + "])";
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
