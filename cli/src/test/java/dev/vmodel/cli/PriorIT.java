package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.Launcher.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmodel fit --prior FIT.json} (docs/cli.md, "Updating a fit with more data"): its errors
 * name the file, exit 1, and write nothing.
 */
class PriorIT {
  @TempDir Path tmp;

  @Test
  void aMissingPriorFileIsAnErrorNamingItAndNothingIsWritten() throws Exception {
    Path missing = tmp.resolve("nowhere.json");
    Path out = tmp.resolve("out.json");
    Run run = Launcher.vmodel("fit", "examples/coin.vmodel", "--prior", missing.toString(), "--out", out.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains(missing + ": error: no such file (--prior takes a posterior file written by"
        + " vmodel fit --out)"), run::toString);
    assertFalse(Files.exists(out), run::toString);
  }

  @Test
  void anOutThatWouldOverwriteThePriorIsRefused() throws Exception {
    Path prior = tmp.resolve("prior.json");
    Files.writeString(prior, "{}");
    Run run = Launcher.vmodel("fit", "examples/coin.vmodel", "--prior", prior.toString(), "--out", prior.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains(prior + ": error: is the prior fit of this run"), run::toString);
    assertEquals("{}", Files.readString(prior), run::toString);
  }
}
