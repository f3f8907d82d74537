package dev.vmodel.compiler.diag;

/**
 * A bug in vmodel, not a user mistake. Kept apart from {@link Diagnostic}s: front ends print it
 * with a request to report it, and tests treat it as a failure.
 */
public final class InternalCompilerError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InternalCompilerError(String message) {
    super(message);
  }

  public InternalCompilerError(String message, Throwable cause) {
    super(message, cause);
  }
}
