package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.runtime.SpecialFunctions;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Numeric value of a {@link Poly}: coef * sum over each monomial's bound indices of the product
 * of its atoms, with free indices taken from an environment, moments from the current q, and
 * data, hypers and sizes from the fit's {@link ModelData}. Literal, by nested loops.
 */
final class PolyEval {
  /**
   * Arrays that are not in the fit's data but defined from it: the data sums and row statistics
   * an {@code OptimizedPlan} reads as {@link Atom.Data} atoms ({@link OptimizedEval}).
   */
  interface Derived {
    boolean defines(String var);

    double value(String var, int[] element, int[] component, PolyEval pe);
  }

  private final ModelData data;
  private final State state;
  private final Derived derived;
  private final Map<Ir, double[][]> inverses = new IdentityHashMap<>();
  private final Map<Ir, Double> logDets = new IdentityHashMap<>();

  PolyEval(ModelData data, State state) {
    this(data, state, null);
  }

  PolyEval(ModelData data, State state, Derived derived) {
    this.data = data;
    this.state = state;
    this.derived = derived;
  }

  double eval(Poly p, Map<Idx, Integer> env) {
    Map<Idx, Integer> e = new HashMap<>(env);
    double s = 0;
    for (Monomial m : p.terms()) {
      s += m.coef() * sum(m, 0, e);
    }
    return s;
  }

  private double sum(Monomial m, int k, Map<Idx, Integer> env) {
    if (k == m.sums().size()) {
      // A missing observation's term is multiplied by its indicator 0 whatever else it holds
      // (its data atoms are NaN), so the indicators go first.
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Observed o && observed(o, env) == 0) {
          return 0;
        }
      }
      double prod = 1;
      for (Atom a : m.atoms()) {
        prod *= atom(a, env);
        if (prod == 0) {
          // An exact zero (a Kronecker delta, a zero data value): the product stays zero
          // unless a later factor is infinite or NaN, which a plan should never produce.
          break;
        }
      }
      return prod;
    }
    Idx i = m.sums().get(k);
    if (env.containsKey(i)) {
      throw new IllegalStateException("bound index " + i + " shadows a free one");
    }
    int n = data.dim(i.range());
    double s = 0;
    for (int v = 0; v < n; v++) {
      env.put(i, v);
      s += sum(m, k + 1, env);
    }
    env.remove(i);
    return s;
  }

  int ix(Ix x, Map<Idx, Integer> env) {
    if (x instanceof Ix.V v) {
      Integer i = env.get(v.idx());
      if (i == null) {
        throw new IllegalStateException("unbound index " + v.idx().name() + "#" + v.idx().id());
      }
      return i;
    } else if (x instanceof Ix.C c) {
      return c.value();
    }
    Ix.D d = (Ix.D) x;
    return data.intValue(d.var(), ints(d.element(), env));
  }

  int[] ints(List<Ix> xs, Map<Idx, Integer> env) {
    int[] out = new int[xs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ix(xs.get(i), env);
    }
    return out;
  }

  private List<Integer> list(List<Ix> xs, Map<Idx, Integer> env) {
    return java.util.Arrays.stream(ints(xs, env)).boxed().toList();
  }

  double atom(Atom a, Map<Idx, Integer> env) {
    if (a instanceof Atom.Moment m) {
      return state.moment(m.factor(), ints(m.element(), env), m.stat(), ints(m.component(), env));
    } else if (a instanceof Atom.Data d) {
      if (derived != null && derived.defines(d.var())) {
        return derived.value(d.var(), ints(d.element(), env), ints(d.component(), env), this);
      }
      return data.value(d.var(), list(d.element(), env), list(d.component(), env));
    } else if (a instanceof Atom.Hyper h) {
      Val v = data.hyper(h.name());
      int[] c = ints(h.component(), env);
      switch (c.length) {
        case 0:
          return v.scalar();
        case 1:
          return v.vector()[c[0]];
        default:
          return v.matrix()[c[0]][c[1]];
      }
    } else if (a instanceof Atom.SizeValue s) {
      return data.size(s.name());
    } else if (a instanceof Atom.Delta d) {
      return ix(d.a(), env) == ix(d.b(), env) ? 1 : 0;
    } else if (a instanceof Atom.Less l) {
      return ix(l.a(), env) < ix(l.b(), env) ? 1 : 0;
    } else if (a instanceof Atom.Fn f) {
      return fn(f, env);
    } else if (a instanceof Atom.Observed o) {
      return observed(o, env);
    } else if (a instanceof Atom.MatrixFn mf) {
      if (mf.f() == Atom.MatFunc.INVERSE) {
        int[] c = ints(mf.component(), env);
        return inverses.computeIfAbsent(mf.matrix(), m -> Mat.inverse(known(m)))[c[0]][c[1]];
      }
      return logDets.computeIfAbsent(mf.matrix(), m -> Mat.logDet(known(m)));
    }
    throw new IllegalStateException("a plan holds a random atom: " + a);
  }

  private double[][] known(Ir m) {
    return new IrEval(data, IrEval.NO_LATENTS).eval(m, Map.of()).matrix();
  }

  private double fn(Atom.Fn f, Map<Idx, Integer> env) {
    double x = eval(f.args().get(0), env);
    switch (f.f()) {
      case LOG:
        return Math.log(x);
      case LOG1M:
        return Math.log1p(-x);
      case INV:
        return 1 / x;
      case LGAMMA:
        return SpecialFunctions.lnGamma(x);
      case LMVGAMMA: {
        double a = eval(f.args().get(1), env);
        if (x != Math.rint(x)) {
          throw new IllegalStateException("lmvgamma dimension " + x);
        }
        return SpecialFunctions.lnMultiGamma((int) x, a);
      }
      case EXP:
        return Math.exp(x);
      case LN_LOGISTIC:
        return lnSigmoid(x);
      case E_LN_LOGISTIC:
        return gaussianMean(x, eval(f.args().get(1), env), PolyEval::lnSigmoid);
      case E_LOGISTIC:
        return gaussianMean(x, eval(f.args().get(1), env), t -> 1 / (1 + Math.exp(-t)));
      case E_LOGISTIC_VAR:
        return gaussianMean(x, eval(f.args().get(1), env), t -> 1 / ((1 + Math.exp(-t)) * (1 + Math.exp(t))));
      default:
        throw new IllegalStateException(f.f().toString());
    }
  }

  /** {@code Observed(var, element)}: 1 where the data element is observed, 0 where it is missing (NaN; a vector row: any component). */
  private double observed(Atom.Observed o, Map<Idx, Integer> env) {
    int[] el = ints(o.element(), env);
    ModelData.DataArray arr = data.array(o.var());
    if (el.length == arr.dims().length) {
      return Double.isNaN(arr.get(el)) ? 0 : 1;
    }
    int width = arr.dims()[arr.dims().length - 1];
    for (int c = 0; c < width; c++) {
      int[] full = java.util.Arrays.copyOf(el, el.length + 1);
      full[el.length] = c;
      if (Double.isNaN(arr.get(full))) {
        return 0;
      }
    }
    return 1;
  }

  private static double lnSigmoid(double t) {
    return -Math.log1p(Math.exp(-Math.abs(t))) + Math.min(t, 0);
  }

  /**
   * E[g(a)] for a ~ N(m, v), by Simpson's rule on [m - 12 sd, m + 12 sd] with 2000 intervals
   * (written here, independent of the runtime's trapezoid rule).
   */
  private static double gaussianMean(double m, double v, java.util.function.DoubleUnaryOperator g) {
    double sd = Math.sqrt(Math.max(0, v));
    if (sd == 0) {
      return g.applyAsDouble(m);
    }
    int n = 2000;
    double lo = -12, h = 24.0 / n, sum = 0;
    for (int k = 0; k <= n; k++) {
      double z = lo + k * h;
      double w = k == 0 || k == n ? 1 : (k % 2 == 1 ? 4 : 2);
      sum += w * g.applyAsDouble(m + sd * z) * Math.exp(-0.5 * z * z);
    }
    return sum * h / 3 / Math.sqrt(2 * Math.PI);
  }
}
