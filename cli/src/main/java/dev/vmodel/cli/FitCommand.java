package dev.vmodel.cli;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.cli.data.DataBinder;
import dev.vmodel.cli.data.DataError;
import dev.vmodel.cli.data.DataFiles;
import dev.vmodel.cli.data.Table;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.codegen.ModelWriter;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.driver.InMemoryCompiler;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.runtime.fit.DataException;
import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitBackend;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.stochastic.CsvRows;
import dev.vmodel.runtime.stochastic.StochasticFit;
import dev.vmodel.runtime.stochastic.StochasticOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `vmodel fit MODEL --data FILE`: derives the model's updates, generates and compiles its Java
 * class in memory, binds the data, fits, and prints the posterior. Nothing is written unless the
 * whole fit succeeds.
 */
@Command(
    name = "fit",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {"Fit a model to data and print the posterior.",
        "Without --data, uses the model's bundled data file (data/<model>.csv beside the model)."})
final class FitCommand implements Callable<Integer> {
  /** What is printed on stdout. */
  enum Format {
    TABLE,
    JSON
  }

  /** `table` or `json`, in any case; anything else is a usage error naming the choices. */
  static final class FormatConverter extends CaseInsensitiveEnum<Format> {
    FormatConverter() {
      super(Format.class, "format");
    }
  }


  @Parameters(index = "0", paramLabel = "MODEL", description = "The .vmodel file.")
  Path model;

  @Option(names = "--data", paramLabel = "[NAME=]FILE",
      description = "A CSV or JSON data file; NAME=FILE reads only data array NAME from FILE. Repeatable.")
  List<String> data = new ArrayList<>();

  @Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "Set a size or hyperparameter, e.g. --set K=4 --set alpha0=0.01 (vectors: 1,2,3). Repeatable.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--model", paramLabel = "NAME", description = "Which model, if the file declares several.")
  String modelName;

  @Option(names = "--iters", paramLabel = "N", description = "Maximum sweeps (default ${DEFAULT-VALUE}).")
  int iterations = 1000;

  @Option(names = "--tol", paramLabel = "T",
      description = "Stop when the ELBO's relative change is below T (default ${DEFAULT-VALUE}).")
  double tolerance = 1e-8;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed = 0;

  @Option(names = "--restarts", paramLabel = "R", description = "Random restarts; the best ELBO wins (default ${DEFAULT-VALUE}).")
  int restarts = 1;

  @Option(names = "--local-iters", paramLabel = "N",
      description = "Models with per-group locals (LDA): at most N rounds of a group's locals per sweep"
          + " (default ${DEFAULT-VALUE}; see vmodel explain's schedule).")
  int localIterations = FitOptions.DEFAULT_LOCAL_ITERATIONS;

  @Option(names = "--no-local-restarts",
      description = "Models with per-group locals: do not also restart each group's locals from the prior every"
          + " sweep (the ELBO never decreases either way).")
  boolean noLocalRestarts;

  @Option(names = "--threads", paramLabel = "T",
      description = "Threads for the row loops (default: all processors; the result is the same for any T).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--prior", paramLabel = "FIT.json",
      description = "Update a previous fit: its posterior (a file written by fit --out) is the prior of the"
          + " model's global latents, so that fitting A, then B --prior A's fit, gives the posterior of A and B.")
  Path prior;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE",
      description = "Also write the full posterior as JSON to FILE (docs/posterior-json.md).")
  Path out;

  @Option(names = "--no-locals", description = "Leave the rows' local factors (a mixture's z, PPCA's h, LDA's z) out"
      + " of --out: what load and predict read stays, and a fit of millions of rows saves in megabytes.")
  boolean noLocals;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", converter = FormatConverter.class,
      description = "What stdout gets: table (the default) or json.")
  Format format;

  @Option(names = "--quiet", description = "No progress lines and no warnings (the summary or JSON and errors still print).")
  boolean quiet;

  @Option(names = "--keep-sources", paramLabel = "DIR", description = "Also write the generated Java source to DIR.")
  Path keepSources;

  @Option(names = "--no-cache", description = "Compile the generated classes again instead of reading them from"
      + " the cache ($XDG_CACHE_HOME/vmodel or ~/.cache/vmodel), and do not store them.")
  boolean noCache;

  @Option(names = "--timings", description = "Print how long generation, compilation and fitting took.")
  boolean timings;

  @Option(names = "--svi", description = "Stochastic variational inference (docs/svi.md): minibatches streamed from"
      + " the --data CSV file, never held whole; the global factors take a step after every batch. With --spark,"
      + " the rows (Parquet or CSV) are read by Spark a partition at a time.")
  boolean svi;

  @Option(names = "--batch-size", paramLabel = "B",
      description = "--svi: rows per minibatch, or whole groups (documents) for a model with a group column"
          + " (default ${DEFAULT-VALUE}).")
  int batchSize = StochasticOptions.defaults().batchSize();

  @Option(names = "--tau0", paramLabel = "T", description = "--svi: the step of batch t is (t + tau0)^-kappa"
      + " (default ${DEFAULT-VALUE}).")
  double tau0 = StochasticOptions.defaults().tau0();

  @Option(names = "--kappa", paramLabel = "K", description = "--svi: in (0.5, 1] (default ${DEFAULT-VALUE}).")
  double kappa = StochasticOptions.defaults().kappa();

  @Option(names = "--epochs", paramLabel = "E", description = "--svi: passes over the data (default ${DEFAULT-VALUE}).")
  int epochs = StochasticOptions.defaults().epochs();

  @Option(names = "--holdout", paramLabel = "F", description = "--svi: hold out this fraction of the batches and print"
      + " their bound per row (per group) after every epoch (default ${DEFAULT-VALUE}: none).")
  double holdout = 0.0;

  @Option(names = "--spark", arity = "0..1", fallbackValue = "", paramLabel = "MASTER",
      description = "Fit on Apache Spark (docs/spark.md): --data is then a Parquet file or directory, or a CSV"
          + " file, read by Spark; MASTER is e.g. local[2] (omit it under spark-submit, which sets the master)."
          + " Needs the vmodel-spark jar and Spark on the class path (bin/vmodel adds them for --spark).")
  String spark;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The package of the generated class a fit runs. */
  private static final String PACKAGE = "vmodel.generated";

  /** What the run was doing, for the out-of-memory message. */
  private String doing = "reading the model";

  /** Bytes of the data files read, for the out-of-memory message. */
  private long dataBytes = -1;

  /** The sizes set with --set, by name, for the out-of-memory message. */
  private final Map<String, String> sizesSet = new LinkedHashMap<>();

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
      VModelCli.outOfMemory(err, doing, memoryDetail());
      return VModelCli.EXIT_ERRORS;
    } finally {
      err.flush();
      stdout.flush();
    }
  }

  private int run(PrintWriter stdout, PrintWriter err) throws Stop {
    checkRange("--iters", iterations);
    checkRange("--restarts", restarts);
    checkRange("--threads", threads);
    checkRange("--local-iters", localIterations);
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw usage(err, "--tol must be a non-negative number, got " + tolerance);
    }
    long t0 = System.nanoTime();
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
    GeneratedApi api = GeneratedApi.of(plan, Optional.of(PACKAGE));
    Map<String, String> setValues = parseSets(api, err);
    if (noLocals && out == null) {
      throw usage(err, "--no-locals leaves the rows' local factors out of --out: give --out FILE too");
    }
    if (spark != null && !svi) {
      return runOnSpark(source, plan, api, setValues, stdout, err);
    }
    if (svi) {
      return runStochastic(source, plan, api, setValues, stdout, err);
    }

    // Data files: read and check them all before compiling anything.
    List<OutputFile.Input> inputs = new ArrayList<>();
    inputs.add(new OutputFile.Input(model, "the model file"));
    List<Table> tables = new ArrayList<>();
    Map<String, Table> assigned = new LinkedHashMap<>();
    if (prior != null) {
      if (!plan.hasGlobalFactors()) {
        throw usage(err, "--prior " + prior + ": model " + plan.graph().name() + " has no global latent whose"
            + " posterior could be updated (every factor is per row)");
      }
      if (!Files.isRegularFile(prior)) {
        err.println(prior + ": error: " + (Files.exists(prior) ? "not a regular file" : "no such file")
            + " (--prior takes a posterior file written by vmodel fit --out)");
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
      inputs.add(new OutputFile.Input(prior, "the prior fit"));
    }
    List<String> files = data.isEmpty() ? bundledData(err) : data;
    dataBytes = 0;
    for (String spec : files) {
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
      try {
        dataBytes += Files.isRegularFile(path) ? Files.size(path) : 0;
      } catch (IOException e) {
        // unreadable: the reader says so
      }
      doing = "reading " + file;
      Table t = readTable(path, api, err);
      tables.add(t);
      if (name != null) {
        assigned.put(name, t);
      }
    }
    if (out != null) {
      // Refuse an --out that would destroy an input, or cannot be written, before fitting.
      try {
        OutputFile.check(out, inputs, "give a file name to write the posterior to");
      } catch (OutputFile.Failure f) {
        err.println(out + ": error: " + f.getMessage());
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
    }
    long t1 = System.nanoTime();
    // The Java source is generated only if it is needed: for --keep-sources, or when the cache
    // does not find the classes by the model's own text.
    JavaFile[] java = {null};
    long[] generation = {0};
    Supplier<JavaFile> generate = () -> {
      if (java[0] == null) {
        doing = "generating the model's Java class";
        long start = System.nanoTime();
        java[0] = ModelWriter.write(plan, Optional.of(PACKAGE));
        generation[0] = System.nanoTime() - start;
        doing = "compiling the model's Java class";
      }
      return java[0];
    };
    if (keepSources != null) {
      generate.get();
    }
    ModelClasses classes;
    doing = "compiling the model's Java class";
    try {
      classes = ModelClasses.load(source, plan.graph().name(), PACKAGE, generate, noCache,
          FitCommand.class.getClassLoader());
    } catch (InMemoryCompiler.CompilationFailed e) {
      err.println("vmodel: internal error: " + e.getMessage());
      err.println("This is a bug in vmodel; please report it with the model file.");
      throw new Stop(VModelCli.EXIT_INTERNAL);
    }
    if (keepSources != null) {
      try {
        CompileCommand.writeSource(java[0], keepSources, inputs);
      } catch (OutputFile.Failure f) {
        err.println(f.getMessage());
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
    }
    long t3 = System.nanoTime();
    Fitted result;
    DataBinder binder = new DataBinder(api, plan.graph());
    Progress progress = new Progress(err, quiet);
    try {
      Class<?> cls = classes.loader().loadClass(api.className());
      Object builder = cls.getMethod("builder").invoke(null);
      applySets(builder, api, setValues, err);
      Object m = builder.getClass().getMethod("build").invoke(builder);
      Class<?> dataClass = classes.loader().loadClass(api.className() + "$Data");
      Object d = dataClass.getConstructor().newInstance();
      doing = "binding the data";
      binder.bind(d, tables, assigned);
      Object priorFit = null;
      if (prior != null) {
        doing = "reading " + prior;
        priorFit = PriorFit.load(cls, prior);
      }
      FitOptions options = FitOptions.defaults().withMaxIterations(iterations).withTolerance(tolerance)
          .withSeed(seed).withRestarts(restarts).withThreads(threads).withLocalIterations(localIterations)
          .withLocalRestarts(!noLocalRestarts);
      doing = "fitting";
      result = SessionFit.run(m, dataClass, d, priorFit, options, progress, api);
      progress.done();
    } catch (DataError e) {
      progress.done();
      err.println(e.render());
      throw new Stop(VModelCli.EXIT_ERRORS);
    } catch (PriorFit.Failure e) {
      progress.done();
      err.println(e.getMessage());
      throw new Stop(e.internal() ? VModelCli.EXIT_INTERNAL : VModelCli.EXIT_ERRORS);
    } catch (SessionFit.Breakdown e) {
      progress.done();
      err.println(model + ": error: " + e.getMessage());
      err.println("  = hint: values outside what the model's distributions allow cause this: check the data and"
          + " hyperparameters this factor's update uses (for example a count above its number of trials, a"
          + " negative count, or an extreme --set value)");
      throw new Stop(VModelCli.EXIT_ERRORS);
    } catch (InvocationTargetException e) {
      progress.done();
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
        // a prior fit whose global sizes differ: "size K is 6 in the prior fit but 4 here; ..."
        boolean fromPrior = prior != null && cause.getMessage() != null && cause.getMessage().contains("in the prior fit");
        err.println((fromPrior ? prior : model) + ": error: " + cause.getMessage());
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
      err.println("vmodel: internal error: " + cause);
      err.println("This is a bug in vmodel; please report it with the model and data files.");
      throw new Stop(VModelCli.EXIT_INTERNAL);
    } catch (ReflectiveOperationException e) {
      progress.done();
      err.println("vmodel: internal error: " + e);
      throw new Stop(VModelCli.EXIT_INTERNAL);
    }
    long t4 = System.nanoTime();
    doing = "writing the results";
    String printed = format == Format.JSON ? json(result, (t4 - t3) / 1e9, err) : null;
    if (out != null) {
      save(result, inputs, err);
    }
    if (format == Format.JSON) {
      stdout.print(printed);
    } else {
      Summary.print(stdout, plan, api, result, source.path(), tables, (t4 - t3) / 1e9);
    }
    stdout.flush();
    if (!result.converged() && !quiet) {
      err.printf(Locale.ROOT, "vmodel fit: warning: stopped at the limit of %d sweeps before the ELBO converged"
          + " (its last relative change %.1e is above --tol %.1e), so the posterior may not be the optimum yet;"
          + " allow more sweeps (e.g. --iters %d) or accept a looser tolerance (--tol)%n", result.iterations(),
          result.lastChange(), tolerance, suggestedIterations());
    }
    if (timings) {
      String compile = String.format(Locale.ROOT, "%.3f s", (t3 - t1 - generation[0]) / 1e9);
      err.printf(Locale.ROOT, "timings: front end and derivation %.3f s, reading data included; %s; %s; fit %.3f s"
          + " (JVM start-up not included)%n", (t1 - t0) / 1e9,
          classes.generated() ? String.format(Locale.ROOT, "generation %.3f s", generation[0] / 1e9)
              : "generation not needed",
          classes.fromCache() ? "javac not needed (classes from the cache, " + compile + ")" : "javac " + compile,
          (t4 - t3) / 1e9);
    }
    return 0;
  }

  /**
   * {@code fit --spark}: the model must split (its class implements SplitModel); the data are read
   * and the fit is run by the Spark backend found on the class path ({@link SplitBackend}), and
   * the result (the global factors) is printed and saved as a single-JVM fit's is.
   */
  private int runOnSpark(SourceFile source, UpdatePlan plan, GeneratedApi api, Map<String, String> setValues,
      PrintWriter stdout, PrintWriter err) throws Stop {
    Optional<String> why = ModelWriter.splitUnsupported(plan);
    if (why.isPresent()) {
      err.println(model + ": error: model " + plan.graph().name() + " cannot run on Spark: its sweep does not split"
          + " into a pass over parts of the rows and global updates, because " + why.get());
      err.println("  = hint: fit it without --spark (docs/spark.md lists which models split)");
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    if (prior != null) {
      throw usage(err, "--prior cannot be combined with --spark yet: fit on Spark from the model's priors");
    }
    String rows = sparkRows("--spark", err);
    List<OutputFile.Input> inputs = inputs(rows);
    if (out != null) {
      try {
        OutputFile.check(out, inputs, "give a file name to write the posterior to");
      } catch (OutputFile.Failure f) {
        err.println(out + ": error: " + f.getMessage());
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
    }
    SplitBackend backend = sparkBackend(err);
    ModelClasses classes;
    try {
      classes = ModelClasses.load(source, plan.graph().name(), PACKAGE, () -> ModelWriter.write(plan,
          Optional.of(PACKAGE)), noCache, FitCommand.class.getClassLoader());
    } catch (InMemoryCompiler.CompilationFailed e) {
      err.println("vmodel: internal error: " + e.getMessage());
      err.println("This is a bug in vmodel; please report it with the model file.");
      throw new Stop(VModelCli.EXIT_INTERNAL);
    }
    long t0 = System.nanoTime();
    Fitted result;
    Progress progress = new Progress(err, quiet);
    try {
      Class<?> cls = classes.loader().loadClass(api.className());
      Object builder = cls.getMethod("builder").invoke(null);
      applySets(builder, api, setValues, err);
      SplitModel m = (SplitModel) builder.getClass().getMethod("build").invoke(builder);
      FitOptions options = FitOptions.defaults().withMaxIterations(iterations).withTolerance(tolerance)
          .withSeed(seed).withThreads(1).withLocalIterations(localIterations).withLocalRestarts(!noLocalRestarts)
          .withListener(progress);
      doing = "fitting on Spark";
      FitResult r = backend.fit(m, rows, spark, options, err);
      progress.done();
      double[] trace = r.elboTrace();
      double last = trace.length < 2 ? Double.POSITIVE_INFINITY
          : Math.abs(trace[trace.length - 1] - trace[trace.length - 2]) / Math.max(1.0, Math.abs(trace[trace.length - 1]));
      result = new Fitted(r, r.converged(), last);
    } catch (DataException e) {
      progress.done();
      err.println(rows + ": error: " + e.getMessage());
      throw new Stop(VModelCli.EXIT_ERRORS);
    } catch (IllegalArgumentException | ArithmeticException e) {
      progress.done();
      err.println(rows + ": error: " + e.getMessage());
      throw new Stop(VModelCli.EXIT_ERRORS);
    } catch (InvocationTargetException e) {
      progress.done();
      err.println("vmodel: internal error: " + e.getCause());
      throw new Stop(VModelCli.EXIT_INTERNAL);
    } catch (ReflectiveOperationException e) {
      progress.done();
      err.println("vmodel: internal error: " + e);
      throw new Stop(VModelCli.EXIT_INTERNAL);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (out != null) {
      save(result, inputs, err);
    }
    if (format == Format.JSON) {
      stdout.print(json(result, seconds, err));
    } else {
      Summary.printGlobals(stdout, plan, api, result, source.path(), rows + ", on Spark", seconds);
    }
    stdout.flush();
    if (!result.converged() && !quiet) {
      err.printf(Locale.ROOT, "vmodel fit: warning: stopped at the limit of %d sweeps before the ELBO converged;"
          + " allow more sweeps (--iters) or accept a looser tolerance (--tol)%n", result.iterations());
    }
    return 0;
  }

  /**
   * The one data set {@code --spark} reads ({@code option} names the options in the message): a
   * Parquet file or directory, a CSV file, or a cluster URI; a local one must exist.
   */
  private String sparkRows(String option, PrintWriter err) throws Stop {
    if (data.size() != 1 || data.get(0).contains("=") && !Files.exists(Path.of(data.get(0)))) {
      throw usage(err, option + " reads one data set: give --data once, a Parquet file or directory or a CSV file"
          + " (columns named as the model's data arrays, vectors as x[0], x[1], ... or one array column)");
    }
    String rows = data.get(0);
    if (!rows.contains("://") && !Files.exists(Path.of(rows))) {
      err.println(rows + ": error: no such file or directory (--data with --spark takes a Parquet file or"
          + " directory, or a CSV file; a cluster path as hdfs://... or s3a://...)");
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    return rows;
  }

  /** What --out must not overwrite: the model file, and the data unless they are a cluster URI. */
  private List<OutputFile.Input> inputs(String rows) {
    List<OutputFile.Input> inputs = new ArrayList<>();
    inputs.add(new OutputFile.Input(model, "the model file"));
    if (!rows.contains("://")) {
      inputs.add(new OutputFile.Input(Path.of(rows), "a data file"));
    }
    return inputs;
  }

  /** The Spark backend on the class path, or an error saying how to put it there. */
  private static SplitBackend sparkBackend(PrintWriter err) throws Stop {
    for (SplitBackend b : ServiceLoader.load(SplitBackend.class, FitCommand.class.getClassLoader())) {
      if (b.name().equals("spark")) {
        return b;
      }
    }
    err.println("vmodel fit: error: --spark needs the vmodel-spark jar and Spark on the class path: run"
        + " bin/vmodel from a checkout built with `mvn -DskipTests package` (it adds spark/target/lib for --spark),"
        + " or spark-submit the jar spark/target/vmodel-spark-*-all.jar (docs/spark.md)");
    throw new Stop(VModelCli.EXIT_ERRORS);
  }

  /**
   * {@code fit --svi}: stochastic VI over minibatches of one CSV file streamed from disk
   * ({@link CsvRows}), for a model that splits; prints and saves the global factors as a fit does,
   * with the whole data's ELBO of one last pass.
   */
  private int runStochastic(SourceFile source, UpdatePlan plan, GeneratedApi api, Map<String, String> setValues,
      PrintWriter stdout, PrintWriter err) throws Stop {
    Optional<String> why = ModelWriter.splitUnsupported(plan);
    if (why.isPresent()) {
      err.println(model + ": error: model " + plan.graph().name() + " cannot be fitted with --svi: its sweep does not"
          + " split into a pass over batches of rows and global updates, because " + why.get());
      err.println("  = hint: fit it without --svi (docs/spark.md lists which models split)");
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    if (prior != null) {
      throw usage(err, "--prior cannot be combined with --svi yet");
    }
    if (spark == null && (data.size() != 1 || !data.get(0).toLowerCase(Locale.ROOT).endsWith(".csv"))) {
      throw usage(err, "--svi streams one CSV file: give --data FILE.csv once (columns named as the model's data"
          + " arrays, vectors as x[0], x[1], ...); for Parquet add --spark [MASTER]");
    }
    StochasticOptions so;
    try {
      so = new StochasticOptions(batchSize, tau0, kappa, epochs);
    } catch (IllegalArgumentException e) {
      throw usage(err, e.getMessage());
    }
    String where = spark != null ? sparkRows("--svi --spark", err) : data.get(0);
    Path file = where.contains("://") ? null : Path.of(where);
    if (spark == null && !Files.isRegularFile(file)) {
      err.println(file + ": error: " + (Files.exists(file) ? "not a regular file" : "no such file"));
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    List<OutputFile.Input> inputs = inputs(where);
    SplitBackend backend = spark == null ? null : sparkBackend(err);
    if (out != null) {
      try {
        OutputFile.check(out, inputs, "give a file name to write the posterior to");
      } catch (OutputFile.Failure f) {
        err.println(out + ": error: " + f.getMessage());
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
    }
    ModelClasses classes;
    try {
      classes = ModelClasses.load(source, plan.graph().name(), PACKAGE, () -> ModelWriter.write(plan,
          Optional.of(PACKAGE)), noCache, FitCommand.class.getClassLoader());
    } catch (InMemoryCompiler.CompilationFailed e) {
      err.println("vmodel: internal error: " + e.getMessage());
      throw new Stop(VModelCli.EXIT_INTERNAL);
    }
    long t0 = System.nanoTime();
    Fitted result;
    try {
      Class<?> cls = classes.loader().loadClass(api.className());
      Object builder = cls.getMethod("builder").invoke(null);
      applySets(builder, api, setValues, err);
      SplitModel m = (SplitModel) builder.getClass().getMethod("build").invoke(builder);
      CsvRows rows = null;
      if (backend == null) {
        doing = "reading " + file + " (the first pass: rows, batches, categories)";
        rows = new CsvRows(m, file, batchSize, seed, holdout);
        if (!quiet) {
          err.printf(Locale.ROOT, "vmodel fit --svi: %s: %d rows, %d %s in %d batches of %d%s; tau0 %s, kappa %s,"
              + " %d epochs%n", file, rows.rows(), rows.units(), grouped(m) ? "groups" : "rows for training",
              rows.batchCount(), batchSize, holdout > 0 ? ", " + rows.heldOutUnits() + " held out" : "", tau0, kappa,
              epochs);
          err.flush();
        }
      }
      FitOptions options = FitOptions.defaults().withSeed(seed).withThreads(threads)
          .withLocalIterations(localIterations).withLocalRestarts(!noLocalRestarts);
      long[] start = {System.nanoTime()};
      StochasticFit.Listener listener = new StochasticFit.Listener() {
        long seen;

        @Override
        public void step(long epoch, long step, long units, double estimate) {
          if (step == 1) {
            start[0] = System.nanoTime(); // after the reading's first pass (Spark's: its jobs)
          }
          seen = units;
        }

        @Override
        public boolean estimates() {
          return false; // only epochs are printed: no ELBO evaluation per step
        }

        @Override
        public void epoch(long epoch, long steps, double heldOut) {
          if (quiet) {
            return;
          }
          double secs = (System.nanoTime() - start[0]) / 1e9;
          err.printf(Locale.ROOT, "epoch %3d  steps %6d  %.0f %s/s%s  %.2f s%n", epoch + 1, steps,
              seen / secs, grouped(m) ? "groups" : "rows",
              Double.isNaN(heldOut) ? "" : String.format(Locale.ROOT, "  held-out bound per %s %.6f",
                  grouped(m) ? "group" : "row", heldOut), secs);
          err.flush();
        }
      };
      doing = "fitting with --svi";
      FitResult r;
      if (backend != null) {
        r = backend.fitStochastic(m, where, spark, so, options, holdout, listener, err);
      } else {
        CsvRows csv = rows;
        StochasticFit.HeldOut held = holdout > 0 ? new StochasticFit.HeldOut(csv::heldOut, csv.heldOutUnits()) : null;
        r = StochasticFit.run(m, rows, null, held, so, options, listener);
      }
      result = new Fitted(r, true, 0.0);
    } catch (DataException e) {
      err.println(backend != null ? where + ": error: " + e.getMessage() : e.getMessage());
      throw new Stop(VModelCli.EXIT_ERRORS);
    } catch (IllegalArgumentException | ArithmeticException e) {
      err.println(where + ": error: " + e.getMessage());
      throw new Stop(VModelCli.EXIT_ERRORS);
    } catch (java.io.UncheckedIOException e) {
      err.println(where + ": error: " + e.getMessage());
      throw new Stop(VModelCli.EXIT_ERRORS);
    } catch (InvocationTargetException e) {
      err.println("vmodel: internal error: " + e.getCause());
      throw new Stop(VModelCli.EXIT_INTERNAL);
    } catch (ReflectiveOperationException e) {
      err.println("vmodel: internal error: " + e);
      throw new Stop(VModelCli.EXIT_INTERNAL);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (out != null) {
      save(result, inputs, err);
    }
    if (format == Format.JSON) {
      stdout.print(json(result, seconds, err));
    } else {
      Summary.printGlobals(stdout, plan, api, result, source.path(), where + (spark != null ? ", stochastic VI on Spark" : ", stochastic VI"), seconds);
    }
    stdout.flush();
    return 0;
  }

  private static boolean grouped(SplitModel m) {
    return m.columns().stream().anyMatch(SplitModel.Column::group);
  }

  /**
   * Writes the posterior JSON of a fit to {@code --out}, streamed ({@link OutputFile}): a fit of
   * 10^7 rows holds every row's local factors, gigabytes of text that a string of it would hold
   * twice over in the heap.
   */
  private void save(Fitted result, List<OutputFile.Input> inputs, PrintWriter err) throws Stop {
    try {
      OutputFile.write(out, o -> {
        java.io.Writer w = new java.io.OutputStreamWriter(o, java.nio.charset.StandardCharsets.UTF_8);
        try {
          PosteriorJson.write(result, 0, noLocals, w);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }, inputs, "give a file name to write the posterior to");
    } catch (OutputFile.Failure f) {
      err.println(out + ": error: " + f.getMessage());
      throw new Stop(VModelCli.EXIT_ERRORS);
    } catch (RuntimeException e) {
      err.println("vmodel: internal error: the posterior could not be written: " + e);
      err.println("This is a bug in vmodel; please report it with the model and data files.");
      throw new Stop(VModelCli.EXIT_INTERNAL);
    }
  }

  /** The posterior JSON of a fit ({@link PosteriorJson}); {@code seconds} is printed if positive. */
  private static String json(Fitted result, double seconds, PrintWriter err) throws Stop {
    try {
      return PosteriorJson.render(result, seconds);
    } catch (ReflectiveOperationException | RuntimeException e) {
      err.println("vmodel: internal error: the posterior could not be written: " + e);
      err.println("This is a bug in vmodel; please report it with the model and data files.");
      throw new Stop(VModelCli.EXIT_INTERNAL);
    }
  }

  /**
   * What is known of the problem's size when the heap ran out: the data files' size (the fit
   * holds every value as an 8-byte double, several arrays of them) and the sizes set with --set
   * (every array over such a size holds that many doubles per element of its other indices).
   */
  private String memoryDetail() {
    List<String> parts = new ArrayList<>();
    if (dataBytes >= 0) {
      parts.add("the data files hold " + VModelCli.bytes(dataBytes) + " of text, and the fit keeps several arrays"
          + " of 8-byte values per value read");
    }
    for (Map.Entry<String, String> e : sizesSet.entrySet()) {
      try {
        long n = Long.parseLong(e.getValue().replace("+", ""));
        parts.add("an array over " + e.getKey() + " = " + n + " takes " + VModelCli.bytes(8 * n)
            + " per element of its other indices");
      } catch (NumberFormatException notANumber) {
        // reported as a usage error before anything was allocated
      }
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  /** Four times the sweeps run, within int range. */
  private int suggestedIterations() {
    return (int) Math.min(Integer.MAX_VALUE, 4L * iterations);
  }

  private void checkRange(String option, int value) throws Stop {
    if (value < 1) {
      throw usage(spec.commandLine().getErr(), option + " must be at least 1, got " + value);
    }
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

  private List<String> bundledData(PrintWriter err) throws Stop {
    String stem = model.getFileName().toString().replaceFirst("\\.vmodel$", "");
    Path dir = model.toAbsolutePath().getParent();
    for (Path candidate : List.of(dir.resolve("data").resolve(stem + ".csv"), dir.resolve(stem + ".csv"),
        dir.resolve("data").resolve(stem + ".json"), dir.resolve(stem + ".json"))) {
      if (Files.isRegularFile(candidate)) {
        Path rel = Path.of("").toAbsolutePath().relativize(candidate);
        return List.of(rel.toString());
      }
    }
    throw usage(err, "no --data given and no bundled data file (data/" + stem + ".csv beside the model)");
  }

  private static Table readTable(Path file, GeneratedApi api, PrintWriter err) throws Stop {
    try {
      return DataFiles.read(file, DataBinder.columnsOf(api));
    } catch (DataError e) {
      err.println(e.render());
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
  }

  /** Decimal numbers as written on a command line: no suffix (2d), hex, Infinity or NaN. */
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d+)?|\\.\\d+)([eE][+-]?\\d+)?");

  private static final Pattern WHOLE = Pattern.compile("[+-]?\\d+");

  /**
   * The --set options ({@code NAME=VALUE} as given) by name, each checked for its syntax and named at most once: a name set
   * twice is an error naming both options, not the last one silently winning.
   */
  private Map<String, String> parseSets(GeneratedApi api, PrintWriter err) throws Stop {
    Map<String, String> option = new LinkedHashMap<>();
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw usage(err, "--set takes NAME=VALUE, got '" + s + "'");
      }
      String name = s.substring(0, eq).strip();
      String value = s.substring(eq + 1).strip();
      if (option.containsKey(name)) {
        throw usage(err, "--set " + option.get(name) + " and --set " + s + " both set '" + name
            + "'; give each name once");
      }
      GeneratedApi.Setter size = api.sizes().get(name);
      GeneratedApi.Setter hyper = api.hypers().get(name);
      if (size != null) {
        if (!WHOLE.matcher(value).matches()) {
          throw usage(err, "--set " + s + ": size " + name + " takes a whole number, got '" + value + "'");
        }
        sizesSet.put(name, value);
      } else if (hyper != null) {
        if (hyper.type() instanceof Type.Vector) {
          for (String part : value.split(",", -1)) {
            number(s, name, part.strip(), err);
          }
        } else if (hyper.type() instanceof Type.Scalar) {
          number(s, name, value, err);
        } else {
          throw usage(err, "--set " + s + ": hyper " + name + " is a matrix; set it through the generated API");
        }
      } else {
        List<String> known = new ArrayList<>(api.sizes().keySet());
        known.addAll(api.hypers().keySet());
        throw usage(err, "--set " + s + ": the model has no size or hyperparameter '" + name + "'; it has "
            + (known.isEmpty() ? "none" : String.join(", ", known)));
      }
      option.put(name, s);
    }
    return option;
  }

  private void applySets(Object builder, GeneratedApi api, Map<String, String> values, PrintWriter err)
      throws Stop, ReflectiveOperationException {
    for (Map.Entry<String, String> e : values.entrySet()) {
      String name = e.getKey();
      String s = e.getValue();
      String value = s.substring(s.indexOf('=') + 1).strip();
      GeneratedApi.Setter size = api.sizes().get(name);
      GeneratedApi.Setter hyper = api.hypers().get(name);
      try {
        if (size != null) {
          int v;
          try {
            v = Integer.parseInt(value.startsWith("+") ? value.substring(1) : value);
          } catch (NumberFormatException tooLarge) {
            throw usage(err, "--set " + s + ": size " + name + " must be at most " + Integer.MAX_VALUE
                + ", got " + value);
          }
          builder.getClass().getMethod(size.method(), int.class).invoke(builder, v);
        } else if (hyper.type() instanceof Type.Vector) {
          String[] parts = value.split(",", -1);
          double[] v = new double[parts.length];
          for (int i = 0; i < parts.length; i++) {
            v[i] = number(s, name, parts[i].strip(), err);
          }
          builder.getClass().getMethod(hyper.method(), double[].class).invoke(builder, (Object) v);
        } else {
          builder.getClass().getMethod(hyper.method(), double.class).invoke(builder, number(s, name, value, err));
        }
      } catch (InvocationTargetException ex) {
        throw usage(err, "--set " + s + ": " + ex.getCause().getMessage());
      }
    }
  }

  private double number(String s, String name, String value, PrintWriter err) throws Stop {
    if (!NUMBER.matcher(value).matches()) {
      throw usage(err, "--set " + s + ": hyper " + name + " takes a number, got '" + value + "'");
    }
    return Double.parseDouble(value);
  }

  private static Stop usage(PrintWriter err, String message) {
    err.println("vmodel fit: " + message);
    err.println("Try 'vmodel fit --help' for more information.");
    return new Stop(VModelCli.EXIT_USAGE);
  }

  /** Prints sweeps on stderr: a live line on a terminal, plain lines otherwise. */
  private static final class Progress implements dev.vmodel.runtime.fit.SweepListener {
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean live = System.console() != null;
    private final long start = System.nanoTime();
    private double previous = Double.NaN;
    private boolean printed;

    Progress(PrintWriter err, boolean quiet) {
      this.err = err;
      this.quiet = quiet;
    }

    @Override
    public void sweep(int restart, int iteration, double elbo) {
      if (quiet) {
        return;
      }
      double rel = iteration == 1 || Double.isNaN(previous) ? Double.NaN
          : Math.abs(elbo - previous) / Math.max(1.0, Math.abs(elbo));
      previous = elbo;
      String line = String.format(Locale.ROOT, "%ssweep %4d  ELBO %.6f  change %s  %.2f s",
          restart > 0 ? "restart " + restart + "  " : "", iteration, elbo,
          Double.isNaN(rel) ? "    -    " : String.format(Locale.ROOT, "%.2e", rel), (System.nanoTime() - start) / 1e9);
      if (live) {
        err.print("\r" + line + "   ");
      } else {
        err.println(line);
      }
      err.flush();
      printed = true;
    }

    void done() {
      if (live && printed && !quiet) {
        err.println();
      }
    }
  }
}
