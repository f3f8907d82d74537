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
  void theDefaultDirectoryFollowsXdgCacheHome() {
    assertEquals(Optional.of(Path.of("/x/cache/vmodel")), CompiledModelCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "/x/cache")));
    // A relative XDG_CACHE_HOME is ignored, as the XDG base directory specification says.
    assertEquals(Optional.of(Path.of(System.getProperty("user.home"), ".cache", "vmodel")),
        CompiledModelCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "relative")));
  }
}
