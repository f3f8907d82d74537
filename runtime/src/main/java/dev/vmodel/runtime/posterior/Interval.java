package dev.vmodel.runtime.posterior;

/**
 * A closed interval [lower, upper], used for central credible intervals.
 *
 * @param lower lower end
 * @param upper upper end, at least {@code lower}
 */
public record Interval(double lower, double upper) {

  /**
   * Checks the ends.
   *
   * @throws IllegalArgumentException if an end is NaN or lower &gt; upper
   */
  public Interval {
    if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
      throw new IllegalArgumentException("bad interval [" + lower + ", " + upper + "]");
    }
  }

  /** upper - lower. */
  public double width() {
    return upper - lower;
  }

  /** True if lower &lt;= x &lt;= upper. */
  public boolean contains(double x) {
    return lower <= x && x <= upper;
  }
}
