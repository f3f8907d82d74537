package dev.vmodel.maven;

import static dev.vmodel.maven.TestModels.BAD_COIN;
import static dev.vmodel.maven.TestModels.COIN;
import static dev.vmodel.maven.TestModels.COIN_WITH_UNUSED_HYPER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check goal's core: finding models, running the front end, failing on errors. */
class VModelCheckMojoTest {
  @TempDir Path project;

  private final RecordingLog log = new RecordingLog();

  private Path sources() {
    return project.resolve("src/main/vmodel");
  }

  private Path write(String relative, String text) throws IOException {
    return TestModels.write(sources(), relative, text);
  }

  private VModelCheckMojo mojo() {
    VModelCheckMojo mojo = new VModelCheckMojo();
    mojo.sourceDirectory = sources().toFile();
    mojo.setLog(log);
    return mojo;
  }

  @Test
  void findsEveryVModelFileBelowTheSourceDirectoryInOrder() throws Exception {
    Path b = write("b/coin.vmodel", COIN);
    Path a = write("a.vmodel", COIN);
    write("notes.txt", "not a model");
    write("c/readme.md", "not a model");
    assertEquals(List.of(a, b), ModelFiles.find(sources()));
  }

  @Test
  void aMissingSourceDirectoryHasNoModelsAndPasses() throws Exception {
    assertEquals(List.of(), ModelFiles.find(sources()));
    mojo().execute();
    assertEquals(List.of("info: vmodel: no .vmodel files in " + sources()), log.lines);
  }

  @Test
  void cleanModelsPass() throws Exception {
    write("coin.vmodel", COIN);
    write("nested/deeper/coin2.vmodel", COIN);
    ModelCheck.Result result = ModelCheck.run(new ModelCheck.Request(sources()));
    assertEquals(2, result.files().size());
    assertFalse(result.hasErrors());
    assertEquals(List.of(), result.warnings());
    mojo().execute();
    assertEquals(List.of("info: vmodel: checked 2 .vmodel files: no errors, 0 warnings"), log.lines);
  }

  @Test
  void errorsFailTheBuildWithRenderedDiagnostics() throws Exception {
    Path bad = write("models/coin.vmodel", BAD_COIN);
    write("ok.vmodel", COIN);
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo().execute());
    String message = e.getMessage();
    assertTrue(message.matches("(?s)vmodel: [1-9][0-9]* errors? in 2 \\.vmodel files:\n\n.*"), message);
    assertTrue(message.contains(bad + ":4:13: error[E020]: 'p' is declared real, but the support of Beta is unit"),
        message);
    assertTrue(message.contains("   4 |   latent p: real ~ Beta(a, b);\n     |             ^^^^\n"), message);
    assertTrue(message.contains("= hint: declare it as `p: unit`"), message);
    assertFalse(message.contains("ok.vmodel"), message);
  }

  @Test
  void warningsDoNotFailTheBuild() throws Exception {
    Path file = write("coin.vmodel", COIN_WITH_UNUSED_HYPER);
    ModelCheck.Result result = ModelCheck.run(new ModelCheck.Request(sources()));
    assertFalse(result.hasErrors());
    assertEquals(1, result.warnings().size());
    assertTrue(result.warnings().get(0).startsWith(file + ":3:22: warning[W002]: hyper 'c' is never used"),
        result.warnings().get(0));
    mojo().execute();
    assertEquals(2, log.lines.size(), log.lines::toString);
    assertEquals("warn: " + result.warnings().get(0).stripTrailing(), log.lines.get(0));
    assertEquals("info: vmodel: checked 1 .vmodel file: no errors, 1 warning", log.lines.get(1));
  }

  @Test
  void syntaxErrorsAreReportedWithTheirPosition() throws Exception {
    Path file = write("broken.vmodel", "model Broken {\n  size N\n}\n");
    ModelCheck.Result result = ModelCheck.run(new ModelCheck.Request(sources()));
    assertTrue(result.errors().stream().anyMatch(
        e -> e.startsWith(file + ":2:9: error[E001]: expected ';' at the end of the declaration, found '}'")),
        String.join("", result.errors()));
  }

  @Test
  void aFileThatIsNotUtf8IsAnError() throws Exception {
    Path file = sources().resolve("latin1.vmodel");
    Files.createDirectories(sources());
    Files.write(file, "model M { /* caf\u00e9 */ }".getBytes(StandardCharsets.ISO_8859_1));
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertTrue(e.getMessage().contains(file + ": error: not valid UTF-8 text"), e.getMessage());
  }

  @Test
  void aByteOrderMarkIsIgnored() throws Exception {
    write("bom.vmodel", "\uFEFF" + COIN);
    mojo().execute();
    assertEquals(List.of("info: vmodel: checked 1 .vmodel file: no errors, 0 warnings"), log.lines);
  }

  @Test
  void skipChecksNothing() throws Exception {
    write("coin.vmodel", BAD_COIN);
    VModelCheckMojo mojo = mojo();
    mojo.skip = true;
    mojo.execute();
    assertEquals(List.of("info: vmodel: check skipped"), log.lines);
  }
}
