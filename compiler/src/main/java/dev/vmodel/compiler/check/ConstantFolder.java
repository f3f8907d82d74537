package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The value of an expression made of numbers, sizes with defaults and hypers with defaults, if
 * it has one; used for domain checks of constants (hypers are checked again at fit time).
 * Values are remembered per expression and per name, so a chain of hypers is folded once. A
 * result that is not a finite number (an overflow, a division by zero) has no value here; the
 * checker reports it where it arises ({@link ExprChecker}, E028).
 */
final class ConstantFolder {
  private final Map<String, Decl> symbols;
  private final Map<Expr, OptionalDouble> byExpr = new IdentityHashMap<>();
  private final Map<String, OptionalDouble> byName = new HashMap<>();
  private final Set<String> evaluating = new HashSet<>();

  ConstantFolder(Map<String, Decl> symbols) {
    this.symbols = symbols;
  }

  OptionalDouble value(Expr e) {
    OptionalDouble known = byExpr.get(e);
    if (known != null) {
      return known;
    }
    OptionalDouble v = fold(e);
    if (v.isPresent() && !Double.isFinite(v.getAsDouble())) {
      v = OptionalDouble.empty(); // reported where it arises (E028): no infinity flows further
    }
    byExpr.put(e, v);
    return v;
  }

  /** Records that a size or hyper has no value (its default is on or after a cycle). */
  void unknown(String name) {
    byName.put(name, OptionalDouble.empty());
  }

  /** The value of a size's or hyper's default; empty on a cycle (reported elsewhere). */
  OptionalDouble valueOf(String name) {
    OptionalDouble known = byName.get(name);
    if (known != null) {
      return known;
    }
    Decl d = symbols.get(name);
    Optional<Expr> value = Optional.empty();
    if (d instanceof Decl.SizeDecl s) {
      value = s.value();
    } else if (d instanceof Decl.HyperDecl h) {
      value = h.value();
    }
    if (value.isEmpty() || !evaluating.add(name)) {
      return OptionalDouble.empty();
    }
    try {
      OptionalDouble v = value(value.get());
      byName.put(name, v);
      return v;
    } finally {
      evaluating.remove(name);
    }
  }

  private OptionalDouble fold(Expr e) {
    if (e instanceof Expr.Number n) {
      return OptionalDouble.of(n.value());
    } else if (e instanceof Expr.Name n) {
      return valueOf(n.name());
    } else if (e instanceof Expr.Neg n) {
      OptionalDouble v = value(n.operand());
      return v.isPresent() ? OptionalDouble.of(-v.getAsDouble()) : v;
    } else if (e instanceof Expr.Binary b) {
      OptionalDouble l = value(b.left());
      OptionalDouble r = value(b.right());
      if (l.isEmpty() || r.isEmpty()) {
        return OptionalDouble.empty();
      }
      double x = l.getAsDouble();
      double y = r.getAsDouble();
      switch (b.op()) {
        case ADD:
          return OptionalDouble.of(x + y);
        case SUB:
          return OptionalDouble.of(x - y);
        case MUL:
          return OptionalDouble.of(x * y);
        default:
          return y == 0 ? OptionalDouble.empty() : OptionalDouble.of(x / y);
      }
    } else if (e instanceof Expr.Call c && c.args().size() == 1 && c.args().get(0).name().isEmpty()) {
      OptionalDouble v = value(c.args().get(0).value());
      if (v.isPresent() && c.name().equals("exp")) {
        return OptionalDouble.of(Math.exp(v.getAsDouble()));
      }
      if (v.isPresent() && c.name().equals("log") && v.getAsDouble() > 0) {
        return OptionalDouble.of(Math.log(v.getAsDouble()));
      }
    }
    return OptionalDouble.empty();
  }
}
