package dev.vmodel.compiler.graph;

import java.util.List;
import java.util.stream.Collectors;

/** Prints resolved expressions back in the language's syntax. */
public final class IrPrinter {
  private IrPrinter() {}

  public static String print(Ir e) {
    if (e instanceof Ir.Const c) {
      double v = c.value();
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    } else if (e instanceof Ir.Hyper h) {
      return h.name();
    } else if (e instanceof Ir.Size s) {
      return s.name();
    } else if (e instanceof Ir.IndexValue i) {
      return i.index();
    } else if (e instanceof Ir.Var v) {
      return v.name() + indices(v.indices());
    } else if (e instanceof Ir.ArrayVector a) {
      return a.name();
    } else if (e instanceof Ir.Element el) {
      return print(el.target()) + indices(el.indices());
    } else if (e instanceof Ir.Neg n) {
      return "-" + wrap(n.operand());
    } else if (e instanceof Ir.Binary b) {
      String op = switch (b.op()) {
        case ADD -> " + ";
        case SUB -> " - ";
        case MUL -> " * ";
        case DIV -> " / ";
      };
      return wrap(b.left()) + op + wrap(b.right());
    } else if (e instanceof Ir.Call c) {
      return c.fn() + c.args().stream().map(IrPrinter::print).collect(Collectors.joining(", ", "(", ")"));
    }
    throw new IllegalStateException(e.toString());
  }

  private static String wrap(Ir e) {
    return e instanceof Ir.Binary ? "(" + print(e) + ")" : print(e);
  }

  private static String indices(List<Ir.Index> idx) {
    if (idx.isEmpty()) {
      return "";
    }
    return idx.stream().map(IrPrinter::index).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String index(Ir.Index i) {
    if (i instanceof Ir.Index.Plate p) {
      return p.name();
    } else if (i instanceof Ir.Index.Data d) {
      return print(d.element());
    } else if (i instanceof Ir.Index.Gate g) {
      return print(g.element());
    }
    return Integer.toString(((Ir.Index.Fixed) i).value());
  }
}
