package dev.vmodel.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * {@code vmodel:generate-test}: {@code vmodel:generate} for test models: compiles the models
 * under {@code src/test/vmodel} to {@code target/generated-test-sources/vmodel} and adds that
 * folder to the project's test sources. Skipped with {@code -Dmaven.test.skip}.
 */
@Mojo(name = "generate-test", defaultPhase = LifecyclePhase.GENERATE_TEST_SOURCES, threadSafe = true)
public final class VModelGenerateTestMojo extends AbstractGenerateMojo {
  /** Where the test models are. */
  @Parameter(property = "vmodel.testSourceDirectory", defaultValue = "${project.basedir}/src/test/vmodel")
  File sourceDirectory;

  /** Where their Java sources are written; added to the project's test source roots. */
  @Parameter(property = "vmodel.testOutputDirectory",
      defaultValue = "${project.build.directory}/generated-test-sources/vmodel")
  File outputDirectory;

  /** Set by {@code -Dmaven.test.skip}: no tests are compiled, so no test models are generated. */
  @Parameter(property = "maven.test.skip", defaultValue = "false")
  boolean skipTestCompilation;

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
    return "generate-test";
  }

  @Override
  boolean skipped() {
    return skip || skipTestCompilation;
  }

  @Override
  void addSourceRoot(MavenProject project, String root) {
    project.addTestCompileSourceRoot(root);
  }
}
