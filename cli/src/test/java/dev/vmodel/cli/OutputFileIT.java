package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.Launcher.Run;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file a command writes (fit --out, explain -o, compile -o) goes through one writer that
 * never destroys a user's file (docs/cli.md, "Output files"): an input of the run is refused
 * however it is named, a FIFO or a device is written in place and never replaced, a directory
 * is refused, a failed write is an error, new files get the user's umask, and no temporary
 * file is ever left behind.
 */
class OutputFileIT {
  @TempDir Path tmp;

  private Path model;
  private Path data;

  @BeforeEach
  void copyTheCoinModel() throws IOException {
    model = tmp.resolve("coin.vmodel");
    data = tmp.resolve("coin.csv");
    Files.copy(Launcher.root().resolve("examples/coin.vmodel"), model);
    Files.copy(Launcher.root().resolve("examples/data/coin.csv"), data);
  }

  /** No temporary file of the writer is left anywhere a test wrote, whatever happened. */
  @AfterEach
  void noTemporaryFilesLeft() throws IOException {
    for (Path dir : List.of(tmp, Launcher.root())) {
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> left = files.filter(p -> p.getFileName().toString().startsWith(".vmodel-")).toList();
        assertEquals(List.of(), left, "temporary files left behind in " + dir);
      }
    }
  }

  private static void assertContains(String haystack, String needle, Run run) {
    assertTrue(haystack.contains(needle), () -> "expected to find\n" + needle + "\nin\n" + run);
  }

  private Run fit(String out) throws Exception {
    return Launcher.vmodel("fit", model.toString(), "--data", data.toString(), "--quiet", "--out", out);
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs of the run are never written

  @Test
  void fitRefusesToWriteOverTheModelFile() throws Exception {
    byte[] before = Files.readAllBytes(model);
    Run run = fit(model.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertContains(run.stderr(), model + ": error: is the model file of this run (" + model
        + "); writing to it would destroy it, so choose another file\n", run);
    assertArrayEquals(before, Files.readAllBytes(model), "the model file was changed");
  }

  @Test
  void theModelFileIsRecognisedUnderAnotherName() throws Exception {
    byte[] before = Files.readAllBytes(model);
    Path link = tmp.resolve("link.json");
    Files.createSymbolicLink(link, model);
    Path hard = tmp.resolve("hard.json");
    Files.createLink(hard, model);
    Path dotted = tmp.resolve(".").resolve("sub").resolve("..").resolve("coin.vmodel");
    Files.createDirectory(tmp.resolve("sub"));
    for (Path other : List.of(link, hard, dotted)) {
      Run run = fit(other.toString());
      assertEquals(1, run.exitCode(), run::toString);
      assertContains(run.stderr(), other + ": error: is the model file of this run", run);
    }
    assertArrayEquals(before, Files.readAllBytes(model), "the model file was changed");
    assertTrue(Files.isSymbolicLink(link), "the symbolic link was replaced");
  }

  @Test
  void fitRefusesToWriteOverADataFile() throws Exception {
    byte[] before = Files.readAllBytes(data);
    Run run = fit(data.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), data + ": error: is a data file of this run (" + data + ")", run);
    assertArrayEquals(before, Files.readAllBytes(data), "the data file was changed");
  }

  @Test
  void theBundledDataFileIsAnInputToo() throws Exception {
    Path bundled = tmp.resolve("data");
    Files.createDirectory(bundled);
    Files.copy(data, bundled.resolve("coin.csv"));
    byte[] before = Files.readAllBytes(bundled.resolve("coin.csv"));
    Run run = Launcher.vmodel("fit", model.toString(), "--out", bundled.resolve("coin.csv").toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), "error: is a data file of this run", run);
    assertArrayEquals(before, Files.readAllBytes(bundled.resolve("coin.csv")));
  }

  @Test
  void explainRefusesToWriteOverAModelFile() throws Exception {
    byte[] before = Files.readAllBytes(model);
    for (String flag : List.of("-o", "--out", "--output")) {
      Run run = Launcher.vmodel("explain", flag, model.toString(), model.toString());
      assertEquals(1, run.exitCode(), run::toString);
      assertEquals("", run.stdout(), run::toString);
      assertContains(run.stderr(), model + ": error: is a model file of this run", run);
    }
    assertArrayEquals(before, Files.readAllBytes(model), "the model file was changed");
  }

  @Test
  void compileRefusesToWriteOverAModelFile() throws Exception {
    // A model file named like the class it generates, compiled into its own directory.
    Path java = tmp.resolve("Coin.java");
    Files.copy(model, java);
    byte[] before = Files.readAllBytes(java);
    Run run = Launcher.vmodel("compile", java.toString(), "-o", tmp.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), java + ": error: is a model file of this run", run);
    assertArrayEquals(before, Files.readAllBytes(java), "the model file was changed");
  }

  // ---------------------------------------------------------------------------------------------
  // What is at the path: FIFOs and devices are written in place, directories refused

  @Test
  void aFifoIsWrittenInPlace() throws Exception {
    Path fifo = tmp.resolve("posterior.fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mk.waitFor(), "mkfifo failed");
    CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
      try (InputStream in = Files.newInputStream(fifo)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Run run;
    try {
      run = fit(fifo.toString());
    } finally {
      if (!reader.isDone()) {
        // unblock a reader still waiting for a writer, whatever vmodel did
        Files.newOutputStream(fifo).close();
      }
    }
    assertEquals(0, run.exitCode(), run::toString);
    String json = reader.get(30, TimeUnit.SECONDS);
    assertTrue(json.startsWith("{\n  \"model\": \"Coin\""), json);
    assertFalse(Files.isRegularFile(fifo), "the FIFO was replaced by a regular file");
    assertTrue(Files.exists(fifo), "the FIFO is gone");
  }

  @Test
  void devFullIsADiskFullError() throws Exception {
    Path full = Path.of("/dev/full");
    assertTrue(Files.exists(full), "this test needs /dev/full (Linux)");
    Run run = fit(full.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), "/dev/full: error: cannot write: No space left on device\n", run);
    assertFalse(Files.isRegularFile(full), "/dev/full was replaced by a regular file");
    Run explain = Launcher.vmodel("explain", "-o", "/dev/full", model.toString());
    assertEquals(1, explain.exitCode(), explain::toString);
    assertContains(explain.stderr(), "/dev/full: error: cannot write: No space left on device\n", explain);
  }

  @Test
  void devNullAndDevStdoutAreWrittenInPlace() throws Exception {
    Run run = fit("/dev/null");
    assertEquals(0, run.exitCode(), run::toString);
    assertFalse(Files.isRegularFile(Path.of("/dev/null")), "/dev/null was replaced by a regular file");
    // The launcher's stdout is a regular file here: /dev/stdout must append to it, not replace it.
    Run out = Launcher.vmodel("fit", model.toString(), "--data", data.toString(), "--out", "/dev/stdout");
    assertEquals(0, out.exitCode(), out::toString);
    assertTrue(out.stdout().startsWith("{\n  \"model\": \"Coin\""), out::toString);
    assertContains(out.stdout(), "q(p) ~ Beta", out);
  }

  @Test
  void aDirectoryIsRefused() throws Exception {
    Run run = fit(tmp.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), tmp + ": error: is a directory; give a file name to write the posterior to\n", run);
    Run explain = Launcher.vmodel("explain", "-o", tmp.toString(), model.toString());
    assertEquals(1, explain.exitCode(), explain::toString);
    assertContains(explain.stderr(),
        tmp + ": error: is a directory; give a file name to write the explanation to\n", explain);
  }

  @Test
  void aMissingDirectoryIsNamed() throws Exception {
    Path out = tmp.resolve("no/such/dir/posterior.json");
    Run run = fit(out.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), out + ": error: no such directory: " + out.getParent() + "\n", run);
  }

  // ---------------------------------------------------------------------------------------------
  // Permissions

  @Test
  void newFilesGetTheUsersUmask() throws Exception {
    Path out = tmp.resolve("posterior.json");
    Run run = Launcher.withUmask("022", "fit", model.toString(), "--data", data.toString(), "--quiet",
        "--out", out.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));

    Path md = tmp.resolve("coin.md");
    Run explain = Launcher.withUmask("027", "explain", "-o", md.toString(), model.toString());
    assertEquals(0, explain.exitCode(), explain::toString);
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(md)));
  }

  @Test
  void aReplacedFileKeepsItsPermissions() throws Exception {
    Path out = tmp.resolve("posterior.json");
    Files.writeString(out, "old");
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-rw-r--"));
    Run run = Launcher.withUmask("077", "fit", model.toString(), "--data", data.toString(), "--quiet",
        "--out", out.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(Files.readString(out).startsWith("{"), "not replaced");
    assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
  }

  @Test
  void aSymbolicLinkToAnOutputIsFollowedAndKept() throws Exception {
    Path real = tmp.resolve("real.json");
    Files.writeString(real, "old");
    Path link = tmp.resolve("link.json");
    Files.createSymbolicLink(link, real);
    Run run = fit(link.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
    assertTrue(Files.readString(real).startsWith("{"), "the link's target was not written");
  }

  /**
   * --out is written streamed: a posterior with 2 x 10^6 responsibilities (2 x 10^5 rows, K = 10;
   * 73 MB of JSON) is written under a 200 MB heap, where rendering it as one string first ran out
   * of memory (measured before the change: "out of memory while writing the results" at 250 MB;
   * streamed, it is written at 100 MB).
   */
  @Test
  void aPosteriorLargerThanTheHeapAllowsAsTextIsWritten() throws Exception {
    Path rows = tmp.resolve("points.csv");
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    StringBuilder csv = new StringBuilder("x[0],x[1],x[2],x[3],x[4],x[5],x[6],x[7],x[8],x[9]\n");
    for (int n = 0; n < 200_000; n++) {
      int c = rng.nextInt(10);
      for (int d = 0; d < 10; d++) {
        csv.append(d == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "%.4f", c + rng.nextGaussian()));
      }
      csv.append('\n');
    }
    Files.writeString(rows, csv);
    csv.setLength(0);
    Path out = tmp.resolve("fit.json");
    Run run = Launcher.withEnv(java.util.Map.of("VMODEL_OPTS", "-Xmx200m"), "fit",
        Launcher.root().resolve("examples/gaussian-mixture.vmodel").toString(), "--data", rows.toString(),
        "--set", "K=10", "--iters", "3", "--quiet", "--no-cache", "--out", out.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(Files.size(out) > 50_000_000, "size " + Files.size(out));
    String head;
    try (InputStream in = Files.newInputStream(out)) {
      head = new String(in.readNBytes(200), StandardCharsets.UTF_8);
    }
    assertTrue(head.startsWith("{\n  \"model\": \"GaussianMixture\""), head);
    byte[] tail = new byte[8];
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(out)) {
      ch.read(java.nio.ByteBuffer.wrap(tail), Files.size(out) - tail.length);
    }
    assertTrue(new String(tail, StandardCharsets.UTF_8).trim().endsWith("}"), new String(tail, StandardCharsets.UTF_8));
  }
}
