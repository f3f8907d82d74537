package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.fail;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.driver.InMemoryCompiler;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The bundled examples (examples/*.vmodel with data in examples/data) and test models
 * (src/test/resources/codegen): their plans, generated sources, and the generated classes
 * compiled in memory under -Xlint:all -Werror. Compilation is cached per JVM: every test
 * class that runs a model shares one compilation of it.
 */
final class Examples {
  /** The package every generated test class is written in. */
  static final String PACKAGE = "dev.vmodel.examples";

  private static final Map<Path, Generated> GENERATED = new ConcurrentHashMap<>();
  private static final Map<Path, Class<?>> CLASSES = new ConcurrentHashMap<>();
  private static volatile ClassLoader examplesLoader;

  private Examples() {}

  /** One model file's plan and generated source. */
  record Generated(Path file, UpdatePlan plan, JavaFile java) {
    String className() {
      return java.packageName() + "." + java.typeSpec().name();
    }

    String source() {
      return java.toString();
    }
  }

  /** The repository's examples/ folder (the tests run in compiler/ under Maven). */
  static Path dir() {
    for (Path p : List.of(Path.of("..", "examples"), Path.of("examples"))) {
      if (Files.isDirectory(p.resolve("data"))) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("examples/ not found from " + Path.of("").toAbsolutePath());
  }

  /** The stems of examples/*.vmodel, sorted (`coin`, `gaussian-mixture`, ...). */
  static List<String> stems() {
    try (Stream<Path> files = Files.list(dir())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".vmodel"))
          .map(n -> n.substring(0, n.length() - ".vmodel".length())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path model(String stem) {
    return dir().resolve(stem + ".vmodel");
  }

  /** examples/data/{stem}{suffix}, e.g. data("coin", ".csv"). */
  static Path data(String stem, String suffix) {
    return dir().resolve("data").resolve(stem + suffix);
  }

  /** A model of this test suite in src/test/resources/codegen. */
  static Path testModel(String fileName) {
    URL url = Examples.class.getResource("/codegen/" + fileName);
    if (url != null && url.getProtocol().equals("file")) {
      try {
        return Path.of(url.toURI());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    Path source = Path.of("src", "test", "resources", "codegen", fileName);
    if (Files.exists(source)) {
      return source;
    }
    throw new IllegalStateException("test model " + fileName + " not found");
  }

  /** Plans and generates one model file (which must hold exactly one model) into {@link #PACKAGE}. */
  static Generated generate(Path file) {
    return GENERATED.computeIfAbsent(file.toAbsolutePath().normalize(), f -> {
      String text;
      try {
        text = Files.readString(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SourceFile source = new SourceFile(f.getFileName().toString(), text);
      Compiler.Result r = Compiler.plan(source);
      if (r.hasErrors() || r.plans().size() != 1) {
        fail(f.getFileName() + " did not give exactly one plan:\n"
            + new DiagnosticRenderer(Map.of(source.path(), source)).renderAll(r.diagnostics()));
      }
      UpdatePlan plan = r.plans().get(0);
      return new Generated(f, plan, ModelWriter.write(plan, Optional.of(PACKAGE)));
    });
  }

  static Generated example(String stem) {
    return generate(model(stem));
  }

  /** The class path generated code compiles against: the test JVM's (runtime, EJML included). */
  static String classPath() {
    return System.getProperty("java.class.path");
  }

  /** Compiles generated files together under -Xlint:all -Werror and returns their loader. */
  static ClassLoader compile(List<Generated> files) {
    List<JavaFile> java = new ArrayList<>();
    files.forEach(g -> java.add(g.java()));
    return InMemoryCompiler.compile(java, classPath(), Examples.class.getClassLoader());
  }

  /** Every example, compiled once in one javac run. */
  static synchronized ClassLoader examplesLoader() {
    if (examplesLoader == null) {
      List<Generated> all = new ArrayList<>();
      stems().forEach(s -> all.add(example(s)));
      examplesLoader = compile(all);
    }
    return examplesLoader;
  }

  /** The generated class of an example. */
  static Class<?> exampleClass(String stem) {
    try {
      return examplesLoader().loadClass(example(stem).className());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /** The generated class of a test model in src/test/resources/codegen, compiled on its own. */
  static Class<?> testModelClass(String fileName) {
    Path f = testModel(fileName).toAbsolutePath().normalize();
    return CLASSES.computeIfAbsent(f, p -> {
      Generated g = generate(p);
      try {
        return compile(List.of(g)).loadClass(g.className());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
    });
  }

  /** Example stems mapped to their model names (`coin` -> `Coin`). */
  static Map<String, String> modelNames() {
    Map<String, String> out = new LinkedHashMap<>();
    stems().forEach(s -> out.put(s, example(s).plan().graph().name()));
    return out;
  }
}
