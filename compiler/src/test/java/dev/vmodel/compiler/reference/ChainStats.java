package dev.vmodel.compiler.reference;

/**
 * Summaries of one MCMC chain: mean, standard deviation and a crude effective sample size by
 * Geyer's initial monotone sequence (Geyer 1992, Stat. Sci. 7:473): with autocorrelations rho_k,
 * Gamma_m = rho_{2m} + rho_{2m+1} summed while positive and made non-increasing, and
 * ESS = n / (-1 + 2 sum_m Gamma_m).
 */
public final class ChainStats {
  private ChainStats() {}

  /** Column j of draws[s][j]. */
  static double[] column(double[][] draws, int j) {
    double[] c = new double[draws.length];
    for (int s = 0; s < draws.length; s++) c[s] = draws[s][j];
    return c;
  }

  public static double mean(double[] x) {
    double s = 0;
    for (double v : x) s += v;
    return s / x.length;
  }

  public static double sd(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) s += (v - m) * (v - m);
    return Math.sqrt(s / (x.length - 1));
  }

  public static double ess(double[] x) {
    int n = x.length;
    double m = mean(x);
    double c0 = 0;
    for (double v : x) c0 += (v - m) * (v - m);
    c0 /= n;
    if (c0 == 0) return n;
    double sum = 0;
    double previous = Double.POSITIVE_INFINITY;
    for (int k = 0; 2 * k + 1 < n; k++) {
      double g = autocorrelation(x, m, c0, 2 * k) + autocorrelation(x, m, c0, 2 * k + 1);
      if (g <= 0) break;
      g = Math.min(g, previous);
      previous = g;
      sum += g;
    }
    double tau = -1 + 2 * sum;
    return n / Math.max(tau, 1e-12);
  }

  private static double autocorrelation(double[] x, double m, double c0, int lag) {
    double s = 0;
    for (int i = 0; i + lag < x.length; i++) s += (x[i] - m) * (x[i + lag] - m);
    return s / x.length / c0;
  }
}
