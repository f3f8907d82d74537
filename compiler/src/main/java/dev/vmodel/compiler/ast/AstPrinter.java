package dev.vmodel.compiler.ast;

import java.util.stream.Collectors;

/** Prints expressions back as source text, for messages and derivations. */
public final class AstPrinter {
  private AstPrinter() {}

  public static String print(Expr e) {
    return print(e, 0);
  }

  private static String print(Expr e, int parentPrecedence) {
    if (e instanceof Expr.Number n) {
      return n.text();
    } else if (e instanceof Expr.Name n) {
      return n.name();
    } else if (e instanceof Expr.Index i) {
      return print(i.target(), 10)
          + i.indices().stream().map(AstPrinter::print).collect(Collectors.joining(", ", "[", "]"));
    } else if (e instanceof Expr.Call c) {
      return c.name()
          + c.args().stream()
              .map(a -> a.name().map(id -> id.name() + ": ").orElse("") + print(a.value()))
              .collect(Collectors.joining(", ", "(", ")"));
    } else if (e instanceof Expr.Neg n) {
      String s = "-" + print(n.operand(), 3);
      return parentPrecedence > 3 ? "(" + s + ")" : s;
    } else if (e instanceof Expr.Binary b) {
      int p = b.op() == Expr.BinOp.MUL || b.op() == Expr.BinOp.DIV ? 2 : 1;
      String s =
          print(b.left(), p) + " " + b.op().symbol() + " " + print(b.right(), p + 1);
      return parentPrecedence > p ? "(" + s + ")" : s;
    } else if (e instanceof Expr.Missing) {
      return "<?>";
    }
    throw new IllegalStateException("unknown expression " + e);
  }
}
