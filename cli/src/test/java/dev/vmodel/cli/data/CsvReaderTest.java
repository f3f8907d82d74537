package dev.vmodel.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CSV reader: the file format of docs/cli.md, "Data files", and its located errors. */
class CsvReaderTest {
  private static final Predicate<String> ALL = c -> true;

  @TempDir Path tmp;

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path f = tmp.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  private static double[] values(Table t, String column) {
    double[] out = new double[t.rows()];
    for (int r = 0; r < out.length; r++) {
      out[r] = t.column(column).get(r);
    }
    return out;
  }

  private String error(Path f) {
    return error(f, ALL);
  }

  private static String error(Path f, Predicate<String> wanted) {
    return assertThrows(DataError.class, () -> DataFiles.read(f, wanted)).render();
  }

  @Test
  void readsColumnsAndTheLineOfEveryRow() throws Exception {
    Path f = write("d.csv", "y, x[0] ,\"x[1]\"\n1,2.5,-3\n\n  \n4,\"5\",6e-1\r\n7,8,9\n");
    Table t = DataFiles.read(f, ALL);
    assertEquals(List.of("y", "x[0]", "x[1]"), t.columns());
    assertEquals(3, t.rows());
    assertEquals(1, t.headerLine());
    assertEquals(List.of(1.0, 4.0, 7.0), box(values(t, "y")));
    assertEquals(List.of(-3.0, 0.6, 9.0), box(values(t, "x[1]")));
    assertEquals(2, t.line("y", 0));
    assertEquals(5, t.line("y", 1));
    assertEquals(6, t.line("y", 2));
  }

  private static List<Double> box(double[] v) {
    return java.util.Arrays.stream(v).boxed().toList();
  }

  @Test
  void aByteOrderMarkBeforeTheHeaderIsDropped() throws Exception {
    byte[] text = "y\n1\n0\n".getBytes(StandardCharsets.UTF_8);
    byte[] bom = new byte[text.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(text, 0, bom, 3, text.length);
    Table t = DataFiles.read(write("excel.csv", bom), ALL);
    assertEquals(List.of("y"), t.columns());
    assertEquals(List.of(1.0, 0.0), box(values(t, "y")));
  }

  @Test
  void crOnlyLineEndsCountLines() throws Exception {
    Table t = DataFiles.read(write("mac.csv", "y\r1\r\r2\r"), ALL);
    assertEquals(List.of(1.0, 2.0), box(values(t, "y")));
    assertEquals(4, t.line("y", 1));
    assertTrue(error(write("mac2.csv", "y\r1\rabc\r")).startsWith(tmp.resolve("mac2.csv") + ":3: error: column 'y'"));
  }

  @Test
  void aQuotedCellOverTwoLinesKeepsLaterLinesRight() throws Exception {
    Path f = write("q.csv", "note,y\n\"two\nlines\",1\nx,oops\n");
    assertEquals(f + ":4: error: column 'y': 'oops' is not a number", error(f, c -> c.equals("y")));
    assertEquals(f + ":2: error: column 'note': 'two\\u000alines' is not a number", error(f));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "+2", "3.25", ".5", "-.5", "1e3", "1E-3", "2.5e+10", "007", " 4 ", "\t5"})
  void numbers(String cell) throws Exception {
    Table t = DataFiles.read(write("n.csv", "y\n" + cell + "\n"), ALL);
    assertEquals(Double.parseDouble(cell.strip()), t.column("y").get(0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.", "1.0d", "1f", "0x1p1", "0x10", "Infinity", "-Infinity", "1e", "e5", "+", "-", ".",
      "1,5", "1_000", "1 000", "abc", "--1", "1e5.5", "١"})
  void notNumbers(String cell) throws Exception {
    String quoted = "\"" + cell + "\"";
    Path f = write("n.csv", "y\n" + quoted + "\n");
    assertEquals(f + ":2: error: column 'y': '" + cell + "' is not a number", error(f));
  }

  @Test
  void infiniteValuesAreRejected() throws Exception {
    Path f = write("big.csv", "y\n1e400\n");
    assertEquals(f + ":2: error: column 'y': '1e400' is not a finite number (too large for a double)", error(f));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "NaN", "nan", "NA", "na", " NaN "})
  void missingValues(String cell) throws Exception {
    Table t = DataFiles.read(write("m.csv", "y,z\n" + cell + ",1\n"), ALL);
    assertTrue(Double.isNaN(t.column("y").get(0)));
  }

  @Test
  void columnsNotWantedAreNotParsed() throws Exception {
    Path f = write("extra.csv", "name,y,comment\nalice,1,\"likes, commas\"\nbob,0,1.\n");
    Table t = DataFiles.read(f, c -> c.equals("y"));
    assertEquals(List.of("y"), t.columns());
    assertEquals(List.of(1.0, 0.0), box(values(t, "y")));
  }

  @Test
  void raggedRows() throws Exception {
    Path f = write("r.csv", "a,b,c\n1,2,3\n1,2\n");
    assertEquals(f + ":3: error: has 2 cells, but the header has 3 columns", error(f));
    Path g = write("r2.csv", "a,b\n1,2,3\n");
    assertEquals(g + ":2: error: has 3 cells, but the header has 2 columns", error(g));
    Path h = write("r3.csv", "a,b\n1,2,\n");
    assertEquals(h + ":2: error: has 3 cells, but the header has 2 columns", error(h));
  }

  @Test
  void headerProblems() throws Exception {
    Path empty = write("e.csv", "\n\n");
    assertEquals(empty + ": error: the file is empty; expected a header row naming the columns", error(empty));
    Path blank = write("b.csv", "y,,z\n1,2,3\n");
    assertEquals(blank + ":1: error: header cell 2 is empty; every column needs a name", error(blank));
    Path twice = write("t.csv", "\ny,y\n1,2\n");
    assertEquals(twice + ":2: error: column 'y': appears twice in the header", error(twice));
  }

  @Test
  void malformedQuotesAreLocated() throws Exception {
    Path f = write("q.csv", "y\n1\n\"2\"x\n");
    assertTrue(error(f).startsWith(f + ":3:"), error(f));
    Path g = write("open.csv", "y\n1\n\"2\n3\n");
    assertTrue(error(g).startsWith(g + ":"), error(g));
    assertTrue(error(g).contains("quote"), error(g));
  }

  @Test
  void invalidUtf8NamesTheLine() throws Exception {
    byte[] b = "y\n1\n2\n".getBytes(StandardCharsets.UTF_8);
    b[4] = (byte) 0xFF;
    Path f = write("latin.csv", b);
    assertEquals(f + ":3:1: error: not valid UTF-8 text (byte 0xff); save the file as UTF-8", error(f));
    // in a column nobody reads, too
    Path g = write("latin2.csv", "name,y\nJos\u00e9,1\n".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(g + ":2:4: error: not valid UTF-8 text (byte 0xe9); save the file as UTF-8", error(g, c -> c.equals("y")));
  }

  @Test
  void aMillionColumnsStopAtTheLimit() throws Exception {
    Path f = tmp.resolve("wide.csv");
    try (OutputStream out = Files.newOutputStream(f)) {
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < 1_000_000; c++) {
        b.append(c == 0 ? "" : ",").append("c").append(c);
      }
      out.write(b.append('\n').toString().getBytes(StandardCharsets.UTF_8));
      out.write(b.toString().replaceAll("c\\d+", "1").getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(f + ":1: error: the header has more than 100000 columns; a data file can have at most 100000",
        error(f));
  }

  @Test
  void aLineWithoutEndStopsAtTheLimit() throws Exception {
    String message = error(Path.of("/dev/zero"));
    assertEquals("/dev/zero:1: error: line 1 is longer than 8388608 characters; a data file has one row per line,"
        + " at most 8388608 characters long", message);
  }

  @Test
  void unreadableFiles() throws Exception {
    assertEquals(tmp + ": error: is a directory, not a data file", error(tmp));
    assertEquals(tmp.resolve("no.csv") + ": error: no such file", error(tmp.resolve("no.csv")));
    assertEquals("f.csv: error: permission denied",
        DataFiles.cannotRead("f.csv", 0, new java.nio.file.AccessDeniedException("f.csv")).render());
    assertEquals("f.csv:3: error: cannot read: input/output error", DataFiles.cannotRead("f.csv", 3,
        new java.nio.file.FileSystemException("f.csv", null, "Input/output error")).render());
  }

  @Test
  void anUpperCaseJsonExtensionIsJson() throws Exception {
    Path f = write("D.JSON", "{\"y\": [1, 2]}");
    Table t = DataFiles.read(f, ALL);
    assertTrue(t.isJson());
    assertEquals(2, t.rows());
    assertFalse(DataFiles.isJson(Path.of("json")));
  }
}
