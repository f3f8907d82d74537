package dev.vmodel.compiler.plan;

import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Printer;
import dev.vmodel.compiler.algebra.Printer.Statistic;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.dist.ParamSlot;
import dev.vmodel.compiler.family.FactorText;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Prints an update plan for people: the factorisation and schedule, then for each factor its
 * optimal distribution, ln q*, the natural parameter of every sufficient statistic and the map to
 * the family's usual parameters, then the ELBO. Plain text for terminals, or Markdown with LaTeX
 * math; `vmodel explain` prints this, and docs/derivations/ holds the Markdown of every example.
 */
public final class PlanPrinter {
  private final boolean tex;
  private final StringBuilder out = new StringBuilder();
  /** The symbol of a natural parameter: eta, unless the model names something eta. */
  private String eta;
  private String notation = "";
  private final Map<String, String> factorSections = new LinkedHashMap<>();
  private String elboSection = "";

  private PlanPrinter(boolean tex) {
    this.tex = tex;
  }

  public static String text(UpdatePlan plan) {
    return new PlanPrinter(false).print(plan);
  }

  public static String markdown(UpdatePlan plan) {
    return new PlanPrinter(true).print(plan);
  }

  /**
   * The plain-text explanation as data, one section each, for generated javadoc: the notation
   * paragraph, each factor's update by factor name (in schedule order), and the ELBO.
   */
  public record Sections(String notation, Map<String, String> factors, String elbo) {
    public Sections {
      factors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(factors));
    }
  }

  /** {@link #text}, cut into its sections as it is printed (nothing is parsed back). */
  public static Sections sections(UpdatePlan plan) {
    PlanPrinter p = new PlanPrinter(false);
    p.print(plan);
    return new Sections(p.notation, p.factorSections, p.elboSection);
  }

  // ---------------------------------------------------------------------------------------------

  private String print(UpdatePlan plan) {
    ModelGraph g = plan.graph();
    boolean clash = g.hypers().stream().anyMatch(h -> h.name().equals("eta"))
        || g.nodes().stream().anyMatch(n -> n.name().equals("eta"));
    eta = tex ? (clash ? "\\tilde\\eta" : "\\eta") : "eta";
    String name = g.name();
    boolean categorical = plan.updates().stream().anyMatch(u -> u.family().spec().responsibilities());
    if (tex) {
      out.append("# ").append(name).append(": mean-field updates\n\n");
      out.append("Each factor $q_j$ of $q(Z) = \\prod_j q_j(Z_j)$ is updated in turn to")
          .append(" $\\ln q_j^*(Z_j) = \\mathbb{E}_{i \\neq j}[\\ln p(X, Z)] + \\text{const}$ (PRML eq. 10.9).")
          .append(" $\\langle f \\rangle$ is the expectation of $f$ under the current $q$;")
          .append(categorical ? " $q(z_n = k)$ is the current probability that $z_n = k$ (the responsibility);" : "")
          .append(" $[a = b]$ is 1 if $a = b$, else 0, and $\\delta_{ij} = [i = j]$;")
          .append(" $").append(eta).append("(s)$ is the natural parameter of the sufficient statistic $s$,")
          .append(" its coefficient in $\\ln q^*$. Indices start at 0.")
          .append(plan.updates().stream().anyMatch(PlanPrinter::chain)
              ? " For a Markov chain $z$, $\\langle \\mathrm{first}(z)\\rangle[k]$ is the expected number of its chains"
                  + " that start in state $k$ and $\\langle \\mathrm{pair}(z)\\rangle[j,k]$ the expected number of its"
                  + " steps from state $j$ to state $k$, both under the structured $q(z)$." : "")
          .append("\n\n");
    } else {
      out.append(name).append(": mean-field updates\n\n");
    }
    int notationStart = out.length();
    if (!tex) {
      out.append("Each factor q_j is updated in turn to ln q_j*(Z_j) = E_{i != j}[ln p(X, Z)] + const.\n");
      out.append("<f> is the expectation of f under the current q; [a = b] is 1 if a = b, else 0;\n");
      out.append(categorical ? "q(z[n]=k) is the current probability that z[n] = k; " : "")
          .append("eta(s) is the natural parameter of statistic s").append(categorical ? "\n" : " ")
          .append("(its coefficient in ln q*).\n")
          .append(plan.updates().stream().anyMatch(PlanPrinter::chain)
              ? "For a Markov chain z, <first(z)>[k] is the expected number of its chains that start in state k,\n"
                  + "and <pair(z)>[j,k] the expected number of its steps from state j to state k, under the\n"
                  + "structured q(z).\n" : "")
          .append('\n');
    }
    notation = out.substring(notationStart).stripTrailing();
    factorisation(plan);
    schedule(plan);
    for (String f : plan.schedule()) {
      int start = out.length();
      factor(g, plan.update(f));
      factorSections.put(f, out.substring(start).stripTrailing() + "\n");
    }
    int start = out.length();
    elbo(plan);
    elboSection = out.substring(start).stripTrailing() + "\n";
    newRow(plan);
    return out.toString();
  }

  private void factorisation(UpdatePlan plan) {
    List<String> factors = new ArrayList<>();
    List<String> elements = new ArrayList<>();
    boolean plated = false;
    for (FactorUpdate u : plan.updates()) {
      factors.add("q(" + members(u.factor().members(), List.of()) + ")");
      List<Ix> el = u.elementIndices().stream().map(i -> (Ix) new Ix.V(i)).toList();
      String one = "q(" + members(u.factor().members(), el) + ")";
      if (el.isEmpty() || chain(u)) {
        elements.add(chain(u) ? "q(" + members(u.factor().members(), List.of()) + ")" : one);
      } else {
        plated = true;
        String idx = u.elementIndices().stream().map(i -> index(i)).collect(Collectors.joining(","));
        elements.add(tex ? "\\prod_{" + idx + "} " + one : "prod_" + (el.size() > 1 ? "{" + idx + "}" : idx) + " " + one);
      }
    }
    String all = String.join(tex ? "\\, " : " ", factors) + (plated ? " = " + String.join(tex ? "\\, " : " ", elements) : "");
    if (tex) {
      out.append("## Factorisation\n\n$$").append(all).append("$$\n\n");
    } else {
      out.append("Factorisation: ").append(all).append('\n');
    }
  }

  private void schedule(UpdatePlan plan) {
    List<String> steps = new ArrayList<>();
    for (String f : plan.schedule()) {
      FactorUpdate u = plan.update(f);
      String q = tex ? "$q(" + members(u.factor().members(), List.of()) + ")$" : "q(" + f + ")";
      if (u.local()) {
        q += tex ? (u.chain() ? " (local: one structured factor over the steps, updated last)"
            : " (local: one factor per data element, updated last)") : " [local]";
      }
      steps.add(q);
    }
    java.util.Optional<LocalPhase> phase = LocalPhase.of(plan);
    if (tex) {
      out.append("## Schedule\n\n");
      if (phase.isPresent()) {
        out.append("Per-group local factors: ").append(phase.get().describe())
            .append(". Sweeps repeat until the ELBO stops increasing.\n\n");
      } else {
        out.append("One sweep of coordinate ascent updates, in order: ")
            .append(String.join(", ", steps)).append(". Sweeps repeat until the ELBO stops increasing.\n\n");
      }
    } else if (phase.isPresent()) {
      out.append("Schedule: ").append(phase.get().describe()).append("\n\n");
    } else {
      out.append("Schedule (one sweep): ").append(String.join(" -> ", steps)).append("\n\n");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Factors

  private static boolean chain(FactorUpdate u) {
    return u.chain();
  }

  /** ln q*(z) of a Markov chain z up to its constant, in the model's names. */
  private String chainLnq(ModelGraph g, FactorUpdate u) {
    String z = u.factor().members().get(0);
    ModelGraph.Dist d = g.node(z).dist().orElseThrow();
    String init = dev.vmodel.compiler.graph.IrPrinter.print(d.arg("init").value());
    String a = dev.vmodel.compiler.graph.IrPrinter.print(d.arg("transition").value());
    String t = index(u.elementIndices().get(0));
    String lnInit = g.node(z).dist().get().arg("init").value() instanceof dev.vmodel.compiler.graph.Ir.Hyper
        ? "ln " + init + "[k]" : "<ln " + init + "[k]>";
    if (tex) {
      return "\\ln q^*(" + z + ") = \\sum_{\\text{chains}} \\Big(\\sum_k [" + z + "_{\\text{first}} = k]\\,"
          + lnInit.replace("<", "\\langle ").replace(">", "\\rangle") + " + \\sum_{" + t + "} \\sum_{j,k} [" + z
          + "_{" + t + "-1} = j][" + z + "_" + t + " = k]\\,\\langle \\ln " + a + "[j][k]\\rangle\\Big) + \\sum_{"
          + t + ",k} \\eta(" + z + "[" + t + "]=k)\\,[" + z + "[" + t + "] = k] + \\text{const}";
    }
    return "sum over chains of (sum_k [" + z + " at the chain's first step = k] " + lnInit + " + sum_" + t
        + " sum_{j,k} [" + z + "[" + t + "-1]=j][" + z + "[" + t + "]=k] <ln " + a + "[j][k]>)\n      + sum_{" + t
        + ",k} eta(" + z + "[" + t + "]=k) [" + z + "[" + t + "]=k]";
  }

  private void factor(ModelGraph g, FactorUpdate u) {
    List<NaturalParam> natural = renamed(u, u.natural());
    List<Ix> el = u.elementIndices().stream().map(i -> (Ix) new Ix.V(i)).toList();
    String q = "q(" + members(u.factor().members(), List.of()) + ")";
    String qEl = "q(" + members(u.factor().members(), el) + ")";
    String forEach = u.elementIndices().isEmpty() ? ""
        : u.elementIndices().stream().map(i -> (tex ? "$" + index(i) + "$" : index(i)) + " in "
            + (tex ? "$" + range(i.range()) + "$" : i.range().text())).collect(Collectors.joining(", "));
    String sources = u.sources().stream().map(s -> density(g, s)).collect(Collectors.joining(", "));
    if (chain(u)) {
      // The chain's own density enters through forward-backward, not through natural parameters.
      sources = density(g, u.factor().members().get(0)) + (sources.isEmpty() ? "" : ", " + sources);
    }
    if (tex) {
      out.append("## $").append(q).append("$: ").append(u.family().title()).append("\n\n");
      if (chain(u)) {
        out.append("One structured factor over the steps ").append(forEach).append(" of each chain (not")
            .append(" factorised over the steps): $").append(chainLnq(g, u)).append("$.\n\n");
      } else if (!forEach.isEmpty()) {
        out.append("One independent factor $").append(qEl).append("$ for each ").append(forEach)
            .append(", all updated by the formulas below.\n\n");
      }
      out.append("Terms of $\\ln p(X, Z)$ that involve it: $").append(sources).append("$.\n\n");
      out.append("$$\\ln ").append(qEl.replaceFirst("^q", "q^*")).append(" = ").append(lnq(u, natural))
          .append(" + \\text{const}$$\n\n");
      out.append("with\n\n");
      for (NaturalParam p : natural) {
        out.append("$$").append(label(u, p)).append(" = ").append(Printer.latex(p.value())).append("$$\n\n");
      }
      out.append(parameters(u, natural)).append("\n\n");
      if (!u.local()) {
        out.append("Updating a previous posterior $q_A$ (`vmodel fit --prior`): the natural parameters are $q_A$'s")
            .append(" plus the terms of the new data alone,\n\n");
        for (NaturalParam p : renamed(u, u.likelihood())) {
          out.append("$$").append(label(u, p)).append(" = ").append(fromPrior(u, p, Printer.latex(p.value())))
              .append("$$\n\n");
        }
      }
    } else {
      out.append(q).append(": ").append(u.family().title());
      if (chain(u)) {
        out.append(", one structured factor over the steps ").append(forEach).append(" of each chain");
        out.append(u.local() ? " [local]" : "").append('\n');
        out.append("  from ").append(sources).append('\n');
        out.append("  ln q*(").append(u.factor().members().get(0)).append(") = ").append(chainLnq(g, u))
            .append(" + const, where\n");
      } else if (!forEach.isEmpty()) {
        out.append(", one factor ").append(qEl).append(" for each ").append(forEach);
      }
      if (!chain(u)) {
        out.append(u.local() ? " [local]" : "").append('\n');
        out.append("  from ").append(sources).append('\n');
        out.append("  ln ").append(qEl.replaceFirst("^q", "q*")).append(" = ").append(lnq(u, natural))
            .append(" + const, where\n");
      }
      for (NaturalParam p : natural) {
        out.append("    ").append(label(u, p)).append(" = ").append(Printer.text(p.value())).append('\n');
      }
      out.append("  ").append(parameters(u, natural)).append('\n');
      if (!u.local()) {
        out.append("  Updating a previous posterior q_A: q_A's natural parameters plus the new data's terms,\n");
        for (NaturalParam p : renamed(u, u.likelihood())) {
          out.append("    ").append(label(u, p)).append(" = ").append(fromPrior(u, p, Printer.text(p.value())))
              .append('\n');
        }
      }
      out.append('\n');
    }
  }

  /** {@code eta_A(s) + terms}: a natural parameter when updating a previous posterior q_A. */
  private String fromPrior(FactorUpdate u, NaturalParam p, String terms) {
    String a = label(u, p).replaceFirst("^" + java.util.regex.Pattern.quote(eta), java.util.regex.Matcher
        .quoteReplacement(eta + "_A"));
    if (terms.equals("0")) {
      return a;
    }
    return terms.startsWith("-") ? a + " - " + terms.substring(1).stripLeading() : a + " + " + terms;
  }

  /**
   * The natural parameters with component indices renamed where they print like an element
   * index (LDA's q(phi[k]) has components over the vocabulary: `v`, not a second `k`).
   */
  private static List<NaturalParam> renamed(FactorUpdate u, List<NaturalParam> params) {
    Set<String> taken = new LinkedHashSet<>();
    u.elementIndices().forEach(i -> taken.add(i.name()));
    List<NaturalParam> out = new ArrayList<>();
    for (NaturalParam p : params) {
      Map<Idx, Ix> s = new HashMap<>();
      List<Idx> comps = new ArrayList<>();
      Set<String> used = new LinkedHashSet<>(taken);
      for (Idx c : p.components()) {
        String n = c.name();
        if (used.contains(n)) {
          List<String> candidates = new ArrayList<>();
          if (c.range() instanceof Dim.Named d && d.size().length() == 1) {
            candidates.add(d.size().toLowerCase(java.util.Locale.ROOT));
          }
          candidates.addAll(List.of("c", "l", "m", "i", "j", "v"));
          n = candidates.stream().filter(x -> !used.contains(x)).findFirst().orElse(n + "'");
          Idx r = new Idx(c.id(), n, c.range());
          s.put(c, new Ix.V(r));
          comps.add(r);
        } else {
          comps.add(c);
        }
        used.add(n);
      }
      out.add(s.isEmpty() ? p : new NaturalParam(p.stat(), comps, p.value().subst(s)));
    }
    return out;
  }

  private Statistic statistic(FactorUpdate u, NaturalParam p) {
    List<Ix> el = u.elementIndices().stream().map(i -> (Ix) new Ix.V(i)).toList();
    List<Ix> comps = p.components().stream().map(i -> (Ix) new Ix.V(i)).toList();
    return Printer.statistic(u.factor().name(), el, p.stat().name(), comps, tex);
  }

  /** eta(ln pi[k]), eta(Lambda[k])[i,j]. */
  private String label(FactorUpdate u, NaturalParam p) {
    Statistic s = statistic(u, p);
    return eta + "(" + s.inner() + ")" + s.outside();
  }

  /** sum_k eta(ln pi[k]) ln pi[k] + ...: ln q* as the statistics times their natural parameters. */
  private String lnq(FactorUpdate u, List<NaturalParam> natural) {
    List<String> terms = new ArrayList<>();
    for (NaturalParam p : natural) {
      Statistic s = statistic(u, p);
      String stat = p.stat().name().equals("onehot") ? "[" + s.inner() + "]" : s.value();
      String sum = p.components().isEmpty() ? ""
          : (tex ? "\\sum_{" : "sum_") + p.components().stream().map(this::index).collect(Collectors.joining(","))
              + (tex ? "} " : " ");
      if (!tex && p.components().size() > 1) {
        sum = "sum_{" + p.components().stream().map(this::index).collect(Collectors.joining(",")) + "} ";
      }
      terms.add(sum + label(u, p) + (tex ? " \\, " : " ") + stat);
    }
    return String.join(" + ", terms);
  }

  /** How the family's usual parameters follow from the natural parameters (the family says). */
  private String parameters(FactorUpdate u, List<NaturalParam> natural) {
    Map<String, NaturalParam> byStat = new HashMap<>();
    for (NaturalParam p : natural) {
      byStat.put(p.stat().name(), p);
    }
    List<Ix> el = u.elementIndices().stream().map(i -> (Ix) new Ix.V(i)).toList();
    String q = "q(" + members(u.factor().members(), el) + ")";
    String d = u.family().dim() == null ? "D" : range(u.family().dim());
    return u.family().spec().parameters(new FactorText() {
      @Override
      public boolean tex() {
        return tex;
      }

      @Override
      public String q() {
        return q;
      }

      @Override
      public String dim() {
        return d;
      }

      @Override
      public String eta() {
        return eta;
      }

      @Override
      public String label(String stat) {
        return PlanPrinter.this.label(u, byStat.get(stat));
      }

      @Override
      public String components(String stat) {
        return byStat.get(stat).components().stream().map(PlanPrinter.this::index).collect(Collectors.joining(","));
      }

      @Override
      public List<Idx> componentIndices(String stat) {
        return byStat.get(stat).components();
      }

      @Override
      public String statistic(String stat, List<Ix> components) {
        return Printer.statistic(u.factor().name(), el, stat, components, tex).inner();
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // ELBO

  private void elbo(UpdatePlan plan) {
    ModelGraph g = plan.graph();
    if (tex) {
      out.append("## Evidence lower bound\n\n")
          .append("$\\mathcal{L}(q) = \\mathbb{E}_q[\\ln p(X, Z)] + \\sum_j H[q_j]$ (PRML eq. 10.3), the sum of\n\n");
      for (UpdatePlan.LogJointTerm t : plan.elbo().terms()) {
        out.append("$$\\mathbb{E}_q[\\ln ").append(density(g, t.node())).append("] = ")
            .append(Printer.latex(t.value())).append("$$\n\n");
      }
      out.append("and the entropies ").append(plan.elbo().entropies().stream()
              .map(f -> "$H[q(" + members(List.of(f.split(", ")), List.of()) + ")]$").collect(Collectors.joining(", ")))
          .append(", each a function of its factor's parameters.\n");
      if (plan.hasGlobalFactors()) {
        out.append("\nUpdating a previous posterior $q_A$, the terms of ").append(replaced(plan, true))
            .append(" are replaced by $\\sum_j \\mathbb{E}_q[\\ln q_{A,j}] = \\sum_j ").append(eta)
            .append("_{A,j} \\cdot \\langle T_j \\rangle - \\ln Z(").append(eta).append("_{A,j})$ over the global")
            .append(" factors ").append(globals(plan, true)).append(".\n");
      }
    } else {
      out.append("ELBO = E_q[ln p(X, Z)] + sum_j H[q_j], the sum of\n");
      for (UpdatePlan.LogJointTerm t : plan.elbo().terms()) {
        out.append("  E[ln ").append(density(g, t.node())).append("] = ").append(Printer.text(t.value())).append('\n');
      }
      out.append("  and the entropies ").append(plan.elbo().entropies().stream().map(f -> "H[q(" + f + ")]")
          .collect(Collectors.joining(" + "))).append('\n');
      if (plan.hasGlobalFactors()) {
        out.append("  Updating a previous posterior q_A, the terms of ").append(replaced(plan, false))
            .append(" are replaced by\n  sum_j E[ln q_A,j] = sum_j eta_A,j . <T_j> - ln Z(eta_A,j) over the global")
            .append(" factors ").append(globals(plan, false)).append('\n');
      }
    }
  }

  /** The global factors q_j, for the ELBO of a fit updating a previous posterior. */
  private String globals(UpdatePlan plan, boolean texMath) {
    return plan.updates().stream().filter(u -> !u.local())
        .map(u -> "q(" + members(u.factor().members(), List.of()) + ")").map(q -> texMath ? "$" + q + "$" : q)
        .collect(Collectors.joining(", "));
  }

  /** The densities whose ELBO terms a previous posterior replaces, or "no density" where there are none. */
  private String replaced(UpdatePlan plan, boolean texMath) {
    List<String> out = new ArrayList<>();
    for (UpdatePlan.LogJointTerm t : plan.elbo().terms()) {
      if (!plan.batchTerm(t.node())) {
        String d = density(plan.graph(), t.node());
        out.add(texMath ? "$" + d + "$" : d);
      }
    }
    return out.isEmpty() ? "no density" : String.join(", ", out);
  }

  // ---------------------------------------------------------------------------------------------
  // The posterior predictive of a new row

  private void newRow(UpdatePlan plan) {
    UpdatePlan.NewRow r = plan.newRow();
    if (r == null) {
      return;
    }
    String row = r.row().name();
    String locals = r.locals().isEmpty() ? "" : "; predict infers " + r.locals().stream().map(l -> "q(" + l + ")")
        .collect(Collectors.joining(", ")) + " for new data with the other factors held at the fit's q";
    if (tex) {
      out.append("\n## Posterior predictive of a new row\n\n");
    } else {
      out.append("\nPosterior predictive of a new row ").append(row).append(" of ").append(r.plate()).append(" (")
          .append(String.join(", ", r.nodes())).append(")").append(locals).append(":\n");
    }
    if (plan.labelPredictive().isPresent()) {
      String y = r.nodes().get(0) + "[" + row + "]";
      boolean bound = plan.graph().boundOf(r.nodes().get(0)).isPresent();
      out.append(tex
          ? "$\\ln p(" + y + " \\mid X) = \\ln P$ or $\\ln(1 - P)$ for $" + y + " = 1$ or $0$, with $P ="
              + " \\mathbb{E}_q[\\sigma(a)]$ over the Gaussian $q$ of the logistic's argument $a$ (integrated"
              + " numerically)" + (bound ? "; the bound is not part of the predictive" : "") + ".\n"
          : "  ln p(" + y + " | X) = ln P or ln(1 - P) for " + y + " = 1 or 0, with P = E_q[logistic(a)] over the"
              + " Gaussian q of a (integrated numerically)" + (bound ? "; the bound is not part of the predictive" : "")
              + "\n");
      return;
    }
    if (!r.exact()) {
      out.append(tex ? "No closed form: " : "  no closed form: ").append(r.inexact()).append(tex ? ".\n" : "\n");
      return;
    }
    String assignment = r.enumerated().isEmpty() ? "" : ", " + r.enumerated().stream()
        .map(z -> z + "[" + row + "]").collect(Collectors.joining(", "));
    if (tex) {
      out.append("$\\ln p(\\text{row}").append(assignment).append(" \\mid X) = \\sum_j [\\ln Z_j(").append(eta)
          .append("_j + \\Delta").append(eta).append("_j) - \\ln Z_j(").append(eta).append("_j)] + c$")
          .append(r.enumerated().isEmpty() ? "" : ", summed over the values of " + assignment.substring(2))
          .append(", where\n\n");
      for (UpdatePlan.RowTerm t : r.terms()) {
        for (NaturalParam n : t.delta()) {
          out.append("$$\\Delta").append(eta).append("_{").append(t.factor()).append("}(").append(n.stat().name())
              .append(") = ").append(Printer.latex(n.value())).append("$$\n\n");
        }
      }
      out.append("$$c = ").append(Printer.latex(r.constant())).append("$$\n");
      if (r.integrated() != null) {
        out.append("\nwith $q(").append(r.integrated()).append(")$'s moments at each node of a quadrature of $q(")
            .append(r.integrated()).append(")$, which meets another factor in one term.\n");
      }
      return;
    }
    out.append("  ln p(row").append(assignment).append(" | X) = sum_j [ln Z_j(eta_j + d_eta_j) - ln Z_j(eta_j)] + c")
        .append(r.enumerated().isEmpty() ? "" : ", summed over " + assignment.substring(2)).append(", where\n");
    for (UpdatePlan.RowTerm t : r.terms()) {
      for (NaturalParam n : t.delta()) {
        out.append("    d_eta(").append(t.factor()).append(": ").append(n.stat().name()).append(") = ")
            .append(Printer.text(n.value())).append('\n');
      }
    }
    out.append("    c = ").append(Printer.text(r.constant())).append('\n');
    if (r.integrated() != null) {
      out.append("  with q(").append(r.integrated()).append(")'s moments at each node of a quadrature of q(")
          .append(r.integrated()).append(") (it meets another factor in one term), the sum over the nodes weighted\n");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Names

  /** `p(x | mu, Lambda, z)`: a node's density with the latents its distribution depends on. */
  private String density(ModelGraph g, String node) {
    ModelGraph.Node n = g.node(node);
    Set<String> parents = new LinkedHashSet<>();
    n.dist().ifPresent(d -> {
      for (ParamSlot s : d.spec().slots()) {
        ModelGraph.Arg a = d.arg(s.name());
        if (a != null) {
          latents(a.value(), parents);
        }
      }
    });
    String self = tex ? Printer.texName(node) : node;
    if (parents.isEmpty()) {
      return "p(" + self + ")";
    }
    String given = parents.stream().map(p -> tex ? Printer.texName(p) : p).collect(Collectors.joining(", "));
    return "p(" + self + (tex ? " \\mid " : " | ") + given + ")";
  }

  private static void latents(Ir e, Set<String> out) {
    if (e instanceof Ir.Var v) {
      if (v.latent()) {
        out.add(v.name());
      }
      for (Ir.Index i : v.indices()) {
        if (i instanceof Ir.Index.Gate gate) {
          out.add(gate.element().name());
        }
      }
    } else if (e instanceof Ir.ArrayVector a && a.latent()) {
      out.add(a.name());
    } else if (e instanceof Ir.Element el) {
      latents(el.target(), out);
      for (Ir.Index i : el.indices()) {
        if (i instanceof Ir.Index.Gate gate) {
          out.add(gate.element().name());
        }
      }
    } else if (e instanceof Ir.Neg n) {
      latents(n.operand(), out);
    } else if (e instanceof Ir.Binary b) {
      latents(b.left(), out);
      latents(b.right(), out);
    } else if (e instanceof Ir.Call c) {
      c.args().forEach(a -> latents(a, out));
    }
  }

  /** `mu, Lambda` or `mu_{k}, Lambda_{k}`: the members of a factor, for one element. */
  private String members(List<String> members, List<Ix> element) {
    return members.stream().map(m -> Printer.statistic(m, element, "x", List.of(), tex).inner())
        .collect(Collectors.joining(", "));
  }

  private String index(Idx i) {
    return i.name();
  }

  private String range(Dim d) {
    return d instanceof Dim.Named n ? (tex ? Printer.texName(n.size()) : n.size()) : d.text();
  }
}
