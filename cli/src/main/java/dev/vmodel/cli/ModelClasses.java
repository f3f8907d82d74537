package dev.vmodel.cli;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.CompiledModelCache;
import dev.vmodel.compiler.driver.InMemoryCompiler;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The generated model classes for a run: from the compiled-model cache in the user's cache
 * directory ({@code $XDG_CACHE_HOME/vmodel}, else {@code ~/.cache/vmodel}), or compiled with
 * javac when {@code --no-cache} is given, no cache directory can be found, or the entry is missing.
 * {@code generated} says whether the Java source had to be generated for it (not when the cache
 * found the classes by the model's source text).
 */
record ModelClasses(ClassLoader loader, boolean fromCache, boolean generated) {

  static ModelClasses load(JavaFile java, boolean noCache, ClassLoader parent) {
    return load(null, () -> java, noCache, parent);
  }

  /**
   * The classes of model {@code modelName} of {@code source} in package {@code pkg}, whose Java
   * source {@code generate} writes: that is called only when the cache has no entry for exactly
   * this model text (and this vmodel, Java and class path).
   */
  static ModelClasses load(SourceFile source, String modelName, String pkg, Supplier<JavaFile> generate,
      boolean noCache, ClassLoader parent) {
    String key = "package " + pkg + "\nmodel " + modelName + "\nfile " + source.path() + "\n" + source.text();
    return load(key, generate, noCache, parent);
  }

  /**
   * The class path javac compiles the generated class against: the JVM's, and the jar of the vmodel
   * runtime where that is not on it (under spark-submit the application's jar is loaded by Spark's
   * own class loader, not from java.class.path).
   */
  static String classPath() {
    String classPath = System.getProperty("java.class.path");
    try {
      java.security.CodeSource cs = dev.vmodel.runtime.fit.FitResult.class.getProtectionDomain().getCodeSource();
      if (cs != null && cs.getLocation() != null && "file".equals(cs.getLocation().getProtocol())) {
        String runtime = java.nio.file.Path.of(cs.getLocation().toURI()).toString();
        if (!java.util.Arrays.asList(classPath.split(java.io.File.pathSeparator)).contains(runtime)) {
          classPath = classPath.isEmpty() ? runtime : classPath + java.io.File.pathSeparator + runtime;
        }
      }
    } catch (java.net.URISyntaxException | SecurityException e) {
      // keep the JVM's class path
    }
    return classPath;
  }

  private static ModelClasses load(String modelKey, Supplier<JavaFile> generate, boolean noCache,
      ClassLoader parent) {
    String classPath = classPath();
    Optional<Path> dir = noCache ? Optional.empty() : CompiledModelCache.defaultDirectory(System.getenv());
    if (dir.isEmpty()) {
      return new ModelClasses(InMemoryCompiler.compile(List.of(generate.get()), classPath, parent), false, true);
    }
    CompiledModelCache cache = new CompiledModelCache(dir.get());
    CompiledModelCache.Loaded loaded = modelKey == null
        ? cache.load(generate.get(), classPath, parent)
        : cache.load(modelKey, generate, classPath, parent);
    return new ModelClasses(loaded.loader(), loaded.fromCache(), loaded.generated());
  }
}
