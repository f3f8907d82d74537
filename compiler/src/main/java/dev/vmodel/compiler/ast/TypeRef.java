package dev.vmodel.compiler.ast;

import dev.vmodel.compiler.diag.Span;
import java.util.List;

/** A declared type as written: `real`, `cat[K]`, `matrix[R, C]`. Resolved by the checker. */
public record TypeRef(Ident name, List<Expr> dims, Span span) {
  public TypeRef {
    dims = List.copyOf(dims);
  }
}
