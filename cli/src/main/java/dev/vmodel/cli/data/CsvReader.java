package dev.vmodel.cli.data;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads a CSV file with a header row (RFC 4180: comma-separated, cells optionally in double quotes,
 * {@code ""} for a quote inside one; LF, CRLF or CR line ends) through jackson's streaming
 * {@link CsvParser}, straight into {@link Column}s: a cell is parsed as it is read and only the
 * columns {@code wanted} accepts are kept. Blank lines are skipped; every other row must have as
 * many cells as the header. Cells are numbers as {@link CsvNumbers} defines them.
 */
final class CsvReader {
  private static final CsvFactory FACTORY = CsvFactory.builder()
      .disable(CsvParser.Feature.ALLOW_TRAILING_COMMA)
      .disable(CsvParser.Feature.ALLOW_COMMENTS)
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(DataFiles.MAX_LINE).build())
      .build();

  private final String file;
  private final Predicate<String> wanted;
  private final List<String> header = new ArrayList<>();
  private Column[] kept;
  /** The column and line being read, for errors from the parser. */
  private String current;
  private int rowLine;

  private CsvReader(String file, Predicate<String> wanted) {
    this.file = file;
    this.wanted = wanted;
  }

  static Table read(String file, InputStream in, Predicate<String> wanted) throws DataError {
    return new CsvReader(file, wanted).read(in);
  }

  private Table read(InputStream in) throws DataError {
    DataInput input = new DataInput(in, DataFiles.MAX_LINE);
    try (CsvParser p = (CsvParser) FACTORY.createParser(input)) {
      return table(p);
    } catch (IOException e) {
      throw DataFiles.fromParser(file, current, e);
    }
  }

  private Table table(CsvParser p) throws IOException, DataError {
    int headerLine = header(p);
    if (headerLine == 0) {
      throw new DataError(file, 0, null, "the file is empty; expected a header row naming the columns");
    }
    Table table = new Table(file, false, headerLine);
    RowLines lines = new RowLines();
    kept = new Column[header.size()];
    for (int c = 0; c < header.size(); c++) {
      if (wanted.test(header.get(c))) {
        kept[c] = new Column();
        table.add(header.get(c), kept[c], lines, headerLine);
      }
    }
    int rows = 0;
    while (p.nextToken() == JsonToken.START_ARRAY) {
      if (row(p)) {
        lines.add(rowLine);
        rows++;
      }
    }
    table.rows(rows);
    return table;
  }

  /** Reads the header (the first row that is not blank); returns its line, or 0 if there is none. */
  private int header(CsvParser p) throws IOException, DataError {
    while (p.nextToken() == JsonToken.START_ARRAY) {
      int line = 0;
      header.clear();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (line == 0) {
          line = p.currentTokenLocation().getLineNr();
        }
        if (header.size() == DataFiles.MAX_COLUMNS) {
          throw new DataError(file, line, null, "the header has more than " + DataFiles.MAX_COLUMNS
              + " columns; a data file can have at most " + DataFiles.MAX_COLUMNS);
        }
        header.add(p.getText().strip());
      }
      if (header.size() == 1 && header.get(0).isEmpty()) {
        continue;
      }
      Set<String> seen = new HashSet<>();
      for (int c = 0; c < header.size(); c++) {
        String h = header.get(c);
        if (h.isEmpty()) {
          throw new DataError(file, line, null, "header cell " + (c + 1) + " is empty; every column needs a name");
        }
        if (!seen.add(h)) {
          throw new DataError(file, line, h, "appears twice in the header");
        }
      }
      return line;
    }
    return 0;
  }

  /**
   * Reads one row into the kept columns; false for a blank line (one empty cell). The first cell
   * is held back until the second is seen, so that a blank line adds nothing.
   */
  private boolean row(CsvParser p) throws IOException, DataError {
    int cells = 0;
    String first = null;
    rowLine = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t == null) {
        break;
      }
      if (cells == 0) {
        rowLine = p.currentTokenLocation().getLineNr();
        first = p.getText();
      } else {
        if (cells == 1) {
          cell(0, first);
        }
        if (cells < header.size()) {
          cell(cells, p.getText());
        }
      }
      cells++;
    }
    current = null;
    if (cells == 0 || cells == 1 && first.isBlank()) {
      return false;
    }
    if (cells != header.size()) {
      throw new DataError(file, rowLine, null, "has " + cells + " cell" + (cells == 1 ? "" : "s")
          + ", but the header has " + header.size() + " column" + (header.size() == 1 ? "" : "s"));
    }
    if (cells == 1) {
      cell(0, first);
    }
    return true;
  }

  private void cell(int c, String text) throws DataError {
    if (c < kept.length && kept[c] != null) {
      current = header.get(c);
      kept[c].add(CsvNumbers.parse(text, file, rowLine, current));
    }
  }
}
