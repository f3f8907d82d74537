package dev.vmodel.cli;

import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.fit.SweepListener;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code vmodel fit}'s coordinate ascent sweep by sweep through the generated class's
 * {@code start(data, options)} session, which is {@code fit}'s loop bit for bit (same seeds per
 * restart, same sweeps, same stopping rule), so that:
 *
 * <ul>
 *   <li>the ELBO trace grows as the fit goes: {@code --iters 1000000000} allocates nothing up
 *       front (the generated {@code fit} allocates {@code maxIterations} doubles);
 *   <li>a fit that breaks down numerically stops at the sweep where its ELBO stops being a finite
 *       number, and every restart's final posterior is checked, so that no non-finite ELBO and
 *       no parameter a posterior cannot have is ever reported as a result ({@link Breakdown}
 *       names the factor);
 *   <li>the caller learns the last relative change of the ELBO, for the warning when the
 *       iteration limit stops a fit before it converged.
 * </ul>
 */
final class SessionFit {
  private SessionFit() {}

  /** Typed posterior accessors checked per factor: beyond this, only the generic finiteness check runs. */
  static final int CHECKED_ELEMENTS = 10_000;

  /** A fit that broke down: {@link #getMessage()} names the sweep and the factor. */
  static final class Breakdown extends Exception {
    private static final long serialVersionUID = 1L;

    Breakdown(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The best of {@code restarts} fits from seeds {@code seed}, {@code seed + 1}, ...
   *
   * @throws InvocationTargetException what the generated code threw (bad data, a matrix that is
   *     not positive definite)
   */
  static Fitted run(Object model, Class<?> dataClass, Object data, FitOptions options, SweepListener listener,
      GeneratedApi api) throws ReflectiveOperationException, Breakdown {
    return run(model, dataClass, data, null, options, listener, api);
  }

  /**
   * {@link #run(Object, Class, Object, FitOptions, SweepListener, GeneratedApi)} from a previous
   * fit's posterior {@code prior} (a generated {@code Result}; null: from the model's priors),
   * through the generated {@code start(data, options, prior)}.
   */
  static Fitted run(Object model, Class<?> dataClass, Object data, Object prior, FitOptions options,
      SweepListener listener, GeneratedApi api) throws ReflectiveOperationException, Breakdown {
    Method start = prior == null ? model.getClass().getMethod("start", dataClass, FitOptions.class)
        : model.getClass().getMethod("start", dataClass, FitOptions.class, prior.getClass());
    Fitted best = null;
    for (int restart = 0; restart < options.restarts(); restart++) {
      FitOptions seeded = options.withSeed(options.seed() + restart);
      Object session = prior == null ? start.invoke(model, data, seeded) : start.invoke(model, data, seeded, prior);
      Method sweep = session.getClass().getMethod("sweep");
      Method result = session.getClass().getMethod("result");
      double previous = Double.NEGATIVE_INFINITY;
      double change = Double.POSITIVE_INFINITY;
      boolean converged = false;
      for (int it = 1; ; it++) {
        double elbo;
        try {
          elbo = (Double) sweep.invoke(session);
        } catch (InvocationTargetException e) {
          if (e.getCause() instanceof ArithmeticException broke) {
            // The generated sweep checks that its ELBO is finite and names the factor that broke down.
            throw new Breakdown((options.restarts() > 1 ? "in restart " + restart + ": " : "") + broke.getMessage());
          }
          throw e;
        }
        if (listener != null) {
          listener.sweep(restart, it, elbo);
        }
        double scale = Math.max(1.0, Math.abs(elbo));
        change = Math.abs(elbo - previous) / scale;
        if (Math.abs(elbo - previous) <= options.tolerance() * scale) {
          converged = true;
          break;
        }
        previous = elbo;
        if (it >= options.maxIterations()) {
          break;
        }
      }
      FitResult r = (FitResult) result.invoke(session);
      String culprit = problem(r, api);
      if (culprit != null) {
        throw new Breakdown("the fit broke down numerically" + (options.restarts() > 1 ? " in restart " + restart : "")
            + ": " + culprit);
      }
      Fitted f = new Fitted(r, converged, change);
      if (best == null || f.elbo() > best.elbo()) {
        best = f;
      }
    }
    return best;
  }

  /**
   * The first factor whose posterior is not a distribution, as {@code q(theta[3]): <what is
   * wrong>}, or null. Each factor's typed accessor (which checks its family's parameter domain:
   * positive shapes, a positive definite scale) is asked for up to {@link #CHECKED_ELEMENTS}
   * elements, and every parameter and mean of every element must be finite.
   */
  static String problem(FitResult r, GeneratedApi api) {
    for (GeneratedApi.Accessor a : api.factors().values()) {
      String p = typedProblem(r, api, a);
      if (p != null) {
        return p;
      }
    }
    for (Map.Entry<String, FitResult.Posterior> e : r.posteriors().entrySet()) {
      FitResult.Posterior post = e.getValue();
      for (Map.Entry<String, double[]> q : post.parameters().entrySet()) {
        String p = nonFinite(e.getKey(), "parameter " + q.getKey(), q.getValue());
        if (p != null) {
          return p;
        }
      }
      String p = nonFinite(e.getKey(), "mean", post.mean());
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private static String nonFinite(String factor, String what, double[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        return "q(" + factor + ") has " + what + (values.length > 1 ? " entry " + i : "") + " = " + values[i];
      }
    }
    return null;
  }

  private static String typedProblem(FitResult r, GeneratedApi api, GeneratedApi.Accessor a) {
    List<Integer> sizes = new ArrayList<>();
    long elements = 1;
    for (Dim d : a.elementDims()) {
      int n = Summary.dimValue(d, api, r);
      sizes.add(n);
      elements *= n;
    }
    Class<?>[] types = new Class<?>[sizes.size()];
    java.util.Arrays.fill(types, int.class);
    Method accessor;
    try {
      accessor = r.getClass().getMethod(a.method(), types);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("generated result has no accessor " + a.method(), e);
    }
    for (long e = 0; e < Math.min(elements, CHECKED_ELEMENTS); e++) {
      int[] idx = Summary.index(e, sizes);
      Object[] args = new Object[idx.length];
      for (int i = 0; i < idx.length; i++) {
        args[i] = idx[i];
      }
      try {
        accessor.invoke(r, args);
      } catch (InvocationTargetException ex) {
        if (ex.getCause() instanceof IllegalArgumentException bad) {
          return "q(" + Summary.label(a.members(), idx) + "): " + bad.getMessage();
        }
        if (ex.getCause() instanceof RuntimeException other) {
          // e.g. a factorisation of a matrix that is no longer positive definite
          return "q(" + Summary.label(a.members(), idx) + "): its posterior cannot be formed (" + other + ")";
        }
        throw new IllegalStateException("accessor " + a.method() + " failed", ex.getCause());
      } catch (IllegalAccessException ex) {
        throw new IllegalStateException(ex);
      }
    }
    return null;
  }
}
