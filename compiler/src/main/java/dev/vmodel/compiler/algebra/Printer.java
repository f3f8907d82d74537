package dev.vmodel.compiler.algebra;

import dev.vmodel.compiler.graph.IrPrinter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints polynomials. Three forms:
 *
 * <ul>
 *   <li>{@link #plain}: the compact developer form, `sum_n <x>{tau} * x[n]`, with expectations
 *       under q written `<stat>{factor}`. Diagnostics, generated-code comments and
 *       {@link Poly#toString} use it; keep it stable.
 *   <li>{@link #text}: the readable form that `vmodel explain` prints, `sum_n <tau> * x[n]`,
 *       `<ln pi[k]>`, `q(z[n]=k)`, `y[j] / sigma[j]^2`.
 *   <li>{@link #latex}: the same in LaTeX, close to PRML's notation: `\langle \ln \pi_{k} \rangle`,
 *       `\frac{1}{2}`, `\frac{y_{j}}{\sigma_{j}^{2}}`.
 * </ul>
 */
public final class Printer {
  private Printer() {}

  public static String plain(Poly p) {
    if (p.terms().isEmpty()) {
      return "0";
    }
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (Monomial m : p.terms()) {
      String body = monomial(m);
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

  /** The readable plain-text form of `vmodel explain`. */
  public static String text(Poly p) {
    return Display.poly(p, false);
  }

  /** The LaTeX form of `vmodel explain --format markdown`. */
  public static String latex(Poly p) {
    return Display.poly(p, true);
  }

  static String monomial(Monomial m) {
    Map<Idx, String> names = boundNames(m);
    List<String> factors = new ArrayList<>();
    for (Atom a : m.atoms()) {
      factors.add(atom(a, names));
    }
    String c = number(Math.abs(m.coef()));
    boolean unit = Math.abs(m.coef()) == 1;
    String product = String.join(" * ", factors);
    String body;
    if (factors.isEmpty()) {
      body = c;
    } else if (unit) {
      body = product;
    } else {
      body = c + " * " + product;
    }
    if (!m.sums().isEmpty()) {
      String idx = m.sums().stream().map(names::get).collect(Collectors.joining(","));
      body = "sum_" + (m.sums().size() > 1 ? "{" + idx + "}" : idx) + " " + body;
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
    } else if (a instanceof Atom.Less l) {
      all.add(l.a());
      all.add(l.b());
    } else if (a instanceof Atom.Observed o) {
      all.addAll(o.element());
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
        case LAMBDA:
          return "lambda(" + v + ")";
        case OFFSET:
          return "offset(" + v + ")";
        case SHIFT:
          return "shift(" + v + ")" + ix(r.component(), names);
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
    } else if (a instanceof Atom.Observed o) {
      return "obs(" + o.var() + ix(o.element(), names) + ")";
    } else if (a instanceof Atom.SizeValue s) {
      return s.name();
    } else if (a instanceof Atom.Delta d) {
      return "[" + ixOne(d.a(), names) + "=" + ixOne(d.b(), names) + "]";
    } else if (a instanceof Atom.Less l) {
      return "[" + ixOne(l.a(), names) + "<" + ixOne(l.b(), names) + "]";
    } else if (a instanceof Atom.Fn f) {
      String args = f.args().stream().map(Printer::plain).collect(Collectors.joining(", "));
      return f.f().name().toLowerCase(Locale.ROOT) + "(" + args + ")";
    } else if (a instanceof Atom.MatrixFn mf) {
      String m = IrPrinter.print(mf.matrix());
      return mf.f() == Atom.MatFunc.INVERSE ? "inv(" + m + ")" + ix(mf.component(), names) : "ln|" + m + "|";
    }
    throw new IllegalStateException(a.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // The readable forms: text and LaTeX

  /** A statistic as a reader writes it: the expression, and component indices written after it. */
  public record Statistic(String inner, String outside) {
    /** The statistic itself: `ln pi[k]`, `(w w^T)[i,j]`, `[z[n] = k]`. */
    public String value() {
      return outside.isEmpty() ? inner : "(" + inner + ")" + outside;
    }
  }

  /**
   * A factor's sufficient statistic in readable form, for element indices {@code element} and
   * component indices {@code component}: `ln pi[k]` (a Dirichlet's components are written
   * inside), `Lambda[k] mu[k]` with `[i]` outside, `z[n] = k` for a categorical.
   */
  public static Statistic statistic(String factor, List<Ix> element, String stat, List<Ix> component, boolean tex) {
    return Display.statistic(factor, element, stat, component, Map.of(), tex);
  }

  /** A name of the model in LaTeX: `\alpha_0` for alpha0, `\Lambda`, `W_0`, `\mathit{doc}`. */
  public static String texName(String id) {
    return Display.texName(id);
  }

  /** The shared implementation of {@link #text} and {@link #latex}. */
  private static final class Display {
    private static final java.util.Set<String> GREEK = java.util.Set.of(
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
        "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega");
    private static final double LN_2PI = Math.log(2 * Math.PI);
    private static final double LN_2 = Math.log(2);

    private Display() {}

    static String poly(Poly p, boolean tex) {
      if (p.terms().isEmpty()) {
        return "0";
      }
      StringBuilder out = new StringBuilder();
      boolean first = true;
      for (Monomial m : p.terms()) {
        String body = monomial(m, tex);
        boolean negative = m.coef() < 0;
        if (first) {
          out.append(negative ? "-" : "").append(body);
        } else {
          out.append(negative ? " - " : " + ").append(body);
        }
        first = false;
      }
      return out.toString();
    }

    /** |coef| * sum prod(atoms), with repeated atoms as powers and reciprocals as a denominator. */
    static String monomial(Monomial m, boolean tex) {
      Map<Idx, String> names = boundNames(m);
      Map<String, Integer> num = new java.util.LinkedHashMap<>();
      Map<String, Integer> den = new java.util.LinkedHashMap<>();
      Map<String, Integer> rank = new HashMap<>();
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Fn f && f.f() == Atom.Func.INV && f.args().size() == 1) {
          den.merge(base(f.args().get(0), tex), 1, Integer::sum);
        } else if (a instanceof Atom.Rv r && r.stat() == Atom.Stat.INV) {
          den.merge(variable(r.var(), r.element(), r.component(), names, tex), 1, Integer::sum);
        } else {
          String r = atom(a, names, tex);
          num.merge(r, 1, Integer::sum);
          rank.putIfAbsent(r, tex ? rank(a) : 0);
        }
      }
      double c = Math.abs(m.coef());
      String constant = null;
      long[] frac = fraction(c, 12);
      if (frac == null) {
        for (double k : new double[] {LN_2PI, LN_2}) {
          long[] r = fraction(c / k, 4);
          if (r != null) {
            frac = r;
            c = (double) r[0] / r[1];
            constant = k == LN_2PI ? (tex ? "\\ln 2\\pi" : "ln(2pi)") : (tex ? "\\ln 2" : "ln(2)");
            break;
          }
        }
      }
      List<String> numerator = new ArrayList<>();
      if (tex) {
        // Known values first, then expectations, then functions, logarithms last: `\frac{1}{2} D \ln 2\pi`,
        // not `\frac{1}{2} \ln 2\pi D`; a logarithm followed by another factor is parenthesised.
        List<String> order = new ArrayList<>(num.keySet());
        order.sort(java.util.Comparator.comparingInt(rank::get));
        List<String> logs = new ArrayList<>();
        for (String b : order) {
          (rank.get(b) == 3 ? logs : numerator).add(power(b, num.get(b), true));
        }
        if (constant != null) {
          logs.add(constant);
        }
        for (int i = 0; i < logs.size(); i++) {
          numerator.add(i < logs.size() - 1 ? "(" + logs.get(i) + ")" : logs.get(i));
        }
      } else {
        if (constant != null) {
          numerator.add(constant);
        }
        num.forEach((b, n) -> numerator.add(power(b, n, false)));
      }
      List<String> denominator = new ArrayList<>();
      den.forEach((b, n) -> denominator.add(power(b, n, tex)));
      String body = tex ? texProduct(c, frac, numerator, denominator) : textProduct(c, numerator, denominator);
      if (!m.sums().isEmpty()) {
        List<String> idx = new ArrayList<>();
        for (Idx i : sumOrder(m)) {
          idx.add(index(new Ix.V(i), names, tex));
        }
        String list = String.join(",", idx);
        body = (tex ? "\\sum_{" + list + "} " : "sum_" + (idx.size() > 1 ? "{" + list + "}" : list) + " ") + body;
      }
      return body;
    }

    /** Where a factor goes in a LaTeX product: 0 known values, 1 expectations, 2 functions, 3 logarithms. */
    private static int rank(Atom a) {
      if (a instanceof Atom.Moment || a instanceof Atom.Rv) {
        return 1;
      }
      if (a instanceof Atom.Fn f) {
        return f.f() == Atom.Func.LOG || f.f() == Atom.Func.LOG1M ? 3 : 2;
      }
      if (a instanceof Atom.MatrixFn mf) {
        return mf.f() == Atom.MatFunc.LOGDET ? 3 : 0;
      }
      return 0;
    }

    /** Summation indices in order of first mention. */
    private static List<Idx> sumOrder(Monomial m) {
      List<Idx> out = new ArrayList<>();
      for (Atom a : m.atoms()) {
        for (Idx i : m.sums()) {
          if (!out.contains(i) && a.mentions(i)) {
            out.add(i);
          }
        }
      }
      for (Idx i : m.sums()) {
        if (!out.contains(i)) {
          out.add(i);
        }
      }
      return out;
    }

    private static String textProduct(double c, List<String> num, List<String> den) {
      List<String> parts = new ArrayList<>();
      if (c != 1 || num.isEmpty()) {
        parts.add(number(c));
      }
      parts.addAll(num);
      String top = String.join(" * ", parts);
      if (den.isEmpty()) {
        return top;
      }
      String bottom = den.size() == 1 ? den.get(0) : "(" + String.join(" * ", den) + ")";
      return (top.equals("1") ? "1/" : top + " / ") + bottom;
    }

    private static String texProduct(double c, long[] frac, List<String> num, List<String> den) {
      String p;
      String q = null;
      if (frac != null) {
        p = Long.toString(Math.abs(frac[0]));
        q = frac[1] == 1 ? null : Long.toString(frac[1]);
      } else {
        p = texNumber(c);
      }
      if (den.isEmpty()) {
        List<String> parts = new ArrayList<>();
        if (q != null) {
          parts.add("\\frac{" + p + "}{" + q + "}");
        } else if (!p.equals("1") || num.isEmpty()) {
          parts.add(p);
        }
        parts.addAll(num);
        return String.join(" ", parts);
      }
      List<String> top = new ArrayList<>();
      if (!p.equals("1") || num.isEmpty()) {
        top.add(p);
      }
      top.addAll(num);
      List<String> bottom = new ArrayList<>();
      if (q != null) {
        bottom.add(q);
      }
      bottom.addAll(den);
      return "\\frac{" + String.join(" ", top) + "}{" + String.join(" ", bottom) + "}";
    }

    /** p/q for a value that is a fraction with a small denominator, else null. */
    static long[] fraction(double v, int maxDenominator) {
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        return null;
      }
      for (int q = 1; q <= maxDenominator; q++) {
        double p = v * q;
        if (Math.abs(p) < 1e6 && Math.abs(p - Math.rint(p)) < 1e-9 * Math.max(1, Math.abs(p)) && Math.rint(p) != 0) {
          return new long[] {(long) Math.rint(p), q};
        }
      }
      return null;
    }

    private static String texNumber(double v) {
      String s = number(v);
      int e = s.indexOf('e');
      if (e < 0) {
        return s;
      }
      String mantissa = s.substring(0, e).replaceAll("0+$", "").replaceAll("\\.$", "");
      int exp = Integer.parseInt(s.substring(e + 1).replace("+", ""));
      return (mantissa.equals("1") ? "" : mantissa + " \\times ") + "10^{" + exp + "}";
    }

    private static String power(String base, int n, boolean tex) {
      if (n == 1) {
        return base;
      }
      if (tex) {
        return (atomic(base, true) ? base : "\\left(" + base + "\\right)") + "^{" + n + "}";
      }
      return (atomic(base, false) ? base : "(" + base + ")") + "^" + n;
    }

    /** Whether a rendered factor can take an exponent without parentheses. */
    private static boolean atomic(String s, boolean tex) {
      if (tex && (s.startsWith("\\ln") || s.startsWith("\\frac") || s.contains("^"))) {
        return s.startsWith("\\langle") && s.endsWith("\\rangle");
      }
      int depth = 0;
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '(' || ch == '[' || ch == '{' || ch == '<') {
          depth++;
        } else if (ch == ')' || ch == ']' || ch == '}' || ch == '>') {
          depth--;
        } else if (depth == 0 && (ch == ' ' || ch == '+' || ch == '-' || ch == '*' || ch == '/' || ch == '^')) {
          return tex && s.startsWith("\\langle") && s.endsWith("\\rangle");
        }
      }
      return true;
    }

    /** A polynomial as the base of a power or a denominator: parenthesised unless one factor. */
    private static String base(Poly p, boolean tex) {
      String s = poly(p, tex);
      boolean single = p.terms().size() == 1 && p.terms().get(0).sums().isEmpty()
          && p.terms().get(0).atoms().size() == 1 && p.terms().get(0).coef() == 1;
      return single ? s : (tex ? "\\left(" + s + "\\right)" : "(" + s + ")");
    }

    static String atom(Atom a, Map<Idx, String> names, boolean tex) {
      if (a instanceof Atom.Moment m) {
        if (m.stat().equals("onehot")) {
          Statistic s = statistic(m.factor(), m.element(), m.stat(), m.component(), names, tex);
          return "q(" + s.inner() + ")";
        }
        Statistic s = statistic(m.factor(), m.element(), m.stat(), m.component(), names, tex);
        return tex ? "\\langle " + s.inner() + " \\rangle" + s.outside() : "<" + s.inner() + ">" + s.outside();
      } else if (a instanceof Atom.Rv r) {
        return tex ? rvTex(r, names) : Printer.atom(a, names);
      } else if (a instanceof Atom.Data d) {
        return variable(d.var(), d.element(), d.component(), names, tex);
      } else if (a instanceof Atom.Hyper h) {
        return variable(h.name(), List.of(), h.component(), names, tex);
      } else if (a instanceof Atom.SizeValue s) {
        return tex ? texName(s.name()) : s.name();
      } else if (a instanceof Atom.Observed o) {
        String v = variable(o.var(), o.element(), List.of(), names, tex);
        return tex ? "[" + v + "\\ \\mathrm{observed}]" : "[" + v + " observed]";
      } else if (a instanceof Atom.Delta d) {
        if (tex && d.a() instanceof Ix.V && d.b() instanceof Ix.V) {
          return "\\delta_{" + joinIx(List.of(d.a(), d.b()), names, true) + "}";
        }
        return "[" + index(d.a(), names, tex) + " = " + index(d.b(), names, tex) + "]";
      } else if (a instanceof Atom.Less l) {
        return "[" + index(l.a(), names, tex) + " < " + index(l.b(), names, tex) + "]";
      } else if (a instanceof Atom.Fn f) {
        String args = f.args().stream().map(x -> poly(x, tex)).collect(Collectors.joining(", "));
        switch (f.f()) {
          case LOG:
            return tex ? "\\ln " + base(f.args().get(0), true) : "ln(" + args + ")";
          case LOG1M:
            return tex ? "\\ln(1 - " + args + ")" : "ln(1 - " + args + ")";
          case EXP:
            return tex ? "\\exp" + "\\left(" + args + "\\right)" : "exp(" + args + ")";
          case LGAMMA:
            return tex ? "\\ln\\Gamma(" + args + ")" : "lnGamma(" + args + ")";
          case LN_LOGISTIC:
            return tex ? "\\ln\\sigma(" + args + ")" : "ln logistic(" + args + ")";
          case E_LN_LOGISTIC:
            return gaussianExpectation(tex ? "\\ln\\sigma(a)" : "ln logistic(a)", f, tex);
          case E_LOGISTIC:
            return gaussianExpectation(tex ? "\\sigma(a)" : "logistic(a)", f, tex);
          case E_LOGISTIC_VAR:
            return gaussianExpectation(tex ? "\\sigma(a)\\sigma(-a)" : "logistic(a) logistic(-a)", f, tex);
          case LMVGAMMA:
            return tex ? "\\ln\\Gamma_{" + poly(f.args().get(0), true) + "}(" + poly(f.args().get(1), true) + ")"
                : "lnGamma_" + poly(f.args().get(0), false) + "(" + poly(f.args().get(1), false) + ")";
          default:
            return tex ? "\\frac{1}{" + args + "}" : "1/" + base(f.args().get(0), false);
        }
      } else if (a instanceof Atom.MatrixFn mf) {
        String m = matrix(mf.matrix(), tex);
        if (mf.f() == Atom.MatFunc.LOGDET) {
          return tex ? "\\ln|" + m + "|" : "ln|" + m + "|";
        }
        if (tex) {
          return "(" + m + "^{-1})" + (mf.component().isEmpty() ? "" : "_{" + joinIx(mf.component(), names, true) + "}");
        }
        return "inv(" + m + ")" + ix(mf.component(), names);
      }
      return Printer.atom(a, names);
    }

    private static String matrix(dev.vmodel.compiler.graph.Ir m, boolean tex) {
      if (m instanceof dev.vmodel.compiler.graph.Ir.Hyper h) {
        return tex ? texName(h.name()) : h.name();
      }
      String s = IrPrinter.print(m);
      return tex ? "(\\mathtt{" + s.replace("_", "\\_") + "})" : "(" + s + ")";
    }

    private static String rvTex(Atom.Rv r, Map<Idx, String> names) {
      String v = variable(r.var(), r.element(), r.component(), names, true);
      switch (r.stat()) {
        case LN:
          return "\\ln " + v;
        case LN1M:
          return "\\ln(1 - " + v + ")";
        case INV:
          return "\\frac{1}{" + v + "}";
        case LNDET:
          return "\\ln|" + v + "|";
        case LAMBDA:
          return "\\lambda(" + v + ")";
        case OFFSET:
          return "c(" + v + ")";
        case SHIFT:
          return "b(" + variable(r.var(), r.element(), List.of(), names, true) + ")_{"
              + joinIx(r.component(), names, true) + "}";
        case ONEHOT:
          return "[" + variable(r.var(), r.element(), List.of(), names, true) + " = "
              + joinIx(r.component(), names, true) + "]";
        default:
          return v;
      }
    }

    /** `x[n][i]` / `x_{n,i}`: a variable with its element and component indices. */
    static String variable(String name, List<Ix> element, List<Ix> component, Map<Idx, String> names, boolean tex) {
      if (!tex) {
        return name + ix(element, names) + ix(component, names);
      }
      List<Ix> all = new ArrayList<>(element);
      all.addAll(component);
      return subscript(texName(name), all, names);
    }

    private static String subscript(String base, List<Ix> idx, Map<Idx, String> names) {
      if (idx.isEmpty()) {
        return base;
      }
      String sub = "_{" + joinIx(idx, names, true) + "}";
      return base.contains("_") ? "(" + base + ")" + sub : base + sub;
    }

    private static String joinIx(List<Ix> idx, Map<Idx, String> names, boolean tex) {
      List<String> parts = idx.stream().map(x -> index(x, names, tex)).toList();
      return String.join(",", parts);
    }

    private static String index(Ix x, Map<Idx, String> names, boolean tex) {
      if (tex && x instanceof Ix.D d) {
        return subscript(texName(d.var()), d.element(), names);
      }
      if (tex && x instanceof Ix.V v) {
        String n = names.getOrDefault(v.idx(), v.idx().name());
        return n.matches("[A-Za-z]+[0-9]+") ? n.replaceAll("([0-9]+)$", "'") : n;
      }
      return ixOne(x, names);
    }

    /**
     * The statistic {@code stat} of a factor's element, written with the member names: see
     * {@link Printer#statistic}.
     */
    static Statistic statistic(String factor, List<Ix> element, String stat, List<Ix> comps, Map<Idx, String> names,
        boolean tex) {
      String[] members = factor.split(", ");
      String first = members[0];
      String last = members[members.length - 1];
      String outside = comps.isEmpty() ? ""
          : tex ? "_{" + joinIx(comps, names, true) + "}" : ix(comps, names);
      String v0 = variable(first, element, List.of(), names, tex);
      String vl = variable(last, element, List.of(), names, tex);
      String v0c = variable(first, element, comps, names, tex);
      String sq = tex ? "^{2}" : "^2";
      String t = tex ? "^\\top" : "^T";
      String ln = tex ? "\\ln " : "ln ";
      switch (stat) {
        case "x":
        case "mu":
          return new Statistic(v0c, "");
        case "x2":
          return new Statistic(powerOf(v0c, tex) + sq, "");
        case "xxT":
          return new Statistic(v0 + " " + v0 + t, outside);
        case "lnx":
          return new Statistic(ln + v0c, "");
        case "ln1mx":
          return new Statistic((tex ? "\\ln(1 - " : "ln(1 - ") + v0c + ")", "");
        case "invx":
          return new Statistic("1/" + v0c, "");
        case "onehot":
          return new Statistic(v0 + (tex ? " = " : "=") + joinIx(comps, names, tex), "");
        case "X":
        case "Lambda":
          return new Statistic(vl, outside);
        case "lnDet":
        case "lnDetLambda":
          return new Statistic((tex ? "\\ln|" : "ln|") + vl + "|", "");
        case "tau":
          return new Statistic(vl, "");
        case "lntau":
          return new Statistic(ln + vl, "");
        case "taumu":
          return new Statistic(vl + " " + v0, "");
        case "taumu2":
          return new Statistic(vl + " " + powerOf(v0, tex) + sq, "");
        case "Lambdamu":
          return new Statistic(vl + " " + v0, outside);
        case "muLambdamu":
          return new Statistic(v0 + t + " " + vl + " " + v0, "");
        case "lambda":
          return new Statistic((tex ? "\\lambda(" : "lambda(") + v0 + ")", "");
        case "offset":
          return new Statistic("c(" + v0 + ")", "");
        case "shift":
          return new Statistic("b(" + v0 + ")", outside);
        default:
          return new Statistic(stat + "(" + factor + ")", outside);
      }
    }

    private static String powerOf(String v, boolean tex) {
      return tex && v.contains("_") ? "{" + v + "}" : v;
    }

    static String texName(String id) {
      if (GREEK.contains(id)) {
        return "\\" + id;
      }
      if (id.length() > 1 && id.endsWith("0") && id.substring(0, id.length() - 1).matches("[A-Za-z]+")) {
        return texName(id.substring(0, id.length() - 1)) + "_0";
      }
      if (id.length() == 1) {
        return id;
      }
      return "\\mathit{" + id.replace("_", "\\_") + "}";
    }
  }

  /** E_{a ~ N(m, v)}[g(a)], written with the mean and variance polynomials of the atom's arguments. */
  private static String gaussianExpectation(String g, Atom.Fn f, boolean tex) {
    String m = Display.poly(f.args().get(0), tex);
    String v = Display.poly(f.args().get(1), tex);
    return tex ? "\\mathbb{E}_{a \\sim \\mathcal{N}(" + m + ",\\, " + v + ")}[" + g + "]"
        : "E_{a ~ N(" + m + ", " + v + ")}[" + g + "]";
  }
}
