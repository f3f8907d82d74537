package dev.vmodel.cli;

import dev.vmodel.runtime.fit.PosteriorFile;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The posterior JSON of {@code vmodel fit --out} and {@code --format json} (schema in
 * docs/posterior-json.md): what the generated {@code Result.save} writes (one writer, {@link
 * PosteriorFile}), with the fit summary {@code vmodel fit} decided (whether the ELBO converged
 * by its tolerance) and, on stdout, the fit's seconds. A file written by {@code --out} loads with
 * the generated class's {@code load}.
 */
final class PosteriorJson {
  private PosteriorJson() {}

  /** The JSON text; {@code seconds} is written only if positive. */
  static String render(Fitted result, double seconds) throws ReflectiveOperationException {
    StringWriter w = new StringWriter();
    try {
      write(result, seconds, w);
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter does not fail", e);
    }
    return w.toString();
  }

  /** {@link #render} written to {@code w}, streamed (not held whole: every row's local factors can be large). */
  static void write(Fitted result, double seconds, java.io.Writer w) throws ReflectiveOperationException, IOException {
    write(result, seconds, false, w);
  }

  /** {@link #write(Fitted, double, java.io.Writer)}, without the rows' local factors if {@code withoutLocals}. */
  static void write(Fitted result, double seconds, boolean withoutLocals, java.io.Writer w)
      throws ReflectiveOperationException, IOException {
    Object generated = result.generated();
    PosteriorFile.Contents c = (PosteriorFile.Contents) generated.getClass().getMethod("posteriorFile")
        .invoke(generated);
    c.summary(result, seconds > 0 ? seconds : Double.NaN);
    if (withoutLocals) {
      c.withoutLocals();
    }
    PosteriorFile.write(c, w);
    w.flush();
  }
}
