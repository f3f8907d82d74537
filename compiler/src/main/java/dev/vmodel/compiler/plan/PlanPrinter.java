package dev.vmodel.compiler.plan;

import dev.vmodel.compiler.algebra.Family;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Printer;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints an update plan for people: each factor's optimal distribution, the natural parameter
 * of every sufficient statistic, the map to the family's usual parameters, the schedule and the
 * ELBO. Plain text for terminals, or Markdown with LaTeX; `vmodel explain` prints this.
 */
public final class PlanPrinter {
  private final boolean markdown;

  private PlanPrinter(boolean markdown) {
    this.markdown = markdown;
  }

  public static String text(UpdatePlan plan) {
    return new PlanPrinter(false).print(plan);
  }

  public static String markdown(UpdatePlan plan) {
    return new PlanPrinter(true).print(plan);
  }

  private String print(UpdatePlan plan) {
    StringBuilder out = new StringBuilder();
    String name = plan.graph().name();
    if (markdown) {
      out.append("# ").append(name).append(": mean-field updates\n\n");
      out.append("Notation: $\\langle s(v)\\rangle$ is the expectation of statistic $s$ of $v$ under the")
          .append(" current $q$; `[a=b]` is 1 where a equals b.\n\n");
    } else {
      out.append(name).append(": mean-field updates\n");
      out.append("(<s>{v} is the expectation of statistic s of v under the current q; [a=b] is 1 where a = b)\n\n");
    }
    out.append(markdown ? "## Factorisation\n\n" : "Factorisation: ");
    out.append(plan.updates().stream().map(u -> "q(" + u.factor().name() + ")").collect(Collectors.joining(" ")));
    out.append(markdown ? "\n\n" : "\n");
    out.append(markdown ? "## Schedule\n\n" : "Schedule (one sweep): ");
    out.append(String.join(" -> ", plan.schedule().stream().map(s -> "q(" + s + ")").toList()));
    out.append(markdown ? "\n\n" : "\n\n");
    for (String f : plan.schedule()) {
      factor(out, plan.update(f));
    }
    out.append(markdown ? "## Evidence lower bound\n\n" : "ELBO = sum of\n");
    for (UpdatePlan.LogJointTerm t : plan.elbo().terms()) {
      String body = markdown ? Printer.latex(t.value()) : Printer.plain(t.value());
      if (markdown) {
        out.append("- $E_q[\\ln p(").append(t.node()).append(" \\mid \\cdot)] = ").append(body).append("$\n");
      } else {
        out.append("  E[ln p(").append(t.node()).append(" | ...)] = ").append(body).append('\n');
      }
    }
    for (String f : plan.elbo().entropies()) {
      out.append(markdown ? "- $H[q(" + f + ")]$\n" : "  + H[q(" + f + ")]\n");
    }
    return out.toString();
  }

  private void factor(StringBuilder out, FactorUpdate u) {
    Family fam = u.family();
    String elements = u.elementIndices().isEmpty() ? ""
        : " for each " + u.elementIndices().stream().map(i -> i.name() + " in " + i.range().text())
            .collect(Collectors.joining(", "));
    String head = "q(" + u.factor().name() + ") = " + fam.kind().title() + elements
        + (u.local() ? "   [local]" : "");
    out.append(markdown ? "### " + head + "\n\n" : head + "\n");
    out.append(markdown ? "Contributions from: " : "  from: ")
        .append(String.join(", ", u.sources())).append(markdown ? "\n\n" : "\n");
    for (NaturalParam p : u.natural()) {
      String comps = p.components().isEmpty() ? ""
          : p.components().stream().map(Idx::name).collect(Collectors.joining(",", "[", "]"));
      String lhs = "eta(" + p.stat().text() + ")" + comps;
      if (markdown) {
        out.append("- $\\eta(").append(p.stat().text()).append(")").append(comps).append(" = ")
            .append(Printer.latex(p.value())).append("$\n");
      } else {
        out.append("  ").append(lhs).append(" = ").append(Printer.plain(p.value())).append('\n');
      }
    }
    out.append(markdown ? "\n" : "").append(markdown ? "" : "  ").append(parametersText(u)).append(markdown ? "\n\n" : "\n\n");
  }

  /** How the family's usual parameters follow from the natural parameters. */
  public static String parametersText(FactorUpdate u) {
    List<String> m = u.factor().members();
    switch (u.family().kind()) {
      case NORMAL:
        return "precision = -2 eta(" + m.get(0) + "^2),  mean = eta(" + m.get(0) + ") / precision";
      case MULTI_NORMAL:
        return "precision matrix = -2 eta(xx^T),  mean = precision^-1 eta(x)";
      case GAMMA:
        return "shape = eta(ln " + m.get(0) + ") + 1,  rate = -eta(" + m.get(0) + ")";
      case INV_GAMMA:
        return "shape = -eta(ln " + m.get(0) + ") - 1,  scale = -eta(1/" + m.get(0) + ")";
      case BETA:
        return "a = eta(ln x) + 1,  b = eta(ln(1 - x)) + 1";
      case DIRICHLET:
        return "alpha[i] = eta(ln x)[i] + 1";
      case CATEGORICAL:
        return "p[i] = exp(eta[i]) / sum_j exp(eta[j])   (responsibilities)";
      case WISHART:
        return "nu = 2 eta(ln|X|) + D + 1,  W^-1 = -2 eta(X)";
      case NORMAL_GAMMA:
        return "beta = -2 eta(tau mu^2),  m = eta(tau mu) / beta,  a = eta(ln tau) + 1/2,  b = -eta(tau) - beta m^2 / 2";
      default:
        return "beta = -2 eta(mu^T Lambda mu),  m = eta(Lambda mu) / beta,  nu = 2 eta(ln|Lambda|) + D,"
            + "  W^-1 = -2 eta(Lambda) - beta m m^T";
    }
  }
}
