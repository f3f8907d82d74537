package dev.vmodel.compiler.graph;

import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.diag.Span;
import dev.vmodel.compiler.dist.DistributionSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stage 3 output: the model as variables (nodes) on plates, each with its distribution over
 * resolved expressions, and the mean-field factors over the latents.
 */
public record ModelGraph(
    String name,
    Optional<String> javaPackage,
    String file,
    List<CheckedModel.SizeSym> sizes,
    List<CheckedModel.HyperSym> hypers,
    Map<String, Ir> hyperDefaults,
    List<Node> nodes,
    List<Factor> factors,
    String sourceSha256) {

  /** A graph whose source hash the driver sets ({@link #withSourceSha256}). */
  public ModelGraph(String name, Optional<String> javaPackage, String file, List<CheckedModel.SizeSym> sizes,
      List<CheckedModel.HyperSym> hypers, Map<String, Ir> hyperDefaults, List<Node> nodes, List<Factor> factors) {
    this(name, javaPackage, file, sizes, hypers, hyperDefaults, nodes, factors, null);
  }

  /**
   * This graph with the SHA-256 (lower-case hex) of the tokens of the file that declares it (see
   * {@code Compiler.sourceDigest}): a saved posterior records it, and a load refuses a posterior
   * of another source.
   */
  public ModelGraph withSourceSha256(String sha256) {
    return new ModelGraph(name, javaPackage, file, sizes, hypers, hyperDefaults, nodes, factors, sha256);
  }

  public ModelGraph {
    sizes = List.copyOf(sizes);
    hypers = List.copyOf(hypers);
    hyperDefaults = Map.copyOf(hyperDefaults);
    nodes = List.copyOf(nodes);
    factors = List.copyOf(factors);
  }

  public Node node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  public Factor factorOf(String latent) {
    return factors.stream().filter(f -> f.members().contains(latent)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no factor for " + latent));
  }

  /**
   * The synthetic local latent that lowering attached to {@code data}'s likelihood, holding the
   * parameters of a local variational bound (see {@link Lowering}), if it has one.
   */
  public Optional<Node> boundOf(String data) {
    return nodes.stream().filter(n -> n.isBound() && n.dist().get().arg("of").value() instanceof Ir.Var v
        && v.name().equals(data)).findFirst();
  }

  /** What a node is. */
  public enum Kind {
    LATENT,
    DATA,
    COVARIATE
  }

  /** One plate dimension: index name and the size it ranges over. */
  public record Plate(String index, String size) {}

  /** A declared variable. */
  public record Node(String name, Kind kind, List<Plate> plates, Type type, Optional<Dist> dist, Span span) {
    public Node {
      plates = List.copyOf(plates);
    }

    public boolean isLatent() {
      return kind == Kind.LATENT;
    }

    /** A synthetic latent holding a likelihood's local variational bound (one per row), not declared. */
    public boolean isBound() {
      return dist.isPresent() && dev.vmodel.compiler.dist.Distributions.isBound(dist.get().spec());
    }
  }

  /** A distribution with its arguments resolved, by slot name. */
  public record Dist(DistributionSpec spec, Map<String, Arg> args, Span span) {
    public Dist {
      args = Map.copyOf(args);
    }

    public Arg arg(String slot) {
      return args.get(slot);
    }
  }

  /** An argument: the parameterization used (`precision`, `sd`, `var`, `cov`) and its value. */
  public record Arg(String givenAs, Ir value) {}

  /** A mean-field factor q_j over one latent, or over a group of latents. */
  public record Factor(String name, List<String> members, Span span) {
    public Factor {
      members = List.copyOf(members);
    }

    public boolean isGroup() {
      return members.size() > 1;
    }
  }
}
