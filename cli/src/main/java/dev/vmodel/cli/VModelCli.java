package dev.vmodel.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `vmodel` command. Exit codes: 0 ok, 1 model or data errors, 2 usage errors. */
@Command(
    name = "vmodel",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Compile probabilistic models to mean-field variational inference in Java.",
    subcommands = {CheckCommand.class, ExplainCommand.class, CompileCommand.class, FitCommand.class, PredictCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Exit status: 0 success, 1 errors in a model or data file, 2 usage errors."})
public final class VModelCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Exit status for errors in a model or data file. */
  public static final int EXIT_ERRORS = 1;

  /** Exit status for a command line that could not be understood. */
  public static final int EXIT_USAGE = 2;

  /** Exit status for a bug in vmodel. */
  public static final int EXIT_INTERNAL = 70;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of check, explain, compile, fit, predict");
  }

  /** The Levenshtein distance of two strings. */
  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Picocli's message, in the lower-case style of the other messages, naming unknown commands as such. */
  private static String usageMessage(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u
        && !u.isUnknownOption()
        && !u.getUnmatched().isEmpty()
        && ex.getCommandLine().getParent() == null
        && !ex.getCommandLine().getSubcommands().isEmpty()) {
      String command = u.getUnmatched().get(0);
      // picocli suggests loosely (frobnicate -> predict): keep only a command a typo away
      List<String> suggestions = u.getSuggestions().stream()
          .filter(c -> editDistance(c, command) <= Math.max(2, command.length() / 3)).toList();
      return "unknown command '" + command + "'"
          + (suggestions.isEmpty() ? "; commands are " + String.join(", ", ex.getCommandLine().getSubcommands().keySet())
              : "; did you mean '" + suggestions.get(0) + "'?");
    }
    String message = ex.getMessage();
    return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams; returns the exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new VModelCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_ERRORS);
    cli.setParameterExceptionHandler((ex, a) -> {
      err.println("vmodel: " + usageMessage(ex));
      err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      err.println("vmodel: internal error: " + ex);
      if (System.getenv("VMODEL_DEBUG") != null) {
        ex.printStackTrace(err);
      }
      err.println("This is a bug in vmodel; please report it with the model file that caused it.");
      return EXIT_INTERNAL;
    });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      outOfMemory(err, null, null);
      return EXIT_ERRORS;
    }
  }

  /**
   * Says that the Java heap ran out, while {@code doing} what (or null), with what is known of
   * the size of the problem ({@code detail}, or null), and how to raise the limit.
   */
  static void outOfMemory(PrintWriter err, String doing, String detail) {
    err.println("vmodel: error: out of memory" + (doing == null ? "" : " while " + doing) + ": the Java heap limit is "
        + bytes(Runtime.getRuntime().maxMemory()) + (detail == null ? "" : "; " + detail));
    err.println("  = hint: give Java more memory with -Xmx in VMODEL_OPTS (or JAVA_OPTS), e.g."
        + " VMODEL_OPTS=-Xmx8g bin/vmodel ...; the limit must stay below the machine's free memory");
    err.flush();
  }

  /** {@code 12.3 MB}: a size in bytes for messages (powers of 1024). */
  static String bytes(long n) {
    String[] units = {"bytes", "kB", "MB", "GB", "TB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + " bytes" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
