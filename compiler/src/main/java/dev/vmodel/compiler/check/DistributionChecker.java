package dev.vmodel.compiler.check;

import static dev.vmodel.compiler.check.ExprChecker.describeValue;

import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.ast.TypeRef;
import dev.vmodel.compiler.check.CheckedModel.BoundArg;
import dev.vmodel.compiler.check.CheckedModel.BoundDistribution;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.dist.DistributionSpec;
import dev.vmodel.compiler.dist.Distributions;
import dev.vmodel.compiler.dist.ParamSlot;
import dev.vmodel.compiler.dist.Pattern;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a distribution after '~': binds its arguments to the parameter slots, checks each
 * argument's kind, shape and domain, and the declared type against the support.
 */
final class DistributionChecker {
  private final AttrContext ctx;
  private final Diagnostics diags;
  private final ExprChecker exprs;
  private final DomainChecker domains;

  DistributionChecker(AttrContext ctx, ExprChecker exprs, DomainChecker domains) {
    this.ctx = ctx;
    this.diags = ctx.diags;
    this.exprs = exprs;
    this.domains = domains;
  }

  BoundDistribution check(Expr.Call call, Scope scope, String owner, Type declared, TypeRef typeRef) {
    String name = call.name();
    Optional<DistributionSpec> found = Distributions.lookup(name);
    if (found.isEmpty()) {
      if (Functions.FUNCTIONS.contains(name)) {
        diags.error(
            Code.UNKNOWN_DISTRIBUTION,
            call.fn().span(),
            "'" + name + "' is a function, not a distribution",
            "after '~' write a distribution: " + String.join(", ", Distributions.names()));
      } else {
        diags.error(
            Code.UNKNOWN_DISTRIBUTION,
            call.fn().span(),
            "unknown distribution '" + name + "'",
            Suggest.closest(name, Distributions.names())
                .map(c -> "did you mean '" + c + "'?")
                .orElse("distributions are " + String.join(", ", Distributions.names())));
      }
      for (Expr.Arg a : call.args()) {
        exprs.check(a.value(), scope);
      }
      return null;
    }
    DistributionSpec spec = found.get();
    List<BoundArg> args = bindArguments(call, spec);
    // Type every argument even when binding failed, so unrelated errors inside are reported.
    Map<Expr, Type> argTypes = new IdentityHashMap<>();
    for (Expr.Arg a : call.args()) {
      Type t = exprs.check(a.value(), scope);
      if (t != null) {
        argTypes.put(a.value(), t);
      }
    }
    if (args == null) {
      return null;
    }
    Map<String, Dim> dims = new HashMap<>();
    Map<String, String> dimSources = new HashMap<>();
    boolean ok = true;
    boolean unknown = false;
    for (BoundArg arg : args) {
      ParamSlot slot = spec.slots().stream().filter(s -> s.name().equals(arg.slot())).findFirst().orElseThrow();
      Type t = argTypes.get(arg.value());
      if (t == null) {
        unknown = true; // already reported, or refers to something already reported
        continue;
      }
      String what = "the " + (arg.givenAs().equals(arg.slot()) ? arg.slot() : arg.givenAs()) + " of " + spec.name();
      ok &= matchPattern(slot.pattern(arg.givenAs()), t, arg.value(), what, dims, dimSources, spec);
    }
    if (!ok) {
      return null;
    }
    // The support is still checked when an argument is unknown, as long as its dimensions are
    // known: `y: real ~ Poisson(lambda)` is wrong whatever is wrong with lambda.
    if (declared != null && dims.keySet().containsAll(spec.support().dimVars())) {
      checkSupport(spec, dims, dimSources, declared, typeRef, owner);
    }
    return unknown ? null : new BoundDistribution(spec, args, call.span());
  }

  /**
   * {@code Markov(init, transition[, seq])}: the distribution of a whole latent array {@code z[t in
   * T]: cat[K]}. {@code init} is a simplex[K] (a latent Dirichlet or a hyper), {@code transition}
   * a latent array {@code A[k in K]: simplex[K]} passed whole (row j the distribution of the state
   * after state j), {@code seq} an optional observed array {@code seq[t in T]: cat[S]} passed whole,
   * whose change of value starts a new chain.
   */
  BoundDistribution checkMarkov(Expr.Call call, Scope scope, String owner, boolean latent,
      List<CheckedModel.PlateDim> plates, Type declared) {
    String usage = "declare e.g. `latent " + owner + "[t in T]: cat[K] ~ Markov(rho, A);` with"
        + " `latent rho: simplex[K]` and `latent A[k in K]: simplex[K]`";
    if (!latent || plates == null || plates.size() != 1 || !(declared instanceof Type.Cat cat)) {
      diags.error(Code.CHAIN, call.fn().span(),
          "Markov(...) is the distribution of a whole latent array of categorical states over one plate (the time"
              + " steps); '" + owner + "' is "
              + (!latent ? "data (observed states need no chain factor: model them with Categorical(A[...]))"
                  : plates == null || plates.size() != 1 ? "not an array over one plate" : "not a cat[K] array"),
          usage);
      for (Expr.Arg a : call.args()) {
        exprs.check(a.value(), scope);
      }
      return null;
    }
    String[] slotNames = {"init", "transition", "seq"};
    Expr[] given = new Expr[3];
    String[] givenAs = new String[3];
    int positional = 0;
    boolean ok = true;
    for (Expr.Arg a : call.args()) {
      int idx;
      if (a.name().isPresent()) {
        idx = List.of(slotNames).indexOf(a.name().get().name());
        if (idx < 0) {
          diags.error(Code.NAMED_ARGUMENT, a.name().get().span(),
              "Markov has no parameter named '" + a.name().get().name() + "'",
              "its parameters are init, transition and (optional) seq");
          ok = false;
          continue;
        }
      } else {
        idx = positional++;
      }
      if (idx >= 3 || given[idx] != null) {
        diags.error(Code.ARGUMENT_COUNT, a.span(),
            idx >= 3 ? "Markov takes 2 or 3 arguments (init, transition, seq), found " + call.args().size()
                : "the " + slotNames[idx] + " of Markov is given twice",
            "write Markov(init, transition) or Markov(init, transition, seq)");
        ok = false;
        continue;
      }
      given[idx] = a.value();
      givenAs[idx] = slotNames[idx];
    }
    if (!ok) {
      return null;
    }
    if (given[0] == null || given[1] == null) {
      diags.error(Code.ARGUMENT_COUNT, call.span(),
          "Markov takes 2 or 3 arguments (init, transition, seq), found " + call.args().size(),
          "write Markov(init, transition) or Markov(init, transition, seq)");
      return null;
    }
    Dim k = cat.range();
    String tIndex = plates.get(0).index();
    String tSize = plates.get(0).size();
    // init: a simplex[K] value.
    Type initType = exprs.check(given[0], scope);
    if (initType == null) {
      ok = false;
    } else if (!(initType instanceof Type.Vector v) || !v.length().equals(k) || v.domain() != Domain.SIMPLEX) {
      diags.error(Code.SHAPE_MISMATCH, given[0].span(),
          "the init of Markov must be simplex[" + k.text() + "] (the distribution of the first state of '" + owner
              + "'), found " + describeValue(given[0], initType),
          "pass a latent `rho: simplex[" + k.text() + "] ~ Dirichlet(...)` or a simplex hyper");
      ok = false;
    }
    // transition: a latent array A[j in K]: simplex[K], passed whole.
    String transition = given[1] instanceof Expr.Name n ? n.name() : null;
    Decl tDecl = transition == null ? null : ctx.table.get(transition);
    Type tElement = transition == null ? null : ctx.table.elementType(transition);
    List<dev.vmodel.compiler.ast.PlateIndex> tPlate = tDecl == null ? List.of() : SymbolTable.plateOf(tDecl);
    if (tDecl instanceof Decl.LatentDecl && tPlate.size() == 1 && tElement instanceof Type.Vector tv
        && tv.domain() == Domain.SIMPLEX && tv.length().equals(k)
        && new Dim.Named(tPlate.get(0).size().name()).equals(k)) {
      Type t = exprs.check(given[1], scope);
      ok &= t != null;
    } else {
      if (tDecl != null || transition == null) {
        exprs.check(given[1], scope);
      }
      diags.error(Code.CHAIN, given[1].span(),
          "the transition of Markov must be a latent array over " + k.text() + " of simplex[" + k.text()
              + "] rows, passed whole (row j: the distribution of the state after state j)"
              + (tDecl == null && transition != null ? "; '" + transition + "' is not declared" : ""),
          "declare `latent A[k in " + k.text() + "]: simplex[" + k.text() + "] ~ Dirichlet(rep(1, " + k.text()
              + "));` and write Markov(..., A)");
      ok = false;
    }
    // seq: an observed cat array over the same plate, passed whole.
    if (given[2] != null) {
      String seq = given[2] instanceof Expr.Name n ? n.name() : null;
      Decl sDecl = seq == null ? null : ctx.table.get(seq);
      Type sElement = seq == null ? null : ctx.table.elementType(seq);
      List<dev.vmodel.compiler.ast.PlateIndex> sPlate = sDecl == null ? List.of() : SymbolTable.plateOf(sDecl);
      if (sDecl instanceof Decl.DataDecl && sPlate.size() == 1 && sPlate.get(0).size().name().equals(tSize)
          && sElement instanceof Type.Cat) {
        ctx.exprTypes.put(given[2], sElement);
        scope.deps.add(seq);
        ctx.used.add(seq);
      } else {
        diags.error(Code.CHAIN, given[2].span(),
            "the seq of Markov must be a data array over " + tSize + " of categories (`data " + (seq == null ? "seq"
                : seq) + "[" + tIndex + " in " + tSize + "]: cat[S];`), passed whole: the sequence each row of '"
                + owner + "' belongs to"
                + (sDecl == null && seq != null ? "; '" + seq + "' is not declared" : ""),
            "a new chain starts where seq changes value; its rows must be contiguous");
        ok = false;
      }
    }
    if (!ok) {
      return null;
    }
    List<BoundArg> args = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      if (given[i] != null) {
        args.add(new BoundArg(slotNames[i], givenAs[i], given[i]));
      }
    }
    return new BoundDistribution(Distributions.MARKOV, args, call.span());
  }

  /** Binds positional and named arguments to the distribution's slots; null after an error. */
  private List<BoundArg> bindArguments(Expr.Call call, DistributionSpec spec) {
    List<ParamSlot> slots = spec.slots();
    BoundArg[] bound = new BoundArg[slots.size()];
    boolean[] positionalSlot = new boolean[slots.size()];
    boolean sawNamed = false;
    int positional = 0;
    boolean ok = true;
    for (Expr.Arg a : call.args()) {
      if (a.name().isPresent()) {
        sawNamed = true;
        String given = a.name().get().name();
        int idx = -1;
        for (int i = 0; i < slots.size(); i++) {
          if (slots.get(i).accepts(given)) {
            idx = i;
          }
        }
        if (idx < 0) {
          diags.error(
              Code.NAMED_ARGUMENT,
              a.name().get().span(),
              spec.name() + " has no parameter named '" + given + "'",
              "its parameters are " + spec.slots().stream().map(ParamSlot::text).reduce((x, y) -> x + ", " + y).orElse(""));
          ok = false;
        } else if (bound[idx] != null) {
          // `sd:` and `var:` are alternatives for Normal's precision: say which two collide.
          String previous = bound[idx].givenAs();
          String message;
          if (positionalSlot[idx]) {
            message = "'" + given + "' gives the same parameter of " + spec.name() + " as argument " + (idx + 1)
                + " (" + previous + "); give only one";
          } else if (!previous.equals(given)) {
            message = "'" + given + "' gives the same parameter of " + spec.name() + " as '" + previous
                + "'; give only one";
          } else {
            message = "the " + given + " of " + spec.name() + " is given twice";
          }
          diags.error(Code.NAMED_ARGUMENT, a.span(), message, "give it once: " + spec.signature());
          ok = false;
        } else {
          bound[idx] = new BoundArg(slots.get(idx).name(), given, a.value());
        }
      } else {
        if (sawNamed) {
          diags.error(
              Code.NAMED_ARGUMENT,
              a.span(),
              "a positional argument cannot follow a named one",
              "write the positional arguments first: " + spec.signature());
          ok = false;
          continue;
        }
        if (positional < slots.size()) {
          bound[positional] = new BoundArg(slots.get(positional).name(), slots.get(positional).name(), a.value());
          positionalSlot[positional] = true;
        }
        positional++;
      }
    }
    if (!ok) {
      return null;
    }
    int given = call.args().size();
    boolean missing = false;
    for (BoundArg b : bound) {
      missing |= b == null;
    }
    if (positional > slots.size() || missing) {
      int n = slots.size();
      diags.error(
          Code.ARGUMENT_COUNT,
          call.span(),
          spec.name() + " takes " + n + (n == 1 ? " argument" : " arguments") + " (" + spec.positionalList()
              + "), found " + given,
          "write " + spec.signature());
      return null;
    }
    return List.of(bound);
  }

  private boolean matchPattern(
      Pattern p, Type t, Expr arg, String what, Map<String, Dim> dims, Map<String, String> dimSources,
      DistributionSpec spec) {
    String found = describeValue(arg, t);
    switch (p.kind()) {
      case SCALAR:
        if (!(t instanceof Type.Scalar || t instanceof Type.Cat)) {
          diags.error(
              Code.ARGUMENT_KIND, arg.span(), what + " must be a scalar, found " + found,
              exprs.arrayHint(arg).orElse(null));
          return false;
        }
        return domains.checkDomain(new Type.Scalar(p.domain()), t, arg, what);
      case VECTOR:
        if (!(t instanceof Type.Vector v)) {
          diags.error(Code.ARGUMENT_KIND, arg.span(), what + " must be a vector, found " + found);
          return false;
        }
        if (!unify(p.dimVars().get(0), v.length(), dims, dimSources, arg, what, p, t, spec)) {
          return false;
        }
        return domains.checkDomain(new Type.Vector(v.length(), p.domain()), t, arg, what);
      case MATRIX:
        if (!(t instanceof Type.Matrix m)) {
          diags.error(Code.ARGUMENT_KIND, arg.span(), what + " must be a matrix, found " + found);
          return false;
        }
        if (!unify(p.dimVars().get(0), m.rows(), dims, dimSources, arg, what, p, t, spec)
            || !unify(p.dimVars().get(1), m.cols(), dims, dimSources, arg, what, p, t, spec)) {
          return false;
        }
        return domains.checkDomain(new Type.Matrix(m.rows(), m.cols(), p.domain()), t, arg, what);
      default:
        throw new IllegalStateException("a parameter cannot be categorical");
    }
  }

  private boolean unify(
      String var, Dim actual, Map<String, Dim> dims, Map<String, String> sources, Expr arg, String what,
      Pattern p, Type t, DistributionSpec spec) {
    Dim bound = dims.get(var);
    if (bound == null) {
      dims.put(var, actual);
      sources.put(var, what);
      return true;
    }
    if (bound.equals(actual)) {
      return true;
    }
    String expected = substitute(p, dims).text();
    diags.error(
        Code.SHAPE_MISMATCH,
        arg.span(),
        what + " must be " + expected + " to match " + sources.get(var) + ", found " + t.text(),
        "the dimensions of " + spec.name() + "'s parameters must agree: " + spec.signature());
    return false;
  }

  private static Type substitute(Pattern p, Map<String, Dim> dims) {
    switch (p.kind()) {
      case SCALAR:
        return new Type.Scalar(p.domain());
      case CAT:
        return new Type.Cat(dims.getOrDefault(p.dimVars().get(0), new Dim.Named(p.dimVars().get(0))));
      case VECTOR:
        return new Type.Vector(dims.getOrDefault(p.dimVars().get(0), new Dim.Named(p.dimVars().get(0))), p.domain());
      default:
        Dim r = dims.getOrDefault(p.dimVars().get(0), new Dim.Named(p.dimVars().get(0)));
        Dim c = dims.getOrDefault(p.dimVars().get(1), new Dim.Named(p.dimVars().get(1)));
        return new Type.Matrix(r, c, p.domain());
    }
  }

  /** The declared type must be exactly the distribution's support. */
  private void checkSupport(
      DistributionSpec spec, Map<String, Dim> dims, Map<String, String> sources, Type declared, TypeRef ref,
      String owner) {
    Type support = substitute(spec.support(), dims);
    if (declared.equals(support)) {
      return;
    }
    boolean sameKind = declared.getClass() == support.getClass()
        && (!(declared instanceof Type.Scalar ds) || ds.domain() == ((Type.Scalar) support).domain())
        && (!(declared instanceof Type.Vector dv) || dv.domain() == ((Type.Vector) support).domain())
        && (!(declared instanceof Type.Matrix dm) || dm.domain() == ((Type.Matrix) support).domain());
    ctx.poisonedVars.add(owner);
    if (sameKind) {
      String var = spec.support().dimVars().isEmpty() ? null : spec.support().dimVars().get(0);
      diags.error(
          Code.SHAPE_MISMATCH,
          ref.span(),
          "'" + owner + "' is declared " + declared.text() + ", but " + spec.name() + " here draws from "
              + support.text() + (var != null && sources.containsKey(var) ? " (set by " + sources.get(var) + ")" : ""),
          "declare it as `" + owner + ": " + support.text() + "`");
      return;
    }
    diags.error(
        Code.SUPPORT_MISMATCH,
        ref.span(),
        "'" + owner + "' is declared " + declared.text() + ", but the support of " + spec.name() + " is "
            + support.text(),
        "declare it as `" + owner + ": " + support.text() + "`, or choose a distribution over "
            + declared.text());
  }
}
