package dev.vmodel.compiler.ast;

import dev.vmodel.compiler.diag.Span;
import java.util.List;
import java.util.stream.Collectors;

/** A dotted name such as a Java package: `org.example.models`. */
public record QualifiedName(List<Ident> parts, Span span) {
  public QualifiedName {
    parts = List.copyOf(parts);
  }

  public String dotted() {
    return parts.stream().map(Ident::name).collect(Collectors.joining("."));
  }
}
