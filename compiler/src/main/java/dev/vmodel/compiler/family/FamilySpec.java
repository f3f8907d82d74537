package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Monomial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One exponential family, described once (as BayesPy's nodes and Autoconj's family table do):
 * everything the pipeline needs of it, and nothing outside this package asks which family it is.
 *
 * <ul>
 *   <li><b>conjugacy</b>: which priors make a latent (or a group of latents) this family, its
 *       sufficient statistics in the order of its natural parameters, and how the random atoms of
 *       a monomial are read as one of its statistics or moments ({@link #match});
 *   <li><b>explain</b>: the map from natural parameters to the family's usual parameters, as a
 *       person reads it ({@link #parameters});
 *   <li><b>layout</b>: the usual parameters and the moments stored per element, and their widths;
 *   <li><b>codegen</b>: the Java that converts natural parameters into parameters and moments
 *       ({@link #convert}) and back ({@link #natural}), the entropy and the log-normaliser of one
 *       element, the runtime posterior record an accessor returns and the
 *       arguments it is built from; runtime types always go through {@code $T};
 *   <li><b>prediction</b>: the predictive density, which the predictive-density issue adds
 *       ({@link #predictiveDensity}).
 * </ul>
 *
 * <p>Adding a family is a class here extending {@link FamilyBase} and named in its {@code
 * permits}, in {@link Family.Kind} (an identifier) and in the {@link Families} list, plus its
 * runtime class (entropy, log-partition function and helpers) and its posterior record in the
 * runtime. A family whose prior is a new distribution also needs that distribution (the
 * distribution table and its log density), and a statistic of a new form its notation in the
 * printer; neither is a family.
 */
public sealed interface FamilySpec permits FamilyBase {

  /** The runtime package: one class per family with its entropy and helpers. */
  String RUNTIME = "dev.vmodel.runtime";
  /** The runtime's posterior records. */
  String POSTERIOR = RUNTIME + ".posterior";
  ClassName SPECIAL = ClassName.get(RUNTIME, "SpecialFunctions");
  ClassName LIN_ALG = ClassName.get(RUNTIME, "LinAlg");
  /** java.lang types through {@code $T}, so that a model's name (a hyperparameter Math) cannot shadow them. */
  ClassName MATH = ClassName.get(Math.class);
  ClassName SYSTEM = ClassName.get(System.class);
  ClassName DOUBLE = ClassName.get(Double.class);
  ClassName ARITHMETIC = ClassName.get(ArithmeticException.class);

  Family.Kind kind();

  /** "Gamma", "Normal-Wishart": the family's name in explain, javadoc and results. */
  String title();

  // ---------------------------------------------------------------------------------------------
  // Conjugacy

  /** The prior distributions of a lone latent that put its factor in this family (none for a group). */
  Set<String> priors();

  /**
   * For a joint factor of a mean and its precision (a group): whether a mean with prior
   * {@code meanPrior} whose precision is scaled by a latent with prior {@code precisionPrior}
   * forms this family. Its members are then (mean, precision).
   */
  default boolean joins(String meanPrior, String precisionPrior) {
    return false;
  }

  /**
   * A sufficient statistic or a further moment: its name, its number of component indices, how
   * it reads for the factor's members ({@code %1$s} the first, {@code %2$s} the second), and, for a
   * one-latent family, the signature of the atoms that are this statistic (see {@link
   * Matching#signature}).
   */
  record StatDef(String name, int arity, String template, String signature) {
    public String text(List<String> members) {
      return String.format(template, members.toArray());
    }
  }

  /** The sufficient statistics, in the order natural parameters are listed. */
  List<StatDef> statistics();

  /** The moments q supplies to its neighbours beyond its sufficient statistics. */
  List<StatDef> extraMoments();

  /**
   * Reads target atoms as one of the sufficient statistics (or, with {@code moments}, one of the
   * moments q supplies); null if they are none. By default by signature, for one-latent families.
   */
  default Family.Match match(List<String> members, List<Atom.Rv> atoms, Monomial context, boolean moments) {
    return Matching.bySignature(this, atoms, moments);
  }

  /**
   * Whether q is Gaussian in the latent's value (a lone Normal or MultiNormal factor): E[exp(a)]
   * of an a linear in such latents is the lognormal mean exp(E[a] + Var[a]/2), so they may enter
   * Poisson(exp(a)).
   */
  default boolean gaussian() {
    return false;
  }

  /** Names of the component indices of a statistic of {@code arity} in derivations. */
  default List<String> componentIndexNames(int arity) {
    return arity == 1 ? List.of("i") : List.of("i", "j");
  }

  // ---------------------------------------------------------------------------------------------
  // Explain

  /** "Parameters: q(tau) = Gamma(...)": the usual parameters from the natural ones. */
  String parameters(FactorText t);

  /**
   * Whether the factor holds probabilities over categories normalised by a softmax (the
   * responsibilities, for a local factor): explain says what q(z = k) is, and a fit may start
   * from given responsibilities instead of from the prior. Such a family keeps its probabilities
   * in parameter {@code p}, shared with the moment of its statistic {@code onehot}: the row
   * fusion of local updates and the k-means++ start read them by those names.
   */
  default boolean responsibilities() {
    return false;
  }

  /**
   * Whether the factor is one structured distribution over all its elements, a Markov chain:
   * its per-element natural parameters are potentials, which a forward-backward pass over each
   * chain turns into marginals after all elements are evaluated; it is never fused into a row
   * pass, and its entropy is the chain's, not the sum over elements.
   */
  default boolean chain() {
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Layout

  /** The usual parameters stored per element, in order. */
  List<String> params();

  /** Entries of parameter {@code param} per element: 0 scalar, 1 one per component, 2 a D x D matrix. */
  default int paramWidth(String param) {
    return 0;
  }

  /** The moments stored per element, with their number of component indices. */
  default Map<String, Integer> moments() {
    Map<String, Integer> m = new LinkedHashMap<>();
    List<StatDef> all = new ArrayList<>(statistics());
    all.addAll(extraMoments());
    for (StatDef s : all) {
      m.put(s.name(), s.arity());
    }
    return m;
  }

  /** A moment stored in the same array as a parameter (E[onehot(z)] = p), or null. */
  default String momentSharing(String moment) {
    return null;
  }

  /** The moment that is the factor's mean: E[x], E[mu], the responsibilities, E[Lambda]. */
  String meanMoment();

  // ---------------------------------------------------------------------------------------------
  // Generated code

  /** Converts the natural parameters of one element into its parameters and moments. */
  CodeBlock convert(FactorJava j);

  /** The entropy of one element, an expression. */
  CodeBlock entropy(FactorJava j);

  /**
   * Sets the natural-parameter holders {@code j.eta(stat)} of one element from its stored usual
   * parameters ({@code j.param(..)} arrays at {@code j.element()}): the inverse of {@link
   * #convert}, so that convert after natural reproduces the parameters and moments to rounding.
   *
   * <p>The holders are those convert reads: a scalar statistic's holder is a {@code double} local
   * the caller declares (natural assigns it, so it need not be initialised); a statistic with one
   * component index holds a workspace array of at least D entries, entry i at index i; a D x D
   * statistic a workspace array of at least D*D entries, row-major from index 0, written
   * symmetric (convert reads its symmetric part). The code is one braced block: its own locals
   * (from {@code j.local}) do not leak into the caller's scope. Only the holders are written; the
   * element's parameters and moments are read, never changed.
   */
  CodeBlock natural(FactorJava j);

  /**
   * ln Z(eta) of one element, an expression over its stored usual parameters: the log-normaliser
   * with respect to Lebesgue (or counting) measure, so that ln q(x) = sum_s &lt;eta_s, T_s(x)&gt; -
   * ln Z exactly, T_s being the family's {@link #statistics()} in their stated form and order
   * (&lt;.,.&gt; the sum over components; for a D x D statistic sum_ij eta_ij T_ij). Hence
   * E_q[ln q] = sum_s &lt;eta_s, E_q[T_s]&gt; - ln Z = -entropy.
   */
  CodeBlock logNormalizer(FactorJava j);

  /**
   * Statements run after a factor is set to its prior at initialisation, over all its
   * {@code elements}: means drawn around the prior so that the first sweep breaks symmetry; null if
   * the family starts at its prior.
   */
  default CodeBlock jitter(FactorJava j, String elements) {
    return null;
  }

  /**
   * Statements run on a global factor's element between evaluating its prior's natural
   * parameters (in {@code j}'s eta holders) and converting them: add a random pseudo-count to
   * each category ({@code draw} is the expression of one draw), so that a model whose locals start
   * from the globals breaks the symmetry between components. Null where the family has no such
   * start (then the locals start at random).
   */
  default CodeBlock pseudoCounts(FactorJava j, CodeBlock draw) {
    return null;
  }

  /**
   * Whether a one-element factor of this family can be integrated numerically in the new-row
   * predictive ({@link #quadratureNodes}).
   */
  default boolean quadrature() {
    return false;
  }

  /**
   * Statements that fill {@code t} (values) and {@code lnW} (log weights summing to 1) with
   * {@code n} quadrature nodes of q for element {@code j}, and set the moment arrays at the
   * element to node {@code i}'s values: the caller loops {@code i} over the nodes.
   */
  default CodeBlock quadratureNodes(FactorJava j, String t, String lnW, String n) {
    throw new UnsupportedOperationException(title() + " has no quadrature");
  }

  /** Sets the element's moments to those of a point mass at {@code value}. */
  default CodeBlock pointMoments(FactorJava j, String value) {
    throw new UnsupportedOperationException(title() + " has no quadrature");
  }

  /** The runtime record a posterior accessor returns. */
  ClassName posterior();

  /** The posterior record's constructor arguments, copies of the element's parameters. */
  List<CodeBlock> posteriorArgs(Copies c);

  /** Copies of one element's parameter arrays, for a posterior record. */
  interface Copies {
    /** A scalar parameter. */
    CodeBlock one(String param);

    /** A parameter with one entry per component. */
    CodeBlock vector(String param);

    /** A D x D parameter. */
    CodeBlock matrix(String param);

    /** The component dimension D. */
    CodeBlock dim();
  }

  /**
   * The predictive density of a new observation under q, where the family supplies one. The
   * predictive-density issue fills this in per family; today no family does.
   */
  default Optional<CodeBlock> predictiveDensity(FactorJava j) {
    return Optional.empty();
  }
}
