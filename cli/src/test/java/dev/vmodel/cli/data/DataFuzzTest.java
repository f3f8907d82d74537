package dev.vmodel.cli.data;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations of valid data files (truncation, random bytes, byte-order marks, quotes,
 * commas, line breaks, huge numbers, deep nesting, repeated pieces) read and bound as `vmodel fit`
 * does. Whatever the input, the only failure is a {@link DataError} naming the file, and the line
 * whenever the problem lies at a place in the file; an error about a value also names its column.
 */
class DataFuzzTest {
  private static final String MODEL = """
      model M {
        size N, D;
        data c[n in N]: count;
        data b[n in N]: bool;
        latent mu: vector[D] ~ MultiNormal(rep(0, D), identity(D));
        data x[n in N]: vector[D] ~ MultiNormal(mu, identity(D));
      }
      """;
  private static final List<String> CSV = List.of(
      "c,b,x[0],x[1],note\n1,0,0.5,-1.25,plain\n2,1,1e-3,2.5E+2,\"quoted, with comma\"\n0,1,,NaN,\"two\nlines\"\n",
      "\uFEFFx_0,x_1,c,b\r\n1,2,3,1\r\n4,5,6,0\r\n",
      "x0,c,x1,b\n.5,1,-.5,0\n\n7,2,8,1\n");
  private static final List<String> JSON = List.of(
      "{\"c\": [1, 2, 0], \"b\": [0, 1, 1], \"x\": [[0.5, -1.25], [1e-3, 2.5E+2], [null, 3]]}",
      "{\n  \"about\": {\"name\": \"fuzz\", \"tags\": [\"a\", [1, {\"k\": null}]]},\n  \"c\": [3,\n 4],\n"
          + "  \"b\": [1, 0], \"flag\": [true, false],\n  \"x[0]\": [1, 2], \"x[1]\": [-0.0, 1E10]\n}",
      "\uFEFF{\"\\u0063\": [1], \"b\": [1], \"x\": [[1, 2]]}");
  private static final String[] PIECES = {"\"", ",", "\n", "\r", "\r\n", "[", "]", "{", "}", ":", "null", "1e999",
      "-", ".", "e", "NaN", "\uFEFF", "\u0000", "\\", "\\u00", "x[0]", "x_1", "1".repeat(1200), "[".repeat(200),
      "9".repeat(400) + ".5", "\"c\": [1],", "0x1p1", "1.", "\t", " "};

  @TempDir Path tmp;

  @Test
  void csvMutations() throws Exception {
    fuzz(CSV, ".csv", 1500, 20260101L);
  }

  @Test
  void jsonMutations() throws Exception {
    fuzz(JSON, ".json", 1500, 20260102L);
  }

  private void fuzz(List<String> seeds, String ext, int cases, long seed) throws Exception {
    Compiler.Result r = Compiler.plan(new SourceFile("m.vmodel", MODEL));
    GeneratedApi api = GeneratedApi.of(r.plans().get(0), Optional.empty());
    Predicate<String> wanted = DataBinder.columnsOf(api);
    Random rnd = new Random(seed);
    int accepted = 0;
    for (int i = 0; i < cases; i++) {
      byte[] input = mutate(seeds.get(rnd.nextInt(seeds.size())).getBytes(StandardCharsets.UTF_8), rnd);
      Path f = tmp.resolve("case" + i + ext);
      Files.write(f, input);
      try {
        Table t = DataFiles.read(f, wanted);
        new DataBinder(api).arrays(List.of(t), Map.of());
        accepted++;
      } catch (DataError e) {
        check(e, f, input);
      } catch (Throwable e) {
        fail("case " + i + " (seed " + seed + "): " + e + " for input " + show(input), e);
      }
      Files.delete(f);
    }
    assertTrue(accepted > cases / 50, "the mutations should leave some files valid: " + accepted);
    assertTrue(accepted < cases - cases / 4, "most mutations should break the file: " + accepted);
  }

  private static void check(DataError e, Path f, byte[] input) {
    String m = e.render();
    String why = m + "\nfor input " + show(input);
    assertTrue(m.startsWith(f + ":") || m.startsWith(f + ": error: "), why);
    assertTrue(!m.contains("Exception") && !m.contains("jackson") && !m.contains("StreamReadConstraints"), why);
    boolean wholeFile = e.getMessage().startsWith("the file is empty") || e.getMessage().startsWith("no column for")
        || e.getMessage().startsWith("the data file has no rows") || e.getMessage().startsWith("the list '")
        || e.getMessage().startsWith("holds a single value");
    assertTrue(wholeFile || e.line() > 0, "no line: " + why);
    boolean aboutAValue = e.getMessage().matches(".*(is not a number|is not a finite number|is missing|is not an"
        + " integer|too large for a whole number|expected a number).*");
    assertTrue(!aboutAValue || e.column() != null, "no column: " + why);
  }

  private static byte[] mutate(byte[] in, Random rnd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(in);
    byte[] b = out.toByteArray();
    int steps = 1 + rnd.nextInt(3);
    for (int s = 0; s < steps; s++) {
      int at = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
      byte[] next;
      switch (rnd.nextInt(7)) {
        case 0 -> next = slice(b, 0, at); // truncate
        case 1 -> next = splice(b, at, 0, new byte[] {(byte) rnd.nextInt(256)}); // a random byte
        case 2 -> next = splice(b, at, Math.min(b.length - at, 1 + rnd.nextInt(3)), new byte[0]); // delete
        case 3 -> next = splice(b, at, 0, PIECES[rnd.nextInt(PIECES.length)].getBytes(StandardCharsets.UTF_8));
        case 4 -> next = splice(b, at, Math.min(b.length - at, 1), PIECES[rnd.nextInt(PIECES.length)]
            .getBytes(StandardCharsets.UTF_8)); // replace a byte
        case 5 -> next = splice(b, 0, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // a BOM
        default -> {
          int len = Math.min(b.length - at, rnd.nextInt(20));
          next = splice(b, at, 0, slice(b, at, at + len)); // repeat a piece
        }
      }
      b = next;
    }
    return b;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, at);
    out.writeBytes(insert);
    out.write(b, at + remove, b.length - at - remove);
    return out.toByteArray();
  }

  private static String show(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    return text.length() > 600 ? HexFormat.of().formatHex(input, 0, 300) + "..." : text.replace("\n", "\\n");
  }
}
