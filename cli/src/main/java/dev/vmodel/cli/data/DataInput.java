package dev.vmodel.cli.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text of a data file as the parsers read it: strict UTF-8 (a byte that is not UTF-8 is an
 * error at its line, not a replacement character), a leading byte-order mark dropped (Excel's
 * "CSV UTF-8"), and lines no longer than a limit, so that a file without line breaks (such as
 * {@code /dev/zero}) stops with a message instead of filling the memory. It counts the lines of
 * the characters it has handed out, so an error is reported at the line where the parser is.
 */
final class DataInput extends Reader {
  /** Raised for a bad byte or an overlong line; carries the line where it happened. */
  static final class Problem extends IOException {
    private static final long serialVersionUID = 1L;
    final int line;
    final int position;

    Problem(int line, int position, String message) {
      super(message);
      this.line = line;
      this.position = position;
    }
  }

  private final InputStream in;
  private final long maxLine;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
  private final CharBuffer chars = CharBuffer.allocate(1 << 16);
  private boolean eof;
  private boolean flushed;
  private boolean started;
  private int badByte = -1;
  private int line = 1;
  private long lineChars;
  private boolean lastCr;

  /** {@code maxLine} characters at most on one line; 0 for no limit. */
  DataInput(InputStream in, long maxLine) {
    this.in = in;
    this.maxLine = maxLine;
    chars.flip();
    bytes.flip();
  }

  /** The line of the next character. */
  int line() {
    return line;
  }

  @Override
  public int read(char[] buf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!chars.hasRemaining()) {
      if (badByte >= 0) {
        throw new Problem(line, (int) Math.min(Integer.MAX_VALUE, lineChars + 1), String.format(
            "not valid UTF-8 text (byte 0x%02x); save the file as UTF-8", badByte));
      }
      if (flushed) {
        return -1;
      }
      fill();
    }
    if (!started) {
      started = true;
      if (chars.get(chars.position()) == '\uFEFF') {
        chars.get();
        if (!chars.hasRemaining()) {
          return read(buf, off, len);
        }
      }
    }
    int n = Math.min(len, chars.remaining());
    chars.get(buf, off, n);
    count(buf, off, n);
    return n;
  }

  private void count(char[] buf, int off, int n) throws Problem {
    for (int i = off; i < off + n; i++) {
      char c = buf[i];
      if (c == '\n') {
        if (!lastCr) {
          line++;
        }
        lineChars = 0;
        lastCr = false;
      } else if (c == '\r') {
        line++;
        lineChars = 0;
        lastCr = true;
      } else {
        lastCr = false;
        if (++lineChars > maxLine && maxLine > 0) {
          throw new Problem(line, 0, "line " + line + " is longer than " + maxLine
              + " characters; a data file has one row per line, at most " + maxLine + " characters long");
        }
      }
    }
  }

  /** Decodes more bytes into {@code chars}; sets {@code badByte} or {@code flushed} when due. */
  private void fill() throws IOException {
    chars.clear();
    while (true) {
      CoderResult cr = decoder.decode(bytes, chars, eof);
      if (cr.isError()) {
        badByte = bytes.get(bytes.position()) & 0xff;
        break;
      }
      if (cr.isOverflow()) {
        break;
      }
      if (eof) {
        decoder.flush(chars);
        flushed = true;
        break;
      }
      if (chars.position() > 0) {
        break;
      }
      bytes.compact();
      int r = in.read(bytes.array(), bytes.position(), bytes.remaining());
      if (r < 0) {
        eof = true;
      } else {
        bytes.position(bytes.position() + r);
      }
      bytes.flip();
    }
    chars.flip();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
