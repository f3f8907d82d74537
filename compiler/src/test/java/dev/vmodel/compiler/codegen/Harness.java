package dev.vmodel.compiler.codegen;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Drives a generated model class by reflection, the way a user drives it in Java: sizes and
 * hypers through {@code Builder}, arrays through the {@code Data} setters, {@code fit(data,
 * options)}, then the {@link FitResult} and the typed posterior accessors of {@code Result}.
 *
 * <p>Data setters take double[] / int[] / double[][] / int[][] by rank (integers for cat, int,
 * count and bool); {@link #data(Table)} fills each from the CSV columns named after it.
 */
final class Harness {
  private final Class<?> model;
  private final Object builder;

  private Harness(Class<?> model) {
    this.model = model;
    this.builder = call(model, "builder");
  }

  static Harness of(Class<?> model) {
    return new Harness(model);
  }

  /** Sets a size (int) or a scalar hyper (double) through the builder. */
  Harness set(String name, double value) {
    for (Method m : builder.getClass().getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == 1) {
        Class<?> p = m.getParameterTypes()[0];
        if (p == int.class) {
          invoke(m, builder, (int) value);
          return this;
        } else if (p == double.class) {
          invoke(m, builder, value);
          return this;
        }
      }
    }
    throw new AssertionError("no builder setter " + name + "(int|double) on " + model.getSimpleName());
  }

  /** Sets a vector or matrix hyper through the builder. */
  Harness set(String name, Object array) {
    call(builder, name, array);
    return this;
  }

  /** A new, empty {@code Data} of the model. */
  Object newData() {
    try {
      return nested("Data").getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** The Data setters: name and parameter type, in declaration order. */
  List<Method> dataSetters() {
    List<Method> out = new ArrayList<>();
    Class<?> data = nested("Data");
    for (Method m : data.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && m.getParameterCount() == 1 && m.getReturnType() == data) {
        out.add(m);
      }
    }
    return out;
  }

  /** A {@code Data} with every setter fed from the table's columns of the same name. */
  Object data(Table table) {
    Object data = newData();
    for (Method setter : dataSetters()) {
      List<String> columns = table.columnsOf(setter.getName());
      if (columns.isEmpty()) {
        throw new AssertionError("no column for data " + setter.getName() + " in " + table.header());
      }
      Class<?> t = setter.getParameterTypes()[0];
      Object value;
      if (t == double[].class) {
        value = columns.size() == 1 && columns.get(0).equals(setter.getName()) ? table.doubles(columns.get(0))
            : table.doubleRows(columns)[0];
      } else if (t == int[].class) {
        value = columns.size() == 1 && columns.get(0).equals(setter.getName()) ? table.ints(columns.get(0))
            : table.intRows(columns)[0];
      } else if (t == double[][].class) {
        value = table.doubleRows(columns);
      } else if (t == int[][].class) {
        value = table.intRows(columns);
      } else if (t == double.class) {
        value = table.doubles(columns.get(0))[0];
      } else if (t == int.class) {
        value = table.ints(columns.get(0))[0];
      } else {
        throw new AssertionError("unexpected data type " + t + " of " + setter.getName());
      }
      invoke(setter, data, value);
    }
    return data;
  }

  /** A {@code Data} from arrays by setter name. */
  Object data(Map<String, Object> arrays) {
    Object data = newData();
    arrays.forEach((name, value) -> call(data, name, value));
    return data;
  }

  /** Builds the model and fits it. */
  FitResult fit(Object data, FitOptions options) {
    Object instance = call(builder, "build");
    return (FitResult) call(instance, "fit", data, options);
  }

  /** Builds the model and fits it from a previous fit's posterior ({@code fit(data, options, prior)}). */
  FitResult fit(Object data, FitOptions options, FitResult prior) {
    Object instance = call(builder, "build");
    return (FitResult) call(instance, "fit", data, options, prior);
  }

  /** Builds the model and starts a session from a previous fit ({@code start(data, options, prior)}). */
  Object start(Object data, FitOptions options, FitResult prior) {
    Object instance = call(builder, "build");
    return call(instance, "start", data, options, prior);
  }

  FitResult fit(Table table, FitOptions options) {
    return fit(data(table), options);
  }

  /**
   * {@code result.predict(newData)} (or {@code predict(newData, options)} when options are
   * given) of a generated {@code Result}: its {@code Prediction}, read by reflection.
   */
  static Prediction predict(FitResult result, Object newData, FitOptions... options) {
    if (options.length > 1) {
      throw new IllegalArgumentException("at most one FitOptions");
    }
    return new Prediction(options.length == 0 ? call(result, "predict", newData)
        : call(result, "predict", newData, options[0]));
  }

  /** A generated {@code Prediction}: the same four methods, called by reflection. */
  record Prediction(Object raw) {
    boolean exact() {
      return (Boolean) call(raw, "exact");
    }

    String inexact() {
      return (String) call(raw, "inexact");
    }

    double[] logPredictive() {
      return (double[]) call(raw, "logPredictive");
    }

    FitResult posterior() {
      return (FitResult) call(raw, "posterior");
    }
  }

  private Class<?> nested(String simpleName) {
    for (Class<?> c : model.getDeclaredClasses()) {
      if (c.getSimpleName().equals(simpleName)) {
        return c;
      }
    }
    throw new AssertionError(model.getSimpleName() + " has no nested class " + simpleName);
  }

  /**
   * Calls a public method by name with these arguments (static when the target is a Class),
   * rethrowing what the generated code threw.
   */
  static Object call(Object target, String name, Object... args) {
    Class<?> type = target instanceof Class<?> c ? c : target.getClass();
    for (Method m : type.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length && accepts(m.getParameterTypes(), args)) {
        return invoke(m, target instanceof Class<?> ? null : target, args);
      }
    }
    throw new AssertionError("no method " + name + Arrays.toString(args) + " on " + type.getName());
  }

  private static boolean accepts(Class<?>[] params, Object[] args) {
    for (int k = 0; k < params.length; k++) {
      Class<?> p = params[k];
      Object a = args[k];
      if (p == int.class) {
        p = Integer.class;
      } else if (p == double.class) {
        p = Double.class;
      } else if (p == boolean.class) {
        p = Boolean.class;
      }
      if (a != null && !p.isInstance(a)) {
        return false;
      }
    }
    return true;
  }

  private static Object invoke(Method m, Object target, Object... args) {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new AssertionError(e.getCause());
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }
}
