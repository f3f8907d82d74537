package dev.vmodel.compiler.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Numbers from examples/data/*.truth.json, found by key inside a named object (no JSON library needed). */
final class Truth {
  private final String text;

  private Truth(String text) {
    this.text = text;
  }

  static Truth of(String stem) {
    try {
      return new Truth(Files.readString(Examples.examples().resolve("data").resolve(stem + ".truth.json")));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The value of {@code key} inside the first object named {@code object} (flat objects only). */
  double number(String object, String key) {
    String body = object(object);
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*([-+0-9.eE]+)").matcher(body);
    if (!m.find()) {
      throw new IllegalArgumentException("no " + object + "." + key);
    }
    return Double.parseDouble(m.group(1));
  }

  double[] array(String object, String key) {
    String body = object(object);
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(body);
    if (!m.find()) {
      throw new IllegalArgumentException("no " + object + "." + key);
    }
    String[] parts = m.group(1).split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Double.parseDouble(parts[i].trim());
    }
    return out;
  }

  /** The text of the first object named {@code name}, up to its matching brace; its own keys come before nested ones. */
  private String object(String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\\{").matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("no object " + name);
    }
    int depth = 1;
    int i = m.end();
    while (depth > 0) {
      char c = text.charAt(i++);
      depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    }
    return text.substring(m.end(), i - 1);
  }
}
