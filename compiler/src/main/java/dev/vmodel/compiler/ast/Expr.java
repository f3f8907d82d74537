package dev.vmodel.compiler.ast;

import dev.vmodel.compiler.diag.Span;
import java.util.List;
import java.util.Optional;

/** An expression: the right-hand sides of declarations and the arguments of distributions. */
public sealed interface Expr {
  Span span();

  /** A numeric literal; {@code text} is as written (`1e-3`). */
  record Number(double value, String text, Span span) implements Expr {}

  /** A reference to a declared name or a bound index. */
  record Name(Ident id, Span span) implements Expr {
    public String name() {
      return id.name();
    }
  }

  /** `target[i, j]`. */
  record Index(Expr target, List<Expr> indices, Span span) implements Expr {
    public Index {
      indices = List.copyOf(indices);
    }
  }

  /** A call of a function (`dot(a, b)`) or, after `~`, of a distribution. */
  record Call(Ident fn, List<Arg> args, Span span) implements Expr {
    public Call {
      args = List.copyOf(args);
    }

    public String name() {
      return fn.name();
    }
  }

  /** `-x`. */
  record Neg(Expr operand, Span span) implements Expr {}

  /** `a + b`, `a - b`, `a * b`, `a / b`. */
  record Binary(BinOp op, Expr left, Expr right, Span span) implements Expr {}

  /**
   * Stands where the parser could not recover an expression; the syntax error is already
   * reported, so later stages accept it silently.
   */
  record Missing(Span span) implements Expr {}

  /** An argument of a call, positional or named (`sd: s`). */
  record Arg(Optional<Ident> name, Expr value, Span span) {}

  /** The four arithmetic operators. */
  enum BinOp {
    ADD("+"),
    SUB("-"),
    MUL("*"),
    DIV("/");

    private final String symbol;

    BinOp(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }
}
