package dev.vmodel.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON reader: strict JSON, one object of arrays, located errors. */
class JsonReaderTest {
  private static final Predicate<String> ALL = c -> true;

  @TempDir Path tmp;

  private Path write(String text) throws IOException {
    Path f = tmp.resolve("d.json");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private Table read(String text) throws Exception {
    return DataFiles.read(write(text), ALL);
  }

  private String error(String text) throws IOException {
    return error(text, ALL);
  }

  private String error(String text, Predicate<String> wanted) throws IOException {
    Path f = write(text);
    String m = assertThrows(DataError.class, () -> DataFiles.read(f, wanted)).render();
    assertTrue(m.startsWith(f.toString()), m);
    return m.substring(f.toString().length());
  }

  @Test
  void flatAndNestedArrays() throws Exception {
    Table t = read("{\"y\": [0, 1, null],\n \"x\": [[1.5, 2],\n [0.25, -1e2],\n [3, 4]]}");
    assertEquals(List.of("y", "x[0]", "x[1]"), t.columns());
    assertEquals(3, t.rows());
    assertTrue(Double.isNaN(t.column("y").get(2)));
    assertEquals(-100.0, t.column("x[1]").get(1));
    assertEquals(1, t.line("y", 2));
    assertEquals(2, t.line("x[0]", 0));
    assertEquals(3, t.line("x[1]", 1));
  }

  @Test
  void stringEscapesAreDecoded() throws Exception {
    Table t = read("{\"\\u0079\": [1, 0], \"x\\u005b0\\u005d\": [2, 3]}");
    assertEquals(List.of("y", "x[0]"), t.columns());
  }

  @Test
  void aByteOrderMarkIsDropped() throws Exception {
    Table t = read("\uFEFF{\"y\": [1]}");
    assertEquals(1, t.rows());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.", "1.0d", "0x1p1", "NaN", "Infinity", "+1", "01", ".5", "1e", "- 1", "1f"})
  void onlyJsonNumbers(String number) throws Exception {
    String m = error("{\"y\": [" + number + "]}");
    assertTrue(m.startsWith(":1:"), m);
  }

  @Test
  void numbersTooLargeForADouble() throws Exception {
    assertEquals(":1: error: column 'y': entry 1: 1e400 is not a finite number (too large for a double)",
        error("{\"y\": [1, 1e400]}"));
    assertEquals(12345678901234567890.0, read("{\"y\": [12345678901234567890]}").column("y").get(0));
  }

  @Test
  void malformedDocuments() throws Exception {
    assertEquals(": error: the file is empty; expected a JSON object of arrays, e.g. {\"y\": [1.5, 2.0]}", error(" \n"));
    assertEquals(":1: error: expected '{', found a list '['; the data file must be a JSON object of arrays, e.g."
        + " {\"y\": [1.5, 2.0]}", error("[0, 1]"));
    assertTrue(error("{\"y\": [0, 1]} x").startsWith(":1:15: error: unrecognized token 'x'"));
    assertEquals(":2: error: found an object '{' after the end of the JSON object; a data file holds exactly one"
        + " object", error("{\"y\": [0, 1]}\n{\"y\": [1]}"));
    assertEquals(":1:15: error: key 'y' appears twice in the object", error("{\"y\": [0], \"y\": [1]}"));
    assertTrue(error("{\"y\": [0, 1,\n }").startsWith(":2:2: error: column 'y': unexpected character ('}'"),
        error("{\"y\": [0, 1,\n }"));
    assertTrue(error("{\"y\": [0, 1]").startsWith(":1:"), error("{\"y\": [0, 1]"));
    assertTrue(error("{\"y\": [0, 1], }").startsWith(":1:"));
  }

  @Test
  void shapeErrors() throws Exception {
    assertEquals(":1: error: column 'y': expected a list of numbers (or of lists of numbers), found the number 3",
        error("{\"y\": 3}"));
    assertEquals(":1: error: column 'y': entry 1: expected a number or null, found the string \"a\"",
        error("{\"y\": [1, \"a\"]}"));
    assertEquals(":1: error: column 'y': entry 0: expected a number or null, found true", error("{\"y\": [true]}"));
    assertEquals(":1: error: column 'x': entry 1 has 1 number, but entry 0 has 2; every entry must be a list of"
        + " the same length", error("{\"x\": [[1, 2], [3]]}"));
    assertEquals(":1: error: column 'x': entry 1 has more than 2 numbers, but entry 0 has 2; every entry must be a"
        + " list of the same length", error("{\"x\": [[1, 2], [3, 4, 5]]}"));
    assertEquals(":1: error: column 'x': entry 1 is a list, but entry 0 is a number", error("{\"x\": [1, [3]]}"));
    assertEquals(":1: error: column 'x': entry 1 is the number 3, but entry 0 is a list of numbers",
        error("{\"x\": [[1], 3]}"));
    assertEquals(":1: error: column 'x': entry 0 is an empty list; rows are lists of one or more numbers",
        error("{\"x\": [[], []]}"));
    assertEquals(":2: error: column 'y': has 3 entries, but 'x' has 2; all arrays of a file must have the same"
        + " length", error("{\"x\": [[1, 2], [1, 3]],\n \"y\": [1, 2, 3]}"));
    assertEquals(":1: error: column 'x[0]': gives column 'x[0]' a second time (it is also a key of its own or part"
        + " of another)", error("{\"x\": [[1]], \"x[0]\": [2]}"));
  }

  @Test
  void keysNotWantedAreSkippedWhateverTheirValue() throws Exception {
    Table t = DataFiles.read(write("{\"about\": {\"name\": \"coin\", \"n\": [1, 2, 3]}, \"y\": [1, 0]}"),
        c -> c.equals("y"));
    assertEquals(List.of("y"), t.columns());
    assertEquals(2, t.rows());
  }

  @Test
  void deepNestingIsALocatedError() throws Exception {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    assertEquals(":1: error: column 'y': entry 0 holds a list in a list; rows are lists of numbers, nested no"
        + " deeper", error("{\"y\": " + deep + "}"));
    String m = error("{\"other\": " + deep + ", \"y\": [1]}", c -> c.equals("y"));
    assertTrue(m.startsWith(":1:") && m.contains("nesting depth (65) exceeds the maximum allowed (64)"), m);
    assertTrue(!m.contains("StreamReadConstraints"), m);
  }

  @Test
  void invalidUtf8NamesTheLine() throws Exception {
    Path f = tmp.resolve("bad.json");
    Files.write(f, new byte[] {'{', '"', 'y', '"', ':', '\n', '[', '1', ',', (byte) 0xC3, '(', ']', '}'});
    assertEquals(f + ":2:4: error: column 'y': not valid UTF-8 text (byte 0xc3); save the file as UTF-8",
        assertThrows(DataError.class, () -> DataFiles.read(f, ALL)).render());
  }

  @Test
  void readingDevZeroAsJsonStops() throws Exception {
    Path zero = tmp.resolve("zero.json");
    Files.createSymbolicLink(zero, Path.of("/dev/zero"));
    String m = assertThrows(DataError.class, () -> DataFiles.read(zero, ALL)).render();
    assertTrue(m.startsWith(zero + ":1:2: error: illegal character"), m);
  }
}
