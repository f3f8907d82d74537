package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.check.Dim;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums over a plate of data alone, computed once per fit instead of in every update and ELBO:
 * in {@code sum_n y[n] X[n][i] <tau>} the part {@code sum_n y[n] X[n][i]} depends on nothing that
 * changes, so the term reads {@code sumYX[i] <tau>}. A sum index qualifies when every atom that
 * mentions it is data (an array element, an observation mask, a delta, a function of data);
 * products equal up to their indices' names are one sum. The linear regression's sweep and ELBO
 * then cost O(P^2) instead of O(N P^2).
 */
final class DataSums {
  /** One precomputed sum: canonical atoms over {@code row}, free in {@code free}. */
  record Sum(String key, String var, List<Atom> atoms, Idx row, List<Idx> free, String field) {}

  private final Layout layout;
  private final PolyCode polys;
  final List<Sum> sums = new ArrayList<>();

  DataSums(Layout layout, PolyCode polys) {
    this.layout = layout;
    this.polys = polys;
  }

  /** {@code p} with its data-only plate sums read from precomputed arrays; {@code open} are its free indices. */
  Poly rewrite(Poly p, List<Idx> open) {
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
      java.util.Collections.reverse(order);
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
      return layout.data.containsKey(d.var()) || d.var().startsWith("sum:");
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
      word = byVar(d.var()).field().substring("sum".length()) + "Total";
    }
    String field = layout.claim("sum" + Layout.cap(word));
    Sum s = new Sum(key, var, c.atoms(), row, c.canonical(), field);
    List<Dim> dims = new ArrayList<>();
    c.canonical().forEach(i -> dims.add(i.range()));
    polys.derived.put(var, new Layout.DataArray(var, field, false, dims, List.of(), false, null, null));
    sums.add(s);
    return s;
  }

  private Sum byVar(String var) {
    return sums.stream().filter(x -> x.var().equals(var)).findFirst().orElseThrow();
  }

  /** prepare()'s code: each sum computed in one pass over its plate (in the order they were found). */
  CodeBlock compute() {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Sum s : sums) {
      List<Dim> dims = new ArrayList<>();
      s.free().forEach(i -> dims.add(i.range()));
      b.add("// $L = sum_$L $L\n", s.field(), s.row().name(), describe(s));
      b.addStatement("$L = new double[$L]", s.field(), layout.product(dims));
      Map<Idx, String> open = new LinkedHashMap<>();
      for (int i = 0; i < s.free().size(); i++) {
        open.put(s.free().get(i), Layout.indexName(i));
      }
      List<Idx> free = s.free();
      b.add(polys.loops(List.of(new Monomial(1.0, List.of(s.row()), s.atoms())), open, Map.of(),
          names -> s.field() + "[" + layout.flat(free.stream().map(names::get).toList(), dims) + "]"));
    }
    return b.build();
  }

  private String describe(Sum s) {
    Map<Idx, String> names = new LinkedHashMap<>();
    names.put(s.row(), s.row().name());
    for (int i = 0; i < s.free().size(); i++) {
      names.put(s.free().get(i), Layout.indexName(i));
    }
    // A sum of a sum reads the inner one: shown by its field's name, not its internal var.
    List<Atom> atoms = new ArrayList<>();
    for (Atom a : s.atoms()) {
      atoms.add(a instanceof Atom.Data d && d.var().startsWith("sum:")
          ? new Atom.Data(byVar(d.var()).field(), d.element(), d.component()) : a);
    }
    return RowFusion.display(atoms, names);
  }
}
