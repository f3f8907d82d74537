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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Compiled model classes kept on disk between runs, so that a second {@code vmodel fit} of the
 * same model does not run javac again (javac is most of a small fit's time).
 *
 * <p>An entry is keyed by everything the class files depend on: the generated source text (which
 * already reflects the model source, its package and the compiler that wrote it), the class path
 * it is compiled against (each entry's name, size and modification time, so a rebuilt runtime jar
 * is a new key) and the Java feature version. One entry is one file {@code <name>.classes}, named
 * by a 128-bit hash of the key: a magic word, the whole key, the class files, and a CRC-32C of all
 * of it. An entry is used only when its key equals the one looked up byte for byte, so the name's
 * hash needs no cryptographic strength. A file that does not read back whole (truncated,
 * corrupted, another format) is ignored and rewritten; a cache directory that cannot be written
 * only costs the compilation. Entries are written to a temporary file and moved into place, so
 * concurrent runs never see half an entry.
 *
 * <p>Generating the source to compute that key takes a fresh JVM longer than reading the entry, so
 * {@link #load(String, Supplier, String, ClassLoader)} first looks the classes up by a key that
 * needs no generated source: what the caller generates the source from (the model
 * source text, which model of the file, the package) and of the same class path, whose jars
 * identify the vmodel that would generate it. That lookup is only made when every class path
 * entry is a file: with a directory of classes on it (a development build) nothing identifies the
 * code generator, and only the generated source is a safe key.
 */
public final class CompiledModelCache {
  private static final String MAGIC = "vmodel compiled classes v2";
  private final Path directory;

  /**
   * Loaded classes, whether they came from the cache rather than from javac, and whether their
   * source had to be generated (false when the model's own key found them).
   */
  public record Loaded(ClassLoader loader, boolean fromCache, boolean generated) {
    public Loaded(ClassLoader loader, boolean fromCache) {
      this(loader, fromCache, true);
    }
  }

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
    byte[] key = keyText(file.toString(), classPath);
    Path entry = directory.resolve(name(key) + ".classes");
    Map<String, byte[]> classes = read(entry, key);
    boolean hit = classes != null;
    if (!hit) {
      classes = InMemoryCompiler.compileClasses(List.of(file), classPath);
      write(entry, key, classes);
    }
    return new Loaded(InMemoryCompiler.loader(classes, parent), hit);
  }

  /**
   * A loader defining the compiled classes of the source {@code generate} returns, found without
   * generating it when an entry for exactly this {@code modelKey} and class path exists (see the
   * class comment); otherwise as {@link #load(JavaFile, String, ClassLoader)}, and then also stored
   * under the model's key. {@code modelKey} must hold everything the generated source is a function
   * of besides the code generator itself.
   */
  public Loaded load(String modelKey, Supplier<JavaFile> generate, String classPath, ClassLoader parent) {
    byte[] modelKeyText = null;
    if (jarsOnly(classPath)) {
      modelKeyText = keyText(MODEL_KEY + modelKey, classPath);
      Map<String, byte[]> classes = read(directory.resolve(name(modelKeyText) + ".classes"), modelKeyText);
      if (classes != null) {
        return new Loaded(InMemoryCompiler.loader(classes, parent), true, false);
      }
    }
    JavaFile file = generate.get();
    byte[] sourceKeyText = keyText(file.toString(), classPath);
    Path bySource = directory.resolve(name(sourceKeyText) + ".classes");
    Map<String, byte[]> classes = read(bySource, sourceKeyText);
    boolean hit = classes != null;
    if (!hit) {
      classes = InMemoryCompiler.compileClasses(List.of(file), classPath);
      write(bySource, sourceKeyText, classes);
    }
    if (modelKeyText != null) {
      write(directory.resolve(name(modelKeyText) + ".classes"), modelKeyText, classes);
    }
    return new Loaded(InMemoryCompiler.loader(classes, parent), hit, true);
  }

  /** Prefixes the model keys, so that no model key is ever the text of a generated source. */
  private static final String MODEL_KEY = "vmodel model source\n";

  /** Whether every entry of the class path is a regular file (a jar), none a directory. */
  static boolean jarsOnly(String classPath) {
    if (classPath.isEmpty()) {
      return false;
    }
    for (String part : classPath.split(java.io.File.pathSeparator)) {
      try {
        if (!Files.isRegularFile(Path.of(part))) {
          return false;
        }
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  /** The cache key of a generated source compiled against a class path: the name of its entry. */
  static String key(String source, String classPath) {
    return name(keyText(source, classPath));
  }

  /**
   * Everything an entry's classes depend on, stored in the entry and compared in full on reading:
   * the format, the Java feature version, the class path's entries (each file's size and time)
   * and the source.
   */
  static byte[] keyText(String source, String classPath) {
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
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * An entry's file name: 128 bits of two 64-bit hashes of its key (FNV-1a, and a multiplicative
   * hash with a final mix). Not a cryptographic digest, which would cost a fresh JVM more than
   * reading the entry (loading the security providers): correctness does not rest on the name,
   * since an entry keeps its whole key and is used only when that key is equal; two keys of one
   * name would only replace each other's entry.
   */
  static String name(byte[] key) {
    long fnv = 0xcbf29ce484222325L;
    long mul = 0x243f6a8885a308d3L;
    for (byte x : key) {
      fnv = (fnv ^ (x & 0xff)) * 0x100000001b3L;
      mul = (mul + (x & 0xff) + 1) * 0x9e3779b97f4a7c15L;
      mul ^= mul >>> 29;
    }
    mul ^= key.length;
    mul = (mul ^ (mul >>> 33)) * 0xff51afd7ed558ccdL;
    mul ^= mul >>> 33;
    return String.format(java.util.Locale.ROOT, "%016x%016x", fnv, mul);
  }

  /** CRC-32C of the bytes: catches a damaged or truncated entry. */
  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  /**
   * The classes of the entry for {@code key}, or null when it is missing, does not read back whole
   * or holds another key.
   */
  private static Map<String, byte[]> read(Path entry, byte[] key) {
    byte[] all;
    try {
      if (!Files.isRegularFile(entry)) {
        return null;
      }
      all = Files.readAllBytes(entry);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (all.length < 4) {
      return null;
    }
    int bodyLength = all.length - 4;
    int stored = ((all[bodyLength] & 0xff) << 24) | ((all[bodyLength + 1] & 0xff) << 16)
        | ((all[bodyLength + 2] & 0xff) << 8) | (all[bodyLength + 3] & 0xff);
    if (crc(all, bodyLength) != stored) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, bodyLength))) {
      if (!in.readUTF().equals(MAGIC)) {
        return null;
      }
      int keyLength = in.readInt();
      if (keyLength != key.length) {
        return null;
      }
      byte[] k = new byte[keyLength];
      in.readFully(k);
      if (!Arrays.equals(k, key)) {
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
  private void write(Path entry, byte[] key, Map<String, byte[]> classes) {
    Path tmp = null;
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(MAGIC);
        out.writeInt(key.length);
        out.write(key);
        out.writeInt(classes.size());
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
          out.writeUTF(c.getKey());
          out.writeInt(c.getValue().length);
          out.write(c.getValue());
        }
        out.writeInt(crc(bytes.toByteArray(), bytes.size()));
      }
      byte[] body = bytes.toByteArray();
      Files.createDirectories(directory);
      tmp = Files.createTempFile(directory, ".entry-", ".tmp");
      try (var out = Files.newOutputStream(tmp)) {
        out.write(body);
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
