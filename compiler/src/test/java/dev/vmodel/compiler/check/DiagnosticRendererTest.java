package dev.vmodel.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.Severity;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.diag.Span;
import dev.vmodel.compiler.driver.Frontend;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The printed form of a diagnostic: `path:line:col: error[E020]: message`, the source line
 * with its number, a caret under the span as wide as the span, and `= hint:`.
 */
class DiagnosticRendererTest {
  private static String render(SourceFile src, Diagnostic d) {
    return new DiagnosticRenderer(Map.of(src.path(), src)).render(d);
  }

  @Test
  void rendersAReportedErrorWithCaretAndHint() {
    SourceFile src = new SourceFile("models/coin.vmodel", String.join("\n",
        "model Coin {",
        "  size N;",
        "  latent p: real ~ Beta(1, 1);",
        "  data y[n in N]: bool ~ Bernoulli(p);",
        "}",
        ""));
    List<Diagnostic> diagnostics = Frontend.check(src).diagnostics();
    assertEquals(1, diagnostics.size(), diagnostics.toString());
    assertEquals(
        "models/coin.vmodel:3:13: error[E020]: 'p' is declared real, but the support of Beta is unit\n"
            + "   3 |   latent p: real ~ Beta(1, 1);\n"
            + "     |             ^^^^\n"
            + "     = hint: declare it as `p: unit`, or choose a distribution over real\n",
        render(src, diagnostics.get(0)));
  }

  @Test
  void caretIsAsWideAsTheSpan() {
    SourceFile src = new SourceFile("w.vmodel", "model M {\n  data y[n in N]: real ~ Normal(dot(w * x, x), 1);\n}\n");
    // `w * x` spans columns 37..41.
    Diagnostic d = new Diagnostic(Severity.ERROR, Code.OPERAND_SHAPES, new Span("w.vmodel", 2, 37, 2, 41),
        "'*' cannot multiply two vectors (vector[D] and vector[D])", Optional.of("for the inner product write dot(a, b)"));
    assertEquals(
        "w.vmodel:2:37: error[E031]: '*' cannot multiply two vectors (vector[D] and vector[D])\n"
            + "   2 |   data y[n in N]: real ~ Normal(dot(w * x, x), 1);\n"
            + "     |                                     ^^^^^\n"
            + "     = hint: for the inner product write dot(a, b)\n",
        render(src, d));
  }

  @Test
  void warningWithoutHintHasNoHintLine() {
    SourceFile src = new SourceFile("g.vmodel", "model M {\n  group (mu);\n}\n");
    Diagnostic d = new Diagnostic(Severity.WARNING, Code.SINGLE_GROUP, new Span("g.vmodel", 2, 3, 2, 13),
        "group (mu) has one member; every latent is its own factor already", Optional.empty());
    assertEquals(
        "g.vmodel:2:3: warning[W003]: group (mu) has one member; every latent is its own factor already\n"
            + "   2 |   group (mu);\n"
            + "     |   ^^^^^^^^^^^\n",
        render(src, d));
  }

  @Test
  void tabsAreExpandedInTheLineAndTheCaretStaysUnderTheSpan() {
    SourceFile src = new SourceFile("t.vmodel", "model M {\n\tlatent p: real;\n}\n");
    Diagnostic d = new Diagnostic(Severity.ERROR, Code.NO_PRIOR, new Span("t.vmodel", 2, 9, 2, 9),
        "latent 'p' has no distribution", Optional.empty());
    assertEquals(
        "t.vmodel:2:9: error[E080]: latent 'p' has no distribution\n"
            + "   2 |     latent p: real;\n"
            + "     |            ^\n",
        render(src, d));
  }

  @Test
  void wideLineNumbersWidenTheGutter() {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i < 12345; i++) {
      text.append("// line ").append(i).append('\n');
    }
    text.append("size N;\n");
    SourceFile src = new SourceFile("long.vmodel", text.toString());
    Diagnostic d = new Diagnostic(Severity.ERROR, Code.SYNTAX, new Span("long.vmodel", 12345, 1, 12345, 4),
        "expected keyword 'model', found keyword 'size'", Optional.empty());
    assertEquals(
        "long.vmodel:12345:1: error[E001]: expected keyword 'model', found keyword 'size'\n"
            + " 12345 | size N;\n"
            + "       | ^^^^\n",
        render(src, d));
  }

  @Test
  void aSpanOverSeveralLinesIsUnderlinedToTheEndOfItsFirstLine() {
    SourceFile src = new SourceFile("m.vmodel", "model M {\n  latent p: unit ~ Beta(1,\n    1);\n}\n");
    Diagnostic d = new Diagnostic(Severity.ERROR, Code.ARGUMENT_COUNT, new Span("m.vmodel", 2, 20, 3, 6),
        "Beta takes 2 arguments (a, b), found 3", Optional.of("write Beta(a, b)"));
    assertEquals(
        "m.vmodel:2:20: error[E021]: Beta takes 2 arguments (a, b), found 3\n"
            + "   2 |   latent p: unit ~ Beta(1,\n"
            + "     |                    ^^^^^^^\n"
            + "     = hint: write Beta(a, b)\n",
        render(src, d));
  }

  @Test
  void anErrorAtTheEndOfFileIsShownOnTheEmptyLastLine() {
    SourceFile src = new SourceFile("e.vmodel", "model M {\n  size N;\n");
    List<Diagnostic> diagnostics = Frontend.check(src).diagnostics();
    assertEquals(1, diagnostics.size(), diagnostics.toString());
    assertEquals(
        "e.vmodel:3:1: error[E001]: expected a declaration (size, hyper, data, latent or group) or '}', found end of file\n"
            + "   3 | \n"
            + "     | ^\n",
        render(src, diagnostics.get(0)));
  }

  @Test
  void aDiagnosticOfAnotherFileIsPrintedWithoutSource() {
    SourceFile src = new SourceFile("a.vmodel", "model A {}\n");
    Diagnostic d = new Diagnostic(Severity.ERROR, Code.NO_MODEL, new Span("b.vmodel", 1, 1, 1, 1),
        "this file declares no model", Optional.of("a file holds one or more `model Name { ... }` blocks"));
    assertEquals(
        "b.vmodel:1:1: error[E004]: this file declares no model\n"
            + "    = hint: a file holds one or more `model Name { ... }` blocks\n",
        render(src, d));
  }
}
