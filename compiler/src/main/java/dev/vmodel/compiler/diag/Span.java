package dev.vmodel.compiler.diag;

/**
 * A region of a source file: 1-based line and column of the first character, and of the
 * last character (inclusive). Every AST node carries one, and every diagnostic points at one.
 */
public record Span(String file, int line, int column, int endLine, int endColumn) {

  /** The smallest span covering both. */
  public Span to(Span other) {
    boolean thisFirst = line < other.line || (line == other.line && column <= other.column);
    Span first = thisFirst ? this : other;
    boolean thisLast =
        endLine > other.endLine || (endLine == other.endLine && endColumn >= other.endColumn);
    Span last = thisLast ? this : other;
    return new Span(file, first.line, first.column, last.endLine, last.endColumn);
  }

  /** `line:column`, as diagnostics print it. */
  public String position() {
    return line + ":" + column;
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
