package dev.vmodel.bench.compare;

import dev.vmodel.bench.data.Synthetic;
import dev.vmodel.bench.gen.LDA;
import dev.vmodel.bench.harness.GeneratedState;
import dev.vmodel.runtime.SpecialFunctions;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * An experiment for the time-to-bound work (not a benchmark of record): the generated LDA's
 * single updates driven in other orders and from other starts, with the full ELBO against wall
 * time, on the corpus of the issue (2,000 documents, V = 5,000, 20 topics, alpha = 0.1,
 * eta = 0.05, about 160,000 tokens; one thread).
 *
 * <pre>
 * java -cp "bench/target/classes:bench/target/lib/*" dev.vmodel.bench.compare.LdaSchedules START SCHEDULE M SECONDS
 *   START    random | prior   (prior: q(phi) pseudo-counts drawn from Gamma(100, 1/100), as
 *                             scikit-learn starts, then the locals first)
 *   SCHEDULE sweep | inner | reset
 *            sweep: (theta, z) then phi, z: the generated sweep, m = 1
 *            inner: (theta, z) M times per phi update, the locals carried over
 *            reset: the locals restarted from uniform responsibilities before each phi update,
 *                   then (theta, z) M times (scikit-learn's batch E-step; not monotone)
 * </pre>
 */
public final class LdaSchedules {
  private LdaSchedules() {}

  public static void main(String[] a) {
    if (a.length != 4) {
      System.err.println("usage: LdaSchedules random|prior sweep|inner|reset M SECONDS");
      System.exit(2);
    }
    String start = a[0];
    String schedule = a[1];
    int m = Integer.parseInt(a[2]);
    double seconds = Double.parseDouble(a[3]);
    int docs = 2000;
    int v = 5000;
    int k = 20;
    Synthetic.Corpus c = Synthetic.lda(docs, v, k, 50, 110, 7);
    int t = c.tokens();
    LDA model = LDA.builder().K(k).D(docs).V(v).alpha(0.1).eta(0.05).build();
    LDA.Data data = new LDA.Data().doc(c.doc()).w(c.word());
    long t0 = System.nanoTime();
    GeneratedState s = GeneratedState.of(model, data).init(1);
    if (start.equals("prior")) {
      double[] qa = s.doubles("qPhiAlpha");
      double[] lnPhi = s.doubles("ePhiLnx");
      SplittableRandom rng = new SplittableRandom(3);
      for (int i = 0; i < qa.length; i++) {
        qa[i] = gamma(rng, 100) / 100;
      }
      for (int topic = 0; topic < k; topic++) {
        double sum = 0;
        for (int w = 0; w < v; w++) {
          sum += qa[topic * v + w];
        }
        double psiSum = SpecialFunctions.digamma(sum);
        for (int w = 0; w < v; w++) {
          lnPhi[topic * v + w] = SpecialFunctions.digamma(qa[topic * v + w]) - psiSum;
        }
      }
      s.call("updateZ");
    }
    double[] uniform = new double[t * k];
    Arrays.fill(uniform, 1.0 / k);
    int iteration = 0;
    double next = 0;
    while (true) {
      double now = (System.nanoTime() - t0) / 1e9;
      if (now >= next || now > seconds) {
        System.out.printf(Locale.ROOT, "%s %s m=%d iteration %d  %.2f s  ELBO %.6e%n", start, schedule, m, iteration,
            now, s.fullElbo());
        next += seconds / 10;
        if (now > seconds) {
          break;
        }
      }
      switch (schedule) {
        case "sweep" -> {
          s.call("updateTheta");
          s.call("updatePhi");
          s.call("updateZ");
        }
        case "inner" -> {
          for (int i = 0; i < m; i++) {
            s.call("updateTheta");
            if (i == m - 1) {
              s.call("updatePhi");
            }
            s.call("updateZ");
          }
        }
        case "reset" -> {
          s.setResponsibilities("z", uniform);
          for (int i = 0; i < m; i++) {
            s.call("updateTheta");
            s.call("updateZ");
          }
          s.call("updatePhi");
        }
        default -> throw new IllegalArgumentException("schedule " + schedule);
      }
      iteration++;
    }
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang (shape >= 1). */
  private static double gamma(SplittableRandom rng, double shape) {
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
      double y = 1 + c * x;
      if (y <= 0) {
        continue;
      }
      y = y * y * y;
      if (Math.log(rng.nextDouble()) < 0.5 * x * x + d - d * y + d * Math.log(y)) {
        return d * y;
      }
    }
  }
}
