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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Sums over a plate of data and the moments of local factors (one element per row, updated
 * element by element): in PPCA's update of q(W[d]), {@code sum_n x[n,d] <tau> <h[n][i]>} reads
 * {@code S[d][i] = sum_n x[n,d] <h[n][i]>} times {@code <tau>}, where S is added up once after
 * every update of q(h), in one pass over the rows. The global updates and the ELBO then read the
 * rows only through such sums, as they read the fused row statistics of a local categorical
 * factor ({@link RowFusion}) and the sums of data alone ({@link DataSums}): the sweep splits into
 * a pass over the rows (the local updates and these sums, for any block of rows) and global
 * updates from the sums of all blocks (what a cluster or a stream runs).
 *
 * <p>A sum index qualifies when every atom that mentions it is data ({@link DataSums}) or a
 * moment of one of the local factors {@code locals}, and at least one is such a moment. Exact:
 * only the order of floating-point additions changes.
 */
public final class LocalSums {
  /**
   * One sum: canonical atoms over {@code row}, free in {@code free}; {@code factors} are the local
   * factors whose moments it reads (it is refreshed after their updates).
   */
  public record Sum(String key, String var, List<Atom> atoms, Idx row, List<Idx> free, String word,
      Set<String> factors) {}

  private final Set<String> data = new HashSet<>();
  private final Set<String> locals;
  private final List<Sum> sums = new ArrayList<>();

  public LocalSums(UpdatePlan plan, Set<String> locals) {
    for (ModelGraph.Node n : plan.graph().nodes()) {
      if (!n.isLatent()) {
        data.add(n.name());
      }
    }
    this.locals = Set.copyOf(locals);
  }

  /** The local factors whose moments the sums may read. */
  public Set<String> locals() {
    return locals;
  }

  public List<Sum> sums() {
    return Collections.unmodifiableList(sums);
  }

  /** {@code p} with its plate sums of data and local moments read from sums; {@code open} are its free indices. */
  public Poly rewrite(Poly p, List<Idx> open) {
    if (locals.isEmpty()) {
      return p;
    }
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

  private Monomial extract(Monomial m, Idx s, List<Idx> open) {
    List<Atom> rowAtoms = new ArrayList<>();
    List<Atom> rest = new ArrayList<>();
    Set<String> factors = new LinkedHashSet<>();
    for (Atom a : m.atoms()) {
      if (a.mentions(s)) {
        if (a instanceof Atom.Moment mo && locals.contains(mo.factor())
            && mo.element().stream().anyMatch(x -> x.mentions(s))) {
          factors.add(mo.factor());
        } else if (!dataOnly(a)) {
          return null;
        }
        rowAtoms.add(a);
      } else {
        rest.add(a);
      }
    }
    if (factors.isEmpty()) {
      return null;
    }
    List<Idx> candidates = new ArrayList<>(m.sums());
    candidates.addAll(open);
    candidates.remove(s);
    Idx row = Idx.fresh(s.name(), s.range());
    RowFusion.Canon c = RowFusion.canon(rowAtoms, s, row, candidates);
    Sum sum = intern(c, row, factors);
    List<Ix> element = c.free().stream().map(i -> (Ix) new Ix.V(i)).toList();
    rest.add(new Atom.Data(sum.var(), element, List.of()));
    List<Idx> rem = m.sums().stream().filter(i -> !i.equals(s)).toList();
    return new Monomial(m.coef(), rem, rest);
  }

  private boolean dataOnly(Atom a) {
    if (a instanceof Atom.Data d) {
      return data.contains(d.var()) || d.var().startsWith("sum:");
    }
    return RowFusion.rowData(a);
  }

  private Sum intern(RowFusion.Canon c, Idx row, Set<String> factors) {
    String key = c.key() + " over " + row.range();
    for (Sum s : sums) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    String word = c.word();
    int k = 2;
    while (true) {
      String w = word;
      if (sums.stream().noneMatch(q -> q.word().equals(w))) {
        break;
      }
      word = c.word() + k++;
    }
    Sum s = new Sum(key, "lsum:" + sums.size(), c.atoms(), row, c.canonical(), word, Set.copyOf(factors));
    sums.add(s);
    return s;
  }
}
