package dev.vmodel.compiler.family;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.check.Dim;
import java.util.ArrayList;
import java.util.List;

/**
 * The exponential family of one mean-field factor: a {@link FamilySpec} (everything the pipeline
 * knows of the family) applied to the factor's members and component dimension. Statistics are
 * recognised from the random atoms of a monomial, so that `tau * x^2` from a Normal likelihood is
 * read as "the statistic tau of q(tau), times x^2".
 */
public record Family(FamilySpec spec, List<String> members, Dim dim) {

  public Family {
    members = List.copyOf(members);
  }

  /** The family of {@code kind} (see {@link Families#of}). */
  public Family(Kind kind, List<String> members, Dim dim) {
    this(Families.of(kind), members, dim);
  }

  /**
   * The families of the language's conjugate updates, as identifiers only: what a family is and
   * does is its {@link FamilySpec}, found through {@link Families}.
   */
  public enum Kind {
    NORMAL,
    MULTI_NORMAL,
    GAMMA,
    INV_GAMMA,
    BETA,
    DIRICHLET,
    CATEGORICAL,
    WISHART,
    NORMAL_GAMMA,
    NORMAL_WISHART,
    JAAKKOLA_JORDAN,
    BOHNING,
    MARKOV_CHAIN
  }

  /** A statistic: its name and the number of component indices it carries. */
  public record Stat(String name, int arity, String text) {}

  /** A recognised statistic in a monomial: components in order, bound indices it contracts. */
  public record Match(String stat, List<Ix> components, List<Idx> consumed) {}

  public Kind kind() {
    return spec.kind();
  }

  /** "Gamma", "Normal-Wishart": the family's name for people. */
  public String title() {
    return spec.title();
  }

  /** The sufficient statistics, in the order natural parameters are listed. */
  public List<Stat> naturalStats() {
    List<Stat> out = new ArrayList<>();
    for (FamilySpec.StatDef s : spec.statistics()) {
      out.add(new Stat(s.name(), s.arity(), s.text(members)));
    }
    return out;
  }

  /** The statistics as a reader sees them: `(tau, ln tau)`. */
  public String statsText() {
    List<String> s = new ArrayList<>();
    for (Stat st : naturalStats()) {
      s.add(st.text());
    }
    return "(" + String.join(", ", s) + ")";
  }

  /** Matches target atoms against the sufficient statistics; null if they are not one. */
  public Match matchNatural(List<Atom.Rv> atoms, Monomial context) {
    return spec.match(members, atoms, context, false);
  }

  /** Matches atoms against the moments q can supply (a superset of the statistics). */
  public Match matchMoment(List<Atom.Rv> atoms, Monomial context) {
    return spec.match(members, atoms, context, true);
  }
}
