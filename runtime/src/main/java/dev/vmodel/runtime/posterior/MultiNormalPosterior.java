package dev.vmodel.runtime.posterior;

import dev.vmodel.runtime.LinAlg;
import dev.vmodel.runtime.MultiNormal;
import dev.vmodel.runtime.Normal;
import java.util.Arrays;

/**
 * Posterior factor MultiNormal(mean m, precision Lambda) in D dimensions; covariance
 * Lambda^-1. Arrays are copied in and out (the record is immutable); the precision is a flat
 * row-major D x D array.
 *
 * @param mean the mean vector, length D, finite
 * @param precision the precision matrix, length D*D, symmetric (to 1e-8 relative; stored
 *     symmetrised) and positive definite
 */
public record MultiNormalPosterior(double[] mean, double[] precision) {

  /**
   * Copies and validates the parameters.
   *
   * @throws IllegalArgumentException on bad lengths, non-finite entries, or a precision that
   *     is not symmetric positive definite
   */
  public MultiNormalPosterior {
    mean = mean.clone();
    for (double v : mean) {
      Checks.finite("mean entry", v);
    }
    precision = Checks.spdCopy("precision", precision, mean.length);
  }

  /** Dimension D. */
  public int dim() {
    return mean.length;
  }

  /** A copy of the mean vector. */
  @Override
  public double[] mean() {
    return mean.clone();
  }

  /** Mean of coordinate i. */
  public double mean(int i) {
    Checks.index(i, mean.length);
    return mean[i];
  }

  /** A copy of the precision matrix (row-major D x D). */
  @Override
  public double[] precision() {
    return precision.clone();
  }

  /** The covariance Lambda^-1, a new row-major D x D array. */
  public double[] covariance() {
    int d = mean.length;
    double[] out = new double[d * d];
    LinAlg.spdInverse(precision, out, d);
    return out;
  }

  /** E[x x^T] = Lambda^-1 + m m^T, a new row-major D x D array. */
  public double[] expOuter() {
    int d = mean.length;
    double[] out = new double[d * d];
    MultiNormal.expOuter(d, mean, precision, out);
    return out;
  }

  /** Marginal variance of coordinate i, (Lambda^-1)_ii. */
  public double variance(int i) {
    Checks.index(i, mean.length);
    return covariance()[i * mean.length + i];
  }

  /** Marginal standard deviation of coordinate i. */
  public double sd(int i) {
    return Math.sqrt(variance(i));
  }

  /** Central 95% interval of coordinate i from its exact normal marginal. */
  public Interval interval95(int i) {
    double precisionI = 1.0 / variance(i);
    return new Interval(Normal.lower95(mean[i], precisionI), Normal.upper95(mean[i], precisionI));
  }

  /** ln|Lambda|. */
  public double lnDetPrecision() {
    return LinAlg.logDetSpd(precision, mean.length);
  }

  /** Differential entropy (D/2)(1 + ln 2 pi) - ln|Lambda|/2. */
  public double entropy() {
    return MultiNormal.entropy(mean.length, lnDetPrecision());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MultiNormalPosterior other
        && Arrays.equals(mean, other.mean)
        && Arrays.equals(precision, other.precision);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(precision);
  }

  @Override
  public String toString() {
    return "MultiNormalPosterior[mean=" + Arrays.toString(mean)
        + ", precision=" + Arrays.toString(precision) + "]";
  }
}
