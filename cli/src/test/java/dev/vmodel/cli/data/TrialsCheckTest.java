package dev.vmodel.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binomial and Multinomial observations checked against their trials, with file, line and column. */
class TrialsCheckTest {
  private static final String BETA_BINOMIAL = """
      model BetaBinomial {
        size N;
        data trials[n in N]: count;
        latent p: unit ~ Beta(1, 1);
        data y[n in N]: count ~ Binomial(trials[n], p);
      }
      """;
  private static final String DIRICHLET_MULTINOMIAL = """
      model DirichletMultinomial {
        size N, K;
        data trials[n in N]: count;
        latent p: simplex[K] ~ Dirichlet(rep(1, K));
        data counts[n in N]: vector[K] ~ Multinomial(trials[n], p);
      }
      """;
  private static final String CONSTANT_TRIALS = """
      model Ten {
        size N, K;
        latent p: simplex[K] ~ Dirichlet(rep(1, K));
        data counts[n in N]: vector[K] ~ Multinomial(10, p);
      }
      """;

  @TempDir Path tmp;

  private String error(String model, String name, String data) throws Exception {
    Compiler.Result r = Compiler.plan(new SourceFile("m.vmodel", model));
    assertFalse(r.hasErrors(), r.diagnostics()::toString);
    UpdatePlan plan = r.plans().get(0);
    GeneratedApi api = GeneratedApi.of(plan, Optional.empty());
    Path f = tmp.resolve(name);
    Files.writeString(f, data, StandardCharsets.UTF_8);
    Table t = DataFiles.read(f, DataBinder.columnsOf(api));
    DataBinder binder = new DataBinder(api, plan.graph());
    String m = assertThrows(DataError.class, () -> binder.arrays(List.of(t), Map.of())).render();
    assertFalse(m.isEmpty());
    return m.substring(f.toString().length());
  }

  @Test
  void binomialSuccessesAtMostTheTrials() throws Exception {
    assertEquals(":3: error: column 'y': 12 successes is more than the 10 trials of this row ('trials'); a Binomial"
        + " count is at most its trials", error(BETA_BINOMIAL, "b.csv", "trials,y\n5,2\n10,12\n"));
    assertEquals(":4: error: column 'y': entry 1: 4 successes is more than the 3 trials of this row ('trials'); a"
        + " Binomial count is at most its trials", error(BETA_BINOMIAL, "b.json", "{\"trials\": [3,\n 3],\n\"y\": [1,\n 4]}"));
  }

  @Test
  void multinomialCountsAreWholeNonNegativeAndAddUp() throws Exception {
    String header = "trials,counts[0],counts[1],counts[2]\n";
    assertEquals(":3: error: column 'counts[1]': 2.5 is not a count; Multinomial counts are whole numbers >= 0",
        error(DIRICHLET_MULTINOMIAL, "m.csv", header + "3,1,1,1\n5,2,2.5,0.5\n"));
    assertEquals(":2: error: column 'counts[2]': -1.0 is not a count; Multinomial counts are whole numbers >= 0",
        error(DIRICHLET_MULTINOMIAL, "m.csv", header + "3,2,2,-1\n"));
    assertEquals(":4: error: the counts counts[0] ... counts[2] add up to 12, but the trials of this row ('trials')"
        + " are 13; Multinomial counts add up to their trials",
        error(DIRICHLET_MULTINOMIAL, "m.csv", header + "3,1,1,1\n\n13,4,4,4\n"));
    assertEquals(":2: error: column 'counts[0]': is missing; Multinomial counts cannot be missing",
        error(DIRICHLET_MULTINOMIAL, "m.csv", header + "3,,2,1\n"));
    assertEquals(":2: error: the counts counts_0 ... counts_1 add up to 9, but the trials of this row (the trials) are"
        + " 10; Multinomial counts add up to their trials",
        error(CONSTANT_TRIALS, "c.csv", "counts_0,counts_1\n5,4\n"));
  }
}
