package dev.vmodel.compiler.driver;

import com.palantir.javapoet.JavaFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Compiled model classes kept on disk between runs, so that a second {@code vmodel fit} of the
 * same model does not run javac again (javac is most of a small fit's time).
 *
 * <p>An entry is keyed by the SHA-256 of everything the class files depend on: the generated
 * source text (which already reflects the model source, its package and the compiler that wrote
 * it), the class path it is compiled against (each entry's name, size and modification time, so
 * a rebuilt runtime jar is a new key) and the Java feature version. One entry is one file
 * {@code <key>.classes}: a magic word, the class files, and a SHA-256 of all of it. A file that
 * does not read back whole (truncated, corrupted, another format) is ignored and rewritten; a
 * cache directory that cannot be written only costs the compilation. Entries are written to a
 * temporary file and moved into place, so concurrent runs never see half an entry.
 */
public final class CompiledModelCache {
  private static final String MAGIC = "vmodel compiled classes v1";
  private final Path directory;

  /** Loaded classes, and whether they came from the cache rather than from javac. */
  public record Loaded(ClassLoader loader, boolean fromCache) {}

  /** A cache in {@code directory} (created on first write). */
  public CompiledModelCache(Path directory) {
    this.directory = directory;
  }

  /**
   * The user's cache directory for vmodel: {@code $XDG_CACHE_HOME/vmodel} when that variable is
   * an absolute path, else {@code ~/.cache/vmodel}; empty when neither can be found.
   */
  public static Optional<Path> defaultDirectory(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
      return Optional.of(Path.of(xdg, "vmodel"));
    }
    String home = System.getProperty("user.home");
    if (home == null || home.isEmpty() || home.equals("?")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(home, ".cache", "vmodel"));
  }

  public Path directory() {
    return directory;
  }

  /**
   * A loader defining the compiled classes of {@code file}: read from the cache when an entry
   * for exactly this source and class path exists, else compiled and stored.
   */
  public Loaded load(JavaFile file, String classPath, ClassLoader parent) {
    String key = key(file.toString(), classPath);
    Path entry = directory.resolve(key + ".classes");
    Map<String, byte[]> classes = read(entry);
    boolean hit = classes != null;
    if (!hit) {
      classes = InMemoryCompiler.compileClasses(List.of(file), classPath);
      write(entry, classes);
    }
    return new Loaded(InMemoryCompiler.loader(classes, parent), hit);
  }

  /** The cache key of a generated source compiled against a class path. */
  static String key(String source, String classPath) {
    StringBuilder b = new StringBuilder(source.length() + 256);
    b.append(MAGIC).append('\n').append(Runtime.version().feature()).append('\n');
    for (String part : classPath.split(java.io.File.pathSeparator)) {
      b.append(part);
      try {
        Path p = Path.of(part);
        if (Files.isRegularFile(p)) {
          b.append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis());
        }
      } catch (IOException | RuntimeException e) {
        b.append(" ?");
      }
      b.append('\n');
    }
    b.append(source);
    return HexFormat.of().formatHex(sha256(b.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** The entry's classes, or null when it is missing or does not read back whole. */
  private static Map<String, byte[]> read(Path entry) {
    byte[] all;
    try {
      if (!Files.isRegularFile(entry)) {
        return null;
      }
      all = Files.readAllBytes(entry);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (all.length < 32) {
      return null;
    }
    byte[] body = Arrays.copyOf(all, all.length - 32);
    if (!Arrays.equals(sha256(body), Arrays.copyOfRange(all, all.length - 32, all.length))) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      if (!in.readUTF().equals(MAGIC)) {
        return null;
      }
      int n = in.readInt();
      Map<String, byte[]> classes = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        classes.put(name, b);
      }
      return in.available() == 0 && !classes.isEmpty() ? classes : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Stores an entry; a failure (read-only or full disk) leaves the cache as it was. */
  private void write(Path entry, Map<String, byte[]> classes) {
    Path tmp = null;
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(MAGIC);
        out.writeInt(classes.size());
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
          out.writeUTF(c.getKey());
          out.writeInt(c.getValue().length);
          out.write(c.getValue());
        }
      }
      byte[] body = bytes.toByteArray();
      Files.createDirectories(directory);
      tmp = Files.createTempFile(directory, ".entry-", ".tmp");
      try (var out = Files.newOutputStream(tmp)) {
        out.write(body);
        out.write(sha256(body));
      }
      try {
        Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      // The cache is an optimisation: the classes were compiled and are used all the same.
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // nothing more to do
        }
      }
    }
  }
}
