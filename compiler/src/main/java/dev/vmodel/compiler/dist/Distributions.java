package dev.vmodel.compiler.dist;

import static dev.vmodel.compiler.check.Domain.BOOL;
import static dev.vmodel.compiler.check.Domain.COUNT;
import static dev.vmodel.compiler.check.Domain.POSITIVE;
import static dev.vmodel.compiler.check.Domain.REAL;
import static dev.vmodel.compiler.check.Domain.SIMPLEX;
import static dev.vmodel.compiler.check.Domain.SPD;
import static dev.vmodel.compiler.check.Domain.UNIT;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The distribution table of the language (docs/language.md), with the parameterizations fixed
 * there. A new distribution is one entry here (and, for inference, one exponential-family entry).
 */
public final class Distributions {
  private static final Map<String, DistributionSpec> BY_NAME = new LinkedHashMap<>();

  static {
    add("Normal", Pattern.scalar(REAL),
        slot("mean", Pattern.scalar(REAL)),
        slot(List.of("precision", "sd", "var"), Pattern.scalar(POSITIVE)));
    add("Gamma", Pattern.scalar(POSITIVE),
        slot("shape", Pattern.scalar(POSITIVE)), slot("rate", Pattern.scalar(POSITIVE)));
    add("InvGamma", Pattern.scalar(POSITIVE),
        slot("shape", Pattern.scalar(POSITIVE)), slot("scale", Pattern.scalar(POSITIVE)));
    add("Beta", Pattern.scalar(UNIT),
        slot("a", Pattern.scalar(POSITIVE)), slot("b", Pattern.scalar(POSITIVE)));
    // Bernoulli(logit: a) = Bernoulli(logistic(a)), inferred with the exact expected log-likelihood
    // (a fixed-form Gaussian factor for the latents in a) instead of the Jaakkola-Jordan bound.
    add("Bernoulli", Pattern.scalar(BOOL), new ParamSlot(List.of("p", "logit"), Pattern.scalar(UNIT), "p",
        Map.of("logit", Pattern.scalar(REAL))));
    add("Binomial", Pattern.scalar(COUNT),
        slot("trials", Pattern.scalar(COUNT)), slot("p", Pattern.scalar(UNIT)));
    add("Poisson", Pattern.scalar(COUNT), slot("rate", Pattern.scalar(POSITIVE)));
    add("Exponential", Pattern.scalar(POSITIVE), slot("rate", Pattern.scalar(POSITIVE)));
    add("Categorical", Pattern.cat("K"), slot("p", Pattern.vector("K", SIMPLEX)));
    add("Multinomial", Pattern.vector("K", REAL),
        slot("trials", Pattern.scalar(COUNT)), slot("p", Pattern.vector("K", SIMPLEX)));
    add("Dirichlet", Pattern.vector("K", SIMPLEX), slot("alpha", Pattern.vector("K", POSITIVE)));
    add("MultiNormal", Pattern.vector("D", REAL),
        slot("mean", Pattern.vector("D", REAL)),
        slot(List.of("precision", "cov"), Pattern.matrix("D", "D", SPD)));
    add("Wishart", Pattern.matrix("D", "D", SPD),
        slot("W", Pattern.matrix("D", "D", SPD)), slot("nu", Pattern.scalar(POSITIVE)));
  }

  /**
   * The local variational bounds lowering attaches to a likelihood with a nonlinear link (never
   * written in a model, so not in the table): Jaakkola and Jordan's bound on ln logistic, one
   * scalar xi per row, and a Bohning-type quadratic bound on ln softmax, one expansion point psi
   * per row. Each is the "prior" of a synthetic local latent whose factor holds the bound's
   * parameters; its arguments name the data node it bounds ({@code of}).
   */
  public static final DistributionSpec JAAKKOLA_JORDAN =
      new DistributionSpec("JaakkolaJordan", List.of(slot("of", Pattern.scalar(BOOL))), Pattern.scalar(REAL));

  /** See {@link #JAAKKOLA_JORDAN}. */
  public static final DistributionSpec BOHNING =
      new DistributionSpec("Bohning", List.of(slot("of", Pattern.cat("K"))), Pattern.vector("K", REAL));

  /**
   * {@code z[t in T]: cat[K] ~ Markov(init, transition)} or {@code Markov(init, transition, seq)}: a
   * first-order Markov chain over a whole latent array, z[first] ~ Categorical(init) and z[t] ~
   * Categorical(transition[z[t-1]]) within a chain; a chain starts at row 0 and wherever the data
   * array {@code seq} changes value. The third slot is optional; the checker binds the arguments
   * itself (see {@code DistributionChecker.checkMarkov}).
   */
  public static final DistributionSpec MARKOV = new DistributionSpec("Markov",
      List.of(slot("init", Pattern.vector("K", SIMPLEX)), slot("transition", Pattern.matrix("K", "K", SIMPLEX)),
          slot("seq", Pattern.cat("S"))),
      Pattern.cat("K"));

  static {
    BY_NAME.put(MARKOV.name(), MARKOV);
  }

  private Distributions() {}

  /** Whether {@code spec} is the Markov chain, a distribution over a whole latent array. */
  public static boolean isChain(DistributionSpec spec) {
    return spec.equals(MARKOV);
  }

  /** Whether {@code spec} is one of the local bounds lowering attaches, not a distribution of the language. */
  public static boolean isBound(DistributionSpec spec) {
    return spec.equals(JAAKKOLA_JORDAN) || spec.equals(BOHNING);
  }

  private static void add(String name, Pattern support, ParamSlot... slots) {
    BY_NAME.put(name, new DistributionSpec(name, List.of(slots), support));
  }

  private static ParamSlot slot(String name, Pattern p) {
    return new ParamSlot(List.of(name), p, name);
  }

  private static ParamSlot slot(List<String> names, Pattern p) {
    return new ParamSlot(names, p, names.get(0));
  }

  public static Optional<DistributionSpec> lookup(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }
}
