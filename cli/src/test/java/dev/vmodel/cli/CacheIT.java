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
 * The compiled-model cache through the real launcher: a second fit of the same model reads the
 * classes from the cache and prints the same posterior; {@code --no-cache} compiles again; a
 * damaged entry is rebuilt. Each test has a cache directory of its own.
 */
class CacheIT {
  @TempDir Path tmp;

  /** A copy of the coin model (the cache is keyed by the generated source, not the model file). */
  private Path freshCoin() throws Exception {
    Path model = tmp.resolve("coin.vmodel");
    Files.copy(Launcher.root().resolve("examples/coin.vmodel"), model, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return model;
  }

  /** A cache of this test's own, so that the first fit is a miss whatever other runs compiled. */
  private Run fit(Path model, String... more) throws Exception {
    String[] args = new String[5 + more.length];
    args[0] = "fit";
    args[1] = model.toString();
    args[2] = "--data";
    args[3] = Launcher.root().resolve("examples/data/coin.csv").toString();
    args[4] = "--timings";
    System.arraycopy(more, 0, args, 5, more.length);
    return Launcher.withEnv(java.util.Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString()), args);
  }

  @Test
  void theSecondFitReadsTheCompiledClassesFromTheCache() throws Exception {
    Path model = freshCoin();
    Run first = fit(model);
    assertEquals(0, first.exitCode(), first::toString);
    assertFalse(first.stderr().contains("from the cache"), first::toString);
    Run second = fit(model);
    assertEquals(0, second.exitCode(), second::toString);
    assertTrue(second.stderr().contains("javac") && second.stderr().contains("(from the cache)"), second::toString);
    assertEquals(first.stdout().replaceAll("in [0-9.]+ s", ""), second.stdout().replaceAll("in [0-9.]+ s", ""));
    Run bypass = fit(model, "--no-cache");
    assertEquals(0, bypass.exitCode(), bypass::toString);
    assertFalse(bypass.stderr().contains("from the cache"), bypass::toString);
  }

  @Test
  void aDamagedEntryIsRebuilt() throws Exception {
    Path model = freshCoin();
    Path dir = tmp.resolve("cache").resolve("vmodel");
    Run first = fit(model);
    assertEquals(0, first.exitCode(), first::toString);
    Path newest;
    try (var s = Files.list(dir)) {
      newest = s.max(java.util.Comparator.comparing(p -> p.toFile().lastModified())).orElseThrow();
    }
    Files.writeString(newest, "garbage");
    Run second = fit(model);
    assertEquals(0, second.exitCode(), second::toString);
    assertFalse(second.stderr().contains("from the cache"), second::toString);
    Run third = fit(model);
    assertTrue(third.stderr().contains("(from the cache)"), third::toString);
  }
}
