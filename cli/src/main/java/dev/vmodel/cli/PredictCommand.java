package dev.vmodel.cli;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.cli.data.DataBinder;
import dev.vmodel.cli.data.DataError;
import dev.vmodel.cli.data.DataFiles;
import dev.vmodel.cli.data.Table;
import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.codegen.ModelWriter;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.driver.InMemoryCompiler;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.PredictionRecords;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `vmodel predict MODEL --posterior FIT.json --data NEW.csv`: applies a saved fit to new rows.
 * The posterior is read by the generated class's {@code load(Path)} (its sizes and
 * hyperparameters are the fit's), the new data exactly as {@code vmodel fit} reads data, and the
 * generated {@code Result.predict} infers the new rows' local factors with the globals held at the
 * fit's posterior; {@link PredictionRecords} prints one record per new row. Nothing is written
 * unless everything succeeds.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {"Apply a saved fit (vmodel fit --out FIT.json) to new data: print each new row's log posterior"
        + " predictive density and the posterior of its local latents (e.g. the probability of each mixture"
        + " component).",
        "Columns: logPredictive (if the model has it in closed form), then each local latent of the row"
            + " (z[0], z[1], ...), then mean(y), var(y) for real data with a predictive mean."})
final class PredictCommand implements Callable<Integer> {
  /** What is printed (or written to --out). */
  enum Format {
    TABLE,
    JSON,
    CSV
  }

  /** `table`, `json` or `csv`, in any case. */
  static final class FormatConverter extends CaseInsensitiveEnum<Format> {
    FormatConverter() {
      super(Format.class, "format");
    }
  }

  @Parameters(index = "0", paramLabel = "MODEL", description = "The .vmodel file the fit was made with.")
  Path model;

  @Option(names = "--posterior", required = true, paramLabel = "FIT.json",
      description = "The saved posterior: a file written by vmodel fit --out (docs/posterior-json.md).")
  Path posterior;

  @Option(names = "--data", required = true, paramLabel = "[NAME=]FILE",
      description = "The new rows: a CSV or JSON data file, as for vmodel fit; NAME=FILE reads only data array NAME"
          + " from FILE. Repeatable.")
  List<String> data = new ArrayList<>();

  @Option(names = "--model", paramLabel = "NAME", description = "Which model, if the file declares several.")
  String modelName;

  @Option(names = "--iters", paramLabel = "N",
      description = "Maximum sweeps over the new rows' local latents (default ${DEFAULT-VALUE}).")
  int iterations = 1000;

  @Option(names = "--tol", paramLabel = "T",
      description = "Stop when the new rows' ELBO changes by less than T, relatively (default ${DEFAULT-VALUE}).")
  double tolerance = 1e-8;

  @Option(names = "--seed", paramLabel = "S",
      description = "Random seed of the local latents' start (default ${DEFAULT-VALUE}).")
  long seed = 0;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE",
      description = "Write the records to FILE instead of stdout (in --format; only if everything succeeds).")
  Path out;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", converter = FormatConverter.class,
      description = "table (the default), csv or json.")
  Format format;

  @Option(names = "--quiet", description = "No notes on stderr (errors still print).")
  boolean quiet;

  @Option(names = "--no-cache", description = "Compile the generated classes again instead of reading them from"
      + " the cache ($XDG_CACHE_HOME/vmodel or ~/.cache/vmodel), and do not store them.")
  boolean noCache;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** What the run was doing, for the out-of-memory message. */
  private String doing = "reading the model";

  /** A failure already explained to the user, with its exit status. */
  private static final class Stop extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Stop(int status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    try {
      return run(stdout, err);
    } catch (Stop s) {
      return s.status;
    } catch (OutOfMemoryError e) {
      VModelCli.outOfMemory(err, doing, null);
      return VModelCli.EXIT_ERRORS;
    } finally {
      err.flush();
      stdout.flush();
    }
  }

  private int run(PrintWriter stdout, PrintWriter err) throws Stop {
    if (iterations < 1) {
      throw usage(err, "--iters must be at least 1, got " + iterations);
    }
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw usage(err, "--tol must be a non-negative number, got " + tolerance);
    }
    SourceFile source = SourceFiles.read(model, err);
    if (source == null) {
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    doing = "checking the model";
    Compiler.Result compiled = Compiler.plan(source);
    SourceFiles.report(source, compiled.diagnostics(), err, !quiet);
    if (compiled.hasErrors()) {
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    UpdatePlan plan = choosePlan(compiled.plans(), err);
    if (plan.newRow() == null) {
      err.println(model + ": error: model " + plan.graph().name() + " has no rows to predict: no data array"
          + " varies over a plate whose size new data could bring");
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    GeneratedApi api = GeneratedApi.of(plan, Optional.of("vmodel.generated"));
    List<OutputFile.Input> inputs = new ArrayList<>();
    inputs.add(new OutputFile.Input(model, "the model file"));
    if (!Files.isRegularFile(posterior)) {
      err.println(posterior + ": error: " + (Files.exists(posterior) ? "not a regular file" : "no such file")
          + " (--posterior takes a posterior file written by vmodel fit --out)");
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    inputs.add(new OutputFile.Input(posterior, "the posterior file"));

    List<Table> tables = new ArrayList<>();
    Map<String, Table> assigned = new LinkedHashMap<>();
    for (String spec : data) {
      String name = null;
      String file = spec;
      int eq = spec.indexOf('=');
      if (eq > 0 && api.data().containsKey(spec.substring(0, eq))) {
        name = spec.substring(0, eq);
        file = spec.substring(eq + 1);
      } else if (eq > 0 && spec.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*") && !Files.exists(Path.of(spec))) {
        throw usage(err, "--data " + spec + ": the model has no data array '" + spec.substring(0, eq)
            + "'; it has " + String.join(", ", api.data().keySet()));
      }
      Path path = Path.of(file);
      inputs.add(new OutputFile.Input(path, "a data file"));
      doing = "reading " + file;
      try {
        Table t = DataFiles.read(path, DataBinder.columnsOf(api));
        tables.add(t);
        if (name != null) {
          assigned.put(name, t);
        }
      } catch (DataError e) {
        err.println(e.render());
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
    }
    if (out != null) {
      try {
        OutputFile.check(out, inputs, "give a file name to write the predictions to");
      } catch (OutputFile.Failure f) {
        err.println(out + ": error: " + f.getMessage());
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
    }
    doing = "generating the model's Java class";
    JavaFile java = ModelWriter.write(plan, Optional.of("vmodel.generated"));
    ModelClasses classes;
    doing = "compiling the model's Java class";
    try {
      classes = ModelClasses.load(java, noCache, PredictCommand.class.getClassLoader());
    } catch (InMemoryCompiler.CompilationFailed e) {
      err.println("vmodel: internal error: " + e.getMessage());
      err.println("This is a bug in vmodel; please report it with the model file.");
      throw new Stop(VModelCli.EXIT_INTERNAL);
    }
    DataBinder binder = new DataBinder(api, plan.graph()).absentMeansMissing();
    PredictionRecords records;
    try {
      Class<?> cls = classes.loader().loadClass(api.className());
      doing = "reading " + posterior;
      Object fit = PriorFit.load(cls, posterior);
      Class<?> dataClass = classes.loader().loadClass(api.className() + "$Data");
      Object d = dataClass.getConstructor().newInstance();
      doing = "binding the data";
      Map<String, Object> arrays = binder.arrays(tables, assigned);
      for (Map.Entry<String, Object> e : arrays.entrySet()) {
        Object array = e.getValue();
        dataClass.getMethod(api.data().get(e.getKey()).method(), array.getClass()).invoke(d, array);
      }
      FitOptions options = FitOptions.defaults().withMaxIterations(iterations).withTolerance(tolerance).withSeed(seed);
      doing = "predicting";
      Object prediction = fit.getClass().getMethod("predict", dataClass, FitOptions.class).invoke(fit, d, options);
      PredictionRecords.Layout layout = PredictionLayouts.of(plan, api);
      records = PredictionRecords.of(layout, prediction, PredictionRecords.unobserved(layout, arrays));
    } catch (DataError e) {
      err.println(e.render());
      throw new Stop(VModelCli.EXIT_ERRORS);
    } catch (PriorFit.Failure e) {
      err.println(e.getMessage());
      throw new Stop(e.internal() ? VModelCli.EXIT_INTERNAL : VModelCli.EXIT_ERRORS);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof OutOfMemoryError oom) {
        throw oom;
      }
      if (cause instanceof DataException de) {
        String msg = de.getMessage();
        int colon = msg.indexOf(": ");
        String text = colon >= 0 ? msg.substring(colon + 2) : msg;
        if (de.row() < 0) {
          text = "'" + de.array() + "' " + text;
        }
        err.println(binder.locate(de.array(), de.row(), de.column(), text));
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
      if (cause instanceof IllegalArgumentException || cause instanceof ArithmeticException) {
        err.println(model + ": error: " + cause.getMessage());
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
      err.println("vmodel: internal error: " + cause);
      err.println("This is a bug in vmodel; please report it with the model, posterior and data files.");
      throw new Stop(VModelCli.EXIT_INTERNAL);
    } catch (ReflectiveOperationException e) {
      err.println("vmodel: internal error: " + e);
      throw new Stop(VModelCli.EXIT_INTERNAL);
    }
    if (records.groups.isEmpty()) {
      // Nothing per row: an empty table would look like a prediction.
      err.println(model + ": error: " + records.nothingToPredict() + "; nothing was written");
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    doing = "writing the results";
    if (out != null) {
      try {
        OutputFile.write(out, o -> {
          Remembering w = new Remembering(new OutputStreamWriter(o, StandardCharsets.UTF_8));
          PrintWriter p = new PrintWriter(w);
          print(records, p);
          p.flush();
          w.rethrow();
        }, inputs, "give a file name to write the predictions to");
      } catch (OutputFile.Failure f) {
        err.println(out + ": error: " + f.getMessage());
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
    } else {
      print(records, stdout);
      stdout.flush();
    }
    if (records.inexact != null && !quiet) {
      err.println("vmodel predict: note: no logPredictive column: " + records.inexact);
    }
    if (!records.converged && !quiet) {
      err.printf(Locale.ROOT, "vmodel predict: warning: the new rows' local latents stopped at the limit of"
          + " %d sweeps before their ELBO converged (--tol %.1e), so they may not be the optimum yet; allow more"
          + " sweeps (--iters)%n", records.sweeps, tolerance);
    }
    return 0;
  }

  private UpdatePlan choosePlan(List<UpdatePlan> plans, PrintWriter err) throws Stop {
    if (modelName != null) {
      for (UpdatePlan p : plans) {
        if (p.graph().name().equals(modelName)) {
          return p;
        }
      }
      throw usage(err, "no model named '" + modelName + "' in " + model + "; it declares "
          + String.join(", ", plans.stream().map(p -> p.graph().name()).toList()));
    }
    if (plans.size() > 1) {
      throw usage(err, model + " declares " + plans.size() + " models ("
          + String.join(", ", plans.stream().map(p -> p.graph().name()).toList()) + "); choose one with --model");
    }
    return plans.get(0);
  }

  private static Stop usage(PrintWriter err, String message) {
    err.println("vmodel predict: " + message);
    err.println("Try 'vmodel predict --help' for more information.");
    return new Stop(VModelCli.EXIT_USAGE);
  }

  /** The records in the chosen format, written as they are produced (a CSV or JSON of many rows is never held whole). */
  private void print(PredictionRecords records, PrintWriter p) {
    switch (format) {
      case CSV -> records.csv(p);
      case JSON -> records.json(p);
      case TABLE -> records.table(p);
    }
  }

  /** A writer that keeps the first failure of the stream under a PrintWriter (which swallows it), to report it. */
  private static final class Remembering extends FilterWriter {
    private IOException failure;

    Remembering(Writer out) {
      super(out);
    }

    @Override
    public void write(int c) throws IOException {
      try {
        super.write(c);
      } catch (IOException e) {
        throw remember(e);
      }
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      try {
        super.write(cbuf, off, len);
      } catch (IOException e) {
        throw remember(e);
      }
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
      try {
        super.write(str, off, len);
      } catch (IOException e) {
        throw remember(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        super.flush();
      } catch (IOException e) {
        throw remember(e);
      }
    }

    private IOException remember(IOException e) {
      if (failure == null) {
        failure = e;
      }
      return e;
    }

    void rethrow() throws IOException {
      if (failure != null) {
        throw failure;
      }
    }
  }
}
