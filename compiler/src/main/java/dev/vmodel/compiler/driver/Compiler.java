package dev.vmodel.compiler.driver;

import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.conjugacy.ConjugacyAnalyzer;
import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.graph.Lowering;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The phases in order: front end (parse, check), then per model lowering to the graph and the
 * conjugacy analysis that yields the update plan. Each phase runs only on what the previous one
 * accepted; every diagnostic of every phase is returned.
 */
public final class Compiler {
  private Compiler() {}

  /** A compiled file: its update plans (one per error-free model) and all diagnostics. */
  public record Result(Frontend.Result frontend, List<UpdatePlan> plans, List<Diagnostic> diagnostics) {
    public Result {
      plans = List.copyOf(plans);
      diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
      return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
  }

  public static Result plan(SourceFile source) {
    Frontend.Result front = Frontend.check(source);
    Diagnostics diagnostics = new Diagnostics();
    front.diagnostics().forEach(diagnostics::add);
    List<UpdatePlan> plans = new ArrayList<>();
    if (!front.hasErrors()) {
      for (CheckedModel m : front.models()) {
        ModelGraph g = Lowering.lower(m, diagnostics);
        if (g == null) {
          continue;
        }
        g = g.withSourceSha256(sourceDigest(source.text()));
        UpdatePlan p = ConjugacyAnalyzer.analyze(g, diagnostics);
        if (p != null) {
          plans.add(p);
        }
      }
    }
    return new Result(front, diagnostics.hasErrors() ? List.of() : plans, diagnostics.sorted());
  }

  /**
   * The SHA-256 of a model source's tokens, each followed by a newline, as UTF-8, lower-case hex:
   * what a saved posterior records. Comments and layout are not tokens, so commenting or
   * reformatting a model keeps its saved posteriors loadable (and its generated code the same);
   * any change to a name, number or declaration makes another digest.
   */
  public static String sourceDigest(String text) {
    dev.vmodel.compiler.syntax.antlr.VModelLexer lexer =
        new dev.vmodel.compiler.syntax.antlr.VModelLexer(org.antlr.v4.runtime.CharStreams.fromString(text));
    lexer.removeErrorListeners();
    StringBuilder b = new StringBuilder();
    for (org.antlr.v4.runtime.Token t = lexer.nextToken(); t.getType() != org.antlr.v4.runtime.Token.EOF;
        t = lexer.nextToken()) {
      b.append(t.getText()).append('\n');
    }
    return sha256(b.toString());
  }

  /** The SHA-256 of a text as UTF-8, lower-case hex (what {@code sha256sum} prints for a UTF-8 file). */
  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
