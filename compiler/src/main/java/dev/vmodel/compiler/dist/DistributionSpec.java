package dev.vmodel.compiler.dist;

import java.util.List;
import java.util.stream.Collectors;

/** A distribution of the language as the type checker sees it: its parameters and support. */
public record DistributionSpec(String name, List<ParamSlot> slots, Pattern support) {
  public DistributionSpec {
    slots = List.copyOf(slots);
  }

  /** `Normal(mean, precision (or sd:, var:))`. */
  public String signature() {
    return name + slots.stream().map(ParamSlot::text).collect(Collectors.joining(", ", "(", ")"));
  }

  public String positionalList() {
    return slots.stream().map(ParamSlot::name).collect(Collectors.joining(", "));
  }
}
