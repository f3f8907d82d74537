package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/**
 * What every family states as data: its identifier and title, the priors that make a lone
 * latent one of it, its statistics and further moments, the parameters it stores, the moment
 * that is its mean and its runtime posterior record. A family class adds its formulas.
 */
abstract sealed class FamilyBase implements FamilySpec
    permits NormalFamily, MultiNormalFamily, GammaFamily, InvGammaFamily, BetaFamily, DirichletFamily,
        CategoricalFamily, WishartFamily, NormalGammaFamily, NormalWishartFamily, JaakkolaJordanFamily,
        BohningFamily, MarkovChainFamily {
  private final Family.Kind kind;
  private final String title;
  private final Set<String> priors;
  private final List<StatDef> statistics;
  private final List<StatDef> extraMoments;
  private final List<String> params;
  private final String meanMoment;
  private final ClassName posterior;

  /** The family's data; {@code posterior} is the simple name of its record in the runtime. */
  FamilyBase(Family.Kind kind, String title, Set<String> priors, List<StatDef> statistics, List<StatDef> extraMoments,
      List<String> params, String meanMoment, String posterior) {
    this.kind = kind;
    this.title = title;
    this.priors = priors;
    this.statistics = statistics;
    this.extraMoments = extraMoments;
    this.params = params;
    this.meanMoment = meanMoment;
    this.posterior = ClassName.get(POSTERIOR, posterior);
  }

  /** One statistic: name, number of components, text ({@code %1$s} the first member), signature. */
  static StatDef stat(String name, int arity, String template, String signature) {
    return new StatDef(name, arity, template, signature);
  }

  /** {@code body} as one braced block, so that its locals stay inside. */
  static CodeBlock braced(CodeBlock body) {
    return CodeBlock.builder().add("{\n").indent().add(body).unindent().add("}\n").build();
  }

  @Override
  public final Family.Kind kind() {
    return kind;
  }

  @Override
  public final String title() {
    return title;
  }

  @Override
  public final Set<String> priors() {
    return priors;
  }

  @Override
  public final List<StatDef> statistics() {
    return statistics;
  }

  @Override
  public final List<StatDef> extraMoments() {
    return extraMoments;
  }

  @Override
  public final List<String> params() {
    return params;
  }

  @Override
  public final String meanMoment() {
    return meanMoment;
  }

  @Override
  public final ClassName posterior() {
    return posterior;
  }
}
