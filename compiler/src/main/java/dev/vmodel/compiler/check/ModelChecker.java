package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.ModelDecl;
import dev.vmodel.compiler.check.CheckedModel.GroupSym;
import dev.vmodel.compiler.check.CheckedModel.HyperSym;
import dev.vmodel.compiler.check.CheckedModel.SizeSym;
import dev.vmodel.compiler.check.CheckedModel.VarSym;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks one model block (see {@link Checker}) in passes, as javac does: {@link Enter}
 * (names and signatures, a {@link SymbolTable}), {@link Attr} (bodies: expressions and
 * distributions), then {@link GroupChecker}, {@link CycleChecker} and {@link Warnings}.
 */
final class ModelChecker {
  private final String file;
  private final Optional<String> javaPackage;
  private final ModelDecl model;
  private final Diagnostics diags;
  private boolean afterSyntaxErrors;

  ModelChecker(String file, Optional<String> javaPackage, ModelDecl model, Diagnostics diags) {
    this.file = file;
    this.javaPackage = javaPackage;
    this.model = model;
    this.diags = diags;
  }

  /**
   * Marks the model as recovered from syntax errors: parts of declarations may be missing, so
   * conclusions about the whole model ("nothing binds size N") are not drawn.
   */
  ModelChecker afterSyntaxErrors(boolean value) {
    this.afterSyntaxErrors = value;
    return this;
  }

  CheckedModel run() {
    SymbolTable table = Enter.enter(model, diags);
    Limits.checkHyperCount(table, diags);
    AttrContext ctx = new AttrContext(table, diags);
    new Attr(ctx).run();
    List<GroupSym> groups = GroupChecker.check(ctx);
    CycleChecker.check(ctx);
    Set<String> boundByData = Warnings.sizesBoundByData(table);
    List<SizeSym> sizes = new ArrayList<>();
    for (Decl d : model.decls()) {
      if (d instanceof Decl.SizeDecl s && table.isFirst(s)) {
        boolean bound = boundByData.contains(s.name().name());
        if (s.value().isEmpty() && !bound && !afterSyntaxErrors) {
          diags.error(
              Code.UNBOUND_SIZE,
              s.name().span(),
              "size '" + s.name().name() + "' has no default and no data array has a dimension over it,"
                  + " so nothing can bind it",
              "give it a default, e.g. `size " + s.name().name() + " = 3;`, or declare a data array over it");
        }
        sizes.add(new SizeSym(s.name().name(), s.value(), bound, s.span()));
      }
    }
    // Whether a declaration is used, and whether a latent reaches the data, is known only when
    // every expression was understood: after an error they would be guesses (a misspelt 'betta'
    // would make 'beta' unused and its latent unobserved). They are reported once the model
    // is free of errors.
    if (!diags.hasErrors() && !afterSyntaxErrors) {
      Warnings.warnUnused(ctx);
      Warnings.warnUnobserved(ctx);
    }
    List<HyperSym> hypers = new ArrayList<>();
    List<VarSym> variables = new ArrayList<>();
    for (Decl d : model.decls()) {
      if (d instanceof Decl.HyperDecl h && table.isFirst(h)) {
        Type t = ctx.hyperTypes.get(h.name().name());
        if (t != null) {
          hypers.add(new HyperSym(h.name().name(), t, h.value(), h.span(),
              ctx.hyperRequirements.getOrDefault(h.name().name(), Domain.REAL)));
        }
      } else if ((d instanceof Decl.DataDecl || d instanceof Decl.LatentDecl) && table.isFirst(d)) {
        VarSym v = ctx.vars.get(SymbolTable.nameOf(d).name());
        if (v != null) {
          variables.add(v);
        }
      }
    }
    return new CheckedModel(model.name().name(), javaPackage, file, sizes, hypers, variables, groups,
        ctx.exprTypes, model);
  }
}
