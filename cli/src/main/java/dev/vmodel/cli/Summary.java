package dev.vmodel.cli;

import dev.vmodel.cli.data.Table;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.BetaPosterior;
import dev.vmodel.runtime.posterior.CategoricalPosterior;
import dev.vmodel.runtime.posterior.LogisticBound;
import dev.vmodel.runtime.posterior.SoftmaxBound;
import dev.vmodel.runtime.posterior.DirichletPosterior;
import dev.vmodel.runtime.posterior.GammaPosterior;
import dev.vmodel.runtime.posterior.Interval;
import dev.vmodel.runtime.posterior.InvGammaPosterior;
import dev.vmodel.runtime.posterior.MultiNormalPosterior;
import dev.vmodel.runtime.posterior.NormalGammaPosterior;
import dev.vmodel.runtime.posterior.NormalPosterior;
import dev.vmodel.runtime.posterior.NormalWishartPosterior;
import dev.vmodel.runtime.posterior.WishartPosterior;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The human-readable fit report: a table per factor with posterior mean, sd and a central 95%
 * interval for every scalar and vector entry, and mean matrices for matrix factors. Factors with
 * up to {@link #ALL_SHOWN} elements (eight schools' theta) are shown in full, local (per-datum)
 * ones included; of larger ones the first elements, all of them being in the JSON output.
 */
final class Summary {
  /** Elements of a global factor, and coordinates of a vector, shown before eliding the rest. */
  static final int SHOWN = 12;

  /** A factor with up to this many elements is shown in full, a local (per-row) one too. */
  static final int ALL_SHOWN = 20;

  /** Elements of a larger local factor shown before eliding the rest. */
  static final int LOCAL_SHOWN = 5;

  private Summary() {}

  static void print(PrintWriter out, UpdatePlan plan, GeneratedApi api, Fitted r, String modelFile,
      List<Table> tables, double seconds) {
    List<String> sources = new ArrayList<>();
    for (Table t : tables) {
      sources.add(t.file() + " (" + t.rows() + " rows)");
    }
    out.printf(Locale.ROOT, "%s  (%s; data %s)%n", plan.graph().name(), modelFile, String.join(", ", sources));
    out.printf(Locale.ROOT, "%s after %d sweeps in %.3f s; ELBO = %.6f%n%n",
        r.converged() ? "converged" : "NOT converged (raise --iters or --tol)", r.iterations(), seconds, r.elbo());
    for (GeneratedApi.Accessor a : api.factors().values()) {
      factor(out, api, r.generated(), a);
    }
  }

  /**
   * The summary of a split fit's result (vmodel fit --spark, --svi): the global factors; the local
   * and group factors stayed with the parts.
   */
  static void printGlobals(PrintWriter out, UpdatePlan plan, GeneratedApi api, Fitted r, String modelFile,
      String data, double seconds) {
    out.printf(Locale.ROOT, "%s  (%s; data %s)%n", plan.graph().name(), modelFile, data);
    if (data.endsWith("stochastic VI") || data.endsWith("stochastic VI on Spark")) {
      out.printf(Locale.ROOT, "%d steps in %.3f s; the whole data's ELBO = %.6f%n%n", r.iterations() - 1, seconds,
          r.elbo());
    } else {
      out.printf(Locale.ROOT, "%s after %d sweeps in %.3f s; ELBO = %.6f%n%n",
          r.converged() ? "converged" : "NOT converged (raise --iters or --tol)", r.iterations(), seconds, r.elbo());
    }
    for (GeneratedApi.Accessor a : api.factors().values()) {
      FitResult.Posterior p = r.posteriors().get(a.members().size() == 1 ? a.members().get(0)
          : String.join(", ", a.members()));
      if (a.local() || p == null || p.elements() == 0) {
        out.printf(Locale.ROOT, "q(%s) ~ %s: %s factors, not kept (one per row or group of the data)%n%n",
            String.join(", ", a.members()), a.family(), a.local() ? "local" : "per-group");
        continue;
      }
      factor(out, api, r.generated(), a);
    }
  }

  private static void factor(PrintWriter out, GeneratedApi api, FitResult r, GeneratedApi.Accessor a) {
    List<Integer> sizes = new ArrayList<>();
    long elements = 1;
    for (Dim d : a.elementDims()) {
      int n = dimValue(d, api, r);
      sizes.add(n);
      elements *= n;
    }
    String name = String.join(", ", a.members());
    String over = a.elementDims().isEmpty() ? "" : (a.chain() ? ", one structured factor over " : ", one per ")
        + String.join(" x ", a.elementDims().stream().map(Dim::text).toList());
    // Up to ALL_SHOWN elements are all shown; of more, the first few (fewer of local factors,
    // one per data row, than of global ones).
    long shown = elements <= ALL_SHOWN ? elements : a.local() ? LOCAL_SHOWN : SHOWN;
    out.printf(Locale.ROOT, "q(%s) ~ %s%s%s%n", name, a.family(), over,
        a.chain() ? String.format(Locale.ROOT, ": the marginals of its %d steps", elements)
            : a.local() ? String.format(Locale.ROOT, ": %d local factors", elements) : "");
    out.printf(Locale.ROOT, "  %-22s %12s %12s %12s %12s%n", "", "mean", "sd", "2.5%", "97.5%");
    for (long e = 0; e < shown; e++) {
      int[] idx = index(e, sizes);
      Object post = invoke(r, a.method(), idx);
      String label = idx.length == 0 ? "" : indexText(idx);
      rows(out, a.members(), label, post);
    }
    if (shown < elements) {
      out.printf(Locale.ROOT, "  ... %d more elements (all in --out / --format json)%n", elements - shown);
    }
    out.println();
  }

  /** The index of the {@code e}-th element (row-major) of an array with these sizes. */
  static int[] index(long e, List<Integer> sizes) {
    return dev.vmodel.runtime.fit.PredictionRecords.index(e, sizes);
  }

  /** {@code mu[2], Lambda[2]}: the members of a factor at an element index. */
  static String label(List<String> members, int[] idx) {
    String text = idx.length == 0 ? "" : indexText(idx);
    return String.join(", ", members.stream().map(m -> m + text).toList());
  }

  private static void rows(PrintWriter out, List<String> members, String label, Object post) {
    String m0 = members.get(0);
    if (post instanceof NormalPosterior p) {
      row(out, m0 + label, p.mean(), p.sd(), p.interval95());
    } else if (post instanceof GammaPosterior p) {
      row(out, m0 + label, p.mean(), p.sd(), p.interval95());
    } else if (post instanceof InvGammaPosterior p) {
      row(out, m0 + label, p.mean(), p.sd(), p.interval95());
    } else if (post instanceof BetaPosterior p) {
      row(out, m0 + label, p.mean(), p.sd(), p.interval95());
    } else if (post instanceof DirichletPosterior p) {
      for (int k = 0; k < Math.min(p.size(), SHOWN); k++) {
        row(out, m0 + append(label, k), p.mean(k), p.sd(k), p.interval95(k));
      }
      elide(out, p.size());
    } else if (post instanceof MultiNormalPosterior p) {
      for (int i = 0; i < Math.min(p.dim(), SHOWN); i++) {
        row(out, m0 + append(label, i), p.mean(i), p.sd(i), p.interval95(i));
      }
      elide(out, p.dim());
    } else if (post instanceof CategoricalPosterior p) {
      for (int k = 0; k < Math.min(p.size(), SHOWN); k++) {
        row(out, "P(" + m0 + label + " = " + k + ")", p.probability(k), Double.NaN, null);
      }
      elide(out, p.size());
    } else if (post instanceof WishartPosterior p) {
      matrix(out, "E[" + m0 + label + "]", p.mean(), p.D());
    } else if (post instanceof NormalWishartPosterior p) {
      double[] mean = p.meanMu();
      int d = p.dim();
      double[] cov;
      try {
        cov = p.covarianceMu();
      } catch (IllegalStateException infinite) {
        cov = null; // nu <= D + 1: the marginal of mu has no finite covariance
      }
      for (int i = 0; i < Math.min(d, SHOWN); i++) {
        row(out, m0 + append(label, i), mean[i], cov == null ? Double.POSITIVE_INFINITY : Math.sqrt(cov[i * d + i]),
            null);
      }
      elide(out, d);
      matrix(out, "E[" + members.get(1) + label + "]", p.lambda().mean(), d);
    } else if (post instanceof NormalGammaPosterior p) {
      row(out, m0 + label, p.muMean(), Math.sqrt(p.muVariance()), null);
      row(out, members.get(1) + label, p.tau().mean(), p.tau().sd(), p.tau().interval95());
    } else if (post instanceof LogisticBound p) {
      // a point (a bound's parameter): its value in the mean column
      row(out, m0 + label, p.xi(), Double.NaN, null);
    } else if (post instanceof SoftmaxBound p) {
      double[] psi = p.psi();
      for (int k = 0; k < Math.min(psi.length, SHOWN); k++) {
        row(out, m0 + append(label, k), psi[k], Double.NaN, null);
      }
      elide(out, psi.length);
    } else {
      out.println("  " + label + " " + post);
    }
  }

  private static void elide(PrintWriter out, int n) {
    if (n > SHOWN) {
      out.printf(Locale.ROOT, "  ... %d more entries (see --out)%n", n - SHOWN);
    }
  }

  private static void row(PrintWriter out, String name, double mean, double sd, Interval ci) {
    out.printf(Locale.ROOT, "  %-22s %12s %12s %12s %12s%n", name, num(mean), num(sd),
        ci == null ? "-" : num(ci.lower()), ci == null ? "-" : num(ci.upper()));
  }

  private static void matrix(PrintWriter out, String name, double[] m, int d) {
    out.printf(Locale.ROOT, "  %s =%n", name);
    for (int i = 0; i < Math.min(d, SHOWN); i++) {
      StringBuilder b = new StringBuilder("    [");
      for (int j = 0; j < Math.min(d, SHOWN); j++) {
        b.append(j == 0 ? "" : ", ").append(num(m[i * d + j]));
      }
      out.println(b.append(d > SHOWN ? ", ...]" : "]"));
    }
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-3 || a >= 1e6)) {
      return String.format(Locale.ROOT, "%.4e", v);
    }
    return String.format(Locale.ROOT, "%.6f", v);
  }

  private static String indexText(int[] idx) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < idx.length; i++) {
      b.append(i == 0 ? "" : ",").append(idx[i]);
    }
    return b.append("]").toString();
  }

  private static String append(String label, int i) {
    return label.isEmpty() ? "[" + i + "]" : label.substring(0, label.length() - 1) + "][" + i + "]";
  }

  static int dimValue(Dim d, GeneratedApi api, Object r) {
    if (d instanceof Dim.Fixed f) {
      return f.n();
    }
    String size = ((Dim.Named) d).size();
    String method = "size" + Character.toUpperCase(api.sizes().get(size).method().charAt(0))
        + api.sizes().get(size).method().substring(1);
    return (Integer) invoke(r, method, new int[0]);
  }

  static Object invoke(Object target, String method, int[] idx) {
    try {
      Class<?>[] types = new Class<?>[idx.length];
      Object[] args = new Object[idx.length];
      for (int i = 0; i < idx.length; i++) {
        types[i] = int.class;
        args[i] = idx[i];
      }
      return target.getClass().getMethod(method, types).invoke(target, args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("generated result has no accessor " + method, e);
    }
  }
}
