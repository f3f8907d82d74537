package dev.vmodel.compiler.algebra;

import dev.vmodel.compiler.check.Dim;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A polynomial in atoms with index sums: the one symbolic form in which log densities, natural
 * parameters and the ELBO are written. Immutable; every operation returns a simplified result
 * (Kronecker deltas eliminated where an index is summed, like terms merged, zeros dropped).
 */
public record Poly(List<Monomial> terms) {
  public static final Poly ZERO = new Poly(List.of());
  public static final Poly ONE = constant(1);

  public Poly {
    terms = List.copyOf(terms);
  }

  public static Poly constant(double c) {
    return c == 0 ? ZERO : new Poly(List.of(new Monomial(c, List.of(), List.of())));
  }

  public static Poly of(Atom a) {
    return new Poly(List.of(new Monomial(1, List.of(), List.of(a)))).simplified();
  }

  public boolean isZero() {
    return terms.isEmpty();
  }

  /** The value if this is a plain number. */
  public java.util.OptionalDouble asConstant() {
    if (terms.isEmpty()) {
      return java.util.OptionalDouble.of(0);
    }
    if (terms.size() == 1 && terms.get(0).atoms().isEmpty() && terms.get(0).sums().isEmpty()) {
      return java.util.OptionalDouble.of(terms.get(0).coef());
    }
    return java.util.OptionalDouble.empty();
  }

  public Poly plus(Poly o) {
    List<Monomial> all = new ArrayList<>(terms);
    all.addAll(o.terms);
    return new Poly(all).simplified();
  }

  public Poly minus(Poly o) {
    return plus(o.scaled(-1));
  }

  public Poly scaled(double c) {
    if (c == 0) {
      return ZERO;
    }
    return new Poly(terms.stream().map(m -> m.scaled(c)).toList());
  }

  public Poly times(Poly o) {
    List<Monomial> out = new ArrayList<>();
    for (Monomial a : terms) {
      for (Monomial b : o.terms) {
        out.add(a.times(b));
      }
    }
    return new Poly(out).simplified();
  }

  public Poly times(Atom a) {
    return times(of(a));
  }

  /** sum over {@code i} of this polynomial (terms without i are multiplied by i's range). */
  public Poly sum(Idx i) {
    List<Monomial> out = new ArrayList<>();
    for (Monomial m : terms) {
      if (m.mentions(i)) {
        List<Idx> s = new ArrayList<>(m.sums());
        s.add(i);
        out.add(new Monomial(m.coef(), s, m.atoms()));
      } else if (i.range() instanceof Dim.Fixed f) {
        out.add(m.scaled(f.n()));
      } else {
        List<Atom> a = new ArrayList<>(m.atoms());
        a.add(new Atom.SizeValue(((Dim.Named) i.range()).size()));
        out.add(new Monomial(m.coef(), m.sums(), a));
      }
    }
    return new Poly(out).simplified();
  }

  public Poly subst(Map<Idx, Ix> s) {
    return new Poly(terms.stream().map(m -> m.subst(s)).toList()).simplified();
  }

  public boolean mentions(Idx i) {
    return terms.stream().anyMatch(m -> m.mentions(i));
  }

  /** Whether any term holds a random statistic (an {@link Atom.Rv}). */
  public boolean isRandom() {
    return anyAtom(a -> a instanceof Atom.Rv);
  }

  /** Whether an atom of some term, or of a function's arguments at any depth, satisfies {@code test}. */
  public boolean anyAtom(java.util.function.Predicate<Atom> test) {
    return terms.stream().anyMatch(m -> m.atoms().stream().anyMatch(a -> test.test(a)
        || a instanceof Atom.Fn f && f.args().stream().anyMatch(x -> x.anyAtom(test))));
  }

  /** Whether some atom, at any depth, is a moment of factor {@code factor}. */
  public boolean readsFactor(String factor) {
    return anyAtom(a -> a instanceof Atom.Moment mo && mo.factor().equals(factor));
  }

  // ----------------------------------------------------------------------------------------------

  public Poly simplified() {
    Map<String, Monomial> merged = new LinkedHashMap<>();
    for (Monomial m : terms) {
      Monomial s = eliminateDeltas(m);
      if (s == null || s.coef() == 0) {
        continue;
      }
      String key = key(s);
      Monomial prev = merged.get(key);
      merged.put(key, prev == null ? s : new Monomial(prev.coef() + s.coef(), prev.sums(), prev.atoms()));
    }
    List<Monomial> out = new ArrayList<>();
    for (Monomial m : merged.values()) {
      if (m.coef() != 0) {
        out.add(m);
      }
    }
    return new Poly(out);
  }

  /** Removes deltas over summed indices by substitution; null if a delta is identically 0. */
  private static Monomial eliminateDeltas(Monomial m) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int k = 0; k < m.atoms().size(); k++) {
        if (m.atoms().get(k) instanceof Atom.Less l) {
          if (l.a().equals(l.b())) {
            return null;
          }
          if (l.a() instanceof Ix.C ca && l.b() instanceof Ix.C cb) {
            if (ca.value() >= cb.value()) {
              return null;
            }
            m = without(m, k);
            changed = true;
            break;
          }
          continue;
        }
        if (!(m.atoms().get(k) instanceof Atom.Delta d)) {
          continue;
        }
        if (d.a() instanceof Ix.C ca && d.b() instanceof Ix.C cb) {
          if (ca.value() != cb.value()) {
            return null;
          }
          m = without(m, k);
          changed = true;
          break;
        }
        if (d.a().equals(d.b())) {
          m = without(m, k);
          changed = true;
          break;
        }
        Idx bound = null;
        Ix other = null;
        if (d.a() instanceof Ix.V va && m.sums().contains(va.idx()) && !d.b().mentions(va.idx())) {
          bound = va.idx();
          other = d.b();
        } else if (d.b() instanceof Ix.V vb && m.sums().contains(vb.idx()) && !d.a().mentions(vb.idx())) {
          bound = vb.idx();
          other = d.a();
        }
        if (bound != null) {
          Monomial w = without(m, k);
          List<Idx> sums = new ArrayList<>(w.sums());
          sums.remove(bound);
          m = new Monomial(w.coef(), sums, w.atoms()).subst(Map.of(bound, other));
          changed = true;
          break;
        }
      }
    }
    // Drop sums over indices nothing mentions any more (they multiply by the range).
    List<Idx> keep = new ArrayList<>();
    List<Atom> atoms = new ArrayList<>(m.atoms());
    double coef = m.coef();
    for (Idx i : m.sums()) {
      if (m.atoms().stream().anyMatch(a -> a.mentions(i))) {
        keep.add(i);
      } else if (i.range() instanceof Dim.Fixed f) {
        coef *= f.n();
      } else {
        atoms.add(new Atom.SizeValue(((Dim.Named) i.range()).size()));
      }
    }
    return new Monomial(coef, keep, atoms);
  }

  private static Monomial without(Monomial m, int k) {
    List<Atom> a = new ArrayList<>(m.atoms());
    a.remove(k);
    return new Monomial(m.coef(), m.sums(), a);
  }

  /** A structural key equal for alpha-equivalent monomials (bound indices renamed canonically). */
  static String key(Monomial m) {
    Map<Idx, String> placeholder = new HashMap<>();
    for (Idx i : m.sums()) {
      placeholder.put(i, "#" + i.range().text());
    }
    List<String> parts = m.atoms().stream().map(a -> Printer.atom(a, placeholder)).sorted().toList();
    // Rename bound indices by first appearance in the sorted parts.
    Map<Idx, String> canonical = new HashMap<>();
    List<Atom> sorted = new ArrayList<>(m.atoms());
    sorted.sort(Comparator.comparing(a -> Printer.atom(a, placeholder)));
    int n = 0;
    for (Atom a : sorted) {
      for (Idx i : m.sums()) {
        if (!canonical.containsKey(i) && a.mentions(i)) {
          canonical.put(i, "#" + n++);
        }
      }
    }
    for (Idx i : m.sums()) {
      canonical.putIfAbsent(i, "#" + n++);
    }
    return m.sums().size() + "|" + sorted.stream().map(a -> Printer.atom(a, canonical))
        .collect(Collectors.joining("*")) + "|" + parts.size();
  }

  @Override
  public String toString() {
    return Printer.plain(this);
  }
}
