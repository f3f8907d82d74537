package dev.vmodel.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Frontend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bundled example (examples/*.vmodel at the repository root; the tests run in
 * compiler/) and every model in compiler/src/test/resources/good checks with no error and no
 * warning, and yields one checked model per model block.
 */
class GoodInputTest {
  /** The repository's examples folder, relative to the compiler module. */
  static final Path EXAMPLES = Path.of("..", "examples");

  static Stream<Path> inputs() {
    assertTrue(Files.isDirectory(EXAMPLES), "examples folder not found at " + EXAMPLES.toAbsolutePath());
    List<Path> all = new ArrayList<>(GoldenFiles.models(EXAMPLES));
    assertFalse(all.isEmpty(), "no examples in " + EXAMPLES.toAbsolutePath());
    List<Path> good = GoldenFiles.models(GoldenFiles.resourceDir("good"));
    assertFalse(good.isEmpty(), "no models in resources/good");
    all.addAll(good);
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void checksClean(Path file) {
    SourceFile source = new SourceFile(file.toString(), GoldenFiles.read(file));
    Frontend.Result result = Frontend.check(source);
    if (!result.diagnostics().isEmpty()) {
      fail(file + " should check clean, but:\n"
          + new DiagnosticRenderer(Map.of(source.path(), source)).renderAll(result.diagnostics()));
    }
    assertEquals(result.unit().models().size(), result.models().size(), "one checked model per model block");
  }
}
