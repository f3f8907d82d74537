package dev.vmodel.compiler.codegen;

import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public API a generated model class will have, described without generating it: the
 * names of its builder methods, data setters and posterior accessors. Tools that drive
 * generated classes by reflection (`vmodel fit`, tests) read this instead of guessing names.
 */
public record GeneratedApi(
    String className,
    Map<String, Setter> sizes,
    Map<String, Setter> hypers,
    Map<String, DataSetter> data,
    Map<String, Accessor> factors) {

  /** A builder method: its Java name and the model's type for it. */
  public record Setter(String method, Type type, boolean hasDefault) {}

  /**
   * A data setter: Java name, array rank (plates + components), element kind, and the model's
   * dimensions in order (plates then components).
   */
  public record DataSetter(String method, int rank, boolean integer, boolean modeled, List<Dim> dims, Type type,
      List<String> plateSizes, boolean missingAllowed) {}

  /** A posterior accessor of the Result: method name and its element index sizes. */
  public record Accessor(String method, String family, List<String> members, List<Dim> elementDims, boolean local,
      boolean chain) {
    /** A factor that is not a Markov chain. */
    public Accessor(String method, String family, List<String> members, List<Dim> elementDims, boolean local) {
      this(method, family, members, elementDims, local, false);
    }
  }

  public static GeneratedApi of(UpdatePlan plan, Optional<String> packageOverride) {
    Layout layout = new Layout(plan);
    String pkg = packageOverride.or(() -> plan.graph().javaPackage()).orElse("");
    String className = (pkg.isEmpty() ? "" : pkg + ".") + plan.graph().name();
    Map<String, Setter> sizes = new LinkedHashMap<>();
    for (CheckedModel.SizeSym s : plan.graph().sizes()) {
      sizes.put(s.name(), new Setter(layout.sizeNames.get(s.name()), new Type.Scalar(
          dev.vmodel.compiler.check.Domain.POSITIVE_INT), s.defaultValue().isPresent()));
    }
    Map<String, Setter> hypers = new LinkedHashMap<>();
    for (CheckedModel.HyperSym h : plan.graph().hypers()) {
      hypers.put(h.name(), new Setter(layout.hyperNames.get(h.name()), h.type(), h.defaultValue().isPresent()));
    }
    Map<String, DataSetter> data = new LinkedHashMap<>();
    for (Layout.DataArray d : layout.data.values()) {
      List<Dim> dims = new ArrayList<>(d.plateDims());
      dims.addAll(d.componentDims());
      List<String> plates = new ArrayList<>();
      plan.graph().node(d.node()).plates().forEach(p -> plates.add(p.size()));
      data.put(d.node(), new DataSetter(d.field(), dims.size(), d.integer(), d.modeled(), dims, d.type(), plates,
          d.allowsMissing()));
    }
    Map<String, Accessor> factors = new LinkedHashMap<>();
    for (Layout.FactorStorage fs : layout.factors.values()) {
      factors.put(fs.update().factor().name(), new Accessor(layout.accessorNames.get(fs.update().factor().name()),
          fs.update().family().title(),
          fs.update().factor().members(), fs.elementDims(), fs.update().local(), fs.update().chain()));
    }
    return new GeneratedApi(className, sizes, hypers, data, factors);
  }
}
