package dev.vmodel.runtime.posterior;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.Beta;
import dev.vmodel.runtime.Categorical;
import dev.vmodel.runtime.Dirichlet;
import dev.vmodel.runtime.Gamma;
import dev.vmodel.runtime.InvGamma;
import dev.vmodel.runtime.LinAlg;
import dev.vmodel.runtime.MultiNormal;
import dev.vmodel.runtime.Normal;
import dev.vmodel.runtime.NormalWishart;
import dev.vmodel.runtime.SpecialFunctions;
import dev.vmodel.runtime.Wishart;
import org.junit.jupiter.api.Test;

/**
 * The posterior value types: validation, defensive copies, value semantics, and that each
 * summary is the corresponding distribution helper (those are checked against independent
 * references in the dev.vmodel.runtime tests) or a hand-computed value.
 */
class PosteriorTest {

  @Test
  void gamma() {
    GammaPosterior g = new GammaPosterior(3, 2);
    assertEquals(1.5, g.mean(), 0.0);
    assertEquals(0.75, g.variance(), 0.0);
    assertEquals(Math.sqrt(0.75), g.sd(), 1e-16);
    assertEquals(SpecialFunctions.digamma(3) - Math.log(2), g.expLn(), 0.0);
    assertEquals(1.0, g.mode(), 0.0);
    assertEquals(Gamma.entropy(3, 2), g.entropy(), 0.0);
    Interval ci = g.interval95();
    assertEquals(0.025, Gamma.cdf(ci.lower(), 3, 2), 1e-13);
    assertEquals(0.975, Gamma.cdf(ci.upper(), 3, 2), 1e-13);
    assertTrue(ci.contains(g.mean()));
    assertEquals(Gamma.quantile(0.3, 3, 2), g.quantile(0.3), 0.0);
    assertEquals(new GammaPosterior(3, 2), g);
    assertThrows(IllegalArgumentException.class, () -> new GammaPosterior(0, 2));
    assertThrows(IllegalArgumentException.class, () -> new GammaPosterior(1, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new GammaPosterior(1, Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> g.quantile(1.5));
  }

  @Test
  void invGammaBetaNormal() {
    InvGammaPosterior ig = new InvGammaPosterior(4, 6);
    assertEquals(2.0, ig.mean(), 0.0);
    assertEquals(36.0 / (9 * 2), ig.variance(), 1e-15);
    assertEquals(4.0 / 6, ig.expInv(), 0.0);
    assertEquals(Math.log(6) - SpecialFunctions.digamma(4), ig.expLn(), 0.0);
    assertEquals(6.0 / 5, ig.mode(), 0.0);
    assertEquals(InvGamma.entropy(4, 6), ig.entropy(), 0.0);
    assertEquals(0.975, InvGamma.cdf(ig.interval95().upper(), 4, 6), 1e-13);
    assertThrows(IllegalArgumentException.class, () -> new InvGammaPosterior(-1, 1));

    BetaPosterior b = new BetaPosterior(2, 6);
    assertEquals(0.25, b.mean(), 0.0);
    assertEquals(12.0 / (64 * 9), b.variance(), 1e-16);
    assertEquals(Beta.expLn(2, 6), b.expLn(), 0.0);
    assertEquals(Beta.expLn1m(2, 6), b.expLn1m(), 0.0);
    assertEquals(Beta.entropy(2, 6), b.entropy(), 0.0);
    assertEquals(0.025, Beta.cdf(b.interval95().lower(), 2, 6), 1e-13);
    assertThrows(IllegalArgumentException.class, () -> new BetaPosterior(1, 0));

    NormalPosterior n = new NormalPosterior(1.5, 4);
    assertEquals(0.25, n.variance(), 0.0);
    assertEquals(0.5, n.sd(), 0.0);
    assertEquals(2.25 + 0.25, n.expSquare(), 0.0);
    assertEquals(Normal.entropy(4), n.entropy(), 0.0);
    assertEquals(1.5 - 1.959963984540054 * 0.5, n.interval95().lower(), 1e-15);
    assertEquals(1.5 + 1.959963984540054 * 0.5, n.interval95().upper(), 1e-15);
    assertEquals(1.5, n.quantile(0.5), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> new NormalPosterior(Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> new NormalPosterior(0, 0));
  }

  @Test
  void interval() {
    Interval i = new Interval(1, 3);
    assertEquals(2.0, i.width(), 0.0);
    assertTrue(i.contains(1) && i.contains(3) && !i.contains(3.1));
    assertThrows(IllegalArgumentException.class, () -> new Interval(2, 1));
    assertThrows(IllegalArgumentException.class, () -> new Interval(Double.NaN, 1));
  }

  @Test
  void multiNormal() {
    double[] mean = {1, 2};
    double[] prec = {4, 1, 1, 2}; // |P| = 7, P^-1 = [[2, -1], [-1, 4]] / 7
    MultiNormalPosterior q = new MultiNormalPosterior(mean, prec);
    mean[0] = 99; // defensive copy in
    prec[0] = 99;
    assertEquals(1.0, q.mean(0), 0.0);
    assertEquals(2, q.dim());
    double[] out = q.mean();
    out[1] = 99; // defensive copy out
    assertEquals(2.0, q.mean(1), 0.0);
    assertArrayEquals(new double[] {4, 1, 1, 2}, q.precision(), 0.0);
    assertArrayEquals(new double[] {2.0 / 7, -1.0 / 7, -1.0 / 7, 4.0 / 7}, q.covariance(), 1e-15);
    assertEquals(4.0 / 7, q.variance(1), 1e-15);
    assertEquals(Math.sqrt(2.0 / 7), q.sd(0), 1e-15);
    assertEquals(Math.log(7), q.lnDetPrecision(), 1e-15);
    assertEquals(MultiNormal.entropy(2, Math.log(7)), q.entropy(), 1e-15);
    assertArrayEquals(new double[] {2.0 / 7 + 1, -1.0 / 7 + 2, -1.0 / 7 + 2, 4.0 / 7 + 4},
        q.expOuter(), 1e-15);
    Interval ci = q.interval95(0);
    assertEquals(1 - 1.959963984540054 * Math.sqrt(2.0 / 7), ci.lower(), 1e-15);
    assertEquals(new MultiNormalPosterior(new double[] {1, 2}, new double[] {4, 1, 1, 2}), q);
    assertEquals(new MultiNormalPosterior(new double[] {1, 2}, new double[] {4, 1, 1, 2}).hashCode(),
        q.hashCode());
    assertNotEquals(new MultiNormalPosterior(new double[] {1, 2.5}, new double[] {4, 1, 1, 2}), q);
    assertTrue(q.toString().contains("precision=[4.0, 1.0, 1.0, 2.0]"));
    assertThrows(IllegalArgumentException.class,
        () -> new MultiNormalPosterior(new double[] {1, 2}, new double[] {1, 2, 2, 1})); // not PD
    assertThrows(IllegalArgumentException.class,
        () -> new MultiNormalPosterior(new double[] {1, 2}, new double[] {1, 0, 0.5, 1})); // asym
    assertThrows(IllegalArgumentException.class,
        () -> new MultiNormalPosterior(new double[] {1, 2}, new double[] {1, 0, 0}));
    assertThrows(IndexOutOfBoundsException.class, () -> q.mean(2));
  }

  @Test
  void wishart() {
    double[] w = {2, 0.5, 0.5, 1};
    WishartPosterior q = new WishartPosterior(w, 5, 2);
    w[0] = 99;
    assertArrayEquals(new double[] {10, 2.5, 2.5, 5}, q.mean(), 1e-15); // nu W
    assertEquals(2.5, q.mean(0, 1), 1e-15);
    assertEquals(5 * (0.25 + 2), q.variance(0, 1), 1e-15);
    double lnDetW = Math.log(1.75);
    assertEquals(lnDetW, q.lnDetW(), 1e-15);
    assertEquals(Wishart.expLnDet(2, lnDetW, 5), q.expLnDet(), 1e-14);
    assertEquals(Wishart.entropy(2, lnDetW, 5), q.entropy(), 1e-14);
    // E[Lambda^-1] = W^-1 / (nu - D - 1): W^-1 = [[1, -0.5], [-0.5, 2]] / 1.75
    assertArrayEquals(new double[] {1 / 1.75 / 2, -0.5 / 1.75 / 2, -0.5 / 1.75 / 2, 2 / 1.75 / 2},
        q.expInverse(), 1e-15);
    double[] copy = q.W();
    copy[0] = 7;
    assertEquals(2.0, q.W()[0], 0.0);
    assertEquals(new WishartPosterior(new double[] {2, 0.5, 0.5, 1}, 5, 2), q);
    assertThrows(IllegalArgumentException.class, () -> new WishartPosterior(new double[] {1, 0, 0, 1}, 0.9, 2));
    assertThrows(IllegalArgumentException.class, () -> new WishartPosterior(new double[] {1}, 3, 0));
    assertThrows(IllegalStateException.class,
        () -> new WishartPosterior(new double[] {1, 0, 0, 1}, 2.5, 2).expInverse());
  }

  @Test
  void dirichletAndCategorical() {
    double[] alpha = {1, 2, 5};
    DirichletPosterior d = new DirichletPosterior(alpha);
    alpha[0] = 99;
    assertEquals(3, d.size());
    assertEquals(8.0, d.concentration(), 0.0);
    assertArrayEquals(new double[] {1.0 / 8, 2.0 / 8, 5.0 / 8}, d.mean(), 1e-16);
    assertEquals(0.25, d.mean(1), 0.0);
    assertEquals(2 * 6 / (64.0 * 9), d.variance(1), 1e-16);
    double[] e = new double[3];
    Dirichlet.expLn(new double[] {1, 2, 5}, e);
    assertArrayEquals(e, d.expLn(), 0.0);
    assertEquals(Dirichlet.entropy(new double[] {1, 2, 5}), d.entropy(), 0.0);
    Interval ci = d.interval95(2);
    assertEquals(0.025, Beta.cdf(ci.lower(), 5, 3), 1e-13); // marginal Beta(5, 3)
    assertEquals(new Interval(1, 1), new DirichletPosterior(new double[] {3}).interval95(0));
    assertEquals(new DirichletPosterior(new double[] {1, 2, 5}), d);
    assertThrows(IllegalArgumentException.class, () -> new DirichletPosterior(new double[0]));
    assertThrows(IllegalArgumentException.class, () -> new DirichletPosterior(new double[] {1, 0}));

    double[] p = {0.2, 0.5, 0.3};
    CategoricalPosterior c = new CategoricalPosterior(p);
    p[1] = 0;
    assertArrayEquals(new double[] {0.2, 0.5, 0.3}, c.probabilities(), 0.0);
    assertEquals(0.5, c.probability(1), 0.0);
    assertEquals(1, c.mode());
    assertEquals(Categorical.entropy(new double[] {0.2, 0.5, 0.3}), c.entropy(), 0.0);
    assertEquals(new CategoricalPosterior(new double[] {0.2, 0.5, 0.3}), c);
    assertThrows(IllegalArgumentException.class, () -> new CategoricalPosterior(new double[] {0.5, 0.6}));
    assertThrows(IllegalArgumentException.class, () -> new CategoricalPosterior(new double[] {-0.1, 1.1}));
  }

  @Test
  void normalWishart() {
    double[] m = {0.5, -1};
    double[] w = {2, 0.5, 0.5, 1};
    NormalWishartPosterior q = new NormalWishartPosterior(m, 3, w, 6);
    m[0] = 99;
    w[0] = 99;
    assertArrayEquals(new double[] {0.5, -1}, q.meanMu(), 0.0);
    assertEquals(new WishartPosterior(new double[] {2, 0.5, 0.5, 1}, 6, 2), q.lambda());
    double[] x = {1, 1};
    assertEquals(NormalWishart.expQuadForm(2, x, 0, new double[] {0.5, -1}, 0, 3,
        new double[] {2, 0.5, 0.5, 1}, 0, 6), q.expQuadForm(x), 0.0);
    // 2/3 + 6 (x - m)^T W (x - m), (x - m) = (0.5, 2): 0.5 + 1 + 4 = 5.5
    assertEquals(2.0 / 3 + 6 * 5.5, q.expQuadForm(x), 1e-13);
    assertEquals(NormalWishart.entropy(2, 3, Math.log(1.75), 6), q.entropy(), 1e-14);
    double[] cov = q.covarianceMu(); // W^-1 / (beta (nu - D - 1))
    double[] wInv = new double[4];
    LinAlg.spdInverse(new double[] {2, 0.5, 0.5, 1}, wInv, 2);
    for (int i = 0; i < 4; i++) {
      assertEquals(wInv[i] / (3 * 3), cov[i], 1e-15);
    }
    assertThrows(IllegalArgumentException.class,
        () -> new NormalWishartPosterior(new double[] {0, 0}, 0, new double[] {1, 0, 0, 1}, 3));
    assertThrows(IllegalArgumentException.class,
        () -> new NormalWishartPosterior(new double[] {0, 0}, 1, new double[] {1, 0, 0, 1}, 0.5));
  }
}
