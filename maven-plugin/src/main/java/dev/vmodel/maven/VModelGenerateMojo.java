package dev.vmodel.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * {@code vmodel:generate}: compiles the models under {@code src/main/vmodel} to Java sources in
 * {@code target/generated-sources/vmodel} and adds that folder to the project's compile sources.
 * Only models that changed since the last build are compiled; the classes of deleted models are
 * removed. Errors fail the build with the compiler's diagnostics.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class VModelGenerateMojo extends AbstractGenerateMojo {
  /** Where the models are. */
  @Parameter(property = "vmodel.sourceDirectory", defaultValue = "${project.basedir}/src/main/vmodel")
  File sourceDirectory;

  /** Where the Java sources are written; added to the project's compile source roots. */
  @Parameter(property = "vmodel.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/vmodel")
  File outputDirectory;

  @Override
  File sourceDirectory() {
    return sourceDirectory;
  }

  @Override
  File outputDirectory() {
    return outputDirectory;
  }

  @Override
  String goal() {
    return "generate";
  }

  @Override
  void addSourceRoot(MavenProject project, String root) {
    project.addCompileSourceRoot(root);
  }
}
