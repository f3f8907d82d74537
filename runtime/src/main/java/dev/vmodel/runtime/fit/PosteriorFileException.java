package dev.vmodel.runtime.fit;

import java.io.IOException;

/**
 * A saved posterior that cannot be loaded: not JSON, a field missing or of the wrong type, an
 * array whose length does not match the sizes the file declares, a family other than the
 * model's. The message is {@code FILE:LINE:COLUMN: what is wrong}, the position being where the
 * offending value starts in the file (or the enclosing object's, for a missing field).
 */
public class PosteriorFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final int column;
  private final String problem;

  public PosteriorFileException(String file, int line, int column, String problem) {
    super(file + (line > 0 ? ":" + line + ":" + column : "") + ": " + problem);
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  /** The file's name as given to the reader (a path, or a description such as "a reader"). */
  public String file() {
    return file;
  }

  /** The 1-based line of the offending value, or 0 when the file as a whole is meant. */
  public int line() {
    return line;
  }

  /** The 1-based column of the offending value, or 0 when the file as a whole is meant. */
  public int column() {
    return column;
  }

  /** What is wrong, without the position. */
  public String problem() {
    return problem;
  }
}
