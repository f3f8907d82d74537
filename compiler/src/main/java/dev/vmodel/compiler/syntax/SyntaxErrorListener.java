package dev.vmodel.compiler.syntax;

import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.Span;
import dev.vmodel.compiler.syntax.antlr.VModelLexer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns ANTLR's syntax errors into diagnostics that say what was expected and what was found,
 * with token sets folded into words a user knows ("a declaration", "an expression").
 */
final class SyntaxErrorListener extends BaseErrorListener {
  private static final Set<Integer> DECLARATION_STARTS =
      Set.of(VModelLexer.SIZE, VModelLexer.HYPER, VModelLexer.DATA, VModelLexer.LATENT, VModelLexer.GROUP);
  private static final Set<Integer> EXPRESSION_STARTS =
      Set.of(VModelLexer.ID, VModelLexer.NUMBER, VModelLexer.LPAREN, VModelLexer.MINUS);
  /** Tokens that end or start a declaration: the parser is back in step after one of them. */
  private static final Set<Integer> SYNC_POINTS =
      Set.of(
          VModelLexer.SEMI, VModelLexer.LBRACE, VModelLexer.RBRACE, VModelLexer.PACKAGE, VModelLexer.MODEL,
          VModelLexer.SIZE, VModelLexer.HYPER, VModelLexer.DATA, VModelLexer.LATENT, VModelLexer.GROUP);
  private static final Set<Integer> KEYWORDS =
      Set.of(
          VModelLexer.PACKAGE, VModelLexer.MODEL, VModelLexer.SIZE, VModelLexer.HYPER,
          VModelLexer.DATA, VModelLexer.LATENT, VModelLexer.GROUP, VModelLexer.IN);

  private final String file;
  private final Diagnostics diagnostics;
  /** The token of the last syntax error, to recognise an error that follows from it. */
  private int lastErrorToken = -1;

  SyntaxErrorListener(String file, Diagnostics diagnostics) {
    this.file = file;
    this.diagnostics = diagnostics;
  }

  @Override
  public void syntaxError(
      Recognizer<?, ?> recognizer,
      Object offendingSymbol,
      int line,
      int charPositionInLine,
      String msg,
      RecognitionException e) {
    Parser parser = (Parser) recognizer;
    Token found = (Token) offendingSymbol;
    Token previous = previousToken(parser.getInputStream(), found);
    // One mistake, one diagnostic. An error on the token right after the previous error is the
    // parser recovering from that one (`hyper data = 1;` re-read as `data = 1;`); so is a later
    // error in the same declaration, before the parser is back in step at a ';', a brace or a
    // declaration keyword (`x[n in N] bool : ~ Bernoulli(p)` would otherwise report 'bool',
    // '~' and '(' in turn). An error right after a stray character or at an unterminated
    // comment is explained by the lexical error already reported there (`p^2` read as `p 2`;
    // `/*` swallowing the closing '}').
    int index = found.getTokenIndex();
    boolean follows = index >= 0 && lastErrorToken >= 0 && index >= lastErrorToken
        && (index - 1 <= lastErrorToken || !syncedSince(parser.getInputStream(), lastErrorToken, index));
    if (index >= 0) {
      lastErrorToken = index;
    }
    if (follows || afterLexicalError(previous, found)) {
      return;
    }
    IntervalSet expected = expectedTokens(parser, e);
    String foundText = describeFound(found);

    Span span = Spans.of(file, found);
    String message;
    String hint = null;
    if (msg != null && msg.startsWith("extraneous input") && found.getType() != Token.EOF) {
      message = "unexpected " + foundText;
      hint = expected.isNil() ? null : "expected " + describeExpected(expected) + " here";
    } else {
      message = "expected " + describeExpected(expected) + ", found " + foundText;
    }
    if (expected.contains(VModelLexer.SEMI)
        && previous != null
        && (found.getType() == Token.EOF || found.getLine() > previous.getLine())) {
      // A forgotten ';' at the end of a line: point just past the line's last token.
      Span prev = Spans.of(file, previous);
      span = new Span(file, prev.endLine(), prev.endColumn() + 1, prev.endLine(), prev.endColumn() + 1);
      message = "expected ';' at the end of the declaration, found " + foundText;
      hint = null;
    } else if (KEYWORDS.contains(found.getType()) && expected.contains(VModelLexer.ID)) {
      hint = "'" + found.getText() + "' is a keyword and cannot be used as a name";
    } else if (found.getType() == VModelLexer.ID && hint == null) {
      // `Model Coin {`: keywords are lower-case.
      for (int k : KEYWORDS) {
        String keyword = VModelLexer.VOCABULARY.getLiteralName(k).replace("'", "");
        if (expected.contains(k) && keyword.equalsIgnoreCase(found.getText())) {
          hint = "did you mean '" + keyword + "'? keywords are lower-case";
        }
      }
    }
    diagnostics.error(Code.SYNTAX, span, message, hint);
  }

  /** Whether a token in [from, to) ends or starts a declaration. */
  private static boolean syncedSince(TokenStream stream, int from, int to) {
    for (int i = from; i < to; i++) {
      if (SYNC_POINTS.contains(stream.get(i).getType())) {
        return true;
      }
    }
    return false;
  }

  private List<Diagnostic> lexicalErrors;

  /** Whether a stray character or an unterminated comment lies between the two tokens. */
  private boolean afterLexicalError(Token previous, Token found) {
    if (lexicalErrors == null) {
      // Lexing is over before parsing starts: its errors are read once, not at every syntax
      // error (a copy of every diagnostic per syntax error was quadratic in a broken file).
      lexicalErrors = diagnostics.all().stream()
          .filter(d -> d.code() == Code.BAD_CHARACTER || d.code() == Code.UNTERMINATED_COMMENT)
          .toList();
    }
    for (Diagnostic d : lexicalErrors) {
      int line = d.span().line();
      int col = d.span().column();
      boolean afterPrevious = previous == null
          || line > previous.getLine()
          || (line == previous.getLine() && col > previous.getCharPositionInLine() + 1);
      boolean atOrBeforeFound = line < found.getLine()
          || (line == found.getLine() && col <= found.getCharPositionInLine() + 1);
      if (afterPrevious && atOrBeforeFound) {
        return true;
      }
    }
    return false;
  }

  private static IntervalSet expectedTokens(Parser parser, RecognitionException e) {
    try {
      if (e != null && e.getExpectedTokens() != null) {
        return e.getExpectedTokens();
      }
      return parser.getExpectedTokens();
    } catch (RuntimeException ex) {
      return new IntervalSet();
    }
  }

  private static Token previousToken(TokenStream stream, Token found) {
    int i = found.getTokenIndex() - 1;
    while (i >= 0) {
      Token t = stream.get(i);
      if (t.getChannel() == Token.DEFAULT_CHANNEL) {
        return t;
      }
      i--;
    }
    return null;
  }

  static String describeFound(Token t) {
    if (t.getType() == Token.EOF) {
      return "end of file";
    }
    if (t.getType() == VModelLexer.ID) {
      return "name '" + t.getText() + "'";
    }
    if (t.getType() == VModelLexer.NUMBER) {
      return "number " + t.getText();
    }
    if (KEYWORDS.contains(t.getType())) {
      return "keyword '" + t.getText() + "'";
    }
    return "'" + t.getText() + "'";
  }

  static String describeExpected(IntervalSet set) {
    Set<Integer> types = new LinkedHashSet<>(set.toList());
    List<String> words = new ArrayList<>();
    if (types.containsAll(DECLARATION_STARTS)) {
      types.removeAll(DECLARATION_STARTS);
      words.add("a declaration (size, hyper, data, latent or group)");
    }
    if (types.containsAll(EXPRESSION_STARTS)) {
      types.removeAll(EXPRESSION_STARTS);
      words.add("an expression");
    }
    for (int type : types) {
      if (type != Token.EOF) {
        words.add(describeType(type));
      }
    }
    if (types.contains(Token.EOF)) {
      words.add(describeType(Token.EOF)); // last: "expected 'model' or end of file"
    }
    if (words.isEmpty()) {
      return "something else";
    }
    if (words.size() == 1) {
      return words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
  }

  private static String describeType(int type) {
    if (type == Token.EOF) {
      return "end of file";
    }
    if (type == VModelLexer.ID) {
      return "a name";
    }
    if (type == VModelLexer.NUMBER) {
      return "a number";
    }
    String literal = VModelLexer.VOCABULARY.getLiteralName(type);
    return literal != null ? literal : VModelLexer.VOCABULARY.getDisplayName(type);
  }
}
