package dev.vmodel.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.driver.Frontend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inputs at and past the front end's stated limits (issue 13): deep expressions stop at
 * E006 before any recursive walk, long hyper chains check without recursion, the hyper count
 * is limited with E055, checking time is linear in the number of declarations, and every line
 * ending convention gives the same line numbers.
 */
class FrontEndLimitsTest {
  private static final String HEAD = "model Deep {\n  size N;\n  hyper h = ";
  private static final String TAIL = ";\n  latent mu: real ~ Normal(h, 1);\n  data y[n in N]: real ~ Normal(mu, 1);\n}\n";

  private static List<String> codes(Frontend.Result r) {
    return r.diagnostics().stream().map(d -> d.code().id() + " " + d.span().position()).toList();
  }

  @Test
  void deepExpressionsStopAtTheStatedLimitWithALocatedError() {
    // 5,000 chained '+', 50,000 nested unary minus, 100,000 parentheses: each overflowed the
    // stack of the parser, the AST builder or the checker before the limit.
    String sum = "1" + " + 1".repeat(4_999);
    String minus = "-".repeat(50_000) + "1";
    String parens = "(".repeat(100_000) + "1" + ")".repeat(100_000);
    for (String deep : List.of(sum, minus, parens)) {
      Compiler.Result r = Compiler.plan(new SourceFile("deep.vmodel", HEAD + deep + TAIL));
      List<String> codes = codes(r.frontend());
      assertEquals(1, codes.size(), codes.toString());
      assertTrue(codes.get(0).startsWith("E006 3:"), codes.toString());
      assertTrue(r.plans().isEmpty());
    }
    // The 201st level is the one reported.
    Frontend.Result r = Frontend.check(new SourceFile("deep.vmodel", HEAD + sum + TAIL));
    int column = "  hyper h = 1 ".length() + 1 + " + 1".length() * 200; // the 201st '+'

    assertEquals(List.of("E006 3:" + column), codes(r));
  }

  @Test
  void brokenInputCannotHideItsDepthFromTheLimit() {
    // The parser's recovery deletes a stray token and goes on, so `- ; - ; ...` is one chain
    // of unary minus to it, and `size` or ';' between brackets does not close them.
    List<String> broken = List.of(
        "((((( size ".repeat(3_000),
        "((((( ; ".repeat(3_000),
        "- - - ; ".repeat(3_000),
        "1 - ; - 1 - ; - 1".repeat(1_000),
        "( - ) ".repeat(3_000));
    for (String b : broken) {
      Frontend.Result r = Frontend.check(new SourceFile("broken.vmodel", HEAD + b + TAIL));
      assertTrue(r.hasErrors());
      assertTrue(r.diagnostics().stream().anyMatch(d -> d.code().id().equals("E006")),
          b.substring(0, 12) + "...: " + codes(r).subList(0, Math.min(5, codes(r).size())));
    }
  }

  @Test
  void expressionsJustUnderTheLimitGoThroughEveryStage() {
    String sum = "1" + " + 1".repeat(150);
    String parens = "(".repeat(199) + "1" + ")".repeat(199);
    String minus = "-".repeat(100) + "1";
    for (String deep : List.of(sum, parens, minus)) {
      Compiler.Result r = Compiler.plan(new SourceFile("deep.vmodel", HEAD + deep + TAIL));
      assertFalse(r.hasErrors(), r.diagnostics().toString());
      assertEquals(1, r.plans().size());
    }
  }

  private static String hyperChain(int n) {
    StringBuilder b = new StringBuilder("model Chain {\n  size N;\n  hyper h0 = 1.0;\n");
    for (int i = 1; i < n; i++) {
      b.append("  hyper h").append(i).append(" = h").append(i - 1).append(" + 1;\n");
    }
    b.append("  latent mu: real ~ Normal(h").append(n - 1).append(", 1);\n");
    b.append("  data y[n in N]: real ~ Normal(mu, 1);\n}\n");
    return b.toString();
  }

  @Test
  void aChainOfTenThousandHypersChecksWithoutRecursionAndStopsAtTheHyperLimit() {
    Frontend.Result r = Frontend.check(new SourceFile("chain.vmodel", hyperChain(10_000)));
    // hyper h1000 (the 1,001st) is on line 3 + 1000.
    assertEquals(List.of("E055 1003:9"), codes(r));
    assertTrue(r.diagnostics().get(0).message().contains("more than 1,000"), r.diagnostics().get(0).message());
  }

  @Test
  void aChainOfAThousandHypersIsPlanned() {
    Compiler.Result r = Compiler.plan(new SourceFile("chain.vmodel", hyperChain(1_000)));
    assertFalse(r.hasErrors(), r.diagnostics().toString());
    assertEquals(1, r.plans().size());
  }

  @Test
  void reverseOrderedChainsAndCyclesAreFoundWithoutRecursion() {
    // Declared last-first: each hyper refers to one declared below it, and the last closes a cycle.
    StringBuilder b = new StringBuilder("model Back {\n  size N;\n");
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      b.append("  hyper h").append(i).append(" = h").append((i + 1) % n).append(" + 1;\n");
    }
    b.append("  latent mu: real ~ Normal(h0, 1);\n  data y[n in N]: real ~ Normal(mu, 1);\n}\n");
    Frontend.Result r = Frontend.check(new SourceFile("back.vmodel", b.toString()));
    assertEquals(List.of("E060 3:14", "E055 1003:9"), codes(r));
  }

  @Test
  void tenThousandDeclarationsCheckInAFewSeconds() {
    // Checking was quadratic (a second, quiet run of the whole checker, and a graph search from
    // every declaration): 4,000 declarations took 106 s. 1 size, 1,000 hypers, 4,500 latents
    // and 4,499 data arrays.
    StringBuilder b = new StringBuilder("model Many {\n  size N;\n");
    for (int i = 0; i < 1_000; i++) {
      b.append("  hyper a").append(i).append(" = ").append(i % 7 + 1).append(".5;\n");
    }
    for (int i = 0; i < 4_500; i++) {
      b.append("  latent m").append(i).append(": real ~ Normal(").append(i == 0 ? "0" : "m" + (i - 1))
          .append(", a").append(i % 1_000).append(");\n");
      if (i < 4_499) {
        b.append("  data y").append(i).append("[n in N]: real ~ Normal(m").append(i).append(", 1);\n");
      }
    }
    b.append("  data last[n in N]: real ~ Normal(m4499, 1);\n}\n");
    SourceFile source = new SourceFile("many.vmodel", b.toString());
    long start = System.nanoTime();
    Frontend.Result r = Frontend.check(source);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(r.diagnostics().isEmpty(),
        new DiagnosticRenderer(Map.of(source.path(), source)).renderAll(r.diagnostics()));
    assertEquals(10_001, r.models().get(0).hypers().size() + r.models().get(0).variables().size() + 1);
    assertTrue(seconds < 20, "10^4 declarations took " + seconds + " s to check");
  }

  @Test
  void aLargeBrokenFileIsReportedInLinearTime() {
    // 10^4 declarations, half of them without their ';', all with an undeclared name: the
    // "did you mean" search over every declared name and the filter of findings inside broken
    // declarations took 216 s together.
    StringBuilder b = new StringBuilder("model Broken {\n  size N;\n");
    for (int i = 0; i < 5_000; i++) {
      b.append("  latent m").append(i).append(": real ~ Normal(undeclared").append(i).append(", 1)\n");
      b.append("  hyper h").append(i).append(" = nothere").append(i).append(";\n");
    }
    b.append("  data y[n in N]: real ~ Normal(m0, 1);\n}\n");
    long start = System.nanoTime();
    Frontend.Result r = Frontend.check(new SourceFile("broken.vmodel", b.toString()));
    double seconds = (System.nanoTime() - start) / 1e9;
    // Each broken latent: its E010 and the missing ';' (reported past its end); each hyper: E010.
    assertEquals(5_000, r.diagnostics().stream().filter(d -> d.code().id().equals("E001")).count());
    assertEquals(10_000, r.diagnostics().stream().filter(d -> d.code().id().equals("E010")).count());
    assertTrue(seconds < 30, "a broken file of 10^4 declarations took " + seconds + " s to check");
  }

  @Test
  void everyLineEndingGivesTheSameLinesAndColumns() {
    String model = "model Ends {\n  size N;\n  latent mu: real ~ Normal(0, 1);\n"
        + "  data y[n in N]: real ~ Normal(muu, 1);\n  hyper h = 1 / 0;\n}\n";
    List<String> expected = List.of("E010 4:33", "E028 5:13");
    for (String end : List.of("\n", "\r\n", "\r")) {
      SourceFile source = new SourceFile("ends.vmodel", model.replace("\n", end));
      Frontend.Result r = Frontend.check(source);
      assertEquals(expected, codes(r), "line ending " + end.replace("\r", "\\r").replace("\n", "\\n"));
      String rendered = new DiagnosticRenderer(Map.of(source.path(), source)).renderAll(r.diagnostics());
      assertTrue(rendered.contains("   4 |   data y[n in N]: real ~ Normal(muu, 1);"), rendered);
      assertTrue(rendered.contains("   5 |   hyper h = 1 / 0;"), rendered);
      for (Diagnostic d : r.diagnostics()) {
        assertTrue(d.span().line() > 1, d.toString());
      }
    }
  }
}
