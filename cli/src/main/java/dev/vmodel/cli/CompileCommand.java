package dev.vmodel.cli;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.compiler.codegen.ModelWriter;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `vmodel compile FILE... -o OUTDIR [--package P]`: writes each model's generated Java source
 * under OUTDIR (created if missing), in the folders of its package. Nothing is written if any
 * file has errors. Silent on success, as javac is; {@code --verbose} lists the files written.
 */
@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Generate Java sources for the models in the files. Nothing is written if any file has errors.")
final class CompileCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Model files.")
  List<Path> files;

  @Option(names = {"-o", "--out", "-d"}, paramLabel = "OUTDIR", required = true,
      description = "Source root to write into (created if missing); -d as javac's.")
  Path outDir;

  @Option(names = "--package", paramLabel = "P", description = "Java package, overriding the files' package headers.")
  String packageName;

  @Option(names = {"-v", "--verbose"}, description = "Print the path of every file written.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    List<JavaFile> generated = new ArrayList<>();
    List<OutputFile.Input> inputs = new ArrayList<>();
    boolean errors = false;
    for (Path file : files) {
      inputs.add(new OutputFile.Input(file, "a model file"));
      SourceFile source = SourceFiles.read(file, err);
      if (source == null) {
        errors = true;
        continue;
      }
      Compiler.Result r = Compiler.plan(source);
      SourceFiles.report(source, r.diagnostics(), err, true);
      if (r.hasErrors()) {
        errors = true;
        continue;
      }
      // All of a file's models at once: a model named like a java.lang class shadows it in the others.
      generated.addAll(ModelWriter.writeAll(r.plans(), Optional.ofNullable(packageName)));
    }
    if (errors) {
      err.flush();
      return VModelCli.EXIT_ERRORS;
    }
    try {
      for (JavaFile f : generated) {
        Path written = writeSource(f, outDir, inputs);
        if (verbose) {
          out.println("wrote " + written);
        }
      }
    } catch (OutputFile.Failure f) {
      err.println(f.getMessage());
      err.flush();
      return VModelCli.EXIT_ERRORS;
    }
    out.flush();
    return 0;
  }

  /**
   * Writes {@code java} under the source root {@code dir} (created if missing) in its package's
   * folders, through {@link OutputFile}, and returns its path. The failure's message is the whole
   * line to print ({@code PATH: error: ...}).
   */
  static Path writeSource(JavaFile java, Path dir, List<OutputFile.Input> inputs) throws OutputFile.Failure {
    Path folder = dir;
    if (!java.packageName().isEmpty()) {
      for (String part : java.packageName().split("\\.")) {
        folder = folder.resolve(part);
      }
    }
    try {
      Files.createDirectories(folder);
    } catch (FileAlreadyExistsException e) {
      throw new OutputFile.Failure(e.getFile() + ": error: exists and is not a directory; give a directory for the"
          + " generated sources");
    } catch (AccessDeniedException e) {
      throw new OutputFile.Failure(e.getFile() + ": error: permission denied");
    } catch (IOException e) {
      throw new OutputFile.Failure(folder + ": error: cannot create the directory: " + e.getMessage());
    }
    Path file = folder.resolve(java.typeSpec().name() + ".java");
    try {
      OutputFile.write(file, java.toString(), inputs, "give a directory for the generated sources");
    } catch (OutputFile.Failure f) {
      throw new OutputFile.Failure(file + ": error: " + f.getMessage());
    }
    return file;
  }
}
