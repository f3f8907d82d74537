package dev.vmodel.cli;

import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.codegen.PredictionLayout;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.runtime.fit.PredictionRecords;

/**
 * The {@link PredictionRecords.Layout} of a model: the compiler's {@link PredictionLayout} (from its
 * plan and generated API, the value the generated class's {@code predictionLayout()} returns) as the
 * runtime's record.
 */
public final class PredictionLayouts {
  private PredictionLayouts() {}

  /** The layout of the model of {@code plan} (which has new rows, {@link UpdatePlan#newRow()}). */
  public static PredictionRecords.Layout of(UpdatePlan plan, GeneratedApi api) {
    PredictionLayout l = PredictionLayout.of(plan, api);
    return new PredictionRecords.Layout(l.model(), l.plate(), l.rowsMethod(),
        l.locals().stream().map(x -> new PredictionRecords.Local(x.name(), x.onRows(), x.over())).toList(),
        l.predictives().stream().map(p -> new PredictionRecords.Predictive(p.array(), p.method(), p.innerSizes()))
            .toList(), l.observed());
  }
}
