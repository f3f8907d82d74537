package dev.vmodel.bench.reference;

import dev.vmodel.runtime.Dirichlet;
import dev.vmodel.runtime.LinAlg;
import dev.vmodel.runtime.NormalWishart;
import dev.vmodel.runtime.SpecialFunctions;
import dev.vmodel.runtime.Wishart;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A hand-written sweep of the Bayesian Gaussian mixture of examples/gaussian-mixture.vmodel in
 * the shape docs/performance.md asks code generation to produce: the same updates and the same
 * ELBO as the generated class, to rounding, but
 *
 * <ul>
 *   <li>one pass over the data per sweep: the update of q(z[n]) and the accumulation of the
 *       statistics the next update of q(pi) and q(mu, Lambda) needs (sum_n r_nk, sum_n r_nk x_n,
 *       sum_n r_nk x_n x_n^T, upper triangle) are fused, and the ELBO is computed from those
 *       statistics and sum_n sum_k r_nk ln r_nk (accumulated in the same pass), in O(K D^2);
 *   <li>per-component constants (0.5 E ln|Lambda_k| - 0.5 D ln 2pi - 0.5 E[mu^T Lambda mu] +
 *       E ln pi_k) hoisted out of the loop over n; symmetric quadratic forms over the upper
 *       triangle;
 *   <li>flat row-major arrays read sequentially, no allocation after construction;
 *   <li>the largest plate (n) split into fixed chunks of {@link #CHUNK} rows whose partial
 *       statistics are summed in chunk order, so the result does not depend on the number of
 *       threads.
 * </ul>
 *
 * It is a measuring stick for the generated code, not part of vmodel.
 */
public final class FusedGaussianMixture implements AutoCloseable {
  /** Rows per chunk: fixed, so results are identical for any thread count. */
  public static final int CHUNK = 4096;

  private static final double LN_2PI = Math.log(2 * Math.PI);

  private final int n;
  private final int d;
  private final int k;
  private final double[] x;
  private final double alpha0;
  private final double beta0;
  private final double nu0;
  private final double[] m0;
  private final double[] w0inv;
  private final double lnDetW0;

  // q(pi), q(mu, Lambda) and their moments
  private final double[] alpha;
  private final double[] beta;
  private final double[] nu;
  private final double[] m;
  private final double[] w;
  private final double[] lnDetW;
  private final double[] eLambda;
  private final double[] eLambdaMu;
  private final double[] eMuLambdaMu;
  private final double[] eLnDetLambda;
  private final double[] eLnPi;
  private final double[] constant;
  // the same moments, component index innermost, for the loop over n: -0.5 x^T E[Lambda_k] x is
  // -sum_{i<=j} quad[pair(i,j)][k] x_i x_j (diagonal halved), x^T E[Lambda_k mu_k] is sum_i lin[i][k] x_i
  private final int pairs;
  private final double[] quad;
  private final double[] lin;
  private final int[] pair;
  // q(z)
  private final double[] r;
  // statistics of q(z): per chunk, then summed
  private final int chunks;
  private final double[] chunkStats;
  private final double[] stats;
  private final int statsSize;
  private final double[][] scratch;
  private final ExecutorService pool;
  private final int threads;

  public FusedGaussianMixture(double[][] data, int k, double alpha0, double beta0, double nu0, double[] m0,
      double[][] w0, int threads) {
    this.n = data.length;
    this.d = data[0].length;
    this.k = k;
    this.x = new double[n * d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(data[i], 0, x, i * d, d);
    }
    this.alpha0 = alpha0;
    this.beta0 = beta0;
    this.nu0 = nu0;
    this.m0 = m0.clone();
    double[] w0flat = new double[d * d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(w0[i], 0, w0flat, i * d, d);
    }
    this.w0inv = new double[d * d];
    this.lnDetW0 = LinAlg.spdInverseLogDet(w0flat, 0, w0inv, 0, d);
    alpha = new double[k];
    beta = new double[k];
    nu = new double[k];
    m = new double[k * d];
    w = new double[k * d * d];
    lnDetW = new double[k];
    eLambda = new double[k * d * d];
    eLambdaMu = new double[k * d];
    eMuLambdaMu = new double[k];
    eLnDetLambda = new double[k];
    eLnPi = new double[k];
    constant = new double[k];
    pairs = d * (d + 1) / 2;
    quad = new double[pairs * k];
    lin = new double[d * k];
    pair = new int[d * d];
    for (int i = 0, p = 0; i < d; i++) {
      for (int j = i; j < d; j++, p++) {
        pair[i * d + j] = p;
        pair[j * d + i] = p;
      }
    }
    r = new double[n * k];
    chunks = (n + CHUNK - 1) / CHUNK;
    // N_k [k], sum r x [i][k], sum r x x^T [pair(i<=j)][k], sum r ln r
    statsSize = k + d * k + pairs * k + 1;
    chunkStats = new double[chunks * statsSize];
    stats = new double[statsSize];
    scratch = new double[chunks][k + pairs];
    this.threads = threads;
    this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, t -> {
      Thread th = new Thread(t, "fused-gmm");
      th.setDaemon(true);
      return th;
    }) : null;
  }

  /** Starts from given responsibilities (N x K, row-major): their statistics feed the first sweep. */
  public void start(double[] r0) {
    System.arraycopy(r0, 0, r, 0, r.length);
    runChunks(false);
  }

  /** One sweep: q(pi) and q(mu, Lambda) from the statistics, then one fused pass for q(z). */
  public void sweep() {
    globals();
    runChunks(true);
  }

  /** The ELBO after the last sweep, every constant included (the generated elbo()'s terms). */
  public double elbo() {
    final int dd = d * d;
    double lp = 0;
    double psiSum = 0;
    for (int c = 0; c < k; c++) {
      double nk = stats[c];
      double tr = 0;
      double lin = 0;
      double trPrior = 0;
      double m0Lm = 0;
      double m0L = 0;
      for (int i = 0; i < d; i++) {
        lin += eLambdaMu[c * d + i] * stats[k + i * k + c];
        m0L += m0[i] * eLambdaMu[c * d + i];
        for (int j = 0; j < d; j++) {
          double lij = eLambda[c * dd + i * d + j];
          tr += lij * stats[k + d * k + pair[i * d + j] * k + c];
          trPrior += w0inv[i * d + j] * lij;
          m0Lm += m0[i] * lij * m0[j];
        }
      }
      // E[ln p(x | z, mu, Lambda)]
      lp += 0.5 * nk * (eLnDetLambda[c] - d * LN_2PI) - 0.5 * tr + lin - 0.5 * nk * eMuLambdaMu[c];
      // E[ln p(z | pi)]
      lp += nk * eLnPi[c];
      // E[ln p(Lambda)]
      lp += 0.5 * (nu0 - d - 1) * eLnDetLambda[c] - 0.5 * trPrior;
      // E[ln p(mu | Lambda)]
      lp += 0.5 * d * (Math.log(beta0) - LN_2PI) + 0.5 * eLnDetLambda[c] - 0.5 * beta0 * eMuLambdaMu[c]
          + beta0 * m0L - 0.5 * beta0 * m0Lm;
      psiSum += eLnPi[c];
    }
    lp -= k * (0.5 * nu0 * lnDetW0 + 0.5 * nu0 * d * Math.log(2) + SpecialFunctions.lnMultiGamma(d, 0.5 * nu0));
    // E[ln p(pi)]
    lp += SpecialFunctions.lnGamma(alpha0 * k) - k * SpecialFunctions.lnGamma(alpha0) + (alpha0 - 1) * psiSum;
    double h = Dirichlet.entropy(alpha, 0, k) - stats[statsSize - 1];
    for (int c = 0; c < k; c++) {
      h += NormalWishart.entropy(d, beta[c], lnDetW[c], nu[c]);
    }
    return lp + h;
  }

  /** The responsibilities of the last sweep (N x K, row-major; not a copy). */
  public double[] responsibilities() {
    return r;
  }

  private void globals() {
    final int dd = d * d;
    double sumAlpha = 0;
    for (int c = 0; c < k; c++) {
      double nk = stats[c];
      alpha[c] = alpha0 + nk;
      sumAlpha += alpha[c];
      double b = beta0 + nk;
      beta[c] = b;
      nu[c] = nu0 + nk;
      for (int i = 0; i < d; i++) {
        m[c * d + i] = (beta0 * m0[i] + stats[k + i * k + c]) / b;
      }
      int off = c * dd;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double sij = stats[k + d * k + pair[i * d + j] * k + c];
          w[off + i * d + j] = w0inv[i * d + j] + sij + beta0 * m0[i] * m0[j] - b * m[c * d + i] * m[c * d + j];
        }
      }
      double lnDetWinv = LinAlg.spdInverseLogDet(w, off, w, off, d);
      if (Double.isNaN(lnDetWinv)) {
        throw new ArithmeticException("q(mu, Lambda): scale matrix not positive definite");
      }
      lnDetW[c] = -lnDetWinv;
      double quad = 0;
      for (int i = 0; i < d; i++) {
        double lm = 0;
        for (int j = 0; j < d; j++) {
          double lij = nu[c] * w[off + i * d + j];
          eLambda[off + i * d + j] = lij;
          lm += lij * m[c * d + j];
        }
        eLambdaMu[c * d + i] = lm;
        quad += m[c * d + i] * lm;
      }
      eMuLambdaMu[c] = d / b + quad;
      eLnDetLambda[c] = Wishart.expLnDet(d, lnDetW[c], nu[c]);
    }
    double psiSum = SpecialFunctions.digamma(sumAlpha);
    for (int c = 0; c < k; c++) {
      eLnPi[c] = SpecialFunctions.digamma(alpha[c]) - psiSum;
      constant[c] = 0.5 * eLnDetLambda[c] - 0.5 * d * LN_2PI - 0.5 * eMuLambdaMu[c] + eLnPi[c];
      for (int i = 0; i < d; i++) {
        lin[i * k + c] = eLambdaMu[c * d + i];
        for (int j = i; j < d; j++) {
          quad[pair[i * d + j] * k + c] = (i == j ? 0.5 : 1.0) * eLambda[c * dd + i * d + j];
        }
      }
    }
  }

  private void runChunks(boolean update) {
    if (pool == null) {
      for (int ch = 0; ch < chunks; ch++) {
        chunk(ch, update);
      }
    } else {
      List<Future<?>> done = new ArrayList<>(chunks);
      for (int ch = 0; ch < chunks; ch++) {
        final int c = ch;
        done.add(pool.submit(() -> chunk(c, update)));
      }
      try {
        for (Future<?> f : done) {
          f.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    java.util.Arrays.fill(stats, 0);
    for (int ch = 0; ch < chunks; ch++) {
      int base = ch * statsSize;
      for (int s = 0; s < statsSize; s++) {
        stats[s] += chunkStats[base + s];
      }
    }
  }

  /** Rows of one chunk: (update q(z[n]) and) accumulate the chunk's statistics. */
  private void chunk(int ch, boolean update) {
    final int base = ch * statsSize;
    final int s1 = base + k;
    final int s2 = base + k + d * k;
    final double[] st = chunkStats;
    java.util.Arrays.fill(st, base, base + statsSize, 0);
    final double[] eta = scratch[ch];
    final double[] xx = scratch[ch];
    double rLnR = 0;
    int hi = Math.min(n, (ch + 1) * CHUNK);
    for (int row = ch * CHUNK; row < hi; row++) {
      final int xo = row * d;
      final int ro = row * k;
      // the products x_i x_j (i <= j) of this row, shared by the E-step and the statistics
      for (int i = 0, p = k; i < d; i++) {
        double xi = x[xo + i];
        for (int j = i; j < d; j++, p++) {
          xx[p] = xi * x[xo + j];
        }
      }
      if (update) {
        System.arraycopy(constant, 0, eta, 0, k);
        for (int i = 0; i < d; i++) {
          double xi = x[xo + i];
          int li = i * k;
          for (int c = 0; c < k; c++) {
            eta[c] += xi * lin[li + c];
          }
        }
        for (int p = 0; p < pairs; p++) {
          double xp = xx[k + p];
          int qp = p * k;
          for (int c = 0; c < k; c++) {
            eta[c] -= xp * quad[qp + c];
          }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          max = Math.max(max, eta[c]);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
          double p = Math.exp(eta[c] - max);
          r[ro + c] = p;
          sum += p;
        }
        double inv = 1 / sum;
        double lse = max + Math.log(sum);
        for (int c = 0; c < k; c++) {
          double p = r[ro + c] * inv;
          r[ro + c] = p;
          rLnR += p * (eta[c] - lse);
        }
      }
      for (int c = 0; c < k; c++) {
        st[base + c] += r[ro + c];
      }
      for (int i = 0; i < d; i++) {
        double xi = x[xo + i];
        int a = s1 + i * k;
        for (int c = 0; c < k; c++) {
          st[a + c] += xi * r[ro + c];
        }
      }
      for (int p = 0; p < pairs; p++) {
        double xp = xx[k + p];
        int b = s2 + p * k;
        for (int c = 0; c < k; c++) {
          st[b + c] += xp * r[ro + c];
        }
      }
    }
    st[base + statsSize - 1] = rLnR;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  public int threads() {
    return threads;
  }
}
