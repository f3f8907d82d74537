package dev.vmodel.compiler.diag;

import java.util.List;
import java.util.Map;

/**
 * Renders diagnostics the way a compiler prints them:
 *
 * <pre>
 * examples/coin.vmodel:4:10: error[E020]: p is declared real, but Beta's support is unit
 *     4 |   latent p: real ~ Beta(a, b);
 *       |             ^^^^
 *       = hint: declare it as `p: unit`
 * </pre>
 */
public final class DiagnosticRenderer {
  private final Map<String, SourceFile> sources;

  public DiagnosticRenderer(Map<String, SourceFile> sources) {
    this.sources = Map.copyOf(sources);
  }

  public String render(Diagnostic d) {
    StringBuilder out = new StringBuilder(d.headline()).append('\n');
    SourceFile src = sources.get(d.span().file());
    if (src != null && d.span().line() >= 1 && d.span().line() <= src.lineCount()) {
      String lineNo = Integer.toString(d.span().line());
      String gutter = " ".repeat(Math.max(4, lineNo.length() + 1));
      String text = src.line(d.span().line());
      out.append(pad(lineNo, gutter.length())).append(" | ").append(expandTabs(text)).append('\n');
      int start = Math.max(1, d.span().column());
      int end =
          d.span().endLine() == d.span().line()
              ? Math.max(start, d.span().endColumn())
              : Math.max(start, text.length());
      String prefix = expandTabs(text.substring(0, Math.min(text.length(), start - 1)));
      int width =
          Math.max(1, expandTabs(text.substring(Math.min(text.length(), start - 1),
              Math.min(text.length(), end))).length());
      out.append(gutter).append(" | ").append(" ".repeat(prefix.length()))
          .append("^".repeat(width)).append('\n');
      d.hint().ifPresent(h -> out.append(gutter).append(" = hint: ").append(h).append('\n'));
    } else {
      d.hint().ifPresent(h -> out.append("    = hint: ").append(h).append('\n'));
    }
    return out.toString();
  }

  public String renderAll(List<Diagnostic> diagnostics) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic d : diagnostics) {
      out.append(render(d));
    }
    return out.toString();
  }

  private static String pad(String s, int width) {
    return " ".repeat(Math.max(0, width - s.length())) + s;
  }

  private static String expandTabs(String s) {
    return s.replace("\t", "    ");
  }
}
