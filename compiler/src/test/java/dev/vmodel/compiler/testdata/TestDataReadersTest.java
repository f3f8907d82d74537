package dev.vmodel.compiler.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tests' own CSV and JSON readers read what the hand-written ones got wrong. */
class TestDataReadersTest {
  @Test
  void csvDropsAByteOrderMarkAndUnquotes() {
    CsvFile f = CsvFile.parse("t.csv", "\uFEFFy,\"x[0]\"\n1,\"2,5\"\n\n3,4\n");
    assertEquals(List.of("y", "x[0]"), f.header());
    assertEquals(2, f.rows().size());
    assertArrayEquals(new String[] {"1", "2,5"}, f.rows().get(0));
  }

  @Test
  void csvRejectsRaggedRows() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvFile.parse("t.csv", "a,b\n1,2\n3\n"));
    assertEquals("t.csv:3: 1 cells, but the header has 2", e.getMessage());
  }

  @Test
  void jsonDecodesEscapesAndIsStrict() {
    Map<String, Object> m = JsonTree.object("{\"\\u0079\": [1, 2.5e1, null, true, \"a\\nb\"]}");
    assertEquals(java.util.Arrays.asList(1.0, 25.0, null, true, "a\nb"), m.get("y"));
    assertThrows(IllegalArgumentException.class, () -> JsonTree.parse("{\"y\": 1.}"));
    assertThrows(IllegalArgumentException.class, () -> JsonTree.parse("{\"y\": 1} x"));
    assertThrows(IllegalArgumentException.class, () -> JsonTree.parse("{\"y\": 1, \"y\": 2}"));
  }
}
