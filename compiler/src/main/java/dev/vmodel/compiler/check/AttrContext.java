package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.check.CheckedModel.VarSym;
import dev.vmodel.compiler.diag.Diagnostics;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the body pass learns as it goes, shared by its parts ({@link ExprChecker},
 * {@link DistributionChecker}, {@link Attr}, ...): the type of every expression, the type of
 * every hyper, the checked variables, and what each declaration refers to.
 */
final class AttrContext {
  final SymbolTable table;
  final Diagnostics diags;
  final ConstantFolder constants;
  final Map<Expr, Type> exprTypes = new IdentityHashMap<>();
  /** The type of every hyper checked so far (its default's, or its declared type). */
  final Map<String, Type> hyperTypes = new HashMap<>();
  /** Hypers whose declaration has an error (reported): uses of them are not checked further. */
  final Set<String> failedHypers = new HashSet<>();
  /** Checked data and latent declarations; null for one whose plate or type has an error. */
  final Map<String, VarSym> vars = new LinkedHashMap<>();
  /** For each declaration, the declarations its body refers to. */
  final Map<String, Set<String>> deps = new LinkedHashMap<>();
  final Set<String> used = new HashSet<>();
  final Map<String, Domain> hyperRequirements = new HashMap<>();
  /**
   * Variables whose declared type disagrees with their distribution: their declaration is
   * already reported, so their uses are not checked against either type (no cascades).
   */
  final Set<String> poisonedVars = new HashSet<>();

  AttrContext(SymbolTable table, Diagnostics diags) {
    this.table = table;
    this.diags = diags;
    this.constants = new ConstantFolder(table.symbols());
    this.used.addAll(table.usedInSignatures());
  }
}
