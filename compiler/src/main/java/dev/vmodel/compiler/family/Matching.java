package dev.vmodel.compiler.family;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reading random atoms as a family's statistics. */
final class Matching {
  private Matching() {}

  /**
   * A one-latent family: the atoms' signature is that of a sufficient statistic (or, with
   * {@code moments}, of a further moment); the statistic's components are the atoms' components.
   */
  static Family.Match bySignature(FamilySpec spec, List<Atom.Rv> atoms, boolean moments) {
    String sig = signature(atoms);
    List<Ix> comps = new ArrayList<>();
    for (Atom.Rv r : atoms) {
      comps.addAll(r.component());
    }
    List<FamilySpec.StatDef> candidates = new ArrayList<>(spec.statistics());
    if (moments) {
      candidates.addAll(spec.extraMoments());
    }
    for (FamilySpec.StatDef s : candidates) {
      if (sig.equals(s.signature())) {
        return new Family.Match(s.name(), comps, List.of());
      }
    }
    return null;
  }

  /** "ID0,ID0" for x * x: each atom's statistic and number of components, sorted. */
  static String signature(List<Atom.Rv> atoms) {
    List<String> parts = new ArrayList<>();
    for (Atom.Rv r : atoms) {
      parts.add(r.stat().name() + r.component().size());
    }
    parts.sort(null);
    return String.join(",", parts);
  }

  /** Splits atoms into those of the first member and the rest: [first, rest]. */
  static List<List<Atom.Rv>> byMember(String first, List<Atom.Rv> atoms) {
    List<Atom.Rv> a = new ArrayList<>();
    List<Atom.Rv> b = new ArrayList<>();
    for (Atom.Rv r : atoms) {
      (r.var().equals(first) ? a : b).add(r);
    }
    return List.of(a, b);
  }

  /** An index summed in the monomial and used only by the statistic's own atoms. */
  static boolean contractible(Ix x, Monomial context, Set<Atom> ours) {
    if (!(x instanceof Ix.V v) || !context.sums().contains(v.idx())) {
      return false;
    }
    for (Atom other : context.atoms()) {
      if (!ours.contains(other) && other.mentions(v.idx())) {
        return false;
      }
    }
    return true;
  }
}
