package dev.vmodel.compiler.driver;

import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.conjugacy.ConjugacyAnalyzer;
import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.graph.Lowering;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
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
        UpdatePlan p = ConjugacyAnalyzer.analyze(g, diagnostics);
        if (p != null) {
          plans.add(p);
        }
      }
    }
    return new Result(front, diagnostics.hasErrors() ? List.of() : plans, diagnostics.sorted());
  }
}
