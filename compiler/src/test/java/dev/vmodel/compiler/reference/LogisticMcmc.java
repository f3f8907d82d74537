package dev.vmodel.compiler.reference;

import java.util.SplittableRandom;

/**
 * Gibbs sampler for Bayesian logistic regression with Polya-Gamma augmentation (Polson, Scott and
 * Windle 2013, JASA 108:1339), an exact MCMC reference for {@link PrmlLogistic}'s model.
 *
 * <p>Model: t_n in {0, 1}, p(t_n | w) = sigma(w^T x_n)^{t_n} (1 - sigma(w^T x_n))^{1 - t_n},
 * w ~ N(0, diag(alpha)^{-1}) with alpha known, or alpha ~ Gamma(a0, b0) (shape, rate) shared by all
 * coefficients, or one alpha_d ~ Gamma(a0, b0) per coefficient (ARD).
 *
 * <p>Because {@code e^{psi t}/(1 + e^psi) = e^{kappa psi}/2 * E_{omega ~ PG(1,0)} e^{-omega psi^2/2}}
 * with kappa = t - 1/2 (their Theorem 1), one sweep is
 * <ol>
 *   <li>omega_n | w ~ PG(1, w^T x_n) ({@link PolyaGamma#draw}, exact);</li>
 *   <li>w | omega, alpha ~ N(V X^T kappa, V), {@code V^{-1} = X^T Omega X + diag(alpha)}, drawn as
 *       {@code L^{-T}(L^{-1} X^T kappa + z)} with {@code V^{-1} = L L^T}, z ~ N(0, I);</li>
 *   <li>alpha | w ~ Gamma(a0 + D/2, b0 + w^T w/2) (shared) or alpha_d | w ~ Gamma(a0 + 1/2, b0 + w_d^2/2)
 *       (ARD), PRML 2.146-2.151 conjugacy; skipped when alpha is known.</li>
 * </ol>
 * Start: w = 0, alpha at its prior mean a0/b0. Deterministic for a seed (one SplittableRandom).
 */
public final class LogisticMcmc {
  private LogisticMcmc() {}

  /**
   * Posterior summaries over the kept draws: per coefficient mean, sd and ESS ({@link ChainStats});
   * {@code alphaMean} the posterior mean of alpha (length 1 shared, D ARD, 0 known);
   * {@code draws[s][d]} the kept draws of w.
   */
  public record Result(double[] mean, double[] sd, double[] ess, double[] alphaMean, double[][] draws) {
    public double minEss() {
      double m = Double.POSITIVE_INFINITY;
      for (double e : ess) m = Math.min(m, e);
      return m;
    }
  }

  /** alpha ~ Gamma(a0, b0), shared (ard = false) or one per coefficient (ard = true). */
  public static Result run(double[][] X, int[] t, double a0, double b0, boolean ard, int burnIn, int draws, long seed) {
    if (!(a0 > 0) || !(b0 > 0)) throw new IllegalArgumentException("Gamma(a0, b0) needs a0 > 0 and b0 > 0, got " + a0 + ", " + b0);
    return sample(X, t, null, a0, b0, ard, burnIn, draws, seed);
  }

  /** w ~ N(0, diag(alpha)^{-1}) with alpha known. */
  public static Result runKnownAlpha(double[][] X, int[] t, double[] alpha, int burnIn, int draws, long seed) {
    return sample(X, t, alpha.clone(), 0, 0, false, burnIn, draws, seed);
  }

  private static Result sample(double[][] X, int[] t, double[] knownAlpha, double a0, double b0, boolean ard,
      int burnIn, int draws, long seed) {
    int n = t.length;
    Linalg.checkDesign(X, n);
    int d = X[0].length;
    for (int i = 0; i < n; i++)
      if (t[i] != 0 && t[i] != 1) throw new IllegalArgumentException("t[" + i + "] = " + t[i] + ", must be 0 or 1");
    if (knownAlpha != null) {
      if (knownAlpha.length != d) throw new IllegalArgumentException("alpha has length " + knownAlpha.length + ", D = " + d);
      for (double a : knownAlpha) if (!(a > 0)) throw new IllegalArgumentException("alpha must be > 0, got " + a);
    }
    if (burnIn < 0 || draws < 2) throw new IllegalArgumentException("burnIn >= 0 and draws >= 2 needed");
    SplittableRandom r = new SplittableRandom(seed);
    int groups = knownAlpha != null ? 0 : ard ? d : 1;
    double[] alpha = new double[d];
    for (int j = 0; j < d; j++) alpha[j] = knownAlpha != null ? knownAlpha[j] : a0 / b0;
    double[] xk = new double[d]; // X^T kappa
    for (int i = 0; i < n; i++)
      for (int j = 0; j < d; j++) xk[j] += (t[i] - 0.5) * X[i][j];
    double[] w = new double[d];
    double[][] kept = new double[draws][];
    double[] alphaSum = new double[groups];
    double[][] prec = new double[d][d];
    for (int s = 0; s < burnIn + draws; s++) {
      for (int j = 0; j < d; j++) {
        java.util.Arrays.fill(prec[j], 0);
        prec[j][j] = alpha[j];
      }
      for (int i = 0; i < n; i++) {
        double[] x = X[i];
        double omega = PolyaGamma.draw(r, Linalg.dot(w, x));
        for (int j = 0; j < d; j++) {
          double ox = omega * x[j];
          double[] row = prec[j];
          for (int k = 0; k <= j; k++) row[k] += ox * x[k];
        }
      }
      double[][] l = Linalg.cholesky(prec);
      double[] u = Linalg.forward(l, xk);
      for (int j = 0; j < d; j++) u[j] += Rng.normal(r);
      w = Linalg.backward(l, u);
      if (groups == 1) {
        double ww = Linalg.dot(w, w);
        double a = Rng.gamma(r, a0 + 0.5 * d, b0 + 0.5 * ww);
        java.util.Arrays.fill(alpha, a);
      } else if (groups == d) {
        for (int j = 0; j < d; j++) alpha[j] = Rng.gamma(r, a0 + 0.5, b0 + 0.5 * w[j] * w[j]);
      }
      if (s >= burnIn) {
        kept[s - burnIn] = w.clone();
        for (int g = 0; g < groups; g++) alphaSum[g] += alpha[g];
      }
    }
    for (int g = 0; g < groups; g++) alphaSum[g] /= draws;
    return summarize(kept, alphaSum);
  }

  static Result summarize(double[][] kept, double[] alphaMean) {
    int d = kept[0].length;
    double[] mean = new double[d], sd = new double[d], ess = new double[d];
    for (int j = 0; j < d; j++) {
      double[] c = ChainStats.column(kept, j);
      mean[j] = ChainStats.mean(c);
      sd[j] = ChainStats.sd(c);
      ess[j] = ChainStats.ess(c);
    }
    return new Result(mean, sd, ess, alphaMean, kept);
  }
}
