package dev.vmodel.runtime.split;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import java.io.PrintWriter;

/**
 * A place to run a split fit that the command line finds with {@link java.util.ServiceLoader}
 * when its jar is on the class path ({@code vmodel fit --spark} uses the one named {@code spark},
 * from vmodel-spark), so that the command line itself does not depend on it.
 */
public interface SplitBackend {
  /** The backend's name, as the command line's option names it ({@code spark}). */
  String name();

  /**
   * Fits {@code model} to the rows at {@code data} (a file, directory or URI the backend reads),
   * on {@code master} (the backend's own address of where to run; empty for its default) and
   * returns the fit's global posterior. Progress and notes go to {@code log}.
   *
   * @throws dev.vmodel.runtime.fit.DataException if the data do not fit the model
   * @throws IllegalArgumentException if {@code data} cannot be read
   */
  FitResult fit(SplitModel model, String data, String master, FitOptions options, PrintWriter log);

  /**
   * Stochastic VI ({@link dev.vmodel.runtime.stochastic.StochasticFit}) of {@code model} over
   * minibatches of the rows at {@code data}, read by the backend a part at a time (never whole);
   * with {@code holdout} in (0, 0.5], that fraction of the batches is held out and scored after
   * each epoch ({@code listener}'s {@code epoch}). What is read is described on {@code log}.
   *
   * @throws dev.vmodel.runtime.fit.DataException if the data do not fit the model
   * @throws IllegalArgumentException if {@code data} cannot be read
   * @throws UnsupportedOperationException if the backend cannot stream rows
   */
  default FitResult fitStochastic(SplitModel model, String data, String master,
      dev.vmodel.runtime.stochastic.StochasticOptions stochastic, FitOptions options, double holdout,
      dev.vmodel.runtime.stochastic.StochasticFit.Listener listener, PrintWriter log) {
    throw new UnsupportedOperationException("the " + name() + " backend does not stream rows for stochastic VI");
  }
}
