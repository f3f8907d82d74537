package dev.vmodel.compiler.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A sharper form of the optimality test: the derived natural parameters themselves equal the
 * coefficients of E_{-j}[ln p(X, Z)] in the factor's sufficient statistics, estimated by Monte
 * Carlo from the model graph alone ({@link MonteCarlo#naturalParameters}); ln q_j* = E_{-j}[ln p]
 * + const is the definition of the optimal factor (PRML 10.9). It also checks that ln p is exactly
 * linear in those statistics for every draw of the other latents (conjugacy: relative residual of
 * the fit at most 1e-7).
 *
 * <p>At a random setting of the other factors, for the first and the last element of each
 * factor; and after three sweeps from there (the other factors concentrated, so the estimate is
 * sharper), for a middle element. Tolerance: 5 standard errors of the Monte Carlo mean of the
 * coefficient (150 antithetic pairs of draws) plus a rounding allowance of the least-squares fit;
 * coefficients that do not depend on the other factors have standard error 0 and are checked to
 * rounding.
 */
class NaturalParameterTest {
  static Stream<Arguments> factors() {
    return EvalModels.factors().stream().map(x -> Arguments.of(x[0], x[1]));
  }

  @ParameterizedTest(name = "{0}: q({1})")
  @MethodSource("factors")
  void naturalParametersAreTheExpectedLogJointCoefficients(String stem, String factor) {
    Interpreter in = EvalModels.small(stem);
    in.randomize((stem + factor).hashCode() + 1);
    int n = in.state.factor(factor).elements.length;
    List<MonteCarlo.NatCheck> checks = new ArrayList<>();
    for (int e : new LinkedHashSet<>(List.of(0, n - 1))) {
      checks.addAll(new MonteCarlo(in).naturalParameters(factor, e, 150, 5, 7 + e));
    }
    for (int s = 0; s < 3; s++) {
      in.sweep();
    }
    checks.addAll(new MonteCarlo(in).naturalParameters(factor, n / 2, 150, 5, 11));
    String bad = checks.stream().filter(c -> !c.ok()).map(Object::toString).collect(Collectors.joining("\n"));
    assertTrue(bad.isEmpty(), "derived natural parameters differ from E_{-j}[ln p]'s coefficients:\n" + bad);
  }

  /**
   * The plan's {@code prior} natural parameters (where fits start) are the coefficients of
   * E_{-j}[ln p(Z_j | parents)]: the factor's own distributions only.
   */
  @ParameterizedTest(name = "{0}: q({1})")
  @MethodSource("factors")
  void priorNaturalParametersAreTheOwnDistributionsCoefficients(String stem, String factor) {
    Interpreter in = EvalModels.small(stem);
    in.randomize((stem + factor).hashCode() + 3);
    int n = in.state.factor(factor).elements.length;
    List<MonteCarlo.NatCheck> checks = new MonteCarlo(in).naturalParameters(factor, n - 1, 50, 5, 5, true);
    String bad = checks.stream().filter(c -> !c.ok()).map(Object::toString).collect(Collectors.joining("\n"));
    assertTrue(bad.isEmpty(), "prior natural parameters differ from E_{-j}[ln p(own)]'s coefficients:\n" + bad);
  }
}
