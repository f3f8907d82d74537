package dev.vmodel.compiler.conjugacy;

import dev.vmodel.compiler.family.MarkovChainFamily;

import dev.vmodel.compiler.dist.Distributions;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.algebra.Printer;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.Span;
import dev.vmodel.compiler.family.Families;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.family.FamilySpec;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.IrPrinter;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.compiler.graph.ModelGraph.Factor;
import dev.vmodel.compiler.graph.ModelGraph.Node;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Stage 4: derives every factor's optimal update, ln q_j*(Z_j) = E_{i != j}[ln p(X, Z)] + const.
 *
 * <p>One rule, no per-model code: each distribution's log density is expanded into a polynomial
 * in the statistics of its value and arguments ({@link LogDensities}), with mixture gates and
 * nested indices written as sums and Kronecker deltas. For factor q_j, every monomial that holds
 * q_j's variables must be one of its family's sufficient statistics times a coefficient free of
 * q_j; the coefficient's expectation under the other factors is that statistic's natural
 * parameter. A monomial that is not of that form is a conjugacy error, reported at the
 * distribution that produced it.
 */
public final class ConjugacyAnalyzer {
  private final ModelGraph graph;
  private final Diagnostics diagnostics;
  private final Map<String, Family> families = new LinkedHashMap<>();
  private final Map<String, String> factorOfVar = new HashMap<>();
  private final Map<String, Poly> nodePolys = new LinkedHashMap<>();
  /** exp(...) arguments already reported as not linear in Gaussian latents, by node. */
  private final Set<String> reportedExp = new HashSet<>();

  private ConjugacyAnalyzer(ModelGraph graph, Diagnostics diagnostics) {
    this.graph = graph;
    this.diagnostics = diagnostics;
  }

  /** Derives the update plan; null, with diagnostics, where a factor has no closed form. */
  public static UpdatePlan analyze(ModelGraph graph, Diagnostics diagnostics) {
    return new ConjugacyAnalyzer(graph, diagnostics).run();
  }

  private UpdatePlan run() {
    long before = diagnostics.errorCount();
    for (Factor f : graph.factors()) {
      Family fam = familyOf(f);
      if (fam != null) {
        families.put(f.name(), fam);
      }
      f.members().forEach(m -> factorOfVar.put(m, f.name()));
    }
    if (diagnostics.errorCount() > before) {
      return null;
    }
    for (Node n : graph.nodes()) {
      if (n.dist().isEmpty()) {
        continue;
      }
      try {
        nodePolys.put(n.name(), nodePoly(n));
      } catch (NotConjugateException e) {
        report(n, e);
      }
    }
    if (diagnostics.errorCount() > before) {
      return null;
    }
    List<FactorUpdate> updates = new ArrayList<>();
    for (Factor f : graph.factors()) {
      FactorUpdate u = derive(f);
      if (u != null) {
        updates.add(u);
      }
    }
    if (diagnostics.errorCount() > before) {
      return null;
    }
    List<UpdatePlan.LogJointTerm> elbo = new ArrayList<>();
    for (Map.Entry<String, Poly> e : nodePolys.entrySet()) {
      Node n = graph.node(e.getKey());
      if (n.isBound()) {
        continue; // a bound's parameters have no density of their own: their terms are the likelihood's
      }
      Poly expected = expectAll(e.getValue(), Set.of(), n);
      if (expected == null) {
        return null;
      }
      elbo.add(new UpdatePlan.LogJointTerm(n.name(), n.dist().get().span(), expected));
    }
    List<String> schedule = new ArrayList<>();
    updates.stream().filter(u -> !u.local()).forEach(u -> schedule.add(u.factor().name()));
    updates.stream().filter(FactorUpdate::local).forEach(u -> schedule.add(u.factor().name()));
    List<UpdatePlan.Predictive> predictives = new ArrayList<>();
    for (Node n : graph.nodes()) {
      if (maskable(n)) {
        predictives.add(predictive(n));
      }
    }
    return new UpdatePlan(graph, updates, schedule,
        new UpdatePlan.Elbo(elbo, graph.factors().stream().map(Factor::name).toList()), predictives,
        newRow(updates));
  }

  // ---------------------------------------------------------------------------------------------
  // The posterior predictive of a new row

  /** Why a new row's predictive has no closed form. */
  private static final class Inexact extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Inexact(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * Derives {@link UpdatePlan.NewRow}: the row plate is the outer plate of the observed arrays;
   * the row's terms are their log densities and those of the local latents on the same plate,
   * with that plate's index left free. Null where the model has no row plate.
   */
  private UpdatePlan.NewRow newRow(List<FactorUpdate> updates) {
    List<Node> data = graph.nodes().stream()
        .filter(n -> n.kind() == ModelGraph.Kind.DATA && n.dist().isPresent()).toList();
    if (data.isEmpty() || data.stream().anyMatch(n -> n.plates().isEmpty())) {
      return null;
    }
    String plate = data.get(0).plates().get(0).size();
    if (data.stream().anyMatch(n -> !n.plates().get(0).size().equals(plate))) {
      return null;
    }
    Idx row = Idx.fresh(data.get(0).plates().get(0).index(), new Dim.Named(plate));
    // Sizes new data bring: the row plate, and the groups rows fall into (a covariate doc[t]: cat[D]).
    Set<String> rowSizes = new LinkedHashSet<>(List.of(plate));
    for (Node n : graph.nodes()) {
      if (n.kind() == ModelGraph.Kind.COVARIATE && !n.plates().isEmpty() && n.plates().get(0).size().equals(plate)
          && n.type() instanceof Type.Cat c && c.range() instanceof Dim.Named d) {
        rowSizes.add(d.size());
      }
    }
    List<Node> rowNodes = new ArrayList<>(data);
    List<String> enumerated = new ArrayList<>();
    List<String> locals = new ArrayList<>();
    Set<String> globals = new HashSet<>();
    String inexact = null;
    for (FactorUpdate u : updates) {
      Node first = graph.node(u.factor().members().get(0));
      if (first.plates().isEmpty() || !rowSizes.contains(first.plates().get(0).size())) {
        globals.addAll(u.factor().members());
        continue;
      }
      locals.add(u.factor().name());
      boolean onRows = first.plates().get(0).size().equals(plate);
      if (u.chain()) {
        if (inexact == null) {
          inexact = "q(" + u.factor().name() + ") is a Markov chain over the rows: a row's state depends on the"
              + " previous row's, so rows have no predictive one at a time; new data are a new sequence, whose"
              + " ELBO given the fitted globals is a lower bound on its log predictive";
        }
        continue;
      }
      if (onRows && u.responsibilities() && first.plates().size() == 1 && u.factor().members().size() == 1) {
        enumerated.add(u.factor().name());
        rowNodes.add(first);
      } else if (inexact == null) {
        inexact = "q(" + u.factor().name() + ") is a " + u.family().spec().title() + " factor of the new data"
            + (onRows ? "" : " (on plate " + first.plates().get(0).size() + ")")
            + ": a new row's predictive integrates it out, which has no closed form";
      }
    }
    List<String> nodeNames = rowNodes.stream().map(Node::name).toList();
    if (inexact != null) {
      return new UpdatePlan.NewRow(plate, row, rowSizes, locals, nodeNames, enumerated, List.of(), Poly.ZERO, inexact,
          null);
    }
    try {
      return rowTerms(updates, rowNodes, row, globals, locals, null).with(plate, rowSizes, nodeNames, enumerated);
    } catch (Inexact e) {
      // Two global factors in one term (tau * w in a regression with q(w) q(tau)): integrate one
      // scalar single-element factor numerically, the rest in closed form at each node.
      for (FactorUpdate u : updates) {
        if (!locals.contains(u.factor().name()) && u.elementIndices().isEmpty() && u.family().spec().quadrature()) {
          try {
            return rowTerms(updates, rowNodes, row, globals, locals, u.factor().name())
                .with(plate, rowSizes, nodeNames, enumerated);
          } catch (Inexact again) {
            // try the next candidate
          }
        }
      }
      return new UpdatePlan.NewRow(plate, row, rowSizes, locals, nodeNames, enumerated, List.of(), Poly.ZERO,
          e.getMessage(), null);
    }
  }

  /** The row's terms and constant, {@code integrated} (a factor, or null) left as moments. */
  private record RowTerms(Idx row, List<String> locals, List<UpdatePlan.RowTerm> terms, Poly constant,
      String integrated) {
    UpdatePlan.NewRow with(String plate, Set<String> sizes, List<String> nodes, List<String> enumerated) {
      return new UpdatePlan.NewRow(plate, row, sizes, locals, nodes, enumerated, terms, constant, null, integrated);
    }
  }

  private RowTerms rowTerms(List<FactorUpdate> updates, List<Node> rowNodes, Idx row, Set<String> allGlobals,
      List<String> locals, String integrated) {
    Set<String> globals = new HashSet<>(allGlobals);
    if (integrated != null) {
      graph.factors().stream().filter(f -> f.name().equals(integrated)).findFirst().orElseThrow().members()
          .forEach(globals::remove);
    }
    ConjugacyAnalyzer scratch = new ConjugacyAnalyzer(graph, new Diagnostics());
    scratch.families.putAll(families);
    scratch.factorOfVar.putAll(factorOfVar);
    Map<String, Poly> polys = new LinkedHashMap<>();
    Poly constant = Poly.ZERO;
    for (Node n : rowNodes) {
      Poly p = rowPoly(n, row);
      polys.put(n.name(), p);
      List<Monomial> free = p.terms().stream().filter(m -> rvs(m, globals).isEmpty()).toList();
      Poly c = scratch.expectAll(new Poly(free), Set.of(), n);
      if (c == null) {
        throw new Inexact(scratch.diagnostics.sorted().get(0).message());
      }
      constant = constant.plus(c);
    }
    List<UpdatePlan.RowTerm> terms = new ArrayList<>();
    for (FactorUpdate u : updates) {
      if (locals.contains(u.factor().name()) || u.factor().name().equals(integrated)) {
        continue;
      }
      Set<String> others = new HashSet<>(globals);
      u.factor().members().forEach(others::remove);
      FactorUpdate d = scratch.derive(u.factor(), polys, others);
      if (d == null || scratch.diagnostics.hasErrors()) {
        throw new Inexact(scratch.diagnostics.sorted().isEmpty() ? "q(" + u.factor().name() + ") has no row term"
            : scratch.diagnostics.sorted().get(0).message());
      }
      if (d.nonConjugate()) {
        throw new Inexact("q(" + u.factor().name() + ") is a fixed-form update of a non-conjugate likelihood"
            + " (exp or ln logistic of a linear predictor): a new row's predictive has no closed form");
      }
      if (!d.sources().isEmpty()) {
        terms.add(new UpdatePlan.RowTerm(u.factor().name(), d.elementIndices(), d.natural()));
      }
    }
    return new RowTerms(row, locals, terms, constant.simplified(), integrated);
  }

  /** ln p(node | parents) at row {@code row} of its outer plate, summed over its inner plates. */
  private Poly rowPoly(Node n, Idx row) {
    Map<String, Idx> plates = new LinkedHashMap<>();
    List<Ix> element = new ArrayList<>();
    List<Idx> inner = new ArrayList<>();
    for (ModelGraph.Plate p : n.plates()) {
      Idx i = plates.isEmpty() ? row : Idx.fresh(p.index(), new Dim.Named(p.size()));
      plates.put(p.index(), i);
      element.add(new Ix.V(i));
      if (i != row) {
        inner.add(i);
      }
    }
    SymBuilder b = new SymBuilder(plates);
    Poly p = LogDensities.logPdf(n, new LogDensities.Value(n, element), b, graph.boundOf(n.name()));
    if (maskable(n)) {
      p = p.times(new Atom.Observed(n.name(), element));
    }
    p = expandGates(p, b);
    for (int i = inner.size() - 1; i >= 0; i--) {
      p = p.sum(inner.get(i));
    }
    return p;
  }

  // ---------------------------------------------------------------------------------------------
  // Families

  private Family familyOf(Factor f) {
    if (f.members().size() == 1) {
      Node n = graph.node(f.members().get(0));
      String prior = n.dist().orElseThrow().spec().name();
      FamilySpec spec = Families.ofPrior(prior);
      if (spec == null) {
        diagnostics.error(
            Code.NOT_CONJUGATE,
            n.dist().get().span(),
            "q(" + n.name() + "): a latent with a " + prior + " distribution has no conjugate update;"
                + " latent " + n.type().text() + " values are not supported",
            "model it as a categorical (cat[K]) latent, or observe it as data");
        return null;
      }
      return new Family(spec, f.members(), dimOf(n.type()));
    }
    // Groups: a joint factor has a closed form for a mean whose prior precision is scaled by
    // the group's precision: Normal-Gamma and Normal-Wishart.
    List<Node> nodes = f.members().stream().map(graph::node).toList();
    if (nodes.size() == 2) {
      for (int i = 0; i < 2; i++) {
        Node mean = nodes.get(i);
        Node prec = nodes.get(1 - i);
        boolean scaled = mean.dist().get().args().containsKey("precision")
            && SymBuilder.latentsIn(mean.dist().get().arg("precision").value()).contains(prec.name());
        boolean samePlates = mean.plates().stream().map(ModelGraph.Plate::size).toList()
            .equals(prec.plates().stream().map(ModelGraph.Plate::size).toList());
        FamilySpec spec = Families.ofGroup(mean.dist().get().spec().name(), prec.dist().get().spec().name());
        if (scaled && samePlates && spec != null) {
          return new Family(spec, List.of(mean.name(), prec.name()), dimOf(mean.type()));
        }
      }
    }
    String priors = nodes.stream().map(n -> n.name() + " ~ " + n.dist().get().spec().name())
        .collect(Collectors.joining(", "));
    diagnostics.error(
        Code.GROUP_NOT_CLOSED_FORM,
        f.span(),
        "q(" + f.name() + ") has no closed form: a group is a joint factor only for a mean whose prior"
            + " precision is scaled by the grouped precision (Normal-Gamma, Normal-Wishart); here " + priors,
        "remove the group to update each latent on its own, or write the mean's prior as"
            + " Normal(m0, beta0 * tau) / MultiNormal(m0, beta0 * Lambda) with the plates of the precision");
    return null;
  }

  private static Dim dimOf(Type t) {
    if (t instanceof Type.Vector v) {
      return v.length();
    } else if (t instanceof Type.Matrix m) {
      return m.rows();
    } else if (t instanceof Type.Cat c) {
      return c.range();
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Log densities as polynomials

  /**
   * Observed real-valued scalar data on which nothing else depends: its missing entries can be
   * integrated out exactly by dropping their terms.
   */
  private boolean maskable(Node n) {
    if (n.kind() != ModelGraph.Kind.DATA || !(n.type() instanceof Type.Scalar s)
        || s.domain().isInteger() && !logisticLabels(n)) {
      return false;
    }
    for (Node other : graph.nodes()) {
      if (other != n && other.dist().isPresent() && !other.isBound()) {
        for (ModelGraph.Arg a : other.dist().get().args().values()) {
          if (references(a.value(), n.name())) {
            return false;
          }
        }
      }
    }
    // Normal data, whose predictive mean is E[mean] and linear in the moments, and the labels of a
    // Bernoulli-logistic (a missing label's bound term drops out, as summing p(y | a) over y does).
    // Other likelihoods could be integrated out the same way, but have no predictive mean here.
    return n.dist().get().spec().name().equals("Normal") || logisticLabels(n);
  }

  /**
   * Observed labels of {@code Bernoulli(logistic(a))} with a Jaakkola-Jordan bound and no mixture
   * gate in a: P(y = 1) is then E_q[logistic(a)] over a Gaussian a (a mixture of experts' would be a
   * mixture over the gate's new-row posterior).
   */
  private boolean logisticLabels(Node n) {
    if (!n.dist().get().spec().name().equals("Bernoulli")) {
      return false;
    }
    Ir a = logisticArgument(n);
    return a != null && (graph.boundOf(n.name()).isPresent() || SymBuilder.mentionsLatent(a)) && !Ir.hasGate(a);
  }

  /**
   * The argument a of a Bernoulli's logistic: {@code logistic(a)} under Jaakkola and Jordan's bound,
   * or {@code logit: a}; null for a probability given otherwise.
   */
  private Ir logisticArgument(Node n) {
    ModelGraph.Arg p = n.dist().get().arg("p");
    if (p.givenAs().equals("logit")) {
      return p.value();
    }
    return graph.boundOf(n.name()).isPresent() ? ((Ir.Call) p.value()).args().get(0) : null;
  }

  /** Whether an expression reads the variable (as a value or as an index). */
  private static boolean references(Ir e, String var) {
    if (e instanceof Ir.Var v) {
      return v.name().equals(var) || v.indices().stream().anyMatch(i -> i instanceof Ir.Index.Data d
          && references(d.element(), var) || i instanceof Ir.Index.Gate g && references(g.element(), var));
    } else if (e instanceof Ir.ArrayVector a) {
      return a.name().equals(var);
    } else if (e instanceof Ir.Element el) {
      return references(el.target(), var) || el.indices().stream().anyMatch(i -> i instanceof Ir.Index.Data d
          && references(d.element(), var));
    } else if (e instanceof Ir.Neg n) {
      return references(n.operand(), var);
    } else if (e instanceof Ir.Binary b) {
      return references(b.left(), var) || references(b.right(), var);
    } else if (e instanceof Ir.Call c) {
      return c.args().stream().anyMatch(x -> references(x, var));
    }
    return false;
  }

  /** E_q[mean of the node's distribution], free in its plate indices. */
  private UpdatePlan.Predictive predictive(Node n) {
    Map<String, Idx> plates = new LinkedHashMap<>();
    List<Idx> element = new ArrayList<>();
    for (ModelGraph.Plate p : n.plates()) {
      Idx i = Idx.fresh(p.index(), new Dim.Named(p.size()));
      plates.put(p.index(), i);
      element.add(i);
    }
    SymBuilder b = new SymBuilder(plates);
    ModelGraph.Dist d = n.dist().get();
    if (logisticLabels(n)) {
      // E[a] and E[a^2] of the logistic's argument: P(y = 1) = E_q[logistic(a)], a one-dimensional
      // integral over the Gaussian q of a (mean-field factors inside a are independent).
      Poly a = b.scalar(logisticArgument(n));
      return new UpdatePlan.Predictive(n.name(), element, expectAll(a, Set.of(), n),
          expectAll(a.times(a), Set.of(), n), UpdatePlan.Link.LOGISTIC);
    }
    Poly mean = b.scalar(d.arg("mean").value());
    Poly expectedMean = expectAll(expandGates(mean, b), Set.of(), n);
    // E[y^2 | params] = variance + mean^2, under q: where it has no closed form (a variance
    // through a nonlinearity q gives no moment of), the predictive variance is left out.
    Poly second = null;
    try {
      ModelGraph.Arg p = d.arg("precision");
      Ir pv = p.value();
      Poly variance = switch (p.givenAs()) {
        case "sd" -> b.scalar(pv).times(b.scalar(pv));
        case "var" -> b.scalar(pv);
        default -> b.inv(b.scalar(pv), pv);
      };
      ConjugacyAnalyzer scratch = new ConjugacyAnalyzer(graph, new Diagnostics());
      scratch.families.putAll(families);
      scratch.factorOfVar.putAll(factorOfVar);
      second = scratch.expectAll(expandGates(variance.plus(mean.times(mean)), b), Set.of(), n);
      if (scratch.diagnostics.hasErrors()) {
        second = null;
      }
    } catch (NotConjugateException e) {
      second = null;
    }
    return new UpdatePlan.Predictive(n.name(), element, expectedMean, second);
  }

  /**
   * Sums a polynomial over the mixture gates the builder met: each gate `z[n]` became a
   * component index k, and the result is sum_k [z[n] = k] * p.
   */
  private static Poly expandGates(Poly p, SymBuilder b) {
    List<Map.Entry<String, Idx>> gates = new ArrayList<>(b.gates().entrySet());
    for (int g = gates.size() - 1; g >= 0; g--) {
      Ir.Var z = b.gateVars().get(gates.get(g).getKey());
      Idx k = gates.get(g).getValue();
      Atom onehot = new Atom.Rv(z.name(), b.indices(z.indices()), Atom.Stat.ONEHOT, List.of(new Ix.V(k)));
      p = Poly.of(onehot).times(p).sum(k);
    }
    return p;
  }

  /** ln p(node | parents) summed over the node's plates, with mixture gates expanded. */
  private Poly nodePoly(Node n) {
    if (Distributions.isChain(n.dist().get().spec())) {
      return chainPoly(n);
    }
    Map<String, Idx> plates = new LinkedHashMap<>();
    List<Ix> element = new ArrayList<>();
    for (ModelGraph.Plate p : n.plates()) {
      Idx i = Idx.fresh(p.index(), new Dim.Named(p.size()));
      plates.put(p.index(), i);
      element.add(new Ix.V(i));
    }
    SymBuilder b = new SymBuilder(plates);
    Poly p = LogDensities.logPdf(n, new LogDensities.Value(n, element), b, graph.boundOf(n.name()));
    if (maskable(n)) {
      p = p.times(new Atom.Observed(n.name(), element));
    }
    p = expandGates(p, b);
    List<Idx> ps = new ArrayList<>(plates.values());
    for (int i = ps.size() - 1; i >= 0; i--) {
      p = p.sum(ps.get(i));
    }
    return p;
  }

  /**
   * ln p(z | init, transition) of a Markov chain z, summed over its rows, in the expected
   * statistics of the structured factor q(z) (its whole-factor moments, known to every other
   * factor's update):
   *
   * <pre>
   * sum_k first[k] ln init[k] + sum_{j,k} pair[j,k] ln transition[j][k]
   * </pre>
   *
   * with first[k] the number of chains starting in state k and pair[j,k] the number of steps from
   * j to k. It holds no statistic of z per row: q(z)'s own update reads the chain through
   * forward-backward, not through natural parameters.
   */
  private Poly chainPoly(Node n) {
    String zf = factorOfVar.get(n.name());
    Dim states = ((Type.Cat) n.type()).range();
    Idx j = Idx.fresh("j", states);
    Idx k = Idx.fresh("k", states);
    Ir init = n.dist().get().arg("init").value();
    Atom lnInit;
    if (init instanceof Ir.Var v && v.latent() && v.indices().isEmpty()) {
      lnInit = new Atom.Rv(v.name(), List.of(), Atom.Stat.LN, List.of(new Ix.V(k)));
    } else if (init instanceof Ir.Hyper h) {
      lnInit = new Atom.Fn(Atom.Func.LOG, List.of(Poly.of(new Atom.Hyper(h.name(), List.of(new Ix.V(k))))));
    } else {
      throw new NotConjugateException(init,
          "is not a latent simplex or a hyper: the initial-state distribution of a Markov chain must be one"
              + " (e.g. `latent rho: simplex[K] ~ Dirichlet(rep(1, K))`)", Ir.latentsIn(init));
    }
    Ir.ArrayVector a = (Ir.ArrayVector) n.dist().get().arg("transition").value();
    Atom lnA = new Atom.Rv(a.name(), List.of(new Ix.V(j)), Atom.Stat.LN, List.of(new Ix.V(k)));
    Poly first = Poly.of(new Atom.Moment(zf, List.of(), MarkovChainFamily.FIRST, List.of(new Ix.V(k))))
        .times(lnInit).sum(k);
    Poly pair = Poly.of(new Atom.Moment(zf, List.of(), MarkovChainFamily.PAIR, List.of(new Ix.V(j), new Ix.V(k))))
        .times(lnA).sum(k).sum(j);
    return first.plus(pair);
  }

  private void report(Node n, NotConjugateException e) {
    Set<String> factors = new LinkedHashSet<>();
    for (String v : e.latents) {
      String f = factorOfVar.get(v);
      if (f != null) {
        factors.add(f);
      }
    }
    String slot = slotOf(n, e.culprit);
    String q = factors.isEmpty() ? "" : factors.stream().map(f -> "q(" + f + ")").collect(Collectors.joining(", ")) + ": ";
    String stats = factors.stream().filter(families::containsKey)
        .map(f -> f + "'s sufficient statistics are " + families.get(f).statsText())
        .collect(Collectors.joining("; "));
    Span at = e.culprit != null ? e.culprit.span() : n.dist().get().span();
    diagnostics.error(
        Code.NOT_CONJUGATE,
        at,
        q + (slot == null ? "" : "the " + slot + " of " + n.dist().get().spec().name() + " in '" + n.name() + "', ")
            + "'" + (e.culprit == null ? n.name() : IrPrinter.print(e.culprit)) + "', " + e.problem()
            + (stats.isEmpty() ? "" : "; " + stats),
        "keep latents where their statistics enter linearly (e.g. a Gamma precision, a Normal mean, a Beta"
            + " probability), or observe this quantity as data");
  }

  private static String slotOf(Node n, Ir culprit) {
    if (culprit == null) {
      return null;
    }
    for (Map.Entry<String, ModelGraph.Arg> a : n.dist().get().args().entrySet()) {
      Span s = a.getValue().value().span();
      Span c = culprit.span();
      boolean inside = (c.line() > s.line() || (c.line() == s.line() && c.column() >= s.column()))
          && (c.endLine() < s.endLine() || (c.endLine() == s.endLine() && c.endColumn() <= s.endColumn()));
      if (inside) {
        String given = a.getValue().givenAs();
        return given;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Updates

  private FactorUpdate derive(Factor f) {
    return derive(f, nodePolys, Set.of());
  }

  /**
   * The update of {@code f} from the log densities {@code polys}. A monomial that also holds a
   * latent of {@code forbidden} throws {@link Inexact}: the new-row predictive needs every term to
   * hold one global factor only.
   */
  private FactorUpdate derive(Factor f, Map<String, Poly> polys, Set<String> forbidden) {
    Family fam = families.get(f.name());
    Node first = graph.node(f.members().get(0));
    List<Idx> element = new ArrayList<>();
    for (ModelGraph.Plate p : first.plates()) {
      element.add(Idx.fresh(p.index(), new Dim.Named(p.size())));
    }
    Map<String, List<Idx>> comps = new LinkedHashMap<>();
    Map<String, Poly> natural = new LinkedHashMap<>();
    Map<String, Poly> prior = new LinkedHashMap<>();
    Map<String, Poly> likelihood = new LinkedHashMap<>();
    for (Family.Stat s : fam.naturalStats()) {
      List<Idx> c = new ArrayList<>();
      List<String> names = fam.spec().componentIndexNames(s.arity());
      for (int a = 0; a < s.arity(); a++) {
        c.add(Idx.fresh(names.get(a), fam.dim()));
      }
      comps.put(s.name(), c);
      natural.put(s.name(), Poly.ZERO);
      prior.put(s.name(), Poly.ZERO);
      likelihood.put(s.name(), Poly.ZERO);
    }
    Set<String> members = new HashSet<>(f.members());
    List<String> sources = new ArrayList<>();
    for (Map.Entry<String, Poly> e : polys.entrySet()) {
      Node n = graph.node(e.getKey());
      boolean contributes = false;
      Poly linear = linearise(e.getValue(), members, n);
      if (linear == null) {
        return null;
      }
      for (Monomial m : linear.terms()) {
        List<Atom.Rv> targets = rvs(m, members);
        if (targets.isEmpty()) {
          continue;
        }
        List<Atom.Rv> others = rvs(m, forbidden);
        if (!others.isEmpty()) {
          throw new Inexact("the term " + Printer.plain(new Poly(List.of(m))) + " of '" + n.name() + "' holds both q("
              + f.name() + ") and q(" + factorOfVar.get(others.get(0).var()) + "), so they do not integrate out"
              + " in closed form one at a time");
        }
        contributes = true;
        List<Ix> el = targets.get(0).element();
        for (Atom.Rv t : targets) {
          if (!t.element().equals(el)) {
            coupling(f, n, t, targets.get(0));
            return null;
          }
        }
        // Bind the target element to the update's free element indices.
        Map<Idx, Ix> s = new HashMap<>();
        List<Idx> sums = new ArrayList<>(m.sums());
        List<Atom> atoms = new ArrayList<>(m.atoms());
        for (int i = 0; i < el.size(); i++) {
          Ix x = el.get(i);
          Ix free = new Ix.V(element.get(i));
          if (x instanceof Ix.V v && sums.contains(v.idx()) && !s.containsKey(v.idx())) {
            s.put(v.idx(), free);
            sums.remove(v.idx());
          } else {
            atoms.add(new Atom.Delta(x, free));
          }
        }
        Monomial bound = new Monomial(m.coef(), sums, atoms).subst(s);
        List<Atom.Rv> tg = rvs(bound, members);
        Family.Match match = fam.matchNatural(tg, bound);
        if (match == null) {
          notLinear(f, fam, n, tg);
          return null;
        }
        List<Idx> statComps = comps.get(match.stat());
        Map<Idx, Ix> cs = new HashMap<>();
        List<Idx> sums2 = new ArrayList<>(bound.sums());
        List<Atom> rest = new ArrayList<>();
        for (Atom a : bound.atoms()) {
          if (!(a instanceof Atom.Rv r && members.contains(r.var()))) {
            rest.add(a);
          }
        }
        for (int c = 0; c < match.components().size(); c++) {
          Ix x = match.components().get(c);
          Ix free = new Ix.V(statComps.get(c));
          if (x instanceof Ix.V v && sums2.contains(v.idx()) && !cs.containsKey(v.idx())) {
            cs.put(v.idx(), free);
            sums2.remove(v.idx());
          } else {
            rest.add(new Atom.Delta(x, free));
          }
        }
        sums2.removeAll(match.consumed());
        Monomial coef = new Monomial(bound.coef(), sums2, rest).subst(cs);
        Poly expected = expectAll(new Poly(List.of(coef)).simplified(), members, n);
        if (expected == null) {
          return null;
        }
        natural.put(match.stat(), natural.get(match.stat()).plus(expected));
        if (members.contains(n.name())) {
          prior.put(match.stat(), prior.get(match.stat()).plus(expected));
        }
        if (batchNode(n)) {
          likelihood.put(match.stat(), likelihood.get(match.stat()).plus(expected));
        }
      }
      if (contributes) {
        sources.add(n.name());
      }
    }
    List<NaturalParam> params = new ArrayList<>();
    List<NaturalParam> priorParams = new ArrayList<>();
    List<NaturalParam> likelihoodParams = new ArrayList<>();
    for (Family.Stat s : fam.naturalStats()) {
      List<Idx> c = comps.get(s.name());
      params.add(new NaturalParam(s, c, symmetric(natural.get(s.name()), c)));
      priorParams.add(new NaturalParam(s, c, symmetric(prior.get(s.name()), c)));
      likelihoodParams.add(new NaturalParam(s, c, symmetric(likelihood.get(s.name()), c)));
    }
    return new FactorUpdate(f, fam, element, params, priorParams, likelihoodParams, sources, isLocal(first));
  }

  /**
   * Whether a node's density belongs to a batch of data: an observed node, or a latent of a local
   * (per-row) factor. When a fit updates a previous posterior q_A, only these terms are added to
   * q_A's natural parameters; the priors of the global latents are what q_A replaces.
   */
  private boolean batchNode(Node n) {
    if (!n.isLatent()) {
      return true;
    }
    Factor f = graph.factors().stream().filter(x -> x.members().contains(n.name())).findFirst().orElseThrow();
    return isLocal(graph.node(f.members().get(0)));
  }

  /**
   * A matrix statistic (x x^T, Lambda) is symmetric, so only the symmetric part of its natural
   * parameter matters: (eta + eta^T) / 2, so that the usual parameters follow as -2 eta.
   */
  private static Poly symmetric(Poly p, List<Idx> comps) {
    if (comps.size() != 2) {
      return p;
    }
    Poly swapped = p.subst(Map.of(comps.get(0), new Ix.V(comps.get(1)), comps.get(1), new Ix.V(comps.get(0))));
    return p.plus(swapped).scaled(0.5);
  }

  private boolean isLocal(Node latent) {
    if (latent.plates().isEmpty()) {
      return false;
    }
    String outer = latent.plates().get(0).size();
    return graph.nodes().stream().anyMatch(n -> n.kind() == ModelGraph.Kind.DATA
        && !n.plates().isEmpty() && n.plates().get(0).size().equals(outer));
  }

  private static List<Atom.Rv> rvs(Monomial m, Set<String> vars) {
    List<Atom.Rv> out = new ArrayList<>();
    for (Atom a : m.atoms()) {
      if (a instanceof Atom.Rv r && vars.contains(r.var())) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Non-conjugate-variational-message-passing form of the terms whose exp(a) holds a latent of
   * {@code members} (Knowles and Minka 2011): with q(others) and the current q of the members
   * fixed, E[exp(a)] = exp(h), h = E[a] - E[a]^2/2 + E[a^2]/2, and its gradient in the members'
   * moments is that of exp(h) [(1 - E[a]) a + a^2/2] read as a polynomial in their statistics
   * (exp(h) and E[a] held at the current q). So each such exp(a) is replaced by that polynomial:
   * the update's natural parameters are then the ELBO's gradient in the moments, a step that the
   * sweep line-searches, and a fixed point is a stationary point of the ELBO over the family.
   * Null, with a diagnostic, where exp's argument is not linear in Gaussian latents.
   */
  private Poly linearise(Poly p, Set<String> members, Node source) {
    List<Monomial> out = new ArrayList<>();
    Poly extra = Poly.ZERO;
    for (Monomial m : p.terms()) {
      Atom.Fn exp = null;
      List<Atom> rest = new ArrayList<>();
      for (Atom a : m.atoms()) {
        if (exp == null && a instanceof Atom.Fn f && isRandomLink(f)
            && !java.util.Collections.disjoint(SymBuilder.latentsIn(f.args().get(0)), members)) {
          exp = f;
        } else {
          rest.add(a);
        }
      }
      if (exp == null) {
        out.add(m);
        continue;
      }
      Poly arg = exp.args().get(0);
      Poly mean = expectAll(arg, Set.of(), source);
      Poly grad;
      if (exp.f() == Atom.Func.EXP) {
        Poly expected = expectedExp(arg, source);
        if (mean == null || expected == null) {
          return null;
        }
        grad = Poly.ONE.minus(mean).times(arg).plus(arg.times(arg).scaled(0.5)).times(expected);
      } else {
        // F(m, v) = E[ln logistic(a)], m = E[a], v = E[a^2] - m^2: its gradient in (E[a], E[a^2]) is
        // (F_m - 2 m F_v, F_v) with F_m = 1 - E[logistic(a)], F_v = -E[logistic(a)(1 - logistic(a))]/2,
        // so ln logistic(a) is replaced by (1 - E[s] + m E[s(1-s)]) a - E[s(1-s)] a^2 / 2.
        Poly[] mv = gaussianMeanVariance(arg, source);
        if (mean == null || mv == null) {
          return null;
        }
        Poly s = Poly.of(new Atom.Fn(Atom.Func.E_LOGISTIC, List.of(mv[0], mv[1])));
        Poly s1s = Poly.of(new Atom.Fn(Atom.Func.E_LOGISTIC_VAR, List.of(mv[0], mv[1])));
        grad = Poly.ONE.minus(s).plus(mean.times(s1s)).times(arg).minus(s1s.times(arg.times(arg)).scaled(0.5));
      }
      Poly term = new Poly(List.of(new Monomial(m.coef(), List.of(), rest))).times(grad);
      for (int i = m.sums().size() - 1; i >= 0; i--) {
        term = term.sum(m.sums().get(i));
      }
      extra = extra.plus(term);
    }
    return new Poly(out).plus(extra);
  }

  /**
   * E[exp(a)] = exp(E[a] - E[a]^2/2 + E[a^2]/2) for a linear in Normal and MultiNormal latents (the
   * lognormal mean, mean-field factors being independent); null, with a diagnostic, otherwise.
   */
  private Poly expectedExp(Poly arg, Node source) {
    Poly[] ms = firstTwoMoments(arg, source, "exp", "exp(...) of a linear predictor such as dot(w, x[n]) + b");
    if (ms == null) {
      return null;
    }
    Poly mean = ms[0];
    Poly second = ms[1];
    Poly h = mean.minus(mean.times(mean).scaled(0.5)).plus(second.scaled(0.5)).simplified();
    // Its summation indices are its own: the terms it multiplies bind and substitute theirs.
    h = new Poly(h.terms().stream().map(Monomial::freshened).toList());
    return Poly.of(new Atom.Fn(Atom.Func.EXP, List.of(h)));
  }

  /** Whether {@code f} is EXP or LN_LOGISTIC of an argument that holds latents (a nonlinear link). */
  private static boolean isRandomLink(Atom.Fn f) {
    return (f.f() == Atom.Func.EXP || f.f() == Atom.Func.LN_LOGISTIC) && f.args().get(0).isRandom();
  }

  /**
   * The mean and the variance of {@code arg} (linear in Normal and MultiNormal latents) under q, as
   * polynomials in the moments, each with summation indices of its own; null, with a diagnostic,
   * where the argument is not such a linear predictor.
   */
  private Poly[] gaussianMeanVariance(Poly arg, Node source) {
    Poly[] ms = firstTwoMoments(arg, source, "logit", "logit: a linear predictor such as dot(w, x[n]) + b");
    if (ms == null) {
      return null;
    }
    Poly mean = ms[0];
    Poly var = ms[1].minus(mean.times(mean)).simplified();
    return new Poly[] {
        new Poly(mean.terms().stream().map(Monomial::freshened).toList()),
        new Poly(var.terms().stream().map(Monomial::freshened).toList())};
  }

  /**
   * E[a] and E[a^2] under q for {@code arg} linear in Normal and MultiNormal latents (mean-field
   * factors being independent); null, with a diagnostic about {@code what} (exp or logit), otherwise.
   */
  private Poly[] firstTwoMoments(Poly arg, Node source, String what, String fix) {
    if (!linearInGaussians(arg, source, what, fix)) {
      return null;
    }
    Poly mean = expectAll(arg, Set.of(), source);
    Poly second = expectAll(arg.times(arg), Set.of(), source);
    return mean == null || second == null ? null : new Poly[] {mean, second};
  }

  /** E[ln logistic(a)] = E_LN_LOGISTIC(E[a], Var[a]) for a linear in Gaussian latents; null, with a diagnostic, otherwise. */
  private Poly expectedLnLogistic(Poly arg, Node source) {
    Poly[] mv = gaussianMeanVariance(arg, source);
    return mv == null ? null : Poly.of(new Atom.Fn(Atom.Func.E_LN_LOGISTIC, List.of(mv[0], mv[1])));
  }

  private boolean linearInGaussians(Poly arg, Node source, String what, String fix) {
    for (Monomial m : arg.terms()) {
      List<Atom.Rv> rs = new ArrayList<>();
      boolean nested = false;
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Rv r) {
          rs.add(r);
        } else if (a instanceof Atom.Fn f && f.args().stream().anyMatch(Poly::isRandom)) {
          nested = true;
        }
      }
      boolean gaussian = rs.size() <= 1 && !nested && rs.stream().allMatch(r -> r.stat() == Atom.Stat.ID
          && families.containsKey(factorOfVar.get(r.var()))
          && families.get(factorOfVar.get(r.var())).spec().gaussian());
      if (!gaussian) {
        if (!reportedExp.add(source.name() + "|" + arg)) {
          return false; // reported already, from another factor's derivation
        }
        diagnostics.error(
            Code.NOT_CONJUGATE,
            source.dist().get().span(),
            what.equals("exp")
                ? "the distribution of '" + source.name() + "' takes exp of " + Printer.plain(arg)
                    + ", whose expectation is in closed form only when its argument is linear in Normal or MultiNormal"
                    + " latents (not a product of latents, a mixture gate, or another family's latent)"
                // The atom holds ln logistic(-a): the user wrote a.
                : "the distribution of '" + source.name() + "' has logit " + Printer.plain(arg.scaled(-1))
                    + "; the exact expected log-likelihood of logit: needs it linear in Normal or MultiNormal"
                    + " latents (not a product of latents, or another family's latent)",
            "write " + fix + " with w and b Gaussian (a precision belongs in their prior, not in the predictor)");
        return false;
      }
    }
    return true;
  }

  /** Replaces every random atom not in {@code targets} by its expectation under its factor. */
  private Poly expectAll(Poly p, Set<String> targets, Node source) {
    List<Monomial> out = new ArrayList<>();
    for (Monomial m : p.terms()) {
      Map<String, List<Atom.Rv>> groups = new LinkedHashMap<>();
      List<Atom> atoms = new ArrayList<>();
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Fn f && isRandomLink(f)) {
          if (!java.util.Collections.disjoint(SymBuilder.latentsIn(f.args().get(0)), targets)) {
            throw new IllegalStateException("exp of a target's latent reached expectAll: linearise first");
          }
          Poly e = f.f() == Atom.Func.EXP ? expectedExp(f.args().get(0), source)
              : expectedLnLogistic(f.args().get(0), source);
          if (e == null) {
            return null;
          }
          atoms.addAll(e.terms().get(0).atoms());
        } else if (a instanceof Atom.Rv r && !targets.contains(r.var())) {
          String f = factorOfVar.get(r.var());
          groups.computeIfAbsent(f + "|" + r.element(), k -> new ArrayList<>()).add(r);
        } else {
          atoms.add(a);
        }
      }
      List<Idx> sums = new ArrayList<>(m.sums());
      for (List<Atom.Rv> g : groups.values()) {
        String f = factorOfVar.get(g.get(0).var());
        Family fam = families.get(f);
        Family.Match match = fam.matchMoment(g, m);
        if (match == null) {
          diagnostics.error(
              Code.NOT_CONJUGATE,
              source.dist().get().span(),
              "q(" + f + "): the distribution of '" + source.name() + "' needs the expectation of "
                  + g.stream().map(r -> Printer.plain(Poly.of(r))).collect(Collectors.joining(" * "))
                  + ", which a " + fam.title() + " factor does not provide in closed form",
              "its sufficient statistics are " + fam.statsText());
          return null;
        }
        atoms.add(new Atom.Moment(f, g.get(0).element(), match.stat(), match.components()));
        sums.removeAll(match.consumed());
      }
      out.add(new Monomial(m.coef(), sums, atoms));
    }
    return new Poly(out).simplified();
  }

  private void coupling(Factor f, Node n, Atom.Rv a, Atom.Rv b) {
    diagnostics.error(
        Code.NOT_CONJUGATE,
        n.dist().get().span(),
        "q(" + f.name() + "): the distribution of '" + n.name() + "' couples different elements of '"
            + a.var() + "' (" + Printer.plain(Poly.of(a)) + " and " + Printer.plain(Poly.of(b))
            + "), so its elements are not independent factors",
        "chains and other couplings between elements of one array are not supported yet");
  }

  private void notLinear(Factor f, Family fam, Node n, List<Atom.Rv> atoms) {
    String term = atoms.stream().map(r -> Printer.plain(Poly.of(r))).collect(Collectors.joining(" * "));
    // Point at the one argument the factor enters through, where there is one.
    Span at = n.dist().get().span();
    String where = "the distribution of '" + n.name() + "'";
    List<Map.Entry<String, ModelGraph.Arg>> through = new ArrayList<>();
    for (Map.Entry<String, ModelGraph.Arg> a : n.dist().get().args().entrySet()) {
      Set<String> in = SymBuilder.latentsIn(a.getValue().value());
      if (f.members().stream().anyMatch(in::contains)) {
        through.add(a);
      }
    }
    if (through.size() == 1 && !f.members().contains(n.name())) {
      ModelGraph.Arg a = through.get(0).getValue();
      at = a.value().span();
      where = "the " + a.givenAs() + " of " + n.dist().get().spec().name() + " in '" + n.name() + "', '"
          + IrPrinter.print(a.value()) + "',";
    }
    diagnostics.error(
        Code.NOT_CONJUGATE,
        at,
        "q(" + f.name() + "): " + where + " contributes the term " + term
            + ", which is not linear in q(" + f.name() + ")'s sufficient statistics " + fam.statsText(),
        f.isGroup() ? "check that every member of the group enters as in a Normal-Gamma/Normal-Wishart model"
            : graph.boundOf(n.name()).isPresent()
                ? "logistic(...) and softmax(...) are bounded by a quadratic in their argument, which must be linear"
                    + " in Normal or MultiNormal latents (a Gaussian latent times data, dot(w, x[n]), W * x[n])"
            : "a product of two quantities from one factor, or a latent inside a nonlinear function, has no"
                + " closed-form update; group them if they form a Normal-Gamma or Normal-Wishart pair"
                + (term.startsWith("1/") ? "; for a variance, use var: with an InvGamma prior" : ""));
  }

}
