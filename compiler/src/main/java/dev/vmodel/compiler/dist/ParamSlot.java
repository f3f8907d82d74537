package dev.vmodel.compiler.dist;

import java.util.List;

/**
 * One parameter position of a distribution. The first name is the positional one; the others
 * are alternative parameterizations given by name (Normal's second slot: `precision`, or `sd:`,
 * or `var:`). Alternatives share the slot's pattern.
 */
public record ParamSlot(List<String> names, Pattern pattern, String description) {
  public ParamSlot {
    names = List.copyOf(names);
  }

  public String name() {
    return names.get(0);
  }

  public boolean accepts(String name) {
    return names.contains(name);
  }

  /** `precision (or sd:, var:)`. */
  public String text() {
    if (names.size() == 1) {
      return names.get(0);
    }
    return names.get(0) + " (or " + String.join(":, ", names.subList(1, names.size())) + ":)";
  }
}
