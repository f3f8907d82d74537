package dev.vmodel.compiler.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checks can fail. For every factor of every example, a deliberately wrong plan is made by
 * halving one term of the factor's natural-parameter polynomials (the term largest in magnitude
 * at the current state: a lost 1/2 or a double count, {@link Mutation}); at a state three sweeps
 * from a random start (the other factors concentrated as in a real fit):
 * <ul>
 *   <li>the regression of {@link NaturalParameterTest} reports a mismatch;
 *   <li>the wrong update is not the coordinate maximiser for {@link OptimalityTest}: some move
 *       raises the ELBO computed from the model graph, and some move raises the plan's (correct)
 *       ELBO. Where halving the term leaves the family's parameter space (a negative rate, a
 *       non-positive-definite scale matrix) the interpreter rejects the update itself, which is
 *       detection too.
 * </ul>
 */
class NegativeControlTest {
  static Stream<Arguments> factors() {
    return EvalModels.factors().stream().map(x -> Arguments.of(x[0], x[1]));
  }

  @ParameterizedTest(name = "{0}: q({1})")
  @MethodSource("factors")
  void aHalvedTermIsCaught(String stem, String factor) {
    Interpreter in = EvalModels.small(stem);
    in.randomize((stem + factor).hashCode() + 2);
    for (int s = 0; s < 3; s++) {
      in.sweep();
    }
    int e = in.state.factor(factor).elements.length / 2;
    Mutation.Mutant mutant = Mutation.halveLargestTerm(in, factor, in.state.factor(factor).unflat(e));
    Interpreter bad = new Interpreter(mutant.plan(), in.data);
    bad.state = in.state.copy();

    List<MonteCarlo.NatCheck> nat = new MonteCarlo(bad).naturalParameters(factor, e, 100, 5, 13);
    assertTrue(nat.stream().anyMatch(c -> !c.ok()), mutant.description() + " went unnoticed by the regression:\n"
        + nat.stream().map(Object::toString).collect(Collectors.joining("\n")));

    try {
      bad.update(factor);
    } catch (IllegalStateException invalid) {
      assertTrue(invalid.getMessage().contains("invalid") || invalid.getMessage().contains("positive definite"),
          invalid.getMessage());
      return;
    }
    List<MonteCarlo.Check> checks = new MonteCarlo(bad).optimality(factor, MonteCarlo.Settings.standard(), 99);
    String all = checks.stream().map(Object::toString).collect(Collectors.joining("\n"));
    assertTrue(checks.stream().anyMatch(c -> !c.mcOk()), mutant.description()
        + " went unnoticed by the ELBO from the model graph:\n" + all);
    assertTrue(checks.stream().anyMatch(c -> !c.planOk()), mutant.description()
        + " went unnoticed by the plan's ELBO:\n" + all);
  }
}
