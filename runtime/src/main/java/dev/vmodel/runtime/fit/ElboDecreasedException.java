package dev.vmodel.runtime.fit;

/**
 * Thrown in check mode when a factor update lowers the ELBO: coordinate ascent never does, so
 * this is a bug in a derived update (or numerical trouble), and the message names the factor.
 */
public final class ElboDecreasedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ElboDecreasedException(String factor, int iteration, double before, double after) {
    super(String.format(java.util.Locale.ROOT,
        "ELBO decreased from %.17g to %.17g (by %.3g) after updating q(%s) in sweep %d",
        before, after, before - after, factor, iteration));
  }
}
