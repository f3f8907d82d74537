package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.ast.Ident;
import dev.vmodel.compiler.ast.TypeRef;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves what declarations' signatures name: types (`vector[D]`), their dimensions, and the
 * sizes plates range over. Marks every size it resolves as used.
 */
final class TypeResolver {
  static final Map<String, Integer> TYPE_ARITY = new LinkedHashMap<>();
  private static final Map<String, String> TYPE_ALIASES =
      Map.of(
          "float", "real", "double", "real", "integer", "int", "boolean", "bool",
          "nat", "count", "categorical", "cat", "psd", "spd", "pd", "spd", "prob", "unit");

  static {
    for (String s : List.of("real", "positive", "unit", "int", "count", "bool")) {
      TYPE_ARITY.put(s, 0);
    }
    for (String s : List.of("cat", "vector", "simplex", "spd")) {
      TYPE_ARITY.put(s, 1);
    }
    TYPE_ARITY.put("matrix", 2);
  }

  private final Map<String, Decl> symbols;
  private final Diagnostics diags;
  private final Set<String> used;

  private final NameIndex names;

  TypeResolver(Map<String, Decl> symbols, NameIndex names, Diagnostics diags, Set<String> used) {
    this.symbols = symbols;
    this.names = names;
    this.diags = diags;
    this.used = used;
  }

  Type resolveType(TypeRef ref) {
    String name = ref.name().name();
    Integer arity = TYPE_ARITY.get(name);
    if (arity == null) {
      String alias = TYPE_ALIASES.get(name);
      Optional<String> close = alias != null ? Optional.of(alias) : Suggest.closest(name, TYPE_ARITY.keySet());
      diags.error(
          Code.UNKNOWN_TYPE,
          ref.name().span(),
          "unknown type '" + name + "'",
          close.map(c -> "did you mean '" + c + "'?")
              .orElse("types are real, positive, unit, int, count, bool, cat[K], vector[D], simplex[K],"
                  + " matrix[R, C] and spd[D]"));
      return null;
    }
    if (ref.dims().size() != arity) {
      String hint;
      if (arity == 0) {
        hint = "'" + name + "' takes no dimensions; for an array, declare a plate: `x[n in N]: " + name + "`";
      } else if (arity == 1) {
        hint = "write " + name + "[D] with a size D";
      } else {
        hint = "write matrix[R, C] with sizes R and C";
      }
      diags.error(
          Code.TYPE_DIMENSIONS,
          ref.span(),
          "type '" + name + "' takes " + (arity == 0 ? "no dimensions" : arity == 1 ? "1 dimension" : arity + " dimensions")
              + ", found " + ref.dims().size(),
          hint);
      return null;
    }
    List<Dim> dims = new ArrayList<>();
    for (Expr e : ref.dims()) {
      Dim d = resolveDim(e);
      if (d == null) {
        return null;
      }
      dims.add(d);
    }
    switch (name) {
      case "real":
        return new Type.Scalar(Domain.REAL);
      case "positive":
        return new Type.Scalar(Domain.POSITIVE);
      case "unit":
        return new Type.Scalar(Domain.UNIT);
      case "int":
        return new Type.Scalar(Domain.INT);
      case "count":
        return new Type.Scalar(Domain.COUNT);
      case "bool":
        return new Type.Scalar(Domain.BOOL);
      case "cat":
        return new Type.Cat(dims.get(0));
      case "vector":
        return new Type.Vector(dims.get(0), Domain.REAL);
      case "simplex":
        return new Type.Vector(dims.get(0), Domain.SIMPLEX);
      case "spd":
        return new Type.Matrix(dims.get(0), dims.get(0), Domain.SPD);
      default:
        return new Type.Matrix(dims.get(0), dims.get(1), Domain.REAL);
    }
  }

  /** A dimension: a declared size or a positive integer literal. */
  Dim resolveDim(Expr e) {
    if (e instanceof Expr.Missing) {
      return null;
    }
    if (e instanceof Expr.Name n) {
      Decl d = symbols.get(n.name());
      if (d instanceof Decl.SizeDecl) {
        used.add(n.name());
        return new Dim.Named(n.name());
      }
      if (d != null) {
        diags.error(
            Code.NOT_A_SIZE,
            n.span(),
            "'" + n.name() + "' is " + SymbolTable.describe(d) + ", not a size; dimensions must be sizes",
            notASizeHint(n.name(), d));
        return null;
      }
      undeclared(diags, names, n.id(), List.of(), "declare it with `size " + n.name() + ";`");
      return null;
    }
    if (e instanceof Expr.Number num && Domain.POSITIVE_INT.contains(num.value())) {
      if (num.value() > Limits.MAX_SIZE) {
        Limits.sizeTooLarge(diags, e, num.value(), "the dimension");
        return null;
      }
      return new Dim.Fixed((int) num.value());
    }
    diags.error(
        Code.BAD_DIMENSION,
        e.span(),
        "a dimension must be a size or a positive integer, found '" + AstPrinter.print(e) + "'",
        "declare a size, e.g. `size D;`, and write vector[D]");
    return null;
  }

  Dim resolveSizeName(Ident size) {
    Decl d = symbols.get(size.name());
    if (d instanceof Decl.SizeDecl) {
      used.add(size.name());
      return new Dim.Named(size.name());
    }
    if (d != null) {
      diags.error(
          Code.NOT_A_SIZE,
          size.span(),
          "'" + size.name() + "' is " + SymbolTable.describe(d) + ", not a size; a plate ranges over a size",
          notASizeHint(size.name(), d));
      return null;
    }
    undeclared(diags, names, size, List.of(), "declare it with `size " + size.name() + ";`");
    return null;
  }

  /** A hyper meant as a size can be redeclared as one; anything else needs a size of its own. */
  private static String notASizeHint(String name, Decl d) {
    if (d instanceof Decl.HyperDecl h && h.type().isEmpty()) {
      return "declare it as a size: `size " + name + h.value().map(v -> " = " + AstPrinter.print(v)).orElse("") + ";`";
    }
    return "declare a size, e.g. `size K;`, and use it here";
  }

  /** E010 for a name nothing declares, suggesting the closest declared name or index. */
  static void undeclared(
      Diagnostics diags, NameIndex declared, Ident id, Collection<String> indices, String fallbackHint) {
    Optional<String> close = declared.closest(id.name(), indices);
    String hint = close.map(c -> "did you mean '" + c + "'?").orElse(fallbackHint);
    diags.error(Code.UNDECLARED, id.span(), "undeclared name '" + id.name() + "'", hint);
  }
}
