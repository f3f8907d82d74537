package dev.vmodel.compiler.syntax;

import dev.vmodel.compiler.ast.CompilationUnit;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.ast.ModelDecl;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.diag.Span;
import dev.vmodel.compiler.syntax.antlr.VModelLexer;
import dev.vmodel.compiler.syntax.antlr.VModelParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Stage 1: text to AST. Lexes, parses (SLL first, full LL only when SLL fails, as Trino does),
 * reports syntax errors as diagnostics and builds the immutable AST with {@link AstBuilder}.
 * ANTLR types do not escape this package.
 */
public final class SourceParser {
  private SourceParser() {}

  /**
   * The deepest expression the front end accepts, counting each enclosing bracket and each
   * operator chained at one bracket level (`a + b + c` is two deep): a bound on the depth of
   * the expression's tree, which the parser, the checker and the later stages walk
   * recursively. Deeper input is reported before the parser sees it (E006).
   */
  public static final int MAX_EXPRESSION_DEPTH = 200;

  public static CompilationUnit parse(SourceFile source, Diagnostics diagnostics) {
    List<Token> tokens = lex(source, diagnostics);
    if (!withinDepthLimit(source, tokens, diagnostics)) {
      return new CompilationUnit(source.path(), java.util.Optional.empty(), List.of(), source.start());
    }

    CompilationUnit unit;
    try {
      unit = parseTokens(source, tokens, diagnostics);
    } catch (StackOverflowError tooDeep) {
      // The token count is exact for well-formed input; after syntax errors ANTLR's recovery
      // (deleting a stray token and going on) can nest deeper than the tokens suggest.
      diagnostics.error(
          Code.TOO_DEEP,
          firstError(diagnostics).orElse(source.start()),
          "this file nests too deeply to parse after its syntax errors (an expression may be at most "
              + MAX_EXPRESSION_DEPTH + " brackets and operators deep)",
          "fix the syntax errors and split deep expressions into named parts");
      return empty(source);
    }
    Expr deepest = deepestBeyondLimit(unit);
    if (deepest != null) {
      diagnostics.error(
          Code.TOO_DEEP,
          deepest.span(),
          "this expression is nested too deeply: more than " + MAX_EXPRESSION_DEPTH
              + " levels (the limit), so the file is not checked further",
          "split it: give parts of it names of their own (hypers, or latents for random parts)");
      return empty(source);
    }
    return unit;
  }

  private static CompilationUnit empty(SourceFile source) {
    return new CompilationUnit(source.path(), java.util.Optional.empty(), List.of(), source.start());
  }

  private static java.util.Optional<Span> firstError(Diagnostics diagnostics) {
    return diagnostics.sorted().stream().filter(d -> d.isError()).map(d -> d.span()).findFirst();
  }

  /**
   * The first expression (in a depth-first walk without recursion) whose tree is deeper than
   * {@link #MAX_EXPRESSION_DEPTH}, or null: the guarantee the checker and the later stages
   * rely on, whatever the parser's error recovery made of broken input.
   */
  private static Expr deepestBeyondLimit(CompilationUnit unit) {
    java.util.ArrayDeque<Expr> roots = new java.util.ArrayDeque<>();
    for (ModelDecl m : unit.models()) {
      for (Decl d : m.decls()) {
        if (d instanceof Decl.SizeDecl s) {
          s.value().ifPresent(roots::add);
        } else if (d instanceof Decl.HyperDecl h) {
          h.value().ifPresent(roots::add);
          h.type().ifPresent(t -> roots.addAll(t.dims()));
        } else if (d instanceof Decl.DataDecl x) {
          x.distribution().ifPresent(roots::add);
          roots.addAll(x.type().dims());
        } else if (d instanceof Decl.LatentDecl l) {
          l.distribution().ifPresent(roots::add);
          roots.addAll(l.type().dims());
        }
      }
    }
    java.util.ArrayDeque<Expr> work = new java.util.ArrayDeque<>();
    java.util.ArrayDeque<Integer> depths = new java.util.ArrayDeque<>();
    for (Expr root : roots) {
      work.push(root);
      depths.push(1);
      while (!work.isEmpty()) {
        Expr e = work.pop();
        int depth = depths.pop();
        if (depth > MAX_EXPRESSION_DEPTH + 1) {
          return root;
        }
        List<Expr> children = new ArrayList<>();
        if (e instanceof Expr.Index ix) {
          children.add(ix.target());
          children.addAll(ix.indices());
        } else if (e instanceof Expr.Call c) {
          c.args().forEach(a -> children.add(a.value()));
        } else if (e instanceof Expr.Neg n) {
          children.add(n.operand());
        } else if (e instanceof Expr.Binary b) {
          children.add(b.left());
          children.add(b.right());
        }
        for (Expr c : children) {
          work.push(c);
          depths.push(depth + 1);
        }
      }
    }
    return null;
  }

  private static CompilationUnit parseTokens(SourceFile source, List<Token> tokens, Diagnostics diagnostics) {
    VModelParser parser = newParser(tokens);
    parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
    parser.setErrorHandler(new BailErrorStrategy());
    VModelParser.CompilationUnitContext tree;
    try {
      tree = parser.compilationUnit();
    } catch (ParseCancellationException sllFailed) {
      parser = newParser(tokens);
      parser.getInterpreter().setPredictionMode(PredictionMode.LL);
      parser.setErrorHandler(new DefaultErrorStrategy());
      parser.addErrorListener(new SyntaxErrorListener(source.path(), diagnostics));
      tree = parser.compilationUnit();
    }
    return new AstBuilder(source.path(), diagnostics).build(tree);
  }

  /**
   * Measures every expression's depth on the token stream, without recursion, and reports the
   * first place where it passes {@link #MAX_EXPRESSION_DEPTH}. The depth at a token is the
   * number of brackets open around it plus the operators met so far at each of those levels
   * (a comma starts a new argument, a ';' or brace ends the chains of its level). Brackets
   * are counted until they close, also across declarations, so that input broken on purpose
   * cannot reset the count while the parser is still nested.
   */
  private static boolean withinDepthLimit(SourceFile source, List<Token> tokens, Diagnostics diagnostics) {
    int[] opsAtLevel = new int[MAX_EXPRESSION_DEPTH + 2];
    int level = 0;
    int depth = 0;
    for (Token t : tokens) {
      switch (t.getType()) {
        case VModelLexer.LPAREN, VModelLexer.LBRACK -> {
          level++;
          opsAtLevel[level] = 0;
          depth++;
        }
        case VModelLexer.RPAREN, VModelLexer.RBRACK -> {
          if (level > 0) {
            depth -= 1 + opsAtLevel[level];
            level--;
          }
        }
        case VModelLexer.COMMA -> {
          depth -= opsAtLevel[level];
          opsAtLevel[level] = 0;
        }
        case VModelLexer.PLUS, VModelLexer.MINUS, VModelLexer.STAR, VModelLexer.SLASH -> {
          opsAtLevel[level]++;
          depth++;
        }
        case VModelLexer.SEMI, VModelLexer.LBRACE, VModelLexer.RBRACE -> {
          // The end of a declaration ends its operator chains. Brackets left open stay open:
          // after a syntax error the parser may still be inside them.
          depth -= opsAtLevel[level];
          opsAtLevel[level] = 0;
        }
        default -> { }
      }
      if (depth > MAX_EXPRESSION_DEPTH) {
        diagnostics.error(
            Code.TOO_DEEP,
            Spans.of(source.path(), t),
            "this expression is nested too deeply: more than " + MAX_EXPRESSION_DEPTH
                + " brackets and operators deep (the limit), so the file is not parsed further",
            "split it: give parts of it names of their own (hypers, or latents for random parts)");
        return false;
      }
    }
    return true;
  }

  private static VModelParser newParser(List<Token> tokens) {
    VModelParser parser = new VModelParser(new CommonTokenStream(new ListTokenSource(tokens)));
    parser.removeErrorListeners();
    return parser;
  }

  /**
   * Lexes the whole file up front. Stray characters are reported here and dropped, so the
   * parser sees only real tokens; an unterminated block comment (lexed as '/' '*') ends the
   * token stream where it starts.
   */
  private static List<Token> lex(SourceFile source, Diagnostics diagnostics) {
    // ANTLR counts lines at '\n' only: a lone '\r' (old Mac line ends) becomes '\n' for the
    // lexer, the same length, so that token lines agree with SourceFile's.
    String text = source.text().replaceAll("\r(?!\n)", "\n");
    VModelLexer lexer = new VModelLexer(CharStreams.fromString(text, source.path()));
    lexer.removeErrorListeners();
    List<Token> out = new ArrayList<>();
    Token previous = null;
    for (Token t = lexer.nextToken(); ; t = lexer.nextToken()) {
      if (t.getType() == VModelLexer.STAR
          && previous != null
          && previous.getType() == VModelLexer.SLASH
          && previous.getStopIndex() + 1 == t.getStartIndex()) {
        out.remove(out.size() - 1);
        diagnostics.error(
            Code.UNTERMINATED_COMMENT,
            Spans.of(source.path(), previous),
            "block comment is never closed",
            "close it with */");
        CommonToken eof = new CommonToken(Token.EOF, "<EOF>");
        eof.setLine(previous.getLine());
        eof.setCharPositionInLine(previous.getCharPositionInLine());
        eof.setStartIndex(previous.getStartIndex());
        eof.setStopIndex(previous.getStartIndex() - 1);
        out.add(eof);
        break;
      }
      if (t.getType() == VModelLexer.ERROR_CHAR) {
        Span span = Spans.of(source.path(), t);
        diagnostics.error(
            Code.BAD_CHARACTER,
            span,
            "unexpected character " + Spans.quoteChar(t.getText()),
            hintForCharacter(t.getText()));
        previous = t;
        continue;
      }
      out.add(t);
      previous = t;
      if (t.getType() == Token.EOF) {
        break;
      }
    }
    return out;
  }

  private static String hintForCharacter(String c) {
    switch (c) {
      case "^":
        return "there is no power operator; write x * x";
      case "\"":
      case "'":
        return "the language has no strings";
      case "#":
        return "comments start with // or /*";
      case "<":
      case ">":
        return "write a type's dimensions in square brackets, e.g. vector[D]";
      default:
        return null;
    }
  }
}
