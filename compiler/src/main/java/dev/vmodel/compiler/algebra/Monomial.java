package dev.vmodel.compiler.algebra;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code coef * sum_{sums} prod(atoms)}: one term of a {@link Poly}. The summation indices are
 * bound here; every other index in the atoms is free.
 */
public record Monomial(double coef, List<Idx> sums, List<Atom> atoms) {
  public Monomial {
    sums = List.copyOf(sums);
    atoms = List.copyOf(atoms);
  }

  public Monomial subst(Map<Idx, Ix> s) {
    return new Monomial(coef, sums, atoms.stream().map(a -> a.subst(s)).toList());
  }

  public boolean mentions(Idx i) {
    return atoms.stream().anyMatch(a -> a.mentions(i));
  }

  /** The same term with fresh names for its bound indices, so it can be multiplied safely. */
  public Monomial freshened() {
    if (sums.isEmpty()) {
      return this;
    }
    Map<Idx, Ix> s = new HashMap<>();
    List<Idx> fresh = new ArrayList<>();
    for (Idx i : sums) {
      Idx f = i.renamed();
      fresh.add(f);
      s.put(i, new Ix.V(f));
    }
    return new Monomial(coef, fresh, atoms.stream().map(a -> a.subst(s)).toList());
  }

  public Monomial times(Monomial o) {
    Monomial r = o.freshened();
    List<Idx> s = new ArrayList<>(sums);
    s.addAll(r.sums);
    List<Atom> a = new ArrayList<>(atoms);
    a.addAll(r.atoms);
    return new Monomial(coef * r.coef, s, a);
  }

  public Monomial scaled(double c) {
    return new Monomial(coef * c, sums, atoms);
  }
}
