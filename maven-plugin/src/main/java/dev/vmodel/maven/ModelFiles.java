package dev.vmodel.maven;

import dev.vmodel.compiler.diag.SourceFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finding and reading model files, shared by the goals: Ant-style include and exclude patterns
 * (the ones every Maven plugin takes: {@code **}{@code /*.vmodel}, {@code models/**}), matched
 * against paths relative to the source directory, and strict UTF-8 decoding.
 */
final class ModelFiles {
  private ModelFiles() {}

  /** Every {@code .vmodel} file: the default of {@code includes}. */
  static final List<String> ALL_MODELS = List.of("**/*.vmodel");

  /** The {@code .vmodel} files under {@code dir}, in a stable order; none if it does not exist. */
  static List<Path> find(Path dir) throws IOException {
    return find(dir, ALL_MODELS, List.of());
  }

  /**
   * The {@code .vmodel} files under {@code dir} whose path relative to it matches an include
   * pattern and no exclude pattern, sorted; none if {@code dir} does not exist. An empty include
   * list means {@link #ALL_MODELS}. Other files are never models, whatever the patterns say.
   */
  static List<Path> find(Path dir, List<String> includes, List<String> excludes) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> in = includes.isEmpty() ? ALL_MODELS : includes;
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".vmodel") && Files.isRegularFile(p))
          .filter(p -> {
            String relative = slashes(dir.relativize(p));
            return matchesAny(in, relative) && !matchesAny(excludes, relative);
          })
          .sorted()
          .toList();
    }
  }

  /** A path with {@code /} between its names, whatever the platform. */
  static String slashes(Path relative) {
    return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
  }

  private static boolean matchesAny(List<String> patterns, String path) {
    return patterns.stream().anyMatch(p -> matches(p, path));
  }

  /**
   * Ant's path patterns: {@code *} and {@code ?} within one name, {@code **} for any number of
   * directories (including none); a pattern ending in {@code /} means everything below.
   */
  static boolean matches(String pattern, String path) {
    String p = pattern.trim().replace('\\', '/');
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (p.endsWith("/")) {
      p += "**";
    }
    return match(p.split("/+"), 0, path.split("/"), 0);
  }

  private static boolean match(String[] pattern, int i, String[] names, int j) {
    if (i == pattern.length) {
      return j == names.length;
    }
    if (pattern[i].equals("**")) {
      for (int k = j; k <= names.length; k++) {
        if (match(pattern, i + 1, names, k)) {
          return true;
        }
      }
      return false;
    }
    return j < names.length && glob(pattern[i]).matcher(names[j]).matches() && match(pattern, i + 1, names, j + 1);
  }

  private static Pattern glob(String name) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : name.toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString());
  }

  /**
   * A model file's text, decoded strictly as UTF-8 (the language's encoding), without a BOM.
   *
   * @throws CharacterCodingException if it is not valid UTF-8
   */
  static SourceFile read(Path file) throws IOException {
    return decode(file, Files.readAllBytes(file));
  }

  /**
   * The text of a model file read as {@code bytes}.
   *
   * @throws CharacterCodingException if it is not valid UTF-8
   */
  static SourceFile decode(Path file, byte[] bytes) throws CharacterCodingException {
    String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    return new SourceFile(file.toString(), text);
  }
}
