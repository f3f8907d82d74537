package dev.vmodel.runtime.fit;

/**
 * How a generated model fits: iteration limit, convergence tolerance, seed, random restarts,
 * initialisation and a per-sweep listener. Immutable; the {@code with...} methods return copies.
 *
 * <p>Convergence: the fit stops when the ELBO's relative change over one sweep,
 * |L_t - L_{t-1}| / max(1, |L_t|), falls below {@code tolerance}. With {@code checkMonotone},
 * a decrease of the ELBO beyond 1e-9 relative after any factor update throws
 * {@link ElboDecreasedException} naming the factor (a debugging aid: it computes the ELBO after
 * every factor update). {@code threads} sets how many threads the element loops of local
 * factors use (see {@link #withThreads}); the result does not depend on it.
 */
public final class FitOptions {
  /** How the local factors (responsibilities and the like) start. */
  public enum Init {
    /** Random responsibilities / random draws around the prior. */
    RANDOM,
    /**
     * The default. Mixtures of real vectors: k-means (greedy k-means++ seeding and Lloyd's
     * iterations on a sample of the rows, {@link KMeansPlusPlus}), each row's responsibility on
     * its nearest centre. Models with per-group locals whose rows are not real vectors (LDA): the
     * global factors the responsibilities read drawn around their prior ({@link PseudoCounts}),
     * and the locals from them.
     */
    KMEANS_PLUS_PLUS
  }

  /** The default of {@link #withLocalIterations}. */
  public static final int DEFAULT_LOCAL_ITERATIONS = 10;

  private final int maxIterations;
  private final double tolerance;
  private final long seed;
  private final int restarts;
  private final Init init;
  private final SweepListener listener;
  private final boolean checkMonotone;
  private final int threads;
  private final int localIterations;
  private final boolean localRestarts;

  private FitOptions(int maxIterations, double tolerance, long seed, int restarts, Init init,
      SweepListener listener, boolean checkMonotone, int threads, int localIterations, boolean localRestarts) {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be at least 1, got " + maxIterations);
    }
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
    }
    if (restarts < 1) {
      throw new IllegalArgumentException("restarts must be at least 1, got " + restarts);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (localIterations < 1) {
      throw new IllegalArgumentException("localIterations must be at least 1, got " + localIterations);
    }
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
    this.seed = seed;
    this.restarts = restarts;
    this.init = init;
    this.listener = listener;
    this.checkMonotone = checkMonotone;
    this.threads = threads;
    this.localIterations = localIterations;
    this.localRestarts = localRestarts;
  }

  /**
   * 1000 sweeps (every bundled example converges within them; LDA needs 599), tolerance 1e-8,
   * seed 0, one start, k-means++ initialisation, no listener, one thread per available processor.
   */
  public static FitOptions defaults() {
    return new FitOptions(1000, 1e-8, 0, 1, Init.KMEANS_PLUS_PLUS, null, false,
        Runtime.getRuntime().availableProcessors(), DEFAULT_LOCAL_ITERATIONS, true);
  }

  public FitOptions withMaxIterations(int n) {
    return new FitOptions(n, tolerance, seed, restarts, init, listener, checkMonotone,
        threads, localIterations, localRestarts);
  }

  public FitOptions withTolerance(double t) {
    return new FitOptions(maxIterations, t, seed, restarts, init, listener, checkMonotone,
        threads, localIterations, localRestarts);
  }

  public FitOptions withSeed(long s) {
    return new FitOptions(maxIterations, tolerance, s, restarts, init, listener, checkMonotone,
        threads, localIterations, localRestarts);
  }

  public FitOptions withRestarts(int r) {
    return new FitOptions(maxIterations, tolerance, seed, r, init, listener, checkMonotone,
        threads, localIterations, localRestarts);
  }

  public FitOptions withInit(Init i) {
    return new FitOptions(maxIterations, tolerance, seed, restarts, i, listener, checkMonotone,
        threads, localIterations, localRestarts);
  }

  public FitOptions withListener(SweepListener l) {
    return new FitOptions(maxIterations, tolerance, seed, restarts, init, l, checkMonotone,
        threads, localIterations, localRestarts);
  }

  public FitOptions withCheckMonotone(boolean c) {
    return new FitOptions(maxIterations, tolerance, seed, restarts, init, listener, c,
        threads, localIterations, localRestarts);
  }

  /**
   * How many threads the element loops of local factors (responsibilities q(z[n]), latent
   * vectors q(h[n]), ...) run on; 1 runs them sequentially on the calling thread. The elements
   * are split into fixed chunks of {@link Chunks#SIZE} whatever the thread count, so the fit is
   * bitwise the same for any value. Default: {@code Runtime.availableProcessors()}.
   */
  public FitOptions withThreads(int t) {
    return new FitOptions(maxIterations, tolerance, seed, restarts, init, listener, checkMonotone,
        t, localIterations, localRestarts);
  }

  public int maxIterations() {
    return maxIterations;
  }

  public double tolerance() {
    return tolerance;
  }

  public long seed() {
    return seed;
  }

  public int restarts() {
    return restarts;
  }

  public Init init() {
    return init;
  }

  public SweepListener listener() {
    return listener;
  }

  public boolean checkMonotone() {
    return checkMonotone;
  }

  public int threads() {
    return threads;
  }

  /**
   * Models with per-group local factors (LDA's q(theta[d]) and its tokens' q(z[t]); {@code vmodel
   * explain}'s schedule says whether a model has them): after the global factors' updates, each
   * sweep runs the locals of every group with the globals fixed, from where they are for one round
   * and from a restart (see {@link #withLocalRestarts}) until the rows' log-normalisers change by
   * less than 1e-6 relative or for at most {@code n} rounds (without restarts: the run from where they are gets
   * the {@code n} rounds). 1 without restarts gives the plain schedule (one update of each factor
   * per sweep). Default {@value #DEFAULT_LOCAL_ITERATIONS}.
   */
  public FitOptions withLocalIterations(int n) {
    return new FitOptions(maxIterations, tolerance, seed, restarts, init, listener, checkMonotone, threads, n,
        localRestarts);
  }

  /**
   * Models with per-group local factors: whether sweeps also run every group's locals from a
   * restart (the group factors at their prior), keeping per group the run with the higher bound
   * (so the ELBO never decreases). While restarts gain no more than the tolerance (relative to
   * the locals' bound) they run every 2, 4, ... up to 32 sweeps; one that gains more makes them
   * run every sweep again. Default true.
   */
  public FitOptions withLocalRestarts(boolean r) {
    return new FitOptions(maxIterations, tolerance, seed, restarts, init, listener, checkMonotone, threads,
        localIterations, r);
  }

  public int localIterations() {
    return localIterations;
  }

  public boolean localRestarts() {
    return localRestarts;
  }
}
