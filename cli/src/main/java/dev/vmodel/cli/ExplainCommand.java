package dev.vmodel.cli;

import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.plan.PlanPrinter;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `vmodel explain FILE...`: compile each model through the conjugacy analysis and print its
 * update plan (factorisation, schedule, each factor's optimal distribution with its natural
 * parameters, the ELBO) as text or as Markdown with LaTeX. Diagnostics and exit status as
 * `check`.
 */
@Command(
    name = "explain",
    description = "Print the derived mean-field updates of .vmodel files.",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class)
final class ExplainCommand implements Callable<Integer> {
  /** Output formats. */
  enum Format {
    TEXT,
    MARKDOWN
  }

  /** `text` or `markdown`, in any case; anything else is a usage error naming the choices. */
  static final class FormatConverter extends CaseInsensitiveEnum<Format> {
    FormatConverter() {
      super(Format.class, "format");
    }
  }


  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Model files to explain.")
  List<Path> files;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = FormatConverter.class,
      description = "text (the default) or markdown (Markdown with LaTeX math).")
  Format format;

  @Option(
      names = {"-o", "--out", "--output"},
      paramLabel = "OUT",
      description = "Write the explanation to OUT instead of standard output (only if every file compiles).")
  Path output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The end of the message for a directory given as the output. */
  private static final String WHAT = "give a file name to write the explanation to";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int errors = 0;
    int warnings = 0;
    int explained = 0;
    boolean internal = false;
    StringBuilder text = new StringBuilder();
    List<OutputFile.Input> inputs = files.stream().map(f -> new OutputFile.Input(f, "a model file")).toList();
    if (output != null) {
      // An output that would destroy an input, or cannot be written, stops the run before any work.
      try {
        OutputFile.check(output, inputs, WHAT);
      } catch (OutputFile.Failure f) {
        err.println(output + ": error: " + f.getMessage());
        err.flush();
        return VModelCli.EXIT_ERRORS;
      }
    }
    for (Path file : files) {
      SourceFile source = SourceFiles.read(file, err);
      if (source == null) {
        errors++;
        continue;
      }
      Compiler.Result result;
      try {
        result = Compiler.plan(source);
      } catch (RuntimeException | StackOverflowError e) {
        err.println(file + ": internal error: " + e);
        err.println("This is a bug in vmodel; please report it with the model file that caused it.");
        internal = true;
        continue;
      }
      SourceFiles.Counts counts = SourceFiles.report(source, result.diagnostics(), err, true);
      errors += counts.errors();
      warnings += counts.warnings();
      if (counts.errors() > 0) {
        continue;
      }
      explained++;
      for (UpdatePlan plan : result.plans()) {
        if (!text.isEmpty()) {
          text.append('\n');
        }
        text.append(format == Format.MARKDOWN ? PlanPrinter.markdown(plan) : PlanPrinter.text(plan));
      }
    }
    boolean failed = errors > 0 || internal;
    if (output == null) {
      out.print(text);
    } else if (failed) {
      err.println(output + ": not written, because of the errors above");
    } else {
      try {
        OutputFile.write(output, text.toString(), inputs, WHAT);
      } catch (OutputFile.Failure f) {
        err.println(output + ": error: " + f.getMessage());
        errors++;
      }
    }
    if (errors > 0) {
      String summary = files.size() == 1 ? "1 file" : files.size() + " files";
      err.println("explained " + explained + " of " + summary + ": " + SourceFiles.plural(errors, "error") + ", "
          + SourceFiles.plural(warnings, "warning"));
    }
    err.flush();
    out.flush();
    return internal ? VModelCli.EXIT_INTERNAL : errors > 0 ? VModelCli.EXIT_ERRORS : 0;
  }
}
