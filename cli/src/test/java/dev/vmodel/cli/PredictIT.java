package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.Launcher.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmodel predict MODEL --posterior FIT.json --data NEW} (docs/cli.md, "Predicting new
 * rows"): a fit saved with {@code fit --out} applied to new rows, one record per row; its errors
 * (a posterior of another model, a missing or broken posterior file, bad new data) exit 1 with a
 * located message, no stack trace, and nothing written.
 */
class PredictIT {
  @TempDir Path tmp;

  private Path fit(String model, String name, String... extra) throws Exception {
    Path out = tmp.resolve(name);
    String[] args = new String[5 + extra.length];
    args[0] = "fit";
    args[1] = "examples/" + model + ".vmodel";
    args[2] = "--quiet";
    args[3] = "--out";
    args[4] = out.toString();
    System.arraycopy(extra, 0, args, 5, extra.length);
    Run run = Launcher.vmodel(args);
    assertEquals(0, run.exitCode(), run::toString);
    return out;
  }

  /** The first {@code rows} rows of a bundled data file, as a new file. */
  private Path head(String model, int rows) throws Exception {
    List<String> lines = Files.readAllLines(Launcher.root().resolve("examples/data/" + model + ".csv"));
    Path file = tmp.resolve(model + "-new.csv");
    Files.writeString(file, String.join("\n", lines.subList(0, 1 + rows)) + "\n");
    return file;
  }

  private Path file(String name, String text) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private static List<double[]> csvRows(String csv) {
    return csv.lines().skip(1).map(l -> Arrays.stream(l.split(",", -1))
        .mapToDouble(c -> c.isEmpty() ? Double.NaN : Double.parseDouble(c)).toArray()).toList();
  }

  private static void assertCleanError(Run run, String expected) {
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains(expected), () -> "expected <" + expected + ">\n" + run);
    assertFalse(run.stderr().contains("Exception") || run.stderr().contains("\tat "), run::toString);
    assertEquals("", run.stdout(), run::toString);
  }

  @SuppressWarnings("unchecked")
  @Test
  void coinLogPredictiveOfHeadsIsLnAOverAPlusBOfTheSavedPosterior() throws Exception {
    Path saved = fit("coin", "coin.json");
    Map<String, Object> json = FitIT.Json.object(Files.readString(saved));
    Map<String, Object> params = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) json
        .get("factors")).get("p")).get("parameters");
    double a = (Double) ((List<Object>) params.get("a")).get(0);
    double b = (Double) ((List<Object>) params.get("b")).get(0);
    Path data = file("flips.csv", "y\n1\n0\n1\n");
    Run run = Launcher.vmodel("predict", "examples/coin.vmodel", "--posterior", saved.toString(), "--data",
        data.toString(), "--format", "csv");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("logPredictive", run.stdout().lines().findFirst().orElseThrow(), run::toString);
    List<double[]> rows = csvRows(run.stdout());
    assertEquals(3, rows.size(), run::toString);
    double heads = Math.log(a / (a + b));
    double tails = Math.log(b / (a + b));
    assertEquals(heads, rows.get(0)[0], 1e-12 * Math.abs(heads), run::toString);
    assertEquals(tails, rows.get(1)[0], 1e-12 * Math.abs(tails), run::toString);
    assertEquals(heads, rows.get(2)[0], 1e-12 * Math.abs(heads), run::toString);
    assertEquals("", run.stderr(), run::toString);
  }

  @SuppressWarnings("unchecked")
  @Test
  void gaussianMixtureGivesLogPredictiveAndResponsibilitiesPerRowInEveryFormat() throws Exception {
    Path saved = fit("gaussian-mixture", "gmm.json");
    Path data = head("gaussian-mixture", 7);
    Path csvOut = tmp.resolve("pred.csv");
    Run csv = Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", saved.toString(),
        "--data", data.toString(), "--format", "csv", "--out", csvOut.toString());
    assertEquals(0, csv.exitCode(), csv::toString);
    assertEquals("", csv.stdout(), csv::toString);
    String text = Files.readString(csvOut);
    assertEquals("logPredictive,z[0],z[1],z[2],z[3],z[4],z[5]", text.lines().findFirst().orElseThrow());
    List<double[]> rows = csvRows(text);
    assertEquals(7, rows.size(), text);
    for (double[] r : rows) {
      assertTrue(Double.isFinite(r[0]) && r[0] < 0, text);
      double sum = 0;
      for (int k = 1; k < r.length; k++) {
        assertTrue(r[k] >= 0 && r[k] <= 1, text);
        sum += r[k];
      }
      assertEquals(1.0, sum, 1e-12, text);
    }
    // The same numbers on stdout as JSON records, in input order.
    Run json = Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", saved.toString(),
        "--data", data.toString(), "--format", "json");
    assertEquals(0, json.exitCode(), json::toString);
    Map<String, Object> j = FitIT.Json.object(json.stdout());
    assertEquals("GaussianMixture", j.get("model"));
    assertEquals(true, j.get("exact"));
    List<Object> records = (List<Object>) j.get("records");
    assertEquals(7, records.size(), json::toString);
    for (int r = 0; r < 7; r++) {
      Map<String, Object> rec = (Map<String, Object>) records.get(r);
      assertEquals(rows.get(r)[0], (Double) rec.get("logPredictive"), 0.0, json::toString);
      List<Object> z = (List<Object>) rec.get("z");
      for (int k = 0; k < 6; k++) {
        assertEquals(rows.get(r)[1 + k], ((Number) z.get(k)).doubleValue(), 0.0, json::toString);
      }
    }
    // The table: a header line naming the rows, then the columns.
    Run table = Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", saved.toString(),
        "--data", data.toString());
    assertEquals(0, table.exitCode(), table::toString);
    List<String> lines = table.stdout().lines().toList();
    assertEquals("GaussianMixture: 7 new rows (plate N)", lines.get(0), table::toString);
    assertTrue(lines.get(1).matches("row\\s+logPredictive\\s+z\\[0\\].*z\\[5\\]"), table::toString);
    assertEquals(9, lines.size(), table::toString);
    assertEquals("", table.stderr(), table::toString);
    // One sweep over the new rows' z cannot meet the tolerance: a warning, the records still printed.
    Run once = Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", saved.toString(),
        "--data", data.toString(), "--format", "csv", "--iters", "1");
    assertEquals(0, once.exitCode(), once::toString);
    assertEquals(8, once.stdout().lines().count(), once::toString);
    assertTrue(once.stderr().startsWith("vmodel predict: warning: the new rows' local latents stopped at the limit"
        + " of 1 sweeps"), once::toString);
  }

  @Test
  void ppcaHasNoLogPredictiveColumnAndSaysWhyOnStderr() throws Exception {
    Path saved = fit("ppca", "ppca.json", "--iters", "100");
    Path data = head("ppca", 3);
    Run run = Launcher.vmodel("predict", "examples/ppca.vmodel", "--posterior", saved.toString(), "--data",
        data.toString(), "--format", "csv");
    assertEquals(0, run.exitCode(), run::toString);
    String header = run.stdout().lines().findFirst().orElseThrow();
    assertFalse(header.contains("logPredictive"), run::toString);
    assertTrue(header.startsWith("h[0],h[1],h[2],mean(x[0]),"), run::toString);
    assertTrue(header.contains(",var(x[9])"), run::toString);
    assertEquals(3, csvRows(run.stdout()).size(), run::toString);
    List<String> err = run.stderr().lines().toList();
    assertEquals(List.of("vmodel predict: note: no logPredictive column: q(h) is a MultiNormal factor of the new data:"
        + " a new row's predictive integrates it out, which has no closed form"), err, run::toString);
  }

  @Test
  void linearRegressionGivesThePredictiveMeanAndVarianceOfY() throws Exception {
    Path saved = fit("linear-regression", "lr.json");
    Path data = head("linear-regression", 4);
    Run run = Launcher.vmodel("predict", "examples/linear-regression.vmodel", "--posterior", saved.toString(),
        "--data", data.toString(), "--format", "csv");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("logPredictive,mean(y),var(y)", run.stdout().lines().findFirst().orElseThrow(), run::toString);
    List<double[]> withY = csvRows(run.stdout());
    for (double[] r : withY) {
      assertTrue(Double.isFinite(r[0]) && Double.isFinite(r[1]) && r[2] > 0, run::toString);
    }
    // Covariates only (y left empty): the same mean(y) and var(y), and no logPredictive (empty, not ln 1).
    List<String> lines = Files.readAllLines(data);
    StringBuilder noY = new StringBuilder(lines.get(0)).append('\n');
    int y = Arrays.asList(lines.get(0).split(",")).indexOf("y");
    assertEquals(lines.get(0).split(",").length - 1, y, lines.get(0));
    lines.subList(1, lines.size()).forEach(l -> noY.append(l, 0, l.lastIndexOf(',') + 1).append('\n'));
    Path covariates = file("x-only.csv", noY.toString());
    Run xOnly = Launcher.vmodel("predict", "examples/linear-regression.vmodel", "--posterior", saved.toString(),
        "--data", covariates.toString(), "--format", "csv");
    assertEquals(0, xOnly.exitCode(), xOnly::toString);
    List<double[]> without = csvRows(xOnly.stdout());
    assertEquals(withY.size(), without.size(), xOnly::toString);
    for (int r = 0; r < without.size(); r++) {
      assertTrue(Double.isNaN(without.get(r)[0]), xOnly::toString);
      assertEquals(withY.get(r)[1], without.get(r)[1], 0.0, xOnly::toString);
      assertEquals(withY.get(r)[2], without.get(r)[2], 0.0, xOnly::toString);
    }
  }

  /**
   * The logistic regression (a Jaakkola-Jordan bound): mean(y) is P(y = 1) of the new row, the same
   * whether its label is given, empty, or its column absent; logPredictive is ln P or ln(1 - P) of a
   * given label, empty without one. Its P is checked
   * against the integral in the compiler's NonConjugateLikelihoodTest; here, that it is a
   * probability and ranks the rows as the linear predictor of the saved mean does.
   */
  @Test
  void logisticRegressionGivesPOfYForLabelledAndUnlabelledRows() throws Exception {
    Path saved = fit("logistic-regression", "logreg.json");
    Path data = head("logistic-regression", 6);
    Run labelled = Launcher.vmodel("predict", "examples/logistic-regression.vmodel", "--posterior", saved.toString(),
        "--data", data.toString(), "--format", "csv");
    assertEquals(0, labelled.exitCode(), labelled::toString);
    assertEquals("logPredictive,xi_y,mean(y),var(y)", labelled.stdout().lines().findFirst().orElseThrow(),
        labelled::toString);
    assertFalse(labelled.stderr().contains("no logPredictive column"), labelled::toString);
    List<String> lines = Files.readAllLines(data);
    StringBuilder noY = new StringBuilder(lines.get(0).substring(0, lines.get(0).lastIndexOf(','))).append('\n');
    lines.subList(1, lines.size()).forEach(l -> noY.append(l, 0, l.lastIndexOf(',')).append('\n'));
    Run unlabelled = Launcher.vmodel("predict", "examples/logistic-regression.vmodel", "--posterior",
        saved.toString(), "--data", file("x-only.csv", noY.toString()).toString(), "--format", "csv");
    assertEquals(0, unlabelled.exitCode(), unlabelled::toString);
    List<double[]> with = csvRows(labelled.stdout());
    List<double[]> without = csvRows(unlabelled.stdout());
    assertEquals(6, without.size(), unlabelled::toString);
    Map<String, Object> json = FitIT.Json.object(Files.readString(saved));
    @SuppressWarnings("unchecked")
    List<Object> mean = (List<Object>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
        ((Map<String, Object>) json.get("factors")).get("w")).get("state")).get("params")).get("mean");
    double[] linear = new double[6];
    for (int r = 0; r < 6; r++) {
      String[] cells = lines.get(1 + r).split(",");
      for (int p = 0; p < mean.size(); p++) {
        linear[r] += ((Number) mean.get(p)).doubleValue() * Double.parseDouble(cells[p]);
      }
      double p1 = without.get(r)[2];
      assertEquals(with.get(r)[2], p1, 0.0, "P(y = 1) does not depend on the label");
      assertTrue(p1 > 0 && p1 < 1 && (p1 - 0.5) * linear[r] > 0, "P(y = 1) = " + p1 + " for w'x = " + linear[r]);
      assertEquals(p1 * (1 - p1), without.get(r)[3], 1e-12, unlabelled::toString);
      assertEquals(0.0, without.get(r)[1], 0.0, "an unlabelled row's bound is not used: xi = 0");
      int label = Integer.parseInt(cells[cells.length - 1]);
      assertEquals(label == 1 ? Math.log(p1) : Math.log1p(-p1), with.get(r)[0], 1e-5, "ln p(y | X) of row " + r);
      assertTrue(Double.isNaN(without.get(r)[0]), "no logPredictive without a label");
    }
  }

  @Test
  void aModelWithNothingToPredictIsAnErrorAndWritesNothing() throws Exception {
    Path model = file("poisson.vmodel", """
        model PoissonRegression {
          size N, P;
          data x[n in N]: vector[P];
          latent w: vector[P] ~ MultiNormal(zeros(P), identity(P));
          data y[n in N]: count ~ Poisson(exp(dot(w, x[n])));
        }
        """);
    Path data = file("counts.csv", "x[0],x[1],y\n1,0.5,3\n1,-0.2,1\n1,1.0,6\n1,0.1,2\n");
    Path saved = tmp.resolve("pois.json");
    Run fit = Launcher.vmodel("fit", model.toString(), "--data", data.toString(), "--quiet", "--out", saved.toString());
    assertEquals(0, fit.exitCode(), fit::toString);
    Path out = tmp.resolve("pred.csv");
    Run run = Launcher.vmodel("predict", model.toString(), "--posterior", saved.toString(), "--data", data.toString(),
        "--out", out.toString());
    assertCleanError(run, "error: model PoissonRegression gives nothing to predict for new rows: q(w) is a fixed-form"
        + " update of a non-conjugate likelihood");
    assertFalse(Files.exists(out), run::toString);
  }

  @Test
  void aPosteriorOfAnotherModelIsRefusedNamingBothModels() throws Exception {
    Path coin = fit("coin", "coin.json");
    Path out = tmp.resolve("out.csv");
    Run run = Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", coin.toString(),
        "--data", head("gaussian-mixture", 3).toString(), "--out", out.toString());
    assertCleanError(run, coin + ":");
    assertTrue(run.stderr().contains("error: this posterior was saved from model Coin"), run::toString);
    assertTrue(run.stderr().contains("model GaussianMixture"), run::toString);
    assertFalse(Files.exists(out), run::toString);
  }

  @Test
  void aMissingOrBrokenPosteriorFileIsALocatedError() throws Exception {
    Path data = head("gaussian-mixture", 3);
    Path out = tmp.resolve("out.csv");
    Path none = tmp.resolve("none.json");
    assertCleanError(Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", none.toString(),
        "--data", data.toString(), "--out", out.toString()), none + ": error: no such file");
    Path saved = fit("gaussian-mixture", "gmm.json", "--iters", "20");
    String text = Files.readString(saved);
    Path broken = file("broken.json", text.substring(0, text.length() / 2));
    Run run = Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", broken.toString(),
        "--data", data.toString(), "--out", out.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().matches("(?s)" + java.util.regex.Pattern.quote(broken.toString()) + ":\\d+:\\d+: error: .*"),
        run::toString);
    assertFalse(Files.exists(out), run::toString);
  }

  @Test
  void badNewDataGetsTheMessagesOfFitAndNothingIsWritten() throws Exception {
    Path saved = fit("gaussian-mixture", "gmm.json", "--iters", "20");
    Path out = tmp.resolve("out.csv");
    Path noColumn = file("nocol.csv", "q\n1\n");
    assertCleanError(Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", saved.toString(),
        "--data", noColumn.toString(), "--out", out.toString()),
        noColumn + ": error: no column for observed data 'x' (vector[D])");
    // D is the fit's: a file of another width is an error, not a new D.
    Path narrow = file("narrow.csv", "x[0]\n1\n2\n");
    assertCleanError(Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", saved.toString(),
        "--data", narrow.toString(), "--out", out.toString()), narrow + ":2: error: column 'x[0]': has 1 entries, but D = 2");
    Path ragged = file("ragged.csv", "x[0],x[1]\n1,2\n3\n");
    assertCleanError(Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", saved.toString(),
        "--data", ragged.toString(), "--out", out.toString()), ragged + ":3: error: has 1 cell, but the header has 2");
    Path flips = file("flips.csv", "y\n1\n2\n");
    Path coin = fit("coin", "coin.json");
    assertCleanError(Launcher.vmodel("predict", "examples/coin.vmodel", "--posterior", coin.toString(),
        "--data", flips.toString(), "--out", out.toString()), flips + ":3: error: column 'y': must be 0 or 1, got 2");
    assertFalse(Files.exists(out));
  }

  @Test
  void ldaHasNoLogPredictiveAndRefusesAWordOutsideTheFitsVocabulary() throws Exception {
    Path saved = fit("lda", "lda.json", "--iters", "5");
    Path data = head("lda", 4);
    Run run = Launcher.vmodel("predict", "examples/lda.vmodel", "--posterior", saved.toString(), "--data",
        data.toString(), "--format", "csv");
    assertEquals(0, run.exitCode(), run::toString);
    String header = run.stdout().lines().findFirst().orElseThrow();
    assertTrue(header.startsWith("z[0],z[1],") && header.endsWith(",z[19]"), run::toString);
    assertTrue(run.stderr().contains("no logPredictive column: q(theta) is a Dirichlet factor of the new data"),
        run::toString);
    Path bad = file("words.csv", "doc,w\n0,1\n0,99999\n");
    Path out = tmp.resolve("out.csv");
    assertCleanError(Launcher.vmodel("predict", "examples/lda.vmodel", "--posterior", saved.toString(), "--data",
        bad.toString(), "--out", out.toString()), bad + ":3: error: column 'w': category 99999 is out of range 0..V-1");
    assertFalse(Files.exists(out));
  }

  /**
   * {@code fit --no-locals --out}: the posterior file without the rows' local factors (the mixture's
   * z: a tenth of the size) predicts the same records, byte for byte, as the full file.
   */
  @Test
  void aPosteriorSavedWithoutLocalsPredictsTheSame() throws Exception {
    Path full = tmp.resolve("full.json");
    Path slim = tmp.resolve("slim.json");
    for (Path out : List.of(full, slim)) {
      List<String> args = new java.util.ArrayList<>(List.of("fit", "examples/gaussian-mixture.vmodel", "--quiet",
          "--out", out.toString()));
      if (out.equals(slim)) {
        args.add("--no-locals");
      }
      Run fit = Launcher.vmodel(args.toArray(String[]::new));
      assertEquals(0, fit.exitCode(), fit::toString);
    }
    String slimText = Files.readString(slim);
    assertFalse(slimText.contains("\"z\": {"), "z is left out");
    assertTrue(Files.readString(full).contains("\"z\": {"), "the full file has z");
    assertTrue(slimText.contains("\"pi\": {") && slimText.contains("\"mu, Lambda\": {"), slimText);
    assertTrue(Files.size(slim) * 5 < Files.size(full), Files.size(slim) + " against " + Files.size(full));
    Path rows = tmp.resolve("new.csv");
    Files.write(rows, Files.readAllLines(Launcher.root().resolve("examples/data/gaussian-mixture.csv")).subList(0, 11));
    Run a = Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", full.toString(), "--data",
        rows.toString(), "--format", "csv");
    Run b = Launcher.vmodel("predict", "examples/gaussian-mixture.vmodel", "--posterior", slim.toString(), "--data",
        rows.toString(), "--format", "csv");
    assertEquals(0, b.exitCode(), b::toString);
    assertEquals(a.stdout(), b.stdout());
    assertEquals(11, a.stdout().lines().count());
    Run alone = Launcher.vmodel("fit", "examples/gaussian-mixture.vmodel", "--no-locals");
    assertEquals(2, alone.exitCode(), alone::toString);
    assertTrue(alone.stderr().contains("--no-locals leaves the rows' local factors out of --out: give --out FILE too"),
        alone::toString);
  }
}
