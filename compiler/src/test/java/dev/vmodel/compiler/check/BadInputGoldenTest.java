package dev.vmodel.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input suite, stanc3-style: every compiler/src/test/resources/bad/NAME.vmodel is
 * checked and the full list of its diagnostics (severity, code, line, column, message, in
 * source order) must equal NAME.expected, one diagnostic per line:
 *
 * <pre>
 * error E010 4:28 undeclared name 'b'
 * </pre>
 *
 * <p>The expectation files are written by hand from the model and the message conventions,
 * never generated from the tool's output: a difference is a question of who is right.
 */
class BadInputGoldenTest {
  private static final Path DIR = GoldenFiles.resourceDir("bad");
  /** Codes reported after the front end (lowering and conjugacy, driver.Compiler.plan). */
  private static final java.util.Set<String> LATER_STAGES = java.util.Set.of("E045", "E100", "E101");

  static Stream<String> cases() {
    return GoldenFiles.models(DIR).stream().map(p -> p.getFileName().toString().replaceFirst("\\.vmodel$", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void diagnosticsMatchExpectation(String name) {
    Path model = DIR.resolve(name + ".vmodel");
    Path expectedFile = DIR.resolve(name + ".expected");
    assertTrue(Files.exists(expectedFile), "missing expectation " + expectedFile);

    SourceFile source = new SourceFile(name + ".vmodel", GoldenFiles.read(model));
    Frontend.Result result = Frontend.check(source);
    List<String> actual = result.diagnostics().stream().map(GoldenFiles::golden).toList();
    List<String> expected = GoldenFiles.lines(GoldenFiles.read(expectedFile));

    if (!actual.equals(expected)) {
      fail(name + ".vmodel: diagnostics differ from " + name + ".expected"
          + " (- expected but not reported, + reported but not expected)\n"
          + GoldenFiles.diff(expected, actual)
          + "\nas the compiler prints them:\n"
          + new DiagnosticRenderer(Map.of(source.path(), source)).renderAll(result.diagnostics()));
    }
    // A bad input is bad: it has errors and yields no checked model. The warn-* cases are the
    // exception by design: a warning alone does not stop compilation.
    if (name.startsWith("warn-")) {
      assertTrue(!result.hasErrors() && !result.diagnostics().isEmpty(), name + ": warnings and no error expected");
      assertEquals(result.unit().models().size(), result.models().size(), name + ": a warning keeps the model");
    } else {
      assertTrue(result.hasErrors(), name + ".vmodel must have errors");
      assertTrue(result.models().isEmpty(), name + ".vmodel must yield no checked model");
    }
  }

  @Test
  void everyExpectationHasItsModel() {
    List<String> orphans = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      files.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".expected"))
          .filter(f -> !Files.exists(DIR.resolve(f.replaceFirst("\\.expected$", ".vmodel"))))
          .forEach(orphans::add);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEquals(List.of(), orphans, "expectation files without a model");
  }

  @Test
  void theSuiteCoversEveryErrorClass() {
    List<String> names = cases().toList();
    assertTrue(names.size() >= 45, "at least 45 bad-input cases, found " + names.size());
    // Every diagnostic code the front end can report is expected somewhere in the suite.
    String all = String.join("\n", names.stream()
        .map(n -> GoldenFiles.read(DIR.resolve(n + ".expected"))).toList());
    List<String> missing = new ArrayList<>();
    for (dev.vmodel.compiler.diag.Code code : dev.vmodel.compiler.diag.Code.values()) {
      if (!LATER_STAGES.contains(code.id()) && !all.contains(" " + code.id() + " ")) {
        missing.add(code.id() + " " + code.title());
      }
    }
    assertEquals(List.of(), missing, "front-end codes no bad-input case expects");
  }
}
