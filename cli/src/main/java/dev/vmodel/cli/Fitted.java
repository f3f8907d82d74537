package dev.vmodel.cli;

import dev.vmodel.runtime.fit.FitResult;
import java.util.Map;

/**
 * A finished fit as {@code vmodel fit} reports it: the generated class's result (whose typed
 * accessors {@link Summary} calls), whether the ELBO met the tolerance, and its last relative
 * change, |L_t - L_{t-1}| / max(1, |L_t|).
 */
final class Fitted implements FitResult {
  private final FitResult generated;
  private final boolean converged;
  private final double lastChange;

  Fitted(FitResult generated, boolean converged, double lastChange) {
    this.generated = generated;
    this.converged = converged;
    this.lastChange = lastChange;
  }

  /** The generated {@code Result}, for its typed accessors. */
  FitResult generated() {
    return generated;
  }

  /** The ELBO's relative change over the last sweep (infinite after a single sweep). */
  double lastChange() {
    return lastChange;
  }

  @Override
  public double elbo() {
    return generated.elbo();
  }

  @Override
  public double[] elboTrace() {
    return generated.elboTrace();
  }

  @Override
  public int iterations() {
    return generated.iterations();
  }

  @Override
  public boolean converged() {
    return converged;
  }

  @Override
  public Map<String, Posterior> posteriors() {
    return generated.posteriors();
  }
}
