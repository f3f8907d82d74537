package dev.vmodel.cli.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Reads a data file given with {@code --data}: JSON if its name ends in {@code .json} (in any
 * case), CSV otherwise. Only the columns {@code wanted} accepts are parsed and kept; the others
 * are skipped unread. Every problem is a {@link DataError} naming the file and, where the file
 * was being read, the line (and the column of the data at fault).
 */
public final class DataFiles {
  /** The longest line of a CSV file, in characters. */
  public static final int MAX_LINE = 8 << 20;
  /** The most columns of a CSV file (and entries of a JSON row). */
  public static final int MAX_COLUMNS = 100_000;

  private DataFiles() {}

  public static boolean isJson(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".json");
  }

  public static Table read(Path path, Predicate<String> wanted) throws DataError {
    String file = path.toString();
    if (Files.isDirectory(path)) {
      throw new DataError(file, 0, null, "is a directory, not a data file");
    }
    try (InputStream in = Files.newInputStream(path)) {
      return isJson(path) ? JsonReader.read(file, in, wanted) : CsvReader.read(file, in, wanted);
    } catch (IOException e) {
      throw cannotRead(file, 0, e);
    }
  }

  /** Why a file could not be opened or read, in words: "no such file", "permission denied", .... */
  static DataError cannotRead(String file, int line, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new DataError(file, line, null, "no such file");
    }
    if (e instanceof AccessDeniedException) {
      return new DataError(file, line, null, "permission denied");
    }
    String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
    if (reason == null || reason.isBlank()) {
      reason = e.getClass().getSimpleName();
    }
    return new DataError(file, line, null, "cannot read: " + reason.substring(0, 1).toLowerCase(Locale.ROOT)
        + reason.substring(1));
  }

  /**
   * An exception from a parser or from {@link DataInput} as a located error. {@code column} is the
   * data column being read, if any.
   */
  static DataError fromParser(String file, String column, IOException e) {
    if (e instanceof DataInput.Problem p) {
      return new DataError(file, p.line, p.position, column, p.getMessage());
    }
    if (e instanceof JsonProcessingException j) {
      JsonLocation at = j.getLocation();
      int line = at == null ? 0 : Math.max(0, at.getLineNr());
      int position = at == null ? 0 : Math.max(0, at.getColumnNr());
      String message = j.getOriginalMessage();
      if (j instanceof StreamConstraintsException) {
        // "... exceeds the maximum allowed (64, from `StreamReadConstraints.getMaxNestingDepth()`)"
        message = message.replaceAll(", from `[^`]*`", "");
      }
      message = message.replace("\n", " ").strip();
      if (message.startsWith("Duplicate field '")) {
        // STRICT_DUPLICATE_DETECTION
        message = "key " + message.substring("Duplicate field ".length()) + " appears twice in the object";
      }
      message = Character.toLowerCase(message.charAt(0)) + message.substring(1);
      return new DataError(file, Math.max(line, 1), position, column, message);
    }
    return cannotRead(file, 0, e);
  }
}
