package dev.vmodel.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The local/global structure the plan derives ({@link LocalPhase}): present for a mixed-membership
 * model whatever its names, absent where a group factor is coupled to anything but its rows.
 */
class LocalPhaseTest {
  private static UpdatePlan plan(String text) {
    Compiler.Result r = Compiler.plan(new SourceFile("m.vmodel", text));
    assertFalse(r.hasErrors(), () -> r.diagnostics().toString());
    return r.plans().get(0);
  }

  private static final String LDA = """
      model LDA {
        size T, D, V; size K = 4;
        hyper alpha = 0.1; hyper eta = 0.05;
        data doc[t in T]: cat[D];
        latent theta[d in D]: simplex[K] ~ Dirichlet(rep(alpha, K));
        latent phi[k in K]: simplex[V] ~ Dirichlet(rep(eta, V));
        latent z[t in T]: cat[K] ~ Categorical(theta[doc[t]]);
        data w[t in T]: cat[V] ~ Categorical(phi[z[t]]);
      }
      """;

  @Test
  void ldaHasDocumentsAsGroups() {
    LocalPhase p = LocalPhase.of(plan(LDA)).orElseThrow();
    assertEquals(new LocalPhase("T", "t", "z", "doc", "D", List.of("theta"), List.of("phi")), p);
    String text = PlanPrinter.text(plan(LDA));
    assertTrue(text.contains("Schedule: each sweep: phi; then, with it fixed, the locals of every group d in D"
        + " (theta, z for the rows t with doc[t] = d): one round from where they are"), text);
  }

  /** The same structure under other names and with a real-valued emission (a grouped Gaussian mixture). */
  @Test
  void aGroupedGaussianMixtureHasItToo() {
    String m = """
        model Grouped {
          size N, G; size K = 3;
          data grp[n in N]: cat[G];
          latent weights[g in G]: simplex[K] ~ Dirichlet(rep(1.0, K));
          latent mu[k in K]: real ~ Normal(0, 0.01);
          latent c[n in N]: cat[K] ~ Categorical(weights[grp[n]]);
          data x[n in N]: real ~ Normal(mu[c[n]], 1);
        }
        """;
    LocalPhase p = LocalPhase.of(plan(m)).orElseThrow();
    assertEquals(List.of("weights"), p.groupFactors());
    assertEquals("grp", p.covariate());
    assertEquals(List.of("mu"), p.globals());
  }

  @Test
  void noGroupsNoPhase() {
    String gmm = """
        model Mix {
          size N; size K = 3;
          latent pi: simplex[K] ~ Dirichlet(rep(1.0, K));
          latent mu[k in K]: real ~ Normal(0, 0.01);
          latent z[n in N]: cat[K] ~ Categorical(pi);
          data x[n in N]: real ~ Normal(mu[z[n]], 1);
        }
        """;
    assertEquals(Optional.empty(), LocalPhase.of(plan(gmm)));
    // groups without a categorical local on the rows: the grouped-noise regression
    String grouped = """
        model GroupedNoise {
          size N, G;
          data g[n in N]: cat[G];
          latent tau[j in G]: positive ~ Gamma(1, 1);
          latent b: real ~ Normal(0, 0.01);
          data y[n in N]: real ~ Normal(b, tau[g[n]]);
        }
        """;
    assertEquals(Optional.empty(), LocalPhase.of(plan(grouped)));
  }

  /** A group factor that another row term reads: L_d would miss that term, so no phase. */
  @Test
  void aGroupFactorReadByAnotherRowTermHasNoPhase() {
    String m = """
        model Hier {
          size N, G; size K = 3;
          data grp[n in N]: cat[G];
          latent a: positive ~ Gamma(1, 1);
          latent mu[g in G]: real ~ Normal(0, a);
          latent pi[g in G]: simplex[K] ~ Dirichlet(rep(1.0, K));
          latent c[n in N]: cat[K] ~ Categorical(pi[grp[n]]);
          data x[n in N]: real ~ Normal(mu[grp[n]], 1);
          data y[n in N]: cat[K] ~ Categorical(pi[grp[n]]);
        }
        """;
    Optional<LocalPhase> p = LocalPhase.of(plan(m));
    // mu[g] is not a group factor of c (c does not read it): only pi qualifies, and pi is also read by
    // the ELBO term of y, a second row term: the bound L_d would miss it, so no phase.
    assertEquals(Optional.empty(), p);
  }
}
