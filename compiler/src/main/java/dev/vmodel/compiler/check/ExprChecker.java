package dev.vmodel.compiler.check;

import static dev.vmodel.compiler.check.SymbolTable.describe;
import static dev.vmodel.compiler.check.SymbolTable.plateIndices;
import static dev.vmodel.compiler.check.SymbolTable.plateOf;
import static dev.vmodel.compiler.check.SymbolTable.plateSizes;

import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.ast.PlateIndex;
import dev.vmodel.compiler.check.CheckedModel.PlateDim;
import dev.vmodel.compiler.check.Scope.Context;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Types expressions: names, indexing, operators (calls are {@link Functions}). Records every
 * expression's type and every declaration a body refers to in the {@link AttrContext}.
 */
final class ExprChecker {
  private final AttrContext ctx;
  private final SymbolTable table;
  private final Diagnostics diags;
  private final Functions functions;

  ExprChecker(AttrContext ctx) {
    this.ctx = ctx;
    this.table = ctx.table;
    this.diags = ctx.diags;
    this.functions = new Functions(ctx, this);
  }

  /** Types an expression, reporting what is wrong; null when the expression is ill-typed. */
  Type check(Expr e, Scope scope) {
    Type t = checkInner(e, scope);
    if (t != null) {
      ctx.exprTypes.put(e, t);
    }
    return t;
  }

  OptionalDouble constant(Expr e) {
    return ctx.constants.value(e);
  }

  private Type checkInner(Expr e, Scope scope) {
    if (e instanceof Expr.Missing) {
      return null;
    } else if (e instanceof Expr.Number n) {
      return new Type.Scalar(Domain.ofConstant(n.value()));
    } else if (e instanceof Expr.Name n) {
      return checkName(n, scope, false);
    } else if (e instanceof Expr.Index ix) {
      return checkIndex(ix, scope);
    } else if (e instanceof Expr.Call c) {
      Type t = functions.checkCall(c, scope);
      return t == null || !finiteOrReported(c) ? null : t;
    } else if (e instanceof Expr.Neg n) {
      Type t = check(n.operand(), scope);
      if (t == null) {
        return null;
      }
      return negate(t);
    } else if (e instanceof Expr.Binary b) {
      Type l = check(b.left(), scope);
      Type r = check(b.right(), scope);
      if (l == null || r == null || !finiteOrReported(b)) {
        return null;
      }
      return binary(b, l, r);
    }
    throw new IllegalStateException("unknown expression " + e);
  }

  /**
   * E028 where a constant operation makes something that is not a finite number out of
   * finite operands: a division by zero, an overflow, the log of a non-positive number. A
   * default of infinity or NaN would be written into the generated code or silently become
   * a wrong number at fit time.
   */
  private boolean finiteOrReported(Expr e) {
    String why = null;
    if (e instanceof Expr.Binary b) {
      OptionalDouble l = constant(b.left());
      OptionalDouble r = constant(b.right());
      if (b.op() == Expr.BinOp.DIV && r.isPresent() && r.getAsDouble() == 0) {
        why = "divides by zero";
      } else if (l.isPresent() && r.isPresent()) {
        double x = l.getAsDouble();
        double y = r.getAsDouble();
        double v = switch (b.op()) {
          case ADD -> x + y;
          case SUB -> x - y;
          case MUL -> x * y;
          default -> x / y;
        };
        if (Double.isInfinite(v)) {
          why = "overflows: its value, " + (v > 0 ? "" : "-") + "infinity, is beyond the largest double (about 1.8e308)";
        }
      }
    } else if (e instanceof Expr.Call c && c.args().size() == 1 && c.args().get(0).name().isEmpty()) {
      OptionalDouble x = constant(c.args().get(0).value());
      if (x.isPresent() && c.name().equals("exp") && Double.isInfinite(Math.exp(x.getAsDouble()))) {
        why = "overflows: exp of more than about 709.78 is beyond the largest double (about 1.8e308)";
      } else if (x.isPresent() && c.name().equals("log") && x.getAsDouble() <= 0) {
        why = "is undefined: the log of " + (x.getAsDouble() == 0 ? "zero" : "a negative number")
            + " is not a real number";
      }
    }
    if (why == null) {
      return true;
    }
    diags.error(
        Code.NOT_FINITE,
        e.span(),
        "the constant '" + AstPrinter.print(e) + "' " + why,
        "a constant must evaluate to a finite number; change the numbers (or the defaults) it is made of");
    return false;
  }

  private static Type negate(Type t) {
    if (t instanceof Type.Scalar s) {
      return new Type.Scalar(s.domain().isInteger() ? Domain.INT : Domain.REAL);
    } else if (t instanceof Type.Cat) {
      return new Type.Scalar(Domain.INT);
    } else if (t instanceof Type.Vector v) {
      return new Type.Vector(v.length(), Domain.REAL);
    }
    Type.Matrix m = (Type.Matrix) t;
    return new Type.Matrix(m.rows(), m.cols(), Domain.REAL);
  }

  private Type checkName(Expr.Name n, Scope scope, boolean indexed) {
    String name = n.name();
    if (scope.unknownIndices.contains(name)) {
      return null;
    }
    PlateDim index = scope.indices.get(name);
    if (index != null) {
      return new Type.Cat(new Dim.Named(index.size()));
    }
    Decl d = table.get(name);
    if (d == null) {
      if (table.indexBindings().containsKey(name)) {
        diags.error(
            Code.INDEX_NOT_BOUND,
            n.span(),
            "index '" + name + "' is not bound here; it is bound in the plate of '" + table.indexOwners().get(name)
                + "' at line " + table.indexBindings().get(name).line(),
            scope.context != Context.DISTRIBUTION
                ? "indices exist only inside the declaration whose plate binds them"
                : scope.indices.isEmpty()
                    ? "declare '" + scope.owner + "' over a plate that binds it, e.g. `" + scope.owner + "["
                        + name + " in " + sizeOfIndex(name) + "]`"
                    : "the declaration of '" + scope.owner + "' binds only " + String.join(", ",
                        scope.indices.keySet().stream().map(i -> "'" + i + "'").toList()));
        return null;
      }
      TypeResolver.undeclared(diags, table.names(), n.id(), scope.indices.keySet(),
          "declare it, e.g. `hyper " + n.name() + " = 1.0;` or `latent " + n.name() + ": real ~ Normal(0, 1);`");
      return null;
    }
    ctx.used.add(name);
    if (d instanceof Decl.SizeDecl) {
      if (scope.context == Context.SIZE_DEFAULT || scope.context == Context.HYPER_DEFAULT) {
        scope.deps.add(name);
      }
      return new Type.Scalar(Domain.POSITIVE_INT);
    }
    if (d instanceof Decl.HyperDecl) {
      if (scope.context == Context.SIZE_DEFAULT) {
        diags.error(
            Code.BAD_SIZE_DEFAULT,
            n.span(),
            "the default of size '" + scope.owner + "' may refer only to sizes and numbers; '" + name
                + "' is a hyper",
            "sizes are integers fixed before hyperparameters; write a number");
        return null;
      }
      scope.deps.add(name);
      if (ctx.failedHypers.contains(name)) {
        return null;
      }
      // Hypers are checked in dependency order, so a hyper is typed before its uses; one on a
      // cycle (reported by the cycle check) is not.
      return ctx.hyperTypes.get(name);
    }
    // data or latent
    if (scope.context != Context.DISTRIBUTION) {
      Code code = scope.context == Context.SIZE_DEFAULT ? Code.BAD_SIZE_DEFAULT : Code.HYPER_NOT_CONSTANT;
      String what = scope.context == Context.SIZE_DEFAULT ? "size" : "hyper";
      diags.error(
          code,
          n.span(),
          "the default of " + what + " '" + scope.owner + "' must be constant, but '" + name + "' is "
              + describe(d),
          "a default may refer only to numbers, sizes and other hypers");
      return null;
    }
    scope.deps.add(name);
    if (ctx.poisonedVars.contains(name)) {
      return null;
    }
    List<PlateIndex> plate = plateOf(d);
    Type element = table.elementType(name);
    if (element == null) {
      return null;
    }
    if (!plate.isEmpty() && !indexed) {
      // A one-dimensional array of scalars may be used whole, as a vector (`diag(alpha)`).
      if (plate.size() == 1 && element instanceof Type.Scalar s) {
        return new Type.Vector(new Dim.Named(plate.get(0).size().name()), vectorDomain(s.domain()));
      }
      // A one-dimensional array of vectors used whole is the matrix of its rows (`softmax(W * x[n])`).
      if (plate.size() == 1 && element instanceof Type.Vector v) {
        return new Type.Matrix(new Dim.Named(plate.get(0).size().name()), v.length(), Domain.REAL);
      }
      diags.error(
          Code.INDEX_COUNT,
          n.span(),
          "'" + name + "' is an array over " + plateSizes(plate) + "; index it to use an element",
          "write e.g. " + name + "[" + plateIndices(plate) + "]");
      return null;
    }
    return element;
  }

  private String sizeOfIndex(String index) {
    for (Decl d : table.model().decls()) {
      for (PlateIndex p : plateOf(d)) {
        if (p.index().name().equals(index)) {
          return p.size().name();
        }
      }
    }
    return "N";
  }

  static Domain vectorDomain(Domain scalar) {
    if (scalar == Domain.POSITIVE || scalar == Domain.UNIT || scalar == Domain.POSITIVE_INT) {
      return Domain.POSITIVE;
    }
    return Domain.REAL;
  }

  private Type checkIndex(Expr.Index ix, Scope scope) {
    List<Expr> indices = ix.indices();
    if (ix.target() instanceof Expr.Name n && !scope.indices.containsKey(n.name())
        && !scope.unknownIndices.contains(n.name()) && table.get(n.name()) != null
        && !plateOf(table.get(n.name())).isEmpty()) {
      Decl d = table.get(n.name());
      Type element = checkName(n, scope, true);
      if (element == null) {
        for (Expr i : indices) {
          check(i, scope);
        }
        return null;
      }
      ctx.exprTypes.put(n, element);
      List<PlateIndex> plate = plateOf(d);
      // An array of scalars takes exactly one index per plate dimension; an array of vectors or
      // matrices takes more to reach into its elements.
      boolean scalarElements = element instanceof Type.Scalar || element instanceof Type.Cat;
      if (indices.size() < plate.size() || (scalarElements && indices.size() > plate.size())) {
        for (Expr i : indices) {
          check(i, scope);
        }
        diags.error(
            Code.INDEX_COUNT,
            ix.span(),
            "'" + n.name() + "' is an array over " + plateSizes(plate) + " and takes " + plate.size()
                + (plate.size() == 1 ? " index" : " indices") + ", found " + indices.size(),
            "write " + n.name() + "[" + plateIndices(plate) + "]");
        return null;
      }
      boolean ok = true;
      for (int i = 0; i < plate.size(); i++) {
        ok &= checkIndexExpr(indices.get(i), new Dim.Named(plate.get(i).size().name()), n.name(), i + 1, scope);
      }
      if (!ok) {
        for (int i = plate.size(); i < indices.size(); i++) {
          check(indices.get(i), scope);
        }
        return null;
      }
      return elementIndex(element, indices.subList(plate.size(), indices.size()), ix, scope, AstPrinter.print(
          indices.size() == plate.size() ? ix : new Expr.Index(n, indices.subList(0, plate.size()), ix.span())));
    }
    Type target = check(ix.target(), scope);
    if (target == null) {
      for (Expr i : indices) {
        check(i, scope);
      }
      return null;
    }
    return elementIndex(target, indices, ix, scope, AstPrinter.print(ix.target()));
  }

  /** Indexes into a vector or matrix value; scalars cannot be indexed. */
  private Type elementIndex(Type t, List<Expr> indices, Expr.Index ix, Scope scope, String targetText) {
    if (indices.isEmpty()) {
      return t;
    }
    if (t instanceof Type.Scalar || t instanceof Type.Cat) {
      for (Expr i : indices) {
        check(i, scope);
      }
      diags.error(
          Code.INDEXING_SCALAR,
          ix.span(),
          "'" + targetText + "' is a scalar (" + t.text() + ") and cannot be indexed",
          "only arrays (declared over a plate), vectors and matrices take indices");
      return null;
    }
    if (t instanceof Type.Vector v) {
      if (indices.size() != 1) {
        diags.error(
            Code.INDEX_COUNT, ix.span(),
            "'" + targetText + "' is a vector and takes 1 index, found " + indices.size(), null);
        return null;
      }
      if (!checkIndexExpr(indices.get(0), v.length(), targetText, 1, scope)) {
        return null;
      }
      Domain d = v.domain() == Domain.SIMPLEX ? Domain.UNIT : v.domain() == Domain.POSITIVE ? Domain.POSITIVE : Domain.REAL;
      return new Type.Scalar(d);
    }
    Type.Matrix m = (Type.Matrix) t;
    if (indices.size() > 2) {
      diags.error(
          Code.INDEX_COUNT, ix.span(),
          "'" + targetText + "' is a matrix and takes at most 2 indices, found " + indices.size(), null);
      return null;
    }
    if (!checkIndexExpr(indices.get(0), m.rows(), targetText, 1, scope)) {
      return null;
    }
    if (indices.size() == 1) {
      return new Type.Vector(m.cols(), Domain.REAL);
    }
    if (!checkIndexExpr(indices.get(1), m.cols(), targetText, 2, scope)) {
      return null;
    }
    return new Type.Scalar(Domain.REAL);
  }

  private boolean checkIndexExpr(Expr index, Dim expected, String target, int position, Scope scope) {
    Type t = check(index, scope);
    if (t == null) {
      return false;
    }
    if (t instanceof Type.Cat c) {
      if (!c.range().equals(expected)) {
        diags.error(
            Code.INDEX_RANGE,
            index.span(),
            "index '" + AstPrinter.print(index) + "' ranges over " + c.range().text() + ", but dimension "
                + position + " of '" + target + "' ranges over " + expected.text(),
            "index it with something that ranges over " + expected.text());
        return false;
      }
      return true;
    }
    if (t instanceof Type.Scalar s && s.domain().isInteger()) {
      OptionalDouble v = constant(index);
      if (v.isPresent() && (v.getAsDouble() < 0
          || expected instanceof Dim.Fixed f && v.getAsDouble() >= f.n())) {
        diags.error(
            Code.INDEX_RANGE,
            index.span(),
            "index " + AstPrinter.print(index) + " is out of range: dimension " + position + " of '" + target
                + "' has size " + expected.text(),
            "indices are 0-based: 0 .. "
                + (expected instanceof Dim.Fixed f ? Integer.toString(f.n() - 1) : expected.text() + " - 1"));
        return false;
      }
      return true;
    }
    diags.error(
        Code.INDEX_NOT_INTEGER,
        index.span(),
        "index '" + AstPrinter.print(index) + "' must be an integer, but its type is " + t.text(),
        "index with a plate index, a cat[...] or int value, or an integer literal");
    return false;
  }

  static boolean isScalar(Type t) {
    return t instanceof Type.Scalar || t instanceof Type.Cat;
  }

  static Domain scalarDomain(Type t) {
    return t instanceof Type.Scalar s ? s.domain() : Domain.COUNT;
  }

  private Type binary(Expr.Binary b, Type l, Type r) {
    Expr.BinOp op = b.op();
    if (isScalar(l) && isScalar(r)) {
      OptionalDouble v = constant(b);
      if (v.isPresent()) {
        return new Type.Scalar(Domain.ofConstant(v.getAsDouble()));
      }
      Expr logisticOf = logisticArgument(b);
      if (logisticOf != null) {
        return logistic(b, logisticOf);
      }
      return new Type.Scalar(scalarOp(op, scalarDomain(l), scalarDomain(r)));
    }
    boolean additive = op == Expr.BinOp.ADD || op == Expr.BinOp.SUB;
    if (additive) {
      if (l.getClass() == r.getClass() && sameDims(l, r)) {
        if (l instanceof Type.Matrix lm && r instanceof Type.Matrix rm) {
          boolean spd = op == Expr.BinOp.ADD && lm.domain() == Domain.SPD && rm.domain() == Domain.SPD;
          return new Type.Matrix(lm.rows(), lm.cols(), spd ? Domain.SPD : Domain.REAL);
        }
        Type.Vector lv = (Type.Vector) l;
        return new Type.Vector(lv.length(), Domain.REAL);
      }
      return operandError(b, l, r, l.getClass() == r.getClass() ? "their dimensions differ" : null);
    }
    if (isScalar(l) || isScalar(r)) {
      Type scalar = isScalar(l) ? l : r;
      Type other = isScalar(l) ? r : l;
      if (op == Expr.BinOp.DIV && isScalar(l)) {
        return operandError(b, l, r, "a scalar cannot be divided by a " + kind(r));
      }
      boolean positive = scalarDomain(scalar).within(Domain.POSITIVE) || positiveConstant(isScalar(l) ? b.left() : b.right());
      if (other instanceof Type.Vector v) {
        return new Type.Vector(v.length(), positive && v.domain() != Domain.REAL ? Domain.POSITIVE : Domain.REAL);
      }
      Type.Matrix m = (Type.Matrix) other;
      return new Type.Matrix(m.rows(), m.cols(), positive && m.domain() == Domain.SPD ? Domain.SPD : Domain.REAL);
    }
    if (op == Expr.BinOp.MUL && l instanceof Type.Matrix lm) {
      if (r instanceof Type.Vector rv) {
        if (!lm.cols().equals(rv.length())) {
          return operandError(b, l, r, "the matrix has " + lm.cols().text() + " columns");
        }
        return new Type.Vector(lm.rows(), Domain.REAL);
      }
      Type.Matrix rm = (Type.Matrix) r;
      if (!lm.cols().equals(rm.rows())) {
        return operandError(b, l, r, "the inner dimensions differ");
      }
      return new Type.Matrix(lm.rows(), rm.cols(), Domain.REAL);
    }
    if (op == Expr.BinOp.MUL && l instanceof Type.Vector && r instanceof Type.Vector) {
      diags.error(
          Code.OPERAND_SHAPES, b.span(), "'*' cannot multiply two vectors (" + l.text() + " and " + r.text() + ")",
          "for the inner product write dot(a, b)");
      return null;
    }
    return operandError(b, l, r, null);
  }

  /**
   * X when {@code b} is the logistic function of X written out: `1 / (1 + exp(-X))`, or
   * `exp(X) / (1 + exp(X))` (either order of the sum); null otherwise.
   */
  private Expr logisticArgument(Expr.Binary b) {
    if (b.op() != Expr.BinOp.DIV || !(b.right() instanceof Expr.Binary sum) || sum.op() != Expr.BinOp.ADD) {
      return null;
    }
    Expr exp = isOne(sum.left()) ? sum.right() : isOne(sum.right()) ? sum.left() : null;
    Expr inDenominator = expArgument(exp);
    if (inDenominator == null) {
      return null;
    }
    if (isOne(b.left())) {
      return inDenominator instanceof Expr.Neg n ? n.operand() : inDenominator;
    }
    Expr inNumerator = expArgument(b.left());
    return inNumerator != null && AstPrinter.print(inNumerator).equals(AstPrinter.print(inDenominator))
        ? inNumerator : null;
  }

  private boolean isOne(Expr e) {
    OptionalDouble v = constant(e);
    return v.isPresent() && v.getAsDouble() == 1;
  }

  private static Expr expArgument(Expr e) {
    return e instanceof Expr.Call c && c.name().equals("exp") && c.args().size() == 1 && c.args().get(0).name().isEmpty()
        ? c.args().get(0).value() : null;
  }

  /**
   * The logistic function of data and constants is a number in (0, 1); of a latent it has no
   * conjugate update (E100, here rather than in the conjugacy analysis, so that its domain is
   * not misreported as merely positive).
   */
  private Type logistic(Expr.Binary b, Expr x) {
    String latent = Enter.namesIn(x).stream()
        .filter(n -> table.get(n) instanceof Decl.LatentDecl).findFirst().orElse(null);
    if (latent == null) {
      return new Type.Scalar(Domain.UNIT);
    }
    diags.error(
        Code.NOT_CONJUGATE,
        b.span(),
        "'" + AstPrinter.print(b) + "' is the logistic function of the latent '" + latent + "' written out: it has"
            + " no closed-form expectation, so no factor has a closed-form update",
        "write it as logistic(" + AstPrinter.print(x) + "): as the probability of an observed Bernoulli, vmodel"
            + " bounds it (Jaakkola and Jordan) so that a Gaussian latent inside keeps a closed-form update");
    return null;
  }

  private boolean positiveConstant(Expr e) {
    OptionalDouble v = constant(e);
    return v.isPresent() && v.getAsDouble() > 0;
  }

  private static String kind(Type t) {
    return Type.kindWord(t).replaceFirst("^an? ", "");
  }

  private Type operandError(Expr.Binary b, Type l, Type r, String why) {
    diags.error(
        Code.OPERAND_SHAPES,
        b.span(),
        "'" + b.op().symbol() + "' cannot combine " + l.text() + " and " + r.text() + (why == null ? "" : ": " + why),
        "'+' and '-' need operands of one shape; '*' scales by a scalar or multiplies a matrix by a vector");
    return null;
  }

  private static Domain scalarOp(Expr.BinOp op, Domain a, Domain b) {
    boolean pos = a.within(Domain.POSITIVE) && b.within(Domain.POSITIVE);
    boolean count = a.within(Domain.COUNT) && b.within(Domain.COUNT);
    boolean integer = a.isInteger() && b.isInteger();
    switch (op) {
      case ADD:
        return count ? (a == Domain.POSITIVE_INT || b == Domain.POSITIVE_INT ? Domain.POSITIVE_INT : Domain.COUNT)
            : pos ? Domain.POSITIVE : integer ? Domain.INT : Domain.REAL;
      case MUL:
        if (a == Domain.UNIT && b == Domain.UNIT) {
          return Domain.UNIT;
        }
        return count ? (a == Domain.POSITIVE_INT && b == Domain.POSITIVE_INT ? Domain.POSITIVE_INT : Domain.COUNT)
            : pos ? Domain.POSITIVE : integer ? Domain.INT : Domain.REAL;
      case DIV:
        return pos ? Domain.POSITIVE : Domain.REAL;
      default:
        return integer ? Domain.INT : Domain.REAL;
    }
  }

  static boolean sameDims(Type a, Type b) {
    if (a instanceof Type.Vector va && b instanceof Type.Vector vb) {
      return va.length().equals(vb.length());
    }
    if (a instanceof Type.Matrix ma && b instanceof Type.Matrix mb) {
      return ma.rows().equals(mb.rows()) && ma.cols().equals(mb.cols());
    }
    return false;
  }

  static boolean sameShape(Type declared, Type actual) {
    if (isScalar(declared)) {
      return isScalar(actual);
    }
    return sameDims(declared, actual);
  }

  static String describeValue(Expr e, Type t) {
    String text = AstPrinter.print(e);
    return "'" + text + "' (" + t.text() + ")";
  }

  /** For a whole array passed where an element was meant: "index it, e.g. mu[k]". */
  Optional<String> arrayHint(Expr arg) {
    if (arg instanceof Expr.Name n && table.get(n.name()) != null) {
      List<PlateIndex> plate = plateOf(table.get(n.name()));
      if (!plate.isEmpty()) {
        return Optional.of("'" + n.name() + "' is an array over " + plateSizes(plate) + "; index it, e.g. "
            + n.name() + "[" + plateIndices(plate) + "]");
      }
    }
    return Optional.empty();
  }
}
