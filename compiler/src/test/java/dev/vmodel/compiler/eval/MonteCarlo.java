package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.graph.ModelGraph;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Estimates that use the model graph and the runtime's log densities only ({@link LogJoint}),
 * never the plan's polynomials:
 * <ul>
 *   <li>{@link #expectations}: E_q[ln p(node | parents)] per node and E_q[-ln q_j] per factor;
 *   <li>{@link #optimality}: the ELBO change when a just-updated factor is moved away from the
 *       update (scalar factors without other latents in their blanket by quadrature, categorical
 *       factors by exact sums over their values, the rest by Monte Carlo with common random
 *       numbers), next to the same change scored by the plan's ELBO;
 *   <li>{@link #naturalParameters}: the coefficients of E_{-j}[ln p] in a factor's sufficient
 *       statistics, by exact least-squares fits per draw of the other latents.
 * </ul>
 *
 * <p>Every latent is drawn from its factor by a reparameterisation u -> z(u; params) from fixed
 * uniforms (inverse CDFs, Bartlett's construction), in antithetic pairs (u, 1 - u); a pair's
 * average is one independent draw for the standard error. With the same uniforms before and
 * after a perturbation, the paired differences are smooth in the perturbation and the terms that
 * do not involve the perturbed factor cancel exactly.
 */
final class MonteCarlo {
  final Interpreter in;
  final LogJoint joint;

  MonteCarlo(Interpreter in) {
    this.in = in;
    this.joint = new LogJoint(in.plan.graph(), in.data);
  }

  /** A mean with its standard error. */
  record Estimate(double mean, double se) {
    static Estimate of(double[] xs) {
      double m = 0;
      for (double x : xs) {
        m += x;
      }
      m /= xs.length;
      double v = 0;
      for (double x : xs) {
        v += (x - m) * (x - m);
      }
      v /= xs.length - 1;
      return new Estimate(m, Math.sqrt(v / xs.length));
    }
  }

  /** Uniforms for one draw of every factor, clamped away from 0 and 1. */
  Map<String, double[]> uniforms(State s, Random r) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (State.Factor f : s.factors.values()) {
      double[] u = new double[f.elements.length * f.elements[0].baseDim()];
      for (int i = 0; i < u.length; i++) {
        u[i] = Math.min(Math.max(r.nextDouble(), 1e-10), 1 - 1e-10);
      }
      out.put(f.name, u);
    }
    return out;
  }

  static double[] antithetic(double[] u) {
    double[] a = new double[u.length];
    for (int i = 0; i < u.length; i++) {
      a[i] = 1 - u[i];
    }
    return a;
  }

  /** Writes a draw of one factor (all elements) into a sample. */
  void fill(LogJoint.Sample z, State.Factor f, double[] u) {
    List<String> members = f.family.members();
    int b = f.elements[0].baseDim();
    for (int e = 0; e < f.elements.length; e++) {
      Val[] v = f.elements[e].sample(u, e * b);
      for (int m = 0; m < members.size(); m++) {
        z.values.get(members.get(m))[e] = v[m];
      }
    }
  }

  LogJoint.Sample draw(State s, Map<String, double[]> u) {
    LogJoint.Sample z = joint.emptySample();
    for (State.Factor f : s.factors.values()) {
      fill(z, f, u.get(f.name));
    }
    return z;
  }

  /** ln q(Z) of a draw. */
  static double lnQ(State s, LogJoint.Sample z) {
    double t = 0;
    for (State.Factor f : s.factors.values()) {
      List<String> members = f.family.members();
      for (int e = 0; e < f.elements.length; e++) {
        Val[] v = new Val[members.size()];
        for (int m = 0; m < v.length; m++) {
          v[m] = z.values.get(members.get(m))[e];
        }
        t += f.elements[e].lnDensity(v);
      }
    }
    return t;
  }

  /**
   * E_q[ln p(node | parents)] for every node, and E_q[-ln q_j] for every factor, by Monte Carlo at
   * the interpreter's current state: keys are node names and "H[factor]".
   */
  Map<String, Estimate> expectations(int pairs, long seed) {
    Random r = new Random(seed);
    State s = in.state;
    List<ModelGraph.Node> nodes = in.plan.graph().nodes().stream().filter(n -> n.dist().isPresent()).toList();
    Map<String, double[]> acc = new LinkedHashMap<>();
    for (ModelGraph.Node n : nodes) {
      acc.put(n.name(), new double[pairs]);
    }
    for (State.Factor f : s.factors.values()) {
      acc.put("H[" + f.name + "]", new double[pairs]);
    }
    for (int p = 0; p < pairs; p++) {
      Map<String, double[]> u = uniforms(s, r);
      Map<String, double[]> ua = new LinkedHashMap<>();
      u.forEach((k, v) -> ua.put(k, antithetic(v)));
      for (Map<String, double[]> uu : List.of(u, ua)) {
        LogJoint.Sample z = draw(s, uu);
        for (ModelGraph.Node n : nodes) {
          acc.get(n.name())[p] += 0.5 * joint.node(n, z);
        }
        for (State.Factor f : s.factors.values()) {
          State one = new State();
          one.factors.put(f.name, f);
          acc.get("H[" + f.name + "]")[p] -= 0.5 * lnQ(one, z);
        }
      }
    }
    Map<String, Estimate> out = new LinkedHashMap<>();
    acc.forEach((k, v) -> out.put(k, Estimate.of(v)));
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Coordinate optimality

  /** One perturbation of the updated factor: the ELBO change by Monte Carlo, and by the plan. */
  record Check(String what, double mcDiff, double se, double tolerance, double planDiff, double planTolerance) {
    boolean mcOk() {
      return mcDiff <= tolerance;
    }

    boolean planOk() {
      return planDiff <= planTolerance;
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "%s: MC dELBO %.4g (se %.2g, tol %.2g)%s; plan dELBO %.4g%s", what,
          mcDiff, se, tolerance, mcOk() ? "" : " INCREASE", planDiff, planOk() ? "" : " INCREASE");
    }
  }

  /** Settings of the optimality checks. */
  record Settings(int pairs, double[] steps, int randomDirections, int elements, double zScore) {
    static Settings standard() {
      return new Settings(150, new double[] {0.05, 0.3}, 2, 3, 5);
    }
  }

  /**
   * Perturbs factor {@code name} (assumed just updated, the others fixed) and reports every ELBO
   * change. Given the other factors the ELBO is a sum over the factor's elements (the analyzer
   * rejects couplings between elements of one factor), so a factor with more elements than
   * {@code st.elements()} has that many spread elements perturbed. The Monte Carlo change of a
   * perturbation is E_q'[ln p] - E_q[ln p] over the node elements that read a perturbed element
   * (found by evaluating each draw once and recording what it reads), estimated with common random
   * numbers, plus the exact entropy change H[q'] - H[q] from the runtime's closed forms.
   */
  List<Check> optimality(String name, Settings st, long seed) {
    State.Factor f = in.state.factor(name);
    return f.family.kind() == Family.Kind.CATEGORICAL ? categorical(f, st, seed) : continuous(f, st, seed);
  }

  /**
   * The same moves scored with the plan's ELBO only (no Monte Carlo; the Monte Carlo fields are
   * -infinity and 0): cheap, and exact.
   */
  List<Check> planOnly(String name, Settings st, long seed) {
    State.Factor f = in.state.factor(name);
    Random r = new Random(seed);
    List<Integer> chosen = spread(f.elements.length, st.elements());
    double elbo0 = in.elbo();
    List<Check> out = new ArrayList<>();
    for (Move m : moves(f, st, r)) {
      State.Factor g = apply(f, chosen, m);
      if (g != null) {
        out.add(new Check("q(" + f.name + ") " + m.label(), Double.NEGATIVE_INFINITY, 0, 0, planElbo(g) - elbo0,
            1e-9 * (1 + Math.abs(elbo0))));
      }
    }
    return out;
  }

  /** {@code count} elements spread over 0..n-1 (all of them if n <= count). */
  static List<Integer> spread(int n, int count) {
    List<Integer> out = new ArrayList<>();
    for (int c = 0; c < Math.min(count, n); c++) {
      int e = count >= n ? c : (int) Math.round((double) c * (n - 1) / (count - 1));
      if (!out.contains(e)) {
        out.add(e);
      }
    }
    return out;
  }

  /** A way to move one element of a factor: the moved element of element index e. */
  record Move(String label, java.util.function.BiFunction<Integer, Q, Q> apply) {}

  /**
   * The perturbations, each at every step of both signs: random unit directions in the usual
   * parameters (one per element, see {@link Q#perturbed}), and in the natural parameters each
   * statistic's natural parameter scaled by 1 + step, and all of them together, which is where an
   * error in a natural-parameter polynomial moves q.
   */
  private List<Move> moves(State.Factor f, Settings st, Random r) {
    int pd = f.elements[0].paramDim();
    int n = f.elements.length;
    List<Move> out = new ArrayList<>();
    List<String> stats = new ArrayList<>(f.elements[0].natural().keySet());
    for (int k = 0; k < st.randomDirections(); k++) {
      double[][] d = new double[n][pd];
      for (int e = 0; e < n; e++) {
        double norm = 0;
        for (int i = 0; i < pd; i++) {
          d[e][i] = r.nextGaussian();
          norm += d[e][i] * d[e][i];
        }
        for (int i = 0; i < pd; i++) {
          d[e][i] /= Math.sqrt(norm);
        }
      }
      for (double step : st.steps()) {
        for (double sign : new double[] {1, -1}) {
          double s = sign * step;
          out.add(new Move("random direction " + k + " step " + s, (e, q) -> q.perturbed(d[e], 0, s)));
        }
      }
    }
    List<List<String>> groups = new ArrayList<>();
    if (stats.size() > 1) {
      stats.forEach(x -> groups.add(List.of(x)));
    }
    groups.add(stats);
    for (List<String> g : groups) {
      for (double step : st.steps()) {
        for (double sign : new double[] {1, -1}) {
          double s = sign * step;
          String label = "eta(" + String.join(", ", g) + ") * " + (1 + s);
          out.add(new Move(label, (e, q) -> {
            Map<String, double[]> eta = new LinkedHashMap<>(q.natural());
            for (String x : g) {
              double[] v = eta.get(x).clone();
              for (int i = 0; i < v.length; i++) {
                v[i] *= 1 + s;
              }
              eta.put(x, v);
            }
            return Q.fromNatural(f.family, f.dim, eta);
          }));
        }
      }
    }
    return out;
  }

  /** The factor with its chosen elements moved; null if the move leaves the family's parameter space. */
  private static State.Factor apply(State.Factor f, List<Integer> chosen, Move m) {
    State.Factor g = f.copy();
    try {
      for (int e : chosen) {
        g.elements[e] = m.apply().apply(e, f.elements[e]);
      }
    } catch (IllegalStateException | ArithmeticException invalid) {
      return null;
    }
    return g;
  }

  private double planElbo(State.Factor replacement) {
    State saved = in.state;
    State s = saved.copy();
    s.factors.put(replacement.name, replacement);
    in.state = s;
    try {
      return in.elbo();
    } finally {
      in.state = saved;
    }
  }

  private static Set<LogJoint.Ref> refs(State.Factor f, List<Integer> elements) {
    Set<LogJoint.Ref> refs = new java.util.HashSet<>();
    for (String m : f.family.members()) {
      for (int e : elements) {
        refs.add(new LogJoint.Ref(m, e));
      }
    }
    return refs;
  }

  private List<Check> continuous(State.Factor f, Settings st, long seed) {
    Random r = new Random(seed);
    List<ModelGraph.Node> blanket = joint.blanket(f.family.members());
    State s = in.state;
    int n = f.elements.length;
    List<Integer> chosen = spread(n, st.elements());
    Set<LogJoint.Ref> refs = refs(f, chosen);
    boolean quadrature = isScalar(f.family.kind()) && readsOnly(blanket, f.family.members());
    int pairs = quadrature ? 1 : st.pairs();
    // Draw p: the other factors at uniforms u and 1 - u, crossed with the factor's own uniforms
    // v and 1 - v (four evaluations): odd terms in either set of base variables cancel exactly.
    // A scalar factor whose blanket holds no other latent is integrated instead, by tanh-sinh
    // quadrature over its quantile function: E_q[g(x)] = int_0^1 g(Q(u)) du, no noise.
    LogJoint.Sample[][] others = new LogJoint.Sample[pairs][2];
    List<List<Map.Entry<ModelGraph.Node, int[]>>> touching = new ArrayList<>();
    double[][] nodes = quadrature ? tanhSinh() : null;
    double[][][] own = new double[pairs][][];
    double[] weights = quadrature ? nodes[1] : new double[] {0.5, 0.5};
    for (int p = 0; p < pairs; p++) {
      Map<String, double[]> u = uniforms(s, r);
      for (int a = 0; a < 2; a++) {
        Map<String, double[]> uu = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : u.entrySet()) {
          uu.put(e.getKey(), a == 0 ? e.getValue() : antithetic(e.getValue()));
        }
        others[p][a] = draw(s, uu);
        touching.add(joint.touching(blanket, others[p][a], refs));
      }
      if (quadrature) {
        own[p] = new double[nodes[0].length][n];
        for (int c = 0; c < nodes[0].length; c++) {
          java.util.Arrays.fill(own[p][c], nodes[0][c]);
        }
      } else {
        double[] v = uniforms(s, r).get(f.name);
        own[p] = new double[][] {v, antithetic(v)};
      }
    }
    double[] f0 = blanketMeans(f, chosen, others, own, weights, touching);
    double h0 = f.entropy();
    double elbo0 = in.elbo();
    double scale = 1 + Math.abs(f0[0]);
    List<Check> out = new ArrayList<>();
    String where = "q(" + f.name + ")" + (chosen.size() < n ? " elements " + chosen.stream()
        .map(e -> java.util.Arrays.toString(f.unflat(e))).toList() : "") + (quadrature ? " [quadrature]" : "");
    for (Move m : moves(f, st, r)) {
      State.Factor g = apply(f, chosen, m);
      if (g == null) {
        continue;
      }
      double[] f1 = blanketMeans(g, chosen, others, own, weights, touching);
      double[] diff = new double[pairs];
      for (int p = 0; p < pairs; p++) {
        diff[p] = f1[p] - f0[p];
      }
      Estimate e = quadrature ? new Estimate(diff[0], 0) : Estimate.of(diff);
      double mc = e.mean() + g.entropy() - h0;
      double plan = planElbo(g) - elbo0;
      out.add(new Check(where + " " + m.label(), mc, e.se(), st.zScore() * e.se() + 1e-9 * scale, plan,
          1e-9 * (1 + Math.abs(elbo0))));
    }
    return out;
  }

  private static boolean isScalar(Family.Kind k) {
    return k == Family.Kind.NORMAL || k == Family.Kind.GAMMA || k == Family.Kind.INV_GAMMA || k == Family.Kind.BETA;
  }

  /** Whether the nodes' values and arguments read no latent outside {@code members}. */
  private static boolean readsOnly(List<ModelGraph.Node> nodes, List<String> members) {
    for (ModelGraph.Node n : nodes) {
      Set<String> used = new java.util.LinkedHashSet<>();
      if (n.isLatent()) {
        used.add(n.name());
      }
      n.dist().get().args().values().forEach(a -> LogJoint.latents(a.value(), used));
      if (!members.containsAll(used)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Tanh-sinh nodes and weights on (0, 1): u = (1 + tanh(pi/2 sinh t)) / 2, t = k/8, |t| <= 3
   * (49 nodes; beyond, the weights are below 1e-13 and u would round to 1); the weights are
   * normalised to sum to 1. Integrable endpoint singularities (ln x of a Beta near 0) are fine.
   */
  static double[][] tanhSinh() {
    double h = 1.0 / 8;
    int k = 24;
    double[] u = new double[2 * k + 1];
    double[] w = new double[2 * k + 1];
    double total = 0;
    for (int i = -k; i <= k; i++) {
      double t = i * h;
      double a = Math.PI / 2 * Math.sinh(t);
      u[i + k] = 0.5 * (1 + Math.tanh(a));
      w[i + k] = 0.5 * h * Math.PI / 2 * Math.cosh(t) / (Math.cosh(a) * Math.cosh(a));
      total += w[i + k];
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= total;
    }
    return new double[][] {u, w};
  }

  /**
   * For each draw, the weighted mean over the factor's own uniforms (antithetic pair, or
   * quadrature nodes), and the plain mean over the other factors' antithetic pair, of ln p over
   * the touching node elements, with the chosen elements of factor f redrawn from f.
   */
  private double[] blanketMeans(State.Factor f, List<Integer> chosen, LogJoint.Sample[][] others, double[][][] own,
      double[] weights, List<List<Map.Entry<ModelGraph.Node, int[]>>> touching) {
    List<String> members = f.family.members();
    int b = f.elements[0].baseDim();
    double[] out = new double[others.length];
    for (int p = 0; p < others.length; p++) {
      for (int c = 0; c < own[p].length; c++) {
        Map<Integer, Val[]> draws = new java.util.HashMap<>();
        for (int e : chosen) {
          draws.put(e, f.elements[e].sample(own[p][c], e * b));
        }
        for (int a = 0; a < 2; a++) {
          LogJoint.Sample z = others[p][a].copy();
          draws.forEach((e, v) -> set(z, members, e, v));
          out[p] += 0.5 * weights[c] * joint.sum(touching.get(2 * p + a), z);
        }
      }
    }
    return out;
  }

  /**
   * A categorical factor has no smooth reparameterisation, but it is a finite sum: for a few
   * elements e, f_p(k) = ln p over the node elements reading z[e], with z[e] = k and every other
   * latent from draw p, so that E_q'[ln p] - E_q[ln p] = sum_k (q'_e(k) - q_e(k)) E[f(k)] exactly
   * in q_e.
   */
  private List<Check> categorical(State.Factor f, Settings st, long seed) {
    Random r = new Random(seed);
    List<ModelGraph.Node> blanket = joint.blanket(f.family.members());
    State s = in.state;
    int pairs = st.pairs();
    int kk = f.dim;
    String member = f.family.members().get(0);
    LogJoint.Sample[][] base = new LogJoint.Sample[pairs][2];
    for (int p = 0; p < pairs; p++) {
      Map<String, double[]> u = uniforms(s, r);
      Map<String, double[]> ua = new LinkedHashMap<>();
      u.forEach((k, v) -> ua.put(k, antithetic(v)));
      base[p][0] = draw(s, u);
      base[p][1] = draw(s, ua);
    }
    double elbo0 = in.elbo();
    List<Check> out = new ArrayList<>();
    for (int e : spread(f.elements.length, st.elements())) {
      Set<LogJoint.Ref> refs = refs(f, List.of(e));
      double[][] fk = new double[pairs][kk];
      for (int p = 0; p < pairs; p++) {
        for (int a = 0; a < 2; a++) {
          LogJoint.Sample z = base[p][a].copy();
          List<Map.Entry<ModelGraph.Node, int[]>> touching = joint.touching(blanket, z, refs);
          for (int k = 0; k < kk; k++) {
            z.values.get(member)[e] = Val.of(k);
            fk[p][k] += 0.5 * joint.sum(touching, z);
          }
        }
      }
      Q q0 = f.elements[e];
      double scale = 1;
      for (double[] row : fk) {
        scale = Math.max(scale, Math.abs(row[0]));
      }
      State.Factor single = f.copy();
      for (Move m : moves(f, st, r)) {
        State.Factor g = apply(single, List.of(e), m);
        if (g == null) {
          continue;
        }
        Q q1 = g.elements[e];
        double[] diff = new double[pairs];
        for (int p = 0; p < pairs; p++) {
          for (int k = 0; k < kk; k++) {
            diff[p] += (q1.moment("onehot", new int[] {k}) - q0.moment("onehot", new int[] {k})) * fk[p][k];
          }
        }
        Estimate est = Estimate.of(diff);
        double mc = est.mean() + q1.entropy() - q0.entropy();
        double plan = planElbo(g) - elbo0;
        out.add(new Check("q(" + f.name + ")" + java.util.Arrays.toString(f.unflat(e)) + " " + m.label(), mc,
            est.se(), st.zScore() * est.se() + 1e-9 * scale, plan, 1e-9 * (1 + Math.abs(elbo0))));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Natural parameters by regression

  /**
   * One natural-parameter coefficient of one element: as the plan derives it, and as estimated
   * from E_{-j}[ln p(X, Z)] by Monte Carlo. {@code nonlinearity} is the largest residual of the
   * exact linear fit within one draw, relative to the spread of ln p over the design points
   * (or to 1e-6 of its size where ln p hardly varies, as under a flat Dirichlet(1) prior).
   */
  record NatCheck(String what, double derived, double estimate, double se, double tolerance, double nonlinearity) {
    boolean ok() {
      return Math.abs(derived - estimate) <= tolerance && nonlinearity <= 1e-7;
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "%s: derived %.8g, Monte Carlo %.8g (se %.2g, tol %.2g, z %.2f)%s%s",
          what, derived, estimate, se, tolerance, se > 0 ? (derived - estimate) / se : 0,
          Math.abs(derived - estimate) <= tolerance ? "" : " MISMATCH",
          nonlinearity <= 1e-7 ? "" : " NONLINEAR (" + nonlinearity + ")");
    }
  }

  /**
   * The natural parameters of element {@code element} of factor {@code name}, estimated without
   * the plan. For a conjugate model, ln p(X, Z) is, for every fixed value of the other latents,
   * exactly linear in the factor's sufficient statistics T(z_e) plus terms free of z_e. So for
   * each Monte Carlo draw of the other factors (antithetic pairs), ln p evaluated at M design
   * values of z_e is fitted exactly by least squares on [T(z_e), 1]; the coefficients, averaged
   * over draws, estimate E_{-j}[ln p]'s coefficients, which are the optimal natural parameters
   * (ln q_j* = E_{-j}[ln p] + const). Only the node elements that read z_e are evaluated.
   */
  List<NatCheck> naturalParameters(String name, int element, int pairs, double zScore, long seed) {
    return naturalParameters(name, element, pairs, zScore, seed, false);
  }

  /**
   * As above; with {@code prior}, only the factor's own distributions enter ln p (the members'
   * nodes), and the plan's {@code prior} natural parameters are compared.
   */
  List<NatCheck> naturalParameters(String name, int element, int pairs, double zScore, long seed, boolean prior) {
    Random r = new Random(seed);
    State s = in.state;
    State.Factor f = s.factor(name);
    Q q = f.elements[element];
    List<String> members = f.family.members();
    List<SufficientStats.Regressor> regs = SufficientStats.of(f.family, f.dim);
    int np = regs.size();
    // Design points.
    List<Val[]> points = new ArrayList<>();
    if (f.family.kind() == Family.Kind.CATEGORICAL) {
      for (int k = 0; k < f.dim; k++) {
        points.add(new Val[] {Val.of(k)});
      }
    } else {
      // np + 1 points determine the fit; the extra ones test that ln p is linear in T(z_e).
      for (int i = 0; i < np + 1 + Math.min(np + 1, 6); i++) {
        double[] u = new double[q.designDim()];
        for (int k = 0; k < u.length; k++) {
          u[k] = 0.02 + 0.96 * r.nextDouble();
        }
        points.add(q.design(u, 0));
      }
    }
    int m = points.size();
    // Standardised design [T, 1] and its least-squares solution operator (np + 1) x m.
    double[][] a = new double[m][np + 1];
    double[] mean = new double[np];
    double[] sd = new double[np];
    for (int c = 0; c < np; c++) {
      for (int i = 0; i < m; i++) {
        a[i][c] = regs.get(c).value().applyAsDouble(points.get(i));
        mean[c] += a[i][c] / m;
      }
      for (int i = 0; i < m; i++) {
        sd[c] += (a[i][c] - mean[c]) * (a[i][c] - mean[c]) / m;
      }
      sd[c] = Math.sqrt(sd[c]);
      for (int i = 0; i < m; i++) {
        a[i][c] = (a[i][c] - mean[c]) / sd[c];
      }
    }
    for (int i = 0; i < m; i++) {
      a[i][np] = 1;
    }
    double[][] at = Mat.transpose(a);
    double[][] g = Mat.mul(at, a);
    double[][] solve = new double[np + 1][m];
    for (int i = 0; i < m; i++) {
      double[] col = Mat.solve(g, a[i]);
      for (int c = 0; c <= np; c++) {
        solve[c][i] = col[c];
      }
    }
    // Draws of the other latents; ln p over the touching node elements at every design point.
    List<ModelGraph.Node> blanket = joint.blanket(members).stream()
        .filter(nd -> !prior || members.contains(nd.name())).toList();
    Set<LogJoint.Ref> refs = new java.util.HashSet<>();
    for (String mem : members) {
      refs.add(new LogJoint.Ref(mem, element));
    }
    double[][] coef = new double[np][pairs];
    double nonlinear = 0;
    double maxAbs = 0;
    for (int p = 0; p < pairs; p++) {
      Map<String, double[]> u = uniforms(s, r);
      double[] fp = new double[m];
      for (int anti = 0; anti < 2; anti++) {
        Map<String, double[]> uu = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : u.entrySet()) {
          uu.put(e.getKey(), anti == 0 ? e.getValue() : antithetic(e.getValue()));
        }
        LogJoint.Sample z = draw(s, uu);
        set(z, members, element, points.get(0));
        List<Map.Entry<ModelGraph.Node, int[]>> touching = joint.touching(blanket, z, refs);
        for (int i = 0; i < m; i++) {
          set(z, members, element, points.get(i));
          fp[i] += 0.5 * joint.sum(touching, z);
        }
      }
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (double x : fp) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
        maxAbs = Math.max(maxAbs, Math.abs(x));
      }
      double[] b = new double[np + 1];
      for (int c = 0; c <= np; c++) {
        for (int i = 0; i < m; i++) {
          b[c] += solve[c][i] * fp[i];
        }
      }
      for (int i = 0; i < m; i++) {
        double fit = 0;
        for (int c = 0; c <= np; c++) {
          fit += a[i][c] * b[c];
        }
        nonlinear = Math.max(nonlinear, Math.abs(fit - fp[i]) / Math.max(hi - lo, 1e-6 * (1 + Math.abs(hi))));
      }
      for (int c = 0; c < np; c++) {
        coef[c][p] = b[c] / sd[c];
      }
    }
    UpdatePlan.FactorUpdate u = in.plan.update(name);
    Map<String, double[]> eta = in.natural(u, prior ? u.prior() : u.natural(), f.unflat(element));
    List<NatCheck> out = new ArrayList<>();
    for (int c = 0; c < np; c++) {
      Estimate e = Estimate.of(coef[c]);
      double derived = regs.get(c).coefficient().applyAsDouble(eta);
      double rowNorm = 0;
      for (int i = 0; i < m; i++) {
        rowNorm += Math.abs(solve[c][i]);
      }
      // Rounding in the fit: ~ eps * |ln p| * |solution row| / sd, with a wide margin.
      double rounding = 1e-12 * maxAbs * rowNorm / sd[c] + 1e-10 * Math.abs(derived);
      out.add(new NatCheck("q(" + name + ")" + java.util.Arrays.toString(f.unflat(element)) + " coefficient of "
          + regs.get(c).label(), derived, e.mean(), e.se(), zScore * e.se() + rounding, nonlinear));
    }
    return out;
  }

  private static void set(LogJoint.Sample z, List<String> members, int element, Val[] v) {
    for (int k = 0; k < members.size(); k++) {
      z.values.get(members.get(k))[element] = v[k];
    }
  }
}
