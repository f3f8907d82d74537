package org.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.posterior.BetaPosterior;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void savedLoadedAndAppliedToNewFlips(@TempDir Path dir) throws IOException {
    int[] flips = {1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0};   // 4 heads, 8 tails: q(p) = Beta(5, 9)
    Coin.Result fitted = Coin.create().fit(new Coin.Data().y(flips));
    Path file = dir.resolve("coin-fit.json");
    fitted.save(file);
    Coin.Result loaded = Coin.load(file);   // e.g. in another process
    assertEquals(fitted.p(), loaded.p());

    // Beta-Bernoulli predictive: p(next flip = 1 | flips) = E[p] = 5 / 14
    Coin.Data next = new Coin.Data().y(new int[] {1, 0});
    double[] lp = loaded.predict(next).logPredictive();
    assertEquals(Math.log(5.0 / 14.0), lp[0], 1e-12);
    assertEquals(Math.log(9.0 / 14.0), lp[1], 1e-12);
    double[] inMemory = fitted.predict(next).logPredictive();
    for (int i = 0; i < lp.length; i++) {
      assertEquals(Double.doubleToRawLongBits(inMemory[i]), Double.doubleToRawLongBits(lp[i]), "row " + i);
    }
  }

  @Test
  void updatingALoadedFitWithMoreFlipsIsFittingThemAll(@TempDir Path dir) throws IOException {
    int[] first = {1, 0, 0, 1, 0};
    int[] more = {0, 0, 1, 0, 0, 1, 0};
    Coin.create().fit(new Coin.Data().y(first)).save(dir.resolve("first.json"));
    Coin.Result prior = Coin.load(dir.resolve("first.json"));
    // the saved posterior Beta(3, 4) is the prior of p; the new flips update it to Beta(5, 9)
    BetaPosterior p = Coin.create().fit(new Coin.Data().y(more), FitOptions.defaults(), prior).p();
    assertEquals(1 + 4, p.a(), 1e-12);
    assertEquals(1 + 8, p.b(), 1e-12);
  }

  /** The generated classes run on vmodel-runtime alone: the compiler is a build-time tool of the plugin. */
  @Test
  void theCompilerIsNotNeededAtRunTime() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.vmodel.compiler.driver.Compiler"));
  }
}
