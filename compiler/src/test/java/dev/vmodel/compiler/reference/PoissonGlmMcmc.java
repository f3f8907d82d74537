package dev.vmodel.compiler.reference;

import java.util.SplittableRandom;

/**
 * MCMC reference for Poisson log-link regression: k_n ~ Poisson(exp(w^T x_n)), w ~ N(m0, diag(prec)^{-1})
 * with the prior precisions known ({@link #run}) or prec = alpha ~ Gamma(a0, b0) (shape, rate), shared
 * or one per coefficient (ARD) ({@link #runHyper}).
 *
 * <p>Log posterior (known prior): {@code sum_n [k_n eta_n - exp(eta_n)] - sum_d prec_d (w_d - m0_d)^2/2},
 * eta_n = w^T x_n; gradient {@code sum_n (k_n - e^{eta_n}) x_n - prec (w - m0)}; minus Hessian
 * {@code sum_n e^{eta_n} x_n x_n^T + diag(prec)}.
 *
 * <p>Sampler: w by {@link Hmc} whitened with the Laplace approximation (mode by Newton's method with
 * step halving, covariance the inverse minus Hessian at the mode); with the hyperprior, alternated with
 * the conjugate Gibbs step alpha | w ~ Gamma(a0 + D/2, b0 + |w - m0|^2/2) (shared) or
 * alpha_d | w ~ Gamma(a0 + 1/2, b0 + (w_d - m0_d)^2/2) (ARD). With the hyperprior the Laplace
 * approximation is first taken at alpha = a0/b0 and redone at the mean of alpha over the first half
 * of burn-in. The preconditioner and step size are frozen after burn-in, so the kept chain is a
 * plain (valid) HMC-within-Gibbs chain. Deterministic for a seed.
 */
public final class PoissonGlmMcmc {
  private PoissonGlmMcmc() {}

  /**
   * Per-coefficient posterior mean, sd, ESS ({@link ChainStats}); alphaMean the posterior mean of
   * alpha (length 0 known, 1 shared, D ARD); draws[s][d]; the mean HMC acceptance probability after burn-in.
   */
  public record Result(double[] mean, double[] sd, double[] ess, double[] alphaMean, double[][] draws, double acceptRate) {
    public double minEss() {
      double m = Double.POSITIVE_INFINITY;
      for (double e : ess) m = Math.min(m, e);
      return m;
    }
  }

  /** Known prior precisions prec (length D, &gt; 0) around the prior mean m0. */
  public static Result run(double[][] X, int[] k, double[] m0, double[] prec, int burnIn, int draws, long seed) {
    check(X, k, m0);
    if (prec.length != m0.length) throw new IllegalArgumentException("prec has length " + prec.length + ", D = " + m0.length);
    for (double p : prec) if (!(p > 0)) throw new IllegalArgumentException("prior precision must be > 0, got " + p);
    return sample(X, k, m0, prec.clone(), 0, 0, false, burnIn, draws, seed);
  }

  /** Prior precision alpha ~ Gamma(a0, b0), shared (ard = false) or per coefficient (ard = true). */
  public static Result runHyper(double[][] X, int[] k, double[] m0, double a0, double b0, boolean ard, int burnIn,
      int draws, long seed) {
    check(X, k, m0);
    if (!(a0 > 0) || !(b0 > 0)) throw new IllegalArgumentException("Gamma(a0, b0) needs a0 > 0 and b0 > 0, got " + a0 + ", " + b0);
    return sample(X, k, m0, null, a0, b0, ard, burnIn, draws, seed);
  }

  private static void check(double[][] X, int[] k, double[] m0) {
    Linalg.checkDesign(X, k.length);
    if (m0.length != X[0].length) throw new IllegalArgumentException("m0 has length " + m0.length + ", D = " + X[0].length);
    for (int i = 0; i < k.length; i++) if (k[i] < 0) throw new IllegalArgumentException("k[" + i + "] = " + k[i] + " < 0");
  }

  /** Log posterior up to a constant for prior precisions prec; fills grad if not null. */
  static double logPosterior(double[][] X, int[] k, double[] m0, double[] prec, double[] w, double[] grad) {
    int d = w.length;
    double lp = 0;
    if (grad != null) java.util.Arrays.fill(grad, 0);
    for (int i = 0; i < k.length; i++) {
      double eta = Linalg.dot(w, X[i]);
      double mu = Math.exp(eta);
      lp += k[i] * eta - mu;
      if (grad != null) for (int j = 0; j < d; j++) grad[j] += (k[i] - mu) * X[i][j];
    }
    for (int j = 0; j < d; j++) {
      double c = w[j] - m0[j];
      lp -= 0.5 * prec[j] * c * c;
      if (grad != null) grad[j] -= prec[j] * c;
    }
    return lp;
  }

  /** Mode and the Cholesky factor of the inverse minus Hessian there: {mode, L...}. */
  static double[][] laplace(double[][] X, int[] k, double[] m0, double[] prec, double[] start) {
    int d = m0.length;
    double[] w = start.clone();
    double[] g = new double[d];
    double lp = logPosterior(X, k, m0, prec, w, g);
    for (int it = 0; it < 200; it++) {
      double[][] h = negHessian(X, m0, prec, w);
      double[][] lh = Linalg.cholesky(h);
      double[] dir = Linalg.cholSolve(lh, g);
      double decrement = Linalg.dot(g, dir);
      double s = 1;
      double[] next = new double[d];
      double lpNext;
      while (true) {
        for (int j = 0; j < d; j++) next[j] = w[j] + s * dir[j];
        lpNext = logPosterior(X, k, m0, prec, next, null);
        if (lpNext >= lp - 1e-12 * Math.abs(lp) || s < 1e-10) break;
        s *= 0.5;
      }
      w = next.clone();
      lp = logPosterior(X, k, m0, prec, w, g);
      if (decrement < 1e-20) break;
    }
    double[][] cov = Linalg.inverse(negHessian(X, m0, prec, w));
    double[][] l = Linalg.cholesky(cov);
    double[][] out = new double[d + 1][];
    out[0] = w;
    System.arraycopy(l, 0, out, 1, d);
    return out;
  }

  private static double[][] negHessian(double[][] X, double[] m0, double[] prec, double[] w) {
    int d = m0.length;
    double[][] h = new double[d][d];
    for (double[] x : X) {
      double mu = Math.exp(Linalg.dot(w, x));
      for (int j = 0; j < d; j++)
        for (int l = 0; l <= j; l++) h[j][l] += mu * x[j] * x[l];
    }
    for (int j = 0; j < d; j++) {
      h[j][j] += prec[j];
      for (int l = 0; l < j; l++) h[l][j] = h[j][l];
    }
    return h;
  }

  private static Result sample(double[][] X, int[] k, double[] m0, double[] knownPrec, double a0, double b0, boolean ard,
      int burnIn, int draws, long seed) {
    if (burnIn < 2 || draws < 2) throw new IllegalArgumentException("burnIn >= 2 and draws >= 2 needed");
    int d = m0.length;
    SplittableRandom r = new SplittableRandom(seed);
    int groups = knownPrec != null ? 0 : ard ? d : 1;
    double[] prec = new double[d];
    for (int j = 0; j < d; j++) prec[j] = knownPrec != null ? knownPrec[j] : a0 / b0;
    double[][] lap = laplace(X, k, m0, prec, m0);
    double[] w = lap[0].clone();
    Hmc hmc = new Hmc(lap[0], java.util.Arrays.copyOfRange(lap, 1, d + 1), 0.3);
    Hmc.Target target = (v, grad) -> logPosterior(X, k, m0, prec, v, grad);
    double[][] kept = new double[draws][];
    double[] alphaSum = new double[groups];
    double[] precSum = new double[d];
    int half = burnIn / 2;
    for (int s = 0; s < burnIn + draws; s++) {
      if (groups > 0 && s == half) {
        // redo the preconditioner at the mean precision of the first half of burn-in
        double[] mean = new double[d];
        for (int j = 0; j < d; j++) mean[j] = precSum[j] / half;
        double[][] lap2 = laplace(X, k, m0, mean, w);
        hmc = new Hmc(lap2[0], java.util.Arrays.copyOfRange(lap2, 1, d + 1), hmc.step());
      }
      w = hmc.transition(target, w, r, s < burnIn);
      if (groups == 1) {
        double ss = 0;
        for (int j = 0; j < d; j++) ss += (w[j] - m0[j]) * (w[j] - m0[j]);
        java.util.Arrays.fill(prec, Rng.gamma(r, a0 + 0.5 * d, b0 + 0.5 * ss));
      } else if (groups == d) {
        for (int j = 0; j < d; j++) prec[j] = Rng.gamma(r, a0 + 0.5, b0 + 0.5 * (w[j] - m0[j]) * (w[j] - m0[j]));
      }
      if (s < half) for (int j = 0; j < d; j++) precSum[j] += prec[j];
      if (s >= burnIn) {
        kept[s - burnIn] = w.clone();
        for (int g = 0; g < groups; g++) alphaSum[g] += prec[g];
      }
    }
    for (int g = 0; g < groups; g++) alphaSum[g] /= draws;
    LogisticMcmc.Result sum = LogisticMcmc.summarize(kept, alphaSum);
    return new Result(sum.mean(), sum.sd(), sum.ess(), alphaSum, kept, hmc.acceptRate());
  }
}
