package dev.vmodel.compiler.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogisticMcmcTest {

  private static void close(double exactMean, double exactSd, double mean, double sd, double ess, String what) {
    assertEquals(exactMean, mean, 4.5 * exactSd / Math.sqrt(ess), what + " mean");
    assertEquals(exactSd, sd, 5 * exactSd / Math.sqrt(2 * ess) + 1e-3 * exactSd, what + " sd");
  }

  /** D = 1: known alpha and the Gamma hyperprior (Student-t marginal prior) against a grid. */
  @Test
  void matchesGridPosteriorInOneDimension() {
    SplittableRandom r = new SplittableRandom(3);
    double[][] x = Fixtures.design(r, 40, 1, false, 1.2);
    int[] t = Fixtures.logisticLabels(r, x, new double[] {1.5});
    double alpha = 0.5;
    Fixtures.Moments1 known = Fixtures.grid1(w -> Fixtures.logisticLogLik(x, t, new double[] {w})
        + Fixtures.lnNormal(w, 0, alpha), -15, 15, 30001);
    LogisticMcmc.Result k = LogisticMcmc.runKnownAlpha(x, t, new double[] {alpha}, 500, 20000, 7);
    close(known.mean(), known.sd(), k.mean()[0], k.sd()[0], k.ess()[0], "known alpha");
    assertEquals(0, k.alphaMean().length);

    double a0 = 1.5, b0 = 1;
    Fixtures.Moments1 hyper = Fixtures.grid1(w -> Fixtures.logisticLogLik(x, t, new double[] {w})
        + Fixtures.lnStudentPrior(new double[] {w}, new double[1], a0, b0), -40, 40, 80001);
    LogisticMcmc.Result h = LogisticMcmc.run(x, t, a0, b0, false, 500, 20000, 8);
    close(hyper.mean(), hyper.sd(), h.mean()[0], h.sd()[0], h.ess()[0], "Gamma hyperprior");
    System.out.printf("LogisticMcmcTest D=1: grid %.4f (%.4f), known %.4f (%.4f) ess %.0f; hyper grid %.4f (%.4f), mcmc %.4f (%.4f) ess %.0f%n",
        known.mean(), known.sd(), k.mean()[0], k.sd()[0], k.ess()[0], hyper.mean(), hyper.sd(), h.mean()[0], h.sd()[0], h.ess()[0]);
    // E[alpha | t] = E[(a0 + 1/2)/(b0 + w^2/2) | t] on the grid
    Fixtures.Moments1 alphaNum = Fixtures.grid1(w -> Fixtures.logisticLogLik(x, t, new double[] {w})
        + Fixtures.lnStudentPrior(new double[] {w}, new double[1], a0, b0) + Math.log((a0 + 0.5) / (b0 + w * w / 2)), -40, 40, 80001);
    double eAlpha = Math.exp(alphaNum.lnZ() - hyper.lnZ());
    assertEquals(eAlpha, h.alphaMean()[0], 0.03 * eAlpha, "E[alpha | t]");
  }

  /** D = 2, intercept and slope, shared and ARD hyperpriors against 2-d grids. */
  @Test
  void matchesGridPosteriorInTwoDimensions() {
    SplittableRandom r = new SplittableRandom(4);
    double[][] x = Fixtures.design(r, 60, 2, true, 1.0);
    int[] t = Fixtures.logisticLabels(r, x, new double[] {-0.7, 1.2});
    double a0 = 2, b0 = 1;
    Fixtures.Moments2 shared = Fixtures.grid2((u, v) -> Fixtures.logisticLogLik(x, t, new double[] {u, v})
        + Fixtures.lnStudentPrior(new double[] {u, v}, new double[2], a0, b0), -12, 12, 801);
    Fixtures.Moments2 ard = Fixtures.grid2((u, v) -> Fixtures.logisticLogLik(x, t, new double[] {u, v})
        + Fixtures.lnStudentPrior(new double[] {u}, new double[1], a0, b0)
        + Fixtures.lnStudentPrior(new double[] {v}, new double[1], a0, b0), -12, 12, 801);
    LogisticMcmc.Result s = LogisticMcmc.run(x, t, a0, b0, false, 500, 15000, 9);
    LogisticMcmc.Result a = LogisticMcmc.run(x, t, a0, b0, true, 500, 15000, 10);
    for (int j = 0; j < 2; j++) {
      close(shared.mean()[j], shared.sd()[j], s.mean()[j], s.sd()[j], s.ess()[j], "shared w" + j);
      close(ard.mean()[j], ard.sd()[j], a.mean()[j], a.sd()[j], a.ess()[j], "ARD w" + j);
    }
    assertEquals(1, s.alphaMean().length);
    assertEquals(2, a.alphaMean().length);
  }

  /** A larger case: Polya-Gamma Gibbs and an independent HMC chain on the same posterior agree. */
  @Test
  void agreesWithHmcOnFiveCoefficients() {
    SplittableRandom r = new SplittableRandom(12);
    int n = 200, d = 5;
    double[][] x = Fixtures.design(r, n, d, true, 1.0);
    int[] t = Fixtures.logisticLabels(r, x, new double[] {0.5, -1, 0.8, 0, 1.5});
    double[] alpha = {0.1, 1, 1, 1, 1};
    LogisticMcmc.Result pg = LogisticMcmc.runKnownAlpha(x, t, alpha, 300, 6000, 13);
    // HMC on ln p(t | w) + ln N(w | 0, diag(alpha)^{-1}), preconditioned by the PG chain's own sd (diagonal)
    Hmc.Target target = (w, g) -> {
      double lp = 0;
      java.util.Arrays.fill(g, 0);
      for (int i = 0; i < n; i++) {
        double a = Linalg.dot(w, x[i]);
        lp += t[i] * a - Math.log1p(Math.exp(a));
        double res = t[i] - Special.sigmoid(a);
        for (int j = 0; j < d; j++) g[j] += res * x[i][j];
      }
      for (int j = 0; j < d; j++) {
        lp -= 0.5 * alpha[j] * w[j] * w[j];
        g[j] -= alpha[j] * w[j];
      }
      return lp;
    };
    double[][] l = new double[d][d];
    for (int j = 0; j < d; j++) l[j][j] = pg.sd()[j];
    Hmc hmc = new Hmc(pg.mean(), l, 0.3);
    SplittableRandom rh = new SplittableRandom(14);
    double[] w = pg.mean().clone();
    double[][] kept = new double[6000][];
    for (int s = 0; s < 6300; s++) {
      w = hmc.transition(target, w, rh, s < 300);
      if (s >= 300) kept[s - 300] = w;
    }
    LogisticMcmc.Result h = LogisticMcmc.summarize(kept, new double[0]);
    for (int j = 0; j < d; j++) {
      double se = Math.sqrt(pg.sd()[j] * pg.sd()[j] / pg.ess()[j] + h.sd()[j] * h.sd()[j] / h.ess()[j]);
      assertEquals(h.mean()[j], pg.mean()[j], 4.5 * se, "w" + j);
      assertEquals(h.sd()[j], pg.sd()[j], 0.08 * h.sd()[j], "sd w" + j);
    }
    assertTrue(pg.minEss() > 1000, "PG ESS " + pg.minEss());
  }

  /** Size of the lead's tests: D = 31, N = 600 with ARD; prints time and ESS. */
  @Test
  void largeCaseRunsAndMixes() {
    SplittableRandom r = new SplittableRandom(15);
    int n = 600, d = 31;
    double[][] x = Fixtures.design(r, n, d, true, 0.5);
    double[] w = new double[d];
    for (int j = 0; j < 6; j++) w[j] = Rng.normal(r);
    int[] t = Fixtures.logisticLabels(r, x, w);
    long t0 = System.nanoTime();
    LogisticMcmc.Result res = LogisticMcmc.run(x, t, 1, 1, true, 300, 2000, 16);
    double sec = (System.nanoTime() - t0) / 1e9;
    System.out.printf("LogisticMcmcTest D=31 N=600 ARD: 2300 sweeps %.1f s, min ESS %.0f of 2000%n", sec, res.minEss());
    assertTrue(res.minEss() > 300, "min ESS " + res.minEss());
  }

  @Test
  void sameSeedSameChainOtherSeedOtherChain() {
    SplittableRandom r = new SplittableRandom(17);
    double[][] x = Fixtures.design(r, 50, 3, true, 1.0);
    int[] t = Fixtures.logisticLabels(r, x, new double[] {0.2, 1, -1});
    LogisticMcmc.Result a = LogisticMcmc.run(x, t, 1, 1, true, 10, 100, 99);
    LogisticMcmc.Result b = LogisticMcmc.run(x, t, 1, 1, true, 10, 100, 99);
    LogisticMcmc.Result c = LogisticMcmc.run(x, t, 1, 1, true, 10, 100, 98);
    org.junit.jupiter.api.Assertions.assertArrayEquals(a.draws()[99], b.draws()[99], 0);
    assertTrue(a.draws()[99][0] != c.draws()[99][0]);
  }
}
