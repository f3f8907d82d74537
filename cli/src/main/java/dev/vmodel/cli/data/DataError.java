package dev.vmodel.cli.data;

/**
 * A problem in a data file, located by file, line (1-based, the header being line 1 of a CSV
 * file), character position on that line and column name where they are known. Printed as
 * {@code file:line: error: column 'x[1]': message} (with {@code :position} after the line for
 * syntax errors, as for model files).
 */
public final class DataError extends Exception {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final int position;
  private final String column;

  public DataError(String file, int line, String column, String message) {
    this(file, line, 0, column, message);
  }

  public DataError(String file, int line, int position, String column, String message) {
    super(message, null, false, false);
    this.file = file;
    this.line = line;
    this.position = position;
    this.column = column;
  }

  /** The file as given on the command line. */
  public String file() {
    return file;
  }

  /** The 1-based line, or 0 when the problem is the file as a whole. */
  public int line() {
    return line;
  }

  /** The data column at fault, or null. */
  public String column() {
    return column;
  }

  /** The error as the CLI prints it. */
  public String render() {
    StringBuilder b = new StringBuilder(file == null ? "data" : file);
    if (line > 0) {
      b.append(':').append(line);
      if (position > 0) {
        b.append(':').append(position);
      }
    }
    b.append(": error: ");
    if (column != null) {
      b.append("column '").append(column).append("': ");
    }
    return b.append(getMessage()).toString();
  }
}
