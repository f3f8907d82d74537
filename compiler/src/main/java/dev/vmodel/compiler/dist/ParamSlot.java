package dev.vmodel.compiler.dist;

import java.util.List;
import java.util.Map;

/**
 * One parameter position of a distribution. The first name is the positional one; the others
 * are alternative parameterizations given by name (Normal's second slot: `precision`, or `sd:`,
 * or `var:`). Alternatives share the slot's pattern unless {@code alternatives} gives one of
 * their own (Bernoulli's `logit:` is a real, its `p` a probability).
 */
public record ParamSlot(List<String> names, Pattern pattern, String description, Map<String, Pattern> alternatives) {
  public ParamSlot {
    names = List.copyOf(names);
    alternatives = Map.copyOf(alternatives);
  }

  public ParamSlot(List<String> names, Pattern pattern, String description) {
    this(names, pattern, description, Map.of());
  }

  /** The pattern of the argument when given as {@code givenAs} (one of {@link #names}). */
  public Pattern pattern(String givenAs) {
    return alternatives.getOrDefault(givenAs, pattern);
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
