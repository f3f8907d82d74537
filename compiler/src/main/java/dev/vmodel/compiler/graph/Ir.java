package dev.vmodel.compiler.graph;

import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.diag.Span;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

  /**
   * The latents an expression reads, in order of appearance: latent variables and latent arrays
   * used whole, and the latent categoricals of its mixture gates ({@code z} of {@code mu[z[n]]}).
   */
  static Set<String> latentsIn(Ir e) {
    Set<String> out = new LinkedHashSet<>();
    collectLatents(e, out);
    return out;
  }

  /** Whether an expression selects an element by a latent categorical: a mixture gate. */
  static boolean hasGate(Ir e) {
    if (e instanceof Var v) {
      return v.indices().stream().anyMatch(i -> i instanceof Index.Gate);
    } else if (e instanceof Element el) {
      return hasGate(el.target());
    } else if (e instanceof Neg n) {
      return hasGate(n.operand());
    } else if (e instanceof Binary b) {
      return hasGate(b.left()) || hasGate(b.right());
    } else if (e instanceof Call c) {
      return c.args().stream().anyMatch(Ir::hasGate);
    }
    return false;
  }

  private static void collectLatents(Ir e, Set<String> out) {
    if (e instanceof Var v) {
      if (v.latent()) {
        out.add(v.name());
      }
      for (Index i : v.indices()) {
        if (i instanceof Index.Gate g) {
          out.add(g.element().name());
        }
      }
    } else if (e instanceof ArrayVector a && a.latent()) {
      out.add(a.name());
    } else if (e instanceof Element el) {
      collectLatents(el.target(), out);
    } else if (e instanceof Neg n) {
      collectLatents(n.operand(), out);
    } else if (e instanceof Binary b) {
      collectLatents(b.left(), out);
      collectLatents(b.right(), out);
    } else if (e instanceof Call c) {
      c.args().forEach(a -> collectLatents(a, out));
    }
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
