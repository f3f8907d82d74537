package dev.vmodel.cli.data;

/**
 * The numbers of a CSV cell (docs/cli.md, "Data files"). After spaces and tabs around it are
 * dropped, a cell is
 * <ul>
 *   <li>a missing value: empty, {@code NaN} or {@code NA} (in any case); or
 *   <li>a decimal number: an optional sign, then digits with an optional fraction or a fraction
 *       alone ({@code 1}, {@code -0.25}, {@code .5}: a point is always followed by a digit), then an
 *       optional exponent ({@code 1e-3}, {@code 2.5E+10}), whose value is finite as a double.
 * </ul>
 * Nothing else is a number: not {@code 1.}, {@code 1.0d}, {@code 0x1p1}, {@code Infinity},
 * {@code 1,5} or {@code 1_000}, which {@link Double#parseDouble} would partly accept.
 */
public final class CsvNumbers {
  private CsvNumbers() {}

  /** The value of a cell, NaN for a missing value. */
  public static double parse(String raw, String file, int line, String column) throws DataError {
    String cell = strip(raw);
    if (cell.isEmpty() || cell.equalsIgnoreCase("nan") || cell.equalsIgnoreCase("na")) {
      return Double.NaN;
    }
    if (!isNumber(cell)) {
      throw new DataError(file, line, column, "'" + shorten(cell) + "' is not a number");
    }
    double v = Double.parseDouble(cell);
    if (Double.isInfinite(v)) {
      throw new DataError(file, line, column, "'" + shorten(cell) + "' is not a finite number (too large for a double)");
    }
    return v;
  }

  /** Whether {@code s} matches {@code [+-]?(D+(.D+)?|.D+)([eE][+-]?D+)?} with D a digit 0-9. */
  public static boolean isNumber(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = digits(s, i);
    i += digits;
    if (i < n && s.charAt(i) == '.') {
      int fraction = digits(s, i + 1);
      if (fraction == 0) {
        return false;
      }
      i += 1 + fraction;
    } else if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exponent = digits(s, i);
      if (exponent == 0) {
        return false;
      }
      i += exponent;
    }
    return i == n;
  }

  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i - from;
  }

  private static String strip(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
      a++;
    }
    while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
      b--;
    }
    return a == 0 && b == s.length() ? s : s.substring(a, b);
  }

  /** A cell as quoted in a message: at most 40 characters, control characters escaped. */
  static String shorten(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 40; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() < s.length() && s.length() > 40 ? b + "..." : b.toString();
  }
}
