package dev.vmodel.runtime;

import static dev.vmodel.runtime.SpecialFunctionsTest.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.junit.jupiter.api.Test;

/**
 * Wishart, MultiNormal and Normal-Wishart helpers. The independent references are: the
 * Bartlett decomposition (both as a sampler and, through its change of variables, as an exact
 * pointwise formula for the Wishart density); EJML's LU inverse and determinant for the
 * multivariate normal density; Monte Carlo with 5-standard-error tolerances (see MonteCarlo);
 * and the 1-D reductions Wishart(W, nu) = Gamma(nu/2, rate 1/(2W)),
 * MultiNormal = Normal.
 */
class MultivariateDistributionsTest {

  private static final double[] W3 = {2.0, 0.3, -0.4, 0.3, 1.0, 0.2, -0.4, 0.2, 0.5};

  private static DMatrixRMaj choleskyEjml(double[] a, int n) {
    CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
    assertTrue(chol.decompose(new DMatrixRMaj(n, n, true, a)));
    return chol.getT(null);
  }

  /** Bartlett: Lambda = L A A^T L^T, A lower, A_ii^2 ~ chi2(nu - i) (0-based), A_ij ~ N(0, 1). */
  static double[] sampleWishart(Random rng, DMatrixRMaj l, double nu, int d) {
    DMatrixRMaj a = new DMatrixRMaj(d, d);
    for (int i = 0; i < d; i++) {
      a.set(i, i, Math.sqrt(Sampling.chiSquare(rng, nu - i)));
      for (int j = 0; j < i; j++) {
        a.set(i, j, rng.nextGaussian());
      }
    }
    DMatrixRMaj la = new DMatrixRMaj(d, d);
    CommonOps_DDRM.mult(l, a, la);
    DMatrixRMaj lambda = new DMatrixRMaj(d, d);
    CommonOps_DDRM.multTransB(la, la, lambda);
    return lambda.data;
  }

  // ------------------------------------------------------------------------------------------
  // Wishart(W, nu), Bishop's convention

  @Test
  void wishartInOneDimensionIsGamma() {
    // Lambda ~ W(w, nu) in 1-D is Gamma(shape nu/2, rate 1/(2w)), with mean nu w.
    for (double[] p : new double[][] {{0.7, 1.5}, {2.0, 4.0}, {0.1, 30}}) {
      double w = p[0];
      double nu = p[1];
      double[] wm = {w};
      assertEquals(Gamma.expLn(nu / 2, 1 / (2 * w)), Wishart.expLnDet(1, wm, nu), 1e-14);
      assertEquals(Gamma.entropy(nu / 2, 1 / (2 * w)), Wishart.entropy(1, wm, nu), 1e-13);
      for (double x = 0.05; x < 30; x *= 1.9) {
        assertEquals(Gamma.lnPdf(x, nu / 2, 1 / (2 * w)), Wishart.lnPdf(1, new double[] {x}, wm, nu),
            1e-13 * (1 + Math.abs(Gamma.lnPdf(x, nu / 2, 1 / (2 * w)))));
      }
      double[] mean = new double[1];
      Wishart.mean(1, wm, nu, mean);
      assertEquals(Gamma.mean(nu / 2, 1 / (2 * w)), mean[0], 1e-14 * mean[0]);
      assertEquals(Gamma.variance(nu / 2, 1 / (2 * w)), Wishart.variance(1, wm, 0, nu, 0, 0),
          1e-13 * Gamma.variance(nu / 2, 1 / (2 * w)));
    }
  }

  @Test
  void wishartDensityEqualsBartlettChangeOfVariables() {
    // For Lambda = L Lambda' L^T (W = L L^T) and Lambda' = A A^T (A lower, positive diagonal):
    // dLambda = |W|^((D+1)/2) 2^D prod_i A_ii^(D-i) dA (0-based i), and under W(I, nu) the
    // A_ii are chi(nu - i) and the A_ij (i > j) standard normal, all independent. So
    // ln p(Lambda) = sum_i ln chi_{nu-i}(A_ii) + sum_{i>j} ln N(A_ij) - D ln 2
    //                - sum_i (D - i) ln A_ii - ((D+1)/2) ln|W|,
    // an exact formula independent of the Wishart normaliser under test. 1e-12: a few
    // roundings in each of ~10 terms of size up to ~10.
    int d = 3;
    Random rng = new Random(41);
    DMatrixRMaj l = choleskyEjml(W3, d);
    DMatrixRMaj lInv = new DMatrixRMaj(d, d);
    CommonOps_DDRM.invert(l, lInv);
    double lnDetW = Math.log(CommonOps_DDRM.det(new DMatrixRMaj(d, d, true, W3)));
    for (double nu : new double[] {2.5, 4, 11.3}) {
      for (int rep = 0; rep < 20; rep++) {
        double[] lambda = LinAlgTest.randomSpd(rng, d);
        DMatrixRMaj tmp = new DMatrixRMaj(d, d);
        DMatrixRMaj inner = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(lInv, new DMatrixRMaj(d, d, true, lambda), tmp);
        CommonOps_DDRM.multTransB(tmp, lInv, inner);
        DMatrixRMaj a = choleskyEjml(inner.data, d);
        double ln = -d * Math.log(2) - 0.5 * (d + 1) * lnDetW;
        for (int i = 0; i < d; i++) {
          double aii = a.get(i, i);
          double k = nu - i;
          // chi density with k dof: x^(k-1) e^(-x^2/2) / (2^(k/2 - 1) Gamma(k/2))
          ln += (k - 1) * Math.log(aii) - 0.5 * aii * aii - (0.5 * k - 1) * Math.log(2)
              - SpecialFunctions.lnGamma(0.5 * k);
          ln -= (d - i) * Math.log(aii);
          for (int j = 0; j < i; j++) {
            double z = a.get(i, j);
            ln += -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
          }
        }
        double mine = Wishart.lnPdf(d, lambda, W3, nu);
        assertEquals(ln, mine, 1e-12 * (1 + Math.abs(ln)), "nu = " + nu);
      }
    }
  }

  @Test
  void wishartExpectationsByBartlettSampling() {
    int d = 3;
    DMatrixRMaj l = choleskyEjml(W3, d);
    double[] work = new double[2 * d * d];
    for (double nu : new double[] {3.5, 8}) {
      Random rng = new Random(42);
      MonteCarlo lnDet = new MonteCarlo();
      MonteCarlo negLnPdf = new MonteCarlo();
      MonteCarlo[] entries = new MonteCarlo[d * d];
      for (int i = 0; i < entries.length; i++) {
        entries[i] = new MonteCarlo();
      }
      for (int s = 0; s < 100_000; s++) {
        double[] lambda = sampleWishart(rng, l, nu, d);
        lnDet.add(Math.log(CommonOps_DDRM.det(new DMatrixRMaj(d, d, true, lambda))));
        negLnPdf.add(-Wishart.lnPdf(d, lambda, 0, W3, 0, nu, work, 0));
        for (int i = 0; i < entries.length; i++) {
          entries[i].add(lambda[i]);
        }
      }
      lnDet.assertMean(Wishart.expLnDet(d, W3, nu), "E[ln|Lambda|], nu = " + nu);
      negLnPdf.assertMean(Wishart.entropy(d, W3, nu), "entropy, nu = " + nu);
      double[] mean = new double[d * d];
      Wishart.mean(d, W3, nu, mean);
      for (int i = 0; i < entries.length; i++) {
        entries[i].assertMean(mean[i], "E[Lambda] entry " + i + " = nu W (Bishop's convention)");
      }
      // Var[Lambda_01] = nu (W_01^2 + W_00 W_11), checked by the spread of the samples:
      // sd of the sample mean * sqrt(n) estimates sd[Lambda_01]; 3% is ~7 standard errors of
      // a variance estimate from 1e5 draws of this (moderately heavy-tailed) entry.
      double sd01 = entries[1].standardError() * Math.sqrt(100_000);
      close(Wishart.variance(d, W3, 0, nu, 0, 1), sd01 * sd01, 0.03, 0, "Var[Lambda_01]");
    }
  }

  @Test
  void wishartFormsAgree() {
    int d = 3;
    double nu = 5.5;
    double lnDetW = LinAlg.logDetSpd(W3, d);
    double[] work = new double[d * d];
    assertEquals(Wishart.expLnDet(d, lnDetW, nu), Wishart.expLnDet(d, W3, 0, nu, work, 0), 0.0);
    // closed form: psi_3(nu/2) + 3 ln 2 + ln|W|
    double psi3 = SpecialFunctions.digamma(nu / 2) + SpecialFunctions.digamma(nu / 2 - 0.5)
        + SpecialFunctions.digamma(nu / 2 - 1);
    assertEquals(psi3 + 3 * Math.log(2) + lnDetW, Wishart.expLnDet(d, lnDetW, nu), 1e-14);
    // ln B(W, nu) (PRML B.79) written out
    // D(D-1)/4 ln pi = 1.5 ln pi for D = 3
    double lnB = -nu / 2 * lnDetW - nu * d / 2 * Math.log(2) - 1.5 * Math.log(Math.PI)
        - SpecialFunctions.lnGamma(nu / 2) - SpecialFunctions.lnGamma(nu / 2 - 0.5)
        - SpecialFunctions.lnGamma(nu / 2 - 1);
    assertEquals(lnB, Wishart.lnNormalizer(d, lnDetW, nu), 1e-13);
    // expected log density at E[Lambda], E[ln|Lambda|] of a point mass equals lnPdf
    double[] lambda = {1.5, 0.1, 0.0, 0.1, 2.0, 0.3, 0.0, 0.3, 1.1};
    double[] wInv = new double[d * d];
    LinAlg.spdInverse(W3, wInv, d);
    assertEquals(Wishart.lnPdf(d, lambda, W3, nu), Wishart.expLnPdf(d, lambda, 0,
        LinAlg.logDetSpd(lambda, d), wInv, 0, lnDetW, nu), 1e-12);
  }

  // ------------------------------------------------------------------------------------------
  // MultiNormal(mean, precision)

  @Test
  void multiNormalDensityAgainstEjml() {
    int d = 3;
    Random rng = new Random(51);
    double[] prec = LinAlgTest.randomSpd(rng, d);
    double[] mean = {0.5, -1, 2};
    DMatrixRMaj cov = new DMatrixRMaj(d, d);
    CommonOps_DDRM.invert(new DMatrixRMaj(d, d, true, prec), cov);
    double lnDetCov = Math.log(CommonOps_DDRM.det(cov));
    for (int rep = 0; rep < 20; rep++) {
      double[] x = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
      DMatrixRMaj diff = new DMatrixRMaj(d, 1, true, x[0] - mean[0], x[1] - mean[1], x[2] - mean[2]);
      DMatrixRMaj sol = new DMatrixRMaj(d, 1);
      CommonOps_DDRM.solve(cov, diff, sol); // Sigma^-1 (x - m) by LU
      double expected = -0.5 * d * Math.log(2 * Math.PI) - 0.5 * lnDetCov
          - 0.5 * CommonOps_DDRM.dot(diff, sol);
      assertEquals(expected, MultiNormal.lnPdf(d, x, mean, prec), 1e-12 * (1 + Math.abs(expected)));
    }
    // entropy = ln det(2 pi e Sigma) / 2
    assertEquals(0.5 * (d * Math.log(2 * Math.PI * Math.E) + lnDetCov),
        MultiNormal.entropy(d, LinAlg.logDetSpd(prec, d)), 1e-13);
    // one dimension: Normal(mean, precision)
    assertEquals(Normal.lnPdf(0.3, 1.1, 2.5),
        MultiNormal.lnPdf(1, new double[] {0.3}, new double[] {1.1}, new double[] {2.5}), 1e-15);
    assertEquals(Normal.entropy(2.5), MultiNormal.entropy(1, Math.log(2.5)), 1e-15);
  }

  @Test
  void multiNormalIntegratesToOneInTwoDimensions() {
    double[] prec = {2.0, 0.6, 0.6, 0.5};
    double[] mean = {0.4, -1.0};
    double lnDet = LinAlg.logDetSpd(prec, 2);
    double[] x = new double[2];
    // nested quadrature over the plane; 1e-10 (two nested ~1e-13 quadratures)
    double mass = Quadrature.integrateLine(a -> Quadrature.integrateLine(b -> {
      x[0] = a;
      x[1] = b;
      return Math.exp(MultiNormal.lnPdf(2, x, 0, mean, 0, prec, 0, lnDet));
    }, mean[1], 2), mean[0], 1);
    assertEquals(1.0, mass, 1e-10);
  }

  @Test
  void multiNormalMomentsByMonteCarlo() {
    int d = 3;
    Random rng = new Random(52);
    double[] prec = LinAlgTest.randomSpd(rng, d);
    double[] mean = {0.5, -1, 2};
    DMatrixRMaj cov = new DMatrixRMaj(d, d);
    CommonOps_DDRM.invert(new DMatrixRMaj(d, d, true, prec), cov);
    DMatrixRMaj c = choleskyEjml(cov.data, d);

    double[] expOuter = new double[d * d];
    double lnDet = MultiNormal.expOuter(d, mean, prec, expOuter);
    assertEquals(LinAlg.logDetSpd(prec, d), lnDet, 1e-14);
    double[] covMine = new double[d * d];
    MultiNormal.covariance(d, prec, 0, covMine, 0);
    double[] fromCov = new double[d * d];
    MultiNormal.expOuterFromCovariance(d, mean, 0, covMine, 0, fromCov, 0);
    for (int i = 0; i < d * d; i++) {
      assertEquals(cov.data[i], covMine[i], 1e-13);
      assertEquals(expOuter[i], fromCov[i], 1e-13);
      // E[x x^T] = Sigma + m m^T by hand
      assertEquals(cov.data[i] + mean[i / d] * mean[i % d], expOuter[i], 1e-13);
    }

    // Monte Carlo: E[x x^T], E[(x - c)^T A (x - c)], -E[ln p(x)] = H
    double[] a = {1.0, 0.5, 0.0, -0.2, 2.0, 0.1, 0.3, 0.0, 0.7}; // not symmetric on purpose
    double[] cvec = {0.1, 0.2, -0.3};
    MonteCarlo[] outer = new MonteCarlo[d * d];
    for (int i = 0; i < outer.length; i++) {
      outer[i] = new MonteCarlo();
    }
    MonteCarlo quad = new MonteCarlo();
    MonteCarlo negLn = new MonteCarlo();
    double[] x = new double[d];
    for (int s = 0; s < 200_000; s++) {
      double[] z = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
      for (int i = 0; i < d; i++) {
        double v = mean[i];
        for (int j = 0; j <= i; j++) {
          v += c.get(i, j) * z[j];
        }
        x[i] = v;
      }
      for (int i = 0; i < d * d; i++) {
        outer[i].add(x[i / d] * x[i % d]);
      }
      quad.add(LinAlg.quadFormCentered(a, x, cvec, d));
      negLn.add(-MultiNormal.lnPdf(d, x, 0, mean, 0, prec, 0, lnDet));
    }
    for (int i = 0; i < d * d; i++) {
      outer[i].assertMean(expOuter[i], "E[x x^T] entry " + i);
    }
    quad.assertMean(MultiNormal.expQuadForm(d, a, 0, cvec, 0, mean, 0, covMine, 0),
        "E[(x-c)^T A (x-c)]");
    negLn.assertMean(MultiNormal.entropy(d, lnDet), "entropy");
  }

  @Test
  void expectedLogDensityAndNormalWishartByMonteCarlo() {
    int d = 3;
    Random rng = new Random(53);
    double nu = 6.5;
    double beta = 2.5;
    double[] m = {0.3, -0.2, 1.0};
    double[] x = {1.0, 0.0, 0.5};
    DMatrixRMaj l = choleskyEjml(W3, d);
    double lnDetW = LinAlg.logDetSpd(W3, d);

    // (1) q(mu) q(Lambda) independent: mu ~ N(m, precision P), Lambda ~ W(W3, nu).
    double[] p = LinAlgTest.randomSpd(rng, d);
    DMatrixRMaj pCov = new DMatrixRMaj(d, d);
    CommonOps_DDRM.invert(new DMatrixRMaj(d, d, true, p), pCov);
    DMatrixRMaj pc = choleskyEjml(pCov.data, d);
    // (2) q(mu, Lambda) Normal-Wishart: mu | Lambda ~ N(m, beta Lambda).
    MonteCarlo indep = new MonteCarlo();
    MonteCarlo nwQuad = new MonteCarlo();
    MonteCarlo nwNegLn = new MonteCarlo();
    double[] mu = new double[d];
    double[] work = new double[2 * d * d];
    for (int s = 0; s < 100_000; s++) {
      double[] lambda = sampleWishart(rng, l, nu, d);
      double lnDetLambda = LinAlg.logDetSpd(lambda, d);
      for (int i = 0; i < d; i++) {
        double v = m[i];
        for (int j = 0; j <= i; j++) {
          v += pc.get(i, j) * rng.nextGaussian();
        }
        mu[i] = v;
      }
      indep.add(MultiNormal.lnPdf(d, x, 0, mu, 0, lambda, 0, lnDetLambda));

      // mu ~ N(m, (beta Lambda)^-1): mu = m + chol((beta Lambda)^-1) z
      DMatrixRMaj bl = new DMatrixRMaj(d, d, true, lambda);
      CommonOps_DDRM.scale(beta, bl);
      DMatrixRMaj blInv = new DMatrixRMaj(d, d);
      CommonOps_DDRM.invert(bl, blInv);
      DMatrixRMaj cc = choleskyEjml(blInv.data, d);
      double[] z = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
      for (int i = 0; i < d; i++) {
        double v = m[i];
        for (int j = 0; j <= i; j++) {
          v += cc.get(i, j) * z[j];
        }
        mu[i] = v;
      }
      nwQuad.add(LinAlg.quadFormCentered(lambda, x, mu, d));
      double lnq = MultiNormal.lnPdf(d, mu, 0, m, 0, bl.data, 0, d * Math.log(beta) + lnDetLambda)
          + Wishart.lnPdf(d, lambda, 0, W3, 0, nu, work, 0);
      nwNegLn.add(-lnq);
    }
    double[] expLambda = new double[d * d];
    Wishart.mean(d, W3, nu, expLambda);
    double[] xxT = new double[d * d];
    LinAlg.addOuter(xxT, 1.0, x, d);
    double[] muMuT = new double[d * d];
    MultiNormal.expOuter(d, m, p, muMuT);
    double exact = MultiNormal.expLnPdf(d, x, 0, xxT, 0, m, 0, muMuT, 0, expLambda, 0,
        Wishart.expLnDet(d, lnDetW, nu));
    indep.assertMean(exact, "E[ln N(x | mu, Lambda)] under q(mu) q(Lambda)");
    nwQuad.assertMean(NormalWishart.expQuadForm(d, x, 0, m, 0, beta, W3, 0, nu),
        "E[(x - mu)^T Lambda (x - mu)] under Normal-Wishart (PRML 10.64)");
    nwNegLn.assertMean(NormalWishart.entropy(d, beta, lnDetW, nu), "Normal-Wishart entropy");
  }
}
