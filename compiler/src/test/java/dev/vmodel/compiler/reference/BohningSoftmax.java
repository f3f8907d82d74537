package dev.vmodel.compiler.reference;

/**
 * Variational Bayesian multinomial (softmax) regression with Bohning's quadratic bound on the
 * log-sum-exp (Bohning 1992, Ann. Inst. Stat. Math. 44:197; as used for VB in Murphy, <i>Machine
 * Learning: A Probabilistic Perspective</i>, 21.8.2, with all K classes free, no reference class).
 *
 * <p>Model: y_n in {0, ..., K-1}, eta_nk = w_k^T x_n, p(y_n | W) = exp(eta_{n y_n} - lse(eta_n)),
 * w_k ~ N(0, diag(alpha)^{-1}) independently (alpha known, length D, the same for every class).
 *
 * <p>Bound: with A = (I_K - 1 1^T / K)/2 (A &gt;= the softmax Hessian), for any psi in R^K
 * {@code lse(eta) <= eta^T A eta / 2 - b^T eta + c}, {@code b = A psi - g(psi)},
 * {@code c = psi^T A psi / 2 - g(psi)^T psi + lse(psi)}, g = softmax. Hence
 * <pre>
 * L = sum_n [ E eta_{n y_n} - tr(A E[eta_n eta_n^T])/2 + b_n^T E eta_n - c_n ]
 *   + sum_{k,d} [ -ln(2 pi)/2 + ln(alpha_d)/2 - alpha_d E[w_kd^2]/2 ] + H[q(W)]
 * </pre>
 * with E[eta_n eta_n^T]_{jk} = m_j^T x_n m_k^T x_n + x_n^T Cov(w_j, w_k) x_n.
 *
 * <p>Updates per iteration, in this order:
 * <ul>
 *   <li>joint q(vec W) (index k D + d): precision {@code diag(alpha) (x) I_K + sum_n A (x) x_n x_n^T},
 *       mean = precision^{-1} sum_n (e_{y_n} + b_n) (x) x_n; or, factorised q(W) = prod_k q(w_k),
 *       for k = 0..K-1 in turn: precision {@code diag(alpha) + A_kk sum_n x_n x_n^T}, mean =
 *       precision^{-1} sum_n [ [y_n = k] + b_nk - sum_{j != k} A_kj m_j^T x_n ] x_n;</li>
 *   <li>psi_n = E[eta_n] = (m_k^T x_n)_k (the maximiser: dL/dpsi_n = -(A - H(psi_n))(psi_n - E eta_n)).</li>
 * </ul>
 * Start psi = 0, W's means 0. Stops when an iteration raises L by at most {@code tol}.
 */
public final class BohningSoftmax {
  private BohningSoftmax() {}

  /**
   * mean[k][d]; cov the KD x KD covariance of vec W (index k D + d; block diagonal when factorised);
   * psi[n][k]; boundTrace[i] = L after iteration i+1.
   */
  public record Result(double[][] mean, double[][] cov, double[][] psi, double[] boundTrace, int iterations, boolean converged) {
    public double bound() {
      return boundTrace[boundTrace.length - 1];
    }
  }

  public static Result fit(double[][] X, int[] y, int K, double[] alpha, boolean factorised, double tol, int maxIter) {
    int n = y.length;
    Linalg.checkDesign(X, n);
    int d = X[0].length;
    if (K < 2) throw new IllegalArgumentException("K must be >= 2, got " + K);
    for (int i = 0; i < n; i++) if (y[i] < 0 || y[i] >= K) throw new IllegalArgumentException("y[" + i + "] = " + y[i] + " not in 0.." + (K - 1));
    if (alpha.length != d) throw new IllegalArgumentException("alpha has length " + alpha.length + ", D = " + d);
    for (double a : alpha) if (!(a > 0)) throw new IllegalArgumentException("alpha must be > 0, got " + a);
    if (!(tol >= 0) || maxIter < 1) throw new IllegalArgumentException("tol >= 0 and maxIter >= 1 needed");
    double[][] A = bohningA(K);
    double[][] psi = new double[n][K];
    double[][] m = new double[K][d];
    double[][] cov = new double[K * d][K * d];
    double[][] xx = new double[d][d];
    for (double[] x : X)
      for (int a = 0; a < d; a++)
        for (int b = 0; b < d; b++) xx[a][b] += x[a] * x[b];
    double[] trace = new double[maxIter];
    int it = 0;
    boolean converged = false;
    while (it < maxIter) {
      double[][] bvec = new double[n][];
      for (int i = 0; i < n; i++) bvec[i] = bVector(A, psi[i]);
      if (!factorised) {
        int kd = K * d;
        double[][] prec = new double[kd][kd];
        double[] h = new double[kd];
        for (int j = 0; j < K; j++)
          for (int a = 0; a < d; a++) {
            prec[j * d + a][j * d + a] += alpha[a];
            for (int k = 0; k < K; k++)
              for (int b = 0; b < d; b++) prec[j * d + a][k * d + b] += A[j][k] * xx[a][b];
          }
        for (int i = 0; i < n; i++)
          for (int k = 0; k < K; k++) {
            double coef = (y[i] == k ? 1 : 0) + bvec[i][k];
            for (int a = 0; a < d; a++) h[k * d + a] += coef * X[i][a];
          }
        double[][] l = Linalg.cholesky(prec);
        cov = Linalg.cholInverse(l);
        double[] mv = Linalg.cholSolve(l, h);
        for (int k = 0; k < K; k++) System.arraycopy(mv, k * d, m[k], 0, d);
      } else {
        cov = new double[K * d][K * d];
        for (int k = 0; k < K; k++) {
          double[][] prec = new double[d][d];
          for (int a = 0; a < d; a++) {
            prec[a][a] = alpha[a];
            for (int b = 0; b < d; b++) prec[a][b] += A[k][k] * xx[a][b];
          }
          double[] h = new double[d];
          for (int i = 0; i < n; i++) {
            double coef = (y[i] == k ? 1 : 0) + bvec[i][k];
            for (int j = 0; j < K; j++) if (j != k) coef -= A[k][j] * Linalg.dot(m[j], X[i]);
            for (int a = 0; a < d; a++) h[a] += coef * X[i][a];
          }
          double[][] l = Linalg.cholesky(prec);
          double[][] ck = Linalg.cholInverse(l);
          m[k] = Linalg.cholSolve(l, h);
          for (int a = 0; a < d; a++) System.arraycopy(ck[a], 0, cov[k * d + a], k * d, d);
        }
      }
      for (int i = 0; i < n; i++)
        for (int k = 0; k < K; k++) psi[i][k] = Linalg.dot(m[k], X[i]);
      double bound = bound(X, y, K, alpha, m, cov, psi);
      trace[it++] = bound;
      if (it > 1 && bound - trace[it - 2] <= tol) {
        converged = true;
        break;
      }
    }
    return new Result(m, cov, psi, java.util.Arrays.copyOf(trace, it), it, converged);
  }

  /** A = (I - 1 1^T / K)/2. */
  public static double[][] bohningA(int K) {
    double[][] a = new double[K][K];
    for (int j = 0; j < K; j++)
      for (int k = 0; k < K; k++) a[j][k] = 0.5 * ((j == k ? 1 : 0) - 1.0 / K);
    return a;
  }

  static double lse(double[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) max = Math.max(max, x);
    double s = 0;
    for (double x : v) s += Math.exp(x - max);
    return max + Math.log(s);
  }

  static double[] softmax(double[] v) {
    double l = lse(v);
    double[] g = new double[v.length];
    for (int k = 0; k < v.length; k++) g[k] = Math.exp(v[k] - l);
    return g;
  }

  /** b = A psi - g(psi). */
  static double[] bVector(double[][] A, double[] psi) {
    double[] g = softmax(psi);
    double[] b = Linalg.times(A, psi);
    for (int k = 0; k < b.length; k++) b[k] -= g[k];
    return b;
  }

  /** c = psi^T A psi / 2 - g(psi)^T psi + lse(psi). */
  static double cScalar(double[][] A, double[] psi) {
    return 0.5 * Linalg.quad(psi, A) - Linalg.dot(softmax(psi), psi) + lse(psi);
  }

  /** L of the class javadoc at q(vec W) = N(vec m, cov) and psi. */
  public static double bound(double[][] X, int[] y, int K, double[] alpha, double[][] m, double[][] cov, double[][] psi) {
    int d = X[0].length;
    double[][] A = bohningA(K);
    double l = 0;
    for (int i = 0; i < y.length; i++) {
      double[] x = X[i];
      double[] eta = new double[K];
      for (int k = 0; k < K; k++) eta[k] = Linalg.dot(m[k], x);
      double[] b = bVector(A, psi[i]);
      double quad = 0;
      for (int j = 0; j < K; j++)
        for (int k = 0; k < K; k++) {
          if (A[j][k] == 0) continue;
          double c = 0;
          for (int a = 0; a < d; a++)
            for (int bb = 0; bb < d; bb++) c += x[a] * cov[j * d + a][k * d + bb] * x[bb];
          quad += A[j][k] * (eta[j] * eta[k] + c);
        }
      l += eta[y[i]] - 0.5 * quad + Linalg.dot(b, eta) - cScalar(A, psi[i]);
    }
    for (int k = 0; k < K; k++)
      for (int a = 0; a < d; a++)
        l += -0.5 * Special.LN_2PI + 0.5 * Math.log(alpha[a]) - 0.5 * alpha[a] * (m[k][a] * m[k][a] + cov[k * d + a][k * d + a]);
    int kd = K * d;
    return l + 0.5 * Linalg.cholLogDet(Linalg.cholesky(cov)) + 0.5 * kd * (1 + Special.LN_2PI);
  }
}
