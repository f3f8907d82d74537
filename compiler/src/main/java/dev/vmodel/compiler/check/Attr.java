package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.ast.Ident;
import dev.vmodel.compiler.ast.PlateIndex;
import dev.vmodel.compiler.ast.TypeRef;
import dev.vmodel.compiler.check.CheckedModel.BoundDistribution;
import dev.vmodel.compiler.check.CheckedModel.VarKind;
import dev.vmodel.compiler.check.CheckedModel.VarSym;
import dev.vmodel.compiler.check.Scope.Context;
import dev.vmodel.compiler.check.SymbolTable.Signature;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.dist.Distributions;
import dev.vmodel.compiler.diag.Diagnostics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The body pass, as javac's Attr: checks each declaration's body (a size's or hyper's default,
 * a variable's distribution) against the signatures {@link Enter} resolved. Declarations are
 * visited in the symbol table's dependency order, so everything a body refers to is checked
 * before it.
 */
final class Attr {
  private final AttrContext ctx;
  private final SymbolTable table;
  private final Diagnostics diags;
  private final ExprChecker exprs;
  private final DomainChecker domains;
  private final DistributionChecker distributions;

  Attr(AttrContext ctx) {
    this.ctx = ctx;
    this.table = ctx.table;
    this.diags = ctx.diags;
    this.exprs = new ExprChecker(ctx);
    this.domains = new DomainChecker(ctx);
    this.distributions = new DistributionChecker(ctx, exprs, domains);
  }

  /** Checks every body: size defaults, then hypers, then data and latents. */
  void run() {
    // Fold every constant default once, in dependency order: a chain of hypers is not folded
    // again for each of its uses, and never recursively. A default on or after a cycle has no
    // value (whatever it is made of, it needs its own).
    for (int i = 0; i < table.order().size(); i++) {
      Decl d = table.order().get(i);
      if (d instanceof Decl.SizeDecl || d instanceof Decl.HyperDecl) {
        String name = SymbolTable.nameOf(d).name();
        if (i < table.acyclic()) {
          ctx.constants.valueOf(name);
        } else {
          ctx.constants.unknown(name);
        }
      }
    }
    for (Decl d : table.model().decls()) {
      if (d instanceof Decl.SizeDecl s && table.isFirst(s)) {
        checkSizeDefault(s);
      }
    }
    for (Decl d : table.order()) {
      if (d instanceof Decl.HyperDecl h) {
        hyper(h);
      }
    }
    for (Decl d : table.order()) {
      if (d instanceof Decl.DataDecl data) {
        checkVariable(d, VarKind.DATA, data.name(), data.plate(), data.type(), data.distribution());
      } else if (d instanceof Decl.LatentDecl l) {
        checkVariable(d, VarKind.LATENT, l.name(), l.plate(), l.type(), l.distribution());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sizes and hyperparameters

  private void checkSizeDefault(Decl.SizeDecl s) {
    if (s.value().isEmpty()) {
      return;
    }
    Expr value = s.value().get();
    Scope scope = new Scope(Context.SIZE_DEFAULT, s.name().name(), Map.of());
    Type t = exprs.check(value, scope);
    ctx.deps.put(s.name().name(), scope.deps);
    if (t == null) {
      return;
    }
    OptionalDouble v = exprs.constant(value);
    boolean ok =
        t instanceof Type.Scalar sc
            && (v.isPresent() ? Domain.POSITIVE_INT.contains(v.getAsDouble()) : sc.domain() == Domain.POSITIVE_INT);
    if (!ok) {
      String text = AstPrinter.print(value);
      String found = v.isEmpty() ? ExprChecker.describeValue(value, t)
          : text + (text.equals(DomainChecker.format(v.getAsDouble())) ? "" : " = " + DomainChecker.format(v.getAsDouble()));
      diags.error(
          Code.BAD_SIZE_DEFAULT,
          value.span(),
          "the default of size '" + s.name().name() + "' must be a positive integer, found " + found,
          "write e.g. `size " + s.name().name() + " = 3;`");
    } else if (v.isPresent() && v.getAsDouble() > Limits.MAX_SIZE) {
      Limits.sizeTooLarge(diags, value, v.getAsDouble(), "the default of size '" + s.name().name() + "'");
    }
  }

  /** Checks a hyper once, recording its type or its failure. */
  private void hyper(Decl.HyperDecl h) {
    String name = h.name().name();
    Type t = checkHyper(h);
    if (t == null) {
      ctx.failedHypers.add(name);
    } else {
      ctx.hyperTypes.put(name, t);
    }
  }

  private Type checkHyper(Decl.HyperDecl h) {
    String name = h.name().name();
    if (table.failedHyperTypes().contains(name)) {
      return null;
    }
    Type declared = table.hyperTypes().get(name);
    if (h.value().isEmpty()) {
      ctx.deps.put(name, Set.of());
      if (declared == null) {
        diags.error(
            Code.HYPER_NEEDS_DEFAULT,
            h.name().span(),
            "hyper '" + name + "' has neither a default value nor a type",
            "give it a default, e.g. `hyper " + name + " = 1.0;`, or a type to be set at fit time,"
                + " e.g. `hyper " + name + ": real;`");
        return null;
      }
      return declared;
    }
    Expr value = h.value().get();
    Scope scope = new Scope(Context.HYPER_DEFAULT, name, Map.of());
    Type t = exprs.check(value, scope);
    ctx.deps.put(name, scope.deps);
    if (t == null) {
      ctx.failedHypers.add(name);
      return declared;
    }
    if (declared != null) {
      if (!ExprChecker.sameShape(declared, t)) {
        diags.error(
            Code.SHAPE_MISMATCH,
            value.span(),
            "hyper '" + name + "' is declared " + declared.text() + ", but its default is " + t.text(),
            "make the default a " + declared.text());
        ctx.failedHypers.add(name);
        return declared;
      }
      if (!domains.checkDomain(declared, t, value, "the default of hyper '" + name + "'")) {
        ctx.failedHypers.add(name);
        return declared;
      }
      // The tighter of the declared type and the default's: `matrix[D, D] = identity(D)` is spd.
      // A value set at fit time is checked against the same domain there.
      return tighten(declared, t);
    }
    return widenForHyper(t);
  }

  private static Type tighten(Type declared, Type value) {
    if (declared instanceof Type.Matrix d && value instanceof Type.Matrix v && v.domain() == Domain.SPD) {
      return new Type.Matrix(d.rows(), d.cols(), Domain.SPD);
    }
    if (declared instanceof Type.Vector d && value instanceof Type.Vector v && d.domain() == Domain.REAL
        && v.domain() != Domain.REAL) {
      return new Type.Vector(d.length(), v.domain() == Domain.SIMPLEX ? Domain.POSITIVE : v.domain());
    }
    return declared;
  }

  /** An untyped hyper takes its default's shape; scalars are `real` unless more is known. */
  private static Type widenForHyper(Type t) {
    if (t instanceof Type.Scalar s && s.domain() == Domain.POSITIVE_INT) {
      return new Type.Scalar(Domain.POSITIVE);
    }
    if (t instanceof Type.Cat) {
      return new Type.Scalar(Domain.COUNT);
    }
    return t;
  }

  // ---------------------------------------------------------------------------------------------
  // Data and latent declarations

  private void checkVariable(
      Decl decl, VarKind kind, Ident name, List<PlateIndex> plate, TypeRef typeRef, Optional<Expr.Call> dist) {
    Signature sig = table.signatures().get(name.name());
    Type type = sig.type();
    Scope scope = new Scope(Context.DISTRIBUTION, name.name(), sig.indices());
    scope.unknownIndices.addAll(sig.unknownIndices());
    Optional<BoundDistribution> bound = Optional.empty();
    if (dist.isEmpty()) {
      if (kind == VarKind.LATENT) {
        diags.error(
            Code.NO_PRIOR,
            name.span(),
            "latent '" + name.name() + "' has no distribution",
            "give it a prior, e.g. " + suggestPrior(name.name(), plate, type));
      }
    } else {
      bound = Optional.ofNullable(dist.get().name().equals(Distributions.MARKOV.name())
          ? distributions.checkMarkov(dist.get(), scope, name.name(), kind == VarKind.LATENT, sig.plates(), type)
          : distributions.check(dist.get(), scope, name.name(), type, typeRef));
    }
    ctx.deps.put(name.name(), scope.deps);
    ctx.vars.put(name.name(),
        type != null && sig.platesOk() ? new VarSym(name.name(), kind, sig.plates(), type, bound, decl.span()) : null);
  }

  /** A prior for a latent declared without one, as code in backticks. */
  private static String suggestPrior(String name, List<PlateIndex> plate, Type type) {
    return suggestPriorCode(name, plate, type).replaceAll("^|$", "`").replace("; with ", ";` with `");
  }

  private static String suggestPriorCode(String name, List<PlateIndex> plate, Type type) {
    String declared = name + (plate.isEmpty() ? "" : "[" + String.join(", ",
        plate.stream().map(p -> p.index().name() + " in " + p.size().name()).toList()) + "]");
    if (type == null) {
      return "latent " + declared + ": ... ~ Distribution(...);";
    }
    String lhs = "latent " + declared + ": " + type.text() + " ~ ";
    if (type instanceof Type.Scalar s) {
      switch (s.domain()) {
        case POSITIVE:
          return lhs + "Gamma(1, 1);";
        case UNIT:
          return lhs + "Beta(1, 1);";
        case BOOL:
          return lhs + "Bernoulli(0.5);";
        case COUNT:
          return lhs + "Poisson(1);";
        default:
          return lhs + "Normal(0, 1);";
      }
    } else if (type instanceof Type.Cat c) {
      return lhs + "Categorical(p); with latent p: simplex[" + c.range().text() + "] ~ Dirichlet(rep(1, "
          + c.range().text() + "));";
    } else if (type instanceof Type.Vector v) {
      String d = v.length().text();
      return v.domain() == Domain.SIMPLEX ? lhs + "Dirichlet(rep(1, " + d + "));"
          : lhs + "MultiNormal(zeros(" + d + "), identity(" + d + "));";
    } else if (type instanceof Type.Matrix m) {
      return lhs + "Wishart(identity(" + m.rows().text() + "), " + m.rows().text() + ");";
    }
    return lhs + "Normal(0, 1);";
  }
}
