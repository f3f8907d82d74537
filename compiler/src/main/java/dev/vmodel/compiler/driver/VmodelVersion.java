package dev.vmodel.compiler.driver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of vmodel that generates code: the project version of the build, from the
 * resource {@code version.properties} that Maven filters. A class built without Maven (an IDE
 * compiling the sources alone) reports "development".
 */
public final class VmodelVersion {
  private VmodelVersion() {}

  private static final String VERSION = load();

  /** The version, such as {@code 0.1.0-SNAPSHOT}. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = VmodelVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "development";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      return v.isBlank() || v.startsWith("${") ? "development" : v.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
