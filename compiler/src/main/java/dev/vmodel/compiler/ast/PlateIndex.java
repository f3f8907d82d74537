package dev.vmodel.compiler.ast;

import dev.vmodel.compiler.diag.Span;

/** `n in N` inside a declaration's brackets: binds index `n` ranging over size `N`. */
public record PlateIndex(Ident index, Ident size, Span span) {}
