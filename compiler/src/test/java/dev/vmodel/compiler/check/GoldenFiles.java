package dev.vmodel.compiler.check;

import dev.vmodel.compiler.diag.Diagnostic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shared helpers of the front-end tests: locating test models and printing diagnostics. */
final class GoldenFiles {
  private GoldenFiles() {}

  /**
   * A test-resource folder (`bad`, `good`): from the test classpath, or, when the tests run
   * without copied resources (some IDEs), from the source folder relative to compiler/.
   */
  static Path resourceDir(String name) {
    URL url = GoldenFiles.class.getResource("/" + name);
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

  /** The `.vmodel` files directly in a folder, sorted by name. */
  static List<Path> models(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".vmodel")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** `error E010 4:28 undeclared name 'b'`: the golden-file form of a diagnostic. */
  static String golden(Diagnostic d) {
    return d.severity().label() + " " + d.code().id() + " " + d.span().position() + " " + d.message();
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The non-empty lines of an expectation file. */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\r?\n", -1)) {
      if (!line.isBlank()) {
        out.add(line.stripTrailing());
      }
    }
    return out;
  }

  /**
   * A line diff of two lists (longest common subsequence): unchanged lines indented, missing
   * lines prefixed `- ` (expected, not reported), extra lines `+ ` (reported, not expected).
   */
  static String diff(List<String> expected, List<String> actual) {
    int n = expected.size();
    int m = actual.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = expected.get(i).equals(actual.get(j))
            ? lcs[i + 1][j + 1] + 1
            : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
        out.append("    ").append(expected.get(i)).append('\n');
        i++;
        j++;
      } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        out.append("  + ").append(actual.get(j)).append('\n');
        j++;
      } else {
        out.append("  - ").append(expected.get(i)).append('\n');
        i++;
      }
    }
    return out.toString();
  }
}
