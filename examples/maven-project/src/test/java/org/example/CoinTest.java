package org.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.posterior.BetaPosterior;
import org.junit.jupiter.api.Test;

class CoinTest {
  @Test
  void posteriorOfTheBiasIsBetaOfHeadsAndTails() {
    int[] flips = {1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0};   // 4 heads, 8 tails
    Coin.Result result = Coin.create().fit(new Coin.Data().y(flips));
    assertTrue(result.converged());

    // A single latent with a conjugate prior: the posterior is exact, Beta(a + heads, b + tails).
    BetaPosterior p = result.p();
    assertEquals(1 + 4, p.a(), 1e-9);
    assertEquals(1 + 8, p.b(), 1e-9);
    assertEquals(5.0 / 14.0, p.mean(), 1e-9);
  }

  @Test
  void hyperparametersCanBeSetAtFitTime() {
    int[] flips = {1, 1, 0};
    BetaPosterior p = Coin.builder().a(10).b(10).build().fit(new Coin.Data().y(flips)).p();
    assertEquals(12, p.a(), 1e-9);
    assertEquals(11, p.b(), 1e-9);
  }
}
