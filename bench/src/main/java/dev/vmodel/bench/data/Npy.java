package dev.vmodel.bench.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format (version 1.0), little endian, C order: how the Java and the Python side
 * of bench/compare.sh exchange the same bytes of data. Only what the benchmarks need: float64
 * and int32 arrays of rank 1 or 2.
 */
public final class Npy {
  private Npy() {}

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int CHUNK = 1 << 16;

  /** A float64 matrix, rows x cols, row-major. */
  public static void writeDoubles(Path file, double[] flat, int rows, int cols) throws IOException {
    if ((long) rows * cols != flat.length) {
      throw new IllegalArgumentException("shape " + rows + "x" + cols + " does not match " + flat.length);
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), CHUNK)) {
      header(out, "<f8", "(" + rows + ", " + cols + ")");
      ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : flat) {
        if (!buf.hasRemaining()) {
          out.write(buf.array(), 0, buf.position());
          buf.clear();
        }
        buf.putDouble(v);
      }
      out.write(buf.array(), 0, buf.position());
    }
  }

  /** A float64 matrix given as rows. */
  public static void writeDoubles(Path file, double[][] rows) throws IOException {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    double[] flat = new double[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    writeDoubles(file, flat, rows.length, cols);
  }

  /** An int32 vector. */
  public static void writeInts(Path file, int[] values) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), CHUNK)) {
      header(out, "<i4", "(" + values.length + ",)");
      ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
      for (int v : values) {
        if (!buf.hasRemaining()) {
          out.write(buf.array(), 0, buf.position());
          buf.clear();
        }
        buf.putInt(v);
      }
      out.write(buf.array(), 0, buf.position());
    }
  }

  private static void header(OutputStream out, String descr, String shape) throws IOException {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String h = dict + " ".repeat(pad) + "\n";
    out.write(MAGIC);
    out.write(1);
    out.write(0);
    out.write(h.length() & 0xff);
    out.write((h.length() >>> 8) & 0xff);
    out.write(h.getBytes(StandardCharsets.US_ASCII));
  }

  /** The shape and element type of an array being read. */
  private record Header(String descr, int[] shape) {
    long size() {
      long n = 1;
      for (int s : shape) {
        n *= s;
      }
      return n;
    }
  }

  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");

  private static Header readHeader(DataInputStream in, Path file) throws IOException {
    byte[] magic = new byte[6];
    in.readFully(magic);
    for (int i = 0; i < 6; i++) {
      if (magic[i] != MAGIC[i]) {
        throw new IOException(file + ": not a .npy file");
      }
    }
    int major = in.readUnsignedByte();
    in.readUnsignedByte();
    int len;
    if (major == 1) {
      len = in.readUnsignedByte() | (in.readUnsignedByte() << 8);
    } else {
      len = in.readUnsignedByte() | (in.readUnsignedByte() << 8) | (in.readUnsignedByte() << 16)
          | (in.readUnsignedByte() << 24);
    }
    byte[] h = new byte[len];
    in.readFully(h);
    String dict = new String(h, StandardCharsets.US_ASCII);
    Matcher d = DESCR.matcher(dict);
    Matcher s = SHAPE.matcher(dict);
    Matcher f = FORTRAN.matcher(dict);
    if (!d.find() || !s.find() || !f.find()) {
      throw new IOException(file + ": unreadable .npy header " + dict.strip());
    }
    if (f.group(1).equals("True")) {
      throw new IOException(file + ": Fortran order is not supported");
    }
    String[] parts = s.group(1).split(",");
    int rank = 0;
    int[] shape = new int[parts.length];
    for (String p : parts) {
      if (!p.isBlank()) {
        shape[rank++] = Integer.parseInt(p.strip());
      }
    }
    return new Header(d.group(1), java.util.Arrays.copyOf(shape, rank));
  }

  /** A float64 matrix as rows (the shape the generated Data setters take). */
  public static double[][] readDoubleRows(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      Header h = readHeader(in, file);
      expect(file, h, "<f8", 2);
      double[][] rows = new double[h.shape[0]][h.shape[1]];
      ByteBuffer buf = ByteBuffer.allocate(8 * h.shape[1]).order(ByteOrder.LITTLE_ENDIAN);
      for (double[] row : rows) {
        buf.clear();
        in.readFully(buf.array());
        buf.asDoubleBuffer().get(row);
      }
      return rows;
    }
  }

  /** A float64 array of any rank, flattened. */
  public static double[] readDoubles(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      Header h = readHeader(in, file);
      expect(file, h, "<f8", -1);
      double[] out = new double[Math.toIntExact(h.size())];
      readChunks(in, out.length, 8, (b, from, count) -> b.asDoubleBuffer().get(out, from, count));
      return out;
    }
  }

  /** An int32 vector. */
  public static int[] readInts(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      Header h = readHeader(in, file);
      expect(file, h, "<i4", 1);
      int[] out = new int[h.shape[0]];
      readChunks(in, out.length, 4, (b, from, count) -> b.asIntBuffer().get(out, from, count));
      return out;
    }
  }

  /** The shape of a .npy file. */
  public static int[] shape(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      return readHeader(in, file).shape;
    }
  }

  private interface Sink {
    void put(ByteBuffer b, int from, int count);
  }

  private static void readChunks(DataInputStream in, int n, int width, Sink sink) throws IOException {
    int per = CHUNK / width;
    ByteBuffer buf = ByteBuffer.allocate(per * width).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < n; from += per) {
      int count = Math.min(per, n - from);
      buf.clear();
      in.readFully(buf.array(), 0, count * width);
      buf.limit(count * width);
      sink.put(buf, from, count);
    }
  }

  private static void expect(Path file, Header h, String descr, int rank) throws IOException {
    if (!h.descr.equals(descr) || (rank >= 0 && h.shape.length != rank)) {
      throw new IOException(file + ": expected " + descr + (rank >= 0 ? " of rank " + rank : "")
          + ", found " + h.descr + " of shape " + java.util.Arrays.toString(h.shape));
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    return new DataInputStream(new BufferedInputStream(in, CHUNK));
  }
}
