package dev.vmodel.compiler.family;

import java.util.List;

/** The registry of families: the one instance of each, and the one list a new family is added to. */
public final class Families {
  private static final List<FamilySpec> ALL = List.of(
      new NormalFamily(), new MultiNormalFamily(), new GammaFamily(), new InvGammaFamily(), new BetaFamily(),
      new DirichletFamily(), new CategoricalFamily(), new WishartFamily(), new NormalGammaFamily(),
      new NormalWishartFamily(), new JaakkolaJordanFamily(), new BohningFamily(),
      new MarkovChainFamily());

  private Families() {}

  public static List<FamilySpec> all() {
    return ALL;
  }

  public static FamilySpec of(Family.Kind kind) {
    for (FamilySpec s : ALL) {
      if (s.kind() == kind) {
        return s;
      }
    }
    throw new IllegalArgumentException("no family " + kind);
  }

  /** The family of a lone latent with this prior, or null if none is conjugate. */
  public static FamilySpec ofPrior(String distribution) {
    for (FamilySpec s : ALL) {
      if (s.priors().contains(distribution)) {
        return s;
      }
    }
    return null;
  }

  /** The joint family of a mean and the precision scaling its prior, or null. */
  public static FamilySpec ofGroup(String meanPrior, String precisionPrior) {
    for (FamilySpec s : ALL) {
      if (s.joins(meanPrior, precisionPrior)) {
        return s;
      }
    }
    return null;
  }
}
