package dev.vmodel.cli.data;

/**
 * A problem in a data file, located by file, row (1-based line in the file, counting the header
 * as line 1) and column name where they are known. Printed as `file:row: column 'x[1]': message`.
 */
public final class DataError extends Exception {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String column;

  public DataError(String file, int line, String column, String message) {
    super(message, null, false, false);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  /** The error as the CLI prints it. */
  public String render() {
    StringBuilder b = new StringBuilder(file == null ? "data" : file);
    if (line > 0) {
      b.append(':').append(line);
    }
    b.append(": error: ");
    if (column != null) {
      b.append("column '").append(column).append("': ");
    }
    return b.append(getMessage()).toString();
  }
}
