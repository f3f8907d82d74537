package dev.vmodel.runtime.stochastic;

import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.split.SplitModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * A CSV file streamed in minibatches, never held whole: memory is one batch. A first pass counts
 * the rows (or groups), notes where every batch starts in the file, checks the header and reads the
 * largest value of each categorical column; each epoch then reads the batches in a shuffled order
 * (epoch 0 in file order), seeking to each. The header names the model's data arrays as the
 * command line does: a scalar per row is the column of its name, a vector per row the columns
 * {@code x[0]}, {@code x[1]}, ...; an empty cell is a missing value where the model allows one.
 * Values are plain numbers (no quoted fields). A model with a group column (LDA's {@code doc})
 * needs each group's rows contiguous, and gets {@code batchSize} whole groups per batch.
 */
public final class CsvRows implements RowSource {
  private final Path file;
  private final long seed;
  /** For each model column: the file columns of its elements, in order. */
  private final Map<SplitModel.Column, int[]> layout = new LinkedHashMap<>();
  /** The batches: byte offset where each starts, its first line number, and its rows. */
  private final List<long[]> blocks = new ArrayList<>();
  private final long units;
  private final long rows;
  private final Map<String, Integer> categories = new LinkedHashMap<>();
  private final int width;

  /** The batches held out of training ({@link #heldOut}): every {@code holdoutEvery}-th one. */
  private final List<long[]> heldOut = new ArrayList<>();
  private long heldOutUnits;

  public CsvRows(SplitModel model, Path file, int batchSize, long seed) {
    this(model, file, batchSize, seed, 0.0);
  }

  /**
   * With {@code holdout} in (0, 0.5]: every round(1 / holdout)-th batch is held out of training
   * and served by {@link #heldOut} instead (for a held-out bound).
   */
  public CsvRows(SplitModel model, Path file, int batchSize, long seed, double holdout) {
    if (!(holdout >= 0 && holdout <= 0.5)) {
      throw new IllegalArgumentException("the held-out fraction must be in [0, 0.5], got " + holdout);
    }
    this.file = file;
    this.seed = seed;
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      LineReader r = new LineReader(in);
      String header = r.line();
      if (header == null) {
        throw new DataException("(header)", -1, -1, file + ": the file is empty; it needs a header row naming the"
            + " model's data arrays");
      }
      String[] names = header.split(",", -1);
      this.width = names.length;
      Map<String, Integer> at = new HashMap<>();
      for (int i = 0; i < names.length; i++) {
        at.put(names[i].trim(), i);
      }
      int groupColumn = -1;
      Map<Integer, String> categorical = new LinkedHashMap<>();
      for (SplitModel.Column c : model.columns()) {
        int[] cols;
        if (c.vector()) {
          List<Integer> found = new ArrayList<>();
          while (at.containsKey(c.name() + "[" + found.size() + "]")) {
            found.add(at.get(c.name() + "[" + found.size() + "]"));
          }
          if (found.isEmpty()) {
            throw new DataException(c.name(), -1, -1, file + ": no columns " + c.name() + "[0], " + c.name()
                + "[1], ... in the header (" + String.join(", ", names) + "); name the columns of data array "
                + c.name() + " so");
          }
          cols = found.stream().mapToInt(Integer::intValue).toArray();
        } else {
          Integer i = at.get(c.name());
          if (i == null) {
            throw new DataException(c.name(), -1, -1, file + ": no column " + c.name() + " in the header ("
                + String.join(", ", names) + "); add it, named as the model's data array");
          }
          cols = new int[] {i};
          if (c.group()) {
            groupColumn = i;
          } else if (c.categories() != null) {
            categorical.put(i, c.categories());
          }
        }
        layout.put(c, cols);
      }
      long unitCount = 0;
      long rowCount = 0;
      long blockStart = r.offset();
      long blockLine = 2;
      long inBlock = 0;
      long blockRows = 0;
      String previousGroup = null;
      Map<Integer, Integer> maxima = new HashMap<>();
      String line;
      while ((line = r.line()) != null) {
        long lineOffset = r.lastLineOffset();
        if (line.isEmpty()) {
          continue;
        }
        rowCount++;
        String[] cells = groupColumn >= 0 || !categorical.isEmpty() ? line.split(",", -1) : null;
        boolean starts;
        if (groupColumn >= 0) {
          String g = cells.length > groupColumn ? cells[groupColumn].trim() : "";
          starts = !g.equals(previousGroup);
          previousGroup = g;
        } else {
          starts = true;
        }
        if (starts) {
          unitCount++;
          if (inBlock == batchSize) {
            blocks.add(new long[] {blockStart, blockLine, blockRows, inBlock});
            blockStart = lineOffset;
            blockLine = rowCount + 1;
            inBlock = 0;
            blockRows = 0;
          }
          inBlock++;
        }
        blockRows++;
        for (Map.Entry<Integer, String> e : categorical.entrySet()) {
          String v = cells.length > e.getKey() ? cells[e.getKey()].trim() : "";
          if (!v.isEmpty()) {
            try {
              maxima.merge(e.getKey(), Integer.parseInt(v), Math::max);
            } catch (NumberFormatException ex) {
              throw new DataException(e.getValue(), (int) Math.min(rowCount - 1, Integer.MAX_VALUE), -1, file
                  + ":" + (rowCount + 1) + ": column " + names[e.getKey()] + ": '" + v + "' is not an integer");
            }
          }
        }
      }
      if (blockRows > 0) {
        blocks.add(new long[] {blockStart, blockLine, blockRows, inBlock});
      }
      long train = unitCount;
      if (holdout > 0 && blocks.size() > 1) {
        int every = (int) Math.max(2, Math.round(1.0 / holdout));
        List<long[]> kept = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
          // every every-th batch, and at least the last one
          boolean out = b % every == every - 1 || b == blocks.size() - 1 && heldOut.isEmpty();
          (out ? heldOut : kept).add(blocks.get(b));
        }
        blocks.clear();
        blocks.addAll(kept);
        long units = 0;
        for (long[] b : heldOut) {
          units += b[3];
        }
        heldOutUnits = units;
        train -= units;
      }
      this.units = train;
      this.rows = rowCount;
      for (Map.Entry<Integer, String> e : categorical.entrySet()) {
        Integer max = maxima.get(e.getKey());
        if (max != null) {
          categories.merge(e.getValue(), max + 1, Math::max);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot be read", e);
    }
  }

  @Override
  public long units() {
    return units;
  }

  /** The held-out batches (none without a held-out fraction), in file order. */
  public Iterator<Map<String, Object>> heldOut() {
    return batches(heldOut);
  }

  /** The units (rows or groups) held out. */
  public long heldOutUnits() {
    return heldOutUnits;
  }

  /** The number of data rows (lines but the header). */
  public long rows() {
    return rows;
  }

  /** The number of batches of one pass. */
  public int batchCount() {
    return blocks.size();
  }

  @Override
  public Map<String, Integer> categories() {
    return Collections.unmodifiableMap(categories);
  }

  @Override
  public Iterator<Map<String, Object>> batches(long epoch) {
    List<long[]> order = new ArrayList<>(blocks);
    if (epoch > 0) {
      Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
    }
    return batches(order);
  }

  /** The batches {@code order} (of {@link #batches}'s blocks), read in that order. */
  Iterator<Map<String, Object>> batches(List<long[]> order) {
    Iterator<long[]> it = order.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Map<String, Object> next() {
        if (!it.hasNext()) {
          throw new NoSuchElementException();
        }
        return read(it.next());
      }
    };
  }

  private Map<String, Object> read(long[] block) {
    int n = (int) block[2];
    Map<SplitModel.Column, Object> values = new LinkedHashMap<>();
    for (Map.Entry<SplitModel.Column, int[]> e : layout.entrySet()) {
      SplitModel.Column c = e.getKey();
      int w = e.getValue().length;
      values.put(c, c.integer() ? (c.vector() ? new int[n][w] : new int[n]) : (c.vector() ? new double[n][w]
          : new double[n]));
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.position(block[0]);
      BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8),
          1 << 16);
      int row = 0;
      long lineNo = block[1] - 1;
      String[] cells = new String[width];
      while (row < n) {
        String line = r.readLine();
        lineNo++;
        if (line == null) {
          throw new IllegalStateException(file + " changed while it was read (line " + lineNo + ")");
        }
        if (line.isEmpty()) {
          continue;
        }
        int count = split(line, cells);
        for (Map.Entry<SplitModel.Column, int[]> e : layout.entrySet()) {
          SplitModel.Column c = e.getKey();
          int[] cols = e.getValue();
          Object target = values.get(c);
          for (int k = 0; k < cols.length; k++) {
            String v = cols[k] < count ? cells[cols[k]] : "";
            if (c.integer()) {
              int x = parseInt(v, c, lineNo, cols[k]);
              if (c.vector()) {
                ((int[][]) target)[row][k] = x;
              } else {
                ((int[]) target)[row] = x;
              }
            } else {
              double x = parseDouble(v, c, lineNo, cols[k]);
              if (c.vector()) {
                ((double[][]) target)[row][k] = x;
              } else {
                ((double[]) target)[row] = x;
              }
            }
          }
        }
        row++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot be read", e);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    values.forEach((c, v) -> out.put(c.name(), v));
    return out;
  }

  private static int split(String line, String[] cells) {
    int count = 0;
    int from = 0;
    for (int i = 0; i <= line.length() && count < cells.length; i++) {
      if (i == line.length() || line.charAt(i) == ',') {
        cells[count++] = line.substring(from, i);
        from = i + 1;
      }
    }
    return count;
  }

  private double parseDouble(String v, SplitModel.Column c, long line, int column) {
    String t = v.trim();
    if (t.isEmpty() || t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("na")) {
      if (c.missingAllowed()) {
        return Double.NaN;
      }
      throw bad(c, line, column, v, "is missing, and " + c.name() + " cannot have missing values in this model");
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw bad(c, line, column, v, "is not a number");
    }
  }

  private int parseInt(String v, SplitModel.Column c, long line, int column) {
    String t = v.trim();
    if (t.isEmpty()) {
      if (c.missingAllowed()) {
        return -1;
      }
      throw bad(c, line, column, v, "is missing, and " + c.name() + " cannot have missing values in this model");
    }
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw bad(c, line, column, v, "is not an integer");
    }
  }

  private DataException bad(SplitModel.Column c, long line, int column, String v, String what) {
    return new DataException(c.name(), (int) Math.min(line - 2, Integer.MAX_VALUE), column, file + ":" + line + ":"
        + (column + 1) + ": '" + v + "' " + what);
  }

  /** Lines of a stream with the byte offset where each starts (UTF-8, LF or CRLF). */
  private static final class LineReader {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    private long consumed;
    private long lastLine;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    LineReader(InputStream in) {
      this.in = in;
    }

    long offset() {
      return consumed;
    }

    long lastLineOffset() {
      return lastLine;
    }

    String line() throws IOException {
      line.reset();
      lastLine = consumed;
      boolean any = false;
      while (true) {
        if (pos == len) {
          len = in.read(buf);
          pos = 0;
          if (len <= 0) {
            len = 0;
            return any ? text() : null;
          }
        }
        byte b = buf[pos++];
        consumed++;
        any = true;
        if (b == '\n') {
          return text();
        }
        line.write(b);
      }
    }

    private String text() {
      String s = line.toString(StandardCharsets.UTF_8);
      return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
  }
}
