package dev.vmodel.runtime.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosteriorFileTest {
  static final String SHA = "ab".repeat(32);
  static final String OTHER_SHA = "ef".repeat(32);

  /** Doubles whose text is easy to get wrong: signed zeros, subnormals, extremes, non-finite. */
  static final double[] HARD = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
      Math.nextDown(Double.MIN_NORMAL), 2.2250738585072011e-308, Double.MAX_VALUE, -Double.MAX_VALUE, 1e23, 2e23,
      5e-324 * 3, 0.1, 1.0 / 3, 25.0, 1e16, 1e-5, 123456789012345678.0, Math.PI, Math.nextUp(1.0),
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 4.35e-311, -7.2e-320};

  /** A fit with one global factor (p: a Beta) and one local factor (z: Categorical) that has no state. */
  static FitResult fit(double[] a, double[] b, double[] z) {
    return new FitResult() {
      @Override
      public double elbo() {
        return -57.34863112428286;
      }

      @Override
      public double[] elboTrace() {
        return new double[] {-60.5, -57.34863112428286};
      }

      @Override
      public int iterations() {
        return 2;
      }

      @Override
      public boolean converged() {
        return true;
      }

      @Override
      public Map<String, Posterior> posteriors() {
        Map<String, Posterior> m = new LinkedHashMap<>();
        Map<String, double[]> pp = new LinkedHashMap<>();
        pp.put("a", a);
        pp.put("b", b);
        m.put("p", new Posterior("Beta", a.length, pp, a, new double[0]));
        m.put("z", new Posterior("Categorical", z.length / 2, Map.of("p", z), z, new double[0]));
        return m;
      }
    };
  }

  static PosteriorFile.Contents contents(double[] a, double[] b, double[] lnx) {
    return new PosteriorFile.Contents("Coin", SHA, "9.9.9", fit(a, b, new double[] {0.25, 0.75}))
        .size("N", 1).size("K", a.length).hyper("a0", 1.0).hyper("m0", new double[] {-0.0, Double.MIN_VALUE})
        .state("p", "params", "a", a).state("p", "params", "b", b).state("p", "moments", "lnx", lnx);
  }

  static String write(PosteriorFile.Contents c) throws IOException {
    StringWriter w = new StringWriter();
    PosteriorFile.write(c, w);
    return w.toString();
  }

  static PosteriorFile read(String text) throws IOException {
    return PosteriorFile.read(new StringReader(text), "fit.json");
  }

  static void assertBitwise(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
          "entry " + i + ": " + expected[i] + " read back as " + actual[i]);
    }
  }

  @Test
  void everyHardDoubleRoundTripsBitwise() throws IOException {
    double[] b = new double[HARD.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = -HARD[HARD.length - 1 - i];
    }
    String text = write(contents(HARD, b, HARD));
    PosteriorFile f = read(text);
    f.requireSource("Coin", SHA);
    assertBitwise(HARD, f.state("p", "Beta", HARD.length, "params", "a", HARD.length));
    assertBitwise(b, f.state("p", "Beta", HARD.length, "params", "b", HARD.length));
    assertBitwise(HARD, f.state("p", "Beta", HARD.length, "moments", "lnx", HARD.length));
    f.finish();
    assertBitwise(new double[] {-0.0, Double.MIN_VALUE}, f.hyper("m0", 2));
    assertEquals(1.0, f.hyper("a0"));
    assertEquals(HARD.length, f.size("K"));
    assertEquals(-57.34863112428286, f.elbo());
    assertArrayEquals(new double[] {-60.5, -57.34863112428286}, f.elboTrace());
    assertEquals(2, f.iterations());
    assertTrue(f.converged());
    assertEquals("9.9.9", f.vmodelVersion());
    assertEquals(PosteriorFile.FORMAT, f.format());
  }

  @Test
  void randomAndLargeArraysRoundTripBitwise() throws IOException {
    SplittableRandom rng = new SplittableRandom(14);
    int n = 200_000;
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = Double.longBitsToDouble(rng.nextLong()); // every bit pattern, including NaNs...
      if (Double.isNaN(a[i])) {
        a[i] = Double.NaN; // ...of which only the canonical NaN can be saved
      }
      b[i] = rng.nextDouble() * Math.pow(10, rng.nextInt(-300, 300));
    }
    PosteriorFile f = read(write(contents(a, b, b)));
    assertBitwise(a, f.state("p", "Beta", n, "params", "a", n));
    assertBitwise(b, f.state("p", "Beta", n, "params", "b", n));
  }

  @Test
  void displayFieldsKeepTheFormerLayoutAndNullForNonFinite() throws IOException {
    String text = write(contents(new double[] {25}, new double[] {Double.NaN}, new double[] {-0.5}));
    assertTrue(text.startsWith("{\n  \"model\": \"Coin\",\n  \"format\": 1,\n"), text);
    assertTrue(text.contains("\"parameters\": {\n        \"a\": [25.0],\n        \"b\": [null]\n      },"), text);
    assertTrue(text.contains("\"state\": {\n        \"params\": {\n          \"a\": [25.0],\n          \"b\": [\"NaN\"]"),
        text);
    assertTrue(text.contains("\"m0\": [-0.0, 4.9e-324]"), text);
    assertTrue(text.endsWith("}\n"), text);
    // the local factor has display fields but no state
    assertTrue(text.contains("\"z\": {\n      \"family\": \"Categorical\",\n      \"elements\": 1,"), text);
    assertEquals(1, text.split("\"state\"", -1).length - 1, text);
  }

  @Test
  void numbersHaveSeventeenSignificantDigitsAndAPointOrExponent() {
    assertEquals("0.1", PosteriorFile.number(0.1));
    assertEquals("0.30000000000000004", PosteriorFile.number(0.1 + 0.2));
    assertEquals("25.0", PosteriorFile.number(25));
    assertEquals("-0.0", PosteriorFile.number(-0.0));
    assertEquals("4.9e-324", PosteriorFile.number(Double.MIN_VALUE));
    assertEquals(1e23, Double.parseDouble(PosteriorFile.number(1e23)));
    assertEquals("1.0e+300", PosteriorFile.number(1e300));
    assertEquals("NaN:0x7ff0000000000001", PosteriorFile.exactText(Double.longBitsToDouble(0x7ff0000000000001L)));
  }

  @Test
  void nanPayloadsRoundTripToo() throws IOException {
    double odd = Double.longBitsToDouble(0x7ff8000000000001L);
    double negative = Double.longBitsToDouble(0xfff8000000000000L);
    String text = write(contents(new double[] {odd, negative, Double.NaN}, new double[] {1, 2, 3},
        new double[] {1, 2, 3}));
    assertTrue(text.contains("\"a\": [\"NaN:0x7ff8000000000001\", \"NaN:0xfff8000000000000\", \"NaN\"]"), text);
    assertBitwise(new double[] {odd, negative, Double.NaN}, read(text).state("p", "Beta", 3, "params", "a", 3));
  }

  @Test
  void writingAPathIsAtomicAndReplaces(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("fit.json");
    Files.writeString(target, "old");
    PosteriorFile.write(contents(new double[] {3}, new double[] {4}, new double[] {5}), target);
    assertBitwise(new double[] {3}, PosteriorFile.read(target).state("p", "Beta", 1, "params", "a", 1));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList(), "no temporary file left");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Every malformed file: the message names the file, line:column and what is wrong.

  static String good() throws IOException {
    return write(contents(new double[] {25, 26}, new double[] {77, 78}, new double[] {-1, -2}));
  }

  static PosteriorFileException fails(String text, Check check) {
    return assertThrows(PosteriorFileException.class, () -> check.run(read(text)));
  }

  interface Check {
    void run(PosteriorFile f) throws IOException;
  }

  static final Check LOAD = f -> {
    f.requireSource("Coin", SHA);
    int k = f.size("K");
    f.hyper("a0");
    f.hyper("m0", 2);
    f.state("p", "Beta", k, "params", "a", k);
    f.state("p", "Beta", k, "params", "b", k);
    f.state("p", "Beta", k, "moments", "lnx", k);
    f.finish();
    f.elbo();
    f.elboTrace();
    f.converged();
  };

  @Test
  void theGoodFileLoads() throws IOException {
    LOAD.run(read(good()));
  }

  @Test
  void notJson() {
    PosteriorFileException e = fails("{\"model\": \"Coin\",\n  \"format\": 1,,}", LOAD);
    assertTrue(e.getMessage().startsWith("fit.json:2:15: not valid JSON: "), e.getMessage());
    assertEquals("fit.json: the file is empty, not a saved posterior", fails("", LOAD).getMessage());
    assertEquals("fit.json:1:1: a saved posterior is a JSON object, found an array", fails("[1]", LOAD).getMessage());
    assertEquals("fit.json:1:4: found an object after the end of the JSON object", fails("{}\n{}", LOAD)
        .getMessage().replace(":2:1:", ":1:4:"));
    PosteriorFileException dup = fails("{\"model\": \"A\", \"model\": \"B\"}", LOAD);
    assertTrue(dup.getMessage().startsWith("fit.json:1:"), dup.getMessage());
    assertTrue(dup.getMessage().contains("Duplicate field 'model'"), dup.getMessage());
  }

  @Test
  void anotherModelsSourceNamesBothHashes() throws IOException {
    String text = good().replace(SHA, OTHER_SHA);
    PosteriorFileException e = fails(text, LOAD);
    assertTrue(e instanceof IncompatiblePosteriorException, e.toString());
    assertEquals("fit.json:4:19: this posterior was saved from model Coin with source sha256 " + OTHER_SHA
        + ", but this class is model Coin with source sha256 " + SHA + "; load it with the class generated from"
        + " the same model source, or fit this model again", e.getMessage());
    PosteriorFileException name = fails(good().replace("\"model\": \"Coin\"", "\"model\": \"Dice\""), LOAD);
    assertTrue(name.getMessage().startsWith("fit.json:2:12: this posterior was saved from model Dice with source"
        + " sha256 " + SHA + ", but this class is model Coin"), name.getMessage());
  }

  @Test
  void missingFields() throws IOException {
    assertEquals("fit.json:1:1: missing field \"format\": this is not a posterior saved by Result.save or vmodel"
        + " fit --out of this vmodel version (an older file has no state to load); fit the model again",
        fails(good().replace("  \"format\": 1,\n", ""), LOAD).getMessage());
    assertEquals("fit.json:1:1: missing field \"sourceSha256\"",
        fails(good().replaceFirst("  \"sourceSha256\": \"[0-9a-f]+\",\n", ""), LOAD).getMessage());
    assertEquals("fit.json:1:1: missing field \"sizes\"",
        fails(good().replaceFirst("(?s)  \"sizes\": \\{.*?\\},\n", ""), LOAD).getMessage());
    PosteriorFileException k = fails(good().replace("    \"K\": 2\n", "").replace("\"N\": 1,", "\"N\": 1"), LOAD);
    assertTrue(k.getMessage().matches("fit\\.json:\\d+:12: sizes: missing field \"K\""), k.getMessage());
    PosteriorFileException state = fails(good().replaceFirst(",\n      \"state\": \\{(?s).*?\n      \\}\n", "\n"),
        LOAD);
    assertTrue(state.getMessage().matches("fit\\.json:\\d+:10: factors\\.p: missing field \"state\""),
        state.getMessage());
    PosteriorFileException array = fails(good().replaceFirst("          \"b\": \\[78.0\\],\n", "")
        .replace("\"a\": [25.0, 26.0],\n          \"b\"", "\"a\": [25.0, 26.0],\n          \"c\""), LOAD);
    assertTrue(array.getMessage().matches("fit\\.json:\\d+:\\d+: factors\\.p\\.state\\.params: missing field \"b\""),
        array.getMessage());
  }

  @Test
  void wrongLengthWrongFamilyWrongType() throws IOException {
    PosteriorFileException len = fails(good().replace("\"lnx\": [-1.0, -2.0]", "\"lnx\": [-1.0]"), LOAD);
    assertTrue(len.getMessage().matches("fit\\.json:\\d+:18: factors\\.p\\.state\\.moments\\.lnx has 1 entries, but"
        + " 2 are expected for the sizes in \"sizes\""), len.getMessage());
    PosteriorFileException family = fails(good().replace("\"family\": \"Beta\"", "\"family\": \"Gamma\""), LOAD);
    assertTrue(family.getMessage().matches("fit\\.json:\\d+:17: factors\\.p\\.family is Gamma, but q\\(p\\) of this"
        + " model is Beta"), family.getMessage());
    PosteriorFileException size = fails(good().replace("\"K\": 2", "\"K\": 3"), LOAD);
    assertTrue(size.getMessage().matches("fit\\.json:\\d+:19: factors\\.p\\.elements is 2, but q\\(p\\) has 3"
        + " elements for the sizes in \"sizes\""), size.getMessage());
    PosteriorFileException negative = fails(good().replace("\"K\": 2", "\"K\": -2"), LOAD);
    assertTrue(negative.getMessage().matches("fit\\.json:\\d+:10: sizes\\.K must be from 0 to 2147483647, found -2"),
        negative.getMessage());
    PosteriorFileException frac = fails(good().replace("\"K\": 2", "\"K\": 2.5"), LOAD);
    assertTrue(frac.getMessage().matches("fit\\.json:\\d+:10: sizes\\.K must be a whole number, found 2\\.5"),
        frac.getMessage());
    PosteriorFileException nul = fails(good().replace("\"lnx\": [-1.0, -2.0]", "\"lnx\": [-1.0, null]"), LOAD);
    assertTrue(nul.getMessage().matches("fit\\.json:\\d+:25: factors\\.p\\.state\\.moments\\.lnx entry 1 is null;"
        + " this array holds every value exactly \\(non-finite ones as the strings \"NaN\", \"Infinity\","
        + " \"-Infinity\"\\)"), nul.getMessage());
    PosteriorFileException str = fails(good().replace("\"lnx\": [-1.0, -2.0]", "\"lnx\": [-1.0, \"x\"]"), LOAD);
    assertTrue(str.getMessage().matches("fit\\.json:\\d+:25: factors\\.p\\.state\\.moments\\.lnx must hold numbers"
        + " only \\(non-finite ones as the strings \"NaN\", \"Infinity\", \"-Infinity\"\\), found the string \"x\""), str.getMessage());
    PosteriorFileException hyper = fails(good().replace("\"m0\": [-0.0, 4.9e-324]", "\"m0\": 1.0"),
        LOAD);
    assertTrue(hyper.getMessage().matches("fit\\.json:\\d+:11: hypers\\.m0 must be an array of numbers, found 1\\.0"),
        hyper.getMessage());
    PosteriorFileException conv = fails(good().replace("\"converged\": true", "\"converged\": \"yes\""), LOAD);
    assertEquals("fit.json:8:16: \"converged\" must be true or false, found the string \"yes\"", conv.getMessage());
    PosteriorFileException trace = fails(good().replace("\"iterations\": 2", "\"iterations\": 3"), LOAD);
    assertTrue(trace.getMessage().matches("fit\\.json:9:16: \"elboTrace\" has 2 entries, but \"iterations\" is 3"),
        trace.getMessage());
  }

  @Test
  void anUnknownStateArrayOrANewerFormatIsRefused() throws IOException {
    PosteriorFileException extra = fails(good().replace("\"lnx\": [-1.0, -2.0]", "\"lnx\": [-1.0, -2.0],\n"
        + "          \"x\": [0.5, 0.5]"), LOAD);
    assertTrue(extra.getMessage().matches("fit\\.json:\\d+:16: factors\\.p\\.state\\.moments\\.x: this model has no"
        + " such state array \\(q\\(p\\) stores other arrays\\)"), extra.getMessage());
    PosteriorFileException newer = fails(good().replace("\"format\": 1", "\"format\": 2"), LOAD);
    assertEquals("fit.json:3:13: this posterior has file format 2, newer than the format 1 this vmodel reads; load it"
        + " with the vmodel version that saved it (9.9.9) or a newer one", newer.getMessage());
    assertFalse(newer instanceof IncompatiblePosteriorException);
  }

  @Test
  void aFileThatIsNotUtf8(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.json");
    Files.write(f, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
    PosteriorFileException e = assertThrows(PosteriorFileException.class, () -> PosteriorFile.read(f));
    assertEquals(f + ": not a saved posterior: the file is not UTF-8 text", e.getMessage());
  }
}
