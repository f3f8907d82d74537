package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.optimize.DataSums;
import dev.vmodel.compiler.optimize.OptimizedPlan;
import dev.vmodel.compiler.optimize.RowFusion;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The analyses behind the fused generated code, inspected as values: which row statistics and
 * features {@link RowFusion} finds, which terms it rewrites, which data-only sums {@link
 * DataSums} takes out of the updates, and the {@link OptimizedPlan} that holds them. (That the generated code computes the same numbers as
 * the unrewritten plan is shown by the exact-posterior, monotone-ELBO and elboAfterSweep tests.)
 */
class RowFusionTest {

  private static RowFusion fusion(String stem) {
    UpdatePlan plan = Examples.example(stem).plan();
    return RowFusion.analyze(plan, UpdatePlan.FactorUpdate::local);
  }

  private static Set<String> words(List<RowFusion.Pattern> patterns) {
    Set<String> out = new TreeSet<>();
    patterns.forEach(p -> out.add(p.word));
    return out;
  }

  private static boolean readsFactor(Poly p, String factor) {
    return p.terms().stream().flatMap(m -> m.atoms().stream())
        .anyMatch(a -> a instanceof Atom.Moment mo && mo.factor().equals(factor));
  }

  private static boolean sumsOver(Poly p, String size) {
    for (Monomial m : p.terms()) {
      for (Idx i : m.sums()) {
        if (i.range() instanceof Dim.Named n && n.size().equals(size)) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void gaussianMixtureIsSeparableWithThreeRowStatistics() {
    RowFusion f = fusion("gaussian-mixture");
    assertNotNull(f);
    assertEquals("z", f.local.factor().name());
    assertNotNull(f.weights, "eta(z[n]=c) is data at n times moments of other factors");
    assertEquals(Set.of("one", "x", "xX"), words(f.features()));
    assertEquals(Set.of("one", "x", "xX"), words(f.stats()));
    RowFusion.Pattern xx = f.features().stream().filter(p -> p.word.equals("xX")).findFirst().orElseThrow();
    assertTrue(xx.symmetric, "x[n][i] x[n][j] is symmetric in i, j");
    assertEquals(2, xx.free.size());
    assertTrue(f.lseElbo, "q(z) is updated last");
    assertEquals(Set.of("pi", "mu, Lambda"), f.rewritten.keySet());
    for (List<NaturalParam> params : f.rewritten.values()) {
      for (NaturalParam p : params) {
        assertFalse(readsFactor(p.value(), "z"), p.stat().name() + " still reads q(z)");
        assertFalse(sumsOver(p.value(), "N"), p.stat().name() + " still sums over N");
      }
    }
  }

  @Test
  void ldaIsNotSeparableButItsCountsAreRowStatistics() {
    RowFusion f = fusion("lda");
    assertNotNull(f);
    assertNull(f.weights, "eta(z[t]=c) reads E[ln theta[doc[t]]][c]: row and component together");
    List<RowFusion.Pattern> stats = f.stats();
    assertEquals(2, stats.size());
    for (RowFusion.Pattern p : stats) {
      assertFalse(p.dense(), "[doc[t] = d] and [w[t] = v] scatter");
      assertTrue(p.atoms.stream().allMatch(a -> a instanceof Atom.Delta));
    }
    assertEquals(Set.of("theta", "phi"), f.rewritten.keySet());
    assertTrue(f.lseElbo);
  }

  @Test
  void modelsWithoutALocalCategoricalFactorAreNotFused() {
    assertNull(fusion("linear-regression"));
    assertNull(fusion("coin"));
  }

  @Test
  void linearRegressionSumsItsDataOnce() {
    UpdatePlan plan = Examples.example("linear-regression").plan();
    DataSums sums = new DataSums(plan);
    List<Poly> rewritten = new ArrayList<>();
    for (UpdatePlan.FactorUpdate u : plan.updates()) {
      for (NaturalParam p : u.natural()) {
        List<Idx> open = new ArrayList<>(u.elementIndices());
        open.addAll(p.components());
        rewritten.add(sums.rewrite(p.value(), open));
      }
    }
    for (UpdatePlan.LogJointTerm t : plan.elbo().terms()) {
      rewritten.add(sums.rewrite(t.value(), List.of()));
    }
    for (Poly p : rewritten) {
      assertFalse(sumsOver(p, "N"), "a sum over N is left: " + p);
    }
    // sum_n X[n][i] y[n], sum_n X[n][i] X[n][j], sum_n y[n]^2 (each with y's observation mask),
    // and sum_n observed(y[n]): shared by q(w), q(tau) and the ELBO.
    assertEquals(4, sums.sums().size(), sums.sums().toString());
  }

  /**
   * The optimisation stage's output is a value a test can print: the linear regression's data
   * sums and rewritten parameters, the Gaussian mixture's fusion and chunked updates.
   */
  @Test
  void optimizedPlanPrintsItsDecisions() {
    String lr = OptimizedPlan.of(Examples.example("linear-regression").plan()).text();
    assertTrue(lr.startsWith("model LinearRegression\nchunked: none\ndata sums:\n  sum:0 "), lr);
    assertTrue(lr.contains("fusion: none\n"), lr);
    assertTrue(lr.contains("eta(w), optimised:\n"), lr);
    assertTrue(lr.contains("  sum:1 (XXObsY) = sum_n X[n][i0] * X[n][i1] * [y[n] observed]\n"), lr);
    assertFalse(lr.substring(lr.indexOf("eta(")).contains("sum_n"), "every sum over n is precomputed:\n" + lr);
    OptimizedPlan gm = OptimizedPlan.of(Examples.example("gaussian-mixture").plan());
    String text = gm.text();
    assertTrue(text.contains("chunked: q(z)\n"), text);
    assertTrue(text.contains("fusion: q(z) over N, separable, ELBO from log-normalisers\n"), text);
    assertTrue(text.contains("statistic "), text);
    // The rewritten parameters of q(mu, Lambda) read the row statistics, not the rows.
    UpdatePlan.FactorUpdate muLambda = gm.plan().updates().stream()
        .filter(u -> u.factor().members().contains("mu")).findFirst().orElseThrow();
    for (NaturalParam p : gm.natural(muLambda)) {
      assertFalse(sumsOver(p.value(), "N"), p.value().toString());
    }
  }
}
