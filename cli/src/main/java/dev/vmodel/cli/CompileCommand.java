package dev.vmodel.cli;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.compiler.codegen.ModelWriter;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `vmodel compile FILE... -d OUTDIR [--package P]`: writes each model's generated Java source. */
@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Generate Java sources for the models in the files. Nothing is written if any file has errors.")
final class CompileCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Model files.")
  List<Path> files;

  @Option(names = "-d", paramLabel = "OUTDIR", required = true, description = "Source root to write into.")
  Path outDir;

  @Option(names = "--package", paramLabel = "P", description = "Java package, overriding the files' package headers.")
  String packageName;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    List<JavaFile> generated = new ArrayList<>();
    boolean errors = false;
    for (Path file : files) {
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
    for (JavaFile f : generated) {
      try {
        Path written = f.writeToPath(outDir);
        out.println("wrote " + written);
      } catch (IOException e) {
        err.println(outDir + ": error: cannot write: " + e.getMessage());
        err.flush();
        return VModelCli.EXIT_ERRORS;
      }
    }
    out.flush();
    return 0;
  }
}
