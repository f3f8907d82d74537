package dev.vmodel.runtime.split;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import java.util.Arrays;
import java.util.List;

/**
 * The driver's loop of a split fit (see {@link SplitPart}): coordinate ascent whose local pass runs
 * wherever the {@link LocalPasses} put the rows, until the relative ELBO change is below {@code
 * options.tolerance()} or after {@code options.maxIterations()} sweeps.
 */
public final class SplitFit {
  private SplitFit() {}

  /**
   * Fits from the parts' own start ({@link SplitPart#start}, seeded by {@code options.seed()} plus
   * the part's index): {@code driver} holds the global factors; its rows are not used.
   */
  public static FitResult run(SplitPart driver, LocalPasses passes, FitOptions options) {
    driver.start(options.seed(), options);
    return loop(driver, passes.start(options.seed(), options), passes, options);
  }

  /**
   * Fits from the global factors {@code start} (a part's {@link SplitPart#globals()}), locals first:
   * the parts are started as {@code fit} starts them (with random local factors, which the first
   * local pass replaces; this sets their options), then the first local pass reads {@code start}.
   */
  public static FitResult run(SplitPart driver, LocalPasses passes, double[] start, FitOptions options) {
    FitOptions random = options.withInit(FitOptions.Init.RANDOM);
    driver.start(options.seed(), random);
    passes.start(options.seed(), random);
    driver.globals(start);
    return loop(driver, passes.startFrom(start), passes, options);
  }

  private static FitResult loop(SplitPart driver, double[] first, LocalPasses passes, FitOptions options) {
    driver.statistics(first);
    double[] trace = new double[Math.min(options.maxIterations(), 64)];
    double previous = Double.NEGATIVE_INFINITY;
    boolean converged = false;
    int iterations = 0;
    for (int it = 1; it <= options.maxIterations(); it++) {
      driver.updateGlobals();
      driver.statistics(passes.pass(driver.globals()));
      double elbo = driver.elbo(it);
      if (it > trace.length) {
        trace = Arrays.copyOf(trace, (int) Math.min(options.maxIterations(), 2L * trace.length));
      }
      trace[it - 1] = elbo;
      iterations = it;
      if (options.listener() != null) {
        options.listener().sweep(0, it, elbo);
      }
      if (Math.abs(elbo - previous) <= options.tolerance() * Math.max(1.0, Math.abs(elbo))) {
        converged = true;
        break;
      }
      previous = elbo;
    }
    return driver.result(Arrays.copyOf(trace, iterations), iterations, converged);
  }

  /**
   * The parts held in this JVM, passed in order (their statistics added in part order, so the
   * result does not depend on timing).
   */
  public static LocalPasses inMemory(List<? extends SplitPart> parts) {
    List<SplitPart> ps = List.copyOf(parts);
    if (ps.isEmpty()) {
      throw new IllegalArgumentException("a split fit needs at least one part");
    }
    return new LocalPasses() {
      @Override
      public double[] start(long seed, FitOptions options) {
        double[] sum = null;
        for (int p = 0; p < ps.size(); p++) {
          double[] s = ps.get(p).start(seed + p, options);
          sum = sum == null ? s.clone() : SplitPart.add(sum, s);
        }
        return sum;
      }

      @Override
      public double[] pass(double[] globals) {
        double[] sum = null;
        for (SplitPart p : ps) {
          p.globals(globals);
          double[] s = p.localPass();
          sum = sum == null ? s.clone() : SplitPart.add(sum, s);
        }
        return sum;
      }

      @Override
      public double[] startFrom(double[] globals) {
        double[] sum = null;
        for (SplitPart p : ps) {
          p.globals(globals);
          double[] s = p.localStart();
          sum = sum == null ? s.clone() : SplitPart.add(sum, s);
        }
        return sum;
      }
    };
  }
}
