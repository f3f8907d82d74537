package dev.vmodel.compiler.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader for the examples' truth files: objects become maps, arrays lists,
 * numbers doubles. Enough for data the tests themselves check in; not a general parser.
 */
final class Json {
  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  static Object parse(String text) {
    Json j = new Json(text);
    Object v = j.value();
    j.space();
    if (j.i != text.length()) {
      throw j.error("trailing text");
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> read(Path file) {
    try {
      return (Map<String, Object>) parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  private Object value() {
    space();
    if (i >= s.length()) {
      throw error("unexpected end");
    }
    char c = s.charAt(i);
    if (c == '{') {
      i++;
      Map<String, Object> m = new LinkedHashMap<>();
      space();
      if (peek('}')) {
        return m;
      }
      do {
        space();
        String k = string();
        space();
        expect(':');
        m.put(k, value());
        space();
      } while (peek(','));
      expect('}');
      return m;
    } else if (c == '[') {
      i++;
      List<Object> l = new ArrayList<>();
      space();
      if (peek(']')) {
        return l;
      }
      do {
        l.add(value());
        space();
      } while (peek(','));
      expect(']');
      return l;
    } else if (c == '"') {
      return string();
    } else if (s.startsWith("true", i)) {
      i += 4;
      return Boolean.TRUE;
    } else if (s.startsWith("false", i)) {
      i += 5;
      return Boolean.FALSE;
    } else if (s.startsWith("null", i)) {
      i += 4;
      return null;
    }
    int start = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    if (start == i) {
      throw error("unexpected '" + c + "'");
    }
    return Double.parseDouble(s.substring(start, i));
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (s.charAt(i) != '"') {
      char c = s.charAt(i++);
      if (c == '\\') {
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      } else {
        b.append(c);
      }
    }
    i++;
    return b.toString();
  }

  private void space() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private boolean peek(char c) {
    if (i < s.length() && s.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("JSON: " + what + " at offset " + i);
  }
}
