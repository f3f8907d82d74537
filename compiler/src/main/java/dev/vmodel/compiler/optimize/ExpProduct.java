package dev.vmodel.compiler.optimize;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import dev.vmodel.compiler.plan.UpdatePlan.NaturalParam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The product form of a local categorical factor's update. Where eta(z[n]=c) is a sum of
 * moments each read once with coefficient 1 (LDA: {@code <ln theta[doc[t]][c]> + <ln phi[c][w[t]]>}),
 *
 * <pre>
 * q(z[n]=c) = prod_j G_j[..., c] / sum_c' prod_j G_j[..., c'],   ln sum_c exp eta = ln sum_c prod_j G_j[..., c]
 * </pre>
 *
 * with one table G_j = exp(moment j) per moment read, laid out with c innermost and refreshed
 * once per update from the other factors' moments. A row then costs K products and one
 * logarithm instead of K exponentials, and reads K contiguous entries of each table (the moment
 * {@code <ln phi[c][w[t]]>} itself is strided by V). Where a row's products underflow or
 * overflow (a sum outside [1e-290, 1e290]), the generated code falls back to the softmax of eta
 * for that row, so the result is the same as the plain update's up to rounding.
 *
 * <p>{@code row} and {@code component} are the update's element index n and component index c;
 * {@code product} is exp eta as one monomial of table reads ({@link Atom.Data} atoms of the
 * tables' variables).
 */
public record ExpProduct(String factor, Idx row, Idx component, List<Table> tables, Poly product) {
  public ExpProduct {
    tables = List.copyOf(tables);
  }

  /**
   * One table: {@code var}[outer..., c] = exp(moment), where {@code moment} reads the factor's
   * moment at index variables {@code outer} and {@code c} (a fresh variable for each position).
   */
  public record Table(String var, Atom.Moment moment, List<Idx> outer, Idx c) {
    public Table {
      outer = List.copyOf(outer);
    }

    /** The table's plate dimensions: those of {@code outer}. */
    public List<Dim> outerDims() {
      return outer.stream().map(Idx::range).toList();
    }
  }

  /** A loop variable's name for a table dimension: the size's name in lower case ({@code v} over V). */
  private static String word(Dim d, int position) {
    return d instanceof Dim.Named n ? n.size().toLowerCase(java.util.Locale.ROOT) : "i" + position;
  }

  /** The product form of the fused factor's update, or null where eta is not a sum of single moments. */
  static ExpProduct analyze(UpdatePlan plan, RowFusion fusion, List<NaturalParam> natural) {
    if (fusion == null || fusion.weights != null || natural.size() != 1) {
      return null;
    }
    FactorUpdate z = fusion.local;
    NaturalParam p = natural.get(0);
    if (z.elementIndices().size() != 1 || p.components().size() != 1 || p.value().terms().isEmpty()) {
      return null;
    }
    Idx c = p.components().get(0);
    Map<String, Table> tables = new LinkedHashMap<>();
    List<Atom> reads = new ArrayList<>();
    for (Monomial m : p.value().terms()) {
      if (m.coef() != 1.0 || !m.sums().isEmpty() || m.atoms().size() != 1
          || !(m.atoms().get(0) instanceof Atom.Moment mo)) {
        return null;
      }
      FactorUpdate source = plan.updates().stream().filter(u -> u.factor().name().equals(mo.factor())).findFirst()
          .orElse(null);
      if (source == null || source == z) {
        return null;
      }
      List<Ix> positions = new ArrayList<>(mo.element());
      positions.addAll(mo.component());
      List<Dim> dims = new ArrayList<>(source.elementIndices().stream().map(Idx::range).toList());
      for (int i = 0; i < mo.component().size(); i++) {
        dims.add(source.family().dim());
      }
      if (dims.size() != positions.size() || dims.contains(null)) {
        return null;
      }
      int at = -1;
      for (int i = 0; i < positions.size(); i++) {
        Ix x = positions.get(i);
        if (x instanceof Ix.V v && v.idx().equals(c)) {
          if (at >= 0) {
            return null;
          }
          at = i;
        } else if (x.mentions(c)) {
          return null;
        }
      }
      if (at < 0) {
        return null;
      }
      String var = "exp:" + mo.factor() + "." + mo.stat() + "@" + at;
      if (!tables.containsKey(var)) {
        List<Idx> outer = new ArrayList<>();
        Idx tc = null;
        List<Ix> fresh = new ArrayList<>();
        for (int i = 0; i < positions.size(); i++) {
          Idx f = Idx.fresh(i == at ? c.name() : word(dims.get(i), i), dims.get(i));
          fresh.add(new Ix.V(f));
          if (i == at) {
            tc = f;
          } else {
            outer.add(f);
          }
        }
        int split = mo.element().size();
        Atom.Moment template = new Atom.Moment(mo.factor(), fresh.subList(0, split), mo.stat(),
            fresh.subList(split, fresh.size()));
        tables.put(var, new Table(var, template, outer, tc));
      }
      List<Ix> outerIx = new ArrayList<>(positions);
      outerIx.remove(at);
      reads.add(new Atom.Data(var, outerIx, List.of(new Ix.V(c))));
    }
    return new ExpProduct(z.factor().name(), z.elementIndices().get(0), c, new ArrayList<>(tables.values()),
        new Poly(List.of(new Monomial(1.0, List.of(), reads))));
  }
}
