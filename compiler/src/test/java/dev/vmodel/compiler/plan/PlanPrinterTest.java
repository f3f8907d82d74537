package dev.vmodel.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import org.junit.jupiter.api.Test;

/** Presentation details of the explain output that the derivation goldens only show in passing. */
class PlanPrinterTest {
  private static UpdatePlan plan(String text) {
    Compiler.Result r = Compiler.plan(new SourceFile("m.vmodel", text));
    assertFalse(r.hasErrors(), () -> r.diagnostics().toString());
    assertEquals(1, r.plans().size());
    return r.plans().get(0);
  }

  private static void assertContains(String haystack, String needle) {
    assertTrue(haystack.contains(needle), () -> "expected to find\n" + needle + "\nin\n" + haystack);
  }

  private static final String SCHOOLS = """
      model Schools {
        size J;
        data sigma[j in J]: positive;
        latent mu: real ~ Normal(0, 1e-4);
        latent theta[j in J]: real ~ Normal(mu, 1);
        data y[j in J]: real ~ Normal(theta[j], sd: sigma[j]);
      }
      """;

  /** The sections codegen quotes are cut from the text as it is printed, one per factor, in schedule order. */
  @Test
  void sectionsAreTheTextsParagraphs() {
    UpdatePlan p = plan(SCHOOLS);
    String text = PlanPrinter.text(p);
    PlanPrinter.Sections s = PlanPrinter.sections(p);
    assertEquals(p.schedule(), java.util.List.copyOf(s.factors().keySet()));
    for (String f : p.schedule()) {
      String section = s.factors().get(f);
      assertTrue(section.startsWith("q(" + f + "): ") && text.contains(section + "\n"), section);
    }
    assertTrue(s.elbo().startsWith("ELBO = ") && text.contains(s.elbo()), s.elbo());
    assertTrue(s.notation().startsWith("Each factor q_j is updated") && text.contains("\n\n" + s.notation() + "\n\n"));
  }

  @Test
  void reciprocalsAreADenominatorAndRepeatedFactorsAPower() {
    UpdatePlan p = plan(SCHOOLS);
    String text = PlanPrinter.text(p);
    // Observed data carry their observation indicator (missing entries drop out).
    assertContains(text, "    eta(theta[j]) = <mu> + y[j] * [y[j] observed] / sigma[j]^2\n");
    assertContains(text, "    eta(theta[j]^2) = -0.5 - 0.5 * [y[j] observed] / sigma[j]^2\n");
    String tex = PlanPrinter.markdown(p);
    assertContains(tex, "$$\\eta(\\theta_{j}) = \\langle \\mu \\rangle + \\frac{y_{j} [y_{j}\\ \\mathrm{observed}]}{\\sigma_{j}^{2}}$$");
    assertContains(tex, "$$\\eta({\\theta_{j}}^{2}) = -\\frac{1}{2} - \\frac{[y_{j}\\ \\mathrm{observed}]}{2 \\sigma_{j}^{2}}$$");
    // 1/2 ln 2pi is recognised and written after the other factors.
    assertContains(tex, "\\frac{1}{2} J \\ln 2\\pi");
  }

  @Test
  void aComponentIndexIsRenamedWhereItWouldPrintLikeTheElementIndex() {
    UpdatePlan p = plan("""
        model Topics {
          size T, V;
          size K = 3;
          latent phi[k in K]: simplex[V] ~ Dirichlet(rep(0.1, V));
          latent pi: simplex[K] ~ Dirichlet(rep(1, K));
          latent z[t in T]: cat[K] ~ Categorical(pi);
          data w[t in T]: cat[V] ~ Categorical(phi[z[t]]);
        }
        """);
    String text = PlanPrinter.text(p);
    assertContains(text, "    eta(ln phi[k][v]) = -0.9 + sum_t [w[t] = v] * q(z[t]=k)\n");
    assertContains(text, "  Parameters: q(phi[k]) = Dirichlet(alpha) with alpha[v] = eta(ln phi[k][v]) + 1\n");
  }

  @Test
  void aModelThatNamesSomethingEtaGetsATildeOnNaturalParameters() {
    UpdatePlan p = plan("""
        model Eta {
          size N;
          hyper eta = 2;
          latent p: unit ~ Beta(eta, 1);
          data y[n in N]: bool ~ Bernoulli(p);
        }
        """);
    String tex = PlanPrinter.markdown(p);
    assertContains(tex, "$$\\tilde\\eta(\\ln p) = \\eta - 1 + \\sum_{n} y_{n}$$");
    assertContains(PlanPrinter.text(p), "    eta(ln p) = eta - 1 + sum_n y[n]\n");
  }

  @Test
  void theFactorisationShowsThePlatesOfEachFactor() {
    String text = PlanPrinter.text(plan(SCHOOLS));
    assertContains(text, "Factorisation: q(mu) q(theta) = q(mu) prod_j q(theta[j])\n");
    assertContains(text, "q(theta): Normal, one factor q(theta[j]) for each j in J [local]\n");
    assertContains(text, "  from p(theta | mu), p(y | theta)\n");
  }
}
