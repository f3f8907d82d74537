package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.testdata.JsonTree;
import java.util.List;
import java.util.Map;

/** Numbers from examples/data/*.truth.json, found by key inside a named object. */
final class Truth {
  private final Map<String, Object> root;

  private Truth(Map<String, Object> root) {
    this.root = root;
  }

  static Truth of(String stem) {
    return new Truth(JsonTree.read(Examples.examples().resolve("data").resolve(stem + ".truth.json")));
  }

  /** The value of {@code key} inside the first object named {@code object} (depth first). */
  double number(String object, String key) {
    return ((Number) field(object, key)).doubleValue();
  }

  double[] array(String object, String key) {
    List<?> list = (List<?>) field(object, key);
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) list.get(i)).doubleValue();
    }
    return out;
  }

  private Object field(String object, String key) {
    Map<?, ?> o = find(root, object);
    if (o == null) {
      throw new IllegalArgumentException("no object " + object);
    }
    Object v = o.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no " + object + "." + key);
    }
    return v;
  }

  private static Map<?, ?> find(Object node, String name) {
    if (node instanceof Map<?, ?> m) {
      if (m.get(name) instanceof Map<?, ?> hit) {
        return hit;
      }
      for (Object v : m.values()) {
        Map<?, ?> found = find(v, name);
        if (found != null) {
          return found;
        }
      }
    } else if (node instanceof List<?> l) {
      for (Object v : l) {
        Map<?, ?> found = find(v, name);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
