package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bundled example converges on its bundled data within the default number of sweeps at the
 * default tolerance (issue 13: LDA needed 599 sweeps when the default was 500 and ended with exit 0,
 * unconverged).
 */
class DefaultsConvergeTest {
  static java.util.List<String> examples() {
    return Examples.stems();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void convergesWithinTheDefaultSweeps(String stem) {
    Table t = Table.read(Examples.data(stem, ".csv"));
    FitOptions defaults = FitOptions.defaults();
    FitResult r = Harness.of(Examples.exampleClass(stem)).fit(t, defaults);
    assertTrue(r.converged(), stem + ": not converged after " + r.iterations() + " of " + defaults.maxIterations()
        + " sweeps");
  }
}
