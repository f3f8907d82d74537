package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Deliberately wrong plans, for negative controls: one term of one natural-parameter polynomial
 * with its coefficient halved, the kind of slip (a lost 1/2, a double count) a derivation makes.
 */
final class Mutation {
  private Mutation() {}

  /** A plan and the term that was changed. */
  record Mutant(UpdatePlan plan, String description) {}

  /**
   * Halves the term of factor {@code factor}'s natural parameters whose value, at element
   * {@code element} and the first component and the interpreter's current state, is largest in
   * magnitude (for a categorical factor, among the terms that depend on the category: the others
   * cancel in the responsibilities).
   */
  static Mutant halveLargestTerm(Interpreter in, String factor, int[] element) {
    FactorUpdate u = in.plan.update(factor);
    PolyEval pe = new PolyEval(in.data, in.state);
    int bestParam = -1;
    int bestTerm = -1;
    double best = -1;
    for (int p = 0; p < u.natural().size(); p++) {
      NaturalParam np = u.natural().get(p);
      Map<Idx, Integer> env = new HashMap<>();
      for (int i = 0; i < element.length; i++) {
        env.put(u.elementIndices().get(i), element[i]);
      }
      for (Idx c : np.components()) {
        env.put(c, 0);
      }
      List<Monomial> terms = np.value().terms();
      for (int t = 0; t < terms.size(); t++) {
        if (u.family().kind() == dev.vmodel.compiler.family.Family.Kind.CATEGORICAL
            && !terms.get(t).mentions(np.components().get(0))) {
          continue; // the same for every category: halving it leaves q unchanged
        }
        double v = Math.abs(pe.eval(new Poly(List.of(terms.get(t))), env));
        if (v > best) {
          best = v;
          bestParam = p;
          bestTerm = t;
        }
      }
    }
    List<NaturalParam> natural = new ArrayList<>(u.natural());
    NaturalParam np = natural.get(bestParam);
    List<Monomial> terms = new ArrayList<>(np.value().terms());
    Monomial changed = terms.get(bestTerm);
    terms.set(bestTerm, changed.scaled(0.5));
    natural.set(bestParam, new NaturalParam(np.stat(), np.components(), new Poly(terms)));
    FactorUpdate bad = with(u, "natural", natural);
    List<FactorUpdate> updates = new ArrayList<>();
    for (FactorUpdate x : in.plan.updates()) {
      updates.add(x.factor().name().equals(factor) ? bad : x);
    }
    UpdatePlan plan = with(in.plan, "updates", updates);
    return new Mutant(plan, "eta(" + np.stat().text() + "): term " + new Poly(List.of(changed)) + " halved");
  }

  /** A copy of a record with one component replaced (by reflection, so new components are carried along). */
  @SuppressWarnings("unchecked")
  static <R extends Record> R with(R r, String component, Object value) {
    try {
      java.lang.reflect.RecordComponent[] rc = r.getClass().getRecordComponents();
      Object[] args = new Object[rc.length];
      Class<?>[] types = new Class<?>[rc.length];
      for (int i = 0; i < rc.length; i++) {
        types[i] = rc[i].getType();
        args[i] = rc[i].getName().equals(component) ? value : rc[i].getAccessor().invoke(r);
      }
      return (R) r.getClass().getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
