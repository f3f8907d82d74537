package dev.vmodel.compiler.algebra;

import dev.vmodel.compiler.graph.IrPrinter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints polynomials as plain text (`sum_n <tau> * x[n]`) and as LaTeX, with expectations under
 * q written in angle brackets: `<tau>` is E_q[tau].
 */
public final class Printer {
  private Printer() {}

  public static String plain(Poly p) {
    return render(p, false);
  }

  public static String latex(Poly p) {
    return render(p, true);
  }

  private static String render(Poly p, boolean tex) {
    if (p.terms().isEmpty()) {
      return "0";
    }
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (Monomial m : p.terms()) {
      String body = monomial(m, tex);
      if (first) {
        out.append(body.startsWith("-") ? "-" + body.substring(1).stripLeading() : body);
      } else if (body.startsWith("-")) {
        out.append(" - ").append(body.substring(1).stripLeading());
      } else {
        out.append(" + ").append(body);
      }
      first = false;
    }
    return out.toString();
  }

  static String monomial(Monomial m, boolean tex) {
    Map<Idx, String> names = boundNames(m);
    List<String> factors = new ArrayList<>();
    for (Atom a : m.atoms()) {
      factors.add(tex ? atomTex(a, names) : atom(a, names));
    }
    String c = number(Math.abs(m.coef()));
    boolean unit = Math.abs(m.coef()) == 1;
    String product = String.join(tex ? " " : " * ", factors);
    String body;
    if (factors.isEmpty()) {
      body = c;
    } else if (unit) {
      body = product;
    } else {
      body = c + (tex ? " " : " * ") + product;
    }
    if (!m.sums().isEmpty()) {
      String idx = m.sums().stream().map(names::get).collect(Collectors.joining(","));
      body = (tex ? "\\sum_{" + idx + "} " : "sum_" + (m.sums().size() > 1 ? "{" + idx + "}" : idx) + " ") + body;
    }
    return (m.coef() < 0 ? "-" : "") + body;
  }

  /**
   * Display names for a monomial's bound indices, distinct from each other and from the free
   * indices it mentions (two sums over p print as p and p2).
   */
  static Map<Idx, String> boundNames(Monomial m) {
    java.util.Set<String> taken = new java.util.HashSet<>();
    for (Atom a : m.atoms()) {
      collectFree(a, m, taken);
    }
    Map<Idx, String> names = new HashMap<>();
    for (Idx i : m.sums()) {
      String base = i.name();
      String n = base;
      int k = 2;
      while (taken.contains(n)) {
        n = base + k++;
      }
      taken.add(n);
      names.put(i, n);
    }
    return names;
  }

  private static void collectFree(Atom a, Monomial m, java.util.Set<String> taken) {
    List<Ix> all = new ArrayList<>();
    if (a instanceof Atom.Rv r) {
      all.addAll(r.element());
      all.addAll(r.component());
    } else if (a instanceof Atom.Moment mo) {
      all.addAll(mo.element());
      all.addAll(mo.component());
    } else if (a instanceof Atom.Data d) {
      all.addAll(d.element());
      all.addAll(d.component());
    } else if (a instanceof Atom.Hyper h) {
      all.addAll(h.component());
    } else if (a instanceof Atom.Delta d) {
      all.add(d.a());
      all.add(d.b());
    } else if (a instanceof Atom.MatrixFn f) {
      all.addAll(f.component());
    }
    for (Ix x : all) {
      if (x instanceof Ix.V v && !m.sums().contains(v.idx())) {
        taken.add(v.idx().name());
      } else if (x instanceof Ix.D d) {
        for (Ix y : d.element()) {
          if (y instanceof Ix.V v && !m.sums().contains(v.idx())) {
            taken.add(v.idx().name());
          }
        }
      }
    }
  }

  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    if (s.contains("e")) {
      return s;
    }
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  static String ix(List<Ix> xs, Map<Idx, String> names) {
    if (xs.isEmpty()) {
      return "";
    }
    return xs.stream().map(x -> ixOne(x, names)).collect(Collectors.joining(",", "[", "]"));
  }

  static String ixOne(Ix x, Map<Idx, String> names) {
    if (x instanceof Ix.V v) {
      return names.getOrDefault(v.idx(), v.idx().name());
    }
    if (x instanceof Ix.D d) {
      return d.var() + ix(d.element(), names);
    }
    return x.toString();
  }

  /** Plain-text form of an atom. */
  static String atom(Atom a, Map<Idx, String> names) {
    if (a instanceof Atom.Rv r) {
      String v = r.var() + ix(r.element(), names);
      switch (r.stat()) {
        case ID:
          return v + ix(r.component(), names);
        case LN:
          return "ln " + v + ix(r.component(), names);
        case LN1M:
          return "ln(1-" + v + ")";
        case INV:
          return "1/" + v;
        case LNDET:
          return "ln|" + v + "|";
        default:
          return "[" + v + "=" + ix(r.component(), names).replaceAll("^\\[|\\]$", "") + "]";
      }
    } else if (a instanceof Atom.Moment m) {
      String v = m.factor().contains(",") ? "(" + m.factor() + ")" : m.factor();
      return "<" + m.stat() + ">" + "{" + v + ix(m.element(), names) + "}" + ix(m.component(), names);
    } else if (a instanceof Atom.Data d) {
      return d.var() + ix(d.element(), names) + ix(d.component(), names);
    } else if (a instanceof Atom.Hyper h) {
      return h.name() + ix(h.component(), names);
    } else if (a instanceof Atom.SizeValue s) {
      return s.name();
    } else if (a instanceof Atom.Delta d) {
      return "[" + ixOne(d.a(), names) + "=" + ixOne(d.b(), names) + "]";
    } else if (a instanceof Atom.Fn f) {
      String args = f.args().stream().map(Printer::plain).collect(Collectors.joining(", "));
      return f.f().name().toLowerCase(Locale.ROOT) + "(" + args + ")";
    } else if (a instanceof Atom.MatrixFn mf) {
      String m = IrPrinter.print(mf.matrix());
      return mf.f() == Atom.MatFunc.INVERSE ? "inv(" + m + ")" + ix(mf.component(), names) : "ln|" + m + "|";
    }
    throw new IllegalStateException(a.toString());
  }

  static String atomTex(Atom a, Map<Idx, String> names) {
    // A LaTeX rendering close to PRML's notation.
    if (a instanceof Atom.Moment m) {
      return "\\langle " + m.stat() + "(" + m.factor() + texIx(m.element(), names) + ")\\rangle"
          + texIx(m.component(), names);
    } else if (a instanceof Atom.Data d) {
      return d.var() + texIx(d.element(), names) + texIx(d.component(), names);
    } else if (a instanceof Atom.Hyper h) {
      return h.name() + texIx(h.component(), names);
    } else if (a instanceof Atom.Delta d) {
      return "[" + ixOne(d.a(), names) + "=" + ixOne(d.b(), names) + "]";
    } else if (a instanceof Atom.Fn f) {
      String args = f.args().stream().map(Printer::latex).collect(Collectors.joining(", "));
      switch (f.f()) {
        case LOG:
          return "\\ln(" + args + ")";
        case LGAMMA:
          return "\\ln\\Gamma(" + args + ")";
        case LMVGAMMA:
          return "\\ln\\Gamma_{" + Printer.latex(f.args().get(0)) + "}(" + Printer.latex(f.args().get(1)) + ")";
        default:
          return "\\operatorname{" + f.f().name().toLowerCase(Locale.ROOT) + "}(" + args + ")";
      }
    }
    return atom(a, names);
  }

  private static String texIx(List<Ix> xs, Map<Idx, String> names) {
    if (xs.isEmpty()) {
      return "";
    }
    return "_{" + xs.stream().map(x -> ixOne(x, names)).collect(Collectors.joining(",")) + "}";
  }
}
