package dev.vmodel.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Frontend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/errors.md stays true: it has a section for every {@link Code}, and the printed output
 * shown for each front-end example is what the front end prints for it today.
 */
class ErrorsCatalogueTest {
  private static final Path CATALOGUE = Path.of("..", "docs", "errors.md");
  /** Reported after the front end (driver.Compiler.plan): their outputs are not re-run here. */
  private static final Set<String> LATER_STAGES = Set.of("E045", "E100", "E101");
  private static final Pattern SECTION = Pattern.compile(
      "(?m)^## ([EW]\\d{3})\\n.*?^```\\n(.*?)^```\\n\\n```text\\n(.*?)^```\\n", Pattern.DOTALL);

  private record Entry(String code, String source, String printed) {}

  private static Map<String, Entry> entries() {
    Map<String, Entry> out = new LinkedHashMap<>();
    Matcher m = SECTION.matcher(GoldenFiles.read(CATALOGUE));
    while (m.find()) {
      out.put(m.group(1), new Entry(m.group(1), m.group(2), m.group(3)));
    }
    return out;
  }

  @Test
  void everyCodeHasASection() {
    Map<String, Entry> entries = entries();
    List<String> missing = new ArrayList<>();
    for (Code c : Code.values()) {
      if (!entries.containsKey(c.id())) {
        missing.add(c.id() + " " + c.title());
      }
    }
    assertEquals(List.of(), missing, "codes without a section (## Exxx, example, ```text output) in " + CATALOGUE);
  }

  static Stream<String> frontEndCodes() {
    return entries().keySet().stream().filter(c -> !LATER_STAGES.contains(c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frontEndCodes")
  void theExampleStillPrintsWhatTheCatalogueShows(String code) {
    Entry e = entries().get(code);
    SourceFile src = new SourceFile("example.vmodel", e.source());
    Frontend.Result result = Frontend.check(src);
    String printed = new DiagnosticRenderer(Map.of(src.path(), src)).renderAll(result.diagnostics());
    assertEquals(e.printed(), printed, "docs/errors.md, section " + code);
    assertTrue(result.diagnostics().stream().anyMatch(d -> d.code().id().equals(code)),
        "the example of " + code + " does not report " + code);
  }
}
