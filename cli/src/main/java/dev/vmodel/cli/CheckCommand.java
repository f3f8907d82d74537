package dev.vmodel.cli;

import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `vmodel check FILE...`: parse and check models, print every diagnostic. */
@Command(
    name = "check",
    description = "Check .vmodel files for errors (syntax, types, and whether every update has a closed form)"
        + " and print every diagnostic.",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class)
final class CheckCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Model files to check.")
  List<Path> files;

  @CommandLine.Option(names = "--quiet", description = "Print errors only, no warnings or summary.")
  boolean quiet;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int errors = 0;
    int warnings = 0;
    for (Path file : files) {
      SourceFile source = SourceFiles.read(file, err);
      if (source == null) {
        errors++;
        continue;
      }
      Compiler.Result result = Compiler.plan(source);
      SourceFiles.Counts counts = SourceFiles.report(source, result.diagnostics(), err, !quiet);
      errors += counts.errors();
      warnings += counts.warnings();
    }
    if (!quiet) {
      String summary = files.size() == 1 ? "1 file" : files.size() + " files";
      (errors > 0 ? err : out).println(
          "checked " + summary + ": " + SourceFiles.plural(errors, "error") + ", "
              + SourceFiles.plural(warnings, "warning"));
    }
    err.flush();
    out.flush();
    return errors > 0 ? VModelCli.EXIT_ERRORS : 0;
  }
}
