package dev.vmodel.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Frontend;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The random model generator is fit for property tests: at least 95% of its models pass the
 * checker, none makes the front end throw, its models use every tricky name, and a model is a
 * function of its seed.
 */
class RandomModelsTest {
  private static final int MODELS = 1_000;

  @Test
  void almostEveryRandomModelIsAcceptedAndNoneBreaksTheFrontEnd() {
    int accepted = 0;
    List<String> rejected = new ArrayList<>();
    for (long seed = 0; seed < MODELS; seed++) {
      String text = RandomModels.generate(seed);
      SourceFile source = new SourceFile("random-" + seed + ".vmodel", text);
      Frontend.Result r;
      try {
        r = Frontend.check(source);
      } catch (RuntimeException | StackOverflowError e) {
        fail("seed " + seed + ": the front end threw " + e + " on\n" + text);
        return;
      }
      if (!r.hasErrors() && r.models().size() == 1) {
        accepted++;
      } else if (rejected.size() < 3) {
        rejected.add("seed " + seed + ":\n" + text
            + new DiagnosticRenderer(Map.of(source.path(), source)).renderAll(r.diagnostics()));
      }
    }
    assertTrue(accepted >= MODELS * 95 / 100,
        accepted + " of " + MODELS + " random models accepted; some rejected:\n" + String.join("\n", rejected));
  }

  @Test
  void theModelsUseEveryTrickyName() {
    Set<String> used = new HashSet<>();
    for (long seed = 0; seed < MODELS; seed++) {
      for (String word : RandomModels.generate(seed).split("[^A-Za-z_0-9]+")) {
        used.add(word);
      }
    }
    List<String> unused = RandomModels.names().stream().filter(n -> !used.contains(n)).toList();
    assertEquals(List.of(), unused, "names no random model uses");
  }

  @Test
  void aModelIsAFunctionOfItsSeed() {
    assertEquals(RandomModels.generate(42), RandomModels.generate(42));
    assertTrue(!RandomModels.generate(1).equals(RandomModels.generate(2)));
  }
}
