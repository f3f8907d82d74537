package dev.vmodel.maven;

import dev.vmodel.compiler.diag.InternalCompilerError;
import java.io.File;
import java.io.IOException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code vmodel:check}: checks every {@code .vmodel} file under {@code src/main/vmodel} with
 * the compiler's front end (the same entry point as {@code vmodel check}) and fails the build,
 * printing the rendered diagnostics, if any has errors. Warnings are logged and do not fail it.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public final class VModelCheckMojo extends AbstractMojo {
  /** Where the models are; every {@code .vmodel} file below it is checked. */
  @Parameter(property = "vmodel.sourceDirectory", defaultValue = "${project.basedir}/src/main/vmodel")
  File sourceDirectory;

  /** Skips the check. */
  @Parameter(property = "vmodel.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("vmodel: check skipped");
      return;
    }
    ModelCheck.Result result;
    try {
      result = ModelCheck.run(new ModelCheck.Request(sourceDirectory.toPath()));
    } catch (IOException e) {
      throw new MojoExecutionException("vmodel: cannot read the models in " + sourceDirectory + ": " + e, e);
    } catch (InternalCompilerError e) {
      throw new MojoExecutionException(
          "vmodel: internal compiler error: " + e.getMessage()
              + "\nThis is a bug in vmodel; please report it with the model file that caused it.", e);
    }
    if (result.files().isEmpty()) {
      getLog().info("vmodel: no .vmodel files in " + sourceDirectory);
      return;
    }
    result.warnings().forEach(w -> getLog().warn(w.stripTrailing()));
    if (result.hasErrors()) {
      throw new MojoFailureException(failureMessage(result));
    }
    getLog().info("vmodel: checked " + files(result.files().size()) + ": no errors, "
        + count(result.warnings().size(), "warning"));
  }

  /** The build failure's message: a summary line, then every error as the CLI renders it. */
  static String failureMessage(ModelCheck.Result result) {
    StringBuilder out = new StringBuilder("vmodel: ")
        .append(count(result.errors().size(), "error")).append(" in ")
        .append(files(result.files().size())).append(":\n\n");
    result.errors().forEach(out::append);
    return out.toString().stripTrailing();
  }

  private static String files(int n) {
    return count(n, ".vmodel file");
  }

  private static String count(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
