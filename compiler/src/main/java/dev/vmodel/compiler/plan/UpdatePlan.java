package dev.vmodel.compiler.plan;

import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.diag.Span;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.graph.ModelGraph;
import java.util.List;

/**
 * Stage 5 output: everything a backend needs to run mean-field coordinate ascent on a model,
 * and nothing about how (no Java in here, so a Spark backend can consume the same value).
 *
 * <p>For each factor q_j: its exponential family and, for every sufficient statistic, the
 * natural parameter of ln q_j* = E_{i != j}[ln p(X, Z)] + const as a polynomial in data,
 * hyperparameters and the moments (expectations under q) of the other factors. The ELBO is the
 * expected log joint, one polynomial per distribution, plus the entropy of every factor.
 */
public record UpdatePlan(
    ModelGraph graph, List<FactorUpdate> updates, List<String> schedule, Elbo elbo, List<Predictive> predictives,
    NewRow newRow) {
  public UpdatePlan {
    updates = List.copyOf(updates);
    schedule = List.copyOf(schedule);
    predictives = List.copyOf(predictives);
  }

  /** A plan without a derived predictive of new rows. */
  public UpdatePlan(
      ModelGraph graph, List<FactorUpdate> updates, List<String> schedule, Elbo elbo, List<Predictive> predictives) {
    this(graph, updates, schedule, elbo, predictives, null);
  }

  /**
   * The log posterior predictive density of one new row of the row plate (every observed array
   * on it at that row), derived like the updates. The row's log joint, with its categorical local
   * latents fixed to one assignment, is a sum of terms each of which holds the statistics of at
   * most one global factor's element; so, under q, the globals integrate out in closed form:
   *
   * <pre>
   * ln p(row, assignment | X) = sum_j [ln Z_j(eta_j + d_eta_j(row)) - ln Z_j(eta_j)] + c(row)
   * ln p(row | X) = ln sum_assignments exp(ln p(row, assignment | X))
   * </pre>
   *
   * where eta_j are q_j's natural parameters, d_eta_j(row) the row's contribution to them (the
   * update's terms for this one row, with the local latents' moments set to the assignment), ln
   * Z_j the family's log-normaliser and c the terms free of global latents. For a Beta q this is
   * the beta-Bernoulli, for Normal-Wishart the Student-t (PRML 10.81), for a Dirichlet mixture
   * weight E[pi_k].
   *
   * <p>{@code sizes} are the sizes new data bring (the row plate, and the groups rows fall into,
   * as a document covariate {@code doc[t]: cat[D]}); {@code locals} the factors plated by them,
   * which are inferred for new data with the others (the globals) held at the fit's q.
   * {@code enumerated} are the categorical ones of one row, summed over exactly.
   *
   * <p>Where two global factors meet in one term (tau * w in a regression with q(w) q(tau)), the
   * factor {@code integrated} (one element, a scalar family) is integrated numerically: the terms
   * and the constant read its moments, which the generated code sets to each quadrature node's
   * values, and ln p(row | X) = ln sum_i w_i exp(...(t_i)) with q's weights.
   *
   * <p>{@code inexact} is null when this holds; otherwise it says why not (a continuous local
   * latent, or two global factors in one term), and only a lower bound is available.
   */
  public record NewRow(
      String plate, Idx row, java.util.Set<String> sizes, List<String> locals, List<String> nodes,
      List<String> enumerated, List<RowTerm> terms, Poly constant, String inexact, String integrated) {
    public NewRow {
      sizes = java.util.Set.copyOf(sizes);
      locals = List.copyOf(locals);
      nodes = List.copyOf(nodes);
      enumerated = List.copyOf(enumerated);
      terms = List.copyOf(terms);
    }

    public boolean exact() {
      return inexact == null;
    }
  }

  /**
   * A global factor's natural-parameter change by one new row: free in the factor's element
   * indices (those of its update), its components and the row index.
   */
  public record RowTerm(String factor, List<Idx> element, List<NaturalParam> delta) {
    public RowTerm {
      element = List.copyOf(element);
      delta = List.copyOf(delta);
    }
  }

  /**
   * The predictive of a new row that is one Bernoulli-logistic label and the bound of its row, if
   * the model is that: ln p(y | X) = ln P or ln(1 - P) with P = E_q[logistic(a)], integrated
   * numerically (the closed-form row terms do not exist, the bound being no density of the data).
   */
  public java.util.Optional<Predictive> labelPredictive() {
    if (newRow == null || newRow.exact() || newRow.nodes().size() != 1) {
      return java.util.Optional.empty();
    }
    String node = newRow.nodes().get(0);
    boolean boundsOnly = newRow.locals().stream().allMatch(l -> graph.node(update(l).factor().members().get(0))
        .isBound());
    return predictives.stream().filter(p -> p.node().equals(node) && p.link() == Link.LOGISTIC && boundsOnly)
        .findFirst();
  }

  /** Whether missing entries of this observed data array are integrated out (see {@link Predictive}). */
  public boolean allowsMissing(String node) {
    return predictives.stream().anyMatch(p -> p.node().equals(node));
  }

  /**
   * A real-valued observed array whose entries may be missing. A missing entry's likelihood term
   * is multiplied by 0 (an {@code Observed} atom), which integrates it out exactly because
   * nothing else depends on it; {@code mean} is its posterior predictive mean, E_q[mean of its
   * distribution], free in {@code element}, and {@code second} its predictive second moment
   * E_q[variance + mean^2] (null where q gives no closed form for it), so that the predictive
   * variance is second - mean^2 (the law of total variance).
   */
  public record Predictive(String node, List<Idx> element, Poly mean, Poly second, Link link) {
    public Predictive {
      element = List.copyOf(element);
    }

    /** Through the identity link. */
    public Predictive(String node, List<Idx> element, Poly mean, Poly second) {
      this(node, element, mean, second, Link.IDENTITY);
    }

    /** Without the second moment. */
    public Predictive(String node, List<Idx> element, Poly mean) {
      this(node, element, mean, null);
    }
  }

  /**
   * How a predictive's mean and second moment give the data's predictive mean: as they are, or,
   * for {@code Bernoulli(logistic(a))}, as E[a] and E[a^2], from which P(y = 1) = E_q[logistic(a)]
   * is a one-dimensional integral over the Gaussian q of a (its missing labels are integrated out
   * exactly, like a Normal entry's).
   */
  public enum Link {
    IDENTITY,
    LOGISTIC
  }

  /**
   * Whether a node's density is a term of a batch of data: an observed node or a latent of a
   * local factor. A fit that updates a previous posterior q_A keeps these terms of the log joint
   * and replaces the others (the priors of the global latents) by ln q_A of the global factors.
   */
  public boolean batchTerm(String node) {
    ModelGraph.Node n = graph.node(node);
    return !n.isLatent() || updates.stream().anyMatch(u -> u.local() && u.factor().members().contains(node));
  }

  /** Whether some factor is global: a fit can then update a previous posterior (see {@link FactorUpdate#likelihood}). */
  public boolean hasGlobalFactors() {
    return updates.stream().anyMatch(u -> !u.local());
  }

  public FactorUpdate update(String factor) {
    return updates.stream().filter(u -> u.factor().name().equals(factor)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no factor " + factor));
  }

  /**
   * The update of one factor. {@code elementIndices} range over the members' plates: the factor
   * is a product of independent elements (q(mu) = prod_k q(mu_k)), each updated by the same
   * formulas with these indices free. {@code prior} holds the natural parameters contributed by
   * the factor's own distributions alone: q set to the prior, where fits start. {@code
   * likelihood} holds the natural parameters contributed by the terms of a batch of data alone
   * ({@link UpdatePlan#batchTerm}: observed nodes and latents of local factors): a fit that updates
   * a previous posterior q_A sets a global factor to eta_A + likelihood (streaming variational
   * Bayes, Broderick et al. 2013), q_A standing in for every prior term of the global latents.
   */
  public record FactorUpdate(
      ModelGraph.Factor factor,
      Family family,
      List<Idx> elementIndices,
      List<NaturalParam> natural,
      List<NaturalParam> prior,
      List<NaturalParam> likelihood,
      List<String> sources,
      boolean local) {
    public FactorUpdate {
      elementIndices = List.copyOf(elementIndices);
      natural = List.copyOf(natural);
      prior = List.copyOf(prior);
      likelihood = List.copyOf(likelihood);
      sources = List.copyOf(sources);
    }

    /**
     * Whether this is a local factor of probabilities over categories (its family's {@link
     * dev.vmodel.compiler.family.FamilySpec#responsibilities}): the responsibilities, which a fit
     * starts from random or k-means++ values rather than from the prior.
     */
    public boolean responsibilities() {
      return local && family.spec().responsibilities();
    }

    /** Whether this factor is a Markov chain ({@link dev.vmodel.compiler.family.FamilySpec#chain}). */
    public boolean chain() {
      return family.spec().chain();
    }

    public NaturalParam natural(String stat) {
      return natural.stream().filter(n -> n.stat().name().equals(stat)).findFirst().orElseThrow();
    }

    /**
     * Whether the natural parameters read this factor's own moments: a non-conjugate term (exp of
     * a linear predictor) linearised at the current q, so the update is a fixed-form step, which
     * the sweep damps until the ELBO does not decrease (non-conjugate VMP, Knowles and Minka 2011).
     */
    public boolean nonConjugate() {
      return natural.stream().anyMatch(p -> p.value().readsFactor(factor.name()));
    }
  }

  /**
   * The natural parameter paired with one sufficient statistic: its component indices (a vector
   * statistic has one, a matrix statistic two) and its value, free in the element and component
   * indices.
   */
  public record NaturalParam(Family.Stat stat, List<Idx> components, Poly value) {
    public NaturalParam {
      components = List.copyOf(components);
    }
  }

  /** E_q[ln p(X, Z)], one term per distribution, and the factors whose entropies are added. */
  public record Elbo(List<LogJointTerm> terms, List<String> entropies) {
    public Elbo {
      terms = List.copyOf(terms);
      entropies = List.copyOf(entropies);
    }
  }

  /** E_q[ln p(node | parents)], summed over the node's plates. */
  public record LogJointTerm(String node, Span span, Poly value) {}
}
