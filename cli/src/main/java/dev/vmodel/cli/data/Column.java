package dev.vmodel.cli.data;

import java.util.Arrays;

/**
 * The values of one data column as they are read: doubles stored in chunks of 4096, so a column
 * costs 8 bytes a value (plus at most one part-filled chunk) and never copies its values to grow.
 * A short column starts with a small first chunk.
 */
public final class Column {
  private static final int SHIFT = 12;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;

  private double[][] chunks = {new double[16]};
  private int size;

  public void add(double v) {
    int c = size >>> SHIFT;
    int i = size & MASK;
    if (c == chunks.length) {
      chunks = Arrays.copyOf(chunks, chunks.length * 2);
    }
    double[] chunk = chunks[c];
    if (chunk == null) {
      chunk = chunks[c] = new double[CHUNK];
    } else if (i == chunk.length) {
      chunk = chunks[c] = Arrays.copyOf(chunk, Math.min(CHUNK, chunk.length * 4));
    }
    chunk[i] = v;
    size++;
  }

  public double get(int row) {
    return chunks[row >>> SHIFT][row & MASK];
  }

  public int size() {
    return size;
  }

  /** Drops the values (once they are bound) so that they can be collected; the size stays. */
  void release() {
    chunks = null;
  }
}
