package dev.vmodel.cli.data;

import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Not a test: measures the heap that reading a large CSV file takes (bench/data-footprint.sh runs
 * it). Writes {@code rows} rows of {@code x[0],x[1],y} (if the file does not exist yet), reads it
 * as `vmodel fit` does, and prints the heap retained per value (after a full GC) and the peak
 * heap the JVM saw while reading. Run it under a small {@code -Xmx} to show the reading fits.
 */
public final class DataFootprint {
  private DataFootprint() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    long rows = Long.parseLong(args[1]);
    int cols = 2;
    if (!Files.exists(file)) {
      Random rnd = new Random(1);
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        w.write("x[0],x[1]\n");
        for (long r = 0; r < rows; r++) {
          w.write(String.format(Locale.ROOT, "%.6f,%.6f%n", rnd.nextGaussian() * 3, rnd.nextGaussian() * 3));
        }
      }
    }
    long values = rows * cols;
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
    long t0 = System.nanoTime();
    Table t = DataFiles.read(file, c -> true);
    long t1 = System.nanoTime();
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    if (t.rows() != rows) {
      throw new AssertionError("read " + t.rows() + " rows, expected " + rows);
    }
    System.out.printf(Locale.ROOT, "%s: %.0f MB, %d values read in %.2f s (%.0f MB/s); -Xmx %d MB%n", file,
        Files.size(file) / 1e6, values, (t1 - t0) / 1e9, Files.size(file) / 1e6 / ((t1 - t0) / 1e9),
        rt.maxMemory() >> 20);
    System.out.printf(Locale.ROOT, "retained after GC: %.1f MB = %.2f bytes per value; peak heap while reading:"
        + " %.1f MB (%.2f bytes per value, garbage included)%n", (after - before) / 1e6,
        (double) (after - before) / values, peak / 1e6, (double) peak / values);
  }
}
