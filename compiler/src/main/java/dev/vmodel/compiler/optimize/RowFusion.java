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
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the passes over the plate of a local categorical factor q(z[n]) are fused into one: the
 * analysis behind the generated {@code updateZ}, part of the {@link OptimizedPlan} codegen reads.
 *
 * <p>Three rewrites of the plan's polynomials, each exact (only the order of floating-point
 * additions changes):
 *
 * <ul>
 *   <li><b>Row statistics.</b> A term of another factor's natural parameter of the form
 *       {@code sum_n f(x[n], ...) q(z[n]=c) g(...)}, where {@code f} is a product of data only, reads
 *       {@code S_f[...][c] = sum_n f(x[n], ...) q(z[n]=c)} instead. Every such statistic is added up
 *       in the pass that updates q(z), per block of rows (added in block order afterwards), so a
 *       sweep reads the data once, and the global updates cost nothing per row.
 *   <li><b>Separable E-step.</b> When every term of eta(z[n]=c) is a product of data at row n
 *       (free of c) and of values free of n, eta(z[n]=c) = sum_f F_f(n) W_f(c): the features F of
 *       the row (1, x[n][i], x[n][i] x[n][j], ...) times weights W computed once per sweep from the
 *       other factors' moments. A feature symmetric in two indices ({@code x[n][i] x[n][j]}) is
 *       kept once per pair i <= j, its weight summing both orders.
 *   <li><b>ELBO from log-normalisers.</b> Right after q(z) is updated, the ELBO's terms in q(z)
 *       plus H[q(z)] equal {@code sum_n ln sum_c exp eta(z[n]=c)}, which the update computes
 *       anyway; the ELBO after a sweep then needs no pass over the rows.
 * </ul>
 */
public final class RowFusion {
  /** A product of data at one row ({@link #row}), free in {@code free}; canonical, shared by terms. */
  public static final class Pattern {
    public final String key;
    public final List<Atom> atoms;
    public final List<Idx> free;
    public final boolean symmetric;
    public final String word;
    /** Part of the E-step's features: its values are computed per row into a workspace. */
    public boolean feature;
    /** Added up per component as a statistic sum_n pattern(n) q(z[n]=c). */
    public boolean stat;
    /** Derived data array of the statistic, as {@link Atom.Data} atoms of rewritten terms name it. */
    public String statVar;

    Pattern(String key, List<Atom> atoms, List<Idx> free, boolean symmetric, String word) {
      this.key = key;
      this.atoms = atoms;
      this.free = free;
      this.symmetric = symmetric;
      this.word = word;
    }

    /** Dense values per row: no Kronecker deltas (those scatter instead). */
    public boolean dense() {
      return atoms.stream().allMatch(a -> a instanceof Atom.Data || a instanceof Atom.Observed || a instanceof Atom.Fn);
    }
  }

  /**
   * One term of eta(z[n]=c) in separable form: {@code pattern} at the row times {@code rest}
   * (coefficient, sums not in the pattern, atoms free of n), the pattern's free indices being
   * the term's {@code free} (in the pattern's order).
   */
  public record WeightTerm(Pattern pattern, Monomial rest, List<Idx> free) {}

  public final FactorUpdate local;
  /** The factor's element index n, and the component index c of eta(z[n]=c). */
  public final Idx element;
  public final Idx component;
  /** Canonical row index of the patterns. */
  public final Idx row;
  /** Canonical component index of statistics. */
  public final Idx statComponent;
  public final String momentStat;
  public final List<Pattern> patterns = new ArrayList<>();
  /** The E-step in separable form, or null if some term is not a product of row data and the rest. */
  public final List<WeightTerm> weights;
  /** Natural parameters of other factors with statistic-reading terms: factor name to rewritten parameters. */
  public final Map<String, List<NaturalParam>> rewritten = new LinkedHashMap<>();
  /** The same for the natural parameters of a batch of data alone ({@link FactorUpdate#likelihood}). */
  public final Map<String, List<NaturalParam>> rewrittenLikelihood = new LinkedHashMap<>();
  /** Whether the ELBO after a sweep may use the log-normalisers of the last q(z) update. */
  public final boolean lseElbo;

  private RowFusion(FactorUpdate local, UpdatePlan plan) {
    this.local = local;
    this.element = local.elementIndices().get(0);
    NaturalParam onehot = local.natural().get(0);
    this.component = onehot.components().get(0);
    this.row = Idx.fresh("n", element.range());
    this.statComponent = Idx.fresh("c", component.range());
    this.momentStat = "onehot";
    this.weights = separate(onehot.value());
    for (FactorUpdate u : plan.updates()) {
      if (u == local) {
        continue;
      }
      List<NaturalParam> params = readStatistics(u, u.natural());
      if (params != null) {
        rewritten.put(u.factor().name(), params);
      }
      List<NaturalParam> batch = readStatistics(u, u.likelihood());
      if (batch != null) {
        rewrittenLikelihood.put(u.factor().name(), batch);
      }
    }
    this.lseElbo = lseValid(plan);
  }

  /** Natural parameters of {@code u} with their row statistics read ({@link #statisticTerm}), or null if none has one. */
  private List<NaturalParam> readStatistics(FactorUpdate u, List<NaturalParam> natural) {
    List<NaturalParam> params = new ArrayList<>();
    boolean any = false;
    for (NaturalParam p : natural) {
      List<Idx> open = new ArrayList<>(u.elementIndices());
      open.addAll(p.components());
      List<Monomial> terms = new ArrayList<>();
      for (Monomial m : p.value().terms()) {
        Monomial r = statisticTerm(m, open);
        any |= r != m;
        terms.add(r);
      }
      params.add(new NaturalParam(p.stat(), p.components(), new Poly(terms)));
    }
    return any ? params : null;
  }

  /**
   * The fusion for the plan's first local categorical factor with one plate index whose update
   * can run in chunks, or null if there is none or nothing would be gained.
   */
  public static RowFusion analyze(UpdatePlan plan, java.util.function.Predicate<FactorUpdate> chunked) {
    for (FactorUpdate u : plan.updates()) {
      if (u.responsibilities() && !u.chain()
          && u.elementIndices().size() == 1
          && u.natural().size() == 1 && u.natural().get(0).components().size() == 1 && chunked.test(u)) {
        RowFusion f = new RowFusion(u, plan);
        if (f.weights == null && f.rewritten.isEmpty()) {
          return null;
        }
        return f;
      }
    }
    return null;
  }

  public List<Pattern> features() {
    return patterns.stream().filter(p -> p.feature).toList();
  }

  public List<Pattern> stats() {
    return patterns.stream().filter(p -> p.stat).toList();
  }

  /** Whether a monomial reads a moment of the fused factor. */
  public boolean readsLocal(Monomial m) {
    return m.atoms().stream().anyMatch(a -> a instanceof Atom.Moment mo && mo.factor().equals(local.factor().name()));
  }

  // ---------------------------------------------------------------------------------------------

  /** The E-step's terms split into row patterns and the rest, or null if one does not split. */
  private List<WeightTerm> separate(Poly eta) {
    List<Canon> canons = new ArrayList<>();
    List<Monomial> rests = new ArrayList<>();
    for (Monomial m : eta.terms()) {
      List<Atom> rowAtoms = new ArrayList<>();
      List<Atom> rest = new ArrayList<>();
      for (Atom a : m.atoms()) {
        if (a.mentions(element)) {
          // Dense features only: a delta would make a one-hot feature as long as its range.
          if (!rowData(a) || a instanceof Atom.Delta || a.mentions(component)) {
            return null;
          }
          rowAtoms.add(a);
        } else {
          rest.add(a);
        }
      }
      Canon c = canon(rowAtoms, element, m.sums());
      List<Idx> sums = m.sums().stream().filter(i -> !c.free().contains(i)).toList();
      canons.add(c);
      rests.add(new Monomial(m.coef(), sums, rest));
    }
    // Every term splits: only now are its patterns features.
    List<WeightTerm> out = new ArrayList<>();
    for (int t = 0; t < canons.size(); t++) {
      Pattern p = intern(canons.get(t));
      p.feature = true;
      out.add(new WeightTerm(p, rests.get(t), canons.get(t).free()));
    }
    return out;
  }

  /**
   * {@code m} with {@code sum_n f(n) q(z[n]=c)} read from a statistic, or {@code m} itself if it
   * has no such part: one moment of the fused factor at a summed row n of its plate, and every
   * other atom that mentions n data (an array element, an observation mask or a delta).
   */
  private Monomial statisticTerm(Monomial m, List<Idx> open) {
    Atom.Moment moment = null;
    for (Atom a : m.atoms()) {
      if (a instanceof Atom.Moment mo && mo.factor().equals(local.factor().name())) {
        if (moment != null) {
          return m;
        }
        moment = mo;
      }
    }
    if (moment == null || moment.element().size() != 1 || !(moment.element().get(0) instanceof Ix.V v)
        || !m.sums().contains(v.idx()) || !moment.stat().equals(momentStat) || moment.component().size() != 1) {
      return m;
    }
    Idx n = v.idx();
    if (moment.component().get(0).mentions(n)) {
      return m;
    }
    List<Atom> rowAtoms = new ArrayList<>();
    List<Atom> rest = new ArrayList<>();
    for (Atom a : m.atoms()) {
      if (a == moment) {
        continue;
      }
      if (a.mentions(n)) {
        if (!rowData(a)) {
          return m;
        }
        rowAtoms.add(a);
      } else {
        rest.add(a);
      }
    }
    List<Idx> candidates = new ArrayList<>(m.sums());
    candidates.addAll(open);
    candidates.remove(n);
    Canon c = canon(rowAtoms, n, candidates);
    Pattern p = intern(c);
    p.stat = true;
    List<Ix> element = c.free().stream().map(i -> (Ix) new Ix.V(i)).toList();
    rest.add(new Atom.Data(p.statVar, element, moment.component()));
    List<Idx> sums = m.sums().stream().filter(i -> !i.equals(n)).toList();
    return new Monomial(m.coef(), sums, rest);
  }

  /** Data at a row: an array element, an observation mask, a delta, or a function of data. */
  public static boolean rowData(Atom a) {
    return a instanceof Atom.Data || a instanceof Atom.Observed || a instanceof Atom.Delta || dataFunction(a);
  }

  /** A function ({@code lnGamma(x[n] + 1)}) of data, hyperparameters and sizes only. */
  public static boolean dataFunction(Atom a) {
    if (!(a instanceof Atom.Fn fn)) {
      return false;
    }
    for (Poly p : fn.args()) {
      for (Monomial m : p.terms()) {
        for (Atom x : m.atoms()) {
          boolean known = x instanceof Atom.Data || x instanceof Atom.Observed || x instanceof Atom.Hyper
              || x instanceof Atom.SizeValue || dataFunction(x);
          if (!known || !m.sums().isEmpty()) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** A pattern in canonical form, and the term's own indices in the pattern's order of free indices. */
  public record Canon(String key, List<Atom> atoms, List<Idx> free, List<Idx> canonical, boolean symmetric,
      String word) {}

  /**
   * Canonical form of a product of row atoms: row index {@code n} renamed to {@link #row}, the
   * other indices it mentions (among {@code candidates}) renamed {@code #0, #1, ...} in order of
   * first appearance, atoms ordered by their text with the indices masked. Equal keys are the
   * same product (the converse need not hold: two spellings only cost a duplicate statistic).
   */
  private Canon canon(List<Atom> rowAtoms, Idx n, List<Idx> candidates) {
    return canon(rowAtoms, n, row, candidates);
  }

  /** {@link #canon(List, Idx, List)} with the canonical row index {@code row}. */
  public static Canon canon(List<Atom> rowAtoms, Idx n, Idx row, List<Idx> candidates) {
    Idx mask = Idx.fresh("?", n.range());
    Map<Idx, Ix> masking = new LinkedHashMap<>();
    masking.put(n, new Ix.V(row));
    for (Idx i : candidates) {
      masking.put(i, new Ix.V(mask));
    }
    List<Atom> ordered = new ArrayList<>(rowAtoms);
    ordered.sort(Comparator.comparing(a -> exact(a.subst(masking))));
    List<Idx> free = new ArrayList<>();
    for (Atom a : ordered) {
      for (Idx i : candidates) {
        if (a.mentions(i) && !free.contains(i)) {
          free.add(i);
        }
      }
    }
    List<Idx> canonical = new ArrayList<>();
    Map<Idx, Ix> renaming = new LinkedHashMap<>();
    renaming.put(n, new Ix.V(row));
    for (int k = 0; k < free.size(); k++) {
      Idx c = Idx.fresh("#" + k, free.get(k).range());
      canonical.add(c);
      renaming.put(free.get(k), new Ix.V(c));
    }
    List<Atom> atoms = ordered.stream().map(a -> a.subst(renaming)).toList();
    List<String> text = atoms.stream().map(RowFusion::exact).sorted().toList();
    String key = text + " over " + canonical.stream().map(i -> i.range().toString()).toList();
    boolean symmetric = false;
    if (canonical.size() == 2 && canonical.get(0).range().equals(canonical.get(1).range())) {
      Map<Idx, Ix> swap = Map.of(canonical.get(0), new Ix.V(canonical.get(1)), canonical.get(1),
          new Ix.V(canonical.get(0)));
      List<String> swapped = atoms.stream().map(a -> exact(a.subst(swap))).sorted().toList();
      symmetric = swapped.equals(text);
    }
    return new Canon(key, atoms, free, canonical, symmetric, word(atoms));
  }

  /**
   * An atom's text for keys: its printed form, except that the coefficients inside functions
   * ({@code lnGamma(y[n] + 1)}) are written in full (the printer rounds them to 6 digits, which
   * could give two different products one key).
   */
  public static String exact(Atom a) {
    if (!(a instanceof Atom.Fn fn)) {
      return a.toString();
    }
    StringBuilder b = new StringBuilder(fn.f().name()).append('(');
    for (Poly p : fn.args()) {
      b.append('{');
      for (Monomial m : p.terms()) {
        b.append(Double.toString(m.coef())).append(" sum").append(m.sums());
        m.atoms().forEach(x -> b.append(' ').append(exact(x)));
        b.append(';');
      }
      b.append('}');
    }
    return b.append(')').toString();
  }

  private Pattern intern(Canon c) {
    for (Pattern p : patterns) {
      if (p.key.equals(c.key())) {
        return p;
      }
    }
    // Distinct words, so that every name derived from one (zWeightLgamma2, fLgamma2) is distinct.
    String word = c.word();
    int k = 2;
    while (true) {
      String w = word;
      if (patterns.stream().noneMatch(q -> q.word.equals(w))) {
        break;
      }
      word = c.word() + k++;
    }
    Pattern p = new Pattern(c.key(), c.atoms(), c.canonical(), c.symmetric(), word);
    p.statVar = "stat:" + patterns.size();
    patterns.add(p);
    return p;
  }

  /** A Java word for a pattern: {@code one}, {@code x}, {@code xx}, {@code xObserved}, {@code wEq}. */
  public static String word(List<Atom> atoms) {
    if (atoms.isEmpty()) {
      return "one";
    }
    StringBuilder b = new StringBuilder();
    for (Atom a : atoms) {
      String w;
      if (a instanceof Atom.Data d) {
        w = d.var();
      } else if (a instanceof Atom.Observed o) {
        w = "obs" + cap(o.var());
      } else if (a instanceof Atom.Delta d) {
        w = (d.a() instanceof Ix.D x ? x.var() : d.b() instanceof Ix.D y ? y.var() : "index") + "Is";
      } else if (a instanceof Atom.Fn fn) {
        w = fn.f().name().toLowerCase(java.util.Locale.ROOT);
      } else if (a instanceof Atom.Moment mo) {
        w = mo.factor() + cap(mo.stat());
      } else {
        w = "term";
      }
      b.append(b.length() == 0 ? w : cap(w));
    }
    return b.toString().replaceAll("[^A-Za-z0-9]", "");
  }

  /**
   * Whether the log-normalisers of q(z)'s update still give the ELBO at the end of a sweep: no
   * factor that eta(z) reads is updated after q(z) in the schedule, and every ELBO term reads
   * q(z) at most once (so that the terms in q(z) are sum_n sum_c q(z[n]=c) eta(z[n]=c)).
   */
  private boolean lseValid(UpdatePlan plan) {
    Set<String> reads = new LinkedHashSet<>();
    for (Monomial m : local.natural().get(0).value().terms()) {
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Moment mo) {
          reads.add(mo.factor());
        }
      }
    }
    List<String> schedule = plan.schedule();
    int at = schedule.lastIndexOf(local.factor().name());
    if (at < 0) {
      return false;
    }
    for (String after : schedule.subList(at + 1, schedule.size())) {
      if (reads.contains(after)) {
        return false;
      }
    }
    for (UpdatePlan.LogJointTerm t : plan.elbo().terms()) {
      for (Monomial m : t.value().terms()) {
        long n = m.atoms().stream()
            .filter(a -> a instanceof Atom.Moment mo && mo.factor().equals(local.factor().name())).count();
        if (n > 1) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * A product of atoms as {@code vmodel explain} prints it, with the given names for its
   * indices: {@code x[n][i] * x[n][j]}.
   */
  public static String display(List<Atom> atoms, Map<Idx, String> names) {
    Map<Idx, Ix> renaming = new LinkedHashMap<>();
    names.forEach((i, name) -> renaming.put(i, new Ix.V(new Idx(i.id(), name, i.range()))));
    List<Atom> renamed = atoms.stream().map(a -> a.subst(renaming)).toList();
    return dev.vmodel.compiler.algebra.Printer.text(new Poly(List.of(new Monomial(1.0, List.of(), renamed))));
  }

  /** The indices a pattern's dims range over, in order. */
  public static List<Dim> dims(Pattern p) {
    List<Dim> d = new ArrayList<>();
    p.free.forEach(i -> d.add(i.range()));
    return Collections.unmodifiableList(d);
  }

  static String cap(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.substring(1);
  }
}
