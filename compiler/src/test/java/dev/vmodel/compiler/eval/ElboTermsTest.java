package dev.vmodel.compiler.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plan's ELBO is right term by term: at a random q, each expected log-joint polynomial
 * E_q[ln p(node | parents)] equals the Monte Carlo average of ln p(node | parents) computed
 * directly from the model graph with the runtime's log densities ({@link LogJoint}), and each
 * entropy used by the interpreter equals the Monte Carlo average of -ln q.
 *
 * <p>Tolerance: 5 standard errors of the Monte Carlo mean (1000 antithetic pairs; a pair's average
 * is one independent draw), so a correct plan fails with probability ~1e-6 per comparison under
 * the normal approximation, plus 1e-9 relative for terms without randomness (standard error 0).
 */
class ElboTermsTest {
  static List<String> stems() {
    return EvalModels.models();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stems")
  void expectedLogJointAndEntropiesMatchMonteCarlo(String stem) {
    Interpreter in = EvalModels.small(stem);
    in.randomize(stem.hashCode());
    Map<String, MonteCarlo.Estimate> mc = new MonteCarlo(in).expectations(1000, 17);
    List<String> bad = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (UpdatePlan.LogJointTerm t : in.plan.elbo().terms()) {
      compare("E[ln p(" + t.node() + ")]", in.logJoint(t), mc.get(t.node()), bad, all);
    }
    for (String f : in.plan.elbo().entropies()) {
      compare("H[q(" + f + ")]", in.state.factor(f).entropy(), mc.get("H[" + f + "]"), bad, all);
    }
    assertTrue(bad.isEmpty(), stem + ": " + bad + "\nall: " + all);
  }

  private static void compare(String what, double plan, MonteCarlo.Estimate e, List<String> bad, List<String> all) {
    double tol = 5 * e.se() + 1e-9 * (1 + Math.abs(plan));
    String line = String.format("%s plan %.10g, Monte Carlo %.10g (se %.2g)", what, plan, e.mean(), e.se());
    all.add(line);
    if (!(Math.abs(plan - e.mean()) <= tol)) {
      bad.add(line);
    }
  }
}
