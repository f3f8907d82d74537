package dev.vmodel.compiler.syntax;

import dev.vmodel.compiler.diag.Span;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Turns ANTLR token positions (0-based columns) into {@link Span}s (1-based, inclusive end). */
final class Spans {
  private Spans() {}

  static Span of(String file, Token t) {
    return of(file, t, t);
  }

  static Span of(String file, Token start, Token stop) {
    int line = start.getLine();
    int col = start.getCharPositionInLine() + 1;
    if (stop == null || stop.getType() == Token.EOF && stop != start) {
      stop = start;
    }
    String text = stop.getType() == Token.EOF ? "" : stop.getText();
    int endLine = stop.getLine();
    int endCol = stop.getCharPositionInLine() + Math.max(1, lastLineLength(text));
    if (text != null && text.indexOf('\n') >= 0) {
      endLine += (int) text.chars().filter(c -> c == '\n').count();
      endCol = lastLineLength(text);
    }
    if (endLine < line || (endLine == line && endCol < col)) {
      endLine = line;
      endCol = col;
    }
    return new Span(file, line, col, endLine, endCol);
  }

  static Span of(String file, ParserRuleContext ctx) {
    Token stop = ctx.getStop();
    if (stop == null || stop.getTokenIndex() < ctx.getStart().getTokenIndex()) {
      stop = ctx.getStart();
    }
    return of(file, ctx.getStart(), stop);
  }

  private static int lastLineLength(String text) {
    if (text == null) {
      return 1;
    }
    int nl = text.lastIndexOf('\n');
    return nl < 0 ? text.length() : text.length() - nl - 1;
  }

  static String quoteChar(String c) {
    if (c.equals("'")) {
      return "\"'\"";
    }
    if (c.isEmpty() || Character.isISOControl(c.charAt(0))) {
      return String.format("U+%04X", c.isEmpty() ? 0 : (int) c.charAt(0));
    }
    return "'" + c + "'";
  }
}
