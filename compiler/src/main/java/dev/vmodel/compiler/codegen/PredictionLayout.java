package dev.vmodel.compiler.codegen;

import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which of a generated {@code Prediction}'s factors and methods become columns of {@code vmodel
 * predict} and of Spark's transform, decided from the plan and the generated API: the value behind
 * the runtime's {@code PredictionRecords.Layout}, which the command line builds from it and every
 * generated class that splits returns from {@code predictionLayout()} (so that a caller with only
 * the generated classes needs no guess).
 *
 * @param model the model's name
 * @param plate the row plate, the size new data bring
 * @param rowsMethod the generated Result's method giving the row plate's size ({@code sizeN})
 * @param locals the local factors of new data, in the model's order
 * @param predictives the real observed arrays over the rows with a predictive mean and variance
 * @param observed the observed arrays, all over the rows; null if one is not over the rows
 */
public record PredictionLayout(String model, String plate, String rowsMethod, List<Local> locals,
    List<Predictive> predictives, List<String> observed) {
  /** A local factor: its name, whether its only plate is the rows', its plates as text. */
  public record Local(String name, boolean onRows, String over) {}

  /** A predictive: the array, its name in {@code predict<method>}, the size methods of its further plates. */
  public record Predictive(String array, String method, List<String> innerSizes) {}

  /** The layout of the model of {@code plan} (which has new rows, {@link UpdatePlan#newRow()}). */
  public static PredictionLayout of(UpdatePlan plan, GeneratedApi api) {
    UpdatePlan.NewRow row = plan.newRow();
    List<Local> locals = new ArrayList<>();
    for (String local : row.locals()) {
      GeneratedApi.Accessor a = api.factors().get(local);
      if (a == null) {
        continue;
      }
      List<Dim> dims = a.elementDims();
      boolean onRows = dims.size() == 1 && dims.get(0) instanceof Dim.Named n && n.size().equals(row.plate());
      locals.add(new Local(local, onRows, dims.stream().map(Dim::text).reduce((x, y) -> x + ", " + y).orElse("")));
    }
    List<Predictive> predictives = new ArrayList<>();
    for (UpdatePlan.Predictive pr : plan.predictives()) {
      GeneratedApi.DataSetter d = api.data().get(pr.node());
      if (d == null || d.plateSizes().isEmpty() || !d.plateSizes().get(0).equals(row.plate())
          || d.rank() != d.plateSizes().size()) {
        continue;
      }
      String cap = Character.toUpperCase(d.method().charAt(0)) + d.method().substring(1);
      List<String> inner = d.plateSizes().subList(1, d.plateSizes().size()).stream().map(s -> sizeMethod(api, s))
          .toList();
      predictives.add(new Predictive(pr.node(), cap, inner));
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
    return new PredictionLayout(plan.graph().name(), row.plate(), sizeMethod(api, row.plate()), List.copyOf(locals),
        List.copyOf(predictives), observed == null ? null : List.copyOf(observed));
  }

  private static String sizeMethod(GeneratedApi api, String size) {
    String m = api.sizes().get(size).method();
    return "size" + Character.toUpperCase(m.charAt(0)) + m.substring(1);
  }
}
