package dev.vmodel.compiler.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimised plan means what the raw plan means (issue 12): the reference interpreter evaluates
 * {@code OptimizedPlan.natural(u)} and {@code OptimizedPlan.elboTerms()} with the data sums and row
 * statistics read from their definitions ({@link OptimizedEval}), and at a non-trivial state (a
 * random start, then three sweeps of the raw plan) every element's optimised natural parameters
 * equal the raw plan's, and each optimised ELBO term (and their sum) equals the raw plan's
 * log-joint term, to 1e-10 relative. The rewrite only reorders floating-point additions, so
 * anything beyond rounding is a wrong rewrite.
 *
 * <p>The negative control multiplies the values of one derived array (one data sum or one row
 * statistic) by 1.5 and requires the comparison to notice, for every derived array of every model:
 * so each array the rewrite introduces is read by some checked polynomial, and a wrong value of it
 * would fail this test.
 */
class OptimizedPlanTest {
  private static final double REL = 1e-10;

  static List<String> models() {
    return EvalModels.models();
  }

  /** An interpreter of the model's small data at a random start moved by three raw sweeps. */
  private static Interpreter atState(String model) {
    Interpreter in = EvalModels.small(model);
    in.randomize(model.hashCode() + 12);
    for (int s = 0; s < 3; s++) {
      in.sweep();
    }
    return in;
  }

  /** Every mismatch between the raw and the optimised reading, at most 20 of them. */
  private static List<String> mismatches(Interpreter in, OptimizedEval opt) {
    List<String> bad = new ArrayList<>();
    for (FactorUpdate u : in.plan.updates()) {
      String f = u.factor().name();
      State.Factor shape = in.state.factor(f);
      for (int e = 0; e < shape.elements.length && bad.size() < 20; e++) {
        int[] el = shape.unflat(e);
        Map<String, double[]> raw = in.natural(u, u.natural(), el);
        Map<String, double[]> got = opt.natural(f, el);
        assertEquals(raw.keySet(), got.keySet(), "q(" + f + ") statistics");
        for (String stat : raw.keySet()) {
          double[] r = raw.get(stat);
          double[] g = got.get(stat);
          assertEquals(r.length, g.length, "q(" + f + ") " + stat + " length");
          for (int c = 0; c < r.length; c++) {
            if (!close(r[c], g[c])) {
              bad.add(String.format("eta(%s)%s %s[%d]: raw %.17g, optimised %.17g", f,
                  java.util.Arrays.toString(el), stat, c, r[c], g[c]));
            }
          }
        }
      }
    }
    List<UpdatePlan.LogJointTerm> terms = in.plan.elbo().terms();
    double[] got = opt.elboTerms();
    assertEquals(terms.size(), got.length, "ELBO terms");
    double rawSum = 0;
    double gotSum = 0;
    for (int t = 0; t < got.length; t++) {
      double r = in.logJoint(terms.get(t));
      rawSum += r;
      gotSum += got[t];
      if (!close(r, got[t])) {
        bad.add(String.format("E[ln p(%s)]: raw %.17g, optimised %.17g", terms.get(t).node(), r, got[t]));
      }
    }
    if (!close(rawSum, gotSum)) {
      bad.add(String.format("sum of the ELBO's log-joint terms: raw %.17g, optimised %.17g", rawSum, gotSum));
    }
    return bad;
  }

  private static boolean close(double raw, double opt) {
    return Math.abs(raw - opt) <= REL * Math.max(Math.abs(raw), Math.abs(opt));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void optimisedNaturalParametersAndElboEqualTheRawPlans(String model) {
    Interpreter in = atState(model);
    OptimizedEval opt = new OptimizedEval(in);
    List<String> bad = mismatches(in, opt);
    assertTrue(bad.isEmpty(), model + ": the optimised plan differs from the raw plan:\n" + String.join("\n", bad)
        + "\n" + opt.opt.text());
  }

  /** The same at the random start itself (factors far from each other's optimum). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void optimisedPlanEqualsTheRawPlanAtARandomStart(String model) {
    Interpreter in = EvalModels.small(model);
    in.randomize(model.hashCode() + 13);
    OptimizedEval opt = new OptimizedEval(in);
    List<String> bad = mismatches(in, opt);
    assertTrue(bad.isEmpty(), model + ": the optimised plan differs from the raw plan:\n" + String.join("\n", bad)
        + "\n" + opt.opt.text());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aWrongDataSumOrStatisticIsNoticed(String model) {
    Interpreter in = atState(model);
    List<String> vars = new OptimizedEval(in).derivedVars();
    List<String> missed = new ArrayList<>();
    for (String var : vars) {
      OptimizedEval wrong = new OptimizedEval(in);
      wrong.scale.put(var, 1.5);
      if (mismatches(in, wrong).isEmpty()) {
        missed.add(var);
      }
    }
    assertTrue(missed.isEmpty(), model + ": a wrong value of " + missed + " went unnoticed\n"
        + new OptimizedEval(in).opt.text());
  }

  /**
   * Whole fits agree: from the same random start, eight sweeps of the interpreter running the
   * optimised plan ({@link Interpreter#optimized()}) give the raw plan's ELBO after every factor
   * update, to 1e-9 relative (rounding differences may grow a little from sweep to sweep); and with
   * one derived array scaled by 1.5 they do not.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void aFitOfTheOptimisedPlanFollowsTheRawFit(String model) {
    Interpreter raw = EvalModels.sweeps(model).randomize(model.hashCode() + 14);
    Interpreter opt = new Interpreter(raw.plan, raw.data).optimized();
    opt.state = raw.state.copy();
    Interpreter wrong = new Interpreter(raw.plan, raw.data).optimized();
    wrong.state = raw.state.copy();
    List<String> vars = wrong.optimized.derivedVars();
    wrong.optimized.scale.put(vars.get(vars.size() - 1), 1.5);
    List<String> bad = new ArrayList<>();
    boolean wrongSeen = false;
    for (int s = 0; s < 8; s++) {
      List<Double> r = raw.sweep();
      List<Double> o = opt.sweep();
      List<Double> w = null;
      if (!wrongSeen) {
        try {
          w = wrong.sweep();
        } catch (IllegalStateException outsideTheFamily) {
          wrongSeen = true;
        }
      }
      for (int k = 0; k < r.size(); k++) {
        if (!(Math.abs(r.get(k) - o.get(k)) <= 1e-9 * Math.abs(r.get(k)))) {
          bad.add(String.format("sweep %d, after q(%s): raw ELBO %.17g, optimised %.17g", s,
              raw.plan.schedule().get(k), r.get(k), o.get(k)));
        }
        wrongSeen |= w != null && !(Math.abs(r.get(k) - w.get(k)) <= 1e-9 * Math.abs(r.get(k)));
      }
    }
    assertTrue(bad.isEmpty(), model + ":\n" + String.join("\n", bad));
    assertTrue(wrongSeen, model + ": scaling " + vars.get(vars.size() - 1) + " went unnoticed by the fit");
  }

  /**
   * The check is not vacuous: the example models exercise both rewrites (the linear regression
   * reads data sums, the Gaussian mixture row statistics), and in such a model the optimised
   * polynomials are not the raw ones.
   */
  @Test
  void theExamplesExerciseBothRewrites() {
    int withSums = 0;
    int withStats = 0;
    for (String model : EvalModels.models()) {
      OptimizedEval opt = new OptimizedEval(EvalModels.small(model));
      withSums += opt.opt.sums().isEmpty() ? 0 : 1;
      withStats += opt.opt.fusion() == null || opt.opt.fusion().stats().isEmpty() ? 0 : 1;
    }
    assertTrue(withSums > 0 && withStats > 0, "models with data sums: " + withSums + ", with statistics: " + withStats);
    OptimizedEval lr = new OptimizedEval(EvalModels.small("linear-regression"));
    assertFalse(lr.opt.sums().isEmpty(), lr.opt.text());
    OptimizedEval gm = new OptimizedEval(EvalModels.small("gaussian-mixture"));
    assertTrue(gm.opt.fusion() != null && !gm.opt.fusion().stats().isEmpty(), gm.opt.text());
    boolean rewritten = gm.in.plan.updates().stream().anyMatch(u -> !gm.opt.natural(u).equals(u.natural()));
    assertTrue(rewritten, gm.opt.text());
  }
}
