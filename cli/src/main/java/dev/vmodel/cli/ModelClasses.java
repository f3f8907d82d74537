package dev.vmodel.cli;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.compiler.driver.CompiledModelCache;
import dev.vmodel.compiler.driver.InMemoryCompiler;
import java.util.List;
import java.util.Optional;

/**
 * The generated model classes for a run: from the compiled-model cache in the user's cache
 * directory ({@code $XDG_CACHE_HOME/vmodel}, else {@code ~/.cache/vmodel}), or compiled with
 * javac when {@code --no-cache} is given, no cache directory can be found, or the entry is missing.
 */
final class ModelClasses {
  private static boolean lastHit;

  private ModelClasses() {}

  static ClassLoader load(JavaFile java, boolean noCache, ClassLoader parent) {
    String classPath = System.getProperty("java.class.path");
    Optional<java.nio.file.Path> dir = noCache ? Optional.empty() : CompiledModelCache.defaultDirectory(System.getenv());
    if (dir.isEmpty()) {
      lastHit = false;
      return InMemoryCompiler.compile(List.of(java), classPath, parent);
    }
    CompiledModelCache cache = new CompiledModelCache(dir.get());
    ClassLoader loader = cache.load(java, classPath, parent);
    lastHit = cache.lastHit();
    return loader;
  }

  /** Whether the last {@link #load} read the classes from the cache. */
  static boolean lastHit() {
    return lastHit;
  }
}
