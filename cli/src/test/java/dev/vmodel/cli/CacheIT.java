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
 * damaged entry is rebuilt. The runs' cache is cli/target/it-cache (see {@link Launcher}).
 */
class CacheIT {
  @TempDir Path tmp;

  /** The coin model under a comment no other run has, so that its first fit is a miss. */
  private Path freshCoin() throws Exception {
    String text = Files.readString(Launcher.root().resolve("examples/coin.vmodel"), StandardCharsets.UTF_8);
    Path model = tmp.resolve("coin.vmodel");
    Files.writeString(model, "// " + System.nanoTime() + "\n" + text, StandardCharsets.UTF_8);
    return model;
  }

  private static Run fit(Path model, String... more) throws Exception {
    String[] args = new String[5 + more.length];
    args[0] = "fit";
    args[1] = model.toString();
    args[2] = "--data";
    args[3] = Launcher.root().resolve("examples/data/coin.csv").toString();
    args[4] = "--timings";
    System.arraycopy(more, 0, args, 5, more.length);
    return Launcher.vmodel(args);
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
    Path dir = Launcher.cacheHome().resolve("vmodel");
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
