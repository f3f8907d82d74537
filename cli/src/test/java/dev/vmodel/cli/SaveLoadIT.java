package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.cli.Launcher.Run;
import dev.vmodel.compiler.codegen.ModelWriter;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.driver.InMemoryCompiler;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.fit.IncompatiblePosteriorException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code vmodel fit --out FILE} writes a posterior the generated class loads: its global
 * factors are bitwise what the command printed ({@code --format json}, 17 significant digits),
 * and a file edited to another model's source hash is refused naming both.
 */
class SaveLoadIT {
  @TempDir Path tmp;

  /** The example's generated class, compiled here as `vmodel fit` compiles it. */
  static Class<?> modelClass(String stem) throws Exception {
    Path file = Launcher.root().resolve("examples").resolve(stem + ".vmodel");
    Compiler.Result r = Compiler.plan(new SourceFile(file.toString(), Files.readString(file)));
    JavaFile java = ModelWriter.write(r.plans().get(0), Optional.of("vmodel.generated"));
    ClassLoader loader = InMemoryCompiler.compile(List.of(java), System.getProperty("java.class.path"),
        SaveLoadIT.class.getClassLoader());
    return loader.loadClass("vmodel.generated." + java.typeSpec().name());
  }

  static FitResult load(Class<?> model, Path file) throws Exception {
    try {
      return (FitResult) model.getMethod("load", Path.class).invoke(null, file);
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"coin", "poisson-gamma", "gaussian-mixture", "lda", "linear-regression"})
  void theFileOfFitOutLoadsWithTheGlobalsBitwise(String stem) throws Exception {
    Path out = tmp.resolve(stem + ".json");
    Run run = Launcher.vmodel("fit", "examples/" + stem + ".vmodel", "--quiet", "--iters", "200", "--out",
        out.toString(), "--format", "json");
    assertEquals(0, run.exitCode(), run::toString);
    Map<String, Object> printed = FitIT.Json.object(run.stdout());
    Map<String, Object> saved = FitIT.Json.object(Files.readString(out));
    printed.remove("seconds");
    assertEquals(printed, saved, "stdout is the file plus the fit's seconds");
    for (String field : List.of("model", "format", "sourceSha256", "vmodelVersion", "elbo", "iterations",
        "converged", "elboTrace", "sizes", "hypers", "factors")) {
      assertTrue(saved.containsKey(field), field + " in " + saved.keySet());
    }
    Class<?> model = modelClass(stem);
    assertEquals(model.getField("SOURCE_SHA256").get(null), saved.get("sourceSha256"));
    FitResult loaded = load(model, out);
    Map<?, ?> factors = (Map<?, ?>) saved.get("factors");
    assertTrue(!loaded.posteriors().isEmpty());
    for (Map.Entry<String, FitResult.Posterior> f : loaded.posteriors().entrySet()) {
      Map<?, ?> json = (Map<?, ?>) factors.get(f.getKey());
      assertTrue(json.containsKey("state"), f.getKey() + " is global and has its state saved");
      Map<?, ?> params = (Map<?, ?>) json.get("parameters");
      for (Map.Entry<String, double[]> p : f.getValue().parameters().entrySet()) {
        List<?> values = (List<?>) params.get(p.getKey());
        assertEquals(values.size(), p.getValue().length, f.getKey() + "." + p.getKey());
        for (int i = 0; i < values.size(); i++) {
          assertEquals(Double.doubleToRawLongBits((Double) values.get(i)), Double.doubleToRawLongBits(p.getValue()[i]),
              f.getKey() + "." + p.getKey() + "[" + i + "]");
        }
      }
    }
    for (Map.Entry<?, ?> f : factors.entrySet()) {
      boolean local = !((Map<?, ?>) f.getValue()).containsKey("state");
      assertEquals(local, !loaded.posteriors().containsKey((String) f.getKey()), "only the local factors are not loaded");
    }
    assertEquals((Double) saved.get("elbo"), loaded.elbo());
  }

  @Test
  void aFileEditedToAnotherModelsHashFails() throws Exception {
    Path out = tmp.resolve("coin.json");
    Run run = Launcher.vmodel("fit", "examples/coin.vmodel", "--quiet", "--out", out.toString());
    assertEquals(0, run.exitCode(), run::toString);
    Class<?> coin = modelClass("coin");
    String coinSha = (String) coin.getField("SOURCE_SHA256").get(null);
    String pgSha = (String) modelClass("poisson-gamma").getField("SOURCE_SHA256").get(null);
    Files.writeString(out, Files.readString(out).replace(coinSha, pgSha));
    IncompatiblePosteriorException e = assertThrows(IncompatiblePosteriorException.class, () -> load(coin, out));
    assertEquals(out + ":4:19: this posterior was saved from model Coin with source sha256 " + pgSha
        + ", but this class is model Coin with source sha256 " + coinSha + "; load it with the class generated from"
        + " the same model source, or fit this model again", e.getMessage());
  }
}
