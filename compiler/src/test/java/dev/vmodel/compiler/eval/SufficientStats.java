package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.family.Family;
import dev.vmodel.runtime.SpecialFunctions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The sufficient statistics of each family written as numbers of a value (independently of the
 * algebra's {@link Family}), each with the combination of natural parameters that multiplies it:
 * ln q(z) = sum over regressors of coefficient * statistic + const. Symmetric matrix statistics
 * are listed once per pair i <= j (the coefficient of x_i x_j is eta[i,j] + eta[j,i]); a
 * categorical's one-hot statistic is listed for k >= 1 against k = 0 (they sum to one).
 */
final class SufficientStats {
  private SufficientStats() {}

  /** A statistic of a value (one {@link Val} per family member) and its coefficient from the natural parameters. */
  record Regressor(String label, ToDoubleFunction<Val[]> value, ToDoubleFunction<Map<String, double[]>> coefficient) {}

  static List<Regressor> of(Family fam, int d) {
    List<Regressor> out = new ArrayList<>();
    switch (fam.kind()) {
      case NORMAL:
        out.add(new Regressor("x", v -> v[0].scalar(), eta -> eta.get("x")[0]));
        out.add(new Regressor("x^2", v -> sq(v[0].scalar()), eta -> eta.get("x2")[0]));
        break;
      case MULTI_NORMAL:
        for (int i = 0; i < d; i++) {
          int ii = i;
          out.add(new Regressor("x[" + i + "]", v -> v[0].vector()[ii], eta -> eta.get("x")[ii]));
        }
        symmetric(out, d, "xxT", v -> v[0].vector());
        break;
      case GAMMA:
        out.add(new Regressor("x", v -> v[0].scalar(), eta -> eta.get("x")[0]));
        out.add(new Regressor("ln x", v -> Math.log(v[0].scalar()), eta -> eta.get("lnx")[0]));
        break;
      case INV_GAMMA:
        out.add(new Regressor("1/x", v -> 1 / v[0].scalar(), eta -> eta.get("invx")[0]));
        out.add(new Regressor("ln x", v -> Math.log(v[0].scalar()), eta -> eta.get("lnx")[0]));
        break;
      case BETA:
        out.add(new Regressor("ln x", v -> Math.log(v[0].scalar()), eta -> eta.get("lnx")[0]));
        out.add(new Regressor("ln(1-x)", v -> Math.log1p(-v[0].scalar()), eta -> eta.get("ln1mx")[0]));
        break;
      case DIRICHLET:
        for (int k = 0; k < d; k++) {
          int kk = k;
          out.add(new Regressor("ln x[" + k + "]", v -> Math.log(v[0].vector()[kk]), eta -> eta.get("lnx")[kk]));
        }
        break;
      case CATEGORICAL:
        for (int k = 1; k < d; k++) {
          int kk = k;
          out.add(new Regressor("[z=" + k + "] - [z=0]", v -> v[0].scalar() == kk ? 1 : 0,
              eta -> eta.get("onehot")[kk] - eta.get("onehot")[0]));
        }
        break;
      case WISHART:
        matrixEntries(out, d, "X", v -> v[0].matrix());
        out.add(new Regressor("ln|X|", v -> Mat.logDet(v[0].matrix()), eta -> eta.get("lnDet")[0]));
        break;
      case NORMAL_GAMMA:
        // members (mu, tau)
        out.add(new Regressor("tau", v -> v[1].scalar(), eta -> eta.get("tau")[0]));
        out.add(new Regressor("ln tau", v -> Math.log(v[1].scalar()), eta -> eta.get("lntau")[0]));
        out.add(new Regressor("tau mu", v -> v[1].scalar() * v[0].scalar(), eta -> eta.get("taumu")[0]));
        out.add(new Regressor("tau mu^2", v -> v[1].scalar() * sq(v[0].scalar()), eta -> eta.get("taumu2")[0]));
        break;
      case NORMAL_WISHART:
        // members (mu, Lambda)
        matrixEntries(out, d, "Lambda", v -> v[1].matrix());
        out.add(new Regressor("ln|Lambda|", v -> Mat.logDet(v[1].matrix()), eta -> eta.get("lnDetLambda")[0]));
        for (int i = 0; i < d; i++) {
          int ii = i;
          out.add(new Regressor("(Lambda mu)[" + i + "]", v -> Mat.mul(v[1].matrix(), v[0].vector())[ii],
              eta -> eta.get("Lambdamu")[ii]));
        }
        out.add(new Regressor("mu^T Lambda mu", v -> Mat.quad(v[1].matrix(), v[0].vector()),
            eta -> eta.get("muLambdamu")[0]));
        break;
      case JAAKKOLA_JORDAN:
        // lambda(xi) (PRML 10.150) and c(xi) = ln logistic(xi) - xi/2 + lambda(xi) xi^2
        out.add(new Regressor("lambda(xi)", v -> Q.jjLambda(v[0].scalar()), eta -> eta.get("lambda")[0]));
        out.add(new Regressor("c(xi)", v -> {
          double xi = v[0].scalar();
          return Q.lnSigma(xi) - xi / 2 + Q.jjLambda(xi) * xi * xi;
        }, eta -> eta.get("offset")[0]));
        break;
      case BOHNING:
        // b_k(psi) = psi_k/2 - softmax(psi)_k and c(psi) = -(lse(psi) - softmax(psi)'psi + |psi|^2/4)
        for (int k = 0; k < d; k++) {
          int kk = k;
          out.add(new Regressor("b(psi)[" + k + "]", v -> {
            double[] p = v[0].vector();
            return p[kk] / 2 - Math.exp(p[kk] - SpecialFunctions.logSumExp(p));
          }, eta -> eta.get("shift")[kk]));
        }
        out.add(new Regressor("c(psi)", v -> {
          double[] p = v[0].vector();
          double z = SpecialFunctions.logSumExp(p);
          double s = z;
          for (double x : p) {
            s += -Math.exp(x - z) * x + x * x / 4;
          }
          return -s;
        }, eta -> eta.get("offset")[0]));
        break;
      default:
        throw new IllegalStateException(fam.kind().toString());
    }
    return out;
  }

  private static double sq(double x) {
    return x * x;
  }

  /** x_i x_j for i <= j, coefficient eta[i,j] + eta[j,i] (eta[i,i] on the diagonal). */
  private static void symmetric(List<Regressor> out, int d, String stat,
      java.util.function.Function<Val[], double[]> x) {
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        int ii = i;
        int jj = j;
        out.add(new Regressor(stat + "[" + i + "," + j + "]", v -> x.apply(v)[ii] * x.apply(v)[jj],
            eta -> ii == jj ? eta.get(stat)[ii * d + ii] : eta.get(stat)[ii * d + jj] + eta.get(stat)[jj * d + ii]));
      }
    }
  }

  /** Entries X_ij of a symmetric matrix value for i <= j, coefficient eta[i,j] + eta[j,i] off the diagonal. */
  private static void matrixEntries(List<Regressor> out, int d, String stat,
      java.util.function.Function<Val[], double[][]> x) {
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        int ii = i;
        int jj = j;
        out.add(new Regressor(stat + "[" + i + "," + j + "]", v -> x.apply(v)[ii][jj],
            eta -> ii == jj ? eta.get(stat)[ii * d + ii] : eta.get(stat)[ii * d + jj] + eta.get(stat)[jj * d + ii]));
      }
    }
  }
}
