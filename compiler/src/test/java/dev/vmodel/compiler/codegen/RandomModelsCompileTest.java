package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.compiler.check.RandomModels;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's property: every random model the checker accepts (names from every Java keyword and
 * literal, `_`, the names the generated class uses; random expression depths) plans and compiles
 * to Java under {@code -Xlint:all -Werror}, with no internal error. The models of 100 seeds are
 * compiled together, each in a package of its own.
 */
class RandomModelsCompileTest {
  private static final int SEEDS = 1000;
  private static final int BATCH = 100;

  @Test
  void everyAcceptedRandomModelCompiles() {
    int compiled = 0;
    for (int from = 0; from < SEEDS; from += BATCH) {
      List<JavaFile> batch = new ArrayList<>();
      for (int seed = from; seed < from + BATCH; seed++) {
        String label = "random-" + seed + ".vmodel";
        String text = RandomModels.generate(seed);
        Compiler.Result r = Compiler.plan(new SourceFile(label, text));
        assertTrue(!r.hasErrors(), () -> label + " is rejected: " + r.diagnostics() + "\n" + text);
        List<JavaFile> java = ModelWriter.writeAll(r.plans(), Optional.of("dev.vmodel.random.m" + seed));
        assertEquals(r.plans().size(), java.size(), label);
        batch.addAll(java);
      }
      int first = from;
      ClassLoader loader = TestModels.compile(batch);
      for (JavaFile f : batch) {
        try {
          loader.loadClass(f.packageName() + "." + f.typeSpec().name());
        } catch (ClassNotFoundException e) {
          throw new AssertionError("seeds from " + first + ": " + f.typeSpec().name() + " was not compiled", e);
        }
      }
      compiled += batch.size();
    }
    assertTrue(compiled >= SEEDS, "every seed gave a model: " + compiled);
  }
}
