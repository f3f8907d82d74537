package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The reference interpreter of an {@link UpdatePlan}: mean-field coordinate ascent exactly as the
 * plan states it. A factor's update evaluates each natural parameter polynomial at every element
 * (and component) with the other factors' current moments, then maps the natural parameters to
 * the family's usual parameters; a sweep updates the factors in {@code plan.schedule()} order;
 * the ELBO is the sum of the plan's expected log-joint polynomials plus the factors' entropies.
 * The Java code generator's output is checked against this. {@link #optimized()} makes it run the
 * optimised plan instead (data sums and row statistics read from their definitions).
 */
final class Interpreter {
  final UpdatePlan plan;
  final ModelData data;
  State state = new State();
  /**
   * When set, updates and the ELBO evaluate the optimised plan ({@code OptimizedPlan.natural},
   * {@code OptimizedPlan.elboTerms}) instead of the raw one; see {@link #optimized()}. Null for
   * the raw plan.
   */
  OptimizedEval optimized;

  Interpreter(UpdatePlan plan, ModelData data) {
    this.plan = plan;
    this.data = data;
  }

  /** This interpreter, from now on reading the optimised plan of its plan ({@link OptimizedEval}). */
  Interpreter optimized() {
    optimized = new OptimizedEval(this);
    return this;
  }

  /** Every factor's elements set to random valid parameters. */
  Interpreter randomize(long seed) {
    Random r = new Random(seed);
    State s = new State();
    for (FactorUpdate u : plan.updates()) {
      State.Factor f = emptyFactor(u);
      for (int e = 0; e < f.elements.length; e++) {
        f.elements[e] = Q.random(u.family(), f.dim, r);
      }
      s.factors.put(f.name, f);
    }
    state = s;
    return this;
  }

  State.Factor emptyFactor(FactorUpdate u) {
    int[] shape = new int[u.elementIndices().size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = data.dim(u.elementIndices().get(i).range());
    }
    Family fam = u.family();
    int dim = fam.dim() == null ? 1 : data.dim(fam.dim());
    return new State.Factor(u.factor().name(), fam, dim, shape);
  }

  /**
   * The natural parameters of one element: for each statistic, its polynomial evaluated at every
   * component, flattened row-major.
   */
  Map<String, double[]> natural(FactorUpdate u, List<NaturalParam> params, int[] element) {
    return natural(u, params, element, new PolyEval(data, state));
  }

  /** {@link #natural(FactorUpdate, List, int[])} with the given evaluator (one that knows derived arrays). */
  Map<String, double[]> natural(FactorUpdate u, List<NaturalParam> params, int[] element, PolyEval pe) {
    Map<Idx, Integer> env = new HashMap<>();
    for (int i = 0; i < element.length; i++) {
      env.put(u.elementIndices().get(i), element[i]);
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    for (NaturalParam p : params) {
      int[] dims = new int[p.components().size()];
      int n = 1;
      for (int c = 0; c < dims.length; c++) {
        dims[c] = data.dim(p.components().get(c).range());
        n *= dims[c];
      }
      double[] v = new double[n];
      for (int flat = 0; flat < n; flat++) {
        int rest = flat;
        for (int c = dims.length - 1; c >= 0; c--) {
          env.put(p.components().get(c), rest % dims[c]);
          rest /= dims[c];
        }
        v[flat] = pe.eval(p.value(), env);
      }
      for (Idx c : p.components()) {
        env.remove(c);
      }
      out.put(p.stat().name(), v);
    }
    return out;
  }

  /** The optimal factor given the others, as the plan derives it (the state is not changed). */
  State.Factor updated(String factor) {
    return updated(factor, eta -> eta);
  }

  /**
   * The update with its natural parameters passed through {@code edit} before the map to usual
   * parameters: the tests' way to make a deliberately wrong update (a negative control).
   */
  State.Factor updated(String factor, java.util.function.UnaryOperator<Map<String, double[]>> edit) {
    FactorUpdate u = plan.update(factor);
    State.Factor f = emptyFactor(u);
    for (int e = 0; e < f.elements.length; e++) {
      int[] el = f.unflat(e);
      Map<String, double[]> eta = edit.apply(optimized != null ? optimized.natural(factor, el)
          : natural(u, u.natural(), el));
      try {
        f.elements[e] = Q.fromNatural(u.family(), f.dim, eta);
      } catch (RuntimeException ex) {
        throw new IllegalStateException("q(" + factor + ") element " + java.util.Arrays.toString(el)
            + ": " + ex.getMessage(), ex);
      }
    }
    return f;
  }

  /**
   * Updates a factor. A fixed-form (non-conjugate) update's natural parameters eta* are a
   * gradient at the current q, so it is a step: eta_old + step (eta* - eta_old), halved from 1
   * until the ELBO does not decrease (the old q if no step of at least 2^-40 does).
   */
  void update(String factor) {
    FactorUpdate u = plan.update(factor);
    if (!u.nonConjugate()) {
      state.factors.put(factor, updated(factor));
      return;
    }
    State.Factor old = state.factors.get(factor);
    double before = elbo();
    State.Factor target = updated(factor);
    for (double step = 1; step >= 0x1p-40; step /= 2) {
      State.Factor f = emptyFactor(u);
      for (int e = 0; e < f.elements.length; e++) {
        Map<String, double[]> a = old.elements[e].natural();
        Map<String, double[]> b = target.elements[e].natural();
        Map<String, double[]> eta = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, double[]> x : a.entrySet()) {
          double[] v = x.getValue().clone();
          for (int i = 0; i < v.length; i++) {
            v[i] += step * (b.get(x.getKey())[i] - v[i]);
          }
          eta.put(x.getKey(), v);
        }
        f.elements[e] = Q.fromNatural(u.family(), f.dim, eta);
      }
      state.factors.put(factor, f);
      if (elbo() >= before - 1e-12 * Math.max(1, Math.abs(before))) {
        return;
      }
    }
    state.factors.put(factor, old);
  }

  /** Sets a factor to its prior's natural parameters (the plan's {@code prior} polynomials). */
  void setToPrior(String factor) {
    FactorUpdate u = plan.update(factor);
    State.Factor f = emptyFactor(u);
    for (int e = 0; e < f.elements.length; e++) {
      f.elements[e] = Q.fromNatural(u.family(), f.dim, natural(u, u.prior(), f.unflat(e)));
    }
    state.factors.put(factor, f);
  }

  /** One sweep in schedule order; returns the ELBO after each factor update. */
  List<Double> sweep() {
    List<Double> out = new ArrayList<>();
    for (String f : plan.schedule()) {
      update(f);
      out.add(elbo());
    }
    return out;
  }

  double logJoint(UpdatePlan.LogJointTerm t) {
    return new PolyEval(data, state).eval(t.value(), Map.of());
  }

  /** Sum of the expected log-joint polynomials. */
  double expectedLogJoint() {
    double s = 0;
    if (optimized != null) {
      for (double t : optimized.elboTerms()) {
        s += t;
      }
      return s;
    }
    for (UpdatePlan.LogJointTerm t : plan.elbo().terms()) {
      s += logJoint(t);
    }
    return s;
  }

  double entropy() {
    double h = 0;
    for (String f : plan.elbo().entropies()) {
      h += state.factor(f).entropy();
    }
    return h;
  }

  double elbo() {
    return expectedLogJoint() + entropy();
  }

  /** Sweeps until the ELBO changes by less than tol (relative) or maxSweeps; returns the ELBO after each sweep. */
  List<Double> run(int maxSweeps, double tol) {
    List<Double> trace = new ArrayList<>();
    double prev = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < maxSweeps; s++) {
      List<Double> after = sweep();
      double e = after.get(after.size() - 1);
      trace.add(e);
      if (Math.abs(e - prev) <= tol * Math.abs(e)) {
        break;
      }
      prev = e;
    }
    return trace;
  }
}
