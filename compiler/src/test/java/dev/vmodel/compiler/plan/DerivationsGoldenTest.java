package dev.vmodel.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/derivations/NAME.md is the Markdown explanation of examples/NAME.vmodel, exactly what
 * `vmodel explain --format markdown examples/NAME.vmodel` prints. This test regenerates every one
 * in memory and fails if a checked-in file is missing or stale. Run with
 * {@code -Dvmodel.updateGolden=true} to rewrite them (then review the diff: it is the change in
 * the derived updates).
 */
class DerivationsGoldenTest {
  private static final boolean UPDATE = Boolean.getBoolean("vmodel.updateGolden");
  /** Hand-written files in docs/derivations that are not generated from an example. */
  private static final Set<String> HAND_WRITTEN = Set.of("README.md", "gaussian-mixture-vs-prml.md");

  /** The repository root: the parent of the compiler module Maven runs the tests in. */
  static Path root() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("examples")) && Files.isDirectory(p.resolve("compiler"))) {
        return p;
      }
    }
    throw new IllegalStateException("repository root (with examples/ and compiler/) not found above " + here);
  }

  static Stream<String> examples() {
    try (Stream<Path> files = Files.list(root().resolve("examples"))) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".vmodel"))
          .map(n -> n.substring(0, n.length() - ".vmodel".length()))
          .sorted()
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Markdown explanation of one file: every model's plan, as `vmodel explain` joins them. */
  static String explain(Path model) throws IOException {
    String rel = root().relativize(model).toString().replace('\\', '/');
    SourceFile source = new SourceFile(rel, Files.readString(model, StandardCharsets.UTF_8));
    Compiler.Result result = Compiler.plan(source);
    if (result.hasErrors()) {
      fail(rel + " does not compile:\n"
          + new DiagnosticRenderer(Map.of(source.path(), source)).renderAll(result.diagnostics()));
    }
    assertFalse(result.plans().isEmpty(), rel + " has no model");
    StringBuilder out = new StringBuilder();
    for (UpdatePlan plan : result.plans()) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append(PlanPrinter.markdown(plan));
    }
    return out.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void derivationIsUpToDate(String name) throws IOException {
    Path root = root();
    String generated = explain(root.resolve("examples").resolve(name + ".vmodel"));
    Path doc = root.resolve("docs").resolve("derivations").resolve(name + ".md");
    if (UPDATE) {
      Files.createDirectories(doc.getParent());
      if (!Files.exists(doc) || !Files.readString(doc, StandardCharsets.UTF_8).equals(generated)) {
        Files.writeString(doc, generated, StandardCharsets.UTF_8);
      }
      return;
    }
    assertTrue(Files.exists(doc), "missing " + root.relativize(doc)
        + "; run `mvn -pl compiler test -Dtest=DerivationsGoldenTest -Dvmodel.updateGolden=true`");
    String checkedIn = Files.readString(doc, StandardCharsets.UTF_8);
    if (!checkedIn.equals(generated)) {
      fail(root.relativize(doc) + " is stale: the derived updates of examples/" + name + ".vmodel changed."
          + " Review the change and regenerate with"
          + " `mvn -pl compiler test -Dtest=DerivationsGoldenTest -Dvmodel.updateGolden=true`.\n"
          + firstDifference(checkedIn, generated));
    }
  }

  @Test
  void everyDerivationHasItsExample() throws IOException {
    Path dir = root().resolve("docs").resolve("derivations");
    List<String> examples = examples().toList();
    List<String> orphans = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".md") && !HAND_WRITTEN.contains(n))
          .filter(n -> !examples.contains(n.substring(0, n.length() - 3)))
          .forEach(orphans::add);
    }
    assertEquals(List.of(), orphans, "docs/derivations files without an example (delete them, or list them as"
        + " hand-written in " + DerivationsGoldenTest.class.getSimpleName() + ")");
    for (String h : HAND_WRITTEN) {
      assertTrue(Files.exists(dir.resolve(h)), "missing docs/derivations/" + h);
    }
  }

  private static String firstDifference(String expected, String actual) {
    List<String> e = expected.lines().toList();
    List<String> a = actual.lines().toList();
    for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
      String x = i < e.size() ? e.get(i) : "<end of file>";
      String y = i < a.size() ? a.get(i) : "<end of file>";
      if (!x.equals(y)) {
        return "first difference at line " + (i + 1) + ":\n  checked in: " + x + "\n  generated:  " + y;
      }
    }
    return "the files differ in line endings or a final newline";
  }
}
