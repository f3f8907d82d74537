package dev.vmodel.cli.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a model's data arrays in data files: column names, conversion, and located errors. */
class DataBinderTest {
  /** x is vector rows, c a count covariate, y real observations. */
  private static final String MODEL = """
      model M {
        size N, D;
        data c[n in N]: count;
        latent mu: vector[D] ~ MultiNormal(rep(0, D), identity(D));
        latent w: real ~ Normal(0, 1);
        data x[n in N]: vector[D] ~ MultiNormal(mu, identity(D));
        data y[n in N]: real ~ Normal(c[n] * w, 1);
      }
      """;

  @TempDir Path tmp;

  private static GeneratedApi api() {
    Compiler.Result r = Compiler.plan(new SourceFile("m.vmodel", MODEL));
    assertFalse(r.hasErrors(), r.diagnostics()::toString);
    return GeneratedApi.of(r.plans().get(0), Optional.empty());
  }

  private Table table(String name, String text) throws IOException, DataError {
    Path f = tmp.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return DataFiles.read(f, DataBinder.columnsOf(api()));
  }

  private Map<String, Object> bind(Table... tables) throws DataError {
    return new DataBinder(api()).arrays(List.of(tables), Map.of());
  }

  private String error(Table... tables) {
    return assertThrows(DataError.class, () -> bind(tables)).render();
  }

  @Test
  void onlyColumnsOfDataArraysAreWanted() {
    Predicate<String> wanted = DataBinder.columnsOf(api());
    for (String c : List.of("c", "y", "x[0]", "x_1", "x2", "x[10]")) {
      assertTrue(wanted.test(c), c);
    }
    for (String c : List.of("name", "mu", "x", "x[", "x[a]", "xs", "c[0]x", "yy")) {
      assertFalse(wanted.test(c) && !c.equals("x"), c);
    }
    assertTrue(wanted.test("x"), "a JSON key x holds the rows of x");
  }

  @Test
  void bindsEveryStyleOfColumnName() throws Exception {
    for (String header : List.of("x[0],x[1]", "x_0,x_1", "x0,x1", "x[1],x[0]")) {
      Map<String, Object> a = bind(table("d.csv", "name,c,y," + header + "\nann,1,0.5,1,2\nbob,2,1.5,3,4\n"));
      double[][] x = (double[][]) a.get("x");
      assertEquals(2, x.length);
      double[] expected = header.startsWith("x[1]") ? new double[] {2, 1} : new double[] {1, 2};
      assertArrayEquals(expected, x[0], header);
      assertArrayEquals(new int[] {1, 2}, (int[]) a.get("c"));
    }
  }

  @Test
  void aGapOrAMixOfNamesIsAnError() throws Exception {
    Table gap = table("gap.csv", "c,y,x[0],x[2]\n1,1,1,2\n");
    assertEquals(gap.file() + ":1: error: data 'x' has columns x[0], x[2] but no 'x[1]'; the columns of a vector"
        + " are numbered 0, 1, 2, ... without a gap", error(gap));
    Table mix = table("mix.csv", "c,y,x[0],x_1\n1,1,1,2\n");
    assertEquals(mix.file() + ":1: error: the columns of data 'x' are named in two ways, 'x[0]' and 'x_1'; name"
        + " them all alike: x[0], x[1], ... (or x_0, x_1, ..., or x0, x1, ...)", error(mix));
    Table late = table("late.csv", "c,y,x1,x2\n1,1,1,2\n");
    String lateError = error(late);
    assertTrue(lateError.contains("has columns x1, x2 but no 'x0'"), lateError);
    Table twice = table("twice.csv", "c,y,x[1],x[01]\n1,1,1,2\n");
    Table json = table("gap.json", "{\"c\": [1], \"y\": [1],\n \"x[1]\": [2]}");
    assertEquals(json.file() + ":2: error: data 'x' has columns x[1] but no 'x[0]'; the columns of a vector are"
        + " numbered 0, 1, 2, ... without a gap", error(json));
    String twiceError = error(twice);
    assertTrue(twiceError.contains("columns 'x[1]' and 'x[01]' both hold component 1 of data 'x'"), twiceError);
  }

  @Test
  void noRowsSaysSoInTheCliWords() throws Exception {
    Table t = table("h.csv", "c,y,x[0]\n");
    assertEquals(t.file() + ": error: the data file has no rows, only a header; data 'c' needs at least one value",
        error(t));
    Table j = table("h.json", "{\"c\": [], \"y\": [], \"x\": []}");
    assertEquals(j.file() + ": error: the list 'c' is empty; data 'c' needs at least one value", error(j));
  }

  @Test
  void valuesAreCheckedAgainstTheTypes() throws Exception {
    Table t = table("d.csv", "c,y,x[0]\n1,0.5,1\n2.5,1,1\n");
    assertEquals(t.file() + ":3: error: column 'c': 2.5 is not an integer (count values are whole numbers)", error(t));
    Table m = table("m.csv", "c,y,x[0]\n1,,1\n2,1,NA\n");
    Map<String, Object> a = bind(m);
    assertTrue(Double.isNaN(((double[]) a.get("y"))[0]), "a missing observed real value is NaN");
    Table cov = table("cov.json", "{\"c\": [1,\n null], \"y\": [1, 2], \"x\": [[1], [2]]}");
    assertEquals(cov.file() + ":2: error: column 'c': entry 1: is missing (an empty cell, NaN, NA or null); missing"
        + " values are allowed only in real-valued observed data and Bernoulli-logistic labels, and 'c' is a covariate",
        error(cov));
    Table big = table("big.csv", "c,y,x[0]\n3e9,1,1\n");
    assertEquals(big.file() + ":2: error: column 'c': 3.0E9 is too large for a whole number (at most 2147483647)",
        error(big));
  }

  @Test
  void generatedValidationErrorsAreLocated() throws Exception {
    Table csv = table("d.csv", "c,y,x[0],x[1]\n\n1,1,1,2\n2,1,3,4\n");
    DataBinder b = new DataBinder(api());
    b.arrays(List.of(csv), Map.of());
    assertEquals(csv.file() + ":4: error: column 'x[1]': bad", b.locate("x", 1, 1, "bad"));
    assertEquals(csv.file() + ":3: error: row is bad", b.locate("x", 0, -1, "row is bad"));
    assertEquals(csv.file() + ": error: 'c' has 2 rows", b.locate("c", -1, -1, "'c' has 2 rows"));
    Table json = table("d.json", "{\"c\": [1, 2],\n \"y\": [1,\n 2],\n \"x\": [[1, 2],\n [3, 4]]}");
    DataBinder j = new DataBinder(api());
    j.arrays(List.of(json), Map.of());
    assertEquals(json.file() + ":5: error: column 'x[0]': entry 1: bad", j.locate("x", 1, 0, "bad"));
    assertEquals(json.file() + ":3: error: column 'y': entry 1: bad", j.locate("y", 1, -1, "bad"));
  }

  @Test
  void boundColumnsAreReleased() throws Exception {
    Table t = table("d.csv", "c,y,x[0]\n1,1,1\n");
    bind(t);
    assertThrows(NullPointerException.class, () -> t.column("x[0]").get(0));
    assertEquals(1, t.rows());
    assertEquals(2, t.line("x[0]", 0));
  }
}
