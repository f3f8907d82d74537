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
    /** Mixtures: centres chosen by k-means++ seeding on the data, hard responsibilities. */
    KMEANS_PLUS_PLUS
  }

  private final int maxIterations;
  private final double tolerance;
  private final long seed;
  private final int restarts;
  private final Init init;
  private final SweepListener listener;
  private final boolean checkMonotone;
  private final int threads;

  private FitOptions(int maxIterations, double tolerance, long seed, int restarts, Init init,
      SweepListener listener, boolean checkMonotone, int threads) {
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
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
    this.seed = seed;
    this.restarts = restarts;
    this.init = init;
    this.listener = listener;
    this.checkMonotone = checkMonotone;
    this.threads = threads;
  }

  /**
   * 1000 sweeps (every bundled example converges within them; LDA needs 599), tolerance 1e-8,
   * seed 0, one start, k-means++ initialisation, no listener, one thread per available processor.
   */
  public static FitOptions defaults() {
    return new FitOptions(1000, 1e-8, 0, 1, Init.KMEANS_PLUS_PLUS, null, false,
        Runtime.getRuntime().availableProcessors());
  }

  public FitOptions withMaxIterations(int n) {
    return new FitOptions(n, tolerance, seed, restarts, init, listener, checkMonotone, threads);
  }

  public FitOptions withTolerance(double t) {
    return new FitOptions(maxIterations, t, seed, restarts, init, listener, checkMonotone, threads);
  }

  public FitOptions withSeed(long s) {
    return new FitOptions(maxIterations, tolerance, s, restarts, init, listener, checkMonotone, threads);
  }

  public FitOptions withRestarts(int r) {
    return new FitOptions(maxIterations, tolerance, seed, r, init, listener, checkMonotone, threads);
  }

  public FitOptions withInit(Init i) {
    return new FitOptions(maxIterations, tolerance, seed, restarts, i, listener, checkMonotone, threads);
  }

  public FitOptions withListener(SweepListener l) {
    return new FitOptions(maxIterations, tolerance, seed, restarts, init, l, checkMonotone, threads);
  }

  public FitOptions withCheckMonotone(boolean c) {
    return new FitOptions(maxIterations, tolerance, seed, restarts, init, listener, c, threads);
  }

  /**
   * How many threads the element loops of local factors (responsibilities q(z[n]), latent
   * vectors q(h[n]), ...) run on; 1 runs them sequentially on the calling thread. The elements
   * are split into fixed chunks of {@link Chunks#SIZE} whatever the thread count, so the fit is
   * bitwise the same for any value. Default: {@code Runtime.availableProcessors()}.
   */
  public FitOptions withThreads(int t) {
    return new FitOptions(maxIterations, tolerance, seed, restarts, init, listener, checkMonotone, t);
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
}
