package dev.vmodel.compiler.check;

import static dev.vmodel.compiler.check.SymbolTable.nameOf;

import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.check.CheckedModel.VarSym;
import dev.vmodel.compiler.diag.Code;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/** What is known about a model once every body is checked: sizes nothing binds, unused names. */
final class Warnings {
  private Warnings() {}

  /**
   * The sizes some data array has a dimension over, read from the declarations as written, so
   * that a data array whose type or plate has an (already reported) error still binds its
   * other sizes.
   */
  static Set<String> sizesBoundByData(SymbolTable table) {
    Set<String> out = new HashSet<>();
    for (Decl d : table.model().decls()) {
      if (!(d instanceof Decl.DataDecl x) || !table.isFirst(x)) {
        continue;
      }
      x.plate().forEach(p -> out.add(p.size().name()));
      for (Expr dim : x.type().dims()) {
        if (dim instanceof Expr.Name n) {
          out.add(n.name());
        }
      }
    }
    return out;
  }

  static void warnUnused(AttrContext ctx) {
    for (Decl d : ctx.table.model().decls()) {
      if (d instanceof Decl.GroupDecl || d instanceof Decl.LatentDecl) {
        continue;
      }
      if (d instanceof Decl.DataDecl x && x.distribution().isPresent()) {
        continue;
      }
      String name = nameOf(d).name();
      if (ctx.table.get(name) != d || ctx.used.contains(name)) {
        continue;
      }
      ctx.diags.warning(
          Code.UNUSED,
          nameOf(d).span(),
          SymbolTable.describe(d).replaceFirst("^an? ", "") + " '" + name + "' is never used",
          "remove it, or refer to it where it was meant to be used");
    }
  }

  static void warnUnobserved(AttrContext ctx) {
    Set<String> influential = new HashSet<>();
    Deque<String> work = new ArrayDeque<>();
    for (Decl d : ctx.table.model().decls()) {
      if (d instanceof Decl.DataDecl x && x.distribution().isPresent()) {
        work.addAll(ctx.deps.getOrDefault(x.name().name(), Set.of()));
      }
    }
    while (!work.isEmpty()) {
      String n = work.pop();
      if (influential.add(n)) {
        work.addAll(ctx.deps.getOrDefault(n, Set.of()));
      }
    }
    // A latent that is the parent of an influential latent is influential too (handled above);
    // a latent that only its own children depend on, with no path to data, is not.
    for (Decl d : ctx.table.model().decls()) {
      VarSym v = d instanceof Decl.GroupDecl || !ctx.table.isFirst(d) ? null : ctx.vars.get(nameOf(d).name());
      if (v != null && v.isLatent() && !influential.contains(v.name())) {
        ctx.diags.warning(
            Code.UNOBSERVED_LATENT,
            nameOf(d).span(),
            "latent '" + v.name() + "' does not influence any observed data, so its posterior is its prior",
            "use it in the distribution of a data array, or remove it");
      }
    }
  }
}
