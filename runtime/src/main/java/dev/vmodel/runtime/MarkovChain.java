package dev.vmodel.runtime;

/**
 * The structured factor q(z_1..T) of a variational Bayesian hidden Markov model (MacKay 1997;
 * Beal 2003, ch. 3): over one chain of rows {@code from .. to-1} with K states,
 *
 * <pre>
 * q(z) = exp(sum_k [z_from = k] lnRho_k + sum_t sum_{j,k} [z_(t-1) = j][z_t = k] lnA_jk
 *            + sum_t sum_k [z_t = k] u_tk) / Z
 * </pre>
 *
 * where u are the per-step log potentials (the expected log emission terms), lnRho = E[ln rho]
 * and lnA = E[ln A]. Forward-backward (Bishop, PRML 13.2.2-13.2.4, with scaling) gives its
 * marginals, the expected first-state and transition counts, ln Z and the entropy, in O(T K^2).
 * Arrays are flat and row-major: step t's state k at {@code t * K + k}, transition j to k at
 * {@code j * K + k}.
 */
public final class MarkovChain {
  private MarkovChain() {}

  /** The workspace {@link #forwardBackward} needs for a chain of {@code length} steps. */
  public static int workLength(int length, int k) {
    return 2 * Math.max(length, 1) * k + k * k + 2 * k;
  }

  /**
   * Forward-backward over the chain of rows {@code from .. to-1} ({@code to > from}). On entry
   * {@code lnPhi[t * K + k]} holds u_tk; on return q(z_t = k). Adds q(z_from = k) to {@code
   * firstStat[k]} and sum_t q(z_(t-1) = j, z_t = k) to {@code pairStat[j * K + k]}; writes the
   * chain's entropy H[q] = ln Z - sum_tk q(z_t=k) u_tk - sum_k q(z_from=k) lnRho_k - sum_jk xi_jk
   * lnA_jk into {@code entropyOut[entropyAt]}; returns ln Z, the log of the sum of exp(...) over
   * all K^T paths.
   *
   * <p>Scaled recursions: alpha_t = c_t^-1 phi_t (A^T alpha_(t-1)) normalised to sum 1, with phi_t
   * = exp(u_t - max_k u_tk) and ln Z = sum_t (ln c_t + max_k u_tk); beta_t = A (phi_(t+1)
   * beta_(t+1)) / c_(t+1); q(z_t) = alpha_t beta_t; xi_t(j,k) = alpha_(t-1)(j) A_jk phi_t(k)
   * beta_t(k) / c_t.
   */
  public static double forwardBackward(double[] lnPhi, int from, int to, int k, double[] lnRho, int rhoFrom,
      double[] lnA, int aFrom, double[] firstStat, double[] pairStat, double[] entropyOut, int entropyAt,
      double[] work) {
    int len = to - from;
    if (len <= 0) {
      throw new IllegalArgumentException("a chain needs at least one step, got rows " + from + " to " + to);
    }
    if (work.length < workLength(len, k)) {
      throw new IllegalArgumentException("workspace of " + work.length + " < " + workLength(len, k));
    }
    // Layout of work: alpha (len*K) | phi (len*K) | A (K*K) | rho (K) | tmp (K).
    int alpha = 0;
    int phi = len * k;
    int a = 2 * len * k;
    int rho = a + k * k;
    int tmp = rho + k;
    double lnAMax = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k * k; i++) {
      lnAMax = Math.max(lnAMax, lnA[aFrom + i]);
    }
    for (int i = 0; i < k * k; i++) {
      work[a + i] = Math.exp(lnA[aFrom + i] - lnAMax);
    }
    double lnRhoMax = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) {
      lnRhoMax = Math.max(lnRhoMax, lnRho[rhoFrom + i]);
    }
    for (int i = 0; i < k; i++) {
      work[rho + i] = Math.exp(lnRho[rhoFrom + i] - lnRhoMax);
    }
    // The energy <potentials, stats> is accumulated as the marginals are formed, so u is read once.
    double lnZ = lnRhoMax + (len - 1) * lnAMax;
    double energy = 0;
    // Forward.
    for (int s = 0; s < len; s++) {
      int row = (from + s) * k;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        max = Math.max(max, lnPhi[row + i]);
      }
      if (!(max > Double.NEGATIVE_INFINITY) || max == Double.POSITIVE_INFINITY) {
        return markNaN(lnPhi, from, to, k, entropyOut, entropyAt);
      }
      int ph = phi + s * k;
      for (int i = 0; i < k; i++) {
        work[ph + i] = Math.exp(lnPhi[row + i] - max);
      }
      int al = alpha + s * k;
      double c = 0;
      if (s == 0) {
        for (int i = 0; i < k; i++) {
          double v = work[rho + i] * work[ph + i];
          work[al + i] = v;
          c += v;
        }
      } else {
        int prev = al - k;
        for (int i = 0; i < k; i++) {
          work[al + i] = 0;
        }
        for (int j = 0; j < k; j++) {
          double p = work[prev + j];
          if (p == 0) {
            continue;
          }
          int aj = a + j * k;
          for (int i = 0; i < k; i++) {
            work[al + i] += p * work[aj + i];
          }
        }
        for (int i = 0; i < k; i++) {
          double v = work[al + i] * work[ph + i];
          work[al + i] = v;
          c += v;
        }
      }
      if (!(c > 0) || c == Double.POSITIVE_INFINITY) {
        return markNaN(lnPhi, from, to, k, entropyOut, entropyAt);
      }
      double inv = 1 / c;
      for (int i = 0; i < k; i++) {
        work[al + i] *= inv;
      }
      lnZ += Math.log(c) + max;
      // Keep c_t for the backward pass in phi's slot scale: store it by dividing phi_t by c_t.
      for (int i = 0; i < k; i++) {
        work[ph + i] *= inv;
      }
    }
    // Backward: beta held in tmp (K), from beta_(T-1) = 1. phi_t now holds phi_t / c_t.
    int beta = tmp;
    for (int i = 0; i < k; i++) {
      work[beta + i] = 1;
    }
    // The marginal of the last step is alpha_(T-1).
    for (int s = len - 1; s >= 0; s--) {
      int row = (from + s) * k;
      int al = alpha + s * k;
      // q(z_s) = alpha_s * beta_s, written over u after reading u into the energy.
      double norm = 0;
      for (int i = 0; i < k; i++) {
        norm += work[al + i] * work[beta + i];
      }
      double invNorm = 1 / norm;
      for (int i = 0; i < k; i++) {
        double q = work[al + i] * work[beta + i] * invNorm;
        double u = lnPhi[row + i];
        if (q != 0) {
          energy += q * u;
        }
        lnPhi[row + i] = q;
      }
      if (s == 0) {
        for (int i = 0; i < k; i++) {
          double q = lnPhi[row + i];
          firstStat[i] += q;
          if (q != 0) {
            energy += q * lnRho[rhoFrom + i];
          }
        }
        break;
      }
      // xi_s(j, i) = alpha_(s-1)(j) A_ji (phi_s(i) / c_s) beta_s(i), and beta_(s-1) = A (phi_s / c_s * beta_s).
      int prev = al - k;
      int ph = phi + s * k;
      double[] w = work;
      for (int i = 0; i < k; i++) {
        w[ph + i] *= w[beta + i]; // now g_i = phi_s(i) beta_s(i) / c_s
      }
      for (int j = 0; j < k; j++) {
        double p = w[prev + j];
        int aj = a + j * k;
        double b = 0;
        for (int i = 0; i < k; i++) {
          double ag = w[aj + i] * w[ph + i];
          b += ag;
          if (p != 0) {
            double xi = p * ag;
            if (xi != 0) {
              pairStat[j * k + i] += xi;
              energy += xi * lnA[aFrom + j * k + i];
            }
          }
        }
        w[beta + j] = b; // beta_(s-1)(j): g holds all this step needs of beta_s
      }
    }
    entropyOut[entropyAt] = lnZ - energy;
    return lnZ;
  }

  private static double markNaN(double[] lnPhi, int from, int to, int k, double[] entropyOut, int entropyAt) {
    for (int i = from * k; i < to * k; i++) {
      lnPhi[i] = Double.NaN;
    }
    entropyOut[entropyAt] = Double.NaN;
    return Double.NaN;
  }

  /**
   * For a q(z) that factorises over the steps (marginals {@code r}, as at a random start), the
   * statistics of that product as a chain: adds r_from,k to {@code firstStat[k]} and sum_(t >
   * from) r_(t-1),j r_t,k to {@code pairStat[j * K + k]}; returns its entropy sum_t H(r_t).
   */
  public static double independentStats(double[] r, int from, int to, int k, double[] firstStat,
      double[] pairStat) {
    double h = 0;
    for (int t = from; t < to; t++) {
      int row = t * k;
      for (int i = 0; i < k; i++) {
        double q = r[row + i];
        h -= SpecialFunctions.xLogX(q);
        if (t == from) {
          firstStat[i] += q;
        } else {
          double[] rr = r;
          int prev = row - k;
          for (int j = 0; j < k; j++) {
            pairStat[j * k + i] += rr[prev + j] * q;
          }
        }
      }
    }
    return h;
  }

  /**
   * The most probable path under the same potentials as {@link #forwardBackward} (max-product in
   * log space; {@code lnPhi} is read, not changed): writes the states into {@code path[t]} for t in
   * [from, to) and returns the path's log score (unnormalised). Ties go to the lowest state.
   * {@code work} needs {@code (to - from) * K} doubles for the scores plus as many ints' worth in
   * {@code back}.
   */
  public static double viterbi(double[] lnPhi, int from, int to, int k, double[] lnRho, int rhoFrom, double[] lnA,
      int aFrom, int[] path, double[] work) {
    int len = to - from;
    int[] back = new int[len * k];
    double[] score = work.length >= 2 * k ? work : new double[2 * k];
    int cur = 0;
    int next = k;
    for (int i = 0; i < k; i++) {
      score[cur + i] = lnRho[rhoFrom + i] + lnPhi[from * k + i];
    }
    for (int s = 1; s < len; s++) {
      int row = (from + s) * k;
      for (int i = 0; i < k; i++) {
        double best = Double.NEGATIVE_INFINITY;
        int arg = 0;
        for (int j = 0; j < k; j++) {
          double v = score[cur + j] + lnA[aFrom + j * k + i];
          if (v > best) {
            best = v;
            arg = j;
          }
        }
        score[next + i] = best + lnPhi[row + i];
        back[s * k + i] = arg;
      }
      int swap = cur;
      cur = next;
      next = swap;
    }
    double best = Double.NEGATIVE_INFINITY;
    int arg = 0;
    for (int i = 0; i < k; i++) {
      if (score[cur + i] > best) {
        best = score[cur + i];
        arg = i;
      }
    }
    for (int s = len - 1; s >= 0; s--) {
      path[from + s] = arg;
      arg = back[s * k + arg];
    }
    return best;
  }

  /**
   * The first row of each chain of a long-format array and, last, {@code t}: a chain starts at row
   * 0 and wherever {@code seq[r] != seq[r - 1]} ({@code seq} null: one chain). {@code {0}} for no
   * rows.
   *
   * @throws IllegalArgumentException if a sequence's rows are not contiguous (a value of seq
   *     reappears after another), naming the rows
   */
  public static int[] chainStarts(int[] seq, int t) {
    if (t == 0) {
      return new int[] {0};
    }
    if (seq == null) {
      return new int[] {0, t};
    }
    java.util.Map<Integer, Integer> seen = new java.util.HashMap<>();
    int[] starts = new int[t + 1];
    int n = 0;
    for (int r = 0; r < t; r++) {
      if (r == 0 || seq[r] != seq[r - 1]) {
        Integer before = seen.put(seq[r], r);
        if (before != null) {
          throw new IllegalArgumentException("rows " + before + " and " + r + " both start sequence " + seq[r]
              + ", whose rows are not contiguous (row " + (r - 1) + " is in sequence " + seq[r - 1]
              + "): sort the rows by sequence, keeping each sequence's order");
        }
        starts[n++] = r;
      }
    }
    starts[n++] = t;
    return java.util.Arrays.copyOf(starts, n);
  }
}
