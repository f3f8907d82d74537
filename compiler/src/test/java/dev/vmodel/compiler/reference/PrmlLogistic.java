package dev.vmodel.compiler.reference;

/**
 * Variational Bayesian logistic regression as in Bishop, <i>Pattern Recognition and Machine
 * Learning</i> (PRML), section 10.6, written from the book as an independent reference.
 *
 * <p>Model: t_n in {0, 1}, p(t_n = 1 | w) = sigma(w^T phi_n) with phi_n the n-th row of X (D columns,
 * no implicit intercept), prior w ~ N(0, A^{-1}) with A = diag(alpha), and either
 * <ul>
 *   <li>one precision shared by all coefficients, alpha ~ Gamma(a0, b0) (shape, rate): PRML 10.6.3,</li>
 *   <li>ARD: alpha_d ~ Gamma(a0, b0) independently, one per coefficient, or</li>
 *   <li>known precisions alpha_d ({@link #fitKnownAlpha}): PRML 10.6.1-10.6.2.</li>
 * </ul>
 *
 * <p>Likelihood bound (PRML 10.144, 10.150-10.152): with a = (2t - 1) w^T phi,
 * {@code ln sigma(a) >= ln sigma(xi) + (a - xi)/2 - lambda(xi) (a^2 - xi^2)},
 * {@code lambda(xi) = (sigma(xi) - 1/2)/(2 xi)}; since a^2 = (w^T phi)^2 the bound on ln p(t|w) is
 * {@code ln h(w, xi) = ln sigma(xi) + (t - 1/2) w^T phi - xi/2 - lambda(xi) ((w^T phi)^2 - xi^2)}.
 *
 * <p>Updates, in this order in every iteration:
 * <ol>
 *   <li>q(w) = N(m_N, S_N): {@code S_N^{-1} = E[A] + 2 sum_n lambda(xi_n) phi_n phi_n^T},
 *       {@code m_N = S_N sum_n (t_n - 1/2) phi_n} (PRML 10.156-10.158; with the
 *       hyperprior E[A] replaces A, PRML 10.174-10.176).</li>
 *   <li>q(alpha) = Gamma(a_N, b_N): shared {@code a_N = a0 + D/2}, {@code b_N = b0 + E[w^T w]/2} with
 *       {@code E[w^T w] = m_N^T m_N + tr S_N} (PRML 10.177-10.179, 10.183); ARD {@code a_N = a0 + 1/2},
 *       {@code b_Nd = b0 + (m_d^2 + S_dd)/2}. Skipped when alpha is known.</li>
 *   <li>xi: {@code xi_n^2 = phi_n^T (S_N + m_N m_N^T) phi_n} (PRML 10.163), xi_n &gt;= 0.</li>
 * </ol>
 * Start: xi = 0 (lambda = 1/8) and q(alpha) at its prior (E[alpha] = a0/b0). Each step maximises
 * the bound in its block, so the bound never decreases. Iteration stops when one iteration raises
 * the bound by no more than {@code tol} nats (absolute), or after {@code maxIter} iterations.
 *
 * <p>Bound (derived term by term, not PRML 10.164): with {@code E[alpha] = a_N/b_N},
 * {@code E[ln alpha] = psi(a_N) - ln b_N}, {@code E[w_d^2] = m_d^2 + S_dd},
 * <pre>
 * L = sum_n [ ln sigma(xi_n) + (t_n - 1/2) m^T phi_n - xi_n/2 - lambda(xi_n)(phi_n^T (S + m m^T) phi_n - xi_n^2) ]
 *   + sum_d [ -ln(2 pi)/2 + E[ln alpha_d]/2 - E[alpha_d] E[w_d^2]/2 ]              (E ln N(w | 0, A^{-1}))
 *   + sum_groups [ a0 ln b0 - lnGamma(a0) + (a0 - 1) E[ln alpha] - b0 E[alpha] ]   (E ln Gamma(alpha | a0, b0))
 *   + ln|S|/2 + D (1 + ln 2 pi)/2                                                  (H[q(w)])
 *   + sum_groups [ a_N - ln b_N + lnGamma(a_N) + (1 - a_N) psi(a_N) ]              (H[q(alpha)])
 * </pre>
 * (one group shared, D groups ARD; with known alpha the E[.] are the values and the last two lines go).
 */
public final class PrmlLogistic {
  private PrmlLogistic() {}

  /**
   * The fit. {@code gammaShape}/{@code gammaRate} have length 1 (shared alpha), D (ARD) or 0 (known
   * alpha). {@code boundTrace[i]} is the bound after iteration i+1 (after its xi update).
   */
  public record Result(double[] mean, double[][] cov, double[] gammaShape, double[] gammaRate, double[] xi,
      double[] boundTrace, int iterations, boolean converged) {
    public double bound() {
      return boundTrace[boundTrace.length - 1];
    }
  }

  /** PRML 10.6.3 (ard = false) or its ARD variant, alpha ~ Gamma(a0, b0) (shape, rate). */
  public static Result fit(double[][] X, int[] t, double a0, double b0, boolean ard, double tol, int maxIter) {
    if (!(a0 > 0) || !(b0 > 0)) throw new IllegalArgumentException("Gamma(a0, b0) needs a0 > 0 and b0 > 0, got " + a0 + ", " + b0);
    return run(X, t, null, a0, b0, ard, tol, maxIter);
  }

  /** w ~ N(0, diag(alpha)^{-1}) with alpha known (length D, all &gt; 0). */
  public static Result fitKnownAlpha(double[][] X, int[] t, double[] alpha, double tol, int maxIter) {
    return run(X, t, alpha.clone(), 0, 0, false, tol, maxIter);
  }

  private static Result run(double[][] X, int[] t, double[] knownAlpha, double a0, double b0, boolean ard,
      double tol, int maxIter) {
    int n = t.length;
    Linalg.checkDesign(X, n);
    int d = X[0].length;
    for (int i = 0; i < n; i++)
      if (t[i] != 0 && t[i] != 1) throw new IllegalArgumentException("t[" + i + "] = " + t[i] + ", must be 0 or 1");
    if (knownAlpha != null) {
      if (knownAlpha.length != d) throw new IllegalArgumentException("alpha has length " + knownAlpha.length + ", D = " + d);
      for (double a : knownAlpha) if (!(a > 0)) throw new IllegalArgumentException("alpha must be > 0, got " + a);
    }
    // tol < 0: run all maxIter iterations (the parameters keep converging after the bound stops moving)
    if (Double.isNaN(tol) || maxIter < 1) throw new IllegalArgumentException("a tol and maxIter >= 1 needed");

    int groups = knownAlpha != null ? 0 : ard ? d : 1;
    double[] aN = new double[groups];
    double[] bN = new double[groups];
    for (int g = 0; g < groups; g++) {
      aN[g] = a0;
      bN[g] = b0;
    }
    double[] xi = new double[n];
    double[] h = new double[d]; // sum_n (t_n - 1/2) phi_n, fixed
    for (int i = 0; i < n; i++)
      for (int j = 0; j < d; j++) h[j] += (t[i] - 0.5) * X[i][j];

    double[] m = null;
    double[][] S = null;
    double[] trace = new double[maxIter];
    int it = 0;
    boolean converged = false;
    while (it < maxIter) {
      // q(w)
      double[][] prec = new double[d][d];
      for (int j = 0; j < d; j++) prec[j][j] = knownAlpha != null ? knownAlpha[j] : aN[groups == 1 ? 0 : j] / bN[groups == 1 ? 0 : j];
      for (int i = 0; i < n; i++) {
        double c = 2 * Special.lambdaJJ(xi[i]);
        double[] phi = X[i];
        for (int j = 0; j < d; j++)
          for (int k = 0; k <= j; k++) prec[j][k] += c * phi[j] * phi[k];
      }
      double[][] l = Linalg.cholesky(prec);
      S = Linalg.cholInverse(l);
      m = Linalg.cholSolve(l, h);
      // q(alpha)
      if (groups == 1) {
        double ww = 0;
        for (int j = 0; j < d; j++) ww += m[j] * m[j] + S[j][j];
        aN[0] = a0 + 0.5 * d;
        bN[0] = b0 + 0.5 * ww;
      } else if (groups == d) {
        for (int j = 0; j < d; j++) {
          aN[j] = a0 + 0.5;
          bN[j] = b0 + 0.5 * (m[j] * m[j] + S[j][j]);
        }
      }
      // xi
      for (int i = 0; i < n; i++) xi[i] = Math.sqrt(secondMoment(X[i], m, S));
      double bound = knownAlpha != null ? boundKnownAlpha(X, t, knownAlpha, m, S, xi) : bound(X, t, a0, b0, m, S, aN, bN, xi);
      trace[it] = bound;
      it++;
      if (it > 1 && bound - trace[it - 2] <= tol) {
        converged = true;
        break;
      }
    }
    return new Result(m, S, aN, bN, xi, java.util.Arrays.copyOf(trace, it), it, converged);
  }

  /** phi^T (S + m m^T) phi = E[(w^T phi)^2]. */
  static double secondMoment(double[] phi, double[] m, double[][] S) {
    double mp = Linalg.dot(m, phi);
    return Linalg.quad(phi, S) + mp * mp;
  }

  /** The bound's data term sum_n E_q[ln h(w, xi_n)] (see class javadoc). */
  public static double likelihoodTerm(double[][] X, int[] t, double[] m, double[][] S, double[] xi) {
    double s = 0;
    for (int i = 0; i < t.length; i++) {
      double x = xi[i];
      double lam = Special.lambdaJJ(x);
      s += Special.lnSigmoid(x) + (t[i] - 0.5) * Linalg.dot(m, X[i]) - 0.5 * x
          - lam * (secondMoment(X[i], m, S) - x * x);
    }
    return s;
  }

  private static double gaussianEntropy(double[][] S) {
    int d = S.length;
    return 0.5 * Linalg.cholLogDet(Linalg.cholesky(S)) + 0.5 * d * (1 + Special.LN_2PI);
  }

  /**
   * The bound at an arbitrary q(w) = N(m, S), q(alpha) = prod Gamma(aN[g], bN[g]) (one group: shared
   * alpha; D groups: ARD) and xi, for the prior alpha ~ Gamma(a0, b0).
   */
  public static double bound(double[][] X, int[] t, double a0, double b0, double[] m, double[][] S, double[] aN,
      double[] bN, double[] xi) {
    int d = m.length;
    int groups = aN.length;
    if (groups != 1 && groups != d) throw new IllegalArgumentException("aN has length " + groups + ", want 1 or D = " + d);
    double L = likelihoodTerm(X, t, m, S, xi);
    for (int j = 0; j < d; j++) {
      int g = groups == 1 ? 0 : j;
      double eAlpha = aN[g] / bN[g];
      double eLnAlpha = Special.digamma(aN[g]) - Math.log(bN[g]);
      L += -0.5 * Special.LN_2PI + 0.5 * eLnAlpha - 0.5 * eAlpha * (m[j] * m[j] + S[j][j]);
    }
    for (int g = 0; g < groups; g++) {
      double eAlpha = aN[g] / bN[g];
      double eLnAlpha = Special.digamma(aN[g]) - Math.log(bN[g]);
      L += a0 * Math.log(b0) - Special.lnGamma(a0) + (a0 - 1) * eLnAlpha - b0 * eAlpha;
      L += Special.gammaEntropy(aN[g], bN[g]);
    }
    return L + gaussianEntropy(S);
  }

  /** The bound at q(w) = N(m, S) and xi for known alpha. */
  public static double boundKnownAlpha(double[][] X, int[] t, double[] alpha, double[] m, double[][] S, double[] xi) {
    double L = likelihoodTerm(X, t, m, S, xi);
    for (int j = 0; j < m.length; j++)
      L += -0.5 * Special.LN_2PI + 0.5 * Math.log(alpha[j]) - 0.5 * alpha[j] * (m[j] * m[j] + S[j][j]);
    return L + gaussianEntropy(S);
  }
}
