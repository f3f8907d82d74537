package dev.vmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.cli.Launcher.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end tests of {@code vmodel compile} through the real launcher: the output directory is
 * created, packages become folders, the written source compiles, nothing is written when a file
 * has errors, and {@code -o}, {@code --out} and {@code -d} are the same option.
 */
class CompileIT {
  @TempDir Path tmp;

  private static void assertContains(String haystack, String needle, Run run) {
    assertTrue(haystack.contains(needle), () -> "expected to find\n" + needle + "\nin\n" + run);
  }

  @Test
  void aModelWithoutAPackageGoesIntoANewDirectory() throws Exception {
    Path dir = tmp.resolve("new/generated");
    Run run = Launcher.vmodel("compile", "examples/coin.vmodel", "-o", dir.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.stdout(), run::toString);
    assertEquals("", run.stderr(), run::toString);
    Path java = dir.resolve("Coin.java");
    assertTrue(Files.isRegularFile(java), "no " + java);
    String source = Files.readString(java, StandardCharsets.UTF_8);
    assertTrue(source.contains("public final class Coin"), source);
    assertFalse(source.contains("\npackage "), source);
    // and it compiles against the runtime
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classpath = Launcher.root().resolve("cli/target/lib/vmodel-runtime-" + System.getProperty("vmodel.version")
        + ".jar").toString();
    int status = javac.run(null, null, null, "-cp", classpath, "-d", tmp.resolve("classes").toString(),
        java.toString());
    assertEquals(0, status, "the generated source does not compile");
  }

  @Test
  void thePackageBecomesFolders() throws Exception {
    Run run = Launcher.vmodel("compile", "examples/coin.vmodel", "--out", tmp.toString(), "--package", "org.example.m",
        "--verbose");
    assertEquals(0, run.exitCode(), run::toString);
    Path java = tmp.resolve("org/example/m/Coin.java");
    assertEquals("wrote " + java + "\n", run.stdout(), run::toString);
    assertTrue(Files.readString(java).contains("\npackage org.example.m;\n"), "no package line");
  }

  @Test
  void dashDIsTheSameOption() throws Exception {
    Run run = Launcher.vmodel("compile", "examples/coin.vmodel", "examples/lda.vmodel", "-d", tmp.toString());
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(Files.isRegularFile(tmp.resolve("Coin.java")));
    assertTrue(Files.isRegularFile(tmp.resolve("LDA.java")), () -> "no LDA.java in " + tmp);
  }

  @Test
  void nothingIsWrittenWhenAFileHasErrors() throws Exception {
    Path bad = tmp.resolve("bad.vmodel");
    Files.writeString(bad, "model Bad {\n  latent p: real ~ Beta(1, 1);\n}\n");
    Path dir = tmp.resolve("out");
    Run run = Launcher.vmodel("compile", "examples/coin.vmodel", bad.toString(), "-o", dir.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), bad + ":2:13: error[E020]", run);
    assertFalse(Files.exists(dir), "the output directory was created although nothing compiled");
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsAnError() throws Exception {
    Path file = tmp.resolve("file");
    Files.writeString(file, "not a directory");
    Run run = Launcher.vmodel("compile", "examples/coin.vmodel", "-o", file.toString());
    assertEquals(1, run.exitCode(), run::toString);
    assertContains(run.stderr(), file + ": error: exists and is not a directory", run);
    assertEquals("not a directory", Files.readString(file));
  }

  @Test
  void usageAndHelp() throws Exception {
    Run missing = Launcher.vmodel("compile", "examples/coin.vmodel");
    assertEquals(2, missing.exitCode(), missing::toString);
    assertContains(missing.stderr(), "vmodel: missing required option: '--out=OUTDIR'", missing);
    Run help = Launcher.vmodel("compile", "--help");
    assertEquals(0, help.exitCode(), help::toString);
    for (String name : List.of("-o, -d, --out=OUTDIR", "--package=P", "-v, --verbose")) {
      assertContains(help.stdout(), name, help);
    }
  }
}
