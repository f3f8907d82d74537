package dev.vmodel.compiler.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checks can fail. For every factor of every model, a deliberately wrong plan is made by
 * halving one term of the factor's natural-parameter polynomials (the term largest in magnitude
 * at the current state: a lost 1/2 or a double count, {@link Mutation}), at a state three sweeps
 * from a random start (the other factors concentrated as in a real fit):
 * <ul>
 *   <li>the regression of {@link NaturalParameterTest} reports a mismatch, for every factor;
 *   <li>the wrong update is not the coordinate maximiser of the plan's (correct) ELBO, for every
 *       factor: some move of {@link OptimalityTest} raises it. Where halving the term leaves the
 *       family's parameter space (a negative rate, a scale matrix that is not positive definite)
 *       the interpreter rejects the update itself, which is detection too;
 *   <li>the ELBO computed from the model graph (Monte Carlo, quadrature, exact sums) sees some move
 *       raise it for at least 90% of the factors. Not all: where the halved term mostly changes
 *       how concentrated q is (a balanced mixture's weights), the ELBO is flat in that direction
 *       and the gain is below the Monte Carlo noise (100 draws here).
 * </ul>
 */
class NegativeControlTest {
  static Stream<Arguments> factors() {
    return EvalModels.factors().stream().map(x -> Arguments.of(x[0], x[1]));
  }

  private record Case(Interpreter bad, Mutation.Mutant mutant, int element) {}

  private static Case mutate(String model, String factor) {
    Interpreter in = EvalModels.small(model);
    in.randomize((model + factor).hashCode() + 2);
    for (int s = 0; s < 3; s++) {
      in.sweep();
    }
    int e = in.state.factor(factor).elements.length / 2;
    Mutation.Mutant mutant = Mutation.halveLargestTerm(in, factor, in.state.factor(factor).unflat(e));
    Interpreter bad = new Interpreter(mutant.plan(), in.data);
    bad.state = in.state.copy();
    return new Case(bad, mutant, e);
  }

  /** The wrong update in place, or false if the interpreter rejects it as outside the family. */
  private static boolean applyWrongUpdate(Case c, String factor) {
    try {
      c.bad().update(factor);
      return true;
    } catch (IllegalStateException invalid) {
      assertTrue(invalid.getMessage().contains("invalid") || invalid.getMessage().contains("positive definite"),
          invalid.getMessage());
      return false;
    }
  }

  @ParameterizedTest(name = "{0}: q({1})")
  @MethodSource("factors")
  void regressionAndPlanElboCatchAHalvedTerm(String model, String factor) {
    Case c = mutate(model, factor);
    List<MonteCarlo.NatCheck> nat = new MonteCarlo(c.bad()).naturalParameters(factor, c.element(), 100, 5, 13);
    if (nat.stream().allMatch(MonteCarlo.NatCheck::ok)) {
      // A noisy coefficient (a bound's lambda(xi) multiplies E[a^2], whose draws vary widely): four
      // times the draws halve the standard error.
      nat = new MonteCarlo(c.bad()).naturalParameters(factor, c.element(), 400, 5, 14);
    }
    assertTrue(nat.stream().anyMatch(x -> !x.ok()), c.mutant().description() + " went unnoticed by the regression:\n"
        + nat.stream().map(Object::toString).collect(Collectors.joining("\n")));
    if (!applyWrongUpdate(c, factor)) {
      return;
    }
    List<MonteCarlo.Check> checks = new MonteCarlo(c.bad()).planOnly(factor, MonteCarlo.Settings.standard(), 99);
    assertTrue(checks.stream().anyMatch(x -> !x.planOk()), c.mutant().description()
        + " went unnoticed by the plan's ELBO:\n" + checks.stream().map(Object::toString).collect(Collectors.joining("\n")));
  }

  @Test
  void elboFromTheModelGraphCatchesMostHalvedTerms() {
    List<String> missed = new ArrayList<>();
    int valid = 0;
    for (String[] mf : EvalModels.factors()) {
      Case c = mutate(mf[0], mf[1]);
      if (!applyWrongUpdate(c, mf[1])) {
        continue;
      }
      valid++;
      MonteCarlo.Settings st = MonteCarlo.Settings.standard();
      List<MonteCarlo.Check> checks = new MonteCarlo(c.bad()).optimality(mf[1],
          new MonteCarlo.Settings(100, st.steps(), st.randomDirections(), st.elements(), st.zScore()), 99);
      if (checks.stream().allMatch(MonteCarlo.Check::mcOk)) {
        missed.add(mf[0] + " q(" + mf[1] + "): " + c.mutant().description());
      }
    }
    assertTrue(missed.size() <= 0.1 * valid, missed.size() + " of " + valid + " wrong updates went unnoticed:\n"
        + String.join("\n", missed));
  }
}
