package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated source of every example, compared with the checked-in
 * {@code src/test/resources/golden/<Model>.java.txt}. A change to code generation shows up as a
 * diff of these files that reviewers read. To accept an intended change, run the tests with
 * {@code -Dvmodel.updateGolden=true}: they rewrite the files and pass.
 */
class GoldenSourceTest {
  static final boolean UPDATE = Boolean.getBoolean("vmodel.updateGolden");

  static List<String> examples() {
    return Examples.stems();
  }

  /** The golden folder in the source tree (not target/), where updates must go. */
  static Path goldenDir() {
    Path dir = Path.of("src", "test", "resources", "golden");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("run the tests from compiler/: " + dir.toAbsolutePath() + " not found");
    }
    return dir;
  }

  static Path golden(String modelName) {
    return goldenDir().resolve(modelName + ".java.txt");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void generatedSourceMatchesGolden(String stem) throws IOException {
    Examples.Generated g = Examples.example(stem);
    String actual = neutral(g.source());
    Path file = golden(g.plan().graph().name());
    if (UPDATE) {
      if (!Files.exists(file) || !Files.readString(file).equals(actual)) {
        Files.writeString(file, actual);
      }
      return;
    }
    if (!Files.exists(file)) {
      fail(file + " does not exist: run with -Dvmodel.updateGolden=true to create it");
    }
    String expected = Files.readString(file);
    if (!expected.equals(actual)) {
      fail("generated source of " + stem + " differs from " + file
          + " (run with -Dvmodel.updateGolden=true to accept):\n" + firstDifference(expected, actual));
    }
  }

  /**
   * The source with its {@code VMODEL_VERSION} constant's value replaced by {@code <version>}:
   * the golden files do not change with every release. (A test of the compiled class checks the
   * constant's value.)
   */
  static String neutral(String source) {
    String out = source.replaceFirst("(public static final String VMODEL_VERSION = )\"[^\"]*\";",
        "$1\"<version>\";");
    if (out.equals(source) && source.contains("VMODEL_VERSION")) {
      throw new AssertionError("VMODEL_VERSION is not a string constant of the generated class");
    }
    return out;
  }

  /** Every golden file belongs to an example: none is left behind when an example is renamed. */
  @Test
  void noStaleGoldenFiles() {
    Set<String> expected = new TreeSet<>();
    Examples.modelNames().values().forEach(n -> expected.add(n + ".java.txt"));
    Set<String> present = new TreeSet<>();
    try (Stream<Path> files = Files.list(goldenDir())) {
      files.forEach(f -> present.add(f.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (UPDATE) {
      for (String stale : present) {
        if (!expected.contains(stale)) {
          try {
            Files.delete(goldenDir().resolve(stale));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      return;
    }
    assertEquals(expected, present, "golden files and examples differ");
  }

  /** Generation is deterministic: two runs give the same text. */
  @Test
  void generationIsDeterministic() {
    Examples.Generated g = Examples.example("gaussian-mixture");
    String again = dev.vmodel.compiler.codegen.ModelWriter.write(g.plan(), java.util.Optional.of(Examples.PACKAGE))
        .toString();
    assertTrue(again.equals(g.source()), "two generations of the Gaussian mixture differ");
  }

  static String firstDifference(String expected, String actual) {
    String[] e = expected.split("\n", -1);
    String[] a = actual.split("\n", -1);
    int n = Math.min(e.length, a.length);
    int line = 0;
    while (line < n && e[line].equals(a[line])) {
      line++;
    }
    List<String> out = new ArrayList<>();
    for (int k = Math.max(0, line - 3); k < Math.min(Math.max(e.length, a.length), line + 4); k++) {
      if (k < e.length && k < a.length && e[k].equals(a[k])) {
        out.add("    " + e[k]);
      } else {
        if (k < e.length) {
          out.add("  - " + e[k]);
        }
        if (k < a.length) {
          out.add("  + " + a[k]);
        }
      }
    }
    return "first difference at line " + (line + 1) + ":\n" + String.join("\n", out);
  }
}
