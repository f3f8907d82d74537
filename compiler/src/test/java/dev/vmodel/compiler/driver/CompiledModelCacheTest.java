package dev.vmodel.compiler.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompiledModelCacheTest {
  @TempDir
  Path dir;

  private static JavaFile source(int answer) {
    MethodSpec m = MethodSpec.methodBuilder("answer").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(int.class).addStatement("return $L", answer).build();
    return JavaFile.builder("cachetest", TypeSpec.classBuilder("Answer").addModifiers(Modifier.PUBLIC)
        .addMethod(m).build()).build();
  }

  private static int run(ClassLoader loader) throws Exception {
    return (int) loader.loadClass("cachetest.Answer").getMethod("answer").invoke(null);
  }

  private static String classPath() {
    return System.getProperty("java.class.path");
  }

  private List<Path> entries() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void secondLoadIsAHitAndGivesTheSameClass() throws Exception {
    CompiledModelCache cache = new CompiledModelCache(dir);
    CompiledModelCache.Loaded first = cache.load(source(42), classPath(), getClass().getClassLoader());
    assertEquals(42, run(first.loader()));
    assertFalse(first.fromCache());
    assertEquals(1, entries().size());
    CompiledModelCache.Loaded second = cache.load(source(42), classPath(), getClass().getClassLoader());
    assertEquals(42, run(second.loader()));
    assertTrue(second.fromCache());
    // Another source is another entry, never the cached class.
    CompiledModelCache.Loaded other = cache.load(source(7), classPath(), getClass().getClassLoader());
    assertEquals(7, run(other.loader()));
    assertFalse(other.fromCache());
    assertEquals(2, entries().size());
  }

  @Test
  void aCorruptOrTruncatedEntryIsRebuiltNotFatal() throws Exception {
    CompiledModelCache cache = new CompiledModelCache(dir);
    cache.load(source(42), classPath(), getClass().getClassLoader());
    Path entry = entries().get(0);
    byte[] good = Files.readAllBytes(entry);
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 1;
    for (byte[] bad : List.of(flipped, java.util.Arrays.copyOf(good, good.length / 3), new byte[0],
        "not an entry".getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      Files.write(entry, bad);
      CompiledModelCache.Loaded loaded = cache.load(source(42), classPath(), getClass().getClassLoader());
      assertEquals(42, run(loaded.loader()));
      assertFalse(loaded.fromCache(), "a damaged entry is not used");
      assertTrue(java.util.Arrays.equals(good, Files.readAllBytes(entry)), "and is rewritten");
    }
  }

  @Test
  void anUnwritableCacheOnlyCostsTheCompilation() throws Exception {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "x");
    CompiledModelCache cache = new CompiledModelCache(file.resolve("vmodel"));
    CompiledModelCache.Loaded loaded = cache.load(source(42), classPath(), getClass().getClassLoader());
    assertEquals(42, run(loaded.loader()));
    assertFalse(loaded.fromCache());
  }

  @Test
  void theKeyDependsOnTheClassPathFilesAndTheSource() throws Exception {
    Path jar = dir.resolve("runtime.jar");
    Files.writeString(jar, "one");
    String before = CompiledModelCache.key("class A {}", jar.toString());
    assertEquals(before, CompiledModelCache.key("class A {}", jar.toString()));
    Files.writeString(jar, "two, longer");
    assertNotEquals(before, CompiledModelCache.key("class A {}", jar.toString()), "a rebuilt jar is a new key");
    assertNotEquals(CompiledModelCache.key("class A {}", ""), CompiledModelCache.key("class B {}", ""));
  }

  @Test
  void anEntryHoldingAnotherKeyIsNotUsed() throws Exception {
    // Entries are named by a non-cryptographic hash: an entry found under a key's name is used
    // only if it holds that very key (here another source's entry is put under its name).
    CompiledModelCache cache = new CompiledModelCache(dir);
    cache.load(source(42), classPath(), getClass().getClassLoader());
    Path entry42 = entries().get(0);
    Path entry7 = dir.resolve(CompiledModelCache.key(source(7).toString(), classPath()) + ".classes");
    Files.copy(entry42, entry7);
    CompiledModelCache.Loaded loaded = cache.load(source(7), classPath(), getClass().getClassLoader());
    assertEquals(7, run(loaded.loader()));
    assertFalse(loaded.fromCache());
    assertTrue(cache.load(source(7), classPath(), getClass().getClassLoader()).fromCache(), "and it is rewritten");
  }

  /** A class path of jars only, as the launcher's: the model's own key is then used. */
  private Path jarClassPath() throws Exception {
    Path jar = dir.resolve("lib").resolve("empty.jar");
    Files.createDirectories(jar.getParent());
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new java.util.jar.JarEntry("META-INF/x"));
      out.closeEntry();
    }
    return jar;
  }

  @Test
  void theModelsOwnKeyFindsTheClassesWithoutGeneratingTheSource() throws Exception {
    Path jar = jarClassPath();
    CompiledModelCache cache = new CompiledModelCache(dir.resolve("cache"));
    int[] generated = {0};
    java.util.function.Supplier<JavaFile> answer42 = () -> {
      generated[0]++;
      return source(42);
    };
    CompiledModelCache.Loaded first = cache.load("model text 42", answer42, jar.toString(), getClass().getClassLoader());
    assertEquals(42, run(first.loader()));
    assertFalse(first.fromCache());
    assertTrue(first.generated());
    assertEquals(1, generated[0]);
    CompiledModelCache.Loaded second = cache.load("model text 42", answer42, jar.toString(), getClass().getClassLoader());
    assertEquals(42, run(second.loader()));
    assertTrue(second.fromCache());
    assertFalse(second.generated(), "a hit on the model's key generates nothing");
    assertEquals(1, generated[0]);
    // Another model text is a miss on its key; its source is generated (and here compiles to a new class).
    CompiledModelCache.Loaded edited = cache.load("model text 7", () -> source(7), jar.toString(),
        getClass().getClassLoader());
    assertEquals(7, run(edited.loader()));
    assertFalse(edited.fromCache());
    assertTrue(edited.generated());
    // A rebuilt jar on the class path is a miss too.
    Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 5000));
    CompiledModelCache.Loaded rebuilt = cache.load("model text 42", answer42, jar.toString(), getClass().getClassLoader());
    assertTrue(rebuilt.generated());
    assertEquals(2, generated[0]);
  }

  @Test
  void aDamagedModelKeyEntryIsRebuilt() throws Exception {
    Path jar = jarClassPath();
    Path cacheDir = dir.resolve("cache");
    CompiledModelCache cache = new CompiledModelCache(cacheDir);
    cache.load("model text 42", () -> source(42), jar.toString(), getClass().getClassLoader());
    List<Path> all;
    try (Stream<Path> s = Files.list(cacheDir)) {
      all = s.toList();
    }
    assertEquals(2, all.size(), "one entry by the generated source, one by the model's text");
    for (Path p : all) {
      byte[] b = Files.readAllBytes(p);
      b[b.length / 2] ^= 1;
      Files.write(p, b);
    }
    CompiledModelCache.Loaded loaded = cache.load("model text 42", () -> source(42), jar.toString(),
        getClass().getClassLoader());
    assertEquals(42, run(loaded.loader()));
    assertFalse(loaded.fromCache());
    assertTrue(loaded.generated());
    CompiledModelCache.Loaded again = cache.load("model text 42", () -> source(42), jar.toString(),
        getClass().getClassLoader());
    assertTrue(again.fromCache() && !again.generated(), "rewritten whole");
  }

  @Test
  void withADirectoryOnTheClassPathOnlyTheGeneratedSourceIsAKey() throws Exception {
    // Nothing identifies the code generator in a directory of classes: the source is generated every time.
    Path classes = Files.createDirectories(dir.resolve("classes"));
    CompiledModelCache cache = new CompiledModelCache(dir.resolve("cache"));
    String cp = classes + java.io.File.pathSeparator + classPath();
    cache.load("model text 42", () -> source(42), cp, getClass().getClassLoader());
    CompiledModelCache.Loaded second = cache.load("model text 42", () -> source(42), cp, getClass().getClassLoader());
    assertTrue(second.fromCache());
    assertTrue(second.generated());
  }

  @Test
  void theDefaultDirectoryFollowsXdgCacheHome() {
    assertEquals(Optional.of(Path.of("/x/cache/vmodel")), CompiledModelCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "/x/cache")));
    // A relative XDG_CACHE_HOME is ignored, as the XDG base directory specification says.
    assertEquals(Optional.of(Path.of(System.getProperty("user.home"), ".cache", "vmodel")),
        CompiledModelCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "relative")));
  }
}
