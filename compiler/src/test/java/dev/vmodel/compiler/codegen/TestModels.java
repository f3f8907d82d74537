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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every model file the compiler module's tests hold that the checker accepts and plans: the
 * bundled examples, the codegen variants (src/test/resources/codegen), the good models
 * (resources/good) and the interpreter's models (resources/eval). The non-conjugate models and
 * the bad inputs are the only ones left out: they are rejected by design.
 */
final class TestModels {
  private TestModels() {}

  /** The folders of src/test/resources whose models must all plan and compile. */
  static final List<String> FOLDERS = List.of("codegen", "good", "eval");

  /**
   * Models the checker accepts but the planner rejects as not conjugate (E100), by label: left
   * out of {@link #files()}, and a test keeps them rejected for that reason only.
   */
  static final List<String> NOT_CONJUGATE = List.of("good/functions.vmodel");

  /** Every model file that plans, examples first. */
  static List<Path> files() {
    List<Path> out = new ArrayList<>();
    Examples.stems().forEach(s -> out.add(Examples.model(s)));
    for (String folder : FOLDERS) {
      list(resources().resolve(folder)).stream().filter(p -> !NOT_CONJUGATE.contains(label(p))).forEach(out::add);
    }
    return out;
  }

  static Path resource(String label) {
    return resources().resolve(label);
  }

  static String label(Path file) {
    return file.getParent().getFileName() + "/" + file.getFileName();
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".vmodel")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path resources() {
    URL url = TestModels.class.getResource("/codegen");
    if (url != null && url.getProtocol().equals("file")) {
      try {
        return Path.of(url.toURI()).getParent();
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return Path.of("src", "test", "resources");
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The plans of a model text, failing the test with the rendered diagnostics if there are errors. */
  static List<UpdatePlan> plans(String name, String text) {
    SourceFile source = new SourceFile(name, text);
    Compiler.Result r = Compiler.plan(source);
    if (r.hasErrors() || r.plans().isEmpty()) {
      fail(name + " was not planned:\n" + new DiagnosticRenderer(Map.of(source.path(), source))
          .renderAll(r.diagnostics()) + "\n" + text);
    }
    return r.plans();
  }

  /** The generated files of a model text, each model in package {@code pkg}. */
  static List<JavaFile> generate(String name, String text, String pkg) {
    return ModelWriter.writeAll(plans(name, text), Optional.of(pkg));
  }

  /** Compiles generated files together under -Xlint:all -Werror and returns their loader. */
  static ClassLoader compile(List<JavaFile> files) {
    return InMemoryCompiler.compile(files, Examples.classPath(), TestModels.class.getClassLoader());
  }
}
