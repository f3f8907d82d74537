package dev.vmodel.compiler.reference;


/**
 * The variational Bayesian hidden Markov model with Gaussian emissions, written from MacKay (1997)
 * and Beal (2003, ch. 3) for the tests, not from the generated code: q(rho) q(A) q(z) q(mu) q(tau)
 * with rho ~ Dirichlet(alpha0), A[j] ~ Dirichlet(alpha0), mu[k] ~ N(m0, s0^2), tau[k] ~
 * Gamma(a0, b0) and x[t] ~ N(mu[z[t]], 1 / tau[z[t]]). The factor q(z) is computed by
 * enumerating all K^L paths of each chain (short chains only), so its marginals, its expected
 * first-state and transition counts and its entropy are exact by construction, with no
 * forward-backward recursion in sight. The ELBO carries every constant.
 */
public final class VbHmmBruteForce {
  public final int k;
  public final double alpha0;
  public final double m0;
  public final double s0;
  public final double a0;
  public final double b0;
  public final double[] x;
  /** First row of each chain, then the number of rows. */
  public final int[] starts;

  public double[] rhoAlpha;
  public double[][] aAlpha;
  public double[] muMean;
  public double[] muPrecision;
  public double[] tauShape;
  public double[] tauRate;
  /** q(z[t] = k). */
  public double[][] r;
  /** E[number of chains starting in k]. */
  public double[] first;
  /** E[number of steps from j to k]. */
  public double[][] pair;
  /** H[q(z)] = -sum over paths of q ln q. */
  public double entropyZ;
  /** The most probable path of each chain under q(z), by enumeration. */
  public int[] mapPath;

  public VbHmmBruteForce(double[] x, int[] starts, int k, double alpha0, double m0, double s0, double a0, double b0) {
    this.x = x.clone();
    this.starts = starts.clone();
    this.k = k;
    this.alpha0 = alpha0;
    this.m0 = m0;
    this.s0 = s0;
    this.a0 = a0;
    this.b0 = b0;
    rhoAlpha = new double[k];
    aAlpha = new double[k][k];
    muMean = new double[k];
    muPrecision = new double[k];
    tauShape = new double[k];
    tauRate = new double[k];
  }

  private static double[] eLnDirichlet(double[] alpha) {
    double sum = 0;
    for (double a : alpha) {
      sum += a;
    }
    double[] out = new double[alpha.length];
    for (int i = 0; i < alpha.length; i++) {
      out[i] = Special.digamma(alpha[i]) - Special.digamma(sum);
    }
    return out;
  }

  private double eTau(int c) {
    return tauShape[c] / tauRate[c];
  }

  private double eLnTau(int c) {
    return Special.digamma(tauShape[c]) - Math.log(tauRate[c]);
  }

  private double eMu2(int c) {
    return muMean[c] * muMean[c] + 1 / muPrecision[c];
  }

  /** E[ln N(x[t] | mu[c], 1/tau[c])] under q(mu) q(tau). */
  public double emission(int t, int c) {
    double sq = x[t] * x[t] - 2 * x[t] * muMean[c] + eMu2(c);
    return 0.5 * eLnTau(c) - 0.5 * Math.log(2 * Math.PI) - 0.5 * eTau(c) * sq;
  }

  /** q(rho), q(A), q(mu), q(tau) in this order, each from the current other factors (Beal 2003, 3.4). */
  public void updateGlobals() {
    for (int c = 0; c < k; c++) {
      rhoAlpha[c] = alpha0 + first[c];
      for (int d = 0; d < k; d++) {
        aAlpha[c][d] = alpha0 + pair[c][d];
      }
    }
    for (int c = 0; c < k; c++) {
      double n = 0;
      double sx = 0;
      for (int t = 0; t < x.length; t++) {
        n += r[t][c];
        sx += r[t][c] * x[t];
      }
      muPrecision[c] = 1 / (s0 * s0) + eTau(c) * n;
      muMean[c] = (m0 / (s0 * s0) + eTau(c) * sx) / muPrecision[c];
    }
    for (int c = 0; c < k; c++) {
      double n = 0;
      double ss = 0;
      for (int t = 0; t < x.length; t++) {
        n += r[t][c];
        ss += r[t][c] * (x[t] * x[t] - 2 * x[t] * muMean[c] + eMu2(c));
      }
      tauShape[c] = a0 + 0.5 * n;
      tauRate[c] = b0 + 0.5 * ss;
    }
  }

  /**
   * q(z) given the other factors, by enumeration: q(path) proportional to exp(E[ln rho[z_first]] +
   * sum_t E[ln A[z_(t-1), z_t]] + sum_t E[ln N(x_t | mu_(z_t), tau_(z_t))]) on each chain.
   */
  public void updateZ() {
    double[] lnRho = eLnDirichlet(rhoAlpha);
    double[][] lnA = new double[k][];
    for (int c = 0; c < k; c++) {
      lnA[c] = eLnDirichlet(aAlpha[c]);
    }
    r = new double[x.length][k];
    first = new double[k];
    pair = new double[k][k];
    entropyZ = 0;
    mapPath = new int[x.length];
    for (int ch = 0; ch + 1 < starts.length; ch++) {
      int from = starts[ch];
      int len = starts[ch + 1] - from;
      int paths = (int) Math.round(Math.pow(k, len));
      double[] score = new double[paths];
      int[] path = new int[len];
      double max = Double.NEGATIVE_INFINITY;
      int best = 0;
      for (int p = 0; p < paths; p++) {
        decode(p, path);
        double s = lnRho[path[0]] + emission(from, path[0]);
        for (int t = 1; t < len; t++) {
          s += lnA[path[t - 1]][path[t]] + emission(from + t, path[t]);
        }
        score[p] = s;
        if (s > max) {
          max = s;
          best = p;
        }
      }
      decode(best, path);
      System.arraycopy(path, 0, mapPath, from, len);
      double z = 0;
      for (int p = 0; p < paths; p++) {
        z += Math.exp(score[p] - max);
      }
      double lnZ = max + Math.log(z);
      for (int p = 0; p < paths; p++) {
        double q = Math.exp(score[p] - lnZ);
        decode(p, path);
        if (q > 0) {
          entropyZ -= q * (score[p] - lnZ);
        }
        first[path[0]] += q;
        for (int t = 0; t < len; t++) {
          r[from + t][path[t]] += q;
          if (t > 0) {
            pair[path[t - 1]][path[t]] += q;
          }
        }
      }
    }
  }

  private void decode(int p, int[] path) {
    for (int t = path.length - 1; t >= 0; t--) {
      path[t] = p % k;
      p /= k;
    }
  }

  private static double dirichletLnNorm(double[] alpha) {
    double sum = 0;
    double s = 0;
    for (double a : alpha) {
      sum += a;
      s += Special.lnGamma(a);
    }
    return Special.lnGamma(sum) - s;
  }

  /** H[Dirichlet(alpha)] = -ln C(alpha) + (alpha_0 - K) psi(alpha_0) - sum_k (alpha_k - 1) psi(alpha_k). */
  private static double dirichletEntropy(double[] alpha) {
    double sum = 0;
    for (double a : alpha) {
      sum += a;
    }
    double h = -dirichletLnNorm(alpha) + (sum - alpha.length) * Special.digamma(sum);
    for (double a : alpha) {
      h -= (a - 1) * Special.digamma(a);
    }
    return h;
  }

  /** The ELBO, E_q[ln p(x, z, rho, A, mu, tau)] + H[q], with every constant. */
  public double elbo() {
    double[] lnRho = eLnDirichlet(rhoAlpha);
    double[] prior = new double[k];
    java.util.Arrays.fill(prior, alpha0);
    double lnC = dirichletLnNorm(prior);
    double e = lnC + dirichletEntropy(rhoAlpha);
    for (int c = 0; c < k; c++) {
      e += (alpha0 - 1) * lnRho[c] + first[c] * lnRho[c];
    }
    for (int j = 0; j < k; j++) {
      double[] lnA = eLnDirichlet(aAlpha[j]);
      e += lnC + dirichletEntropy(aAlpha[j]);
      for (int c = 0; c < k; c++) {
        e += (alpha0 - 1) * lnA[c] + pair[j][c] * lnA[c];
      }
    }
    for (int c = 0; c < k; c++) {
      e += -0.5 * Math.log(2 * Math.PI * s0 * s0) - (eMu2(c) - 2 * m0 * muMean[c] + m0 * m0) / (2 * s0 * s0);
      e += 0.5 * Math.log(2 * Math.PI * Math.E / muPrecision[c]);
      e += a0 * Math.log(b0) - Special.lnGamma(a0) + (a0 - 1) * eLnTau(c) - b0 * eTau(c);
      e += tauShape[c] - Math.log(tauRate[c]) + Special.lnGamma(tauShape[c])
          + (1 - tauShape[c]) * Special.digamma(tauShape[c]);
    }
    for (int t = 0; t < x.length; t++) {
      for (int c = 0; c < k; c++) {
        e += r[t][c] * emission(t, c);
      }
    }
    return e + entropyZ;
  }
}
