package dev.vmodel.compiler.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.family.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The reference's own pieces: CSV reading, data binding, polynomial evaluation, the q families. */
class ReferenceTest {
  @Test
  void csvReadsNamesComponentsAndMissingCells() {
    Csv c = Csv.parse("x[0],x_1,y\n1,2,\n3,4,5\n");
    assertEquals(2, c.rowCount());
    assertEquals(2, c.componentCount("x"));
    assertEquals(2.0, c.get(0, "x[1]"));
    assertTrue(Double.isNaN(c.get(0, "y")));
    assertEquals(5.0, c.get(1, "y"));
  }

  @Test
  void sizesAndHypersAreBoundAsTheLanguageSays() {
    ModelData lda = Examples.load("lda", ModelData.Options.all()).data;
    assertEquals(9771, lda.size("T"));
    assertEquals(100, lda.size("D"), "D from cat[D] data: max + 1");
    assertEquals(50, lda.size("V"));
    assertEquals(20, lda.size("K"), "default");
    assertEquals(3, Examples.load("lda", ModelData.Options.rows(100).size("K", 3)).data.size("K"), "override");
    ModelData gmm = Examples.load("gaussian-mixture", ModelData.Options.all()).data;
    assertEquals(400, gmm.size("N"));
    assertEquals(2, gmm.size("D"), "vector length from the x[j] columns");
    assertEquals(2.0, gmm.hyper("nu0").scalar(), "hyper nu0 = D");
    assertEquals(List.of(1.0, 0.0, 0.0, 1.0), List.of(gmm.hyper("W0").matrix()[0][0], gmm.hyper("W0").matrix()[0][1],
        gmm.hyper("W0").matrix()[1][0], gmm.hyper("W0").matrix()[1][1]));
    assertEquals(0.0, gmm.hyper("m0").vector()[1]);
    ModelData ppca = EvalModels.ppca(20).data;
    assertEquals(10, ppca.size("D"), "second plate from the x[d] columns");
  }

  /** sum_t [doc[t] = d] at d = 0, and sum_t [doc[t] = d] w[t], with d free: counts by hand. */
  @Test
  void polynomialsSumOverBoundIndicesWithDataIndices() {
    Interpreter in = Examples.load("lda", ModelData.Options.rows(300));
    Idx t = Idx.fresh("t", new Dim.Named("T"));
    Idx d = Idx.fresh("d", new Dim.Named("D"));
    Poly inDoc = Poly.of(new Atom.Delta(new Ix.D("doc", List.of(new Ix.V(t))), new Ix.V(d)));
    Poly count = inDoc.sum(t);
    Poly words = inDoc.times(new Atom.Data("w", List.of(new Ix.V(t)), List.of())).sum(t);
    PolyEval pe = new PolyEval(in.data, in.state);
    double[] doc = in.data.array("doc").values();
    double[] w = in.data.array("w").values();
    for (int dv = 0; dv < in.data.size("D"); dv++) {
      double n = 0;
      double s = 0;
      for (int i = 0; i < doc.length; i++) {
        if (doc[i] == dv) {
          n++;
          s += w[i];
        }
      }
      assertEquals(n, pe.eval(count, Map.of(d, dv)));
      assertEquals(s, pe.eval(words, Map.of(d, dv)));
    }
    assertEquals(300.0, pe.eval(Poly.of(new Atom.SizeValue("T")), Map.of()));
  }

  private static Family family(Family.Kind k) {
    List<String> members = k == Family.Kind.NORMAL_GAMMA ? List.of("mu", "tau")
        : k == Family.Kind.NORMAL_WISHART ? List.of("mu", "Lambda") : List.of("x");
    return new Family(k, members, new Dim.Fixed(k == Family.Kind.DIRICHLET || k == Family.Kind.CATEGORICAL || k == Family.Kind.BOHNING ? 3 : 2));
  }

  private static int dim(Family.Kind k) {
    return k == Family.Kind.DIRICHLET || k == Family.Kind.CATEGORICAL || k == Family.Kind.BOHNING ? 3 : 2;
  }

  @Test
  void naturalParametersRoundTrip() {
    Random r = new Random(3);
    for (Family.Kind k : Family.Kind.values()) {
      if (k == Family.Kind.MARKOV_CHAIN) {
        continue; // a structured factor over a whole array: HiddenMarkovModelTest checks it by enumeration
      }
      Family fam = family(k);
      for (int rep = 0; rep < 5; rep++) {
        Q q = Q.random(fam, dim(k), r);
        Q back = Q.fromNatural(fam, dim(k), q.natural());
        for (Map.Entry<String, double[]> e : q.natural().entrySet()) {
          double[] a = e.getValue();
          double[] b = back.natural().get(e.getKey());
          for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-9 * (1 + Math.abs(a[i])), k + " " + e.getKey());
          }
        }
        assertEquals(q.entropy(), back.entropy(), 1e-9, k + " entropy");
      }
    }
  }

  private record Stat(String moment, int[] comp, ToDoubleFunction<Val[]> value) {}

  private static List<Stat> stats(Family.Kind k) {
    List<Stat> s = new ArrayList<>();
    int[] none = {};
    switch (k) {
      case NORMAL:
        s.add(new Stat("x", none, v -> v[0].scalar()));
        s.add(new Stat("x2", none, v -> v[0].scalar() * v[0].scalar()));
        break;
      case MULTI_NORMAL:
        s.add(new Stat("x", new int[] {1}, v -> v[0].vector()[1]));
        s.add(new Stat("xxT", new int[] {0, 1}, v -> v[0].vector()[0] * v[0].vector()[1]));
        s.add(new Stat("xxT", new int[] {1, 1}, v -> v[0].vector()[1] * v[0].vector()[1]));
        break;
      case GAMMA:
        s.add(new Stat("x", none, v -> v[0].scalar()));
        s.add(new Stat("lnx", none, v -> Math.log(v[0].scalar())));
        s.add(new Stat("x2", none, v -> v[0].scalar() * v[0].scalar()));
        break;
      case INV_GAMMA:
        s.add(new Stat("invx", none, v -> 1 / v[0].scalar()));
        s.add(new Stat("lnx", none, v -> Math.log(v[0].scalar())));
        break;
      case BETA:
        s.add(new Stat("lnx", none, v -> Math.log(v[0].scalar())));
        s.add(new Stat("ln1mx", none, v -> Math.log1p(-v[0].scalar())));
        s.add(new Stat("x", none, v -> v[0].scalar()));
        break;
      case DIRICHLET:
        s.add(new Stat("lnx", new int[] {1}, v -> Math.log(v[0].vector()[1])));
        s.add(new Stat("x", new int[] {2}, v -> v[0].vector()[2]));
        break;
      case CATEGORICAL:
        s.add(new Stat("onehot", new int[] {1}, v -> v[0].scalar() == 1 ? 1 : 0));
        break;
      case JAAKKOLA_JORDAN:
        // a point: every "sample" is xi; lambda(xi) = tanh(xi/2) / (4 xi) (PRML 10.150)
        s.add(new Stat("lambda", none, v -> Math.tanh(v[0].scalar() / 2) / (4 * v[0].scalar())));
        break;
      case BOHNING:
        s.add(new Stat("shift", new int[] {1}, v -> {
          double[] p = v[0].vector();
          double z = 0;
          for (double x : p) {
            z += Math.exp(x);
          }
          return p[1] / 2 - Math.exp(p[1]) / z;
        }));
        break;
      case WISHART:
        s.add(new Stat("X", new int[] {0, 1}, v -> v[0].matrix()[0][1]));
        s.add(new Stat("lnDet", none, v -> Mat.logDet(v[0].matrix())));
        break;
      case NORMAL_GAMMA:
        s.add(new Stat("tau", none, v -> v[1].scalar()));
        s.add(new Stat("lntau", none, v -> Math.log(v[1].scalar())));
        s.add(new Stat("taumu", none, v -> v[1].scalar() * v[0].scalar()));
        s.add(new Stat("taumu2", none, v -> v[1].scalar() * v[0].scalar() * v[0].scalar()));
        s.add(new Stat("mu", none, v -> v[0].scalar()));
        break;
      default:
        s.add(new Stat("Lambda", new int[] {0, 1}, v -> v[1].matrix()[0][1]));
        s.add(new Stat("lnDetLambda", none, v -> Mat.logDet(v[1].matrix())));
        s.add(new Stat("Lambdamu", new int[] {1}, v -> Mat.mul(v[1].matrix(), v[0].vector())[1]));
        s.add(new Stat("muLambdamu", none, v -> Mat.quad(v[1].matrix(), v[0].vector())));
        s.add(new Stat("mu", new int[] {0}, v -> v[0].vector()[0]));
        break;
    }
    return s;
  }

  /**
   * Each family's moments (used by the interpreter) against averages over its reparameterised
   * sampler (used by the Monte Carlo checks), and its entropy against the average of -ln q:
   * 20000 draws, 5 standard errors.
   */
  @Test
  void momentsAndEntropiesAgreeWithSampling() {
    Random r = new Random(11);
    for (Family.Kind k : Family.Kind.values()) {
      if (k == Family.Kind.MARKOV_CHAIN) {
        continue; // a structured factor over a whole array: HiddenMarkovModelTest checks it by enumeration
      }
      Family fam = family(k);
      Q q = Q.random(fam, dim(k), r);
      List<Stat> stats = stats(k);
      int n = 20000;
      double[][] xs = new double[stats.size() + 1][n];
      double[] u = new double[q.baseDim()];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < u.length; j++) {
          u[j] = r.nextDouble();
        }
        Val[] v = q.sample(u, 0);
        for (int s = 0; s < stats.size(); s++) {
          xs[s][i] = stats.get(s).value().applyAsDouble(v);
        }
        xs[stats.size()][i] = -q.lnDensity(v);
      }
      for (int s = 0; s <= stats.size(); s++) {
        MonteCarlo.Estimate e = MonteCarlo.Estimate.of(xs[s]);
        double exact = s < stats.size() ? q.moment(stats.get(s).moment(), stats.get(s).comp()) : q.entropy();
        String what = k + " " + (s < stats.size() ? stats.get(s).moment() : "entropy") + " of " + q;
        assertEquals(exact, e.mean(), 5 * e.se() + 1e-12, what);
      }
    }
  }
}
