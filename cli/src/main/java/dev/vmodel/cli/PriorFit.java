package dev.vmodel.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vmodel fit --prior FIT.json}: reads a previous fit's posterior through the generated
 * class's static {@code load(Path)} (the posterior file of docs/posterior-json.md), as a {@code
 * Result} that {@code start(data, options, prior)} then updates with the new data.
 */
final class PriorFit {
  private PriorFit() {}

  /** A prior file that cannot be used: the message is the line to print, {@code FILE[:LINE:COLUMN]: error: ...}. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean internal;

    Failure(String message, boolean internal) {
      super(message, null, false, false);
      this.internal = internal;
    }

    /** Whether this is vmodel's fault, not the file's. */
    boolean internal() {
      return internal;
    }
  }

  /**
   * The posterior in {@code file}, loaded by the generated model class {@code model}: a file of
   * another model (another source hash), a malformed file or unreadable one is a {@link Failure}
   * carrying the loader's message (which locates the problem in the file).
   */
  static Object load(Class<?> model, Path file) throws Failure {
    String name = file.toString();
    Method load;
    try {
      load = model.getMethod("load", Path.class);
    } catch (NoSuchMethodException e) {
      throw new Failure(name + ": error: this vmodel cannot read posterior files yet (the generated "
          + model.getSimpleName() + " has no load(Path))", true);
    }
    try {
      return load.invoke(null, file);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof OutOfMemoryError oom) {
        throw oom;
      }
      if (cause instanceof RuntimeException || cause instanceof java.io.IOException) {
        String m = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        // The loader's messages start with the file and the position of the problem: FILE:LINE:COLUMN: what.
        Matcher at = Pattern.compile("^(" + Pattern.quote(name) + "(:\\d+:\\d+)?): (.*)$", Pattern.DOTALL).matcher(m);
        throw new Failure(at.matches() ? at.group(1) + ": error: " + at.group(3) : name + ": error: " + m, false);
      }
      throw new Failure(name + ": error: internal error while reading it: " + cause, true);
    } catch (IllegalAccessException e) {
      throw new Failure(name + ": error: internal error: " + e, true);
    }
  }
}
