package dev.vmodel.maven;

import static dev.vmodel.maven.TestModels.BAD_COIN;
import static dev.vmodel.maven.TestModels.COIN;
import static dev.vmodel.maven.TestModels.COIN_WITH_UNUSED_HYPER;
import static dev.vmodel.maven.TestModels.POISSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generate goals: what is generated where, incrementally, and how errors fail the build. */
class VModelGenerateMojoTest {
  @TempDir Path project;

  private final RecordingLog log = new RecordingLog();
  private final MavenProject mavenProject = new MavenProject();
  private String version = "1.0";

  private Path sources() {
    return project.resolve("src/main/vmodel");
  }

  private Path out() {
    return project.resolve("target/generated-sources/vmodel");
  }

  private Path write(String relative, String text) throws IOException {
    return TestModels.write(sources(), relative, text);
  }

  private VModelGenerateMojo mojo() {
    VModelGenerateMojo mojo = new VModelGenerateMojo();
    mojo.sourceDirectory = sources().toFile();
    mojo.outputDirectory = out().toFile();
    mojo.buildDirectory = project.resolve("target").toFile();
    configure(mojo);
    return mojo;
  }

  private void configure(AbstractGenerateMojo mojo) {
    mavenProject.setFile(project.resolve("pom.xml").toFile());
    mojo.project = mavenProject;
    PluginDescriptor plugin = new PluginDescriptor();
    plugin.setVersion(version);
    mojo.plugin = plugin;
    mojo.setLog(log);
  }

  /** Runs a fresh mojo and returns what it logged. */
  private List<String> generate() throws Exception {
    log.lines.clear();
    mojo().execute();
    return List.copyOf(log.lines);
  }

  private FileTime age(Path file) throws IOException {
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file, old);
    return old;
  }

  @Test
  void generatesEachModelIntoThePackageOfItsFolderAndAddsTheSourceRoot() throws Exception {
    write("coin.vmodel", COIN);
    write("org/example/poisson.vmodel", POISSON);
    assertEquals(List.of("info: vmodel: generated 2 .vmodel files into target/generated-sources/vmodel"
        + " (2 Java files changed, 0 up to date)"), generate());
    String coin = Files.readString(out().resolve("Coin.java"));
    assertTrue(coin.startsWith(ModelGeneration.GENERATED_MARKER + " from coin.vmodel."), coin);
    assertFalse(coin.contains("package "), coin);
    assertTrue(Files.readString(out().resolve("org/example/PoissonGamma.java")).contains("package org.example;"));
    assertEquals(List.of(out().toString()), mavenProject.getCompileSourceRoots());
    assertEquals(List.of(), mavenProject.getTestCompileSourceRoots());
  }

  /** A model named String beside another in one package: the other must still mean java.lang.String. */
  @Test
  void aModelNamedLikeAJavaLangClassDoesNotShadowItInItsNeighbours() throws Exception {
    write("org/example/two.vmodel", COIN.replace("model Coin", "model String") + COIN);
    generate();
    java.util.List<javax.tools.JavaFileObject> sources = new java.util.ArrayList<>();
    for (String name : java.util.List.of("String", "Coin")) {
      String text = Files.readString(out().resolve("org/example/" + name + ".java"));
      sources.add(new javax.tools.SimpleJavaFileObject(java.net.URI.create("string:///org/example/" + name + ".java"),
          javax.tools.JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return text;
        }
      });
    }
    javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
    java.io.StringWriter messages = new java.io.StringWriter();
    java.nio.file.Path classes = Files.createDirectories(project.resolve("classes"));
    boolean ok = javac.getTask(messages, null, null, java.util.List.of("-Xlint:all", "-Werror", "-proc:none", "-d",
        classes.toString(), "-classpath", System.getProperty("java.class.path")), null, sources).call();
    assertTrue(ok, messages::toString);
  }

  @Test
  void aPackageHeaderWinsOverPackageNameWhichWinsOverTheFolder() throws Exception {
    write("a/coin.vmodel", "package org.own;\n" + COIN);
    write("b/poisson.vmodel", POISSON);
    VModelGenerateMojo mojo = mojo();
    mojo.packageName = "org.example.models";
    mojo.execute();
    assertTrue(Files.isRegularFile(out().resolve("org/own/Coin.java")));
    assertTrue(Files.isRegularFile(out().resolve("org/example/models/PoissonGamma.java")));
    assertFalse(Files.exists(out().resolve("a")));
    assertFalse(Files.exists(out().resolve("b")));
  }

  @Test
  void anUnchangedProjectRegeneratesNothing() throws Exception {
    write("coin.vmodel", COIN);
    write("x/poisson.vmodel", POISSON);
    generate();
    FileTime coin = age(out().resolve("Coin.java"));
    FileTime poisson = age(out().resolve("x/PoissonGamma.java"));
    assertEquals(List.of("info: vmodel: nothing to regenerate, 2 .vmodel files up to date"), generate());
    assertEquals(coin, Files.getLastModifiedTime(out().resolve("Coin.java")));
    assertEquals(poisson, Files.getLastModifiedTime(out().resolve("x/PoissonGamma.java")));
    assertEquals(List.of(out().toString()), mavenProject.getCompileSourceRoots());
  }

  @Test
  void onlyAChangedModelIsRegenerated() throws Exception {
    write("coin.vmodel", COIN);
    write("x/poisson.vmodel", POISSON);
    generate();
    FileTime coin = age(out().resolve("Coin.java"));
    write("x/poisson.vmodel", POISSON.replace("hyper b = 0.1", "hyper b = 0.2"));
    assertEquals(List.of("info: vmodel: generated 1 .vmodel file into target/generated-sources/vmodel"
        + " (1 Java file changed, 1 up to date)"), generate());
    assertEquals(coin, Files.getLastModifiedTime(out().resolve("Coin.java")));
    assertTrue(Files.readString(out().resolve("x/PoissonGamma.java")).contains("0.2"));
  }

  /**
   * A file with a package header is compiled again when packageName changes (its package
   * fallback did), but its class is the same text, so it is not rewritten. A comment does not change
   * the class either: the SOURCE_SHA256 it records (which a saved posterior is checked against) is
   * a digest of the model's tokens, and comments are not tokens.
   */
  @Test
  void aChangeThatGeneratesTheSameCodeLeavesTheFileAlone() throws Exception {
    write("coin.vmodel", "package org.own;\n" + COIN);
    generate();
    Path java = out().resolve("org/own/Coin.java");
    FileTime coin = age(java);
    log.lines.clear();
    VModelGenerateMojo other = mojo();
    other.packageName = "org.example.models";
    other.execute();
    assertEquals(List.of("info: vmodel: generated 1 .vmodel file into target/generated-sources/vmodel"
        + " (0 Java files changed, 0 up to date)"), log.lines);
    assertEquals(coin, Files.getLastModifiedTime(java));

    String before = Files.readString(java);
    write("coin.vmodel", "package org.own;\n" + COIN + "\n// a comment does not change the source digest\n");
    log.lines.clear();
    other = mojo();
    other.packageName = "org.example.models";
    other.execute();
    assertEquals(List.of("info: vmodel: generated 1 .vmodel file into target/generated-sources/vmodel"
        + " (0 Java files changed, 0 up to date)"), log.lines);
    assertEquals(coin, Files.getLastModifiedTime(java));
    assertEquals(before, Files.readString(java));
  }

  @Test
  void aDeletedGeneratedFileIsRegenerated() throws Exception {
    write("coin.vmodel", COIN);
    generate();
    Files.delete(out().resolve("Coin.java"));
    generate();
    assertTrue(Files.isRegularFile(out().resolve("Coin.java")));
  }

  @Test
  void aNewPluginVersionRegeneratesEverything() throws Exception {
    write("coin.vmodel", COIN);
    generate();
    version = "1.1";
    assertEquals(List.of("info: vmodel: generated 1 .vmodel file into target/generated-sources/vmodel"
        + " (0 Java files changed, 0 up to date)"), generate());
  }

  @Test
  void changingPackageNameRegeneratesAndRemovesTheOldClasses() throws Exception {
    write("coin.vmodel", COIN);
    generate();
    VModelGenerateMojo mojo = mojo();
    mojo.packageName = "p";
    mojo.execute();
    assertTrue(Files.isRegularFile(out().resolve("p/Coin.java")));
    assertFalse(Files.exists(out().resolve("Coin.java")));
  }

  @Test
  void theClassesOfADeletedModelAreRemovedButNothingElse() throws Exception {
    Path coin = write("coin.vmodel", COIN);
    write("org/example/poisson.vmodel", POISSON);
    generate();
    Path mine = out().resolve("org/Mine.java");
    Files.writeString(mine, "package org; class Mine {}");
    Files.delete(sources().resolve("org/example/poisson.vmodel"));
    assertEquals(List.of(
        "info: vmodel: removed 1 stale generated file: "
            + Path.of("target/generated-sources/vmodel/org/example/PoissonGamma.java"),
        "info: vmodel: nothing to regenerate, 1 .vmodel file up to date"), generate());
    assertFalse(Files.exists(out().resolve("org/example")), "empty package folders are removed");
    assertTrue(Files.isRegularFile(mine), "a file vmodel did not write is never removed");
    Files.delete(coin);
    assertEquals(List.of(
        "info: vmodel: removed 1 stale generated file: "
            + Path.of("target/generated-sources/vmodel/Coin.java"),
        "info: vmodel: no .vmodel files in src/main/vmodel"), generate());
  }

  @Test
  void renamingAModelFileKeepsItsClass() throws Exception {
    Path coin = write("m/coin.vmodel", COIN);
    generate();
    Files.move(coin, sources().resolve("m/coin2.vmodel"));
    assertEquals(List.of("info: vmodel: generated 1 .vmodel file into target/generated-sources/vmodel"
        + " (1 Java file changed, 0 up to date)"), generate(), "the old file's class is not removed");
    assertTrue(Files.readString(out().resolve("m/Coin.java")).contains("from coin2.vmodel"));
  }

  @Test
  void aMissingSourceDirectoryGeneratesNothing() throws Exception {
    assertEquals(List.of("info: vmodel: no .vmodel files in src/main/vmodel"), generate());
    assertFalse(Files.exists(project.resolve("target")), "nothing is written");
  }

  @Test
  void errorsAreLoggedOneByOneAsTheCompilerRendersThemAndFailTheBuild() throws Exception {
    Path bad = write("models/coin.vmodel", BAD_COIN);
    Path broken = write("broken.vmodel", "model Broken {\n  size N\n}\n");
    write("ok.vmodel", POISSON);
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertEquals("vmodel: 2 errors in 2 of 3 .vmodel files (see the messages above)", e.getMessage());
    assertEquals(2, log.lines.size(), log.lines::toString);
    assertEquals("error: " + broken + ":2:9: error[E001]: expected ';' at the end of the declaration, found '}'\n"
        + "   2 |   size N\n"
        + "     |         ^", log.lines.get(0));
    assertEquals("error: " + bad + ":4:13: error[E020]: 'p' is declared real, but the support of Beta is unit\n"
        + "   4 |   latent p: real ~ Beta(a, b);\n"
        + "     |             ^^^^\n"
        + "     = hint: declare it as `p: unit`, or choose a distribution over real", log.lines.get(1));
    assertTrue(Files.isRegularFile(out().resolve("PoissonGamma.java")), "good models are still generated");
    assertEquals(List.of(), mavenProject.getCompileSourceRoots());
  }

  @Test
  void aFixedModelIsGeneratedOnTheNextBuild() throws Exception {
    write("coin.vmodel", COIN);
    generate();
    write("coin.vmodel", BAD_COIN);
    assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertThrows(MojoFailureException.class, () -> mojo().execute(), "an error is reported on every build");
    write("coin.vmodel", COIN);
    assertEquals(List.of("info: vmodel: generated 1 .vmodel file into target/generated-sources/vmodel"
        + " (0 Java files changed, 0 up to date)"), generate());
  }

  @Test
  void warningsAreLoggedAndDoNotFailTheBuildUnlessFailOnWarning() throws Exception {
    Path file = write("coin.vmodel", COIN_WITH_UNUSED_HYPER);
    List<String> lines = generate();
    assertEquals(2, lines.size(), lines::toString);
    assertTrue(lines.get(0).startsWith("warn: " + file + ":3:22: warning[W002]: hyper 'c' is never used"), lines.get(0));
    write("coin.vmodel", COIN_WITH_UNUSED_HYPER + "\n");
    log.lines.clear();
    VModelGenerateMojo mojo = mojo();
    mojo.failOnWarning = true;
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertEquals("vmodel: 1 error in 1 of 1 .vmodel file (see the messages above)", e.getMessage());
    assertTrue(log.lines.get(0).startsWith("warn: " + file + ":3:22: warning[W002]"), log.lines::toString);
    assertEquals("error: " + file + ": error: warnings are errors (failOnWarning is set)", log.lines.get(1));
  }

  @Test
  void aFolderThatIsNotAPackageNeedsAHeaderOrPackageName() throws Exception {
    Path file = write("my-models/coin.vmodel", COIN);
    assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertEquals(List.of("error: " + file + ": error: model Coin has no package header, and its folder"
        + " 'my-models' is not a Java package name\n    = hint: add `package mymodels;` to the file,"
        + " or set the packageName parameter"), log.lines);
    write("my-models/coin.vmodel", "package ok;\n" + COIN);
    generate();
    assertTrue(Files.isRegularFile(out().resolve("ok/Coin.java")));
  }

  @Test
  void anInvalidPackageNameIsAnError() throws Exception {
    write("coin.vmodel", COIN);
    VModelGenerateMojo mojo = mojo();
    mojo.packageName = "org.example.class";
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertEquals("vmodel: packageName 'org.example.class' is not a Java package name", e.getMessage());
  }

  @Test
  void twoModelsMayNotGenerateTheSameClass() throws Exception {
    Path a = write("m/a.vmodel", COIN);
    Path b = write("m/b.vmodel", COIN);
    assertThrows(MojoFailureException.class, () -> mojo().execute());
    assertEquals(List.of(
        "error: " + a + ": error: generates m/Coin.java, and so does " + b
            + "\n    = hint: rename one of the models, or give them different packages",
        "error: " + b + ": error: generates m/Coin.java, and so does " + a
            + "\n    = hint: rename one of the models, or give them different packages"), log.lines);
    assertFalse(Files.exists(out().resolve("m/Coin.java")));
  }

  @Test
  void includesAndExcludesChooseTheFiles() throws Exception {
    write("keep/coin.vmodel", COIN);
    write("keep/draft-coin.vmodel", BAD_COIN);
    write("other/coin.vmodel", BAD_COIN);
    write("keep/README.md", "not a model, although keep/** matches it");
    VModelGenerateMojo mojo = mojo();
    mojo.includes = List.of("keep/**");
    mojo.excludes = List.of("**/draft-*.vmodel");
    mojo.execute();
    assertTrue(Files.isRegularFile(out().resolve("keep/Coin.java")));
  }

  @Test
  void antPatterns() {
    assertTrue(ModelFiles.matches("**/*.vmodel", "coin.vmodel"));
    assertTrue(ModelFiles.matches("**/*.vmodel", "a/b/coin.vmodel"));
    assertFalse(ModelFiles.matches("**/*.vmodel", "a/coin.vmodel.txt"));
    assertTrue(ModelFiles.matches("*.vmodel", "coin.vmodel"));
    assertFalse(ModelFiles.matches("*.vmodel", "a/coin.vmodel"));
    assertTrue(ModelFiles.matches("a/**/c?in.vmodel", "a/coin.vmodel"));
    assertTrue(ModelFiles.matches("a/**/c?in.vmodel", "a/x/y/cain.vmodel"));
    assertFalse(ModelFiles.matches("a/**/c?in.vmodel", "b/coin.vmodel"));
    assertTrue(ModelFiles.matches("a/", "a/b/c.vmodel"));
    assertTrue(ModelFiles.matches("/a/*.vmodel", "a/c.vmodel"));
    assertTrue(ModelFiles.matches("a\\*.vmodel", "a/c.vmodel"));
    assertTrue(ModelFiles.matches("(x)+.vmodel", "(x)+.vmodel"), "only * and ? are special");
  }

  @Test
  void aDamagedStateFileMeansRegeneratingEverything() throws Exception {
    write("coin.vmodel", COIN);
    generate();
    Files.writeString(project.resolve("target/vmodel/generate.state"), "garbage\n");
    assertEquals(List.of("info: vmodel: generated 1 .vmodel file into target/generated-sources/vmodel"
        + " (0 Java files changed, 0 up to date)"), generate());
    assertEquals(List.of("info: vmodel: nothing to regenerate, 1 .vmodel file up to date"), generate());
  }

  @Test
  void theTestGoalWritesTestSourcesAndHonoursMavenTestSkip() throws Exception {
    Path tests = project.resolve("src/test/vmodel");
    Files.createDirectories(tests);
    Files.writeString(tests.resolve("coin.vmodel"), COIN);
    VModelGenerateTestMojo mojo = new VModelGenerateTestMojo();
    mojo.sourceDirectory = tests.toFile();
    mojo.outputDirectory = project.resolve("target/generated-test-sources/vmodel").toFile();
    mojo.buildDirectory = project.resolve("target").toFile();
    configure(mojo);
    mojo.execute();
    assertEquals(List.of("info: vmodel: generated 1 .vmodel file into target/generated-test-sources/vmodel"
        + " (1 Java file changed, 0 up to date)"), log.lines);
    assertTrue(Files.isRegularFile(project.resolve("target/generated-test-sources/vmodel/Coin.java")));
    assertTrue(Files.isRegularFile(project.resolve("target/vmodel/generate-test.state")));
    assertEquals(List.of(project.resolve("target/generated-test-sources/vmodel").toString()),
        mavenProject.getTestCompileSourceRoots());
    log.lines.clear();
    mojo.skipTestCompilation = true;
    mojo.execute();
    assertEquals(List.of("info: vmodel: generate-test skipped"), log.lines);
  }

  @Test
  void skipGeneratesNothing() throws Exception {
    write("coin.vmodel", BAD_COIN);
    VModelGenerateMojo mojo = mojo();
    mojo.skip = true;
    mojo.execute();
    assertEquals(List.of("info: vmodel: generate skipped"), log.lines);
    assertEquals(List.of(), mavenProject.getCompileSourceRoots());
  }
}
