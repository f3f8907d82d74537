package dev.vmodel.compiler.ast;

import dev.vmodel.compiler.diag.Span;
import java.util.List;

/** `model Name { decl* }`. Declarations are kept in source order but are order-independent. */
public record ModelDecl(Ident name, List<Decl> decls, Span span) {
  public ModelDecl {
    decls = List.copyOf(decls);
  }
}
