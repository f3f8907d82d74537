package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import dev.vmodel.compiler.driver.InMemoryCompiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A property of code generation: whatever the user names things, the generated Java compiles
 * under {@code -Xlint:all -Werror}. Every model file of the tests ({@link TestModels}) is
 * rewritten several times with every declared identifier (model, sizes, hypers, data, latents,
 * plate indices) replaced by a hostile one: each Java keyword and literal, the names the
 * generated class uses for its own fields, locals, methods and nested classes ({@code s},
 * {@code e}, {@code options}, {@code result}, {@code state}, {@code elbo}, ...), and java.lang
 * and runtime class names ({@code Math}, {@code String}, {@code LinAlg}, ...) and sizes'
 * usual names used for other things ({@code N} as a data array). The model names cycle through
 * class names the generated code refers to. Every hostile name is used at least once.
 */
class RenamedIdentifiersTest {
  /** The language's own keywords: they cannot name anything, so they are not in the pools. */
  static final Set<String> VMODEL_KEYWORDS = Set.of("package", "model", "size", "hyper", "data", "latent", "group",
      "in");

  static final List<String> JAVA_WORDS = List.of("abstract", "assert", "boolean", "break", "byte", "case", "catch",
      "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally",
      "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new",
      "private", "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized",
      "this", "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "_", "var",
      "record", "yield", "sealed", "permits", "when", "module", "exports", "open", "opens", "requires", "to", "with",
      "transitive", "uses", "provides");

  /** Names of the generated class's own fields, locals, parameters and methods, and common size names. */
  static final List<String> GENERATED_WORDS = List.of("s", "e", "i", "j", "k", "l", "m", "p", "r", "c", "n", "v",
      "a", "b", "d", "N", "K", "D", "V", "T", "options", "result", "state", "elbo", "elboTrace", "elboAfterSweep",
      "fit", "start", "create", "builder", "build", "config", "rng", "init", "prepare", "sweep", "sweeps",
      "checkedElbo", "check", "iteration", "before", "after", "trace", "iterations", "converged", "posteriors",
      "parameters", "sd", "best", "restart", "previous", "it", "last", "logJoint", "entropy", "chunk", "from", "threads",
      "mean", "lnDet", "value", "row", "sum", "responsibilities", "statistics", "out", "names", "values", "second",
      "factor", "size", "predict", "update", "hashCode", "toString", "equals", "getClass", "clone", "wait", "notify",
      "finalize", "shape", "rate", "scale", "alpha", "psi", "nu", "beta", "off", "quad", "lm", "lij", "eta", "q", "x",
      "Math", "String", "System", "Double", "Integer", "Object", "Long", "Override", "Arrays", "Map", "LinkedHashMap",
      "Collections", "SplittableRandom", "LinAlg", "SpecialFunctions", "Chunks", "FitOptions", "FitResult",
      "DataException", "ElboDecreasedException", "KMeansPlusPlus", "Generated", "Builder", "Data", "State",
      "Session", "Result", "Posterior", "Init", "IllegalArgumentException", "IllegalStateException",
      "IndexOutOfBoundsException", "NormalPosterior", "GammaPosterior", "BetaPosterior", "DirichletPosterior",
      "CategoricalPosterior", "MultiNormalPosterior", "WishartPosterior", "NormalGammaPosterior",
      "NormalWishartPosterior", "InvGammaPosterior", "save", "load", "posteriorFile", "file", "reader", "writer",
      "path", "PosteriorFile", "Contents", "PosteriorFileException", "IncompatiblePosteriorException", "IOException",
      "Reader", "Writer", "Path", "SOURCE_SHA256", "VMODEL_VERSION",
      // the local phase and the product form (issue 15)
      "PseudoCounts", "localPhase", "localBound", "localRounds", "restartGroups", "perGroup", "bound", "round",
      "rounds", "next", "settled", "inv", "g", "lnNorm", "groupBoundCarried", "groupBoundRestarted",
      "localIterations", "localRestarts", "expThetaLnx", "zRowLnNorm", "savedQZP", "w", "t", "d", "c",
      // local bounds of logistic and softmax likelihoods (issue 16)
      "LocalBounds", "LogisticBound", "SoftmaxBound", "xi", "lambda", "offset", "shift", "stepW", "stepSizeW",
      "halving", "before", "after", "savedQWMean", "exponent1", "second",
      // Markov chains (issue 17)
      "MarkovChain", "longest", "blocks", "block", "chains", "first", "pair", "h", "normalise", "path", "to",
      "pathZ", "nextZ", "zChainStarts", "zPotentials", "independentStartZ", "viterbiZ", "updateZChains");

  /** Model (class) names: the checker rejects Java keywords ({@code var} included) and the nested class names. */
  static final List<String> MODEL_NAMES = List.of("String", "Math", "System", "Double", "Integer", "Object",
      "Override", "Arrays", "Map", "LinkedHashMap", "Collections", "SplittableRandom", "LinAlg", "SpecialFunctions",
      "Chunks", "FitOptions", "FitResult", "DataException", "ElboDecreasedException", "KMeansPlusPlus", "Generated",
      "Posterior", "Init", "IllegalArgumentException", "NormalPosterior", "GammaPosterior", "Long", "s", "e", "elbo",
      "PosteriorFile", "Path", "Reader", "Writer", "IOException", "IncompatiblePosteriorException", "PseudoCounts",
      "LocalBounds", "LogisticBound", "SoftmaxBound", "MarkovChain");

  private static final Pattern TOKEN = Pattern.compile(
      "//[^\\n]*|/\\*(?s:.*?)\\*/|[A-Za-z_][A-Za-z_0-9]*|[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\s+|.");
  private static final Set<String> DECLARING = Set.of("model", "size", "hyper", "data", "latent");

  static final int ROUNDS = 4;

  @Test
  void everyIdentifierRenamedToAHostileNameCompiles() {
    List<String> pool = new ArrayList<>();
    for (String w : JAVA_WORDS) {
      pool.add(w);
    }
    for (String w : GENERATED_WORDS) {
      if (!pool.contains(w)) {
        pool.add(w);
      }
    }
    pool.removeIf(VMODEL_KEYWORDS::contains);
    Cursor names = new Cursor(pool);
    Cursor models = new Cursor(MODEL_NAMES);
    List<Path> files = TestModels.files();
    for (int round = 0; round < ROUNDS; round++) {
      List<JavaFile> java = new ArrayList<>();
      Map<String, String> variants = new LinkedHashMap<>();
      for (int f = 0; f < files.size(); f++) {
        Path file = files.get(f);
        String text = TestModels.read(file);
        String renamed = rename(text, names, models);
        String pkg = "dev.vmodel.renamed.r" + round + ".m" + f;
        variants.put(pkg, TestModels.label(file) + " renamed:\n" + renamed);
        java.addAll(TestModels.generate(TestModels.label(file) + " (round " + round + ")", renamed, pkg));
      }
      try {
        TestModels.compile(java);
      } catch (InMemoryCompiler.CompilationFailed failure) {
        StringBuilder which = new StringBuilder();
        variants.forEach((pkg, v) -> {
          if (failure.getMessage().contains(pkg.replace('.', '/')) || failure.getMessage().contains(pkg)) {
            which.append("\n--- ").append(pkg).append(": ").append(v);
          }
        });
        throw new AssertionError(failure.getMessage() + which, failure);
      }
    }
    Set<String> unused = new TreeSet<>(pool);
    unused.removeAll(names.used);
    assertTrue(unused.isEmpty(), "hostile names never used: " + unused);
    Set<String> unusedModels = new TreeSet<>(MODEL_NAMES);
    unusedModels.removeAll(models.used);
    assertTrue(unusedModels.isEmpty(), "model names never used: " + unusedModels);
  }

  /** The renaming itself: declared names found, replaced everywhere, comments and the rest kept. */
  @Test
  void renamingReplacesDeclaredNamesOnly() {
    String text = "// y is data\nmodel M { size N; hyper a = 1; latent mu ~ Normal(a, 1);\n"
        + "  data y[n in N]: real ~ Normal(mu, 1); }";
    String out = rename(text, new Cursor(List.of("class", "s", "N", "e", "elbo")), new Cursor(List.of("String")));
    assertEquals("// y is data\nmodel String { size class; hyper s = 1; latent N ~ Normal(s, 1);\n"
        + "  data e[elbo in class]: real ~ Normal(N, 1); }", out);
  }

  /** A pool taken in turn across all files, skipping names the file already uses otherwise. */
  static final class Cursor {
    final List<String> pool;
    final Set<String> used = new LinkedHashSet<>();
    int next;

    Cursor(List<String> pool) {
      this.pool = pool;
    }

    String take(Set<String> avoid) {
      for (int tries = 0; tries < pool.size(); tries++) {
        String n = pool.get(next++ % pool.size());
        if (!avoid.contains(n)) {
          used.add(n);
          return n;
        }
      }
      throw new AssertionError("pool exhausted: " + avoid);
    }
  }

  /** The model text with every declared identifier replaced by a name from the pools. */
  static String rename(String text, Cursor names, Cursor models) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      tokens.add(m.group());
    }
    // Declared: the identifier after a declaring keyword, and every identifier before `in`.
    Set<String> modelNames = new LinkedHashSet<>();
    Set<String> declared = new LinkedHashSet<>();
    String previous = null;
    String pending = null;
    for (String t : tokens) {
      if (t.isBlank() || t.startsWith("//") || t.startsWith("/*")) {
        continue;
      }
      if (isIdentifier(t) && previous != null && DECLARING.contains(previous) && !VMODEL_KEYWORDS.contains(t)) {
        (previous.equals("model") ? modelNames : declared).add(t);
      }
      if (t.equals("in") && pending != null) {
        declared.add(pending);
      }
      pending = isIdentifier(t) && !VMODEL_KEYWORDS.contains(t) ? t : null;
      previous = t;
    }
    declared.removeAll(modelNames);
    // Identifiers that stay (types, distributions, functions, the package): no new name may equal one.
    Set<String> avoid = new LinkedHashSet<>(VMODEL_KEYWORDS);
    for (String t : tokens) {
      if (isIdentifier(t) && !declared.contains(t) && !modelNames.contains(t)) {
        avoid.add(t);
      }
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (String n : modelNames) {
      String to = models.take(avoid);
      avoid.add(to);
      map.put(n, to);
    }
    for (String n : declared) {
      String to = names.take(avoid);
      avoid.add(to);
      map.put(n, to);
    }
    StringBuilder out = new StringBuilder();
    for (String t : tokens) {
      out.append(map.getOrDefault(t, t));
    }
    return out.toString();
  }

  private static boolean isIdentifier(String t) {
    return Character.isLetter(t.charAt(0)) || t.charAt(0) == '_';
  }
}
