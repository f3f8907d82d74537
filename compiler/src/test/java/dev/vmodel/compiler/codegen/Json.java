package dev.vmodel.compiler.codegen;

import dev.vmodel.compiler.testdata.JsonTree;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The examples' truth files as JSON values ({@link JsonTree}: objects become maps, arrays lists,
 * numbers doubles), and paths into them.
 */
final class Json {
  private Json() {}

  static Object parse(String text) {
    return JsonTree.parse(text);
  }

  static Map<String, Object> read(Path file) {
    return JsonTree.read(file);
  }

  /** The value at a path of object keys and array indices: at(truth, "posterior", "a"). */
  static Object at(Object root, Object... path) {
    Object v = root;
    for (Object p : path) {
      v = p instanceof Integer k ? ((List<?>) v).get(k) : ((Map<?, ?>) v).get(p);
      if (v == null) {
        throw new IllegalArgumentException("no " + p + " in the JSON");
      }
    }
    return v;
  }

  static double number(Object root, Object... path) {
    return ((Number) at(root, path)).doubleValue();
  }

  static double[] vector(Object root, Object... path) {
    List<?> l = (List<?>) at(root, path);
    double[] out = new double[l.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = ((Number) l.get(k)).doubleValue();
    }
    return out;
  }

  static int[] ints(Object root, Object... path) {
    double[] v = vector(root, path);
    int[] out = new int[v.length];
    for (int k = 0; k < v.length; k++) {
      out[k] = (int) v[k];
    }
    return out;
  }

  static double[][] matrix(Object root, Object... path) {
    List<?> l = (List<?>) at(root, path);
    double[][] out = new double[l.size()][];
    for (int k = 0; k < out.length; k++) {
      out[k] = vector(l.get(k));
    }
    return out;
  }
}
