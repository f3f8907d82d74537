package dev.vmodel.maven;

import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Frontend;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The mojo's core, free of Maven types so that it can be tested directly: finds the
 * {@code .vmodel} files under a source directory, runs the compiler's front end
 * ({@link Frontend#check}) on each, and collects the rendered diagnostics.
 */
final class ModelCheck {
  private ModelCheck() {}

  /** What to check: every {@code **}{@code /*.vmodel} under {@code sourceDirectory}. */
  record Request(Path sourceDirectory) {}

  /**
   * The outcome: the files checked, and each diagnostic rendered as the CLI prints it
   * ({@code path:line:col: error[E020]: ...}, the source line, a caret line, a hint).
   */
  record Result(List<Path> files, List<String> errors, List<String> warnings) {
    Result {
      files = List.copyOf(files);
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }

    boolean hasErrors() {
      return !errors.isEmpty();
    }
  }

  static Result run(Request request) throws IOException {
    List<Path> files = ModelFiles.find(request.sourceDirectory());
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Path file : files) {
      SourceFile source;
      try {
        source = ModelFiles.read(file);
      } catch (CharacterCodingException e) {
        errors.add(file + ": error: not valid UTF-8 text\n");
        continue;
      }
      Frontend.Result result = Frontend.check(source);
      DiagnosticRenderer renderer = new DiagnosticRenderer(Map.of(source.path(), source));
      for (Diagnostic d : result.diagnostics()) {
        (d.isError() ? errors : warnings).add(renderer.render(d));
      }
    }
    return new Result(files, errors, warnings);
  }
}
