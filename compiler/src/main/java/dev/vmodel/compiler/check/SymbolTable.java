package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Ident;
import dev.vmodel.compiler.ast.ModelDecl;
import dev.vmodel.compiler.ast.PlateIndex;
import dev.vmodel.compiler.check.CheckedModel.PlateDim;
import dev.vmodel.compiler.diag.Span;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The declaration pass's output ({@link Enter}): every name of a model with its declaration,
 * the plate indices, the declared types and plates of every declaration as resolved from their
 * signatures, and the order in which the body pass ({@link Attr}) checks the declarations.
 * Nothing in it depends on an expression's body.
 *
 * @param model the model block
 * @param symbols each name's first declaration, in declaration order (later duplicates are
 *     reported and left out)
 * @param indexBindings where each plate index name is first bound
 * @param indexOwners the declaration whose plate first binds each index name
 * @param hyperTypes the declared type of each typed hyper whose type resolved
 * @param failedHyperTypes typed hypers whose declared type did not resolve (reported)
 * @param signatures the resolved plate and element type of each data and latent declaration
 * @param order the named declarations in dependency order: a declaration comes after every
 *     declaration its default or distribution refers to, except on a cycle (those come last,
 *     in declaration order)
 * @param acyclic how many declarations at the start of {@code order} are on no cycle and depend
 *     on none
 * @param usedInSignatures the sizes that some type or plate refers to
 * @param names the declared names, for "did you mean" suggestions
 */
record SymbolTable(
    ModelDecl model,
    Map<String, Decl> symbols,
    Map<String, Span> indexBindings,
    Map<String, String> indexOwners,
    Map<String, Type> hyperTypes,
    Set<String> failedHyperTypes,
    Map<String, Signature> signatures,
    List<Decl> order,
    int acyclic,
    Set<String> usedInSignatures,
    NameIndex names) {

  /**
   * The signature of a `data` or `latent` declaration: its plate as resolved (indices whose
   * size did not resolve, or that are bound twice, are {@code unknownIndices}: their uses are
   * not checked), and its element type, null when the type did not resolve.
   */
  record Signature(List<PlateDim> plates, Map<String, PlateDim> indices, Set<String> unknownIndices,
      boolean platesOk, Type type) {}

  Decl get(String name) {
    return symbols.get(name);
  }

  /** Whether {@code d} is the declaration its name resolves to (not a reported duplicate). */
  boolean isFirst(Decl d) {
    return !(d instanceof Decl.GroupDecl) && symbols.get(nameOf(d).name()) == d;
  }

  /** The element type of a data or latent declaration; null when its type did not resolve. */
  Type elementType(String name) {
    Signature s = signatures.get(name);
    return s == null ? null : s.type();
  }

  Optional<Span> indexBinding(String index) {
    return Optional.ofNullable(indexBindings.get(index));
  }

  static Ident nameOf(Decl d) {
    if (d instanceof Decl.SizeDecl s) {
      return s.name();
    } else if (d instanceof Decl.HyperDecl h) {
      return h.name();
    } else if (d instanceof Decl.DataDecl x) {
      return x.name();
    } else if (d instanceof Decl.LatentDecl l) {
      return l.name();
    }
    throw new IllegalArgumentException("group declarations have no name");
  }

  static List<PlateIndex> plateOf(Decl d) {
    if (d instanceof Decl.DataDecl x) {
      return x.plate();
    } else if (d instanceof Decl.LatentDecl l) {
      return l.plate();
    }
    return List.of();
  }

  static String describe(Decl d) {
    if (d instanceof Decl.SizeDecl) {
      return "a size";
    } else if (d instanceof Decl.HyperDecl) {
      return "a hyper";
    } else if (d instanceof Decl.DataDecl) {
      return "data";
    } else if (d instanceof Decl.LatentDecl) {
      return "a latent";
    }
    return "a group";
  }

  static String plateSizes(List<PlateIndex> plate) {
    return String.join(" x ", plate.stream().map(p -> p.size().name()).toList());
  }

  static String plateIndices(List<PlateIndex> plate) {
    return String.join(", ", plate.stream().map(p -> p.index().name()).toList());
  }
}
