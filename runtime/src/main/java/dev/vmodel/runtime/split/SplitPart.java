package dev.vmodel.runtime.split;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;

/**
 * One part of a split fit (see {@link SplitModel}): the rows of one block with their local
 * factors, or, on the driver, the holder of the global factors. A sweep is
 *
 * <ol>
 *   <li>on the driver, {@link #updateGlobals()} from the statistics of the last local pass;
 *   <li>on every part, {@link #globals(double[])} with the driver's {@link #globals()}, then
 *       {@link #localPass()}: the local factors' updates over the part's rows, returning the row
 *       statistics (sums over its rows);
 *   <li>on the driver, {@link #statistics(double[])} with the parts' statistics added up
 *       ({@link #add}), then {@link #elbo(int)}.
 * </ol>
 *
 * The generated {@code sweep} of a single-JVM fit calls the same update methods in the same order,
 * so a split fit over any number of parts follows the single-JVM fit up to the order in which
 * floating-point sums are added.
 */
public interface SplitPart {
  /** The global factors' parameters and moments, flat: what the driver sends to the parts. */
  double[] globals();

  /** Sets the global factors to {@code values} (from {@link #globals()} of a part of the same model). */
  void globals(double[] values);

  /**
   * Starts this part as {@code fit} starts (global factors at their priors, local factors from
   * {@code options.init()} drawn with {@code seed}) and returns its row statistics.
   */
  double[] start(long seed, FitOptions options);

  /**
   * Updates the local factors of this part's rows given the global factors, and returns the row
   * statistics the global updates and the ELBO read: the row count first, then sums over the rows.
   */
  double[] localPass();

  /**
   * Sets the local factors from the global factors alone, not from the locals' current values (for
   * a model whose local updates read other locals, as LDA's topic proportions read its
   * responsibilities: the groups' factors at their prior, then their rounds), and returns the row
   * statistics. For other models the same as {@link #localPass()}. A fit from given global factors
   * starts with it, so that the start does not depend on how the rows are split.
   */
  double[] localStart();

  /**
   * A fresh part started from the global factors {@code globals} ({@link #globals()} of a part of
   * the same model and sizes): the same as {@code start(seed, options.withInit(RANDOM))}, {@code
   * globals(globals)}, then {@link #localStart()}, and returns its row statistics; generated parts
   * skip the start's passes over the global factors, which are set from {@code globals} anyway
   * (stochastic VI starts a part per minibatch: for LDA, K x V digammas each).
   */
  default double[] startFrom(double[] globals, long seed, FitOptions options) {
    start(seed, options.withInit(FitOptions.Init.RANDOM));
    globals(globals);
    return localStart();
  }

  /** Sets the row statistics, summed over all parts ({@link #add}), on the driver. */
  void statistics(double[] summed);

  /** The global factors' updates in the plan's schedule, from the current row statistics. */
  void updateGlobals();

  /**
   * The ELBO right after a local pass whose statistics were set, with every constant; throws
   * {@link ArithmeticException} naming the factor if sweep {@code sweep} broke down numerically.
   */
  double elbo(int sweep);

  /**
   * The model with this part's sizes and hyperparameters, leaving unset only the sizes that rows
   * bind: the model every other part of the same fit is made with.
   */
  SplitModel pinned();

  /** The number of rows this part holds. */
  long rows();

  /**
   * The fit's global posterior as the generated {@code Result} (as a saved posterior loads:
   * global factors only), with the ELBO trace.
   */
  FitResult result(double[] trace, int iterations, boolean converged);

  /** Adds {@code from} into {@code into} element by element and returns {@code into}. */
  static double[] add(double[] into, double[] from) {
    if (into.length != from.length) {
      throw new IllegalArgumentException("row statistics of different lengths: " + into.length + " and "
          + from.length + " (parts of different models or sizes)");
    }
    for (int i = 0; i < into.length; i++) {
      into[i] += from[i];
    }
    return into;
  }
}
