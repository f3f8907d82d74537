package dev.vmodel.compiler.driver;

import dev.vmodel.compiler.ast.CompilationUnit;
import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Checker;
import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.syntax.SourceParser;
import java.util.List;

/**
 * Orders the front-end phases for one file: parse (with recovery), then check. The semantic
 * checker runs even after syntax errors, on whatever the parser recovered, so one run reports a
 * file's syntax and semantic errors together.
 */
public final class Frontend {
  private Frontend() {}

  /** The outcome of checking one file: its AST, the error-free models, and every diagnostic. */
  public record Result(SourceFile source, CompilationUnit unit, List<CheckedModel> models, List<Diagnostic> diagnostics) {
    public Result {
      models = List.copyOf(models);
      diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
      return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
  }

  public static Result check(SourceFile source) {
    Diagnostics diagnostics = new Diagnostics();
    CompilationUnit unit = SourceParser.parse(source, diagnostics);
    boolean syntaxErrors = diagnostics.hasErrors();
    List<CheckedModel> models = Checker.check(unit, diagnostics);
    return new Result(source, unit, syntaxErrors ? List.of() : models, diagnostics.sorted());
  }
}
