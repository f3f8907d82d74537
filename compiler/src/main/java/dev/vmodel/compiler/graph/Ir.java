package dev.vmodel.compiler.graph;

import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.diag.Span;
import java.util.List;

/**
 * The model's expressions with every name resolved: what a reference points at (hyper, size,
 * data, latent, index) and how each index selects an element (plate index, integer data,
 * latent categorical gate, constant). Built from the AST by {@link Lowering}.
 */
public sealed interface Ir {
  Type type();

  Span span();

  /** A numeric literal. */
  record Const(double value, Type type, Span span) implements Ir {}

  /** The value of a hyperparameter (scalar, vector or matrix). */
  record Hyper(String name, Type type, Span span) implements Ir {}

  /** The value of a size, as a number. */
  record Size(String name, Type type, Span span) implements Ir {}

  /** A bound plate index used as a value (e.g. as an index). */
  record IndexValue(String index, String size, Type type, Span span) implements Ir {}

  /**
   * One element of a data or latent array, selected by one index per plate dimension (empty for
   * an unplated variable).
   */
  record Var(String name, boolean latent, List<Index> indices, Type type, Span span) implements Ir {
    public Var {
      indices = List.copyOf(indices);
    }
  }

  /** A one-dimensional array of scalars used whole as a vector (`diag(alpha)`). */
  record ArrayVector(String name, boolean latent, String size, Type type, Span span) implements Ir {}

  /** An entry of a vector (`m0[d]`) or matrix value: a row (one index) or an entry (two). */
  record Element(Ir target, List<Index> indices, Type type, Span span) implements Ir {
    public Element {
      indices = List.copyOf(indices);
    }
  }

  /** `-x`. */
  record Neg(Ir operand, Type type, Span span) implements Ir {}

  /** `a + b`, `a - b`, `a * b`, `a / b` (scalar or elementwise-by-scalar, matrix products). */
  record Binary(Op op, Ir left, Ir right, Type type, Span span) implements Ir {}

  /** A built-in function: dot, sum, rep, zeros, identity, diag, exp, log. */
  record Call(String fn, List<Ir> args, Type type, Span span) implements Ir {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** The arithmetic operators. */
  enum Op {
    ADD,
    SUB,
    MUL,
    DIV
  }

  /** How an index expression selects an element. */
  sealed interface Index {
    Span span();

    /** The declaration's own plate index, ranging over a size. */
    record Plate(String name, String size, Span span) implements Index {}

    /** An integer-valued data element (`doc[t]`): nested indexing. */
    record Data(Var element, Span span) implements Index {}

    /** A latent categorical element (`z[n]`): a mixture gate. */
    record Gate(Var element, String range, Span span) implements Index {}

    /** An integer literal (or constant expression). */
    record Fixed(int value, Span span) implements Index {}
  }
}
