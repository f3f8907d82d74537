package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.plan.UpdatePlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The models the eval suite runs on small data subsets: the example models, and models of this
 * suite's resources for constructs the examples do not use ("eval/gaussian-mixture-ungrouped":
 * separate MultiNormal and Wishart factors under a mixture gate; "eval/extras": Exponential prior,
 * scaled Poisson rate, cov:, var:, hyper expressions, Binomial; "eval/hierarchy": latent Gamma
 * rate, additive means, latent-scaled precision matrix, an element of a latent vector, data-indexed
 * Beta, vector-hyper Dirichlet, modeled categorical data; "eval/mixtures": gated Multinomial,
 * Binomial and Normal components).
 */
final class EvalModels {
  private EvalModels() {}

  /** Resource models with their data files (an example's, or a resource CSV). */
  private static final Map<String, String> RESOURCE_DATA = Map.of(
      "eval/gaussian-mixture-ungrouped", "examples:gaussian-mixture.csv",
      "eval/extras", "eval:extras.csv",
      "eval/hierarchy", "eval:hierarchy.csv",
      "eval/mixtures", "eval:mixtures.csv");

  /**
   * The example models whose factors are all mean-field: a Markov chain's structured q(z) is
   * beyond this interpreter (HiddenMarkovModelTest checks it against enumeration of all paths).
   */
  static List<String> stems() {
    return Examples.stems().stream()
        .filter(s -> Examples.plan(s).updates().stream().noneMatch(u -> u.chain())).toList();
  }

  /** The example models and the resource models. */
  static List<String> models() {
    List<String> out = new ArrayList<>(stems());
    out.add("eval/gaussian-mixture-ungrouped");
    out.add("eval/extras");
    out.add("eval/hierarchy");
    out.add("eval/mixtures");
    return out;
  }

  static UpdatePlan plan(String model) {
    return model.startsWith("eval/") ? Examples.resource(model.substring(5)) : Examples.plan(model);
  }

  private static Csv csv(String model) {
    if (!model.startsWith("eval/")) {
      return Examples.csv(model + ".csv");
    }
    String d = RESOURCE_DATA.get(model);
    if (d.startsWith("examples:")) {
      return Examples.csv(d.substring("examples:".length()));
    }
    try {
      return Csv.read(Path.of(EvalModels.class.getResource("/eval/" + d.substring("eval:".length())).toURI()));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Interpreter load(String model, ModelData.Options o) {
    UpdatePlan plan = plan(model);
    return new Interpreter(plan, ModelData.load(plan.graph(), csv(model), o));
  }

  /**
   * For the Monte Carlo checks: the first 30 rows (PPCA: 20 rows of the complete data; LDA: 200
   * tokens), K = 3 for the mixtures with a larger default. LDA's Dirichlet concentrations are
   * raised to 0.5 because draws from Dirichlet(0.01) underflow to exactly 0 (ln 0 = -inf in
   * ln p), which is a limit of sampling, not of the plan.
   */
  static Interpreter small(String model) {
    switch (model) {
      case "lda":
        return load(model, new ModelData.Options(200, Map.of("K", 3), Map.of("alpha", 0.5, "eta", 0.5)));
      case "gaussian-mixture":
      case "dp-mixture":
        return load(model, ModelData.Options.rows(30).size("K", 3));
      case "ppca":
        return ppca(20);
      default:
        return load(model, ModelData.Options.rows(30));
    }
  }

  /** For the sweeps: default hypers, 40 rows (LDA: 200 tokens), K = 3 for the Gaussian mixture and LDA. */
  static Interpreter sweeps(String model) {
    switch (model) {
      case "lda":
        return load(model, ModelData.Options.rows(200).size("K", 3));
      case "gaussian-mixture":
      case "dp-mixture":
        return load(model, ModelData.Options.rows(40).size("K", 3));
      case "ppca":
        return ppca(40);
      default:
        return load(model, ModelData.Options.rows(40));
    }
  }

  /** PPCA on the complete data (ppca.csv with its holes is {@code MissingDataTest}'s). */
  static Interpreter ppca(int rows) {
    UpdatePlan plan = Examples.plan("ppca");
    return new Interpreter(plan, ModelData.load(plan.graph(), Examples.csv("ppca.complete.csv"), ModelData.Options.rows(rows)));
  }

  /** A model of this suite's resources with an example's data file. */
  static Interpreter resource(String name, String dataFile, ModelData.Options o) {
    UpdatePlan plan = Examples.resource(name);
    return new Interpreter(plan, ModelData.load(plan.graph(), Examples.csv(dataFile), o));
  }

  /**
   * (model, factor) pairs of every model, but the fixed-form (non-conjugate) updates: their
   * natural parameters are the ELBO's gradient at the current q, not E_{-j}[ln p]'s coefficients,
   * and one update is a step, not the optimum, so the regression and one-step optimality checks do
   * not apply (NonConjugateLikelihoodTest checks them against an independent optimiser).
   */
  static List<String[]> factors() {
    return models().stream().flatMap(s -> plan(s).schedule().stream()
        .filter(f -> !plan(s).update(f).nonConjugate()).map(f -> new String[] {s, f})).toList();
  }
}
