package dev.vmodel.compiler.reference;

import java.util.SplittableRandom;

/**
 * Hamiltonian Monte Carlo transition (Neal 2011, "MCMC using Hamiltonian dynamics", section 5.2)
 * in whitened coordinates w = center + L z, L lower triangular (a Cholesky factor of a covariance
 * close to the target's), unit mass, leapfrog integration, Metropolis correction
 * {@code min(1, exp(H_0 - H_1))}. The trajectory length is uniform in (0.6, 1.4) * pi/2 (about a
 * quarter period of a standard normal, jittered to avoid periodicity), the step size is tuned during
 * burn-in by a Robbins-Monro recursion towards acceptance probability 0.8 and then frozen.
 */
final class Hmc {
  /** A log density up to a constant; fills grad (same length as w) with its gradient. */
  interface Target {
    double logDensity(double[] w, double[] grad);
  }

  private final double[] center;
  private final double[][] l;
  private double logStep;
  private int adaptations;
  private long proposals;
  private double acceptSum;

  Hmc(double[] center, double[][] choleskyOfCovariance, double initialStep) {
    this.center = center.clone();
    this.l = choleskyOfCovariance;
    this.logStep = Math.log(initialStep);
  }

  double step() {
    return Math.exp(logStep);
  }

  /** Mean Metropolis acceptance probability of the transitions made with {@code adapt = false}. */
  double acceptRate() {
    return proposals == 0 ? Double.NaN : acceptSum / proposals;
  }

  private double[] toW(double[] z) {
    double[] lz = Linalg.lowerTimes(l, z);
    for (int j = 0; j < lz.length; j++) lz[j] += center[j];
    return lz;
  }

  private double[] toZ(double[] w) {
    double[] c = new double[w.length];
    for (int j = 0; j < w.length; j++) c[j] = w[j] - center[j];
    return Linalg.forward(l, c);
  }

  /** log density in z (the Jacobian is constant) and its gradient L^T grad_w. */
  private double logZ(Target target, double[] z, double[] gradZ) {
    double[] gw = new double[z.length];
    double v = target.logDensity(toW(z), gw);
    double[] g = Linalg.lowerTransTimes(l, gw);
    System.arraycopy(g, 0, gradZ, 0, g.length);
    return v;
  }

  /** One transition from w; returns the new state (w itself if rejected). */
  double[] transition(Target target, double[] w, SplittableRandom r, boolean adapt) {
    int d = w.length;
    double eps = Math.exp(logStep);
    double length = (0.6 + 0.8 * r.nextDouble()) * Math.PI / 2;
    int steps = Math.max(1, (int) Math.ceil(length / eps));
    double[] z = toZ(w);
    double[] g = new double[d];
    double lp0 = logZ(target, z, g);
    double[] p = new double[d];
    double k0 = 0;
    for (int j = 0; j < d; j++) {
      p[j] = Rng.normal(r);
      k0 += 0.5 * p[j] * p[j];
    }
    double lp1 = lp0;
    boolean finite = true;
    for (int j = 0; j < d; j++) p[j] += 0.5 * eps * g[j];
    for (int s = 0; s < steps; s++) {
      for (int j = 0; j < d; j++) z[j] += eps * p[j];
      lp1 = logZ(target, z, g);
      if (!Double.isFinite(lp1)) {
        finite = false;
        break;
      }
      double f = s == steps - 1 ? 0.5 * eps : eps;
      for (int j = 0; j < d; j++) p[j] += f * g[j];
    }
    double accept = 0;
    if (finite) {
      double k1 = 0;
      for (int j = 0; j < d; j++) k1 += 0.5 * p[j] * p[j];
      double logRatio = (lp1 - k1) - (lp0 - k0);
      accept = Double.isNaN(logRatio) ? 0 : Math.min(1, Math.exp(logRatio));
    }
    if (adapt) {
      adaptations++;
      logStep += (accept - 0.8) / Math.pow(adaptations + 10, 0.6);
    } else {
      proposals++;
      acceptSum += accept;
    }
    return r.nextDouble() < accept ? toW(z) : w;
  }
}
