package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.vmodel.cli.Launcher.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End-to-end tests of {@code vmodel fit} through the real launcher: every example fits its bundled
 * data, the output formats, data files given in every supported way, and bad data, each reported
 * with file, line, column and what is wrong, exit status 1 (2 for usage errors), and no --out
 * file written (docs/cli.md, section `vmodel fit`).
 */
class FitIT {
  private static final String ITERS = "50";

  @TempDir Path tmp;

  private Path write(String name, String text) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static void assertContains(String haystack, String needle, Run run) {
    assertTrue(haystack.contains(needle), () -> "expected to find\n" + needle + "\nin\n" + run);
  }

  // ---------------------------------------------------------------------------------------------
  // Successful fits

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.vmodel.cli.LauncherIT#examples")
  void everyExampleFitsItsBundledData(String example) throws Exception {
    Run run = Launcher.vmodel("fit", example, "--quiet", "--iters", ITERS);
    assertEquals(0, run.exitCode(), run::toString);
    // --quiet silences progress and warnings, not the summary
    assertContains(run.stdout(), " sweeps in ", run);
    assertContains(run.stdout(), "; ELBO = ", run);
    assertEquals("", run.stderr(), run::toString);
  }

  @Test
  void gaussianMixturePrintsASummaryTable() throws Exception {
    Run run = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--iters", ITERS);
    assertEquals(0, run.exitCode(), run::toString);
    assertContains(run.stdout(), "GaussianMixture", run);
    assertContains(run.stdout(), "ELBO", run);
    assertContains(run.stdout(), "q(pi) ~ Dirichlet", run);
    assertContains(run.stdout(), "examples/data/gaussian-mixture.csv", run);
    // progress goes to stderr, never into the summary
    assertContains(run.stderr(), "sweep", run);
    assertFalse(run.stdout().contains("sweep "), run::toString);
  }

  @Test
  void formatJsonPrintsValidJson() throws Exception {
    Run run = Launcher.vmodel("fit", "examples/coin.vmodel", "--format", "json");
    assertEquals(0, run.exitCode(), run::toString);
    Map<String, Object> json = Json.object(run.stdout());
    assertEquals("Coin", json.get("model"), run::toString);
    assertInstanceOf(Double.class, json.get("elbo"), run::toString);
    Map<?, ?> p = (Map<?, ?>) ((Map<?, ?>) json.get("factors")).get("p");
    assertEquals("Beta", p.get("family"), run::toString);
  }

  @Test
  void outWritesThePosteriorJson() throws Exception {
    Path out = tmp.resolve("posterior.json");
    Run run = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--out", out.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.stderr(), run::toString);
    assertContains(run.stdout(), "q(p) ~ Beta", run);
    Map<String, Object> json = Json.object(Files.readString(out));
    assertTrue(json.containsKey("elbo") && json.containsKey("factors") && json.containsKey("elboTrace"),
        json::toString);
    // the bundled coin data: 24 heads in 100 flips; Beta(1 + 24, 1 + 76)
    Map<?, ?> params = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) json.get("factors")).get("p")).get("parameters");
    assertEquals(List.of(25.0), params.get("a"), json::toString);
    assertEquals(List.of(77.0), params.get("b"), json::toString);
  }

  @Test
  void jsonDataFileFitsLikeTheCsv() throws Exception {
    Path fromCsv = tmp.resolve("csv.json");
    Path fromJson = tmp.resolve("json.json");
    Run a = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--data", "examples/data/coin.csv",
        "--out", fromCsv.toString());
    Run b = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--data", "examples/data/coin.json",
        "--out", fromJson.toString());
    assertEquals(0, a.exitCode(), a::toString);
    assertEquals(0, b.exitCode(), b::toString);
    assertEquals(Json.object(Files.readString(fromCsv)).get("factors"),
        Json.object(Files.readString(fromJson)).get("factors"));
  }

  @Test
  void gaussianMixtureJsonDataFileFits() throws Exception {
    Run run = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--quiet", "--iters", ITERS,
        "--data", "examples/data/gaussian-mixture.json");
    assertEquals(0, run.exitCode(), run::toString);
  }

  @Test
  void setChangesASize() throws Exception {
    Path out = tmp.resolve("k3.json");
    Run run = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--quiet", "--iters", ITERS,
        "--set", "K=3", "--out", out.toString());
    assertEquals(0, run.exitCode(), run::toString);
    Map<String, Object> json = Json.object(Files.readString(out));
    Map<?, ?> pi = (Map<?, ?>) ((Map<?, ?>) json.get("factors")).get("pi");
    assertEquals("Dirichlet", pi.get("family"), json::toString);
    assertEquals(3, ((List<?>) ((Map<?, ?>) pi.get("parameters")).get("alpha")).size(), json::toString);
  }

  @Test
  void setChangesAHyper() throws Exception {
    Path out = tmp.resolve("prior.json");
    Run run = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--set", "a=10", "--set", "b=2",
        "--out", out.toString());
    assertEquals(0, run.exitCode(), run::toString);
    Map<?, ?> params = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.object(Files.readString(out)).get("factors"))
        .get("p")).get("parameters");
    assertEquals(List.of(34.0), params.get("a"));
    assertEquals(List.of(78.0), params.get("b"));
  }

  @Test
  void dataNameEqualsFileReadsEachArrayFromItsFile() throws Exception {
    Path x = write("x.csv", "X[0],X[1]\n1,0.5\n1,1.5\n1,2.5\n1,3.5\n");
    Path y = write("y.csv", "y\n1.1\n2.0\n3.1\n3.9\n");
    Run run = Launcher.vmodel("fit", "examples/linear-regression.vmodel", "--quiet", "--iters", ITERS,
        "--data", "X=" + x, "--data", "y=" + y);
    assertEquals(0, run.exitCode(), run::toString);
    // the underscore and bare-number column styles work too
    Path x2 = write("x2.csv", "X_0,X_1,y\n1,0.5,1.1\n1,1.5,2.0\n1,2.5,3.1\n");
    Path x3 = write("x3.csv", "X0,X1,y\n1,0.5,1.1\n1,1.5,2.0\n1,2.5,3.1\n");
    for (Path f : List.of(x2, x3)) {
      Run r = Launcher.vmodel("fit", "examples/linear-regression.vmodel", "--quiet", "--iters", ITERS,
          "--data", f.toString());
      assertEquals(0, r.exitCode(), r::toString);
    }
  }

  @Test
  void missingObservedRealValuesAreIntegratedOut() throws Exception {
    assertTrue(Files.readString(Launcher.root().resolve("examples/data/ppca.csv")).contains(",,"),
        "ppca.csv should have empty cells");
    Path out = tmp.resolve("ppca.json");
    Run run = Launcher.vmodel("fit", "examples/ppca.vmodel", "--quiet", "--iters", ITERS,
        "--data", "examples/data/ppca.csv", "--out", out.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(Files.exists(out));
    // NaN in a CSV and null in JSON are missing values too
    Path nan = write("nan.csv", "x\n1.0\nNaN\n2.0\n\n3.0\n");
    Path nulls = write("nulls.json", "{\"x\": [1.0, null, 2.0, 3.0]}");
    for (Path f : List.of(nan, nulls)) {
      Run r = Launcher.vmodel("fit", "examples/normal-gamma.vmodel", "--quiet", "--iters", ITERS,
          "--data", f.toString());
      assertEquals(0, r.exitCode(), r::toString);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bad data: exit 1, file:line: column 'c': what is wrong, and no --out file

  private Run fails(int status, String expectedStderr, String... args) throws Exception {
    Path out = tmp.resolve("must-not-exist.json");
    List<String> all = new ArrayList<>(List.of("fit"));
    all.addAll(List.of(args));
    all.addAll(List.of("--quiet", "--iters", ITERS, "--out", out.toString()));
    Run run = Launcher.vmodel(all.toArray(String[]::new));
    assertEquals(status, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertContains(run.stderr(), expectedStderr, run);
    assertFalse(run.stderr().contains("Exception"), run::toString);
    assertFalse(Files.exists(out), () -> "--out was written although the fit failed\n" + run);
    return run;
  }

  @Test
  void missingFile() throws Exception {
    Path f = tmp.resolve("nope.csv");
    fails(1, f + ": error: no such file\n", "examples/coin.vmodel", "--data", f.toString());
  }

  @Test
  void emptyFile() throws Exception {
    Path f = write("empty.csv", "");
    fails(1, f + ": error: the file is empty; expected a header row naming the columns",
        "examples/coin.vmodel", "--data", f.toString());
  }

  @Test
  void headerButNoRows() throws Exception {
    Path f = write("header.csv", "y\n");
    fails(1, f + ": error: the data file has no rows, only a header; data 'y' needs at least one value",
        "examples/coin.vmodel", "--data", f.toString());
    Path j = write("empty.json", "{\"y\": []}");
    fails(1, j + ": error: the list 'y' is empty; data 'y' needs at least one value", "examples/coin.vmodel",
        "--data", j.toString());
  }

  @Test
  void missingColumn() throws Exception {
    Path f = write("noy.csv", "x\n1\n0\n");
    fails(1, f + ": error: no column for observed data 'y' (bool); expected a column named 'y'",
        "examples/coin.vmodel", "--data", f.toString());
  }

  @Test
  void missingVectorColumns() throws Exception {
    Path f = write("nox.csv", "y\n1\n2\n");
    fails(1, f + ": error: no column for covariate data 'X' (vector[P]); expected columns 'X[0]', 'X[1]', ...",
        "examples/linear-regression.vmodel", "--data", f.toString());
  }

  @Test
  void nonNumericCell() throws Exception {
    Path f = write("abc.csv", "y\n1\nabc\n0\n");
    fails(1, f + ":3: error: column 'y': 'abc' is not a number", "examples/coin.vmodel", "--data", f.toString());
  }

  @Test
  void boolNotZeroOrOne() throws Exception {
    Path f = write("two.csv", "y\n1\n0\n2\n");
    fails(1, f + ":4: error: column 'y': must be 0 or 1, got 2", "examples/coin.vmodel", "--data", f.toString());
  }

  @Test
  void negativeCount() throws Exception {
    Path f = write("neg.csv", "y\n3\n-1\n");
    fails(1, f + ":3: error: column 'y': must be a non-negative integer, got -1",
        "examples/poisson-gamma.vmodel", "--data", f.toString());
  }

  @Test
  void nonIntegerInAnIntegerColumn() throws Exception {
    Path f = write("half.csv", "y\n3\n1.5\n");
    fails(1, f + ":3: error: column 'y': 1.5 is not an integer (count values are whole numbers)",
        "examples/poisson-gamma.vmodel", "--data", f.toString());
  }

  @Test
  void categoryAboveASetSize() throws Exception {
    Path f = write("lda.csv", "doc,w\n0,1\n1,4\n1,7\n");
    fails(1, f + ":4: error: column 'w': category 7 is out of range 0..V-1 (V = 5)",
        "examples/lda.vmodel", "--data", f.toString(), "--set", "V=5", "--set", "K=2");
  }

  @Test
  void negativeCategory() throws Exception {
    Path f = write("lda.csv", "doc,w\n0,1\n-1,2\n");
    fails(1, f + ":3: error: column 'doc': category -1 is out of range", "examples/lda.vmodel",
        "--data", f.toString(), "--set", "K=2");
  }

  @Test
  void raggedCsvRow() throws Exception {
    Path f = write("ragged.csv", "X[0],X[1],y\n1,2,3\n1,2\n");
    fails(1, f + ":3: error: has 2 cells, but the header has 3 columns",
        "examples/linear-regression.vmodel", "--data", f.toString());
  }

  @Test
  void arraysOfDifferentLengthsInTwoFiles() throws Exception {
    Path x = write("x.csv", "X[0],X[1]\n1,2\n1,3\n1,4\n");
    Path y = write("y.csv", "y\n1\n2\n");
    fails(1, y + ": error: 'y' has 2 rows, but N = 3",
        "examples/linear-regression.vmodel", "--data", "X=" + x, "--data", "y=" + y);
  }

  @Test
  void missingValueInACovariate() throws Exception {
    Path f = write("x.csv", "X[0],X[1],y\n1,2,3\n1,,4\n");
    fails(1, f + ":3: error: column 'X[1]': is missing (an empty cell, NaN, NA or null); missing values are allowed"
        + " only in real-valued observed data and Bernoulli-logistic labels, and 'X[1]' is a covariate",
        "examples/linear-regression.vmodel", "--data", f.toString());
  }

  @Test
  void missingValueInAnIntegerArray() throws Exception {
    Path f = write("counts.csv", "y,other\n3,1\n,2\n");
    fails(1, f + ":3: error: column 'y': is missing (an empty cell, NaN, NA or null); missing values are allowed"
        + " only in real-valued observed data and Bernoulli-logistic labels, and 'y' is count",
        "examples/poisson-gamma.vmodel", "--data", f.toString());
    Path j = write("counts.json", "{\"y\": [3, null]}");
    fails(1, j + ":1: error: column 'y': entry 1: is missing", "examples/poisson-gamma.vmodel", "--data", j.toString());
  }

  @Test
  void malformedJson() throws Exception {
    Path f = write("bad.json", "{\"y\": [0, 1,\n }");
    fails(1, f + ":2:2: error: column 'y': unexpected character ('}' (code 125)): expected a value",
        "examples/coin.vmodel", "--data", f.toString());
    Path g = write("list.json", "[0, 1]");
    fails(1, g + ":1: error: expected '{', found a list '['; the data file must be a JSON object of arrays",
        "examples/coin.vmodel", "--data", g.toString());
  }

  @Test
  void jsonRaggedRows() throws Exception {
    Path f = write("ragged.json", "{\"x\": [[1, 2], [3]]}");
    fails(1, f + ":1: error: column 'x': entry 1 has 1 number, but entry 0 has 2",
        "examples/gaussian-mixture.vmodel", "--data", f.toString());
  }

  @Test
  void jsonArraysOfDifferentLengths() throws Exception {
    Path f = write("two.json", "{\"X\": [[1, 2], [1, 3]],\n \"y\": [1, 2, 3]}");
    fails(1, f + ":2: error: column 'y': has 3 entries, but 'X' has 2",
        "examples/linear-regression.vmodel", "--data", f.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // Usage errors: exit 2

  @Test
  void setOfAnUnknownName() throws Exception {
    fails(2, "vmodel fit: --set Q=3: the model has no size or hyperparameter 'Q'; it has N, D, K, alpha0, beta0,"
        + " nu0, m0, W0", "examples/gaussian-mixture.vmodel", "--set", "Q=3");
  }

  @Test
  void setOfTheWrongType() throws Exception {
    fails(2, "vmodel fit: --set K=abc: size K takes a whole number, got 'abc'",
        "examples/gaussian-mixture.vmodel", "--set", "K=abc");
    fails(2, "vmodel fit: --set K=2.5: size K takes a whole number, got '2.5'",
        "examples/gaussian-mixture.vmodel", "--set", "K=2.5");
    fails(2, "vmodel fit: --set a=x: hyper a takes a number, got 'x'", "examples/coin.vmodel", "--set", "a=x");
  }

  @Test
  void setOutsideTheDomain() throws Exception {
    fails(2, "vmodel fit: --set beta0=-1: hyper beta0 must be positive and finite, got -1.0",
        "examples/gaussian-mixture.vmodel", "--set", "beta0=-1");
    fails(2, "vmodel fit: --set a=-1: hyper a must be positive and finite, got -1.0",
        "examples/coin.vmodel", "--set", "a=-1");
    fails(2, "vmodel fit: --set K=0: size K must be at least 1, got 0",
        "examples/gaussian-mixture.vmodel", "--set", "K=0");
  }

  @Test
  void setTakesPlainDecimalNumbersOnly() throws Exception {
    for (String v : List.of("2d", "2f", "0x1p1", "Infinity", "NaN", "1.", "1,5", "")) {
      fails(2, "vmodel fit: --set a=" + v + ": hyper a takes a number, got '" + v + "'",
          "examples/coin.vmodel", "--set", "a=" + v);
    }
    fails(2, "vmodel fit: --set m0=0,2d: hyper m0 takes a number, got '2d'",
        "examples/gaussian-mixture.vmodel", "--set", "m0=0,2d");
    fails(2, "vmodel fit: --set K=3L: size K takes a whole number, got '3L'",
        "examples/gaussian-mixture.vmodel", "--set", "K=3L");
    // what is accepted: signs, fractions without a leading digit, exponents
    Path out = tmp.resolve("p.json");
    Run run = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--set", "a=+.5e1", "--set", "b=2E0",
        "--out", out.toString());
    assertEquals(0, run.exitCode(), run::toString);
    Map<?, ?> params = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.object(Files.readString(out)).get("factors"))
        .get("p")).get("parameters");
    assertEquals(List.of(29.0), params.get("a"));
  }

  @Test
  void aRepeatedSetIsAnErrorNamingBoth() throws Exception {
    fails(2, "vmodel fit: --set a=2 and --set a=3 both set 'a'; give each name once",
        "examples/coin.vmodel", "--set", "a=2", "--set", "b=1", "--set", "a=3");
  }

  @Test
  void dataForAnUnknownArray() throws Exception {
    fails(2, "vmodel fit: --data q=examples/data/coin.csv: the model has no data array 'q'; it has y",
        "examples/coin.vmodel", "--data", "q=examples/data/coin.csv");
  }

  @Test
  void bogusFormat() throws Exception {
    Run run = fails(2, "vmodel: invalid value for option '--format': 'bogus' is not a format; choose table or json",
        "examples/coin.vmodel", "--format", "bogus");
    assertContains(run.stderr(), "Try 'vmodel fit --help' for more information.", run);
  }

  @Test
  void formatInAnyCase() throws Exception {
    for (String f : List.of("JSON", "Json")) {
      Run run = Launcher.vmodel("fit", "examples/coin.vmodel", "--format", f, "--quiet");
      assertEquals(0, run.exitCode(), run::toString);
      assertEquals("Coin", Json.object(run.stdout()).get("model"), run::toString);
    }
    Run table = Launcher.vmodel("fit", "examples/coin.vmodel", "--format", "TABLE", "--quiet");
    assertEquals(0, table.exitCode(), table::toString);
    assertContains(table.stdout(), "q(p) ~ Beta", table);
  }

  @Test
  void quietJsonPrintsTheJsonAndNothingElse() throws Exception {
    Run run = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--quiet", "--format", "json",
        "--iters", "5");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("GaussianMixture", Json.object(run.stdout()).get("model"), run::toString);
    assertEquals("", run.stderr(), "--quiet: no progress and no warning\n" + run);
  }

  @Test
  void optionRangesNameTheOption() throws Exception {
    fails(2, "vmodel fit: --threads must be at least 1, got 0", "examples/coin.vmodel", "--threads", "0");
    fails(2, "vmodel fit: --restarts must be at least 1, got -2", "examples/coin.vmodel", "--restarts", "-2");
    fails(2, "vmodel fit: --tol must be a non-negative number, got -1.0", "examples/coin.vmodel", "--tol", "-1");
    fails(2, "vmodel fit: --tol must be a non-negative number, got NaN", "examples/coin.vmodel", "--tol", "NaN");
    // --iters last: fails() adds its own --iters, and the last one given counts
    Run run = Launcher.vmodel("fit", "examples/coin.vmodel", "--iters", "0");
    assertEquals(2, run.exitCode(), run::toString);
    assertContains(run.stderr(), "vmodel fit: --iters must be at least 1, got 0\n", run);
  }

  @Test
  void anyThreadCountGivesTheSamePosterior() throws Exception {
    Run one = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--iters", ITERS, "--format", "json",
        "--threads", "1");
    Run two = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--iters", ITERS, "--format", "json",
        "--threads", "2");
    assertEquals(0, one.exitCode(), one::toString);
    assertEquals(0, two.exitCode(), two::toString);
    assertTrue(one.stdout().contains("\"elbo\""), one::toString);
    // Everything but the fit's duration.
    assertEquals(one.stdout().replaceAll("\"seconds\": [0-9.eE-]+", ""),
        two.stdout().replaceAll("\"seconds\": [0-9.eE-]+", ""));
  }

  @Test
  void unknownModelName() throws Exception {
    fails(2, "vmodel fit: no model named 'Foo' in examples/coin.vmodel; it declares Coin",
        "examples/coin.vmodel", "--model", "Foo");
  }

  // ---------------------------------------------------------------------------------------------
  // The summary table shows plate-indexed latents

  @Test
  void fewLocalFactorsAreShownInFull() throws Exception {
    Run run = Launcher.vmodel("fit", "examples/eight-schools.vmodel", "--quiet");
    assertEquals(0, run.exitCode(), run::toString);
    assertContains(run.stdout(), "q(theta) ~ Normal, one per J: 8 local factors\n", run);
    for (int j = 0; j < 8; j++) {
      assertTrue(run.stdout().matches("(?s).*\n  theta\\[" + j + "\\] +-?[0-9.]+ +[0-9.]+ .*"), run::toString);
    }
    assertFalse(run.stdout().contains("more elements"), run::toString);
  }

  @Test
  void manyLocalFactorsAreSummarised() throws Exception {
    Run run = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--quiet", "--iters", ITERS);
    assertEquals(0, run.exitCode(), run::toString);
    assertContains(run.stdout(), "q(z) ~ Categorical, one per N: 400 local factors\n", run);
    assertContains(run.stdout(), "  P(z[4] = 0)", run);
    assertFalse(run.stdout().contains("P(z[5] = 0)"), run::toString);
    assertContains(run.stdout(), "  ... 395 more elements (all in --out / --format json)\n", run);
  }

  // ---------------------------------------------------------------------------------------------
  // A fit that breaks down numerically is an error naming the factor, never a result

  /** Exit 1 with an error naming the factor that broke down, or the data file that a check rejected. */
  private void breaksDown(String factor, Path dataFile, String... args) throws Exception {
    Run run = fails(1, "error: ", args);
    assertTrue(run.stderr().contains("error: " + factor + ": its update in sweep 1 gave non-finite parameters")
        || run.stderr().startsWith(dataFile + ":"), run::toString);
    assertFalse(run.stderr().contains("internal error"), run::toString);
  }

  /** nu0 > D - 1 is a hyper's domain that depends on a size: checked once D is bound, naming the hyper. */
  @Test
  void wishartDegreesOfFreedomBelowDMinusOneAreAnErrorNotABreakdown() throws Exception {
    Run run = fails(1, "examples/gaussian-mixture.vmodel: error: hyper nu0 = 0.5: the degrees of freedom of the"
        + " Wishart prior of Lambda must be greater than D - 1 = 1", "examples/gaussian-mixture.vmodel", "--set",
        "nu0=0.5");
    assertFalse(run.stderr().contains("broke down"), run::toString);
  }

  @Test
  void normalGammaWithAnExtremePriorMeanBreaksDown() throws Exception {
    // The generated sweep finds the factor whose update gave non-finite parameters.
    Run run = fails(1, "examples/normal-gamma.vmodel: error: q(tau): its update in sweep 1 gave non-finite parameters",
        "examples/normal-gamma.vmodel", "--set", "mu0=1e200");
    assertContains(run.stderr(), "  = hint: ", run);
  }

  @Test
  void betaBinomialWithMoreSuccessesThanTrialsIsNotAResult() throws Exception {
    // Either the data check (y <= trials) or the breakdown check stops it; never exit 0.
    Path f = write("bb.csv", "trials,y\n3,10\n2,1\n");
    breaksDown("q(p)", f, "examples/beta-binomial.vmodel", "--data", f.toString());
  }

  @Test
  void dirichletMultinomialWithANegativeCountIsNotAResult() throws Exception {
    Path f = write("dm.csv", "trials,counts[0],counts[1]\n3,5,-2\n");
    breaksDown("q(p)", f, "examples/dirichlet-multinomial.vmodel", "--data", f.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // A fit stopped by --iters warns; memory

  @Test
  void aFitStoppedByTheIterationLimitWarns() throws Exception {
    Run run = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--iters", "3", "--format", "json");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals(Boolean.FALSE, Json.object(run.stdout()).get("converged"), run::toString);
    assertTrue(run.stderr().matches("(?s).*\nvmodel fit: warning: stopped at the limit of 3 sweeps before the ELBO"
        + " converged \\(its last relative change [0-9.e+-]+ is above --tol 1\\.0e-08\\), so the posterior may not"
        + " be the optimum yet; allow more sweeps \\(e\\.g\\. --iters 12\\) or accept a looser tolerance"
        + " \\(--tol\\)\n"), run::toString);
    Run converged = Launcher.vmodel("fit", "examples/coin.vmodel");
    assertEquals(0, converged.exitCode(), converged::toString);
    assertFalse(converged.stderr().contains("warning"), converged::toString);
  }

  @Test
  void aHugeIterationLimitAllocatesNothingUpFront() throws Exception {
    Run run = Launcher.withEnv(Map.of("VMODEL_OPTS", "-Xmx64m"), "fit", "examples/coin.vmodel", "--quiet",
        "--iters", "1000000000");
    assertEquals(0, run.exitCode(), run::toString);
    assertContains(run.stdout(), "converged after 2 sweeps", run);
  }

  @Test
  void outOfMemorySaysHowToRaiseTheHeap() throws Exception {
    Path model = write("cat.vmodel", """
        model Cat {
          size N, K;
          latent p: simplex[K] ~ Dirichlet(rep(1, K));
          data y[n in N]: cat[K] ~ Categorical(p);
        }
        """);
    Path data = write("cat.csv", "y\n0\n1\n1\n");
    Path out = tmp.resolve("cat.json");
    Run run = Launcher.withEnv(Map.of("VMODEL_OPTS", "-Xmx64m"), "fit", model.toString(), "--data", data.toString(),
        "--set", "K=50000000", "--out", out.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().matches("(?s)(.*\n)?vmodel: error: out of memory while [a-z ]+: the Java heap limit is"
        + " [0-9.]+ MB; .*an array over K = 50000000 takes 381\\.5 MB per element of its other indices\n"
        + "  = hint: give Java more memory with -Xmx in VMODEL_OPTS \\(or JAVA_OPTS\\), .*"), run::toString);
    assertFalse(run.stderr().contains("internal error"), run::toString);
    assertFalse(run.stderr().contains("\tat "), run::toString);
    assertFalse(Files.exists(out), "--out written although the fit failed");
  }

  @Test
  void theLauncherPassesJavaOptsAndVmodelOptsToTheJvm() throws Exception {
    Run vmodelOpts = Launcher.withEnv(Map.of("VMODEL_OPTS", "-Xmx123m -XshowSettings:vm"), "--version");
    assertEquals(0, vmodelOpts.exitCode(), vmodelOpts::toString);
    assertContains(vmodelOpts.stderr(), "Max. Heap Size: 123.00M", vmodelOpts);
    Run javaOpts = Launcher.withEnv(Map.of("JAVA_OPTS", "-Xmx77m -XshowSettings:vm"), "--version");
    assertContains(javaOpts.stderr(), "Max. Heap Size: 77.00M", javaOpts);
    // VMODEL_OPTS comes after JAVA_OPTS, so it wins
    Run both = Launcher.withEnv(Map.of("JAVA_OPTS", "-Xmx77m -XshowSettings:vm", "VMODEL_OPTS", "-Xmx99m"),
        "--version");
    assertContains(both.stderr(), "Max. Heap Size: 99.00M", both);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The JSON vmodel prints, as plain values (objects as maps, arrays as lists, numbers as doubles),
   * read strictly by jackson-core: no duplicate keys, nothing after the object.
   */
  static final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private Json() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String text) throws IOException {
      try (JsonParser p = FACTORY.createParser(text)) {
        Object v = value(p, p.nextToken());
        if (p.nextToken() != null) {
          throw new AssertionError("text after the JSON object at " + p.currentTokenLocation() + ":\n" + text);
        }
        if (!(v instanceof Map)) {
          throw new AssertionError("not a JSON object:\n" + text);
        }
        return (Map<String, Object>) v;
      }
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
      if (t == JsonToken.START_OBJECT) {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          m.put(key, value(p, p.nextToken()));
        }
        return m;
      }
      if (t == JsonToken.START_ARRAY) {
        List<Object> l = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          l.add(value(p, e));
        }
        return l;
      }
      return switch (t) {
        case VALUE_STRING -> p.getText();
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDoubleValue();
        case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
        case VALUE_NULL -> null;
        default -> throw new AssertionError("unexpected " + t + " at " + p.currentTokenLocation());
      };
    }
  }
}
