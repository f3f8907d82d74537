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
    forEach(threads, n, count(n), body);
  }

  /** At most this many blocks for loops that keep partial sums per block (see {@link #blocks}). */
  public static final int MAX_BLOCKS = 32;

  /** Doubles of per-block partial sums that {@link #blocks} allows in all (64 MiB). */
  public static final long BLOCK_BUDGET = 8L << 20;

  /**
   * How many blocks a loop over {@code n} elements that keeps {@code partials} doubles of
   * partial sums per block runs in: at most one per chunk, at most {@link #MAX_BLOCKS}, and
   * few enough that all blocks' partial sums fit in {@link #BLOCK_BUDGET} doubles (1 if even one
   * block exceeds it), and at most 8 partial sums per element, but 2 blocks if there are 2
   * chunks. A pure function of the sizes, never of the thread count, so that sums
   * added per block and then in block order are bitwise the same for any number of threads.
   */
  public static int blocks(int n, long partials) {
    long byBudget = partials <= 0 ? MAX_BLOCKS : BLOCK_BUDGET / partials;
    // Adding up the blocks should cost little beside the pass: at most 8 partial sums per element
    // (LDA's word-topic counts are V x K per block), though 2 blocks are always allowed.
    long byWork = partials <= 0 ? MAX_BLOCKS : Math.max(2, 8L * n / partials);
    return (int) Math.max(1, Math.min(Math.min(count(n), MAX_BLOCKS), Math.min(byBudget, byWork)));
  }

  /** The elements per block when {@code 0..n-1} is cut into {@code blocks} blocks of whole chunks. */
  public static int blockLength(int n, int blocks) {
    int chunksPerBlock = (count(n) + blocks - 1) / Math.max(1, blocks);
    return chunksPerBlock * SIZE;
  }

  /**
   * Runs {@code body} on {@code 0..n-1} cut into at most {@code blocks} blocks of whole chunks
   * ({@link #blockLength}); {@code body} gets the block's index. In order on the calling thread
   * if {@code threads <= 1} or there is one block, else on a pool of {@code threads} threads.
   */
  public static void forEach(int threads, int n, int blocks, Body body) {
    int len = blockLength(n, blocks);
    int chunks = (n + len - 1) / len;
    if (threads <= 1 || chunks <= 1) {
      for (int c = 0; c < chunks; c++) {
        body.run(c, c * len, Math.min(n, (c + 1) * len));
      }
      return;
    }
    RuntimeException[] failed = new RuntimeException[chunks];
    Error[] errors = new Error[chunks];
    pool(threads).invoke(new Range(body, n, len, 0, chunks, failed, errors));
    for (int c = 0; c < chunks; c++) {
      if (errors[c] != null) {
        throw errors[c];
      }
      if (failed[c] != null) {
        throw failed[c];
      }
    }
  }

  /**
   * Runs {@code body(b, b, b + 1)} for every block {@code b < blocks}, in order on the calling
   * thread if {@code threads <= 1}, else on a pool of {@code threads} threads: for loops whose
   * blocks the caller cuts itself (a Markov chain's update runs whole chains per block). As with
   * {@link #forEach}, the exception of the lowest-numbered failing block is rethrown.
   */
  public static void forEachBlock(int threads, int blocks, Body body) {
    if (threads <= 1 || blocks <= 1) {
      for (int b = 0; b < blocks; b++) {
        body.run(b, b, b + 1);
      }
      return;
    }
    RuntimeException[] failed = new RuntimeException[blocks];
    Error[] errors = new Error[blocks];
    pool(threads).invoke(new Range(body, blocks, 1, 0, blocks, failed, errors));
    for (int b = 0; b < blocks; b++) {
      if (errors[b] != null) {
        throw errors[b];
      }
      if (failed[b] != null) {
        throw failed[b];
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
    private final int len;
    private final int lo;
    private final int hi;
    private final RuntimeException[] failed;
    private final Error[] errors;

    Range(Body body, int n, int len, int lo, int hi, RuntimeException[] failed, Error[] errors) {
      this.body = body;
      this.n = n;
      this.len = len;
      this.lo = lo;
      this.hi = hi;
      this.failed = failed;
      this.errors = errors;
    }

    @Override
    protected void compute() {
      if (hi - lo > 1) {
        int mid = (lo + hi) >>> 1;
        ForkJoinTask.invokeAll(new Range(body, n, len, lo, mid, failed, errors),
            new Range(body, n, len, mid, hi, failed, errors));
        return;
      }
      try {
        body.run(lo, lo * len, Math.min(n, (lo + 1) * len));
      } catch (RuntimeException e) {
        failed[lo] = e;
      } catch (Error e) {
        errors[lo] = e;
      }
    }
  }
}
