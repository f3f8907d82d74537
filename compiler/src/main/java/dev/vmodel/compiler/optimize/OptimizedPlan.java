package dev.vmodel.compiler.optimize;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.algebra.Printer;
import dev.vmodel.compiler.plan.LocalPhase;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage 5b, between {@code plan} and {@code codegen}: the update plan with the optimisations decided
 * on it, as a value. Which updates run their elements in parallel chunks; the fused pass over a
 * local categorical factor's rows ({@link RowFusion}), whose row statistics other updates read;
 * the sums of data alone computed once per fit ({@link DataSums}); and, with both applied, the
 * natural parameters each update evaluates and the ELBO's terms. Codegen only names and writes
 * what this says. {@link #text()} prints the decisions for tests and readers.
 */
public final class OptimizedPlan {
  private final UpdatePlan plan;
  private final Set<FactorUpdate> chunked = new LinkedHashSet<>();
  private final RowFusion fusion;
  private final DataSums dataSums;
  private final LocalSums localSums;
  private final Map<FactorUpdate, List<NaturalParam>> naturals = new LinkedHashMap<>();
  private final Map<FactorUpdate, List<NaturalParam>> likelihoods = new LinkedHashMap<>();
  private final List<Poly> elboTerms = new ArrayList<>();
  private final ExpProduct expProduct;

  private OptimizedPlan(UpdatePlan plan) {
    this.plan = plan;
    for (FactorUpdate u : plan.updates()) {
      // A fixed-form (non-conjugate) update reads its own moments: its elements are not independent.
      if (isChunked(u) && !u.nonConjugate()) {
        chunked.add(u);
      }
    }
    this.fusion = RowFusion.analyze(plan, chunked::contains);
    this.dataSums = new DataSums(plan);
    this.localSums = new LocalSums(plan, summedLocals(plan));
    for (FactorUpdate u : plan.updates()) {
      List<NaturalParam> params = fusion != null && fusion.rewritten.containsKey(u.factor().name())
          ? fusion.rewritten.get(u.factor().name()) : u.natural();
      naturals.put(u, readSums(u, params, !u.local() && !localSums.locals().contains(u.factor().name())));
      if (!u.local()) {
        List<NaturalParam> batch = fusion != null && fusion.rewrittenLikelihood.containsKey(u.factor().name())
            ? fusion.rewrittenLikelihood.get(u.factor().name()) : u.likelihood();
        likelihoods.put(u, readSums(u, batch, true));
      }
    }
    for (UpdatePlan.LogJointTerm term : plan.elbo().terms()) {
      elboTerms.add(localSums.rewrite(dataSums.rewrite(term.value(), List.of()), List.of()));
    }
    this.expProduct = fusion == null ? null : ExpProduct.analyze(plan, fusion, naturals.get(fusion.local));
  }

  /** The product form of the fused factor's update, or null (see {@link ExpProduct}). */
  public ExpProduct expProduct() {
    return expProduct;
  }

  /** The optimisations of a plan. */
  public static OptimizedPlan of(UpdatePlan plan) {
    return new OptimizedPlan(plan);
  }

  public UpdatePlan plan() {
    return plan;
  }

  /**
   * Whether a factor's element loop runs in chunks, in parallel: a local factor with elements
   * whose update reads no moment of its own factor (an element's update must not read other
   * elements of the same factor; reading none at all is the plan's usual case).
   */
  public boolean chunked(FactorUpdate u) {
    return chunked.contains(u);
  }

  /** The fused pass over a local categorical factor's rows, or null. */
  public RowFusion fusion() {
    return fusion;
  }

  /** The sums of data alone, in the order they are computed. */
  public List<DataSums.Sum> sums() {
    return dataSums.sums();
  }

  /** The natural parameters the update of {@code u} evaluates: row statistics and data sums read where found. */
  public List<NaturalParam> natural(FactorUpdate u) {
    return naturals.get(u);
  }

  /**
   * The natural parameters of a batch of data alone ({@link FactorUpdate#likelihood}) that the
   * update of global factor {@code u} from a previous posterior evaluates, optimised like {@link #natural}.
   */
  public List<NaturalParam> likelihood(FactorUpdate u) {
    List<NaturalParam> p = likelihoods.get(u);
    if (p == null) {
      throw new IllegalArgumentException("q(" + u.factor().name() + ") is local: it has no update from a prior fit");
    }
    return p;
  }

  private List<NaturalParam> readSums(FactorUpdate u, List<NaturalParam> params, boolean withLocalSums) {
    List<NaturalParam> out = new ArrayList<>();
    for (NaturalParam p : params) {
      List<Idx> open = new ArrayList<>(u.elementIndices());
      open.addAll(p.components());
      Poly value = dataSums.rewrite(p.value(), open);
      out.add(new NaturalParam(p.stat(), p.components(), withLocalSums ? localSums.rewrite(value, open) : value));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The local factors whose moments the global updates and the ELBO read through {@link
   * LocalSums}: those updated element by element in parallel chunks, not fused, not Markov
   * chains (the group factors of a local phase too: the phase refreshes the sums at its end).
   */
  private Set<String> summedLocals(UpdatePlan plan) {
    Set<String> out = new LinkedHashSet<>();
    LocalPhase.of(plan).ifPresent(p -> out.addAll(p.groupFactors()));
    for (FactorUpdate u : plan.updates()) {
      if (u.local() && chunked.contains(u) && !u.chain() && (fusion == null || fusion.local != u)) {
        out.add(u.factor().name());
      }
    }
    return out;
  }

  /** The sums of data and local factors' moments, refreshed after the local updates ({@link LocalSums}). */
  public LocalSums localSums() {
    return localSums;
  }

  /** The ELBO's log-joint terms, in the plan's order, with data sums read where found. */
  public List<Poly> elboTerms() {
    return Collections.unmodifiableList(elboTerms);
  }

  private static boolean isChunked(FactorUpdate u) {
    if (!u.local() || u.elementIndices().isEmpty()) {
      return false;
    }
    for (NaturalParam p : u.natural()) {
      for (Monomial m : p.value().terms()) {
        for (Atom a : m.atoms()) {
          if (a instanceof Atom.Moment mo && mo.factor().equals(u.factor().name())) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** The decisions, one section each: chunked updates, data sums, fusion, rewritten parameters. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append("model ").append(plan.graph().name()).append('\n');
    b.append("chunked: ").append(chunked.isEmpty() ? "none"
        : String.join(", ", chunked.stream().map(u -> "q(" + u.factor().name() + ")").toList())).append('\n');
    b.append("data sums:").append(dataSums.sums().isEmpty() ? " none" : "").append('\n');
    for (DataSums.Sum s : dataSums.sums()) {
      Map<Idx, String> names = new LinkedHashMap<>();
      names.put(s.row(), s.row().name());
      for (int i = 0; i < s.free().size(); i++) {
        names.put(s.free().get(i), "i" + i);
      }
      b.append("  ").append(s.var()).append(" (").append(s.word()).append(") = sum_").append(s.row().name())
          .append(' ').append(RowFusion.display(s.atoms(), names)).append('\n');
    }
    if (!localSums.sums().isEmpty()) {
      b.append("local sums:\n");
      for (LocalSums.Sum s : localSums.sums()) {
        Map<Idx, String> names = new LinkedHashMap<>();
        names.put(s.row(), s.row().name());
        for (int i = 0; i < s.free().size(); i++) {
          names.put(s.free().get(i), "i" + i);
        }
        b.append("  ").append(s.var()).append(" (").append(s.word()).append(") = sum_").append(s.row().name())
            .append(' ').append(RowFusion.display(s.atoms(), names)).append('\n');
      }
    }
    if (fusion == null) {
      b.append("fusion: none\n");
    } else {
      b.append("fusion: q(").append(fusion.local.factor().name()).append(") over ")
          .append(fusion.element.range().text()).append(fusion.weights != null ? ", separable" : "")
          .append(fusion.lseElbo ? ", ELBO from log-normalisers" : "").append('\n');
      for (RowFusion.Pattern p : fusion.patterns) {
        b.append("  ").append(p.feature ? "feature " : "").append(p.stat ? "statistic " : "").append(p.word)
            .append(p.statVar == null ? "" : " as " + p.statVar).append('\n');
      }
    }
    if (expProduct != null) {
      b.append("product form: exp eta(").append(expProduct.factor()).append(") = ")
          .append(Printer.text(expProduct.product())).append('\n');
    }
    for (FactorUpdate u : plan.updates()) {
      List<NaturalParam> params = naturals.get(u);
      if (params.equals(u.natural())) {
        continue;
      }
      b.append("eta(").append(u.factor().name()).append("), optimised:\n");
      for (NaturalParam p : params) {
        b.append("  ").append(p.stat().name()).append(": ").append(Printer.text(p.value())).append('\n');
      }
    }
    return b.toString();
  }
}
