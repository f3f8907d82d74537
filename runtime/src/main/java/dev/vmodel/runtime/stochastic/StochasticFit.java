package dev.vmodel.runtime.stochastic;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.split.SplitPart;
import dev.vmodel.runtime.split.SplitRows;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Stochastic variational inference for any generated model that splits ({@link SplitModel}), on
 * the same local/global API as the Spark runner. For each minibatch B: the local factors of B's
 * rows from the current global factors alone ({@link SplitPart#localStart}), then
 *
 * <pre>
 *   S &lt;- (1 - rho_t) S + rho_t (N / |B|) s(B),     the global factors from S
 * </pre>
 *
 * where s(B) are B's row statistics and N / |B| scales them to the whole data set. The global
 * factors' natural parameters are the prior's plus a function of S that is linear in S, so this is
 * eta &lt;- (1 - rho_t) eta + rho_t (eta_0 + (N/|B|) stats(B)), Hoffman et al.'s natural-gradient step,
 * wherever that function's coefficients do not depend on other global factors (mixtures, LDA, the
 * regressions' and PPCA's loadings given the noise); where they do (PPCA's noise reads the loadings),
 * it is the same step on the expected sufficient statistics (online EM's, Cappe and Moulines 2009).
 * With one batch holding all the data and rho = 1, a step is a batch sweep.
 *
 * <p>The first batch starts as {@code fit} starts ({@code options.init()}: k-means++ or random
 * locals) and its statistics, scaled, are the first S. After the epochs, one more pass over the
 * data (local factors only, the globals fixed) gives the whole data's ELBO, which the result reports.
 */
public final class StochasticFit {
  private StochasticFit() {}

  /** A step's progress: epoch, step, units seen so far, the batch's scaled ELBO estimate. */
  public interface Listener {
    void step(long epoch, long step, long units, double elboEstimate);

    /**
     * Whether {@link #step} wants the batch's ELBO estimate (and the result's trace its value per
     * step): an ELBO evaluation per step, for LDA as costly as the global update; if not, NaN.
     */
    default boolean estimates() {
      return true;
    }

    /**
     * After step {@code step}'s global update: {@code driver} holds the new global factors
     * ({@link SplitPart#globals()}, or {@link SplitPart#result} for a posterior); read, not changed.
     */
    default void updated(long step, SplitPart driver) {}

    /**
     * The end of an epoch: the held-out bound per unit (row or group), the ELBO's terms in the
     * held-out data with the global factors fixed, divided by their units; NaN without held-out data.
     */
    default void epoch(long epoch, long steps, double heldOutPerUnit) {}
  }

  /** Held-out data: batches (called afresh for each evaluation) and their units. */
  public record HeldOut(java.util.function.Supplier<Iterator<Map<String, Object>>> batches, long units) {}

  /** Fits from {@code options.init()}'s start on the first batch. */
  public static FitResult run(SplitModel model, RowSource source, StochasticOptions so, FitOptions options,
      Listener listener) {
    return run(model, source, null, so, options, listener);
  }

  /**
   * Fits from the global factors {@code start} (a part's {@link SplitPart#globals()} of the same
   * model and sizes), or, if null, from {@code options.init()}'s start on the first batch.
   */
  public static FitResult run(SplitModel model, RowSource source, double[] start, StochasticOptions so,
      FitOptions options, Listener listener) {
    return run(model, source, start, null, so, options, listener);
  }

  /** {@link #run(SplitModel, RowSource, double[], StochasticOptions, FitOptions, Listener)} with held-out data. */
  public static FitResult run(SplitModel model, RowSource source, double[] start, HeldOut heldOut,
      StochasticOptions so, FitOptions options, Listener listener) {
    long total = source.units();
    if (total < 1) {
      throw new IllegalArgumentException("the data have no rows");
    }
    SplitModel sized = model.withSizes(source.categories());
    boolean grouped = sized.columns().stream().anyMatch(SplitModel.Column::group);
    FitOptions random = options.withInit(FitOptions.Init.RANDOM);
    SplitPart driver = null;
    SplitModel pinned = null;
    double[] s = null;
    long step = 0;
    long seen = 0;
    double[] trace = new double[64];
    for (int epoch = 0; epoch < so.epochs(); epoch++) {
      Iterator<Map<String, Object>> batches = source.batches(epoch);
      while (batches.hasNext()) {
        Map<String, Object> batch = batches.next();
        long units = units(sized, batch, grouped);
        double scale = (double) total / units;
        double[] stats;
        if (driver == null && start == null) {
          driver = sized.part(batch);
          pinned = driver.pinned();
          stats = driver.start(options.seed(), options);
        } else if (driver == null) {
          driver = sized.part(batch);
          pinned = driver.pinned();
          driver.start(options.seed(), random);
          driver.globals(start);
          stats = driver.localStart();
        } else {
          stats = pinned.part(batch).startFrom(driver.globals(), options.seed() + step, random);
        }
        step++;
        seen += units;
        double rho = step == 1 ? 1.0 : so.step(step - 1);
        if (s == null) {
          s = new double[stats.length];
        }
        for (int i = 0; i < s.length; i++) {
          s[i] = (1 - rho) * s[i] + rho * scale * stats[i];
        }
        driver.statistics(s);
        double estimate = step == 1 && start == null || listener != null && !listener.estimates() ? Double.NaN
            : driver.elbo((int) Math.min(step, Integer.MAX_VALUE));
        if (step > trace.length) {
          trace = Arrays.copyOf(trace, trace.length * 2);
        }
        trace[(int) step - 1] = estimate;
        if (listener != null) {
          listener.step(epoch, step, seen, estimate);
        }
        driver.updateGlobals();
        if (listener != null) {
          listener.updated(step, driver);
        }
      }
      if (listener != null && driver != null) {
        listener.epoch(epoch, step, heldOut == null ? Double.NaN
            : heldOutBound(sized, pinned, driver.globals(), heldOut, options.withInit(FitOptions.Init.RANDOM)));
      }
    }
    if (driver == null) {
      throw new IllegalArgumentException("the data have no rows");
    }
    // the whole data's ELBO: the local factors of every batch from the final global factors
    driver.statistics(startAll(source.batches(0), sized, pinned, driver.globals(), random).sum());
    double elbo = driver.elbo((int) Math.min(step + 1, Integer.MAX_VALUE));
    double[] out = Arrays.copyOf(trace, (int) step + 1);
    out[(int) step] = elbo;
    return driver.result(out, (int) step + 1, true);
  }

  /**
   * The ELBO's terms in the held-out data per unit, the globals fixed: the ELBO is affine in the
   * row statistics given the globals, so its value at the held-out statistics less its value at
   * zero statistics (the global factors' own terms) is the held-out data's bound.
   */
  static double heldOutBound(SplitModel sized, SplitModel pinned, double[] globals, HeldOut heldOut,
      FitOptions random) {
    Pass pass = startAll(heldOut.batches().get(), sized, pinned, globals, random);
    SplitPart probe = pass.first();
    if (probe == null) {
      return Double.NaN;
    }
    double[] sum = pass.sum();
    probe.globals(globals);
    probe.statistics(sum);
    double with = probe.elbo(1);
    probe.statistics(new double[sum.length]);
    double without = probe.elbo(1);
    return (with - without) / heldOut.units();
  }

  /** The summed row statistics of a pass, and its first part (null, with a null sum, if it had no batch). */
  private record Pass(double[] sum, SplitPart first) {}

  /**
   * A part per batch of {@code batches}, each started from {@code globals} with {@code random}'s
   * seed (the local factors from the globals alone), and their row statistics summed.
   */
  private static Pass startAll(Iterator<Map<String, Object>> batches, SplitModel sized, SplitModel pinned,
      double[] globals, FitOptions random) {
    boolean grouped = sized.columns().stream().anyMatch(SplitModel.Column::group);
    double[] sum = null;
    SplitPart first = null;
    while (batches.hasNext()) {
      Map<String, Object> batch = batches.next();
      units(sized, batch, grouped);
      SplitPart part = pinned.part(batch);
      double[] st = part.startFrom(globals, random.seed(), random);
      sum = sum == null ? st : SplitPart.add(sum, st);
      if (first == null) {
        first = part;
      }
    }
    return new Pass(sum, first);
  }

  /** The batch's units (rows, or groups), after numbering its groups from 0. */
  private static long units(SplitModel model, Map<String, Object> batch, boolean grouped) {
    int groups = SplitRows.renumberGroups(model, batch);
    if (grouped) {
      return groups;
    }
    Object first = batch.values().iterator().next();
    return java.lang.reflect.Array.getLength(first);
  }
}
