package dev.vmodel.bench.compare;

import dev.vmodel.bench.data.Npy;
import dev.vmodel.bench.gen.LDA;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitPart;
import dev.vmodel.runtime.stochastic.CsvRows;
import dev.vmodel.runtime.stochastic.StochasticFit;
import dev.vmodel.runtime.stochastic.StochasticOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The vmodel side of bench/svi_lda.sh: stochastic VI of the generated LDA ({@code examples/lda.vmodel})
 * streamed from a long-format CSV, as {@code vmodel fit --svi} runs it, with the topics' Dirichlet
 * parameters (K x V) written at wall-time checkpoints for one held-out evaluation of both sides.
 *
 * <pre>
 * java -cp "bench/target/classes:bench/target/lib/*" dev.vmodel.bench.compare.LdaSvi TRAIN.csv OUT_DIR K ALPHA ETA
 *     BATCH TAU0 KAPPA THREADS SECONDS...
 * </pre>
 *
 * The clock runs from the first step (the CSV's counting pass, as scikit-learn's loading of its
 * matrix, is set-up) and is stopped while a checkpoint is written; each checkpoint is the last
 * global update at or after its time. Writes {@code OUT_DIR/vmodel-<SECONDS as given>.npy} and prints one
 * line per checkpoint: seconds, steps, documents seen.
 */
public final class LdaSvi {
  private LdaSvi() {}

  /** Thrown by the listener after the last checkpoint: the run stops there. */
  private static final class Done extends RuntimeException {
    Done() {
      super(null, null, false, false);
    }
  }

  public static void main(String[] a) throws IOException {
    if (a.length < 10) {
      System.err.println("usage: LdaSvi TRAIN.csv OUT_DIR K ALPHA ETA BATCH TAU0 KAPPA THREADS SECONDS...");
      System.exit(2);
    }
    Path train = Path.of(a[0]);
    Path out = Path.of(a[1]);
    int k = Integer.parseInt(a[2]);
    double alpha = Double.parseDouble(a[3]);
    double eta = Double.parseDouble(a[4]);
    int batch = Integer.parseInt(a[5]);
    double tau0 = Double.parseDouble(a[6]);
    double kappa = Double.parseDouble(a[7]);
    int threads = Integer.parseInt(a[8]);
    String[] labels = Arrays.copyOfRange(a, 9, a.length);
    Arrays.sort(labels, java.util.Comparator.comparingDouble(Double::parseDouble));
    double[] checkpoints = Arrays.stream(labels).mapToDouble(Double::parseDouble).toArray();
    Files.createDirectories(out);
    LDA model = LDA.builder().K(k).alpha(alpha).eta(eta).build();
    long c0 = System.nanoTime();
    CsvRows rows = new CsvRows(model, train, batch, 1);
    System.err.printf(Locale.ROOT, "vmodel: %d documents (%d tokens) in %d batches of %d; counting pass %.1f s%n",
        rows.units(), rows.rows(), rows.batchCount(), batch, (System.nanoTime() - c0) / 1e9);
    StochasticOptions so = new StochasticOptions(batch, tau0, kappa, 1000);
    FitOptions options = FitOptions.defaults().withSeed(1).withThreads(threads);
    long[] clock = {System.nanoTime(), 0}; // start, nanoseconds paused
    int[] next = {0};
    StochasticFit.Listener listener = new StochasticFit.Listener() {
      long units;

      @Override
      public void step(long epoch, long step, long units, double estimate) {
        this.units = units;
      }

      @Override
      public boolean estimates() {
        return false;
      }

      @Override
      public void updated(long step, SplitPart driver) {
        long now = System.nanoTime();
        double seconds = (now - clock[0] - clock[1]) / 1e9;
        if (seconds < checkpoints[next[0]]) {
          return;
        }
        FitResult r = driver.result(new double[] {Double.NaN}, 1, false);
        double[] lambda = r.posteriors().get("phi").parameters().get("alpha");
        try {
          Npy.writeDoubles(out.resolve("vmodel-" + labels[next[0]] + ".npy"), lambda,
              k, lambda.length / k);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        System.out.printf(Locale.ROOT, "vmodel checkpoint %s s: %.2f s, %d steps, %d documents%n",
            labels[next[0]], seconds, step, units);
        System.out.flush();
        clock[1] += System.nanoTime() - now;
        next[0]++;
        if (next[0] == checkpoints.length) {
          throw new Done();
        }
      }
    };
    try {
      StochasticFit.run(model, rows, so, options, listener);
      System.err.println("vmodel: the epochs ended before the last checkpoint");
      System.exit(1);
    } catch (Done d) {
      // the last checkpoint is written
    }
  }
}
