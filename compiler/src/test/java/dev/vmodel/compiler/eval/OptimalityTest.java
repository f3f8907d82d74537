package dev.vmodel.compiler.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The key test: every derived factor update of every example model is the coordinate maximiser
 * of the ELBO. At a random setting of all the other factors (random valid parameters, fixed
 * seed), the factor is updated by the plan; then its parameters are moved and the ELBO must not
 * increase. Moves ({@link MonteCarlo#optimality}): 2 random unit directions in scale-free usual
 * parameters (a mean in units of its standard deviation, log shapes, rates and concentrations,
 * logits, a congruence (I + step B) P (I + step B)^T of precision and scale matrices), and each
 * statistic's natural parameter, and all of them at once, scaled by 1 + step; each at a small
 * (0.05) and a moderate (0.3) step of both signs. Factors with more than 3 elements have 3 spread
 * elements moved (given the others, the ELBO is a sum over a factor's elements).
 *
 * <p>The ELBO change is computed independently of the plan's polynomials, from ln p(X, Z) read off
 * the model graph with the runtime's log densities ({@link LogJoint}) plus the runtime's closed-form
 * entropies:
 * <ul>
 *   <li>a scalar factor whose Markov blanket holds no other latent (coin, beta-binomial,
 *       exponential-gamma, poisson-gamma, normal-variance) is integrated by tanh-sinh quadrature
 *       over its quantile function; tolerance 1e-9 relative (rounding);
 *   <li>a categorical factor is summed exactly over each moved element's values, the other
 *       latents by Monte Carlo;
 *   <li>otherwise by Monte Carlo with common random numbers: every latent reparameterised from
 *       fixed uniforms (inverse CDFs, Bartlett), the other factors at u and 1 - u crossed with the
 *       factor's own v and 1 - v, 150 independent draws.
 * </ul>
 * Monte Carlo tolerance: the change may be positive by at most 5 standard errors of its estimate
 * (a mean of independent paired differences; a correct update fails one check with probability
 * ~3e-7 under the normal approximation) plus 1e-9 relative for rounding. The power of this check
 * is limited where the ELBO is flat: see {@link NegativeControlTest}; {@link NaturalParameterTest}
 * is the sharper companion.
 *
 * <p>The same moves are also scored with the plan's own ELBO, without noise (tolerance 1e-9
 * relative): the update must maximise the plan's ELBO too, which ties the updates to the ELBO
 * polynomials that {@link ElboTermsTest} checks against Monte Carlo.
 */
class OptimalityTest {
  static Stream<Arguments> factors() {
    return EvalModels.factors().stream().map(x -> Arguments.of(x[0], x[1]));
  }

  @ParameterizedTest(name = "{0}: q({1})")
  @MethodSource("factors")
  void derivedUpdateIsTheCoordinateMaximiser(String stem, String factor) {
    Interpreter in = EvalModels.small(stem);
    in.randomize((stem + factor).hashCode());
    in.update(factor);
    List<MonteCarlo.Check> checks = new MonteCarlo(in).optimality(factor, MonteCarlo.Settings.standard(), 99);
    assertFalse(checks.isEmpty());
    String mcBad = checks.stream().filter(c -> !c.mcOk()).map(Object::toString).collect(Collectors.joining("\n"));
    String planBad = checks.stream().filter(c -> !c.planOk()).map(Object::toString).collect(Collectors.joining("\n"));
    assertTrue(mcBad.isEmpty(), "the ELBO (from the model graph) increases away from the derived update:\n" + mcBad);
    assertTrue(planBad.isEmpty(), "the plan's ELBO increases away from the derived update:\n" + planBad);
  }
}
