package dev.vmodel.compiler.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Missing observations (empty cells of ppca.csv) are integrated out (LANGUAGE.md, "Data at fit
 * time"); for an observed leaf like PPCA's x that means its missing elements contribute no term to
 * ln p(X, Z). The reference ({@link LogJoint}) drops them; the plan multiplies their terms by an
 * {@code Observed} indicator and states each missing entry's predictive mean. Checked on the first
 * 20 rows of ppca.csv (with holes) by the same independent checks as the complete data.
 */
class MissingDataTest {
  private static Interpreter ppcaWithHoles() {
    UpdatePlan plan = Examples.plan("ppca");
    return new Interpreter(plan, ModelData.load(plan.graph(), Examples.csv("ppca.csv"), ModelData.Options.rows(20)));
  }

  private static int observed(Interpreter in) {
    int n = 0;
    for (double v : in.data.array("x").values()) {
      if (!Double.isNaN(v)) {
        n++;
      }
    }
    return n;
  }

  /** The reference drops missing terms: the ln tau coefficient of E[ln p] counts observed entries only. */
  @Test
  void referenceIntegratesMissingObservationsOut() {
    Interpreter in = ppcaWithHoles();
    in.randomize(5);
    int observed = observed(in);
    assertTrue(observed < 20 * 10, "the first 20 rows of ppca.csv have holes");
    List<MonteCarlo.NatCheck> checks = new MonteCarlo(in).naturalParameters("tau", 0, 20, 5, 3);
    MonteCarlo.NatCheck lnTau = checks.stream().filter(c -> c.what().endsWith("ln x")).findFirst().orElseThrow();
    // Prior Gamma(1e-3, 1e-3): shape - 1 = -0.999; each observed x[n,d] adds 1/2.
    assertEquals(-0.999 + 0.5 * observed, lnTau.estimate(), 1e-9);
  }

  /** q(tau): eta(ln tau) = -0.999 + 0.5 * (number of observed x[n,d]), eta(tau) finite. */
  @Test
  void planCountsObservedEntriesOnly() {
    Interpreter in = ppcaWithHoles();
    in.randomize(5);
    Map<String, double[]> eta = in.natural(in.plan.update("tau"), in.plan.update("tau").natural(), new int[0]);
    assertEquals(-0.999 + 0.5 * observed(in), eta.get("lnx")[0], 1e-9, "eta(ln tau)");
    assertTrue(Double.isFinite(eta.get("x")[0]), "eta(tau) = " + eta.get("x")[0]);
    assertTrue(in.plan.allowsMissing("x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"alpha", "W", "tau", "h"})
  void updatesAreOptimalWithHoles(String factor) {
    Interpreter in = ppcaWithHoles();
    in.randomize(factor.hashCode());
    int n = in.state.factor(factor).elements.length;
    List<MonteCarlo.NatCheck> nat = new ArrayList<>();
    for (int e : new LinkedHashSet<>(List.of(0, n - 1))) {
      nat.addAll(new MonteCarlo(in).naturalParameters(factor, e, 150, 5, 7 + e));
    }
    String natBad = nat.stream().filter(c -> !c.ok()).map(Object::toString).collect(Collectors.joining("\n"));
    assertTrue(natBad.isEmpty(), natBad);
    in.update(factor);
    List<MonteCarlo.Check> checks = new MonteCarlo(in).optimality(factor, MonteCarlo.Settings.standard(), 99);
    String bad = checks.stream().filter(c -> !c.mcOk() || !c.planOk()).map(Object::toString)
        .collect(Collectors.joining("\n"));
    assertTrue(bad.isEmpty(), bad);
  }

  @Test
  void elboTermsAndMonotonicityWithHoles() {
    Interpreter in = ppcaWithHoles();
    in.randomize(9);
    Map<String, MonteCarlo.Estimate> mc = new MonteCarlo(in).expectations(500, 17);
    for (UpdatePlan.LogJointTerm t : in.plan.elbo().terms()) {
      MonteCarlo.Estimate e = mc.get(t.node());
      double plan = in.logJoint(t);
      assertEquals(e.mean(), plan, 5 * e.se() + 1e-9 * (1 + Math.abs(plan)), "E[ln p(" + t.node() + ")]");
    }
    double prev = in.elbo();
    for (int s = 0; s < 20; s++) {
      for (String f : in.plan.schedule()) {
        in.update(f);
        double e = in.elbo();
        assertTrue(e >= prev - 1e-9 * Math.abs(prev), "ELBO decreased after q(" + f + "): " + prev + " -> " + e);
        prev = e;
      }
    }
  }

  /**
   * Each missing entry's predictive mean, as the plan states it, against the Monte Carlo average of
   * the mean argument of its distribution (dot(W[d], h[n]) evaluated on draws from q), after a few
   * sweeps. Tolerance: 5 standard errors (2000 antithetic pairs).
   */
  @Test
  void predictiveMeansOfMissingEntries() {
    Interpreter in = ppcaWithHoles();
    in.randomize(4);
    for (int s = 0; s < 5; s++) {
      in.sweep();
    }
    assertFalse(in.plan.predictives().isEmpty());
    MonteCarlo mc = new MonteCarlo(in);
    Random r = new Random(23);
    for (UpdatePlan.Predictive p : in.plan.predictives()) {
      ModelGraph.Node node = in.plan.graph().node(p.node());
      List<int[]> missing = new ArrayList<>();
      for (int[] el : mc.joint.elements(node)) {
        if (Double.isNaN(in.data.array(p.node()).get(el))) {
          missing.add(el);
        }
      }
      assertFalse(missing.isEmpty());
      int pairs = 2000;
      double[][] draws = new double[missing.size()][pairs];
      for (int d = 0; d < pairs; d++) {
        Map<String, double[]> u = mc.uniforms(in.state, r);
        Map<String, double[]> ua = new LinkedHashMap<>();
        u.forEach((k, v) -> ua.put(k, MonteCarlo.antithetic(v)));
        for (Map<String, double[]> uu : List.of(u, ua)) {
          LogJoint.Sample z = mc.draw(in.state, uu);
          IrEval ev = new IrEval(in.data, z);
          for (int i = 0; i < missing.size(); i++) {
            Map<String, Integer> plates = new HashMap<>();
            for (int k = 0; k < node.plates().size(); k++) {
              plates.put(node.plates().get(k).index(), missing.get(i)[k]);
            }
            draws[i][d] += 0.5 * ev.eval(node.dist().get().arg("mean").value(), plates).scalar();
          }
        }
      }
      PolyEval pe = new PolyEval(in.data, in.state);
      for (int i = 0; i < missing.size(); i++) {
        Map<Idx, Integer> env = new HashMap<>();
        for (int k = 0; k < p.element().size(); k++) {
          env.put(p.element().get(k), missing.get(i)[k]);
        }
        MonteCarlo.Estimate e = MonteCarlo.Estimate.of(draws[i]);
        assertEquals(e.mean(), pe.eval(p.mean(), env), 5 * e.se() + 1e-9,
            "predictive mean of " + p.node() + java.util.Arrays.toString(missing.get(i)));
      }
    }
  }
}
