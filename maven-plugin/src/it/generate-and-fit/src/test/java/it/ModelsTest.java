package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coin.Coin;
import dev.vmodel.runtime.posterior.BetaPosterior;
import dev.vmodel.runtime.posterior.GammaPosterior;
import normal.NormalGamma;
import org.example.counts.PoissonGamma;
import org.junit.jupiter.api.Test;

/** Fits the generated models; single-latent conjugate models have exact posteriors. */
class ModelsTest {
  @Test
  void coinPosteriorIsBetaOfHeadsAndTails() {
    int[] y = {1, 0, 1, 1, 0, 0, 0, 1, 0, 0};
    BetaPosterior p = Coin.create().fit(new Coin.Data().y(y)).p();
    assertEquals(1 + 4, p.a(), 1e-9);
    assertEquals(1 + 10 - 4, p.b(), 1e-9);
    assertEquals(5.0 / 12.0, p.mean(), 1e-9);
  }

  @Test
  void poissonRateIsGammaOfSumAndCount() {
    int[] y = {3, 5, 4, 6, 2};
    GammaPosterior lambda = PoissonGamma.create().fit(new PoissonGamma.Data().y(y)).lambda();
    assertEquals(1 + 20, lambda.shape(), 1e-9);
    assertEquals(0.1 + 5, lambda.rate(), 1e-9);
  }

  @Test
  void testModelsAreGeneratedIntoTheTestSources() {
    double[] x = {1.9, 2.1, 2.0, 1.8, 2.2, 2.05, 1.95, 2.0};
    NormalGamma.Result r = NormalGamma.create().fit(new NormalGamma.Data().x(x));
    assertTrue(r.converged());
    assertEquals(2.0, r.mu().mean(), 0.3);
  }
}
