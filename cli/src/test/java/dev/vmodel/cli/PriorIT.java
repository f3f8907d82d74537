package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.Launcher.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmodel fit --prior FIT.json} (docs/cli.md, "Updating a fit with more data"): fitting
 * batch A with {@code --out A.json}, then batch B with {@code --prior A.json}, gives the posterior
 * of A and B together (the coin: exact conjugate), and ELBO(A) + ELBO(B | A) is the evidence of
 * both; its errors name the file, exit 1, and write nothing.
 */
class PriorIT {
  @TempDir Path tmp;

  /** The coin's bundled rows {@code from} to {@code to - 1} as a CSV file. */
  private Path coinRows(String name, int from, int to) throws Exception {
    List<String> lines = Files.readAllLines(Launcher.root().resolve("examples/data/coin.csv"));
    StringBuilder b = new StringBuilder(lines.get(0)).append('\n');
    lines.subList(1 + from, 1 + to).forEach(l -> b.append(l).append('\n'));
    Path file = tmp.resolve(name);
    Files.writeString(file, b.toString());
    return file;
  }

  @SuppressWarnings("unchecked")
  private static double param(Map<String, Object> json, String factor, String name) {
    Map<String, Object> f = (Map<String, Object>) ((Map<String, Object>) json.get("factors")).get(factor);
    return (Double) ((List<Object>) ((Map<String, Object>) f.get("parameters")).get(name)).get(0);
  }

  @Test
  void coinAThenBFromAIsTheCoinOnAllRows() throws Exception {
    Path a = coinRows("a.csv", 0, 37);
    Path b = coinRows("b.csv", 37, 100);
    Path aFit = tmp.resolve("a.json");
    Run runA = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--data", a.toString(), "--out",
        aFit.toString(), "--format", "json");
    assertEquals(0, runA.exitCode(), runA::toString);
    Run runB = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--data", b.toString(), "--prior",
        aFit.toString(), "--format", "json");
    assertEquals(0, runB.exitCode(), runB::toString);
    Run all = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--format", "json");
    assertEquals(0, all.exitCode(), all::toString);
    Map<String, Object> ja = FitIT.Json.object(runA.stdout());
    Map<String, Object> jb = FitIT.Json.object(runB.stdout());
    Map<String, Object> jall = FitIT.Json.object(all.stdout());
    for (String p : List.of("a", "b")) {
      double together = param(jall, "p", p);
      assertEquals(together, param(jb, "p", p), 1e-12 * together, p + "\n" + runB);
    }
    double evidence = (Double) jall.get("elbo");
    assertEquals(evidence, (Double) ja.get("elbo") + (Double) jb.get("elbo"), 1e-10 * Math.abs(evidence),
        runA + "\n" + runB);
  }

  @Test
  void aPriorFitOfOtherGlobalSizesIsAnErrorNamingTheFileAndTheSize() throws Exception {
    Path six = tmp.resolve("six.json");
    Run first = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--quiet", "--iters", "20", "--out",
        six.toString());
    assertEquals(0, first.exitCode(), first::toString);
    Path out = tmp.resolve("four.json");
    Run run = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--set", "K=4", "--prior", six.toString(),
        "--out", out.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains(six + ": error: size K is 6 in the prior fit but 4 here"), run::toString);
    assertFalse(Files.exists(out), run::toString);
  }

  @Test
  void aPriorFitOfAnotherModelIsRefusedNamingBothModels() throws Exception {
    Path coin = tmp.resolve("coin.json");
    Run first = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--out", coin.toString());
    assertEquals(0, first.exitCode(), first::toString);
    Run run = Launcher.vmodel("fit", "examples/poisson-gamma.vmodel", "--prior", coin.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains(coin + ":"), run::toString);
    assertTrue(run.stderr().contains("error: this posterior was saved from model Coin"), run::toString);
    assertTrue(run.stderr().contains("but this class is model PoissonGamma"), run::toString);
    assertEquals("", run.stdout(), run::toString);
  }

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
