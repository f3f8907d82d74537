package dev.vmodel.compiler.conjugacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The non-conjugate suite: every compiler/src/test/resources/nonconjugate/NAME.vmodel is a
 * well-typed model without a closed-form mean-field update. It is compiled with
 * {@link Compiler#plan} and the full list of its diagnostics must equal NAME.expected, in the
 * format of the front end's bad-input suite (check/BadInputGoldenTest), one per line:
 *
 * <pre>
 * error E100 8:35 q(w): the rate of Poisson in 'y', 'exp(dot(w, X[n]))', is exp(...) of a latent, ...
 * </pre>
 *
 * <p>The expectations are written by hand from the model and the analyzer's message
 * conventions, never generated from its output. Lines starting with `#` are comments. An
 * expectation file whose first line is `# xfail: reason` records a case where the compiler is
 * known to be wrong and the file holds what it should say: the case is reported as skipped
 * while the output differs, and fails once the compiler says exactly that (remove the line).
 */
class NonConjugateGoldenTest {
  private static final Path DIR = resourceDir("nonconjugate");

  static Stream<String> cases() {
    return models().stream().map(p -> p.getFileName().toString().replaceFirst("\\.vmodel$", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void diagnosticsMatchExpectation(String name) {
    Path model = DIR.resolve(name + ".vmodel");
    Path expectedFile = DIR.resolve(name + ".expected");
    assertTrue(Files.exists(expectedFile), "missing expectation " + expectedFile);

    SourceFile source = new SourceFile(name + ".vmodel", read(model));
    Compiler.Result result = Compiler.plan(source);
    List<String> actual = result.diagnostics().stream().map(NonConjugateGoldenTest::golden).toList();
    String expectedText = read(expectedFile);
    List<String> expected = lines(expectedText);
    String xfail = expectedText.startsWith("# xfail:") ? expectedText.lines().findFirst().orElseThrow() : null;

    if (xfail != null) {
      if (actual.equals(expected)) {
        fail(name + ".expected is marked xfail, but the compiler now says exactly what it expects:"
            + " remove the '# xfail' line");
      }
      Assumptions.abort(name + ": known compiler problem (" + xfail.substring(2) + ")\n" + diff(expected, actual));
    }
    if (!actual.equals(expected)) {
      fail(name + ".vmodel: diagnostics differ from " + name + ".expected"
          + " (- expected but not reported, + reported but not expected)\n"
          + diff(expected, actual)
          + "\nas the compiler prints them:\n"
          + new DiagnosticRenderer(Map.of(source.path(), source)).renderAll(result.diagnostics()));
    }
    assertTrue(result.plans().isEmpty(), "a model with errors must not yield an update plan");
  }

  @Test
  void everyExpectationHasItsModel() {
    List<String> orphans = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      files.map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".expected"))
          .filter(f -> !Files.exists(DIR.resolve(f.replaceFirst("\\.expected$", ".vmodel"))))
          .forEach(orphans::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(List.of(), orphans, "expectation files without a model");
  }

  @Test
  void theSuiteCoversBothConjugacyCodes() {
    List<String> names = cases().toList();
    assertTrue(names.size() >= 12, "at least 12 non-conjugate cases, found " + names.size());
    String all = String.join("\n", names.stream().map(n -> read(DIR.resolve(n + ".expected"))).toList());
    assertTrue(all.contains(" E100 "), "no case expects E100");
    assertTrue(all.contains(" E101 "), "no case expects E101");
  }

  // ---------------------------------------------------------------------------------------------
  // The golden format and comparison of check/GoldenFiles (package-private there).

  /** `error E100 4:28 message`: the golden-file form of a diagnostic. */
  static String golden(Diagnostic d) {
    return d.severity().label() + " " + d.code().id() + " " + d.span().position() + " " + d.message();
  }

  /** The lines of an expectation file that are neither blank nor comments. */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\r?\n", -1)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(line.stripTrailing());
      }
    }
    return out;
  }

  /** A line diff (longest common subsequence): `- ` expected, not reported; `+ ` reported, not expected. */
  static String diff(List<String> expected, List<String> actual) {
    int n = expected.size();
    int m = actual.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = expected.get(i).equals(actual.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
        out.append("    ").append(expected.get(i++)).append('\n');
        j++;
      } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        out.append("  + ").append(actual.get(j++)).append('\n');
      } else {
        out.append("  - ").append(expected.get(i++)).append('\n');
      }
    }
    return out.toString();
  }

  static Path resourceDir(String name) {
    URL url = NonConjugateGoldenTest.class.getResource("/" + name);
    if (url != null && url.getProtocol().equals("file")) {
      try {
        return Path.of(url.toURI());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    Path source = Path.of("src", "test", "resources", name);
    if (Files.isDirectory(source)) {
      return source;
    }
    throw new IllegalStateException("test resources '" + name + "' not found on the classpath or in " + source);
  }

  private static List<Path> models() {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".vmodel")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
