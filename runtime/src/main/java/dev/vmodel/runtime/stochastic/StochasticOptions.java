package dev.vmodel.runtime.stochastic;

/**
 * The knobs of stochastic variational inference (Hoffman, Blei, Wang and Paisley, JMLR 2013): the
 * step of the t-th minibatch is {@code rho_t = (t + tau0)^-kappa}, the minibatch holds {@code
 * batchSize} rows (groups, for a model with a group column), and the fit makes {@code epochs}
 * passes over the data. Defaults: batch 1000, tau0 = 10, kappa = 0.7, 5 epochs (scikit-learn's
 * online LDA's learning_offset and learning_decay, from Hoffman, Blei and Bach 2010); kappa in
 * (0.5, 1] makes the steps satisfy Robbins-Monro's conditions. kappa = 0 (every step 1) is allowed
 * for tests: with one batch holding all the data, a step is then a batch sweep.
 */
public record StochasticOptions(int batchSize, double tau0, double kappa, int epochs) {
  public StochasticOptions {
    if (batchSize < 1) {
      throw new IllegalArgumentException("the batch size must be at least 1, got " + batchSize);
    }
    if (!(tau0 >= 0) || Double.isInfinite(tau0)) {
      throw new IllegalArgumentException("tau0 must be a non-negative number, got " + tau0);
    }
    if (!(kappa == 0 || kappa > 0.5 && kappa <= 1)) {
      throw new IllegalArgumentException("kappa must be in (0.5, 1] (the steps then sum to infinity and their"
          + " squares do not), got " + kappa);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("the number of epochs must be at least 1, got " + epochs);
    }
  }

  public static StochasticOptions defaults() {
    return new StochasticOptions(1000, 10.0, 0.7, 5);
  }

  public StochasticOptions withBatchSize(int b) {
    return new StochasticOptions(b, tau0, kappa, epochs);
  }

  public StochasticOptions withTau0(double t) {
    return new StochasticOptions(batchSize, t, kappa, epochs);
  }

  public StochasticOptions withKappa(double k) {
    return new StochasticOptions(batchSize, tau0, k, epochs);
  }

  public StochasticOptions withEpochs(int e) {
    return new StochasticOptions(batchSize, tau0, kappa, e);
  }

  /** The step of the t-th update (t = 1, 2, ...): (t + tau0)^-kappa. */
  public double step(long t) {
    return Math.pow(t + tau0, -kappa);
  }
}
