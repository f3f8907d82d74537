package dev.vmodel.compiler.ast;

import dev.vmodel.compiler.diag.Span;
import java.util.List;
import java.util.Optional;

/** One `.vmodel` file: an optional package header and its models. */
public record CompilationUnit(String file, Optional<QualifiedName> packageName, List<ModelDecl> models, Span span) {
  public CompilationUnit {
    models = List.copyOf(models);
  }
}
