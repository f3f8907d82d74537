package dev.vmodel.runtime.fit;

import java.util.Map;

/** What every generated model's fit returns, beside its typed posterior accessors. */
public interface FitResult {
  /** The final evidence lower bound, a lower bound on ln p(data). */
  double elbo();

  /** The ELBO after every sweep of the best restart. */
  double[] elboTrace();

  /** Sweeps run in the best restart. */
  int iterations();

  /** Whether the relative ELBO change fell below the tolerance before the iteration limit. */
  boolean converged();

  /** Every factor's posterior by latent name, for tools: distribution name, parameters, moments. */
  Map<String, Posterior> posteriors();

  /** A generic view of one factor: its family, parameters and per-coordinate mean and sd. */
  record Posterior(String family, int elements, Map<String, double[]> parameters, double[] mean, double[] sd) {}
}
