package dev.vmodel.compiler.reference;

/**
 * Fixed-form Gaussian variational inference for Poisson log-link regression, an independent reference
 * for a generated {@code Poisson(exp(a))} update: k_n ~ Poisson(exp(w^T x_n)), w ~ N(m0, P0^{-1}),
 * q(w) = N(m, S) with S full.
 *
 * <p>Bound (exact, no further bounding: E_q exp(w^T x) = exp(m^T x + x^T S x / 2)):
 * <pre>
 * L(m, S) = sum_n [ k_n m^T x_n - exp(m^T x_n + x_n^T S x_n / 2) - ln k_n! ]
 *         - D ln(2 pi)/2 + ln|P0|/2 - [ (m - m0)^T P0 (m - m0) + tr(P0 S) ]/2      (E ln N(w | m0, P0^{-1}))
 *         + ln|S|/2 + D (1 + ln 2 pi)/2                                            (H[q])
 * </pre>
 * L is jointly concave in (m, S) (a sum of -exp of affine functions, concave quadratics, linear terms and
 * ln|S|), so coordinate ascent reaches the global maximum. With mu_n = exp(m^T x_n + x_n^T S x_n / 2):
 * {@code dL/dm = sum_n (k_n - mu_n) x_n - P0 (m - m0)}, {@code dL/dS = (S^{-1} - P0 - sum_n mu_n x_n x_n^T)/2}.
 *
 * <p>One iteration: (1) m by Newton's method for S fixed (minus Hessian {@code sum_n mu_n x_n x_n^T + P0},
 * step halving until L does not decrease, to a Newton decrement below 1e-20); (2) the precision
 * Lambda = S^{-1} moves towards its fixed point Lambda* = P0 + sum_n mu_n(m, S) x_n x_n^T:
 * Lambda + s (Lambda* - Lambda), s = 1, 1/2, ... until L does not decrease (an ascent direction:
 * dL along it is tr(S D S D)/2 &gt;= 0 with D = Lambda* - Lambda, and Lambda stays positive definite).
 * "Does not decrease" allows a rounding error of 1e-13 (1 + |L|), so the trace is monotone up to that.
 * Stops when an iteration raises L by at most {@code tol} and the gradient is below sqrt(tol) in max norm.
 * Start: m = m0, S = P0^{-1} (the prior).
 */
public final class PoissonGaussianVi {
  private PoissonGaussianVi() {}

  /** q(w) = N(mean, cov); bound = L at the end; boundTrace[i] = L after iteration i+1. */
  public record Result(double[] mean, double[][] cov, double bound, double[] boundTrace, int iterations, boolean converged) {}

  /** Diagonal prior precision. */
  public static Result fit(double[][] X, int[] k, double[] m0, double[] prec0, double tol, int maxIter) {
    double[][] p0 = new double[prec0.length][prec0.length];
    for (int j = 0; j < prec0.length; j++) p0[j][j] = prec0[j];
    return fit(X, k, m0, p0, tol, maxIter);
  }

  /** Full prior precision P0 (symmetric positive definite). */
  public static Result fit(double[][] X, int[] k, double[] m0, double[][] p0, double tol, int maxIter) {
    int n = k.length;
    Linalg.checkDesign(X, n);
    int d = X[0].length;
    if (m0.length != d || p0.length != d) throw new IllegalArgumentException("m0 and P0 must have D = " + d + " rows");
    for (int i = 0; i < n; i++) if (k[i] < 0) throw new IllegalArgumentException("k[" + i + "] = " + k[i] + " < 0");
    if (!(tol >= 0) || maxIter < 1) throw new IllegalArgumentException("tol >= 0 and maxIter >= 1 needed");
    Linalg.cholesky(p0); // checks positive definiteness
    double[] m = m0.clone();
    double[][] lambda = Linalg.copy(p0);
    double[][] s = Linalg.inverse(lambda);
    double[] trace = new double[maxIter];
    double previous = bound(X, k, m0, p0, m, s);
    int it = 0;
    boolean converged = false;
    while (it < maxIter) {
      // (1) Newton on m
      double[] v = new double[n];
      for (int i = 0; i < n; i++) v[i] = 0.5 * Linalg.quad(X[i], s);
      double lm = bound(X, k, m0, p0, m, s);
      for (int newton = 0; newton < 100; newton++) {
        double[] g = gradMean(X, k, m0, p0, m, s);
        double[][] h = Linalg.copy(p0);
        for (int i = 0; i < n; i++) {
          double mu = Math.exp(Linalg.dot(m, X[i]) + v[i]);
          for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) h[a][b] += mu * X[i][a] * X[i][b];
        }
        double[] dir = Linalg.cholSolve(Linalg.cholesky(h), g);
        double decrement = Linalg.dot(g, dir);
        if (decrement < 1e-20) break;
        double step = 1;
        while (true) {
          double[] next = m.clone();
          for (int j = 0; j < d; j++) next[j] += step * dir[j];
          double ln = bound(X, k, m0, p0, next, s);
          if (ln >= lm - noise(lm)) {
            m = next;
            lm = ln;
            break;
          }
          step *= 0.5;
          if (step < 1e-12) break;
        }
        if (step < 1e-12) break;
      }
      // (2) precision towards its fixed point
      double[][] target = fixedPointPrecision(X, p0, m, s);
      double step = 1;
      while (step >= 1e-12) {
        double[][] trial = new double[d][d];
        for (int a = 0; a < d; a++)
          for (int b = 0; b < d; b++) trial[a][b] = lambda[a][b] + step * (target[a][b] - lambda[a][b]);
        double[][] sTrial = Linalg.inverse(trial);
        double lt = bound(X, k, m0, p0, m, sTrial);
        if (lt >= lm - noise(lm)) {
          lambda = trial;
          s = sTrial;
          lm = lt;
          break;
        }
        step *= 0.5;
      }
      trace[it++] = lm;
      double gradMax = gradientMaxNorm(X, k, m0, p0, m, s);
      if (lm - previous <= tol && gradMax <= Math.sqrt(Math.max(tol, 1e-30))) {
        converged = true;
        break;
      }
      previous = lm;
    }
    return new Result(m, s, trace[it - 1], java.util.Arrays.copyOf(trace, it), it, converged);
  }

  /**
   * Rounding allowance when comparing values of L: near the optimum L is flat to second order, so
   * steps that still shrink the gradient change L by less than its rounding error; they are accepted.
   */
  private static double noise(double l) {
    return 1e-13 * (1 + Math.abs(l));
  }

  /** L(m, S) of the class javadoc. */
  public static double bound(double[][] X, int[] k, double[] m0, double[][] p0, double[] m, double[][] s) {
    int d = m.length;
    double l = 0;
    for (int i = 0; i < k.length; i++) {
      double eta = Linalg.dot(m, X[i]);
      l += k[i] * eta - Math.exp(eta + 0.5 * Linalg.quad(X[i], s)) - Special.lnFactorial(k[i]);
    }
    double[] dm = new double[d];
    for (int j = 0; j < d; j++) dm[j] = m[j] - m0[j];
    double trPS = 0;
    for (int a = 0; a < d; a++)
      for (int b = 0; b < d; b++) trPS += p0[a][b] * s[b][a];
    l += -0.5 * d * Special.LN_2PI + 0.5 * Linalg.cholLogDet(Linalg.cholesky(p0)) - 0.5 * (Linalg.quad(dm, p0) + trPS);
    l += 0.5 * Linalg.cholLogDet(Linalg.cholesky(s)) + 0.5 * d * (1 + Special.LN_2PI);
    return l;
  }

  /** dL/dm. */
  public static double[] gradMean(double[][] X, int[] k, double[] m0, double[][] p0, double[] m, double[][] s) {
    int d = m.length;
    double[] g = new double[d];
    for (int i = 0; i < k.length; i++) {
      double mu = Math.exp(Linalg.dot(m, X[i]) + 0.5 * Linalg.quad(X[i], s));
      for (int j = 0; j < d; j++) g[j] += (k[i] - mu) * X[i][j];
    }
    for (int a = 0; a < d; a++)
      for (int b = 0; b < d; b++) g[a] -= p0[a][b] * (m[b] - m0[b]);
    return g;
  }

  /** P0 + sum_n mu_n x_n x_n^T, mu_n = exp(m^T x_n + x_n^T S x_n / 2). */
  static double[][] fixedPointPrecision(double[][] X, double[][] p0, double[] m, double[][] s) {
    int d = m.length;
    double[][] t = Linalg.copy(p0);
    for (double[] x : X) {
      double mu = Math.exp(Linalg.dot(m, x) + 0.5 * Linalg.quad(x, s));
      for (int a = 0; a < d; a++)
        for (int b = 0; b < d; b++) t[a][b] += mu * x[a] * x[b];
    }
    return t;
  }

  /** max(|dL/dm|_inf, |dL/dS|_inf). */
  static double gradientMaxNorm(double[][] X, int[] k, double[] m0, double[][] p0, double[] m, double[][] s) {
    double g = 0;
    for (double v : gradMean(X, k, m0, p0, m, s)) g = Math.max(g, Math.abs(v));
    double[][] sInv = Linalg.inverse(s);
    double[][] t = fixedPointPrecision(X, p0, m, s);
    for (int a = 0; a < m.length; a++)
      for (int b = 0; b < m.length; b++) g = Math.max(g, 0.5 * Math.abs(sInv[a][b] - t[a][b]));
    return g;
  }
}
