package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;

/** The compiler's stated limits on what a model may ask for, checked with a located error (E055). */
final class Limits {
  /**
   * The largest size a default or a literal dimension may give: arrays over sizes are held in
   * memory (a cat[K] with K = 10^9 would need gigabytes per row), and a size is a Java int.
   * Sizes bound from data at fit time are not limited here.
   */
  static final int MAX_SIZE = 10_000_000;

  /**
   * The most hypers a model may declare: the generated class sets every hyper in one method,
   * and a Java method holds at most 64 KB of bytecode (10,000 hypers gave "code too large").
   */
  static final int MAX_HYPERS = 1_000;

  private Limits() {}

  /** E055 at the first hyper past {@link #MAX_HYPERS}. */
  static void checkHyperCount(SymbolTable table, Diagnostics diags) {
    int count = 0;
    for (Decl d : table.model().decls()) {
      if (d instanceof Decl.HyperDecl h && ++count == MAX_HYPERS + 1) {
        diags.error(
            Code.TOO_LARGE,
            h.name().span(),
            "hyper '" + h.name().name() + "' is hyper number " + String.format("%,d", count) + ", more than "
                + String.format("%,d", MAX_HYPERS) + ", the most hypers a model may declare (the generated"
                + " code sets them in one Java method, whose size Java limits)",
            "group constants into vector or matrix hypers, e.g. `hyper a: vector[K] = rep(1.0, K);`");
        return;
      }
    }
  }

  /** E055 for a size default or a dimension above {@link #MAX_SIZE}. */
  static void sizeTooLarge(Diagnostics diags, Expr at, double value, String what) {
    String text = AstPrinter.print(at);
    String shown = text.equals(DomainChecker.format(value)) ? text : text + " = " + DomainChecker.format(value);
    diags.error(
        Code.TOO_LARGE,
        at.span(),
        what + " is " + shown + ", more than " + String.format("%,d", MAX_SIZE)
            + ", the largest size a model may give (arrays over it could not be allocated)",
        "use a smaller size, or bind a data size from the data file at fit time");
  }
}
