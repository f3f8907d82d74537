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
  // usage errors: exit 2, a message and a pointer to --help on stderr, nothing on stdout

  private static void assertUsageError(Run run, String message, String help) {
    assertEquals(2, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertEquals("vmodel: " + message + "\nTry '" + help + " --help' for more information.\n", run.stderr(),
        run::toString);
  }

  @Test
  void noArguments() throws Exception {
    assertUsageError(Launcher.vmodel(), "missing command: choose one of check", "vmodel");
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
    assertUsageError(Launcher.vmodel("frobnicate"), "unknown command 'frobnicate'; commands are check, help",
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
    assertContains(run.stdout(), "  check  Check .vmodel files", run);
    assertContains(run.stdout(), "Exit status: 0 success, 1 errors in a model or data file, 2 usage errors.", run);
    assertEquals("", run.stderr(), run::toString);

    Run check = Launcher.vmodel("check", "--help");
    assertEquals(0, check.exitCode(), check::toString);
    assertContains(check.stdout(), "Usage: vmodel check [-hV] [--quiet] FILE...", check);
  }
}
