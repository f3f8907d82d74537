package dev.vmodel.compiler.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoissonGlmMcmcTest {

  private static void close(double exactMean, double exactSd, double mean, double sd, double ess, String what) {
    assertEquals(exactMean, mean, 4.5 * exactSd / Math.sqrt(ess), what + " mean");
    assertEquals(exactSd, sd, 5 * exactSd / Math.sqrt(2 * ess) + 1e-3 * exactSd, what + " sd");
  }

  @Test
  void matchesGridPosteriorInOneDimension() {
    SplittableRandom r = new SplittableRandom(31);
    double[][] x = Fixtures.design(r, 30, 1, false, 0.8);
    int[] k = Fixtures.poissonCounts(r, x, new double[] {0.9});
    double m0 = 0.3, prec = 2;
    Fixtures.Moments1 g = Fixtures.grid1(w -> Fixtures.poissonLogLik(x, k, new double[] {w}) + Fixtures.lnNormal(w, m0, prec),
        -10, 10, 40001);
    PoissonGlmMcmc.Result res = PoissonGlmMcmc.run(x, k, new double[] {m0}, new double[] {prec}, 500, 20000, 32);
    close(g.mean(), g.sd(), res.mean()[0], res.sd()[0], res.ess()[0], "known prior");
    assertTrue(res.acceptRate() > 0.6, "acceptance " + res.acceptRate());

    double a0 = 1.5, b0 = 2;
    Fixtures.Moments1 h = Fixtures.grid1(w -> Fixtures.poissonLogLik(x, k, new double[] {w})
        + Fixtures.lnStudentPrior(new double[] {w}, new double[] {m0}, a0, b0), -30, 30, 60001);
    PoissonGlmMcmc.Result hr = PoissonGlmMcmc.runHyper(x, k, new double[] {m0}, a0, b0, false, 500, 20000, 33);
    close(h.mean(), h.sd(), hr.mean()[0], hr.sd()[0], hr.ess()[0], "Gamma hyperprior");
    System.out.printf("PoissonGlmMcmcTest D=1: grid %.4f (%.4f) mcmc %.4f (%.4f) ess %.0f acc %.2f; hyper grid %.4f (%.4f) mcmc %.4f (%.4f) ess %.0f%n",
        g.mean(), g.sd(), res.mean()[0], res.sd()[0], res.ess()[0], res.acceptRate(), h.mean(), h.sd(), hr.mean()[0], hr.sd()[0], hr.ess()[0]);
  }

  @Test
  void matchesGridPosteriorInTwoDimensions() {
    SplittableRandom r = new SplittableRandom(34);
    double[][] x = Fixtures.design(r, 40, 2, true, 0.7);
    int[] k = Fixtures.poissonCounts(r, x, new double[] {0.5, -0.8});
    double[] m0 = {0, 0.2};
    double[] prec = {0.5, 3};
    Fixtures.Moments2 g = Fixtures.grid2((u, v) -> Fixtures.poissonLogLik(x, k, new double[] {u, v})
        + Fixtures.lnNormal(u, m0[0], prec[0]) + Fixtures.lnNormal(v, m0[1], prec[1]), -6, 6, 801);
    PoissonGlmMcmc.Result res = PoissonGlmMcmc.run(x, k, m0, prec, 500, 10000, 35);
    double a0 = 2, b0 = 1;
    Fixtures.Moments2 ard = Fixtures.grid2((u, v) -> Fixtures.poissonLogLik(x, k, new double[] {u, v})
        + Fixtures.lnStudentPrior(new double[] {u}, new double[] {m0[0]}, a0, b0)
        + Fixtures.lnStudentPrior(new double[] {v}, new double[] {m0[1]}, a0, b0), -12, 12, 1201);
    PoissonGlmMcmc.Result ar = PoissonGlmMcmc.runHyper(x, k, m0, a0, b0, true, 500, 10000, 36);
    for (int j = 0; j < 2; j++) {
      close(g.mean()[j], g.sd()[j], res.mean()[j], res.sd()[j], res.ess()[j], "known w" + j);
      close(ard.mean()[j], ard.sd()[j], ar.mean()[j], ar.sd()[j], ar.ess()[j], "ARD w" + j);
    }
  }

  /** Size of the lead's tests: D = 31, N = 600, shared hyperprior; prints time and ESS. */
  @Test
  void largeCaseRunsAndMixes() {
    SplittableRandom r = new SplittableRandom(37);
    int n = 600, d = 31;
    double[][] x = Fixtures.design(r, n, d, true, 0.3);
    double[] w = new double[d];
    w[0] = 1;
    for (int j = 1; j < 6; j++) w[j] = 0.5 * Rng.normal(r);
    int[] k = Fixtures.poissonCounts(r, x, w);
    long t0 = System.nanoTime();
    PoissonGlmMcmc.Result res = PoissonGlmMcmc.runHyper(x, k, new double[d], 1, 1, false, 400, 2000, 38);
    double sec = (System.nanoTime() - t0) / 1e9;
    System.out.printf("PoissonGlmMcmcTest D=31 N=600: 2400 iterations %.1f s, min ESS %.0f of 2000, acceptance %.2f%n", sec,
        res.minEss(), res.acceptRate());
    assertTrue(res.minEss() > 300, "min ESS " + res.minEss());
  }

  @Test
  void sameSeedSameChain() {
    SplittableRandom r = new SplittableRandom(39);
    double[][] x = Fixtures.design(r, 50, 3, true, 0.5);
    int[] k = Fixtures.poissonCounts(r, x, new double[] {0.5, 0.5, -0.5});
    PoissonGlmMcmc.Result a = PoissonGlmMcmc.runHyper(x, k, new double[3], 1, 1, false, 20, 100, 7);
    PoissonGlmMcmc.Result b = PoissonGlmMcmc.runHyper(x, k, new double[3], 1, 1, false, 20, 100, 7);
    org.junit.jupiter.api.Assertions.assertArrayEquals(a.draws()[99], b.draws()[99], 0);
    assertEquals(a.alphaMean()[0], b.alphaMean()[0], 0);
  }
}
