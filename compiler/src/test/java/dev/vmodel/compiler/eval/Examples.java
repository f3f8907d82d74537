package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds, compiles and loads the example models (examples/*.vmodel with examples/data/*.csv). */
final class Examples {
  private Examples() {}

  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      if (Files.isDirectory(p.resolve("examples/data")) && Files.isDirectory(p.resolve("compiler"))) {
        return p;
      }
      p = p.getParent();
    }
    throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
  }

  static Path examples() {
    return root().resolve("examples");
  }

  /** The stems of every example model, e.g. "coin". */
  static List<String> stems() {
    try (Stream<Path> s = Files.list(examples())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".vmodel"))
          .map(n -> n.substring(0, n.length() - ".vmodel".length())).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static UpdatePlan plan(Path file) {
    try {
      Compiler.Result r = Compiler.plan(new SourceFile(file.toString(), Files.readString(file)));
      if (r.hasErrors() || r.plans().size() != 1) {
        throw new IllegalStateException("cannot plan " + file + ": " + r.diagnostics());
      }
      return r.plans().get(0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static UpdatePlan plan(String stem) {
    return plan(examples().resolve(stem + ".vmodel"));
  }

  /** A model from this suite's test resources (eval/<name>.vmodel). */
  static UpdatePlan resource(String name) {
    try {
      java.net.URL url = Examples.class.getResource("/eval/" + name + ".vmodel");
      if (url == null) {
        throw new IllegalStateException("no test resource eval/" + name + ".vmodel");
      }
      return plan(Path.of(url.toURI()));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Csv csv(String dataFile) {
    return Csv.read(examples().resolve("data").resolve(dataFile));
  }

  /** An interpreter for an example with its own data file. */
  static Interpreter load(String stem, ModelData.Options o) {
    UpdatePlan plan = plan(stem);
    return new Interpreter(plan, ModelData.load(plan.graph(), csv(stem + ".csv"), o));
  }
}
