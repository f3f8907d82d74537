package dev.vmodel.compiler.optimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the responsibilities' update is written in product form, and with which tables. */
class ExpProductTest {
  private static OptimizedPlan optimized(String text) {
    Compiler.Result r = Compiler.plan(new SourceFile("m.vmodel", text));
    assertFalse(r.hasErrors(), () -> r.diagnostics().toString());
    UpdatePlan p = r.plans().get(0);
    return OptimizedPlan.of(p);
  }

  /** LDA: exp<ln theta[doc[t]][k]> from a D x K table, exp<ln phi[k][w[t]]> from a V x K one (transposed). */
  @Test
  void ldaReadsTwoTablesWithTheTopicInnermost() {
    ExpProduct x = optimized("""
        model LDA {
          size T, D, V; size K = 4;
          data doc[t in T]: cat[D];
          latent theta[d in D]: simplex[K] ~ Dirichlet(rep(0.1, K));
          latent phi[k in K]: simplex[V] ~ Dirichlet(rep(0.05, V));
          latent z[t in T]: cat[K] ~ Categorical(theta[doc[t]]);
          data w[t in T]: cat[V] ~ Categorical(phi[z[t]]);
        }
        """).expProduct();
    assertEquals("z", x.factor());
    assertEquals(2, x.tables().size());
    assertEquals(List.of(new Dim.Named("D")), x.tables().get(0).outerDims());
    assertEquals("theta", x.tables().get(0).moment().factor());
    assertEquals(List.of(new Dim.Named("V")), x.tables().get(1).outerDims());
    assertEquals("phi", x.tables().get(1).moment().factor());
    assertEquals(1, x.product().terms().size());
    assertEquals(2, x.product().terms().get(0).atoms().size());
  }

  /** A data value multiplying a moment (the Bernoulli mixture's x[n] * <ln theta[k]>) is not a product of tables. */
  @Test
  void notWhereDataMultiplyAMoment() {
    assertNull(optimized("""
        model BM {
          size N; size K = 3;
          latent pi: simplex[K] ~ Dirichlet(rep(1.0, K));
          latent theta[k in K]: unit ~ Beta(1, 1);
          latent z[n in N]: cat[K] ~ Categorical(pi);
          data x[n in N]: bool ~ Bernoulli(theta[z[n]]);
        }
        """).expProduct());
    assertNull(optimized("""
        model GM {
          size N; size K = 3;
          latent pi: simplex[K] ~ Dirichlet(rep(1.0, K));
          latent mu[k in K]: real ~ Normal(0, 0.01);
          latent z[n in N]: cat[K] ~ Categorical(pi);
          data x[n in N]: real ~ Normal(mu[z[n]], 1);
        }
        """).expProduct());
  }

  /** A mixture of categoricals: the weights' table has no outer dimension. */
  @Test
  void categoricalMixture() {
    ExpProduct x = optimized("""
        model CM {
          size N, V; size K = 3;
          latent pi: simplex[K] ~ Dirichlet(rep(1.0, K));
          latent phi[k in K]: simplex[V] ~ Dirichlet(rep(0.5, V));
          latent z[n in N]: cat[K] ~ Categorical(pi);
          data x[n in N]: cat[V] ~ Categorical(phi[z[n]]);
        }
        """).expProduct();
    assertEquals(2, x.tables().size());
    assertEquals(List.of(), x.tables().get(0).outerDims());
    assertEquals(List.of(new Dim.Named("V")), x.tables().get(1).outerDims());
  }
}
