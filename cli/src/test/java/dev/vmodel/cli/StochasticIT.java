package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.Launcher.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmodel fit --svi} (docs/svi.md) end to end through bin/vmodel: minibatches of the
 * example CSV reach the batch fit's ELBO closely, the progress names epochs and the held-out
 * bound, and bad options or data are errors that name what is wrong, not stack traces.
 */
class StochasticIT {
  @TempDir Path tmp;

  @Test
  void theMixtureBySviComesCloseToTheBatchFit() throws Exception {
    Path out = tmp.resolve("svi.json");
    Run svi = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--svi", "--data",
        "examples/data/gaussian-mixture.csv", "--set", "K=3", "--batch-size", "50", "--epochs", "20", "--holdout", "0.1",
        "--out", out.toString(), "--format", "json");
    assertEquals(0, svi.exitCode(), svi::toString);
    assertTrue(svi.stderr().contains("epoch  20") && svi.stderr().contains("held-out bound per row"), svi::toString);
    Run batch = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--quiet", "--set", "K=3", "--format", "json");
    assertEquals(0, batch.exitCode(), batch::toString);
    Map<String, Object> s = FitIT.Json.object(svi.stdout());
    Map<String, Object> b = FitIT.Json.object(batch.stdout());
    // 350 training rows (one batch of 50 held out) against all 400: compare per row
    double perRowSvi = (Double) s.get("elbo") / 350;
    double perRowBatch = (Double) b.get("elbo") / 400;
    assertEquals(perRowBatch, perRowSvi, 0.05 * Math.abs(perRowBatch), svi::toString);
    assertTrue(Files.readString(out).contains("\"pi\""));
  }

  @Test
  void aBadKappaAndAModelThatDoesNotSplitAreRefused() throws Exception {
    Run kappa = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--svi", "--data",
        "examples/data/gaussian-mixture.csv", "--kappa", "0.3");
    assertEquals(2, kappa.exitCode(), kappa::toString);
    assertTrue(kappa.stderr().contains("kappa must be in (0.5, 1]"), kappa::toString);
    Run chain = Launcher.vmodel("fit", "examples/regime-switching.vmodel", "--svi", "--data",
        "examples/data/regime-switching.csv");
    assertEquals(1, chain.exitCode(), chain::toString);
    assertTrue(chain.stderr().contains("cannot be fitted with --svi") && chain.stderr().contains("Markov chain"),
        chain::toString);
  }

  @Test
  void aBadValueNamesTheFileLineAndColumn() throws Exception {
    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, "x[0],x[1]\n1.0,2.0\n3.0,oops\n");
    Run r = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--svi", "--data", bad.toString(),
        "--set", "K=2", "--batch-size", "1");
    assertEquals(1, r.exitCode(), r::toString);
    assertTrue(r.stderr().contains("bad.csv:3:2: 'oops' is not a number"), r::toString);
    assertFalse(r.stderr().contains("Exception"), r::toString);
  }
}
