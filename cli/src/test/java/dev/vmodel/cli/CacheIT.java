package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.Launcher.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled-model cache and the launcher's class-data archive through the real launcher: a
 * second fit of the same model reads the classes from the cache by the model's text (generating
 * no Java source) and prints the same posterior as a fit that compiles; {@code --no-cache}
 * compiles again; an edited model is a miss; a damaged entry or archive is rebuilt, never
 * fatal. Each test has a cache directory of its own.
 */
class CacheIT {
  @TempDir Path tmp;

  /** A copy of the coin model, which the tests may edit. */
  private Path freshCoin() throws Exception {
    Path model = tmp.resolve("coin.vmodel");
    Files.copy(Launcher.root().resolve("examples/coin.vmodel"), model, StandardCopyOption.REPLACE_EXISTING);
    return model;
  }

  private Path cacheDir() {
    return tmp.resolve("cache").resolve("vmodel");
  }

  /** A cache of this test's own, so that the first fit is a miss whatever other runs compiled. */
  private Run run(Map<String, String> env, String... args) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    return Launcher.withEnv(all, args);
  }

  private Run fit(Path model, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("fit", model.toString(), "--data",
        Launcher.root().resolve("examples/data/coin.csv").toString(), "--timings"));
    args.addAll(List.of(more));
    return run(Map.of(), args.toArray(String[]::new));
  }

  /** The summary without the fit's time. */
  private static String posterior(Run r) {
    return r.stdout().replaceAll("in [0-9.]+ s", "").replaceAll("\"seconds\": [0-9.eE-]+", "");
  }

  private List<Path> files(Path dir, String suffix) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  @Test
  void theSecondFitReadsTheCompiledClassesFromTheCache() throws Exception {
    Path model = freshCoin();
    Run first = fit(model);
    assertEquals(0, first.exitCode(), first::toString);
    assertFalse(first.stderr().contains("from the cache"), first::toString);
    assertTrue(first.stderr().matches("(?s).*generation [0-9.]+ s; javac [0-9.]+ s;.*"), first::toString);
    Run second = fit(model);
    assertEquals(0, second.exitCode(), second::toString);
    assertTrue(second.stderr().contains("generation not needed; javac not needed (classes from the cache, "),
        second::toString);
    assertEquals(posterior(first), posterior(second));
    Run bypass = fit(model, "--no-cache");
    assertEquals(0, bypass.exitCode(), bypass::toString);
    assertFalse(bypass.stderr().contains("from the cache"), bypass::toString);
    assertEquals(posterior(first), posterior(bypass));
  }

  @Test
  void aFitFromTheCachePrintsWhatACompilingFitPrints() throws Exception {
    for (String name : List.of("gaussian-mixture", "eight-schools", "lda")) {
      Path model = Launcher.root().resolve("examples/" + name + ".vmodel");
      Run fresh = run(Map.of(), "fit", model.toString(), "--format", "json", "--no-cache", "--quiet");
      assertEquals(0, fresh.exitCode(), fresh::toString);
      Run store = run(Map.of(), "fit", model.toString(), "--format", "json", "--quiet");
      assertEquals(0, store.exitCode(), store::toString);
      Run cached = run(Map.of(), "fit", model.toString(), "--format", "json", "--quiet", "--timings");
      assertEquals(0, cached.exitCode(), cached::toString);
      assertTrue(cached.stderr().contains("generation not needed"), cached::toString);
      assertEquals(posterior(fresh), posterior(cached), name);
      assertEquals(posterior(fresh), posterior(store), name);
    }
  }

  @Test
  void anEditedModelIsAMiss() throws Exception {
    Path model = freshCoin();
    Run before = fit(model);
    assertEquals(0, before.exitCode(), before::toString);
    assertTrue(fit(model).stderr().contains("(classes from the cache"));
    // A new default for a hyper changes the generated class: it must be generated and compiled again.
    Files.writeString(model, Files.readString(model).replace("hyper a = 1;", "hyper a = 2;"));
    Run edited = fit(model);
    assertEquals(0, edited.exitCode(), edited::toString);
    assertFalse(edited.stderr().contains("from the cache"), edited::toString);
    assertFalse(edited.stderr().contains("generation not needed"), edited::toString);
    assertNotEquals(posterior(before), posterior(edited), "the edit changes the posterior");
    assertTrue(edited.stdout().contains("0.252427"), edited::toString); // Beta(26, 77): mean 26/103
    assertEquals(posterior(fit(model, "--no-cache")), posterior(edited));
    // A comment changes the model's text but not the generated class: generated again, compiled from the cache.
    Files.writeString(model, "// a comment\n" + Files.readString(model));
    Run commented = fit(model);
    assertEquals(0, commented.exitCode(), commented::toString);
    assertTrue(commented.stderr().matches("(?s).*generation [0-9.]+ s; javac not needed \\(classes from the cache.*"),
        commented::toString);
    assertEquals(posterior(edited), posterior(commented));
  }

  @Test
  void damagedEntriesAreRebuilt() throws Exception {
    Path model = freshCoin();
    Run first = fit(model);
    assertEquals(0, first.exitCode(), first::toString);
    List<Path> entries = files(cacheDir(), ".classes");
    assertEquals(2, entries.size(), "the classes by the generated source and by the model's text: " + entries);
    for (Path entry : entries) {
      byte[] b = Files.readAllBytes(entry);
      b[b.length / 2] ^= 1;
      Files.write(entry, b);
    }
    Run second = fit(model);
    assertEquals(0, second.exitCode(), second::toString);
    assertFalse(second.stderr().contains("from the cache"), second::toString);
    assertEquals(posterior(first), posterior(second));
    Run third = fit(model);
    assertTrue(third.stderr().contains("generation not needed; javac not needed (classes from the cache"),
        third::toString);
    // Only the entry by the model's text damaged: the source is generated again and its classes come
    // from the generated source's entry.
    int damaged = 0;
    for (Path entry : files(cacheDir(), ".classes")) {
      if (new String(Files.readAllBytes(entry), java.nio.charset.StandardCharsets.ISO_8859_1)
          .contains("vmodel model source")) {
        Files.write(entry, "garbage".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        damaged++;
      }
    }
    assertEquals(1, damaged);
    Run fourth = fit(model);
    assertEquals(0, fourth.exitCode(), fourth::toString);
    assertTrue(fourth.stderr().matches("(?s).*generation [0-9.]+ s; javac not needed \\(classes from the cache.*"),
        fourth::toString);
    assertEquals(posterior(first), posterior(fourth));
    assertTrue(fit(model).stderr().contains("generation not needed"), "rewritten");
  }

  @Test
  void theLauncherKeepsAClassDataArchivePerCommandAndSurvivesADamagedOne() throws Exception {
    Path cds = cacheDir().resolve("cds");
    Run first = run(Map.of(), "check", "examples/coin.vmodel");
    assertEquals(0, first.exitCode(), first::toString);
    List<Path> archives = files(cds, ".jsa");
    assertEquals(1, archives.size(), archives::toString);
    assertTrue(archives.get(0).getFileName().toString().startsWith("check-"), archives::toString);
    Run second = run(Map.of(), "check", "examples/coin.vmodel");
    // Nothing of the JVM's about the archive on either stream.
    assertEquals(first.toString(), second.toString());
    for (byte[] damaged : List.of(new byte[0], "not an archive".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        java.util.Arrays.copyOf(Files.readAllBytes(archives.get(0)), 100_000))) {
      Files.write(archives.get(0), damaged);
      Run fit = fit(freshCoin(), "--format", "json");
      Run check = run(Map.of(), "check", "examples/coin.vmodel");
      assertEquals(first.toString(), check.toString());
      assertEquals(0, fit.exitCode(), fit::toString);
      assertTrue(fit.stdout().startsWith("{") && fit.stdout().strip().endsWith("}"), fit::toString);
    }
    // The damaged archive was replaced by a whole one (its size is in its name).
    Path check = files(cds, ".jsa").stream().filter(p -> p.getFileName().toString().startsWith("check-"))
        .findFirst().orElseThrow();
    String name = check.getFileName().toString();
    assertEquals(Files.size(check), Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.length() - 4)), name);
    assertTrue(Files.size(check) > 100_000, name);
    assertTrue(files(cds, ".jsa").stream().anyMatch(p -> p.getFileName().toString().startsWith("fit-")));
    assertEquals(List.of(), files(cds, ".tmp"));
    try (Stream<Path> s = Files.list(cds)) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".new-")).toList(),
          "no temporary archive left");
    }
  }

  @Test
  void classDataSharingCanBeTurnedOff() throws Exception {
    Run off = run(Map.of("VMODEL_CDS", "off"), "check", "examples/coin.vmodel");
    assertEquals(0, off.exitCode(), off::toString);
    Run own = run(Map.of("VMODEL_OPTS", "-Xshare:off"), "check", "examples/coin.vmodel");
    assertEquals(0, own.exitCode(), own::toString);
    assertEquals(List.of(), files(cacheDir().resolve("cds"), ".jsa"));
  }
}
