package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.Launcher.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data files end to end through bin/vmodel (issues 12 and 13): files as real tools write them
 * fit, and broken ones stop with exit 1, a located message, no stack trace and no --out file.
 */
class DataFilesIT {
  @TempDir Path tmp;

  private Path write(String name, byte[] bytes) throws Exception {
    Path f = tmp.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  private Path write(String name, String text) throws Exception {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private Run fit(String model, Path data) throws Exception {
    return Launcher.vmodel("fit", model, "--quiet", "--iters", "20", "--data", data.toString(), "--out",
        tmp.resolve("out.json").toString());
  }

  private void fails(String expected, String model, Path data) throws Exception {
    Run run = fit(model, data);
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains(expected), () -> "expected\n" + expected + "\nin\n" + run);
    assertFalse(run.stderr().contains("Exception") || run.stderr().contains("\tat "), run::toString);
    assertFalse(Files.exists(tmp.resolve("out.json")), run::toString);
  }

  @Test
  void excelCsvWithAByteOrderMarkAndExtraColumnsFits() throws Exception {
    byte[] body = "y,name,when\r\n1,ann,2024-01-02\r\n0,bob,\"Jan 3, 2024\"\r\n1,cy,x\r\n"
        .getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[body.length + 3];
    bytes[0] = (byte) 0xEF;
    bytes[1] = (byte) 0xBB;
    bytes[2] = (byte) 0xBF;
    System.arraycopy(body, 0, bytes, 3, body.length);
    Run run = fit("examples/coin.vmodel", write("excel.csv", bytes));
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.stderr(), run::toString);
  }

  @Test
  void upperCaseJsonWithEscapedKeysFits() throws Exception {
    Run run = fit("examples/coin.vmodel", write("COIN.JSON", "{\"\\u0079\": [1, 0, 1]}"));
    assertEquals(0, run.exitCode(), run::toString);
  }

  @Test
  void badNumbersAndBadJson() throws Exception {
    Path dot = write("dot.csv", "y\n1\n1.\n");
    fails(dot + ":3: error: column 'y': '1.' is not a number", "examples/coin.vmodel", dot);
    Path garbage = write("g.json", "{\"y\": [1, 0]} trailing");
    fails(garbage + ":1:15: error: unrecognized token 'trailing'", "examples/coin.vmodel", garbage);
    Path two = write("two.json", "{\"y\": [1, 0]}\n{\"y\": [1]}");
    fails(two + ":2: error: found an object '{' after the end of the JSON object", "examples/coin.vmodel", two);
    Path dup = write("dup.json", "{\"y\": [1, 0], \"y\": [1]}");
    fails(dup + ":1:18: error: key 'y' appears twice in the object", "examples/coin.vmodel", dup);
  }

  @Test
  void deepJsonIsALocatedError() throws Exception {
    Path deep = write("deep.json", "{\"y\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}");
    fails(deep + ":1: error: column 'y': entry 0 holds a list in a list", "examples/coin.vmodel", deep);
  }

  @Test
  void notUtf8NamesTheLine() throws Exception {
    Path latin = write("latin.csv", "y,name\n1,Jos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    fails(latin + ":2:6: error: not valid UTF-8 text (byte 0xe9); save the file as UTF-8", "examples/coin.vmodel",
        latin);
  }

  @Test
  void devZeroStopsAtTheLineLimit() throws Exception {
    Run run = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--data", "/dev/zero");
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().startsWith("/dev/zero:1: error: line 1 is longer than 8388608 characters"), run::toString);
  }

  @Test
  void gapsAndMixedNamesInVectorColumns() throws Exception {
    Path gap = write("gap.csv", "x[0],x[2]\n1,2\n3,4\n");
    fails(gap + ":1: error: data 'x' has columns x[0], x[2] but no 'x[1]'", "examples/gaussian-mixture.vmodel", gap);
    Path mix = write("mix.csv", "x[0],x_1\n1,2\n3,4\n");
    fails(mix + ":1: error: the columns of data 'x' are named in two ways, 'x[0]' and 'x_1'",
        "examples/gaussian-mixture.vmodel", mix);
  }

  @Test
  void countsAgainstTheirTrials() throws Exception {
    Path bb = write("bb.csv", "trials,y\n10,3\n8,9\n");
    fails(bb + ":3: error: column 'y': 9 successes is more than the 8 trials of this row ('trials')",
        "examples/beta-binomial.vmodel", bb);
    Path dm = write("dm.csv", "trials,counts[0],counts[1]\n4,2,2\n4,5,-1\n");
    fails(dm + ":3: error: column 'counts[1]': -1.0 is not a count", "examples/dirichlet-multinomial.vmodel", dm);
    Path frac = write("frac.csv", "trials,counts[0],counts[1]\n4,2.5,1.5\n");
    fails(frac + ":2: error: column 'counts[0]': 2.5 is not a count", "examples/dirichlet-multinomial.vmodel", frac);
    Path sum = write("sum.csv", "trials,counts[0],counts[1]\n4,2,1\n");
    fails(sum + ":2: error: the counts counts[0] ... counts[1] add up to 3, but the trials of this row ('trials') are 4",
        "examples/dirichlet-multinomial.vmodel", sum);
  }

  @Test
  void unreadableFileSaysWhy() throws Exception {
    fails(tmp + ": error: is a directory, not a data file", "examples/coin.vmodel", tmp);
  }
}
