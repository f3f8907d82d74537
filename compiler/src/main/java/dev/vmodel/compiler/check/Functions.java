package dev.vmodel.compiler.check;

import static dev.vmodel.compiler.check.ExprChecker.describeValue;
import static dev.vmodel.compiler.check.ExprChecker.isScalar;
import static dev.vmodel.compiler.check.ExprChecker.vectorDomain;

import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.dist.Distributions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/** Types calls of the built-in functions (`dot`, `sum`, `rep`, `zeros`, ...). */
final class Functions {
  static final Set<String> FUNCTIONS =
      new LinkedHashSet<>(List.of("dot", "sum", "rep", "zeros", "identity", "diag", "exp", "log", "logistic",
          "softmax", "stick"));

  private final AttrContext ctx;
  private final ExprChecker exprs;
  private final Diagnostics diags;
  private final TypeResolver types;

  Functions(AttrContext ctx, ExprChecker exprs) {
    this.ctx = ctx;
    this.exprs = exprs;
    this.diags = ctx.diags;
    this.types = new TypeResolver(ctx.table.symbols(), ctx.table.names(), ctx.diags, ctx.used);
  }

  Type checkCall(Expr.Call c, Scope scope) {
    String name = c.name();
    if (Distributions.lookup(name).isPresent()) {
      diags.error(
          Code.DISTRIBUTION_AS_VALUE,
          c.span(),
          "'" + name + "' is a distribution; it can only follow '~'",
          "give the value a name of its own: `latent x: ... ~ " + name + "(...);` and use x here");
      return null;
    }
    if (!FUNCTIONS.contains(name)) {
      for (Expr.Arg a : c.args()) {
        exprs.check(a.value(), scope);
      }
      Decl d = ctx.table.get(name);
      diags.error(
          Code.UNKNOWN_FUNCTION,
          c.fn().span(),
          d != null ? "'" + name + "' is " + SymbolTable.describe(d) + ", not a function" : "unknown function '" + name + "'",
          Suggest.closest(name, FUNCTIONS).map(s -> "did you mean '" + s + "'?")
              .orElse("functions are " + String.join(", ", FUNCTIONS)));
      return null;
    }
    for (Expr.Arg a : c.args()) {
      if (a.name().isPresent()) {
        diags.error(
            Code.NAMED_ARGUMENT, a.name().get().span(), "function " + name + " takes no named arguments",
            "remove '" + a.name().get().name() + ":'");
        return null;
      }
    }
    List<Expr> args = c.args().stream().map(Expr.Arg::value).toList();
    switch (name) {
      case "dot":
        return function(c, args, 2, "dot(a, b) with two vectors of one length", scope, ts -> {
          if (ts.get(0) instanceof Type.Vector a && ts.get(1) instanceof Type.Vector b) {
            if (!a.length().equals(b.length())) {
              diags.error(
                  Code.SHAPE_MISMATCH, c.span(),
                  "dot needs two vectors of the same length, found " + a.text() + " and " + b.text(), null);
              return null;
            }
            boolean pos = a.domain() != Domain.REAL && b.domain() != Domain.REAL;
            return new Type.Scalar(pos ? Domain.POSITIVE : Domain.REAL);
          }
          return kindError(c, args, ts, "dot needs two vectors");
        });
      case "sum":
        return function(c, args, 1, "sum(v) of a vector", scope, ts -> {
          if (ts.get(0) instanceof Type.Vector v) {
            return new Type.Scalar(v.domain() == Domain.REAL ? Domain.REAL : Domain.POSITIVE);
          }
          return kindError(c, args, ts, "sum needs a vector");
        });
      case "rep": {
        if (args.size() != 2) {
          return arity(c, "2", "rep(value, K): a vector of K copies of a scalar");
        }
        Type v = exprs.check(args.get(0), scope);
        Dim k = types.resolveDim(args.get(1));
        if (v == null || k == null) {
          return null;
        }
        if (!(v instanceof Type.Scalar s)) {
          return kindError(c, args.subList(0, 1), List.of(v), "rep repeats a scalar");
        }
        if (uniformSimplex(args.get(0), args.get(1))) {
          return new Type.Vector(k, Domain.SIMPLEX);
        }
        OptionalDouble cv = exprs.constant(args.get(0));
        Domain d = cv.isPresent() ? Domain.ofConstant(cv.getAsDouble()) : s.domain();
        return new Type.Vector(k, vectorDomain(d));
      }
      case "zeros": {
        if (args.size() != 1 && args.size() != 2) {
          return arity(c, "1 or 2", "zeros(D) for a vector or zeros(R, C) for a matrix");
        }
        Dim r = types.resolveDim(args.get(0));
        Dim col = args.size() == 2 ? types.resolveDim(args.get(1)) : null;
        if (r == null || (args.size() == 2 && col == null)) {
          return null;
        }
        return col == null ? new Type.Vector(r, Domain.REAL) : new Type.Matrix(r, col, Domain.REAL);
      }
      case "identity": {
        if (args.size() != 1) {
          return arity(c, "1", "identity(D): the D x D identity matrix");
        }
        Dim d = types.resolveDim(args.get(0));
        return d == null ? null : new Type.Matrix(d, d, Domain.SPD);
      }
      case "diag":
        return function(c, args, 1, "diag(v): the diagonal matrix with v on its diagonal", scope, ts -> {
          if (ts.get(0) instanceof Type.Vector v) {
            return new Type.Matrix(v.length(), v.length(), v.domain() == Domain.REAL ? Domain.REAL : Domain.SPD);
          }
          return kindError(c, args, ts, "diag needs a vector");
        });
      case "stick":
        return function(c, args, 1, "stick(v): the stick-breaking weights v[k] prod_{j<k} (1 - v[j]) of a vector"
            + " of values in (0, 1)", scope, ts -> {
              if (ts.get(0) instanceof Type.Vector v && (v.domain() == Domain.UNIT || unitArray(args.get(0)))) {
                return new Type.Vector(v.length(), Domain.SIMPLEX);
              }
              return kindError(c, args, ts, "stick needs a vector of values in (0, 1), such as a latent array"
                  + " v[k in K]: unit ~ Beta(1, gamma0)");
            });
      case "exp":
        return function(c, args, 1, "exp(x) of a scalar", scope, ts -> {
          if (isScalar(ts.get(0))) {
            return new Type.Scalar(Domain.POSITIVE);
          }
          return kindError(c, args, ts, "exp takes a scalar");
        });
      case "logistic":
        return function(c, args, 1, "logistic(x) = 1 / (1 + exp(-x)) of a scalar", scope, ts -> {
          if (isScalar(ts.get(0))) {
            return new Type.Scalar(Domain.UNIT);
          }
          return kindError(c, args, ts, "logistic takes a scalar");
        });
      case "softmax":
        return function(c, args, 1, "softmax(v): the vector exp(v[k]) / sum_j exp(v[j]) of a vector", scope, ts -> {
          if (ts.get(0) instanceof Type.Vector v) {
            return new Type.Vector(v.length(), Domain.SIMPLEX);
          }
          return kindError(c, args, ts, "softmax takes a vector");
        });
      default: // log
        return function(c, args, 1, "log(x) of a positive scalar", scope, ts -> {
          if (isScalar(ts.get(0))) {
            return new Type.Scalar(Domain.REAL);
          }
          return kindError(c, args, ts, "log takes a scalar");
        });
    }
  }

  /**
   * Whether `rep(value, count)` is a simplex whatever the fit-time values of sizes and hypers:
   * `rep(1 / K, K)` (the numerator folds to 1, the denominator is the count's size or number),
   * or a value made of numbers only repeated a literal number of times, summing to one within
   * 1e-9. A value read from a size or hyper default is not, as either may be set at fit time.
   */
  /** A name of an array of values in (0, 1) ({@code latent v[k in K]: unit}), used as a vector. */
  private boolean unitArray(Expr e) {
    Type t = e instanceof Expr.Name n ? ctx.table.elementType(n.id().name()) : null;
    return t instanceof Type.Scalar s && s.domain() == Domain.UNIT;
  }

  private boolean uniformSimplex(Expr value, Expr count) {
    if (value instanceof Expr.Binary b && b.op() == Expr.BinOp.DIV && numbersOnly(b.left())) {
      OptionalDouble one = exprs.constant(b.left());
      boolean sameSize = b.right() instanceof Expr.Name d && count instanceof Expr.Name k && d.name().equals(k.name());
      boolean sameNumber = b.right() instanceof Expr.Number d && count instanceof Expr.Number k && d.value() == k.value();
      boolean sameCount = sameSize || sameNumber;
      if (one.isPresent() && one.getAsDouble() == 1 && sameCount) {
        return true;
      }
    }
    if (numbersOnly(value) && count instanceof Expr.Number k) {
      OptionalDouble v = exprs.constant(value);
      return v.isPresent() && v.getAsDouble() > 0 && Math.abs(v.getAsDouble() * k.value() - 1) <= 1e-9;
    }
    return false;
  }

  private static boolean numbersOnly(Expr e) {
    return Enter.namesIn(e).isEmpty() && !(e instanceof Expr.Missing);
  }

  private interface Rule {
    Type apply(List<Type> argTypes);
  }

  private Type function(Expr.Call c, List<Expr> args, int arity, String usage, Scope scope, Rule rule) {
    List<Type> ts = new ArrayList<>();
    boolean ok = true;
    for (Expr a : args) {
      Type t = exprs.check(a, scope);
      ok &= t != null;
      ts.add(t);
    }
    if (args.size() != arity) {
      return arity(c, Integer.toString(arity), usage);
    }
    return ok ? rule.apply(ts) : null;
  }

  /** `rep takes 2 arguments, found 3`, worded like a distribution's argument count. */
  private Type arity(Expr.Call c, String expected, String usage) {
    diags.error(
        Code.ARGUMENT_COUNT, c.span(),
        c.name() + " takes " + expected + (expected.equals("1") ? " argument" : " arguments") + ", found "
            + c.args().size(),
        "write " + usage);
    return null;
  }

  private Type kindError(Expr.Call c, List<Expr> args, List<Type> ts, String need) {
    StringBuilder found = new StringBuilder();
    for (int i = 0; i < ts.size(); i++) {
      found.append(i == 0 ? "" : " and ").append(describeValue(args.get(i), ts.get(i)));
    }
    diags.error(Code.ARGUMENT_KIND, c.span(), need + ", found " + found, null);
    return null;
  }
}
