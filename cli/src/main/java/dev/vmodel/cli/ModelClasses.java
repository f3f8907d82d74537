package dev.vmodel.cli;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.compiler.driver.CompiledModelCache;
import dev.vmodel.compiler.driver.InMemoryCompiler;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The generated model classes for a run: from the compiled-model cache in the user's cache
 * directory ({@code $XDG_CACHE_HOME/vmodel}, else {@code ~/.cache/vmodel}), or compiled with
 * javac when {@code --no-cache} is given, no cache directory can be found, or the entry is missing.
 */
record ModelClasses(ClassLoader loader, boolean fromCache) {

  static ModelClasses load(JavaFile java, boolean noCache, ClassLoader parent) {
    String classPath = System.getProperty("java.class.path");
    Optional<Path> dir = noCache ? Optional.empty() : CompiledModelCache.defaultDirectory(System.getenv());
    if (dir.isEmpty()) {
      return new ModelClasses(InMemoryCompiler.compile(List.of(java), classPath, parent), false);
    }
    CompiledModelCache.Loaded loaded = new CompiledModelCache(dir.get()).load(java, classPath, parent);
    return new ModelClasses(loaded.loader(), loaded.fromCache());
  }
}
