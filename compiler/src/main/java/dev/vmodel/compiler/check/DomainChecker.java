package dev.vmodel.compiler.check;

import static dev.vmodel.compiler.check.ExprChecker.scalarDomain;

import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import java.util.OptionalDouble;

/**
 * Checks that a value lies in the domain a parameter or a declared type requires (E026), and
 * records what the uses of a hyper require of it, for the fit-time check of its value.
 */
final class DomainChecker {
  private final AttrContext ctx;
  private final Diagnostics diags;

  DomainChecker(AttrContext ctx) {
    this.ctx = ctx;
    this.diags = ctx.diags;
  }

  /** Checks that a value of type {@code actual} lies in {@code required}'s domain. */
  boolean checkDomain(Type required, Type actual, Expr value, String what) {
    noteHyperRequirement(required, value);
    Domain need;
    Domain have;
    if (required instanceof Type.Scalar rs) {
      need = rs.domain();
      OptionalDouble v = ctx.constants.value(value);
      if (v.isPresent()) {
        if (need.contains(v.getAsDouble())) {
          return true;
        }
        diags.error(
            Code.DOMAIN, value.span(),
            what + " must be " + domainPhrase(need) + ", found " + AstPrinter.print(value)
                + (AstPrinter.print(value).equals(format(v.getAsDouble())) ? "" : " = " + format(v.getAsDouble())),
            null);
        return false;
      }
      have = scalarDomain(actual);
    } else if (required instanceof Type.Vector rv) {
      need = rv.domain();
      have = ((Type.Vector) actual).domain();
      if (need == Domain.POSITIVE && have == Domain.SIMPLEX) {
        return true;
      }
      if (need == Domain.REAL) {
        return true;
      }
    } else {
      need = ((Type.Matrix) required).domain();
      have = ((Type.Matrix) actual).domain();
      if (need == Domain.REAL) {
        return true;
      }
    }
    if (have == need || have.within(need)) {
      return true;
    }
    diags.error(
        Code.DOMAIN, value.span(),
        what + " must be " + domainPhrase(need) + ", but '" + AstPrinter.print(value) + "' is "
            + (actual instanceof Type.Matrix
                ? "a general " + actual.text() // "matrix[D, D] with real entries" did not say what is missing
                : actual.text() + (actual instanceof Type.Scalar ? "" : " with " + have.word() + " entries")),
        domainHint(need));
    return false;
  }

  /** Hypers used directly as a parameter (or repeated by rep) must stay in its domain at fit time. */
  private void noteHyperRequirement(Type required, Expr value) {
    Expr e = value;
    Domain need = null;
    if (required instanceof Type.Scalar rs) {
      need = rs.domain();
    } else if (required instanceof Type.Vector rv && value instanceof Expr.Call c && c.name().equals("rep")
        && !c.args().isEmpty()) {
      need = rv.domain() == Domain.SIMPLEX ? null : rv.domain();
      e = c.args().get(0).value();
    }
    if (need == null || need == Domain.REAL || !(e instanceof Expr.Name n)
        || !(ctx.table.get(n.name()) instanceof Decl.HyperDecl)) {
      return;
    }
    Domain prev = ctx.hyperRequirements.get(n.name());
    if (prev == null || need.within(prev)) {
      ctx.hyperRequirements.put(n.name(), need);
    }
  }

  private static String domainPhrase(Domain d) {
    return d.phrase();
  }

  private static String domainHint(Domain d) {
    switch (d) {
      case POSITIVE:
        return "declare it positive (e.g. `positive`, or a Gamma prior), or use a positive constant";
      case SPD:
        return "use an spd[D] value, e.g. identity(D), diag(v) of a positive vector, or a Wishart latent";
      case SIMPLEX:
        return "use a simplex[K] value, e.g. a latent with a Dirichlet prior, or the constant rep(1.0 / K, K)";
      case UNIT:
        return "declare it unit (e.g. a Beta prior)";
      default:
        return null;
    }
  }

  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
