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
        g = g.withSourceSha256(sha256(source.text()));
        UpdatePlan p = ConjugacyAnalyzer.analyze(g, diagnostics);
        if (p != null) {
          plans.add(p);
        }
      }
    }
    return new Result(front, diagnostics.hasErrors() ? List.of() : plans, diagnostics.sorted());
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
