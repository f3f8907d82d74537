package dev.vmodel.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Running mean and standard error of a Monte Carlo estimate. Checks compare an exact value
 * with the sample mean to within 5 standard errors: with a fixed seed the outcome is
 * deterministic, and a correct formula would fail such a check with probability about 6e-7,
 * while a wrong term or convention (the errors this guards against) shifts the mean by many
 * standard errors at the sample sizes used.
 */
final class MonteCarlo {

  private long n;
  private double mean;
  private double m2;

  void add(double x) {
    n++;
    double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }

  double mean() {
    return mean;
  }

  double standardError() {
    return Math.sqrt(m2 / (n - 1) / n);
  }

  void assertMean(double expected, String what) {
    double tol = 5 * standardError();
    assertTrue(Math.abs(mean - expected) <= tol,
        what + ": exact " + expected + ", Monte Carlo " + mean + " +/- " + standardError());
  }
}
