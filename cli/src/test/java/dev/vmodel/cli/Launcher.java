package dev.vmodel.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real launcher, {@code bin/vmodel}, as a process from the repository root, the way a
 * user does after {@code mvn package}. The root comes from the {@code vmodel.root} system
 * property that failsafe sets (see cli/pom.xml).
 */
final class Launcher {
  private Launcher() {}

  /** What a run printed and how it exited. */
  record Run(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  static Path root() {
    String root = System.getProperty("vmodel.root");
    if (root == null) {
      throw new IllegalStateException("system property vmodel.root is not set; run these tests with `mvn verify`");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  /** The XDG cache home of the launched runs: cli/target/it-cache, shared by one test run. */
  static Path cacheHome() {
    return root().resolve("cli/target/it-cache");
  }

  static Run vmodel(String... args) throws IOException, InterruptedException {
    return vmodel(Map.of(), null, args);
  }

  /** Runs bin/vmodel with these environment variables set (JAVA_OPTS, VMODEL_OPTS). */
  static Run withEnv(Map<String, String> env, String... args) throws IOException, InterruptedException {
    return vmodel(env, null, args);
  }

  /** Runs bin/vmodel under this umask (octal, e.g. "022"), as a shell would. */
  static Run withUmask(String umask, String... args) throws IOException, InterruptedException {
    return vmodel(Map.of(), umask, args);
  }

  private static Run vmodel(Map<String, String> env, String umask, String... args)
      throws IOException, InterruptedException {
    Path root = root();
    List<String> command = new ArrayList<>(List.of("bash"));
    if (umask != null) {
      if (!umask.matches("[0-7]{3,4}")) {
        throw new IllegalArgumentException("not an octal umask: " + umask);
      }
      command.addAll(List.of("-c", "umask " + umask + " && exec bash \"$0\" \"$@\""));
    }
    command.add(root.resolve("bin/vmodel").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("vmodel-stdout", ".txt");
    Path err = Files.createTempFile("vmodel-stderr", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command)
          .directory(root.toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      // The launcher runs `java` from the PATH: make it the JVM running the tests.
      String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
      pb.environment().merge("PATH", javaBin, (old, bin) -> bin + File.pathSeparator + old);
      // Only what a test sets: the environment of the build must not change what the launcher runs.
      for (String name : List.of("JAVA_OPTS", "VMODEL_OPTS", "VMODEL_JAVA_OPTS")) {
        pb.environment().remove(name);
      }
      // The compiled-model cache of these runs lives in the build directory, never the user's.
      pb.environment().put("XDG_CACHE_HOME", cacheHome().toString());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("vmodel " + String.join(" ", args) + " did not finish in 120 s");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
