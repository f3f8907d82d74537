package dev.vmodel.spark;

import dev.vmodel.runtime.SpecialFunctions;
import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.fit.FitResult.Posterior;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.split.SplitPart;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Hand-written models that split, standing in for generated ones: each implements {@link
 * SplitModel} and {@link SplitPart} as the generated code does (globals flat, row statistics with
 * the row count first, the ELBO right after a local pass).
 */
final class TestModels {
  private TestModels() {}

  private static final double LN_2PI = Math.log(2 * Math.PI);

  /** A fit's result: the trace and every factor's means. */
  record Result(double elbo, double[] elboTrace, int iterations, boolean converged, Map<String, Posterior> posteriors)
      implements FitResult {}

  static Result result(double[] trace, int iterations, boolean converged, Map<String, Posterior> posteriors) {
    return new Result(trace.length == 0 ? Double.NaN : trace[trace.length - 1], trace, iterations, converged,
        posteriors);
  }

  static Posterior normal(double[] m, double[] s2) {
    double[] sd = new double[m.length];
    for (int i = 0; i < sd.length; i++) {
      sd[i] = Math.sqrt(s2[i]);
    }
    return new Posterior("Normal", m.length, Map.of("mean", m.clone(), "variance", s2.clone()), m.clone(), sd);
  }

  /** E[ln N(mu | 0, v0)] - E[ln q(mu)] for q(mu) = N(m, s2). */
  static double normalKl(double m, double s2, double v0) {
    return -0.5 * Math.log(2 * Math.PI * v0) - (m * m + s2) / (2 * v0) + 0.5 * Math.log(2 * Math.PI * Math.E * s2);
  }

  static double[] realColumn(Map<String, Object> arrays, String name) {
    Object a = arrays.get(name);
    if (!(a instanceof double[] x)) {
      throw new DataException(name, -1, -1, a == null ? "missing" : "not a double[]");
    }
    if (x.length == 0) {
      throw new DataException(name, -1, -1, "no rows");
    }
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) {
        throw new DataException(name, i, -1, "not finite: " + x[i]);
      }
    }
    return x;
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * x[n] ~ 1/2 Normal(mu[0], 1) + 1/2 Normal(mu[1], 1), mu[k] ~ Normal(0, 10^2): local q(z[n])
   * (responsibilities), global q(mu[k]) Normal. Statistics: [rows, R0, R1, sum r0 x, sum r1 x,
   * sum of the rows' log-normalisers]; globals [m0, s2_0, m1, s2_1].
   */
  static final class Mixture implements SplitModel {
    private static final long serialVersionUID = 1L;
    static final double PRIOR_VARIANCE = 100;

    @Override
    public List<Column> columns() {
      return List.of(new Column("x", false, false, -1, false, null, false));
    }

    @Override
    public SplitPart part(Map<String, Object> arrays) {
      return new Part(realColumn(arrays, "x"));
    }

    @Override
    public SplitModel withSizes(Map<String, Integer> sizes) {
      return this;
    }

    final class Part implements SplitPart {
      final double[] x;
      final double[] m = new double[2];
      final double[] s2 = new double[2];
      final double[][] r;
      double[] stats;

      Part(double[] x) {
        this.x = x;
        this.r = new double[x.length][2];
      }

      @Override
      public double[] globals() {
        return new double[] {m[0], s2[0], m[1], s2[1]};
      }

      @Override
      public void globals(double[] v) {
        m[0] = v[0];
        s2[0] = v[1];
        m[1] = v[2];
        s2[1] = v[3];
      }

      @Override
      public double[] start(long seed, FitOptions options) {
        Arrays.fill(m, 0);
        Arrays.fill(s2, PRIOR_VARIANCE);
        SplittableRandom random = new SplittableRandom(seed);
        for (double[] rn : r) {
          rn[0] = random.nextDouble();
          rn[1] = 1 - rn[0];
        }
        return statistics(0);
      }

      private double[] statistics(double lnZ) {
        double[] s = new double[6];
        s[0] = x.length;
        for (int n = 0; n < x.length; n++) {
          s[1] += r[n][0];
          s[2] += r[n][1];
          s[3] += r[n][0] * x[n];
          s[4] += r[n][1] * x[n];
        }
        s[5] = lnZ;
        return s;
      }

      @Override
      public double[] localPass() {
        double lnZ = 0;
        for (int n = 0; n < x.length; n++) {
          double a0 = Math.log(0.5) - 0.5 * LN_2PI - 0.5 * (x[n] * x[n] - 2 * x[n] * m[0] + m[0] * m[0] + s2[0]);
          double a1 = Math.log(0.5) - 0.5 * LN_2PI - 0.5 * (x[n] * x[n] - 2 * x[n] * m[1] + m[1] * m[1] + s2[1]);
          double max = Math.max(a0, a1);
          double z = max + Math.log(Math.exp(a0 - max) + Math.exp(a1 - max));
          r[n][0] = Math.exp(a0 - z);
          r[n][1] = Math.exp(a1 - z);
          lnZ += z;
        }
        return statistics(lnZ);
      }

      @Override
      public double[] localStart() {
        return localPass();
      }

      @Override
      public void statistics(double[] summed) {
        stats = summed.clone();
      }

      @Override
      public void updateGlobals() {
        for (int k = 0; k < 2; k++) {
          s2[k] = 1 / (1 / PRIOR_VARIANCE + stats[1 + k]);
          m[k] = s2[k] * stats[3 + k];
        }
      }

      @Override
      public double elbo(int sweep) {
        return stats[5] + normalKl(m[0], s2[0], PRIOR_VARIANCE) + normalKl(m[1], s2[1], PRIOR_VARIANCE);
      }

      @Override
      public SplitModel pinned() {
        return Mixture.this;
      }

      @Override
      public long rows() {
        return x.length;
      }

      @Override
      public FitResult result(double[] trace, int iterations, boolean converged) {
        return TestModels.result(trace, iterations, converged, Map.of("mu", normal(m, s2)));
      }
    }
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * x[n] ~ MultiNormal(mu, I) with D = the vector's length (a literal width, or a size taken from
   * the data), mu[d] ~ Normal(0, 10^2); no local factors. Statistics: [rows, sum x[.][0..D-1],
   * sum |x|^2]; globals [m[0..D-1], s2].
   */
  static final class VectorMean implements SplitModel {
    private static final long serialVersionUID = 1L;
    static final double PRIOR_VARIANCE = 100;
    /** The literal width, or null to take it from the data. */
    final Integer literal;
    /** The size D where pinned, else null. */
    final Integer size;

    VectorMean(Integer literal, Integer size) {
      this.literal = literal;
      this.size = size;
    }

    @Override
    public List<Column> columns() {
      return List.of(new Column("x", false, true, literal == null ? -1 : literal, false, null, false));
    }

    @Override
    public SplitPart part(Map<String, Object> arrays) {
      Object a = arrays.get("x");
      if (!(a instanceof double[][] x) || x.length == 0) {
        throw new DataException("x", -1, -1, a == null ? "missing" : "no rows or not a double[][]");
      }
      int d = literal != null ? literal : size != null ? size : x[0].length;
      for (int n = 0; n < x.length; n++) {
        if (x[n].length != d) {
          throw new DataException("x", n, -1, "has " + x[n].length + " values, expected " + d);
        }
        for (int i = 0; i < d; i++) {
          if (!Double.isFinite(x[n][i])) {
            throw new DataException("x", n, i, "not finite");
          }
        }
      }
      return new Part(x, d);
    }

    @Override
    public SplitModel withSizes(Map<String, Integer> sizes) {
      return this;
    }

    final class Part implements SplitPart {
      final double[][] x;
      final int d;
      final double[] m;
      double s2;
      double[] stats;

      Part(double[][] x, int d) {
        this.x = x;
        this.d = d;
        this.m = new double[d];
      }

      @Override
      public double[] globals() {
        double[] g = Arrays.copyOf(m, d + 1);
        g[d] = s2;
        return g;
      }

      @Override
      public void globals(double[] v) {
        System.arraycopy(v, 0, m, 0, d);
        s2 = v[d];
      }

      @Override
      public double[] start(long seed, FitOptions options) {
        Arrays.fill(m, 0);
        s2 = PRIOR_VARIANCE;
        return localPass();
      }

      @Override
      public double[] localPass() {
        double[] s = new double[d + 2];
        s[0] = x.length;
        for (double[] xn : x) {
          for (int i = 0; i < d; i++) {
            s[1 + i] += xn[i];
            s[d + 1] += xn[i] * xn[i];
          }
        }
        return s;
      }

      @Override
      public double[] localStart() {
        return localPass();
      }

      @Override
      public void statistics(double[] summed) {
        stats = summed.clone();
      }

      @Override
      public void updateGlobals() {
        s2 = 1 / (1 / PRIOR_VARIANCE + stats[0]);
        for (int i = 0; i < d; i++) {
          m[i] = s2 * stats[1 + i];
        }
      }

      @Override
      public double elbo(int sweep) {
        double n = stats[0];
        double cross = 0;
        double mm = 0;
        double kl = 0;
        for (int i = 0; i < d; i++) {
          cross += m[i] * stats[1 + i];
          mm += m[i] * m[i];
          kl += normalKl(m[i], s2, PRIOR_VARIANCE);
        }
        return -0.5 * n * d * LN_2PI - 0.5 * (stats[d + 1] - 2 * cross + n * (mm + d * s2)) + kl;
      }

      @Override
      public SplitModel pinned() {
        return new VectorMean(literal, d);
      }

      @Override
      public long rows() {
        return x.length;
      }

      @Override
      public FitResult result(double[] trace, int iterations, boolean converged) {
        double[] v = new double[d];
        Arrays.fill(v, s2);
        return TestModels.result(trace, iterations, converged, Map.of("mu", normal(m, v)));
      }
    }
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * y[n] ~ Poisson(lambda) with missing values (-1) allowed, lambda ~ Gamma(1, 1); no local
   * factors. Statistics: [rows, observed rows, sum y, sum ln y!]; globals [a, b].
   */
  static final class Poisson implements SplitModel {
    private static final long serialVersionUID = 1L;

    @Override
    public List<Column> columns() {
      return List.of(new Column("y", true, false, -1, true, null, false));
    }

    @Override
    public SplitPart part(Map<String, Object> arrays) {
      Object a = arrays.get("y");
      if (!(a instanceof int[] y) || y.length == 0) {
        throw new DataException("y", -1, -1, a == null ? "missing" : "no rows or not an int[]");
      }
      for (int n = 0; n < y.length; n++) {
        if (y[n] < -1) {
          throw new DataException("y", n, -1, "a count must be 0 or more (or -1, missing), got " + y[n]);
        }
      }
      return new Part(y);
    }

    @Override
    public SplitModel withSizes(Map<String, Integer> sizes) {
      return this;
    }

    final class Part implements SplitPart {
      final int[] y;
      double a;
      double b;
      double[] stats;

      Part(int[] y) {
        this.y = y;
      }

      @Override
      public double[] globals() {
        return new double[] {a, b};
      }

      @Override
      public void globals(double[] v) {
        a = v[0];
        b = v[1];
      }

      @Override
      public double[] start(long seed, FitOptions options) {
        a = 1;
        b = 1;
        return localPass();
      }

      @Override
      public double[] localPass() {
        double[] s = new double[4];
        s[0] = y.length;
        for (int v : y) {
          if (v >= 0) {
            s[1]++;
            s[2] += v;
            s[3] += SpecialFunctions.lnGamma(v + 1.0);
          }
        }
        return s;
      }

      @Override
      public double[] localStart() {
        return localPass();
      }

      @Override
      public void statistics(double[] summed) {
        stats = summed.clone();
      }

      @Override
      public void updateGlobals() {
        a = 1 + stats[2];
        b = 1 + stats[1];
      }

      @Override
      public double elbo(int sweep) {
        double elog = SpecialFunctions.digamma(a) - Math.log(b);
        double mean = a / b;
        double like = stats[2] * elog - stats[1] * mean - stats[3];
        double prior = -mean; // ln Gamma(lambda | 1, 1)
        double entropy = a - Math.log(b) + SpecialFunctions.lnGamma(a) + (1 - a) * SpecialFunctions.digamma(a);
        return like + prior + entropy;
      }

      @Override
      public SplitModel pinned() {
        return Poisson.this;
      }

      @Override
      public long rows() {
        return y.length;
      }

      @Override
      public FitResult result(double[] trace, int iterations, boolean converged) {
        Map<String, double[]> p = new LinkedHashMap<>();
        p.put("shape", new double[] {a});
        p.put("rate", new double[] {b});
        return TestModels.result(trace, iterations, converged, Map.of("lambda",
            new FitResult.Posterior("Gamma", 1, p, new double[] {a / b}, new double[] {Math.sqrt(a) / b})));
      }
    }
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * Not a model to fit: it counts what the runner gave its parts. c[n] is a category in 0..K-1 (K
   * from all rows, {@link SplitModel#withSizes}), g[n] the row's group (renumbered 0, 1, ... per
   * part). Statistics: [rows, groups in the part, K, parts]; the result's "counts" mean holds them
   * summed over the parts.
   */
  static final class Counting implements SplitModel {
    private static final long serialVersionUID = 1L;
    final Integer k;

    Counting(Integer k) {
      this.k = k;
    }

    @Override
    public List<Column> columns() {
      return List.of(new Column("c", true, false, -1, false, "K", false),
          new Column("g", true, false, -1, false, "G", true));
    }

    @Override
    public SplitModel withSizes(Map<String, Integer> sizes) {
      return k != null ? this : new Counting(sizes.get("K"));
    }

    @Override
    public SplitPart part(Map<String, Object> arrays) {
      int[] c = (int[]) arrays.get("c");
      int[] g = (int[]) arrays.get("g");
      if (k == null) {
        throw new DataException("c", -1, -1, "the size K is unset");
      }
      int groups = 0;
      for (int n = 0; n < c.length; n++) {
        if (c[n] < 0 || c[n] >= k) {
          throw new DataException("c", n, -1, c[n] + " is not in 0.." + (k - 1));
        }
        if (g[n] > groups) {
          throw new DataException("g", n, -1, "groups not numbered in order of first appearance");
        }
        groups = Math.max(groups, g[n] + 1);
      }
      double[] stats = {c.length, groups, k, 1};
      return new SplitPart() {
        double[] summed;

        @Override
        public double[] globals() {
          return new double[0];
        }

        @Override
        public void globals(double[] values) {}

        @Override
        public double[] start(long seed, FitOptions options) {
          return stats.clone();
        }

        @Override
        public double[] localPass() {
          return stats.clone();
        }

        @Override
        public double[] localStart() {
          return stats.clone();
        }

        @Override
        public void statistics(double[] s) {
          summed = s.clone();
        }

        @Override
        public void updateGlobals() {}

        @Override
        public double elbo(int sweep) {
          return 0;
        }

        @Override
        public SplitModel pinned() {
          return Counting.this;
        }

        @Override
        public long rows() {
          return c.length;
        }

        @Override
        public FitResult result(double[] trace, int iterations, boolean converged) {
          return TestModels.result(trace, iterations, converged, Map.of("counts",
              new Posterior("Counts", 4, Map.of(), summed.clone(), new double[4])));
        }
      };
    }
  }
}
