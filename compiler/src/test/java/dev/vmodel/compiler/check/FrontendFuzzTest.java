package dev.vmodel.compiler.check;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.DiagnosticRenderer;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.diag.Span;
import dev.vmodel.compiler.driver.Frontend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Robustness of the front end on broken input: mutants of the examples (tokens deleted,
 * duplicated, swapped or replaced, with fixed seeds) are parsed and checked. Whatever the
 * mutant, Frontend.check must return (with diagnostics, or none) and never throw; every
 * diagnostic must point inside the file; and the renderer must be able to print it.
 */
class FrontendFuzzTest {
  /** Mutants per example file and per good model; fixed, so failures reproduce. */
  private static final int MUTANTS_PER_EXAMPLE = 70;
  private static final int MUTANTS_PER_GOOD_MODEL = 20;
  private static final long SEED = Long.getLong("vmodel.fuzz.seed", 0x5eed_f00dL);
  /** `-Dvmodel.fuzz.scale=50` for a deeper run; the default keeps the test near a second. */
  private static final int SCALE = Integer.getInteger("vmodel.fuzz.scale", 1);

  /**
   * A simple token split, no ANTLR: comment markers, names, numbers, whitespace runs, and
   * any other single character. Whitespace is kept so that mutants keep their line structure.
   */
  private static final Pattern TOKEN = Pattern.compile(
      "/\\*|\\*/|//|[A-Za-z_][A-Za-z_0-9]*|[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+|\\s+|.",
      Pattern.DOTALL);

  /** Tokens a mutation may put in: keywords, punctuation and troublemakers. */
  private static final List<String> REPLACEMENTS = List.of(
      "model", "size", "hyper", "data", "latent", "group", "in", "package", "{", "}", "(", ")", "[", "]",
      ";", ":", ",", ".", "=", "~", "+", "-", "*", "/", "0", "-1", "2.5", "1e999", ".5", "N", "K", "x",
      "real", "cat", "vector", "spd", "Normal", "Categorical", "MultiNormal", "Wishart", "dot", "rep",
      "zeros", "identity", "class", "#", "^", "\"", "/*", "*/", "//", "\t", "\n");

  private record Mutant(String origin, long seed, String description, String text) {}

  @Test
  void mutantsOfTheExamplesNeverCrashTheFrontEnd() {
    List<Mutant> mutants = new ArrayList<>();
    int f = 0;
    for (Path p : GoldenFiles.models(GoodInputTest.EXAMPLES)) {
      mutants.addAll(mutate(p, GoldenFiles.read(p), MUTANTS_PER_EXAMPLE * SCALE, SEED + 1_000_000L * f++));
    }
    for (Path p : GoldenFiles.models(GoldenFiles.resourceDir("good"))) {
      mutants.addAll(mutate(p, GoldenFiles.read(p), MUTANTS_PER_GOOD_MODEL * SCALE, SEED + 1_000_000L * f++));
    }
    assertTrue(mutants.size() >= 1000, "at least 1000 mutants, made " + mutants.size());

    List<String> failures = new ArrayList<>();
    int withErrors = 0;
    for (Mutant m : mutants) {
      String problem = run(m);
      if (problem == null) {
        continue;
      }
      if (problem.isEmpty()) {
        withErrors++;
        continue;
      }
      failures.add(problem);
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + mutants.size() + " mutants broke the front end; the first ones:\n\n"
          + String.join("\n\n", failures.subList(0, Math.min(5, failures.size()))));
    }
    // The mutations must actually exercise error paths, not only produce valid models.
    assertTrue(withErrors > mutants.size() / 2, "only " + withErrors + " of " + mutants.size() + " mutants had errors");
  }

  /** Null for a clean result, "" for a well-formed list of errors, else what went wrong. */
  private static String run(Mutant m) {
    SourceFile src = new SourceFile("mutant.vmodel", m.text());
    Frontend.Result result;
    try {
      result = Frontend.check(src);
    } catch (Throwable t) { // StackOverflowError included: any throw is a bug
      return describe(m, "threw " + stackTrace(t));
    }
    DiagnosticRenderer renderer = new DiagnosticRenderer(Map.of(src.path(), src));
    for (Diagnostic d : result.diagnostics()) {
      String where = outside(src, d.span());
      if (where != null) {
        return describe(m, "diagnostic outside the file (" + where + "): " + GoldenFiles.golden(d));
      }
      try {
        renderer.render(d);
      } catch (RuntimeException e) {
        return describe(m, "rendering " + GoldenFiles.golden(d) + " threw " + stackTrace(e));
      }
    }
    if (result.hasErrors() && !result.models().isEmpty()) {
      return describe(m, "a checked model was returned despite errors");
    }
    return result.hasErrors() ? "" : null;
  }

  /** Why a span is not inside the file, or null when it is. */
  static String outside(SourceFile src, Span s) {
    if (!s.file().equals(src.path())) {
      return "file " + s.file();
    }
    if (s.line() < 1 || s.line() > src.lineCount()) {
      return "line " + s.line() + " of " + src.lineCount();
    }
    if (s.column() < 1 || s.column() > src.line(s.line()).length() + 1) {
      return "column " + s.column() + " of a line of " + src.line(s.line()).length() + " characters";
    }
    if (s.endLine() < s.line() || s.endLine() > src.lineCount()) {
      return "end line " + s.endLine();
    }
    if (s.endLine() == s.line() && s.endColumn() < s.column()) {
      return "end column " + s.endColumn() + " before column " + s.column();
    }
    if (s.endColumn() < 1 || s.endColumn() > src.line(s.endLine()).length() + 1) {
      return "end column " + s.endColumn() + " of a line of " + src.line(s.endLine()).length() + " characters";
    }
    return null;
  }

  private static List<Mutant> mutate(Path origin, String text, int count, long seed) {
    List<String> tokens = new ArrayList<>();
    Matcher matcher = TOKEN.matcher(text);
    while (matcher.find()) {
      tokens.add(matcher.group());
    }
    List<Integer> solid = new ArrayList<>(); // positions of non-whitespace tokens
    for (int i = 0; i < tokens.size(); i++) {
      if (!tokens.get(i).isBlank()) {
        solid.add(i);
      }
    }
    List<Mutant> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      long s = seed + k;
      Random rnd = new Random(s);
      List<String> t = new ArrayList<>(tokens);
      List<String> done = new ArrayList<>();
      int edits = 1 + rnd.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int i = solid.get(rnd.nextInt(solid.size()));
        i = Math.min(i, t.size() - 1);
        switch (rnd.nextInt(4)) {
          case 0 -> {
            done.add("delete " + quote(t.get(i)) + " at token " + i);
            t.set(i, "");
          }
          case 1 -> {
            done.add("duplicate " + quote(t.get(i)) + " at token " + i);
            t.set(i, t.get(i) + " " + t.get(i));
          }
          case 2 -> {
            int j = rnd.nextBoolean()
                ? nextSolid(t, i, 1 + rnd.nextInt(3))
                : solid.get(rnd.nextInt(solid.size()));
            j = Math.min(j, t.size() - 1);
            done.add("swap " + quote(t.get(i)) + " and " + quote(t.get(j)) + " at tokens " + i + ", " + j);
            String a = t.get(i);
            t.set(i, t.get(j));
            t.set(j, a);
          }
          default -> {
            String r = REPLACEMENTS.get(rnd.nextInt(REPLACEMENTS.size()));
            done.add("replace " + quote(t.get(i)) + " at token " + i + " by " + quote(r));
            t.set(i, r);
          }
        }
      }
      out.add(new Mutant(origin.getFileName().toString(), s, String.join("; ", done), String.join("", t)));
    }
    return out;
  }

  private static int nextSolid(List<String> t, int i, int steps) {
    int j = i;
    while (steps > 0 && j + 1 < t.size()) {
      j++;
      if (!t.get(j).isBlank()) {
        steps--;
      }
    }
    return j;
  }

  private static String quote(String s) {
    return "'" + s.replace("\n", "\\n").replace("\t", "\\t") + "'";
  }

  private static String describe(Mutant m, String problem) {
    return "mutant of " + m.origin() + " (seed " + m.seed() + ": " + m.description() + ") " + problem
        + "\n--- mutant ---\n" + m.text();
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    String s = w.toString();
    return s.length() > 3000 ? s.substring(0, 3000) + "..." : s;
  }
}
