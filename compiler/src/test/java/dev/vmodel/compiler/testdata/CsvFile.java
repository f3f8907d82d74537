package dev.vmodel.compiler.testdata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file of the tests' data, read with jackson's CsvParser (the parser `vmodel fit` uses): a
 * header row of column names, then rows of cells, as strings. A byte-order mark is dropped, blank
 * lines are skipped, every row must have as many cells as the header.
 */
public record CsvFile(List<String> header, List<String[]> rows) {
  private static final CsvFactory FACTORY = CsvFactory.builder()
      .disable(CsvParser.Feature.ALLOW_TRAILING_COMMA)
      .build();

  public CsvFile {
    header = List.copyOf(header);
    rows = List.copyOf(rows);
  }

  public static CsvFile read(Path file) {
    try {
      return parse(file.toString(), Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code text}; {@code name} is the file named in errors. */
  public static CsvFile parse(String name, String text) {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<String> header = null;
    List<String[]> rows = new ArrayList<>();
    try (CsvParser p = (CsvParser) FACTORY.createParser(new StringReader(text))) {
      while (p.nextToken() == JsonToken.START_ARRAY) {
        List<String> cells = new ArrayList<>();
        int line = 0;
        for (JsonToken t = p.nextToken(); t == JsonToken.VALUE_STRING; t = p.nextToken()) {
          line = line == 0 ? p.currentTokenLocation().getLineNr() : line;
          cells.add(p.getText().strip());
        }
        if (cells.isEmpty() || cells.size() == 1 && cells.get(0).isEmpty()) {
          continue;
        }
        if (header == null) {
          header = cells;
        } else if (cells.size() != header.size()) {
          throw new IllegalArgumentException(name + ":" + line + ": " + cells.size() + " cells, but the header has "
              + header.size());
        } else {
          rows.add(cells.toArray(String[]::new));
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (header == null) {
      throw new IllegalArgumentException(name + ": no header row");
    }
    return new CsvFile(header, rows);
  }
}
