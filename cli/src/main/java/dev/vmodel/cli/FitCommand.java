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
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
  int iterations = 500;

  @Option(names = "--tol", paramLabel = "T",
      description = "Stop when the ELBO's relative change is below T (default ${DEFAULT-VALUE}).")
  double tolerance = 1e-8;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed = 0;

  @Option(names = "--restarts", paramLabel = "R", description = "Random restarts; the best ELBO wins (default ${DEFAULT-VALUE}).")
  int restarts = 1;

  @Option(names = "--threads", paramLabel = "T",
      description = "Threads for the row loops (default: all processors; the result is the same for any T).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--out", paramLabel = "FILE", description = "Write the full posterior as JSON (docs/posterior-json.md).")
  Path out;

  @Option(names = "--format", paramLabel = "FORMAT", description = "Summary format: table or json (default ${DEFAULT-VALUE}).")
  String format = "table";

  @Option(names = "--quiet", description = "No progress and no summary (errors still print).")
  boolean quiet;

  @Option(names = "--keep-sources", paramLabel = "DIR", description = "Also write the generated Java source to DIR.")
  Path keepSources;

  @Option(names = "--timings", description = "Print how long generation, compilation and fitting took.")
  boolean timings;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

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
    } finally {
      err.flush();
      stdout.flush();
    }
  }

  private int run(PrintWriter stdout, PrintWriter err) throws Stop {
    if (!format.equals("table") && !format.equals("json")) {
      throw usage(err, "--format must be 'table' or 'json', got '" + format + "'");
    }
    if (iterations < 1 || restarts < 1 || threads < 1 || !(tolerance >= 0)) {
      throw usage(err, "--iters, --restarts and --threads must be at least 1 and --tol non-negative");
    }
    long t0 = System.nanoTime();
    SourceFile source = SourceFiles.read(model, err);
    if (source == null) {
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    Compiler.Result compiled = Compiler.plan(source);
    SourceFiles.report(source, compiled.diagnostics(), err, !quiet);
    if (compiled.hasErrors()) {
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
    UpdatePlan plan = choosePlan(compiled.plans(), err);
    GeneratedApi api = GeneratedApi.of(plan, Optional.of("vmodel.generated"));

    // Data files: read and check them all before compiling anything.
    List<Table> tables = new ArrayList<>();
    Map<String, Table> assigned = new LinkedHashMap<>();
    List<String> files = data.isEmpty() ? bundledData(err) : data;
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
      Table t = readTable(Path.of(file), api, err);
      tables.add(t);
      if (name != null) {
        assigned.put(name, t);
      }
    }
    long t1 = System.nanoTime();
    JavaFile java = ModelWriter.write(plan, Optional.of("vmodel.generated"));
    long t2 = System.nanoTime();
    ClassLoader loader;
    try {
      loader = InMemoryCompiler.compile(List.of(java), System.getProperty("java.class.path"),
          FitCommand.class.getClassLoader());
    } catch (InMemoryCompiler.CompilationFailed e) {
      err.println("vmodel: internal error: " + e.getMessage());
      err.println("This is a bug in vmodel; please report it with the model file.");
      throw new Stop(70);
    }
    if (keepSources != null) {
      try {
        java.writeTo(keepSources);
      } catch (IOException e) {
        err.println(keepSources + ": error: cannot write the generated source: " + e.getMessage());
        throw new Stop(VModelCli.EXIT_ERRORS);
      }
    }
    long t3 = System.nanoTime();
    FitResult result;
    DataBinder binder = new DataBinder(api, plan.graph());
    Progress progress = new Progress(err, quiet);
    try {
      Class<?> cls = loader.loadClass(api.className());
      Object builder = cls.getMethod("builder").invoke(null);
      applySets(builder, api, err);
      Object m = builder.getClass().getMethod("build").invoke(builder);
      Class<?> dataClass = loader.loadClass(api.className() + "$Data");
      Object d = dataClass.getConstructor().newInstance();
      binder.bind(d, tables, assigned);
      FitOptions options = FitOptions.defaults().withMaxIterations(iterations).withTolerance(tolerance)
          .withSeed(seed).withRestarts(restarts).withThreads(threads).withListener(progress);
      result = (FitResult) cls.getMethod("fit", dataClass, FitOptions.class).invoke(m, d, options);
      progress.done();
    } catch (DataError e) {
      progress.done();
      err.println(e.render());
      throw new Stop(VModelCli.EXIT_ERRORS);
    } catch (InvocationTargetException e) {
      progress.done();
      Throwable cause = e.getCause();
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
      err.println("This is a bug in vmodel; please report it with the model and data files.");
      throw new Stop(70);
    } catch (ReflectiveOperationException e) {
      progress.done();
      err.println("vmodel: internal error: " + e);
      throw new Stop(70);
    }
    long t4 = System.nanoTime();
    if (out != null) {
      writeJson(result, plan, api, err);
    }
    if (!quiet) {
      if (format.equals("json")) {
        stdout.println(PosteriorJson.render(plan, api, result, (t4 - t3) / 1e9));
      } else {
        Summary.print(stdout, plan, api, result, source.path(), tables, (t4 - t3) / 1e9);
      }
    }
    if (timings) {
      err.printf(Locale.ROOT, "timings: front end and derivation %.3f s, reading data included; generation %.3f s;"
          + " javac %.3f s; fit %.3f s (JVM start-up not included)%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
          (t3 - t2) / 1e9, (t4 - t3) / 1e9);
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

  private void applySets(Object builder, GeneratedApi api, PrintWriter err) throws Stop, ReflectiveOperationException {
    for (String s : sets) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw usage(err, "--set takes NAME=VALUE, got '" + s + "'");
      }
      String name = s.substring(0, eq).strip();
      String value = s.substring(eq + 1).strip();
      GeneratedApi.Setter size = api.sizes().get(name);
      GeneratedApi.Setter hyper = api.hypers().get(name);
      try {
        if (size != null) {
          int v;
          try {
            v = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw usage(err, "--set " + s + ": size " + name + " takes a whole number, got '" + value + "'");
          }
          builder.getClass().getMethod(size.method(), int.class).invoke(builder, v);
        } else if (hyper != null) {
          Type t = hyper.type();
          if (t instanceof Type.Scalar) {
            builder.getClass().getMethod(hyper.method(), double.class).invoke(builder, number(s, name, value, err));
          } else if (t instanceof Type.Vector) {
            String[] parts = value.split(",");
            double[] v = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
              v[i] = number(s, name, parts[i].strip(), err);
            }
            builder.getClass().getMethod(hyper.method(), double[].class).invoke(builder, (Object) v);
          } else {
            throw usage(err, "--set " + s + ": hyper " + name + " is a matrix; set it through the generated API");
          }
        } else {
          List<String> known = new ArrayList<>(api.sizes().keySet());
          known.addAll(api.hypers().keySet());
          throw usage(err, "--set " + s + ": the model has no size or hyperparameter '" + name + "'; it has "
              + (known.isEmpty() ? "none" : String.join(", ", known)));
        }
      } catch (InvocationTargetException e) {
        throw usage(err, "--set " + s + ": " + e.getCause().getMessage());
      }
    }
  }

  private double number(String s, String name, String value, PrintWriter err) throws Stop {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw usage(err, "--set " + s + ": hyper " + name + " takes a number, got '" + value + "'");
    }
  }

  private static Stop usage(PrintWriter err, String message) {
    err.println("vmodel fit: " + message);
    err.println("Try 'vmodel fit --help' for more information.");
    return new Stop(VModelCli.EXIT_USAGE);
  }

  private void writeJson(FitResult result, UpdatePlan plan, GeneratedApi api, PrintWriter err) throws Stop {
    String json = PosteriorJson.render(plan, api, result, 0);
    try {
      Path parent = out.toAbsolutePath().getParent();
      Path tmp = Files.createTempFile(parent, ".vmodel-", ".json");
      Files.writeString(tmp, json);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      err.println(out + ": error: cannot write: " + e.getMessage());
      throw new Stop(VModelCli.EXIT_ERRORS);
    }
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
