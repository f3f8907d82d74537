package dev.vmodel.cli.data;

import java.util.Arrays;

/**
 * The line of the file each row (or JSON entry) was read from, kept as runs: a run is a first
 * row, its line, and a step of 0 (rows on one line, as in a one-line JSON array) or 1 (one row per
 * line, as in CSV). A file with one row per line and no blank lines is one run, whatever its size.
 */
final class RowLines {
  private int[] rows = new int[4];
  private int[] lines = new int[4];
  private int[] steps = new int[4];
  private int runs;
  private int size;

  void add(int line) {
    int row = size++;
    if (runs > 0) {
      int k = runs - 1;
      int expected = lines[k] + (row - rows[k]) * steps[k];
      if (line == expected) {
        return;
      }
      if (row - rows[k] == 1 && steps[k] == 0 && line == lines[k] + 1) {
        steps[k] = 1;
        return;
      }
    }
    if (runs == rows.length) {
      rows = Arrays.copyOf(rows, runs * 2);
      lines = Arrays.copyOf(lines, runs * 2);
      steps = Arrays.copyOf(steps, runs * 2);
    }
    rows[runs] = row;
    lines[runs] = line;
    steps[runs] = 0;
    runs++;
  }

  /** The line of {@code row}, or 0 if it is not known. */
  int line(int row) {
    if (row < 0 || row >= size) {
      return 0;
    }
    int k = Arrays.binarySearch(rows, 0, runs, row);
    if (k < 0) {
      k = -k - 2;
    }
    return lines[k] + (row - rows[k]) * steps[k];
  }
}
