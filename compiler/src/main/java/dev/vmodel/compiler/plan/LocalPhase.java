package dev.vmodel.compiler.plan;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The local/global structure of a model with per-group local factors, derived from the plan: a
 * local categorical factor on the rows ({@code z[t]}), a covariate assigning each row to a group
 * ({@code doc[t]: cat[D]}), and the factors with one element per group ({@code theta[d]}) whose
 * only coupling to the rest of the model is through the rows of their group. Given the global
 * factors (everything else), the ELBO is a sum over groups of a bound that depends on one group's
 * locals alone:
 *
 * <pre>
 * L_d = sum_{t: doc[t] = d} ln sum_c exp eta(z[t]=c)  +  E[ln p(theta[d])] + H[q(theta[d])]
 * </pre>
 *
 * (the first sum right after z's update, where z's terms and its entropy equal the log-normalisers).
 * So the locals of each group can be iterated to convergence with the globals held fixed (the
 * E-step of batch variational LDA, Blei, Ng and Jordan 2003), and restarted from the groups'
 * prior, keeping per group whichever of the two ends with the higher L_d: the ELBO never
 * decreases. A sparse group prior (alpha = 0.1) makes the carried-over locals lock a group's rows
 * into the topics of the first sweeps; the restart lets every group start from the current
 * globals.
 *
 * <p>Derived only where this holds: one local factor, categorical, on the rows; one covariate of
 * the row plate whose categories index the group factors; group factors whose priors read no
 * moments (so E[ln p(theta[d])] is eta_0 . E[T] - ln Z(eta_0) with eta_0 fixed), whose update
 * reads the rows' responsibilities, which the responsibilities read, and which no ELBO term but
 * their own prior and the rows' categorical reads.
 */
public record LocalPhase(
    String rows, String rowIndex, String rowFactor, String covariate, String groups, List<String> groupFactors,
    List<String> globals) {
  public LocalPhase {
    groupFactors = List.copyOf(groupFactors);
    globals = List.copyOf(globals);
  }

  /** The plan's local phase, or empty where the model has none (see the class comment). */
  public static Optional<LocalPhase> of(UpdatePlan plan) {
    List<FactorUpdate> locals = plan.updates().stream().filter(FactorUpdate::local).toList();
    if (locals.size() != 1) {
      return Optional.empty();
    }
    FactorUpdate z = locals.get(0);
    if (!z.responsibilities() || z.chain()
        || z.elementIndices().size() != 1 || z.factor().members().size() != 1
        || !(z.elementIndices().get(0).range() instanceof Dim.Named rowDim)) {
      return Optional.empty();
    }
    String rows = rowDim.size();
    ModelGraph graph = plan.graph();
    LocalPhase found = null;
    for (ModelGraph.Node n : graph.nodes()) {
      if (n.kind() != ModelGraph.Kind.COVARIATE || n.plates().size() != 1 || !n.plates().get(0).size().equals(rows)
          || !(n.type() instanceof Type.Cat c) || !(c.range() instanceof Dim.Named groupDim)) {
        continue;
      }
      String groups = groupDim.size();
      if (groups.equals(rows)) {
        continue;
      }
      List<String> groupFactors = new ArrayList<>();
      for (FactorUpdate u : plan.updates()) {
        if (u.local() || u.elementIndices().size() != 1 || u.factor().members().size() != 1
            || !(u.elementIndices().get(0).range() instanceof Dim.Named d) || !d.size().equals(groups)) {
          continue;
        }
        String g = u.factor().name();
        if (!readsFactor(u.natural(), z.factor().name()) || !readsFactor(z.natural(), g)
            || readsAnyMoment(u.prior())) {
          continue;
        }
        groupFactors.add(g);
      }
      if (groupFactors.isEmpty()) {
        continue;
      }
      if (found != null) {
        return Optional.empty(); // two covariates group the rows: which one is ambiguous
      }
      found = new LocalPhase(rows, n.plates().get(0).index(), z.factor().name(), n.name(), groups, groupFactors,
          plan.updates().stream().map(u -> u.factor().name())
              .filter(f -> !f.equals(z.factor().name()) && !groupFactors.contains(f)).toList());
    }
    if (found == null) {
      return Optional.empty();
    }
    // Every ELBO term reading a group factor must be that factor's own prior or the rows' categorical.
    Set<String> allowed = new LinkedHashSet<>(z.factor().members());
    for (String g : found.groupFactors) {
      allowed.addAll(plan.update(g).factor().members());
    }
    for (UpdatePlan.LogJointTerm t : plan.elbo().terms()) {
      for (String g : found.groupFactors) {
        if (t.value().readsFactor(g) && !allowed.contains(t.node())) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(found);
  }

  /** One line for {@code vmodel explain}'s schedule. */
  public String describe() {
    String locals = String.join(", ", groupFactors) + ", " + rowFactor;
    return "each sweep: " + (globals.isEmpty() ? "" : String.join(", ", globals) + "; then, with "
        + (globals.size() == 1 ? "it" : "them") + " fixed, ")
        + "the locals of every group d in " + groups + " (" + locals + " for the rows " + rowIndex + " with "
        + covariate + "[" + rowIndex + "] = d): one round from where they are, and rounds from a restart with q("
        + String.join("), q(", groupFactors) + ") at the prior until their bound settles (at most the local"
        + " iterations); each group keeps the run with the higher bound L_d, so the ELBO never decreases";
  }

  private static boolean readsFactor(List<NaturalParam> params, String factor) {
    return params.stream().anyMatch(p -> p.value().readsFactor(factor));
  }

  private static boolean readsAnyMoment(List<NaturalParam> params) {
    return params.stream().anyMatch(p -> p.value().anyAtom(a -> a instanceof Atom.Moment));
  }
}
