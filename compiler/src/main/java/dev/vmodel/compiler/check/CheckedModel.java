package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.ast.ModelDecl;
import dev.vmodel.compiler.diag.Span;
import dev.vmodel.compiler.dist.DistributionSpec;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stage 2 output: a model whose names are resolved, whose declarations are typed and whose
 * distributions have their arguments bound to parameter slots. Produced only for models without
 * errors; the graph stage consumes it.
 */
public record CheckedModel(
    String name,
    Optional<String> javaPackage,
    String file,
    List<SizeSym> sizes,
    List<HyperSym> hypers,
    List<VarSym> variables,
    List<GroupSym> groups,
    Map<Expr, Type> exprTypes,
    ModelDecl ast) {

  public CheckedModel {
    sizes = List.copyOf(sizes);
    hypers = List.copyOf(hypers);
    variables = List.copyOf(variables);
    groups = List.copyOf(groups);
    exprTypes = java.util.Collections.unmodifiableMap(new IdentityHashMap<>(exprTypes));
  }

  /** The inferred type of an expression of this model (identity lookup). */
  public Type typeOf(Expr e) {
    return exprTypes.get(e);
  }

  public Optional<VarSym> variable(String name) {
    return variables.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  public Optional<HyperSym> hyper(String name) {
    return hypers.stream().filter(h -> h.name().equals(name)).findFirst();
  }

  public Optional<SizeSym> size(String name) {
    return sizes.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** `size N;` or `size K = 6;`. {@code boundByData}: some data array has a dimension over it. */
  public record SizeSym(String name, Optional<Expr> defaultValue, boolean boundByData, Span span) {}

  /**
   * `hyper name: type = default;`. {@code required} is the tightest domain the hyper's uses
   * demand of it directly (a Gamma shape, a Dirichlet concentration through rep(...)): fit-time
   * values are checked against it as well as against the declared type.
   */
  public record HyperSym(String name, Type type, Optional<Expr> defaultValue, Span span, Domain required) {}

  /** Whether a variable is observed or latent. */
  public enum VarKind {
    DATA,
    LATENT
  }

  /** One plate dimension of an array declaration: `n in N`. */
  public record PlateDim(String index, String size) {}

  /**
   * A `data` or `latent` declaration: its plates, its element type and, where it has one, its
   * distribution with bound arguments.
   */
  public record VarSym(
      String name, VarKind kind, List<PlateDim> plates, Type type, Optional<BoundDistribution> distribution, Span span) {
    public VarSym {
      plates = List.copyOf(plates);
    }

    public boolean isLatent() {
      return kind == VarKind.LATENT;
    }

    public boolean isModeledData() {
      return kind == VarKind.DATA && distribution.isPresent();
    }

    public boolean isCovariate() {
      return kind == VarKind.DATA && distribution.isEmpty();
    }
  }

  /** A distribution call with its arguments in slot order. */
  public record BoundDistribution(DistributionSpec spec, List<BoundArg> args, Span span) {
    public BoundDistribution {
      args = List.copyOf(args);
    }

    public BoundArg arg(String slot) {
      return args.stream().filter(a -> a.slot().equals(slot)).findFirst().orElseThrow();
    }
  }

  /**
   * An argument bound to a slot; {@code givenAs} is the parameterization the user chose (`sd`
   * for `Normal(m, sd: s)`), equal to the slot name when positional.
   */
  public record BoundArg(String slot, String givenAs, Expr value) {}

  /** `group (a, b);`. */
  public record GroupSym(List<String> members, Span span) {
    public GroupSym {
      members = List.copyOf(members);
    }
  }
}
