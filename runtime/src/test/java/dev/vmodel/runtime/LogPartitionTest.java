package dev.vmodel.runtime;

import static dev.vmodel.runtime.SpecialFunctionsTest.close;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/**
 * The log-partition functions ln Z of each family, for its statistics T and natural parameters
 * eta, so that ln q(x) = eta . T(x) - ln Z. The independent references: for the scalar families
 * (and Normal-Gamma) ln of the integral of exp(eta . T(x)) by double-exponential quadrature
 * (see {@link Quadrature}), to 1e-10 relative in Z; for the multivariate ones, eta . T(x) - ln Z
 * at random points against the log density written out from PRML appendix B (Dirichlet B.16,
 * Gaussian B.37, Wishart B.78-B.79, Normal-Gamma 2.154, Normal-Wishart 2.157) with determinants
 * and inverses from EJML, to 1e-12.
 */
class LogPartitionTest {

  private static final double[][] SCALAR_PARAMS = {{0.5, 1.0}, {1.0, 0.3}, {2.5, 4.0}, {7.0, 0.8}, {30.0, 12.0}};

  // ------------------------------------------------------------------------------------------
  // Scalar families: ln of the integral of exp(eta . T(x))

  @Test
  void normalLogPartitionIsTheLogIntegral() {
    double[][] ps = {{0.0, 1.0}, {1.3, 0.2}, {-2.0, 5.0}, {0.4, 40.0}, {-3.0, 0.05}};
    for (double[] p : ps) {
      double m = p[0];
      double tau = p[1];
      double e1 = tau * m;
      double e2 = -0.5 * tau;
      // exp(eta . T(x) - c), c the maximum, so that the integrand stays near 1.
      double c = e1 * e1 / (-4 * e2);
      double z = Quadrature.integrateLine(x -> Math.exp(e1 * x + e2 * x * x - c), m, 1 / Math.sqrt(tau));
      close(Math.log(z) + c, Normal.logPartition(m, tau), 0, 1e-10, "Normal " + m + ", " + tau);
    }
  }

  @Test
  void gammaLogPartitionIsTheLogIntegral() {
    for (double[] p : SCALAR_PARAMS) {
      double a = p[0];
      double b = p[1];
      DoubleUnaryOperator f = x -> Math.exp(-b * x + (a - 1) * Math.log(x));
      double z = Quadrature.integrateToInfinity(f, 0, a / b);
      close(Math.log(z), Gamma.logPartition(a, b), 0, 1e-10, "Gamma " + a + ", " + b);
    }
  }

  @Test
  void invGammaLogPartitionIsTheLogIntegral() {
    for (double[] p : SCALAR_PARAMS) {
      double a = p[0];
      double b = p[1];
      DoubleUnaryOperator f = x -> Math.exp(-b / x - (a + 1) * Math.log(x));
      double z = Quadrature.integrateToInfinity(f, 0, b / (a + 1));
      close(Math.log(z), InvGamma.logPartition(a, b), 0, 1e-10, "InvGamma " + a + ", " + b);
    }
  }

  @Test
  void betaLogPartitionIsTheLogIntegral() {
    for (double[] p : SCALAR_PARAMS) {
      double a = p[0];
      double b = p[1];
      double z = Quadrature.integrateUnit((x, oneMinusX) -> Math.exp((a - 1) * Math.log(x)
          + (b - 1) * Math.log(oneMinusX)));
      close(Math.log(z), Beta.logPartition(a, b), 0, 1e-10, "Beta " + a + ", " + b);
    }
  }

  /** The two-dimensional integral over (mu, tau), inner over mu on the line, outer over tau. */
  @Test
  void normalGammaLogPartitionIsTheLogIntegral() {
    double[][] ps = {{0.0, 1.0, 2.0, 1.5}, {1.5, 0.3, 4.0, 0.7}, {-0.7, 6.0, 1.2, 3.0}};
    for (double[] p : ps) {
      double m = p[0];
      double beta = p[1];
      double a = p[2];
      double b = p[3];
      double eTau = -b - 0.5 * beta * m * m;
      double eLnTau = a - 0.5;
      double eTauMu = beta * m;
      double eTauMu2 = -0.5 * beta;
      double z = Quadrature.integrateToInfinity(tau -> Quadrature.integrateLine(
          mu -> Math.exp(eTau * tau + eLnTau * Math.log(tau) + eTauMu * tau * mu + eTauMu2 * tau * mu * mu), m,
          1 / Math.sqrt(beta * tau)), 0, a / b);
      close(Math.log(z), Gamma.normalGammaLogPartition(beta, a, b), 0, 1e-10,
          "Normal-Gamma " + java.util.Arrays.toString(p));
    }
  }

  /** ln p(x) = eta . T(x) - ln Z is the runtime's own log density too (a check of signs). */
  @Test
  void scalarLogDensitiesAreEtaDotTMinusLogPartition() {
    Random rng = new Random(3);
    for (double[] p : SCALAR_PARAMS) {
      double a = p[0];
      double b = p[1];
      for (int r = 0; r < 20; r++) {
        double x = 0.01 + 5 * rng.nextDouble();
        double u = rng.nextDouble();
        close(Gamma.lnPdf(x, a, b), -b * x + (a - 1) * Math.log(x) - Gamma.logPartition(a, b), 1e-13, 1e-13,
            "Gamma");
        close(InvGamma.lnPdf(x, a, b), -b / x - (a + 1) * Math.log(x) - InvGamma.logPartition(a, b), 1e-13, 1e-13,
            "InvGamma");
        close(Beta.lnPdf(u, a, b), (a - 1) * Math.log(u) + (b - 1) * Math.log1p(-u) - Beta.logPartition(a, b),
            1e-13, 1e-13, "Beta");
        double m = a - b;
        close(Normal.lnPdf(x, m, b), b * m * x - 0.5 * b * x * x - Normal.logPartition(m, b), 1e-12, 1e-12,
            "Normal");
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Multivariate families: against the textbook log densities

  /** PRML B.16: ln Dir(x | alpha) = ln Gamma(alpha_0) - sum_k ln Gamma(alpha_k) + sum_k (alpha_k - 1) ln x_k. */
  @Test
  void dirichletLogPartitionGivesTheTextbookDensity() {
    Random rng = new Random(5);
    for (int k : new int[] {2, 3, 6}) {
      for (int r = 0; r < 20; r++) {
        double[] alpha = new double[k + 2];
        double[] x = new double[k];
        double a0 = 0;
        double sum = 0;
        for (int c = 0; c < k; c++) {
          alpha[c + 2] = 0.2 + 8 * rng.nextDouble();
          a0 += alpha[c + 2];
          x[c] = 0.05 + rng.nextDouble();
          sum += x[c];
        }
        double etaT = 0;
        double textbook = SpecialFunctions.lnGamma(a0);
        for (int c = 0; c < k; c++) {
          x[c] /= sum;
          etaT += (alpha[c + 2] - 1) * Math.log(x[c]);
          textbook += -SpecialFunctions.lnGamma(alpha[c + 2]) + (alpha[c + 2] - 1) * Math.log(x[c]);
        }
        close(textbook, etaT - Dirichlet.logPartition(alpha, 2, k), 1e-12, 1e-12, "Dirichlet K=" + k);
      }
    }
  }

  /** With K = 2 the Dirichlet is a Beta on x_1: the same ln Z as the quadrature-checked Beta's. */
  @Test
  void dirichletOfTwoIsBeta() {
    for (double[] p : SCALAR_PARAMS) {
      close(Beta.logPartition(p[0], p[1]), Dirichlet.logPartition(p, 0, 2), 1e-14, 1e-14, "Dirichlet(a, b)");
    }
  }

  /** PRML B.37: ln N(x | mu, Sigma) = -(D/2) ln 2 pi - ln|Sigma|/2 - (x - mu)^T Sigma^-1 (x - mu)/2. */
  @Test
  void multiNormalLogPartitionGivesTheTextbookDensity() {
    Random rng = new Random(7);
    for (int d = 1; d <= 4; d++) {
      for (int r = 0; r < 10; r++) {
        double[] sigma = randomSpd(rng, d);
        double[] p = inverse(sigma, d);
        double lnDetSigma = Math.log(CommonOps_DDRM.det(new DMatrixRMaj(d, d, true, sigma)));
        double[] m = randomVector(rng, d, 2);
        double[] x = randomVector(rng, d, 3);
        double textbook = -0.5 * d * Math.log(2 * Math.PI) - 0.5 * lnDetSigma;
        double etaT = 0;
        for (int i = 0; i < d; i++) {
          double pm = 0;
          for (int j = 0; j < d; j++) {
            textbook -= 0.5 * (x[i] - m[i]) * p[i * d + j] * (x[j] - m[j]);
            pm += p[i * d + j] * m[j];
            etaT += -0.5 * p[i * d + j] * x[i] * x[j];
          }
          etaT += pm * x[i];
        }
        double[] pAt = shifted(p, 3);
        double[] mAt = shifted(m, 5);
        close(textbook, etaT - MultiNormal.logPartition(d, mAt, 5, pAt, 3, -lnDetSigma), 1e-12, 1e-12,
            "MultiNormal D=" + d);
      }
    }
  }

  /**
   * PRML B.78-B.79: W(Lambda | W, nu) = B(W, nu) |Lambda|^((nu - D - 1)/2) exp(-tr(W^-1 Lambda)/2),
   * B(W, nu) = |W|^(-nu/2) (2^(nu D/2) pi^(D(D-1)/4) prod_{i=1..D} Gamma((nu + 1 - i)/2))^-1.
   */
  @Test
  void wishartLogPartitionGivesTheTextbookDensity() {
    Random rng = new Random(11);
    for (int d = 1; d <= 4; d++) {
      for (int r = 0; r < 10; r++) {
        double[] w = randomSpd(rng, d);
        double nu = d - 1 + 0.5 + 6 * rng.nextDouble();
        double[] lambda = randomSpd(rng, d);
        double lnDetW = lnDet(w, d);
        double lnDetLambda = lnDet(lambda, d);
        double[] wInv = inverse(w, d);
        double trace = traceProduct(wInv, lambda, d);
        double lnB = -0.5 * nu * lnDetW - 0.5 * nu * d * Math.log(2) - 0.25 * d * (d - 1) * Math.log(Math.PI);
        for (int i = 1; i <= d; i++) {
          lnB -= SpecialFunctions.lnGamma(0.5 * (nu + 1 - i));
        }
        double textbook = lnB + 0.5 * (nu - d - 1) * lnDetLambda - 0.5 * trace;
        double etaT = -0.5 * trace + 0.5 * (nu - d - 1) * lnDetLambda;
        close(textbook, etaT - Wishart.logPartition(d, lnDetW, nu), 1e-12, 1e-12, "Wishart D=" + d);
      }
    }
  }

  /** PRML 2.154: ln N(mu | m, (beta tau)^-1) + ln Gam(tau | a, b). */
  @Test
  void normalGammaLogPartitionGivesTheTextbookDensity() {
    Random rng = new Random(13);
    for (int r = 0; r < 50; r++) {
      double m = 4 * rng.nextDouble() - 2;
      double beta = 0.1 + 5 * rng.nextDouble();
      double a = 0.3 + 6 * rng.nextDouble();
      double b = 0.2 + 4 * rng.nextDouble();
      double mu = 6 * rng.nextDouble() - 3;
      double tau = 0.05 + 4 * rng.nextDouble();
      double textbook = 0.5 * Math.log(beta * tau / (2 * Math.PI)) - 0.5 * beta * tau * (mu - m) * (mu - m)
          + a * Math.log(b) - SpecialFunctions.lnGamma(a) + (a - 1) * Math.log(tau) - b * tau;
      double etaT = (-b - 0.5 * beta * m * m) * tau + (a - 0.5) * Math.log(tau) + beta * m * tau * mu
          - 0.5 * beta * tau * mu * mu;
      close(textbook, etaT - Gamma.normalGammaLogPartition(beta, a, b), 1e-12, 1e-12, "Normal-Gamma");
    }
  }

  /** PRML 2.157: ln N(mu | m, (beta Lambda)^-1) + ln W(Lambda | W, nu), both written out. */
  @Test
  void normalWishartLogPartitionGivesTheTextbookDensity() {
    Random rng = new Random(17);
    for (int d = 1; d <= 4; d++) {
      for (int r = 0; r < 10; r++) {
        double[] w = randomSpd(rng, d);
        double nu = d - 1 + 0.5 + 6 * rng.nextDouble();
        double beta = 0.1 + 5 * rng.nextDouble();
        double[] m = randomVector(rng, d, 2);
        double[] lambda = randomSpd(rng, d);
        double[] mu = randomVector(rng, d, 2);
        double lnDetW = lnDet(w, d);
        double lnDetLambda = lnDet(lambda, d);
        double[] wInv = inverse(w, d);
        double lnB = -0.5 * nu * lnDetW - 0.5 * nu * d * Math.log(2) - 0.25 * d * (d - 1) * Math.log(Math.PI);
        for (int i = 1; i <= d; i++) {
          lnB -= SpecialFunctions.lnGamma(0.5 * (nu + 1 - i));
        }
        double quad = 0;
        double etaT = 0.5 * (nu - d) * lnDetLambda;
        for (int i = 0; i < d; i++) {
          double lmu = 0;
          for (int j = 0; j < d; j++) {
            quad += (mu[i] - m[i]) * lambda[i * d + j] * (mu[j] - m[j]);
            etaT += -0.5 * (wInv[i * d + j] + beta * m[i] * m[j]) * lambda[i * d + j];
            lmu += lambda[i * d + j] * mu[j];
          }
          etaT += beta * m[i] * lmu - 0.5 * beta * mu[i] * lmu;
        }
        double textbook = -0.5 * d * Math.log(2 * Math.PI) + 0.5 * (d * Math.log(beta) + lnDetLambda)
            - 0.5 * beta * quad
            + lnB + 0.5 * (nu - d - 1) * lnDetLambda - 0.5 * traceProduct(wInv, lambda, d);
        close(textbook, etaT - NormalWishart.logPartition(d, beta, lnDetW, nu), 1e-12, 1e-12,
            "Normal-Wishart D=" + d);
      }
    }
  }

  // ------------------------------------------------------------------------------------------

  /** A random SPD matrix A A^T + D/2 I, row-major. */
  static double[] randomSpd(Random rng, int d) {
    double[] a = new double[d * d];
    for (int i = 0; i < d * d; i++) {
      a[i] = rng.nextGaussian();
    }
    double[] s = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double v = i == j ? 0.5 * d : 0;
        for (int k = 0; k < d; k++) {
          v += a[i * d + k] * a[j * d + k];
        }
        s[i * d + j] = v;
      }
    }
    return s;
  }

  private static double[] randomVector(Random rng, int d, double scale) {
    double[] v = new double[d];
    for (int i = 0; i < d; i++) {
      v[i] = scale * (2 * rng.nextDouble() - 1);
    }
    return v;
  }

  /** The array with {@code by} leading junk entries, to exercise offsets. */
  private static double[] shifted(double[] a, int by) {
    double[] s = new double[a.length + by];
    java.util.Arrays.fill(s, Double.NaN);
    System.arraycopy(a, 0, s, by, a.length);
    return s;
  }

  private static double[] inverse(double[] a, int d) {
    DMatrixRMaj inv = new DMatrixRMaj(d, d);
    if (!CommonOps_DDRM.invert(new DMatrixRMaj(d, d, true, a), inv)) {
      throw new AssertionError("singular");
    }
    return inv.data;
  }

  private static double lnDet(double[] a, int d) {
    return Math.log(CommonOps_DDRM.det(new DMatrixRMaj(d, d, true, a)));
  }

  private static double traceProduct(double[] a, double[] b, int d) {
    double t = 0;
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        t += a[i * d + j] * b[j * d + i];
      }
    }
    return t;
  }
}
