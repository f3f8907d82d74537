package dev.vmodel.bench.harness;

import dev.vmodel.runtime.fit.FitOptions;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.SplittableRandom;

/**
 * One fit's state of a generated model class, driven sweep by sweep.
 *
 * <p>The generated public API only offers {@code fit(data, options)}, which runs whole fits and
 * always computes the ELBO after every sweep. To time one sweep, the ELBO separately, and to
 * start from given responsibilities, this reaches into the generated private nested class
 * {@code State}: its constructor {@code State(Model, Data)}, {@code init(SplittableRandom,
 * FitOptions)}, {@code sweep(int, boolean)}, {@code elbo()} and its arrays (fields named
 * {@code q<Latent><Param>} and {@code e<Latent><Statistic>}). That is exactly what
 * {@code fit} does, without the restarts loop. If code generation renames these, the
 * constructor of this class fails with a message saying what it did not find; see
 * docs/performance.md for the public API that would make this class unnecessary.
 */
public final class GeneratedState {
  private final Object state;
  private final Class<?> stateClass;
  private final Method init;
  private final Method sweep;
  private final Method elbo;
  /** {@code elboAfterSweep()}, where the generated code has it (looked up once: JMH times {@link #elbo}). */
  private final Method elboAfterSweep;
  private int iteration;

  private GeneratedState(Object state, Class<?> stateClass, Method init, Method sweep, Method elbo,
      Method elboAfterSweep) {
    this.state = state;
    this.stateClass = stateClass;
    this.init = init;
    this.sweep = sweep;
    this.elbo = elbo;
    this.elboAfterSweep = elboAfterSweep;
  }

  /** Validates and copies the data as {@code fit} does; nothing is initialised yet. */
  public static GeneratedState of(Object model, Object data) {
    Class<?> modelClass = model.getClass();
    Class<?> stateClass = null;
    for (Class<?> c : modelClass.getDeclaredClasses()) {
      if (c.getSimpleName().equals("State")) {
        stateClass = c;
      }
    }
    if (stateClass == null) {
      throw new UnsupportedOperationException(modelClass.getName()
          + " has no nested class State: the generated code changed; update " + GeneratedState.class.getName());
    }
    try {
      Constructor<?> ctor = stateClass.getDeclaredConstructor(modelClass, data.getClass());
      Method init = stateClass.getDeclaredMethod("init", SplittableRandom.class, FitOptions.class);
      Method sweep = stateClass.getDeclaredMethod("sweep", int.class, boolean.class);
      Method elbo = stateClass.getDeclaredMethod("elbo");
      ctor.setAccessible(true);
      init.setAccessible(true);
      sweep.setAccessible(true);
      elbo.setAccessible(true);
      Method afterSweep = null;
      for (Method m : stateClass.getDeclaredMethods()) {
        if (m.getName().equals("elboAfterSweep") && m.getParameterCount() == 0) {
          afterSweep = m;
          afterSweep.setAccessible(true);
        }
      }
      return new GeneratedState(ctor.newInstance(model, data), stateClass, init, sweep, elbo, afterSweep);
    } catch (NoSuchMethodException e) {
      throw new UnsupportedOperationException(modelClass.getName()
          + ".State lacks " + e.getMessage() + ": the generated code changed; update " + GeneratedState.class.getName(), e);
    } catch (InvocationTargetException e) {
      throw rethrow(e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Globals at their priors, locals at random (the generated initialisation), on one thread
   * (the iterates do not depend on the thread count).
   */
  public GeneratedState init(long seed) {
    return init(seed, 1);
  }

  /** {@link #init(long)}, the sweeps then running their row loops on {@code threads} threads. */
  public GeneratedState init(long seed, int threads) {
    invoke(init, new SplittableRandom(seed), FitOptions.defaults().withSeed(seed).withThreads(threads));
    iteration = 0;
    return this;
  }

  /** One sweep of coordinate ascent, without the ELBO. */
  public void sweep() {
    invoke(sweep, ++iteration, false);
  }

  /**
   * The ELBO of the current state as {@code fit} computes it after every sweep: right after a
   * sweep, {@code elboAfterSweep()} where the generated code has it (the fused update's
   * log-normalisers, no pass over the rows), else {@code elbo()}.
   */
  public double elbo() {
    if (iteration > 0 && elboAfterSweep != null) {
      return (double) invoke(elboAfterSweep);
    }
    return fullElbo();
  }

  /** The ELBO recomputed from all its terms ({@code elbo()} of the generated state). */
  public double fullElbo() {
    return (double) invoke(elbo);
  }

  /**
   * Runs one private no-argument method of the state, such as one factor's update
   * ({@code updatePi}); for timing the parts of a sweep separately.
   */
  public void call(String method) {
    result(method);
  }

  /** {@link #call} of a method that returns a double, such as {@code elboAfterSweep}. */
  public double callDouble(String method) {
    return (double) result(method);
  }

  private Object result(String method) {
    try {
      Method m = stateClass.getDeclaredMethod(method);
      m.setAccessible(true);
      return invoke(m);
    } catch (NoSuchMethodException e) {
      throw new UnsupportedOperationException(stateClass.getName() + " has no method " + method
          + "(): the generated code changed; update " + GeneratedState.class.getName(), e);
    }
  }

  /** Whether the state has a private no-argument method of this name. */
  public boolean has(String method) {
    try {
      stateClass.getDeclaredMethod(method);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** Sweeps run since {@link #init}. */
  public int iterations() {
    return iteration;
  }

  /** A double[] field of the state (a factor's parameters or moments, or the data). */
  public double[] doubles(String field) {
    try {
      Field f = stateClass.getDeclaredField(field);
      f.setAccessible(true);
      return (double[]) f.get(state);
    } catch (NoSuchFieldException e) {
      throw new UnsupportedOperationException(stateClass.getName() + " has no field " + field
          + ": the generated code changed; update " + GeneratedState.class.getName(), e);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sets the responsibilities of the categorical local {@code latent} (rows x K, row-major): its
   * parameters {@code q<Latent>P} and its moments {@code e<Latent>Onehot}. Call after
   * {@link #init}; the next sweep then starts from them.
   */
  public void setResponsibilities(String latent, double[] r) {
    String cap = Character.toUpperCase(latent.charAt(0)) + latent.substring(1);
    double[] p = doubles("q" + cap + "P");
    double[] e = doubles("e" + cap + "Onehot");
    if (p.length != r.length || e.length != r.length) {
      throw new IllegalArgumentException("responsibilities of " + latent + " have " + p.length
          + " entries in the model, " + r.length + " given");
    }
    System.arraycopy(r, 0, p, 0, r.length);
    if (e != p) {
      // (generated code since the fused update keeps E[onehot] in the p array itself)
      System.arraycopy(r, 0, e, 0, r.length);
    }
    // The fused generated code keeps row statistics of q(z) that the next sweep's global updates read.
    if (has("statistics")) {
      call("statistics");
    }
  }

  private Object invoke(Method m, Object... args) {
    try {
      return m.invoke(state, args);
    } catch (InvocationTargetException e) {
      throw rethrow(e);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RuntimeException rethrow(InvocationTargetException e) {
    Throwable c = e.getCause();
    if (c instanceof RuntimeException r) {
      throw r;
    }
    if (c instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(c);
  }
}
