package dev.vmodel.compiler.diag;

import java.util.Objects;
import java.util.Optional;

/**
 * One problem found in a user's model: what is wrong, where, and (where one exists) what would
 * fix it. User mistakes are always reported this way, never as exceptions.
 */
public record Diagnostic(Severity severity, Code code, Span span, String message, Optional<String> hint) {

  public Diagnostic {
    Objects.requireNonNull(severity);
    Objects.requireNonNull(code);
    Objects.requireNonNull(span);
    Objects.requireNonNull(message);
    Objects.requireNonNull(hint);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The first line as a compiler prints it: `path:line:col: error[E010]: message`. */
  public String headline() {
    return span + ": " + severity.label() + "[" + code.id() + "]: " + message;
  }
}
