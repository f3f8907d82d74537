package dev.vmodel.compiler.algebra;

import dev.vmodel.compiler.check.Dim;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The exponential family of one mean-field factor: its sufficient statistics (what an optimal
 * ln q* must be linear in) and the further moments it can supply to its neighbours' updates.
 * Statistics are recognised from the random atoms of a monomial, so that `tau * x^2` from a
 * Normal likelihood is read as "the statistic tau of q(tau), times x^2".
 */
public record Family(Kind kind, List<String> members, Dim dim) {

  public Family {
    members = List.copyOf(members);
  }

  /** The families of the language's conjugate updates. */
  public enum Kind {
    NORMAL("Normal"),
    MULTI_NORMAL("MultiNormal"),
    GAMMA("Gamma"),
    INV_GAMMA("InvGamma"),
    BETA("Beta"),
    DIRICHLET("Dirichlet"),
    CATEGORICAL("Categorical"),
    WISHART("Wishart"),
    NORMAL_GAMMA("Normal-Gamma"),
    NORMAL_WISHART("Normal-Wishart");

    private final String title;

    Kind(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }
  }

  /** A statistic: its name and the number of component indices it carries. */
  public record Stat(String name, int arity, String text) {}

  /** A recognised statistic in a monomial: components in order, bound indices it contracts. */
  public record Match(String stat, List<Ix> components, List<Idx> consumed) {}

  /** The sufficient statistics, in the order natural parameters are listed. */
  public List<Stat> naturalStats() {
    String x = members.get(0);
    switch (kind) {
      case NORMAL:
        return List.of(new Stat("x", 0, x), new Stat("x2", 0, x + "^2"));
      case MULTI_NORMAL:
        return List.of(new Stat("x", 1, x), new Stat("xxT", 2, x + " " + x + "^T"));
      case GAMMA:
        return List.of(new Stat("x", 0, x), new Stat("lnx", 0, "ln " + x));
      case INV_GAMMA:
        return List.of(new Stat("invx", 0, "1/" + x), new Stat("lnx", 0, "ln " + x));
      case BETA:
        return List.of(new Stat("lnx", 0, "ln " + x), new Stat("ln1mx", 0, "ln(1 - " + x + ")"));
      case DIRICHLET:
        return List.of(new Stat("lnx", 1, "ln " + x));
      case CATEGORICAL:
        return List.of(new Stat("onehot", 1, "[" + x + " = k]"));
      case WISHART:
        return List.of(new Stat("X", 2, x), new Stat("lnDet", 0, "ln|" + x + "|"));
      case NORMAL_GAMMA: {
        String mu = members.get(0);
        String tau = members.get(1);
        return List.of(new Stat("tau", 0, tau), new Stat("lntau", 0, "ln " + tau),
            new Stat("taumu", 0, tau + " " + mu), new Stat("taumu2", 0, tau + " " + mu + "^2"));
      }
      default: {
        String mu = members.get(0);
        String lam = members.get(1);
        return List.of(new Stat("Lambda", 2, lam), new Stat("lnDetLambda", 0, "ln|" + lam + "|"),
            new Stat("Lambdamu", 1, lam + " " + mu), new Stat("muLambdamu", 0, mu + "^T " + lam + " " + mu));
      }
    }
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
    return match(atoms, context, false);
  }

  /** Matches atoms against the moments q can supply (a superset of the statistics). */
  public Match matchMoment(List<Atom.Rv> atoms, Monomial context) {
    return match(atoms, context, true);
  }

  private Match match(List<Atom.Rv> atoms, Monomial context, boolean moments) {
    if (members.size() == 1) {
      return matchSingle(atoms, moments);
    }
    String first = members.get(0);
    List<Atom.Rv> a = new ArrayList<>();
    List<Atom.Rv> b = new ArrayList<>();
    for (Atom.Rv r : atoms) {
      (r.var().equals(first) ? a : b).add(r);
    }
    return kind == Kind.NORMAL_GAMMA ? matchNormalGamma(a, b, moments) : matchNormalWishart(a, b, context, moments);
  }

  private Match matchSingle(List<Atom.Rv> atoms, boolean moments) {
    String sig = signature(atoms);
    List<Ix> comps = new ArrayList<>();
    for (Atom.Rv r : atoms) {
      comps.addAll(r.component());
    }
    switch (kind) {
      case NORMAL:
        if (sig.equals("ID0")) {
          return new Match("x", comps, List.of());
        }
        if (sig.equals("ID0,ID0")) {
          return new Match("x2", comps, List.of());
        }
        return null;
      case MULTI_NORMAL:
        if (sig.equals("ID1")) {
          return new Match("x", comps, List.of());
        }
        if (sig.equals("ID1,ID1")) {
          return new Match("xxT", comps, List.of());
        }
        return null;
      case GAMMA:
        switch (sig) {
          case "ID0":
            return new Match("x", comps, List.of());
          case "LN0":
            return new Match("lnx", comps, List.of());
          case "ID0,ID0":
            return moments ? new Match("x2", comps, List.of()) : null;
          case "INV0":
            return moments ? new Match("invx", comps, List.of()) : null;
          default:
            return null;
        }
      case INV_GAMMA:
        switch (sig) {
          case "INV0":
            return new Match("invx", comps, List.of());
          case "LN0":
            return new Match("lnx", comps, List.of());
          case "ID0":
            return moments ? new Match("x", comps, List.of()) : null;
          default:
            return null;
        }
      case BETA:
        switch (sig) {
          case "LN0":
            return new Match("lnx", comps, List.of());
          case "LN1M0":
            return new Match("ln1mx", comps, List.of());
          case "ID0":
            return moments ? new Match("x", comps, List.of()) : null;
          default:
            return null;
        }
      case DIRICHLET:
        if (sig.equals("LN1")) {
          return new Match("lnx", comps, List.of());
        }
        return moments && sig.equals("ID1") ? new Match("x", comps, List.of()) : null;
      case CATEGORICAL:
        return sig.equals("ONEHOT1") ? new Match("onehot", comps, List.of()) : null;
      case WISHART:
        if (sig.equals("ID2")) {
          return new Match("X", comps, List.of());
        }
        return sig.equals("LNDET0") ? new Match("lnDet", comps, List.of()) : null;
      default:
        return null;
    }
  }

  private static String signature(List<Atom.Rv> atoms) {
    List<String> parts = new ArrayList<>();
    for (Atom.Rv r : atoms) {
      parts.add(r.stat().name() + r.component().size());
    }
    parts.sort(null);
    return String.join(",", parts);
  }

  private Match matchNormalGamma(List<Atom.Rv> mu, List<Atom.Rv> tau, boolean moments) {
    String t = signature(tau);
    String m = signature(mu);
    if (t.equals("LN0") && m.isEmpty()) {
      return new Match("lntau", List.of(), List.of());
    }
    if (t.equals("ID0")) {
      switch (m) {
        case "":
          return new Match("tau", List.of(), List.of());
        case "ID0":
          return new Match("taumu", List.of(), List.of());
        case "ID0,ID0":
          return new Match("taumu2", List.of(), List.of());
        default:
          return null;
      }
    }
    if (moments && t.isEmpty() && m.equals("ID0")) {
      return new Match("mu", List.of(), List.of());
    }
    return null;
  }

  private Match matchNormalWishart(List<Atom.Rv> mu, List<Atom.Rv> lam, Monomial context, boolean moments) {
    String l = signature(lam);
    String m = signature(mu);
    if (l.equals("LNDET0") && m.isEmpty()) {
      return new Match("lnDetLambda", List.of(), List.of());
    }
    if (moments && l.isEmpty() && m.equals("ID1")) {
      return new Match("mu", mu.get(0).component(), List.of());
    }
    if (!l.equals("ID2")) {
      return null;
    }
    Ix a = lam.get(0).component().get(0);
    Ix b = lam.get(0).component().get(1);
    if (m.isEmpty()) {
      return new Match("Lambda", List.of(a, b), List.of());
    }
    Set<Atom> ours = new HashSet<>(lam);
    ours.addAll(mu);
    if (m.equals("ID1")) {
      Ix c = mu.get(0).component().get(0);
      if (c.equals(b) && contractible(b, context, ours)) {
        return new Match("Lambdamu", List.of(a), List.of(((Ix.V) b).idx()));
      }
      if (c.equals(a) && contractible(a, context, ours)) {
        return new Match("Lambdamu", List.of(b), List.of(((Ix.V) a).idx()));
      }
      return null;
    }
    if (m.equals("ID1,ID1")) {
      Ix c = mu.get(0).component().get(0);
      Ix d = mu.get(1).component().get(0);
      boolean pairs = (c.equals(a) && d.equals(b)) || (c.equals(b) && d.equals(a));
      if (pairs && !a.equals(b) && contractible(a, context, ours) && contractible(b, context, ours)) {
        return new Match("muLambdamu", List.of(), List.of(((Ix.V) a).idx(), ((Ix.V) b).idx()));
      }
    }
    return null;
  }

  /** An index summed in the monomial and used only by the statistic's own atoms. */
  private static boolean contractible(Ix x, Monomial context, Set<Atom> ours) {
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
