package dev.vmodel.compiler.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Random models for property tests: conjugate-exponential models built from the grammar's
 * declarations (sizes with and without defaults, hypers with random constant expressions,
 * latents and data over plates, mixtures with categorical indices, groups) whose names are
 * drawn from the names most likely to break generated Java: every Java keyword and literal,
 * `_`, the names the generated class and the runtime use (`s`, `e`, `options`, `result`,
 * `state`, `elbo`, `Math`, `String`, ...), and the language's own type, distribution and
 * function names. Expressions are random in shape and depth (up to about 60 levels, below the
 * front end's limit of 200).
 *
 * <p>Every model is meant to be accepted by the checker (RandomModelsTest measures how many
 * are) and to be conjugate, so that later stages can compile it. A model is a function of its
 * seed: {@code generate(seed)} always returns the same text.
 */
public final class RandomModels {
  /** Java keywords, reserved literals and `_`; none is a keyword of the language. */
  public static final List<String> JAVA_WORDS = List.of(
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
      "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
      "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
      "new", "private", "protected", "public", "return", "short", "static", "strictfp", "super",
      "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile",
      "while", "true", "false", "null", "var", "record", "yield", "sealed", "permits", "_");

  /** Names a generated class, its nested classes or the runtime are likely to use. */
  public static final List<String> GENERATED_WORDS = List.of(
      "s", "e", "options", "result", "state", "elbo", "Math", "String", "Object", "System", "Double",
      "Integer", "Arrays", "List", "Map", "Builder", "Data", "State", "Session", "Result", "builder",
      "create", "fit", "sweep", "prepare", "posteriors", "config", "value", "values", "rng", "random",
      "i", "j", "k", "n", "c", "d", "p", "t", "x", "y", "z", "N", "K", "D", "LinAlg", "Special",
      "toString", "hashCode", "equals", "getClass", "clone", "main", "length", "logJoint", "iter",
      "real", "vector", "simplex", "Normal", "Gamma", "sum", "dot", "rep", "exp", "log");

  /** Model names: the checker refuses Java keywords and the generated nested class names. */
  private static final List<String> MODEL_NAMES = List.of(
      "String", "Math", "Object", "System", "Model", "Elbo", "Main", "Integer", "X", "_Model", "Fit",
      "Options", "Double", "LinAlg");

  /** All names a model's declarations and indices are drawn from. */
  public static List<String> names() {
    List<String> all = new ArrayList<>(JAVA_WORDS);
    all.addAll(GENERATED_WORDS);
    return all;
  }

  private final Random rnd;
  private final List<String> pool;
  private final Set<String> taken = new LinkedHashSet<>();
  /** Hypers declared so far with a positive default; a later one may use them. */
  private final List<String> positiveHypers = new ArrayList<>();
  private final List<String> realHypers = new ArrayList<>();
  private final StringBuilder out = new StringBuilder();

  private RandomModels(long seed) {
    this.rnd = new Random(seed);
    this.pool = new ArrayList<>(names());
    Collections.shuffle(pool, rnd);
  }

  /** The model of one seed. */
  public static String generate(long seed) {
    return new RandomModels(seed).model();
  }

  private String fresh() {
    for (String n : pool) {
      if (taken.add(n)) {
        return n;
      }
    }
    String n = "v" + taken.size();
    taken.add(n);
    return n;
  }

  private void line(String s) {
    out.append("  ").append(s).append('\n');
  }

  private String model() {
    out.append("model ").append(MODEL_NAMES.get(rnd.nextInt(MODEL_NAMES.size()))).append(" {\n");
    String rows = fresh();
    line("size " + rows + ";");
    int hypers = rnd.nextInt(6);
    for (int h = 0; h < hypers; h++) {
      hyper();
    }
    switch (rnd.nextInt(10)) {
      case 0 -> normalGamma(rows);
      case 1 -> mixture(rows);
      case 2 -> regression(rows);
      case 3 -> betaBernoulli(rows);
      case 4 -> gammaPoisson(rows);
      case 5 -> logistic(rows);
      case 6 -> softmax(rows);
      case 7 -> poissonLogLink(rows);
      case 8 -> markov(rows);
      default -> normalGammaGroup(rows);
    }
    out.append("}\n");
    return out.toString();
  }

  private void hyper() {
    String name = fresh();
    if (rnd.nextBoolean()) {
      line("hyper " + name + " = " + positive(budget()) + ";");
      positiveHypers.add(name);
    } else if (rnd.nextInt(4) == 0) {
      line("hyper " + name + ": positive;");
      positiveHypers.add(name);
    } else {
      line("hyper " + name + " = " + real(budget()) + ";");
      realHypers.add(name);
    }
  }

  /** A node budget: most expressions are small, some are long chains. */
  private int budget() {
    int r = rnd.nextInt(10);
    return r < 6 ? 1 + rnd.nextInt(4) : r < 9 ? 5 + rnd.nextInt(15) : 20 + rnd.nextInt(40);
  }

  private static final String[] POSITIVE_NUMBERS = {"1", "2", "0.5", "1.5", "3", "0.001", "1e-3", "2.5E+1", ".5",
      "10", "3."};
  private static final String[] REAL_NUMBERS = {"0", "1", "2.5", "0.25", "100", "1e2"};

  /** A constant expression that the checker can prove positive, of about n nodes. */
  private String positive(int n) {
    if (n <= 1) {
      if (!positiveHypers.isEmpty() && rnd.nextInt(3) == 0) {
        return positiveHypers.get(rnd.nextInt(positiveHypers.size()));
      }
      return POSITIVE_NUMBERS[rnd.nextInt(POSITIVE_NUMBERS.length)];
    }
    int left = 1 + rnd.nextInt(n - 1);
    String a = positive(left);
    String b = positive(Math.max(1, n - left - 1));
    return switch (rnd.nextInt(6)) {
      case 0 -> a + " + " + b;
      case 1 -> "(" + a + " + " + b + ")";
      case 2 -> "(" + a + ") * (" + b + ")";
      case 3 -> "(" + a + ") / (" + b + ")";
      case 4 -> "exp(" + smallReal() + ") * (" + a + ")";
      default -> "((" + a + "))";
    };
  }

  /**
   * A positive constant that scales a latent (a precision times a Gamma latent): a product
   * of numbers and positive hypers, as the conjugacy analysis takes the log of a scale
   * factor and does not expand the log of a sum of constants.
   */
  private String scale() {
    StringBuilder b = new StringBuilder("(");
    int factors = 1 + rnd.nextInt(3);
    for (int i = 0; i < factors; i++) {
      b.append(i == 0 ? "" : " * ").append(positive(1));
    }
    return b.append(")").toString();
  }

  private String smallReal() {
    return switch (rnd.nextInt(3)) {
      case 0 -> "0.5";
      case 1 -> "-1";
      default -> "log(2)";
    };
  }

  /** A constant real expression of about n nodes. */
  private String real(int n) {
    if (n <= 1) {
      int pick = rnd.nextInt(4);
      if (pick == 0 && !realHypers.isEmpty()) {
        return realHypers.get(rnd.nextInt(realHypers.size()));
      }
      if (pick == 1 && !positiveHypers.isEmpty()) {
        return positiveHypers.get(rnd.nextInt(positiveHypers.size()));
      }
      return REAL_NUMBERS[rnd.nextInt(REAL_NUMBERS.length)];
    }
    int left = 1 + rnd.nextInt(n - 1);
    String a = real(left);
    String b = real(Math.max(1, n - left - 1));
    return switch (rnd.nextInt(6)) {
      case 0 -> a + " + " + b;
      case 1 -> a + " - (" + b + ")";
      case 2 -> "(" + a + ") * 0.5";
      case 3 -> "-(" + a + ")";
      case 4 -> "(" + a + " - " + b + ")";
      default -> "(" + a + ")";
    };
  }

  private String pos() {
    return positive(budget());
  }

  private String re() {
    return real(budget());
  }

  private void normalGamma(String rows) {
    String mu = fresh();
    String tau = fresh();
    String y = fresh();
    String n = fresh();
    line("latent " + mu + ": real ~ Normal(" + re() + ", " + pos() + ");");
    line("latent " + tau + ": positive ~ Gamma(" + pos() + ", " + pos() + ");");
    String mean = rnd.nextBoolean() ? mu : mu + " + (" + re() + ")";
    line("data " + y + "[" + n + " in " + rows + "]: real ~ Normal(" + mean + ", " + tau + ");");
  }

  private void normalGammaGroup(String rows) {
    String mu = fresh();
    String tau = fresh();
    String y = fresh();
    String n = fresh();
    line("latent " + tau + ": positive ~ Gamma(" + pos() + ", " + pos() + ");");
    line("latent " + mu + ": real ~ Normal(" + re() + ", " + scale() + " * " + tau + ");");
    line("data " + y + "[" + n + " in " + rows + "]: real ~ Normal(" + mu + ", " + tau + ");");
    line("group (" + mu + ", " + tau + ");");
  }

  private void mixture(String rows) {
    String k = fresh();
    String pi = fresh();
    String mu = fresh();
    String z = fresh();
    String y = fresh();
    String kk = fresh();
    String n = fresh();
    String tau = fresh();
    line("size " + k + " = " + (2 + rnd.nextInt(4)) + ";");
    line("latent " + pi + ": simplex[" + k + "] ~ Dirichlet(rep(" + pos() + ", " + k + "));");
    line("latent " + mu + "[" + kk + " in " + k + "]: real ~ Normal(" + re() + ", " + pos() + ");");
    line("latent " + tau + ": positive ~ Gamma(" + pos() + ", " + pos() + ");");
    line("latent " + z + "[" + n + " in " + rows + "]: cat[" + k + "] ~ Categorical(" + pi + ");");
    line("data " + y + "[" + n + " in " + rows + "]: real ~ Normal(" + mu + "[" + z + "[" + n + "]], " + tau + ");");
  }

  /** A hidden Markov model: init latent or a hyper, several sequences or one, Normal emissions. */
  private void markov(String rows) {
    String k = fresh();
    String kk = fresh();
    String rho = fresh();
    String a = fresh();
    String z = fresh();
    String mu = fresh();
    String y = fresh();
    String n = fresh();
    String tau = fresh();
    line("size " + k + " = " + (2 + rnd.nextInt(3)) + ";");
    String init = rho;
    if (rnd.nextBoolean()) {
      line("latent " + rho + ": simplex[" + k + "] ~ Dirichlet(rep(" + pos() + ", " + k + "));");
    } else {
      line("hyper " + rho + ": simplex[" + k + "] = rep(1.0 / " + k + ", " + k + ");");
    }
    line("latent " + a + "[" + kk + " in " + k + "]: simplex[" + k + "] ~ Dirichlet(rep(" + pos() + ", " + k + "));");
    String seqArg = "";
    if (rnd.nextBoolean()) {
      String s = fresh();
      String seq = fresh();
      line("size " + s + ";");
      line("data " + seq + "[" + n + " in " + rows + "]: cat[" + s + "];");
      seqArg = ", " + seq;
    }
    line("latent " + z + "[" + n + " in " + rows + "]: cat[" + k + "] ~ Markov(" + init + ", " + a + seqArg + ");");
    line("latent " + mu + "[" + kk + " in " + k + "]: real ~ Normal(" + re() + ", " + pos() + ");");
    line("latent " + tau + ": positive ~ Gamma(" + pos() + ", " + pos() + ");");
    line("data " + y + "[" + n + " in " + rows + "]: real ~ Normal(" + mu + "[" + z + "[" + n + "]], " + tau + ");");
  }

  private void regression(String rows) {
    String p = fresh();
    String x = fresh();
    String w = fresh();
    String b = fresh();
    String y = fresh();
    String n = fresh();
    String tau = fresh();
    line("size " + p + ";");
    line("data " + x + "[" + n + " in " + rows + "]: vector[" + p + "];");
    line("latent " + w + ": vector[" + p + "] ~ MultiNormal(zeros(" + p + "), " + scale() + " * identity(" + p + "));");
    line("latent " + b + ": real ~ Normal(" + re() + ", " + pos() + ");");
    line("latent " + tau + ": positive ~ Gamma(" + pos() + ", " + pos() + ");");
    line("data " + y + "[" + n + " in " + rows + "]: real ~ Normal(dot(" + w + ", " + x + "[" + n + "]) + " + b + ", "
        + tau + ");");
  }

  private void betaBernoulli(String rows) {
    String th = fresh();
    String y = fresh();
    String n = fresh();
    line("latent " + th + ": unit ~ Beta(" + pos() + ", " + pos() + ");");
    line("data " + y + "[" + n + " in " + rows + "]: bool ~ Bernoulli(" + th + ");");
  }

  private void gammaPoisson(String rows) {
    String lambda = fresh();
    String y = fresh();
    String n = fresh();
    Supplier<String> rate = () -> rnd.nextBoolean() ? lambda : scale() + " * " + lambda;
    line("latent " + lambda + ": positive ~ Gamma(" + pos() + ", " + pos() + ");");
    line("data " + y + "[" + n + " in " + rows + "]: count ~ Poisson(" + rate.get() + ");");
  }

  /** Logistic regression, with a Gamma precision on the weights (the bound's latent, if any, is named after y). */
  private void logistic(String rows) {
    String p = fresh();
    String x = fresh();
    String w = fresh();
    String alpha = fresh();
    String y = fresh();
    String n = fresh();
    line("size " + p + ";");
    line("data " + x + "[" + n + " in " + rows + "]: vector[" + p + "];");
    line("latent " + alpha + ": positive ~ Gamma(" + pos() + ", " + pos() + ");");
    line("latent " + w + ": vector[" + p + "] ~ MultiNormal(zeros(" + p + "), " + alpha + " * identity(" + p + "));");
    // The bound (logistic(...)) or the exact expected log-likelihood (logit: ...).
    boolean exact = rnd.nextBoolean();
    line("data " + y + "[" + n + " in " + rows + "]: bool ~ Bernoulli(" + (exact ? "logit: " : "logistic(") + "dot("
        + w + ", " + x + "[" + n + "])" + (rnd.nextBoolean() ? "" : " + (" + re() + ")") + (exact ? ");" : "));"));
  }

  /** Softmax regression: an array of weight vectors used whole as a matrix. */
  private void softmax(String rows) {
    String p = fresh();
    String c = fresh();
    String cc = fresh();
    String x = fresh();
    String w = fresh();
    String y = fresh();
    String n = fresh();
    line("size " + p + "; size " + c + " = " + (2 + rnd.nextInt(3)) + ";");
    line("data " + x + "[" + n + " in " + rows + "]: vector[" + p + "];");
    line("latent " + w + "[" + cc + " in " + c + "]: vector[" + p + "] ~ MultiNormal(zeros(" + p + "), " + scale()
        + " * identity(" + p + "));");
    line("data " + y + "[" + n + " in " + rows + "]: cat[" + c + "] ~ Categorical(softmax(" + w + " * " + x + "[" + n
        + "]));");
  }

  /** Poisson regression with a log link and an intercept of its own. */
  private void poissonLogLink(String rows) {
    String p = fresh();
    String x = fresh();
    String w = fresh();
    String b = fresh();
    String y = fresh();
    String n = fresh();
    line("size " + p + ";");
    line("data " + x + "[" + n + " in " + rows + "]: vector[" + p + "];");
    line("latent " + w + ": vector[" + p + "] ~ MultiNormal(zeros(" + p + "), " + scale() + " * identity(" + p + "));");
    line("latent " + b + ": real ~ Normal(" + re() + ", " + pos() + ");");
    line("data " + y + "[" + n + " in " + rows + "]: count ~ Poisson(exp(dot(" + w + ", " + x + "[" + n + "]) + " + b
        + "));");
  }
}
