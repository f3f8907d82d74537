package dev.vmodel.cli;

import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.runtime.fit.PredictionRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link PredictionRecords.Layout} of a model, from its plan and generated API: which of a
 * generated {@code Prediction}'s factors and methods {@code vmodel predict} turns into columns.
 */
public final class PredictionLayouts {
  private PredictionLayouts() {}

  /** The layout of the model of {@code plan} (which has new rows, {@link UpdatePlan#newRow()}). */
  public static PredictionRecords.Layout of(UpdatePlan plan, GeneratedApi api) {
    UpdatePlan.NewRow row = plan.newRow();
    List<PredictionRecords.Local> locals = new ArrayList<>();
    for (String local : row.locals()) {
      GeneratedApi.Accessor a = api.factors().get(local);
      if (a == null) {
        continue;
      }
      List<Dim> dims = a.elementDims();
      boolean onRows = dims.size() == 1 && dims.get(0) instanceof Dim.Named n && n.size().equals(row.plate());
      locals.add(new PredictionRecords.Local(local, onRows,
          dims.stream().map(Dim::text).reduce((x, y) -> x + ", " + y).orElse("")));
    }
    List<PredictionRecords.Predictive> predictives = new ArrayList<>();
    for (UpdatePlan.Predictive pr : plan.predictives()) {
      GeneratedApi.DataSetter d = api.data().get(pr.node());
      if (d == null || d.plateSizes().isEmpty() || !d.plateSizes().get(0).equals(row.plate())
          || d.rank() != d.plateSizes().size()) {
        continue;
      }
      String cap = Character.toUpperCase(d.method().charAt(0)) + d.method().substring(1);
      List<String> inner = d.plateSizes().subList(1, d.plateSizes().size()).stream().map(s -> sizeMethod(api, s))
          .toList();
      predictives.add(new PredictionRecords.Predictive(pr.node(), cap, inner));
    }
    List<String> observed = new ArrayList<>();
    for (Map.Entry<String, GeneratedApi.DataSetter> e : api.data().entrySet()) {
      GeneratedApi.DataSetter s = e.getValue();
      if (!s.modeled()) {
        continue;
      }
      if (s.plateSizes().isEmpty() || !s.plateSizes().get(0).equals(row.plate())) {
        observed = null; // an observed array not over the rows: every row has it
        break;
      }
      observed.add(e.getKey());
    }
    return new PredictionRecords.Layout(plan.graph().name(), row.plate(), sizeMethod(api, row.plate()), locals,
        predictives, observed);
  }

  private static String sizeMethod(GeneratedApi api, String size) {
    String m = api.sizes().get(size).method();
    return "size" + Character.toUpperCase(m.charAt(0)) + m.substring(1);
  }
}
