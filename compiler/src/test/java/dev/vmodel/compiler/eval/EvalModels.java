package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.plan.UpdatePlan;
import java.util.List;
import java.util.Map;

/** The example models on small data subsets, as the eval suite uses them. */
final class EvalModels {
  private EvalModels() {}

  /** The 15 example models. */
  static List<String> stems() {
    return Examples.stems();
  }

  /**
   * For the Monte Carlo checks: the first 30 rows (PPCA: 20 rows of the complete data; LDA: 200
   * tokens), K = 3 for the mixtures with a larger default. LDA's Dirichlet concentrations are
   * raised to 0.5 because draws from Dirichlet(0.01) underflow to exactly 0 (ln 0 = -inf in
   * ln p), which is a limit of sampling, not of the plan.
   */
  static Interpreter small(String stem) {
    switch (stem) {
      case "lda":
        return Examples.load(stem, new ModelData.Options(200, Map.of("K", 3), Map.of("alpha", 0.5, "eta", 0.5)));
      case "gaussian-mixture":
        return Examples.load(stem, ModelData.Options.rows(30).size("K", 3));
      case "ppca":
        return ppca(20);
      default:
        return Examples.load(stem, ModelData.Options.rows(30));
    }
  }

  /** For the sweeps: default hypers, 40 rows (LDA: 200 tokens), K = 3 for the Gaussian mixture and LDA. */
  static Interpreter sweeps(String stem) {
    switch (stem) {
      case "lda":
        return Examples.load(stem, ModelData.Options.rows(200).size("K", 3));
      case "gaussian-mixture":
        return Examples.load(stem, ModelData.Options.rows(40).size("K", 3));
      case "ppca":
        return ppca(40);
      default:
        return Examples.load(stem, ModelData.Options.rows(40));
    }
  }

  /**
   * PPCA on the complete data: the plan has no representation of missing observations yet (see
   * {@code MissingDataTest}).
   */
  static Interpreter ppca(int rows) {
    UpdatePlan plan = Examples.plan("ppca");
    return new Interpreter(plan, ModelData.load(plan.graph(), Examples.csv("ppca.complete.csv"), ModelData.Options.rows(rows)));
  }

  /** A model of this suite's resources with an example's data file. */
  static Interpreter resource(String name, String dataFile, ModelData.Options o) {
    UpdatePlan plan = Examples.resource(name);
    return new Interpreter(plan, ModelData.load(plan.graph(), Examples.csv(dataFile), o));
  }

  /** (model, factor) pairs of every example. */
  static List<String[]> factors() {
    return stems().stream().flatMap(s -> Examples.plan(s).schedule().stream().map(f -> new String[] {s, f})).toList();
  }
}
