package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.Launcher.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End-to-end tests of the command line: the packaged jar run through bin/vmodel, asserting on
 * what a user sees (stdout, stderr) and on the exit status (docs/cli.md: 0 clean, 1 errors in
 * a model file, 2 usage errors).
 */
class LauncherIT {
  private static final String COIN = """
      model Coin {
        size N;
        hyper a = 1; hyper b = 1;
        latent p: unit ~ Beta(a, b);
        data y[n in N]: bool ~ Bernoulli(p);
      }
      """;

  @TempDir Path tmp;

  static List<String> examples() throws IOException {
    try (Stream<Path> files = Files.list(Launcher.root().resolve("examples"))) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".vmodel"))
          .sorted()
          .map(n -> "examples/" + n)
          .toList();
    }
  }

  private Path write(String name, String text) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static void assertContains(String haystack, String needle, Run run) {
    assertTrue(haystack.contains(needle), () -> "expected to find\n" + needle + "\nin\n" + run);
  }

  // ---------------------------------------------------------------------------------------------
  // check: clean models

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleChecksClean(String example) throws Exception {
    Run run = Launcher.vmodel("check", example);
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("checked 1 file: 0 errors, 0 warnings\n", run.stdout(), run::toString);
    assertEquals("", run.stderr(), run::toString);
  }

  @Test
  void allExamplesAtOnce() throws Exception {
    List<String> args = new ArrayList<>(List.of("check"));
    args.addAll(examples());
    assertTrue(examples().size() >= 15, "the examples are missing");
    Run run = Launcher.vmodel(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("checked " + examples().size() + " files: 0 errors, 0 warnings\n", run.stdout(), run::toString);
    assertEquals("", run.stderr(), run::toString);
  }

  @Test
  void quietPrintsNothingForACleanModel() throws Exception {
    Run run = Launcher.vmodel("check", "--quiet", "examples/coin.vmodel");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertEquals("", run.stderr(), run::toString);
  }

  @Test
  void warningsAreShownButExitZero() throws Exception {
    Path file = write("unused.vmodel", COIN.replace("hyper a = 1;", "hyper a = 1; hyper c = 2;"));
    Run run = Launcher.vmodel("check", file.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertContains(run.stderr(), file + ":3:22: warning[W002]: hyper 'c' is never used\n", run);
    assertEquals("checked 1 file: 0 errors, 1 warning\n", run.stdout(), run::toString);
  }

  // ---------------------------------------------------------------------------------------------
  // check: models with errors

  @Test
  void aBadModelPrintsPositionSourceLineAndCaretAndExitsOne() throws Exception {
    Path file = write("bad-coin.vmodel", COIN.replace("latent p: unit", "latent p: real"));
    Run run = Launcher.vmodel("check", file.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertContains(run.stderr(),
        file + ":4:13: error[E020]: 'p' is declared real, but the support of Beta is unit\n"
            + "   4 |   latent p: real ~ Beta(a, b);\n"
            + "     |             ^^^^\n"
            + "     = hint: declare it as `p: unit`, or choose a distribution over real\n",
        run);
    assertTrue(run.stderr().matches("(?s).*\nchecked 1 file: [1-9][0-9]* errors?, 0 warnings\n"), run::toString);
  }

  @Test
  void aSyntaxErrorSaysWhatWasExpected() throws Exception {
    Path file = write("broken.vmodel", "model Broken {\n  size N = 3\n  hyper a = 1;\n}\n");
    Run run = Launcher.vmodel("check", file.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), file + ":2:13: error[E001]: expected ';'", run);
    assertContains(run.stderr(), "   2 |   size N = 3\n     |             ^\n", run);
  }

  @Test
  void quietPrintsOnlyErrors() throws Exception {
    Path file = write("bad-coin.vmodel", COIN.replace("latent p: unit", "latent p: real"));
    Run run = Launcher.vmodel("check", "--quiet", file.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertContains(run.stderr(), file + ":4:13: error[E020]", run);
    assertFalse(run.stderr().contains("checked "), run::toString);
  }

  @Test
  void oneBadFileAmongGoodOnesStillChecksTheRest() throws Exception {
    Path bad = write("bad-coin.vmodel", COIN.replace("latent p: unit", "latent p: real"));
    Run run = Launcher.vmodel("check", "examples/coin.vmodel", bad.toString(), "examples/lda.vmodel");
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), bad + ":4:13: error[E020]", run);
    assertFalse(run.stderr().contains("examples/"), run::toString);
    assertTrue(run.stderr().matches("(?s).*\nchecked 3 files: [1-9][0-9]* errors?, 0 warnings\n"), run::toString);
  }

  // ---------------------------------------------------------------------------------------------
  // check: files that cannot be read

  @Test
  void aMissingFileIsAnError() throws Exception {
    Path missing = tmp.resolve("nope.vmodel");
    Run run = Launcher.vmodel("check", missing.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), missing + ": error: no such file\n", run);
  }

  @Test
  void aDirectoryIsAnError() throws Exception {
    Run run = Launcher.vmodel("check", "examples");
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), "examples: error: is a directory, not a .vmodel file\n", run);
  }

  @Test
  void aFileThatIsNotUtf8IsAnError() throws Exception {
    Path file = tmp.resolve("latin1.vmodel");
    Files.write(file, "model M { /* caf\u00e9 */ }".getBytes(StandardCharsets.ISO_8859_1));
    Run run = Launcher.vmodel("check", file.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), file + ": error: not valid UTF-8 text\n", run);
  }

  // ---------------------------------------------------------------------------------------------
  // explain

  private static final String POISSON_LOG = """
      model PoissonLog {
        size N;
        latent w: real ~ Normal(0, 1);
        data y[n in N]: real ~ Normal(exp(w), 1);
      }
      """;

  private static String derivation(String example) throws IOException {
    return Files.readString(Launcher.root().resolve("docs/derivations/" + example + ".md"), StandardCharsets.UTF_8);
  }

  @Test
  void explainPrintsTheFactorsOfAnExample() throws Exception {
    Run run = Launcher.vmodel("explain", "examples/gaussian-mixture.vmodel");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.stderr(), run::toString);
    String out = run.stdout();
    assertTrue(out.startsWith("GaussianMixture: mean-field updates\n"), run::toString);
    assertContains(out, "Factorisation: q(pi) q(mu, Lambda) q(z) = q(pi) prod_k q(mu[k], Lambda[k]) prod_n q(z[n])\n",
        run);
    assertContains(out, "Schedule (one sweep): q(pi) -> q(mu, Lambda) -> q(z) [local]\n", run);
    assertContains(out, "q(pi): Dirichlet\n", run);
    assertContains(out, "    eta(ln pi[k]) = alpha0 - 1 + sum_n q(z[n]=k)\n", run);
    assertContains(out, "  Parameters: q(pi) = Dirichlet(alpha) with alpha[k] = eta(ln pi[k]) + 1\n", run);
    assertContains(out, "q(mu, Lambda): Normal-Wishart, one factor q(mu[k], Lambda[k]) for each k in K\n", run);
    assertContains(out, "    eta(mu[k]^T Lambda[k] mu[k]) = -sum_n 0.5 * q(z[n]=k) - 0.5 * beta0\n", run);
    assertContains(out, "q(z): Categorical, one factor q(z[n]) for each n in N [local]\n", run);
    assertContains(out, "ELBO = E_q[ln p(X, Z)] + sum_j H[q_j], the sum of\n", run);
    assertContains(out, "  E[ln p(z | pi)] = sum_{c,n} q(z[n]=c) * <ln pi[c]>\n", run);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleExplainsClean(String example) throws Exception {
    Run run = Launcher.vmodel("explain", example);
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.stderr(), run::toString);
    assertContains(run.stdout(), ": mean-field updates\n", run);
    assertContains(run.stdout(), "  Parameters: ", run);
  }

  @Test
  void explainMarkdownIsTheCheckedInDerivation() throws Exception {
    Run run = Launcher.vmodel("explain", "--format", "markdown", "examples/coin.vmodel");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.stderr(), run::toString);
    assertTrue(run.stdout().startsWith("# Coin: mean-field updates\n"), run::toString);
    assertContains(run.stdout(), "$$\\eta(\\ln p) = a - 1 + \\sum_{n} y_{n}$$\n", run);
    assertEquals(derivation("coin"), run.stdout(), "docs/derivations/coin.md differs from explain's output");

    Run upper = Launcher.vmodel("explain", "--format=MARKDOWN", "examples/coin.vmodel");
    assertEquals(run.stdout(), upper.stdout(), upper::toString);
  }

  @Test
  void explainWritesToAnOutputFile() throws Exception {
    Path md = tmp.resolve("gmm.md");
    Run run = Launcher.vmodel("explain", "--format", "markdown", "-o", md.toString(), "examples/gaussian-mixture.vmodel");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertEquals("", run.stderr(), run::toString);
    assertEquals(derivation("gaussian-mixture"), Files.readString(md, StandardCharsets.UTF_8));
  }

  @Test
  void explainSeveralFilesOneAfterTheOther() throws Exception {
    Run run = Launcher.vmodel("explain", "examples/coin.vmodel", "examples/poisson-gamma.vmodel");
    assertEquals(0, run.exitCode(), run::toString);
    String out = run.stdout();
    assertTrue(out.startsWith("Coin: mean-field updates\n"), run::toString);
    assertContains(out, "\n\nPoissonGamma: mean-field updates\n", run);
    assertTrue(out.indexOf("Coin:") < out.indexOf("PoissonGamma:"), run::toString);
  }

  @Test
  void explainANonConjugateModelPointsAtTheTermAndExitsOne() throws Exception {
    Path file = write("poisson-log.vmodel", POISSON_LOG);
    Run run = Launcher.vmodel("explain", file.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertContains(run.stderr(),
        file + ":4:33: error[E100]: q(w): the mean of Normal in 'y', 'exp(w)', is exp(...) of a latent, which has no"
            + " closed-form expectation in any conjugate family; a latent may enter through a nonlinear link only as"
            + " Bernoulli(logistic(a)), Bernoulli(logit: a), Categorical(softmax(v)) or Poisson(exp(a)) of observed data, with a and v"
            + " linear in Normal or MultiNormal latents; w's sufficient statistics are (w, w^2)\n"
            + "   4 |   data y[n in N]: real ~ Normal(exp(w), 1);\n"
            + "     |                                 ^^^^^^\n"
            + "     = hint: ",
        run);
    assertTrue(run.stderr().endsWith("\nexplained 0 of 1 file: 1 error, 0 warnings\n"), run::toString);
    assertFalse(run.stderr().contains("Exception"), run::toString);
    assertFalse(run.stderr().contains("\tat "), run::toString);
  }

  @Test
  void explainStillExplainsTheGoodFilesAndExitsOne() throws Exception {
    Path bad = write("poisson-log.vmodel", POISSON_LOG);
    Run run = Launcher.vmodel("explain", "examples/coin.vmodel", bad.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stdout().startsWith("Coin: mean-field updates\n"), run::toString);
    assertContains(run.stderr(), bad + ":4:33: error[E100]", run);
    assertTrue(run.stderr().endsWith("\nexplained 1 of 2 files: 1 error, 0 warnings\n"), run::toString);
  }

  @Test
  void explainReportsFrontEndErrorsLikeCheck() throws Exception {
    Path file = write("bad-coin.vmodel", COIN.replace("latent p: unit", "latent p: real"));
    Run run = Launcher.vmodel("explain", file.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertContains(run.stderr(),
        file + ":4:13: error[E020]: 'p' is declared real, but the support of Beta is unit\n"
            + "   4 |   latent p: real ~ Beta(a, b);\n"
            + "     |             ^^^^\n",
        run);
  }

  @Test
  void explainDoesNotWriteTheOutputFileWhenThereAreErrors() throws Exception {
    Path bad = write("poisson-log.vmodel", POISSON_LOG);
    Path md = tmp.resolve("out.md");
    Run run = Launcher.vmodel("explain", "-o", md.toString(), "examples/coin.vmodel", bad.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertContains(run.stderr(), md + ": not written, because of the errors above\n", run);
    assertFalse(Files.exists(md), "the output file was written");
  }

  @Test
  void explainAMissingFileIsAnError() throws Exception {
    Path missing = tmp.resolve("nope.vmodel");
    Run run = Launcher.vmodel("explain", missing.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), missing + ": error: no such file\n", run);
  }

  @Test
  void explainUsageErrors() throws Exception {
    assertUsageError(Launcher.vmodel("explain"), "missing required parameter: 'FILE'", "vmodel explain");
    assertUsageError(Launcher.vmodel("explain", "--format", "html", "examples/coin.vmodel"),
        "invalid value for option '--format': 'html' is not a format; choose text or markdown", "vmodel explain");
    assertUsageError(Launcher.vmodel("explain", "--frobnicate", "examples/coin.vmodel"),
        "unknown option: '--frobnicate'", "vmodel explain");
  }

  @Test
  void explainHelp() throws Exception {
    Run run = Launcher.vmodel("explain", "--help");
    assertEquals(0, run.exitCode(), run::toString);
    assertContains(run.stdout(), "Usage: vmodel explain [-hV] [--format=FORMAT] [-o=OUT] FILE...", run);
  }

  // ---------------------------------------------------------------------------------------------
  // usage errors: exit 2, a message and a pointer to --help on stderr, nothing on stdout

  private static void assertUsageError(Run run, String message, String help) {
    assertEquals(2, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertEquals("vmodel: " + message + "\nTry '" + help + " --help' for more information.\n", run.stderr(),
        run::toString);
  }

  @Test
  void noArguments() throws Exception {
    assertUsageError(Launcher.vmodel(), "missing command: choose one of check, explain, compile, fit, predict", "vmodel");
  }

  @Test
  void checkWithoutFiles() throws Exception {
    assertUsageError(Launcher.vmodel("check"), "missing required parameter: 'FILE'", "vmodel check");
  }

  @Test
  void unknownOption() throws Exception {
    assertUsageError(Launcher.vmodel("check", "--frobnicate", "examples/coin.vmodel"),
        "unknown option: '--frobnicate'", "vmodel check");
    assertUsageError(Launcher.vmodel("--frobnicate"), "unknown option: '--frobnicate'", "vmodel");
  }

  @Test
  void unknownCommand() throws Exception {
    assertUsageError(Launcher.vmodel("frobnicate"),
        "unknown command 'frobnicate'; commands are check, explain, compile, fit, predict, help",
        "vmodel");
    assertUsageError(Launcher.vmodel("chek", "examples/coin.vmodel"), "unknown command 'chek'; did you mean 'check'?",
        "vmodel");
  }

  // ---------------------------------------------------------------------------------------------
  // --version and --help

  @Test
  void versionComesFromTheJarManifest() throws Exception {
    String expected = "vmodel " + System.getProperty("vmodel.version") + "\n";
    for (String flag : List.of("--version", "-V")) {
      Run run = Launcher.vmodel(flag);
      assertEquals(0, run.exitCode(), run::toString);
      assertEquals(expected, run.stdout(), run::toString);
      assertEquals("", run.stderr(), run::toString);
    }
  }

  @Test
  void helpListsTheCommandsAndExitStatus() throws Exception {
    Run run = Launcher.vmodel("--help");
    assertEquals(0, run.exitCode(), run::toString);
    assertContains(run.stdout(), "Usage: vmodel", run);
    assertContains(run.stdout(), "  check    Check .vmodel files", run);
    assertContains(run.stdout(), "  explain  Print the derived mean-field updates of .vmodel files.", run);
    assertContains(run.stdout(), "Exit status: 0 success, 1 errors in a model or data file, 2 usage errors.", run);
    assertEquals("", run.stderr(), run::toString);

    Run check = Launcher.vmodel("check", "--help");
    assertEquals(0, check.exitCode(), check::toString);
    assertContains(check.stdout(), "Usage: vmodel check [-hV] [--quiet] FILE...", check);
  }
}
