package dev.vmodel.compiler.diag;

import java.util.Locale;

/** How bad a diagnostic is: errors stop compilation, warnings do not. */
public enum Severity {
  ERROR,
  WARNING;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
