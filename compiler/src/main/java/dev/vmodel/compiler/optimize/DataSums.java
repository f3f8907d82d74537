package dev.vmodel.compiler.optimize;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Sums over a plate of data alone, computed once per fit instead of in every update and ELBO:
 * in {@code sum_n y[n] X[n][i] <tau>} the part {@code sum_n y[n] X[n][i]} depends on nothing that
 * changes, so the term reads {@code sumYX[i] <tau>}. A sum index qualifies when every atom that
 * mentions it is data (an array element, an observation mask, a delta, a function of data);
 * products equal up to their indices' names are one sum. The linear regression's sweep and ELBO
 * then cost O(P^2) instead of O(N P^2).
 *
 * <p>A pass on the plan: it decides the sums and rewrites the polynomials that read them (as
 * data atoms of vars {@code sum:0}, {@code sum:1}, ...); codegen names their fields and writes
 * the loops that compute them.
 */
public final class DataSums {
  /**
   * One precomputed sum: canonical atoms over {@code row}, free in {@code free}; {@code word}
   * names it ({@code sumYX}).
   */
  public record Sum(String key, String var, List<Atom> atoms, Idx row, List<Idx> free, String word) {}

  /** The plan's data arrays (observed and covariates). */
  private final Set<String> data = new HashSet<>();
  private final List<Sum> sums = new ArrayList<>();

  public DataSums(UpdatePlan plan) {
    for (ModelGraph.Node n : plan.graph().nodes()) {
      if (!n.isLatent()) {
        data.add(n.name());
      }
    }
  }

  /** The sums found so far, in the order they were found (an inner sum before the sums of it). */
  public List<Sum> sums() {
    return Collections.unmodifiableList(sums);
  }

  /** {@code p} with its data-only plate sums read from precomputed arrays; {@code open} are its free indices. */
  public Poly rewrite(Poly p, List<Idx> open) {
    List<Monomial> out = new ArrayList<>();
    boolean changed = false;
    for (Monomial m : p.terms()) {
      Monomial r = rewrite(m, open);
      changed |= r != m;
      out.add(r);
    }
    return changed ? new Poly(out) : p;
  }

  private Monomial rewrite(Monomial m, List<Idx> open) {
    Monomial cur = m;
    boolean again = true;
    while (again) {
      again = false;
      // The plan lists a term's plates innermost first: try the outermost (the largest plate) first.
      List<Idx> order = new ArrayList<>(cur.sums());
      Collections.reverse(order);
      for (Idx s : order) {
        Monomial r = extract(cur, s, open);
        if (r != null) {
          cur = r;
          again = true;
          break;
        }
      }
    }
    return cur;
  }

  /** The term with {@code sum_s (data atoms in s)} replaced by a precomputed sum, or null. */
  private Monomial extract(Monomial m, Idx s, List<Idx> open) {
    List<Atom> rowAtoms = new ArrayList<>();
    List<Atom> rest = new ArrayList<>();
    for (Atom a : m.atoms()) {
      if (a.mentions(s)) {
        if (!dataOnly(a)) {
          return null;
        }
        rowAtoms.add(a);
      } else {
        rest.add(a);
      }
    }
    if (rowAtoms.stream().noneMatch(a -> a instanceof Atom.Data || a instanceof Atom.Fn || a instanceof Atom.Observed)) {
      return null;
    }
    List<Idx> candidates = new ArrayList<>(m.sums());
    candidates.addAll(open);
    candidates.remove(s);
    Idx row = Idx.fresh(s.name(), s.range());
    RowFusion.Canon c = RowFusion.canon(rowAtoms, s, row, candidates);
    Sum sum = intern(c, row);
    List<Ix> element = c.free().stream().map(i -> (Ix) new Ix.V(i)).toList();
    rest.add(new Atom.Data(sum.var(), element, List.of()));
    List<Idx> sums = m.sums().stream().filter(i -> !i.equals(s)).toList();
    return new Monomial(m.coef(), sums, rest);
  }

  /** Row data ({@link RowFusion#rowData}) that does not change during a fit: not a row statistic. */
  private boolean dataOnly(Atom a) {
    if (a instanceof Atom.Data d) {
      return data.contains(d.var()) || d.var().startsWith("sum:");
    }
    return RowFusion.rowData(a);
  }

  private Sum intern(RowFusion.Canon c, Idx row) {
    String key = c.key() + " over " + row.range();
    for (Sum s : sums) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    String var = "sum:" + sums.size();
    String word = c.word();
    if (c.atoms().size() == 1 && c.atoms().get(0) instanceof Atom.Data d && d.var().startsWith("sum:")) {
      // A sum of a sum (sum_n sum_d x[n][d]^2, summed over n first): the inner one's name, totalled.
      word = RowFusion.cap(byVar(d.var()).word()) + "Total";
    }
    Sum s = new Sum(key, var, c.atoms(), row, c.canonical(), word);
    sums.add(s);
    return s;
  }

  public Sum byVar(String var) {
    return sums.stream().filter(x -> x.var().equals(var)).findFirst().orElseThrow();
  }
}
