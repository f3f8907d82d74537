package dev.vmodel.compiler.family;

import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import java.util.List;
import java.util.Set;

/**
 * q(z_1..T): one structured factor over a latent array with a {@code Markov} prior (the variational
 * Bayesian hidden Markov model, MacKay 1997; Beal 2003, ch. 3). Its statistics per element are
 * those of a categorical, [z[t] = k], whose natural parameters eta(z[t]=k) (the expected log
 * emission terms) the update computes like a mixture's; but instead of normalising each row, a
 * forward-backward pass over each chain, with potentials exp(eta), exp(E[ln init]) and
 * exp(E[ln transition]), gives the marginals q(z[t]=k) (kept in {@code p}, shared with the
 * moment {@code onehot}), and, for the whole factor, the expected statistics the chain's other
 * factors read: the first states' counts {@code first[k]} = sum over chains of q(z[start]=k) and
 * the transition counts {@code pair[j,k]} = sum_t q(z[t-1]=j, z[t]=k) within chains, with the
 * chain's entropy and log normaliser (see the runtime's MarkovChain).
 */
public final class MarkovChainFamily extends FamilyBase {
  /** The whole-factor moments: first-state counts (one component) and transition counts (two). */
  public static final String FIRST = "first";
  public static final String PAIR = "pair";
  /** The runtime class of forward-backward. */
  public static final com.palantir.javapoet.ClassName RUNTIME_CLASS =
      com.palantir.javapoet.ClassName.get(RUNTIME, "MarkovChain");

  MarkovChainFamily() {
    super(Family.Kind.MARKOV_CHAIN, "Markov chain", Set.of("Markov"),
        List.of(stat("onehot", 1, "[%1$s = k]", "ONEHOT1")),
        List.of(),
        List.of("p"), "onehot", "CategoricalPosterior");
  }

  @Override
  public List<String> componentIndexNames(int arity) {
    return List.of("k");
  }

  @Override
  public String parameters(FactorText t) {
    Idx k = t.componentIndices("onehot").get(0);
    String sk = t.statistic("onehot", List.of(new Ix.V(k)));
    return t.tex()
        ? "Parameters (forward-backward): $q(" + sk + ")$ is the marginal of the chain whose potentials are"
            + " $\\exp " + t.label("onehot") + "$ per step and $\\exp E[\\ln \\text{init}]$,"
            + " $\\exp E[\\ln \\text{transition}]$ between steps."
        : "Parameters: q(" + sk + ") = the marginal of the chain whose potentials are exp " + t.label("onehot")
            + " per step\n    and exp <ln init>, exp <ln transition> between steps, by forward-backward over each"
            + " chain\n    (scaled, O(T K^2)); the same pass gives first[k] = sum over chains of q(first state = k),"
            + "\n    pair[j,k] = sum_t q(previous state = j, state = k), the chain's entropy and its log normaliser";
  }

  @Override
  public boolean responsibilities() {
    return true;
  }

  @Override
  public boolean chain() {
    return true;
  }

  @Override
  public int paramWidth(String param) {
    return 1;
  }

  @Override
  public String momentSharing(String moment) {
    return moment.equals("onehot") ? "p" : null;
  }

  /**
   * Stores the element's natural parameters as its log potentials: the forward-backward pass the
   * update runs after all elements turns them into marginals.
   */
  @Override
  public CodeBlock convert(FactorJava j) {
    return CodeBlock.builder()
        .addStatement("$T.arraycopy($L, 0, $L, $L, $L)", SYSTEM, j.eta("onehot"), j.param("p"), j.at("0"), j.dim())
        .build();
  }

  @Override
  public CodeBlock natural(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String k = j.local("k");
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", k, k, j.dim(), k);
    b.addStatement("$L[$L] = $T.log($L[$L])", j.eta("onehot"), k, MATH, j.param("p"), j.at(k));
    b.endControlFlow();
    return braced(b.build());
  }

  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    return CodeBlock.of("0.0");
  }

  /**
   * The entropy of one element's marginal. The chain's entropy is not the sum of these (the states
   * are dependent): the ELBO reads the whole chain's entropy, which forward-backward stores.
   */
  @Override
  public CodeBlock entropy(FactorJava j) {
    return CodeBlock.of("$T.entropy($L, $L, $L)", CategoricalFamily.RUNTIME_CLASS, j.param("p"), j.at("0"), j.dim());
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.vector("p"));
  }
}
