package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.driver.VmodelVersion;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.fit.IncompatiblePosteriorException;
import dev.vmodel.runtime.fit.PosteriorFileException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated {@code Result.save} and {@code Model.load}: fit an example, save it, load it in
 * a class loader of its own (a fresh compilation of the generated class), and the loaded
 * posterior's global factors are bitwise the fitted ones; its local factors are an error; a file
 * of another model's source is refused naming both hashes.
 */
class SaveLoadTest {
  static final FitOptions OPTIONS = FitOptions.defaults().withSeed(3).withMaxIterations(300).withThreads(1);

  /** The example's class compiled on its own, in a class loader no other test shares. */
  static Class<?> freshClass(String stem) {
    Examples.Generated g = Examples.example(stem);
    try {
      return Examples.compile(List.of(g)).loadClass(g.className());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  static FitResult fit(String stem) {
    Class<?> c = Examples.exampleClass(stem);
    return Harness.of(c).fit(Table.read(Examples.data(stem, ".csv")), OPTIONS);
  }

  static String save(FitResult r) {
    StringWriter w = new StringWriter();
    Harness.call(r, "save", w);
    return w.toString();
  }

  /** The generated static {@code load(Reader)} or {@code load(Path)}, throwing what it throws. */
  static FitResult load(Class<?> model, Object from) throws Exception {
    try {
      return (FitResult) model.getMethod("load", from instanceof Path ? Path.class : java.io.Reader.class)
          .invoke(null, from);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  static void assertBitwise(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
        throw new AssertionError(what + " entry " + i + ": fitted " + expected[i] + ", loaded " + actual[i]);
      }
    }
  }

  /** The factors of the model that are global (not one per row), from the generated plan. */
  static Set<String> globals(String stem) {
    Set<String> out = new LinkedHashSet<>();
    Examples.example(stem).plan().updates().stream().filter(u -> !u.local()).forEach(u -> out.add(u.factor().name()));
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"coin", "poisson-gamma", "gaussian-mixture", "lda", "linear-regression", "eight-schools",
      "ppca", "dirichlet-multinomial"})
  void loadedGlobalsAreBitwiseTheFittedOnes(String stem) throws Exception {
    FitResult fitted = fit(stem);
    String text = save(fitted);
    Class<?> fresh = freshClass(stem);
    assertNotSame(Examples.exampleClass(stem), fresh, "a class loader of its own");
    FitResult loaded = load(fresh, new StringReader(text));
    assertEquals(globals(stem), loaded.posteriors().keySet(), "the loaded posterior has exactly the global factors");
    assertTrue(!globals(stem).isEmpty());
    for (String f : globals(stem)) {
      FitResult.Posterior a = fitted.posteriors().get(f);
      FitResult.Posterior b = loaded.posteriors().get(f);
      assertEquals(a.family(), b.family(), f);
      assertEquals(a.elements(), b.elements(), f);
      assertEquals(a.parameters().keySet(), b.parameters().keySet(), f);
      for (Map.Entry<String, double[]> p : a.parameters().entrySet()) {
        assertBitwise(p.getValue(), b.parameters().get(p.getKey()), "q(" + f + ")." + p.getKey());
      }
      assertBitwise(a.mean(), b.mean(), "q(" + f + ") mean");
      assertBitwise(a.sd(), b.sd(), "q(" + f + ") sd");
    }
    assertEquals(Double.doubleToRawLongBits(fitted.elbo()), Double.doubleToRawLongBits(loaded.elbo()));
    assertBitwise(fitted.elboTrace(), loaded.elboTrace(), "ELBO trace");
    assertEquals(fitted.iterations(), loaded.iterations());
    assertEquals(fitted.converged(), loaded.converged());
    // Saved again, the loaded posterior's globals are the same text.
    String again = save(loaded);
    for (String f : globals(stem)) {
      assertEquals(stateOf(text, f), stateOf(again, f), "q(" + f + ")'s state saved again");
    }
  }

  /** The text of factor {@code f}'s "state" object in a saved posterior. */
  static String stateOf(String text, String f) {
    int at = text.indexOf("\n    \"" + f + "\": {");
    int state = text.indexOf("\"state\": {", at);
    int end = text.indexOf("\n      }", state);
    assertTrue(at >= 0 && state >= 0 && end >= 0, "no state of " + f + " in\n" + text);
    return text.substring(state, end);
  }

  @Test
  void localFactorsOfALoadedPosteriorAreAnErrorNotANull() throws Exception {
    String text = save(fit("gaussian-mixture"));
    Class<?> c = Examples.exampleClass("gaussian-mixture");
    Object loaded = load(c, new StringReader(text));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Harness.call(loaded, "z", 0));
    assertEquals("q(z) is a local factor, and this posterior was loaded without its local factors: a saved posterior"
        + " holds the global factors only; fit the data again to get them", e.getMessage());
    assertEquals(Integer.valueOf(0), Harness.call(loaded, "sizeN"), "no rows");
    assertEquals(Integer.valueOf(6), Harness.call(loaded, "sizeK"));
    // the typed accessors of the globals work
    Harness.call(loaded, "muLambda", 5);
    Harness.call(loaded, "pi");
    // LDA's theta (per document) is global in its plan, and saved; its z (per token) is local
    Object lda = load(Examples.exampleClass("lda"), new StringReader(save(fit("lda"))));
    Harness.call(lda, "theta", 0);
    assertThrows(IllegalStateException.class, () -> Harness.call(lda, "z", 0));
    Object ppca = load(Examples.exampleClass("ppca"), new StringReader(save(fit("ppca"))));
    assertThrows(IllegalStateException.class, () -> Harness.call(ppca, "h", 0));
    IllegalStateException x = assertThrows(IllegalStateException.class, () -> Harness.call(ppca, "predictX", 0, 0));
    assertEquals("the reconstruction of x needs the data, and this posterior was loaded without its rows",
        x.getMessage());
  }

  @Test
  void aPosteriorOfAnotherModelsSourceIsRefusedNamingBothHashes() throws Exception {
    String text = save(fit("poisson-gamma"));
    Class<?> coin = Examples.exampleClass("coin");
    Class<?> pg = Examples.exampleClass("poisson-gamma");
    String coinSha = (String) coin.getField("SOURCE_SHA256").get(null);
    String pgSha = (String) pg.getField("SOURCE_SHA256").get(null);
    // the Poisson-Gamma posterior loaded as a Coin
    IncompatiblePosteriorException other = assertThrows(IncompatiblePosteriorException.class,
        () -> load(coin, new StringReader(text)));
    assertEquals("the saved posterior:4:19: this posterior was saved from model PoissonGamma with source sha256 "
        + pgSha + ", but this class is model Coin with source sha256 " + coinSha + "; load it with the class"
        + " generated from the same model source, or fit this model again", other.getMessage());
    // the file edited to another model's source hash
    String edited = text.replace(pgSha, coinSha);
    IncompatiblePosteriorException hash = assertThrows(IncompatiblePosteriorException.class,
        () -> load(pg, new StringReader(edited)));
    assertEquals("the saved posterior:4:19: this posterior was saved from model PoissonGamma with source sha256 "
        + coinSha + ", but this class is model PoissonGamma with source sha256 " + pgSha + "; load it with the"
        + " class generated from the same model source, or fit this model again", hash.getMessage());
  }

  @Test
  void aVersionDifferenceIsAcceptedALayoutDifferenceIsNot() throws Exception {
    String text = save(fit("coin"));
    Class<?> coin = Examples.exampleClass("coin");
    String older = text.replaceFirst("\"vmodelVersion\": \"[^\"]*\"", "\"vmodelVersion\": \"0.0.1\"");
    FitResult r = load(coin, new StringReader(older));
    assertBitwise(fit("coin").posteriors().get("p").parameters().get("a"), r.posteriors().get("p").parameters().get("a"),
        "q(p).a");
    String shorter = text.replace("\"lnx\": [", "\"lnx\": [1.0, ");
    PosteriorFileException e = assertThrows(PosteriorFileException.class,
        () -> load(coin, new StringReader(shorter)));
    assertTrue(e.getMessage().matches("the saved posterior:\\d+:18: factors\\.p\\.state\\.moments\\.lnx has 2"
        + " entries, but 1 are expected for the sizes in \"sizes\""), e.getMessage());
  }

  @Test
  void saveAndLoadAPath(@TempDir Path dir) throws Exception {
    FitResult r = fit("linear-regression");
    Path file = dir.resolve("fit.json");
    Harness.call(r, "save", file);
    assertEquals(save(r), Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left");
    }
    FitResult loaded = load(Examples.exampleClass("linear-regression"), file);
    assertBitwise(r.posteriors().get("w").mean(), loaded.posteriors().get("w").mean(), "E[w]");
    Path missing = dir.resolve("none.json");
    assertInstanceOf(java.nio.file.NoSuchFileException.class, assertThrows(IOException.class,
        () -> load(Examples.exampleClass("linear-regression"), missing)));
  }

  @Test
  void theVersionConstantIsTheBuildsVersion() throws Exception {
    String v = (String) Examples.exampleClass("coin").getField("VMODEL_VERSION").get(null);
    assertEquals(VmodelVersion.get(), v);
    assertTrue(v.matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?"), "a Maven version, not " + v);
  }
}
