package dev.vmodel.compiler.diag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Collects diagnostics across a compilation so that one run reports every independent mistake.
 * Stages add to it and keep going; the driver decides whether to continue after a stage.
 */
public final class Diagnostics {
  private final List<Diagnostic> list = new ArrayList<>();

  public void error(Code code, Span span, String message) {
    add(Severity.ERROR, code, span, message, null);
  }

  public void error(Code code, Span span, String message, String hint) {
    add(Severity.ERROR, code, span, message, hint);
  }

  public void warning(Code code, Span span, String message) {
    add(Severity.WARNING, code, span, message, null);
  }

  public void warning(Code code, Span span, String message, String hint) {
    add(Severity.WARNING, code, span, message, hint);
  }

  public void add(Diagnostic d) {
    list.add(d);
  }

  private void add(Severity s, Code code, Span span, String message, String hint) {
    list.add(new Diagnostic(s, code, span, message, Optional.ofNullable(hint)));
  }

  public boolean hasErrors() {
    return list.stream().anyMatch(Diagnostic::isError);
  }

  public long errorCount() {
    return list.stream().filter(Diagnostic::isError).count();
  }

  public long warningCount() {
    return list.size() - errorCount();
  }

  /** All diagnostics in source order (then in the order they were found). */
  public List<Diagnostic> sorted() {
    List<Diagnostic> copy = new ArrayList<>(list);
    copy.sort(
        Comparator.comparing((Diagnostic d) -> d.span().file())
            .thenComparingInt(d -> d.span().line())
            .thenComparingInt(d -> d.span().column()));
    return List.copyOf(copy);
  }

  public List<Diagnostic> all() {
    return List.copyOf(list);
  }
}
