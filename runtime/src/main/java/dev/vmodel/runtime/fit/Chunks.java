package dev.vmodel.runtime.fit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Runs the element loop of a local factor's update in fixed chunks, on up to {@code threads}
 * threads. Generated code calls {@link #forEach}; each chunk gets its index, so that it can use
 * its own natural-parameter workspace.
 *
 * <p>The chunks are {@link #SIZE} elements each (the last one shorter), whatever the thread
 * count, and an element's update reads only other factors' moments and writes only its own
 * element: the result is bitwise the same for any number of threads. If chunks throw, the
 * exception of the lowest-numbered one is rethrown (the one a sequential loop would have met
 * first).
 */
public final class Chunks {
  /** Elements per chunk. Independent of the thread count, so that results are too. */
  public static final int SIZE = 4096;

  /** One pool per thread count, shared by all fits; its workers are daemon threads. */
  private static final ConcurrentHashMap<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

  private Chunks() {
  }

  /** The body of a chunked loop: updates elements {@code from} to {@code to - 1}. */
  @FunctionalInterface
  public interface Body {
    void run(int chunk, int from, int to);
  }

  /** The number of chunks of {@code n} elements (at least 1, so that workspaces exist when n = 0). */
  public static int count(int n) {
    return Math.max(1, (n + SIZE - 1) / SIZE);
  }

  /**
   * Runs {@code body} on every chunk of {@code 0..n-1}: in order on the calling thread if
   * {@code threads <= 1} or there is a single chunk, else on a pool of {@code threads} threads.
   */
  public static void forEach(int threads, int n, Body body) {
    int chunks = (n + SIZE - 1) / SIZE;
    if (threads <= 1 || chunks <= 1) {
      for (int c = 0; c < chunks; c++) {
        body.run(c, c * SIZE, Math.min(n, (c + 1) * SIZE));
      }
      return;
    }
    RuntimeException[] failed = new RuntimeException[chunks];
    Error[] errors = new Error[chunks];
    pool(threads).invoke(new Range(body, n, 0, chunks, failed, errors));
    for (int c = 0; c < chunks; c++) {
      if (errors[c] != null) {
        throw errors[c];
      }
      if (failed[c] != null) {
        throw failed[c];
      }
    }
  }

  private static ForkJoinPool pool(int threads) {
    return POOLS.computeIfAbsent(threads, t -> new ForkJoinPool(t, pool -> {
      var w = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      w.setDaemon(true);
      w.setName("vmodel-chunks-" + t + "-" + w.getPoolIndex());
      return w;
    }, null, false));
  }

  /** Chunks {@code lo..hi-1}, split in halves down to one chunk per task. */
  private static final class Range extends RecursiveAction {
    private static final long serialVersionUID = 1L;

    private final transient Body body;
    private final int n;
    private final int lo;
    private final int hi;
    private final RuntimeException[] failed;
    private final Error[] errors;

    Range(Body body, int n, int lo, int hi, RuntimeException[] failed, Error[] errors) {
      this.body = body;
      this.n = n;
      this.lo = lo;
      this.hi = hi;
      this.failed = failed;
      this.errors = errors;
    }

    @Override
    protected void compute() {
      if (hi - lo > 1) {
        int mid = (lo + hi) >>> 1;
        ForkJoinTask.invokeAll(new Range(body, n, lo, mid, failed, errors),
            new Range(body, n, mid, hi, failed, errors));
        return;
      }
      try {
        body.run(lo, lo * SIZE, Math.min(n, (lo + 1) * SIZE));
      } catch (RuntimeException e) {
        failed[lo] = e;
      } catch (Error e) {
        errors[lo] = e;
      }
    }
  }
}
