package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.optimize.DataSums;
import dev.vmodel.compiler.optimize.LocalSums;
import dev.vmodel.compiler.optimize.OptimizedPlan;
import dev.vmodel.compiler.optimize.RowFusion;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter's reading of an {@link OptimizedPlan}: its natural parameters
 * ({@link OptimizedPlan#natural}) and ELBO terms ({@link OptimizedPlan#elboTerms}) evaluated like
 * the raw plan's, with a meaning for every atom the rewrite introduces, taken from the definitions
 * the optimize stage prints ({@link OptimizedPlan#text()}), not from the generated code:
 *
 * <ul>
 *   <li>a data sum {@code sum:k} ({@link DataSums.Sum}) at free indices {@code i} is
 *       {@code sum_row prod(atoms)} with its free indices bound to {@code i}: computed from the data
 *       once (the fit's data does not change), nested sums through this same evaluator;
 *   <li>a row statistic {@code stat:k} ({@link RowFusion.Pattern#statVar}) at free indices
 *       {@code i} and component {@code c} is {@code sum_n prod(pattern atoms)(n, i) q(z[n]=c)}, the
 *       moment {@code onehot} of the fused local factor read from the interpreter's current state
 *       (so it is computed afresh by every evaluator {@link #polyEval()} returns);
 *   <li>a local sum {@code lsum:k} ({@link LocalSums.Sum}) at free indices {@code i} is
 *       {@code sum_row prod(atoms)}, its local factors' moments read from the interpreter's current
 *       state (afresh by every evaluator, like the row statistics).
 * </ul>
 *
 * <p>A missing observation's row counts for nothing, as in the raw plan: the definitions are
 * evaluated by {@link PolyEval}, which reads the observation masks first.
 *
 * <p>{@link #scale} multiplies one derived array's values by a factor: the tests' way to make a
 * deliberately wrong reading (a negative control).
 */
final class OptimizedEval {
  final Interpreter in;
  final OptimizedPlan opt;
  private final Map<String, DataSums.Sum> sums = new LinkedHashMap<>();
  private final Map<String, RowFusion.Pattern> stats = new LinkedHashMap<>();
  private final Map<String, LocalSums.Sum> localSums = new LinkedHashMap<>();
  /** Data sums' values, by var and element: computed once per fit. */
  private final Map<String, Map<List<Integer>, Double>> sumValues = new HashMap<>();
  /** Factors applied to derived arrays' values (negative controls); empty for the true reading. */
  final Map<String, Double> scale = new HashMap<>();

  OptimizedEval(Interpreter in) {
    this(in, OptimizedPlan.of(in.plan));
  }

  OptimizedEval(Interpreter in, OptimizedPlan opt) {
    if (opt.plan() != in.plan) {
      throw new IllegalArgumentException("the optimised plan is not of the interpreter's plan");
    }
    this.in = in;
    this.opt = opt;
    for (DataSums.Sum s : opt.sums()) {
      sums.put(s.var(), s);
    }
    if (opt.fusion() != null) {
      for (RowFusion.Pattern p : opt.fusion().stats()) {
        stats.put(p.statVar, p);
      }
    }
    for (LocalSums.Sum s : opt.localSums().sums()) {
      localSums.put(s.var(), s);
    }
  }

  /** The derived arrays' names: data sums, then row statistics. */
  List<String> derivedVars() {
    List<String> out = new ArrayList<>(sums.keySet());
    out.addAll(stats.keySet());
    out.addAll(localSums.keySet());
    return out;
  }

  /** An evaluator at the interpreter's current state, that knows the derived arrays. */
  PolyEval polyEval() {
    Map<String, Map<List<Integer>, Double>> statValues = new HashMap<>();
    return new PolyEval(in.data, in.state, new PolyEval.Derived() {
      @Override
      public boolean defines(String var) {
        return sums.containsKey(var) || stats.containsKey(var) || localSums.containsKey(var);
      }

      @Override
      public double value(String var, int[] element, int[] component, PolyEval pe) {
        double v;
        if (sums.containsKey(var)) {
          v = cached(sumValues, var, element, component, () -> sum(sums.get(var), element, component, pe));
        } else if (localSums.containsKey(var)) {
          LocalSums.Sum ls = localSums.get(var);
          v = cached(statValues, var, element, component, () -> sum(new DataSums.Sum(ls.key(), ls.var(), ls.atoms(),
              ls.row(), ls.free(), ls.word()), element, component, pe));
        } else {
          v = cached(statValues, var, element, component, () -> stat(stats.get(var), element, component, pe));
        }
        return v * scale.getOrDefault(var, 1.0);
      }
    });
  }

  private static double cached(Map<String, Map<List<Integer>, Double>> memo, String var, int[] element,
      int[] component, java.util.function.DoubleSupplier compute) {
    List<Integer> key = new ArrayList<>();
    Arrays.stream(element).forEach(key::add);
    key.add(-1);
    Arrays.stream(component).forEach(key::add);
    Map<List<Integer>, Double> m = memo.computeIfAbsent(var, k -> new HashMap<>());
    Double v = m.get(key);
    if (v == null) {
      v = compute.getAsDouble();
      m.put(key, v);
    }
    return v;
  }

  /** {@code sum_row prod(atoms)} at the sum's free indices. */
  private static double sum(DataSums.Sum s, int[] element, int[] component, PolyEval pe) {
    if (element.length != s.free().size() || component.length != 0) {
      throw new IllegalStateException(s.var() + " (" + s.word() + ") read at " + Arrays.toString(element)
          + Arrays.toString(component) + ", defined over " + s.free());
    }
    Map<Idx, Integer> env = bind(s.free(), element);
    return pe.eval(new Poly(List.of(new Monomial(1.0, List.of(s.row()), s.atoms()))), env);
  }

  /** {@code sum_n prod(pattern)(n) q(z[n]=c)} at the pattern's free indices and component c. */
  private double stat(RowFusion.Pattern p, int[] element, int[] component, PolyEval pe) {
    RowFusion f = opt.fusion();
    if (element.length != p.free.size() || component.length != 1) {
      throw new IllegalStateException(p.statVar + " (" + p.word + ") read at " + Arrays.toString(element)
          + Arrays.toString(component) + ", defined over " + p.free + " and one component");
    }
    Map<Idx, Integer> env = bind(p.free, element);
    env.put(f.statComponent, component[0]);
    List<Atom> atoms = new ArrayList<>(p.atoms);
    atoms.add(new Atom.Moment(f.local.factor().name(), List.of(new Ix.V(f.row)), f.momentStat,
        List.of(new Ix.V(f.statComponent))));
    return pe.eval(new Poly(List.of(new Monomial(1.0, List.of(f.row), atoms))), env);
  }

  private static Map<Idx, Integer> bind(List<Idx> free, int[] element) {
    Map<Idx, Integer> env = new HashMap<>();
    for (int i = 0; i < element.length; i++) {
      env.put(free.get(i), element[i]);
    }
    return env;
  }

  /** The optimised natural parameters of one element of {@code factor}, at the current state. */
  Map<String, double[]> natural(String factor, int[] element) {
    FactorUpdate u = in.plan.update(factor);
    List<NaturalParam> params = opt.natural(u);
    return in.natural(u, params, element, polyEval());
  }

  /** The optimised ELBO's log-joint terms, in the plan's order, at the current state. */
  double[] elboTerms() {
    PolyEval pe = polyEval();
    List<Poly> terms = opt.elboTerms();
    double[] out = new double[terms.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = pe.eval(terms.get(i), Map.of());
    }
    return out;
  }
}
