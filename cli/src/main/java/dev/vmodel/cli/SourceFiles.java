package dev.vmodel.cli;

import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.SourceFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads model files, reporting unreadable ones in the CLI's error style instead of throwing, and
 * prints their diagnostics.
 */
final class SourceFiles {
  private SourceFiles() {}

  /** The file's text, or null after printing why it could not be read. */
  static SourceFile read(Path file, PrintWriter err) {
    String name = file.toString();
    try {
      if (Files.isDirectory(file)) {
        err.println(name + ": error: is a directory, not a .vmodel file");
        return null;
      }
      byte[] bytes = Files.readAllBytes(file);
      String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
        text = text.substring(1);
      }
      return new SourceFile(name, text);
    } catch (NoSuchFileException e) {
      err.println(name + ": error: no such file");
    } catch (AccessDeniedException e) {
      err.println(name + ": error: permission denied");
    } catch (CharacterCodingException e) {
      err.println(name + ": error: not valid UTF-8 text");
    } catch (IOException e) {
      err.println(name + ": error: cannot read: " + e.getMessage());
    }
    return null;
  }

  /** How many errors and warnings a file had. */
  record Counts(int errors, int warnings) {}

  /** Prints a file's diagnostics on {@code err} (its warnings only if {@code warnings}) and counts them. */
  static Counts report(SourceFile source, List<Diagnostic> diagnostics, PrintWriter err, boolean warnings) {
    DiagnosticRenderer renderer = new DiagnosticRenderer(Map.of(source.path(), source));
    int e = 0;
    int w = 0;
    for (Diagnostic d : diagnostics) {
      if (d.isError()) {
        e++;
      } else {
        w++;
      }
      if (d.isError() || warnings) {
        err.print(renderer.render(d));
      }
    }
    return new Counts(e, w);
  }

  /** {@code "1 error"}, {@code "2 errors"}. */
  static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
