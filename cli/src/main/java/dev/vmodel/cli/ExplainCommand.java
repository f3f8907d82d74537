package dev.vmodel.cli;

import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.plan.PlanPrinter;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
  static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      for (Format f : Format.values()) {
        if (f.name().equalsIgnoreCase(value)) {
          return f;
        }
      }
      throw new CommandLine.TypeConversionException("'" + value + "' is not a format; choose text or markdown");
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
      names = {"-o", "--output"},
      paramLabel = "OUT",
      description = "Write the explanation to OUT instead of standard output (only if every file compiles).")
  Path output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int errors = 0;
    int warnings = 0;
    int explained = 0;
    boolean internal = false;
    StringBuilder text = new StringBuilder();
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
    } else if (!write(output, text.toString(), err)) {
      errors++;
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

  private static boolean write(Path file, String text, PrintWriter err) {
    try {
      if (Files.isDirectory(file)) {
        err.println(file + ": error: is a directory; give a file name to write the explanation to");
        return false;
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return true;
    } catch (NoSuchFileException e) {
      err.println(file + ": error: no such directory: " + parentOf(file));
    } catch (AccessDeniedException e) {
      err.println(file + ": error: permission denied");
    } catch (IOException e) {
      err.println(file + ": error: cannot write: " + e.getMessage());
    }
    return false;
  }

  private static String parentOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? file.toString() : parent.toString();
  }

}
