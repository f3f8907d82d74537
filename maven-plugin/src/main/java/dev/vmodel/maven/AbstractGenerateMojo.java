package dev.vmodel.maven;

import dev.vmodel.compiler.diag.InternalCompilerError;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What {@code vmodel:generate} and {@code vmodel:generate-test} share. The mojo is thin: it
 * builds a {@link ModelGeneration.Request}, runs {@link ModelGeneration#run}, logs the outcome,
 * and adds the output directory to the project's sources. The directories (and their defaults)
 * are the subclasses'.
 */
abstract class AbstractGenerateMojo extends AbstractMojo {
  /**
   * The Java package of the models in files without a {@code package} header. When not set, a
   * file's folder under the source directory is its package: {@code models/coin/coin.vmodel}
   * generates {@code models.coin.Coin}, and a file directly in the source directory generates a
   * class in the default package. A header in the file always wins.
   */
  @Parameter(property = "vmodel.packageName")
  String packageName;

  /**
   * Ant-style patterns, relative to the source directory, of the model files to compile; all
   * {@code .vmodel} files ({@code **}{@code /*.vmodel}) when empty.
   */
  @Parameter
  List<String> includes = new ArrayList<>();

  /** Ant-style patterns, relative to the source directory, of files not to compile; none by default. */
  @Parameter
  List<String> excludes = new ArrayList<>();

  /** Fails the build on warnings as well as errors; the warnings are then reported on every build. */
  @Parameter(property = "vmodel.failOnWarning", defaultValue = "false")
  boolean failOnWarning;

  /** Skips generation; the output directory is not added to the sources. */
  @Parameter(property = "vmodel.skip", defaultValue = "false")
  boolean skip;

  @Parameter(defaultValue = "${project.build.directory}", readonly = true, required = true)
  File buildDirectory;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
  PluginDescriptor plugin;

  /** The directory the models are in. */
  abstract File sourceDirectory();

  /** The source root the Java files are written to. */
  abstract File outputDirectory();

  /** The goal's name, which also names its state file under {@code target/vmodel}. */
  abstract String goal();

  /** Whether this goal is skipped for a reason of its own (the test goal honours {@code maven.test.skip}). */
  boolean skipped() {
    return skip;
  }

  /** Adds {@code root} to the project's main or test sources. */
  abstract void addSourceRoot(MavenProject project, String root);

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skipped()) {
      getLog().info("vmodel: " + goal() + " skipped");
      return;
    }
    ModelGeneration.Request request = new ModelGeneration.Request(
        sourceDirectory().toPath(),
        outputDirectory().toPath(),
        buildDirectory.toPath().resolve("vmodel").resolve(goal() + ".state"),
        Optional.ofNullable(packageName),
        includes == null ? List.of() : includes,
        excludes == null ? List.of() : excludes,
        ModelGeneration.generator(plugin == null ? "unknown" : plugin.getVersion()),
        failOnWarning);
    ModelGeneration.Result result;
    try {
      result = ModelGeneration.run(request);
    } catch (IOException e) {
      throw new MojoExecutionException("vmodel: cannot generate from " + sourceDirectory() + ": " + e, e);
    } catch (ModelGeneration.BadConfiguration e) {
      throw new MojoFailureException("vmodel: " + e.getMessage());
    } catch (InternalCompilerError e) {
      throw new MojoExecutionException("vmodel: internal compiler error: " + e.getMessage()
          + "\nThis is a bug in vmodel; please report it with the model file that caused it.", e);
    }
    result.warnings().forEach(w -> getLog().warn(w.stripTrailing()));
    result.errors().forEach(e -> getLog().error(e.stripTrailing()));
    if (!result.removed().isEmpty()) {
      getLog().info("vmodel: removed " + count(result.removed().size(), "stale generated file") + ": "
          + relative(result.removed()));
    }
    if (result.hasErrors()) {
      throw new MojoFailureException("vmodel: " + count(result.errors().size(), "error") + " in "
          + result.failedFiles() + " of " + files(result.files().size()) + " (see the messages above)");
    }
    addSourceRoot(project, outputDirectory().getPath());
    getLog().info(summary(result));
  }

  private String summary(ModelGeneration.Result result) {
    if (result.files().isEmpty()) {
      return "vmodel: no .vmodel files in " + relative(sourceDirectory().toPath());
    }
    if (result.regenerated().isEmpty()) {
      return "vmodel: nothing to regenerate, " + files(result.upToDate().size()) + " up to date";
    }
    return "vmodel: generated " + files(result.regenerated().size()) + " into "
        + relative(outputDirectory().toPath()) + " (" + count(result.written().size(), "Java file")
        + " changed, " + result.upToDate().size() + " up to date)";
  }

  /** A path relative to the project's folder when it is inside it, for short log lines. */
  private String relative(Path path) {
    Path base = project == null || project.getBasedir() == null ? null : project.getBasedir().toPath();
    return base != null && path.startsWith(base) ? base.relativize(path).toString() : path.toString();
  }

  private String relative(List<Path> paths) {
    return String.join(", ", paths.stream().map(this::relative).toList());
  }

  private static String files(long n) {
    return count(n, ".vmodel file");
  }

  static String count(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
