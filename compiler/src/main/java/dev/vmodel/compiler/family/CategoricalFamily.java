package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import java.util.List;
import java.util.Set;

/** q(z) = Categorical(p): statistics [z = k]; p is the softmax of the natural parameters. */
public final class CategoricalFamily extends FamilyBase {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "Categorical");

  CategoricalFamily() {
    super(Family.Kind.CATEGORICAL, "Categorical", Set.of("Categorical"),
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
    Idx j = new Idx(-1, k.name().equals("j") ? "l" : "j", k.range());
    String sk = t.statistic("onehot", List.of(new Ix.V(k)));
    String sj = t.statistic("onehot", List.of(new Ix.V(j)));
    return t.tex()
        ? "Parameters (normalising): $q(" + sk + ") = \\exp " + t.label("onehot") + " \\big/ \\sum_{" + j.name()
            + "} \\exp " + t.eta() + "(" + sj + ")$."
        : "Parameters: q(" + sk + ") = exp " + t.label("onehot") + " / sum_" + j.name() + " exp " + t.eta() + "(" + sj
            + ")   (normalised: the responsibilities)";
  }

  @Override
  public boolean responsibilities() {
    return true;
  }

  @Override
  public int paramWidth(String param) {
    return 1;
  }

  @Override
  public String momentSharing(String moment) {
    // E[onehot(z)] = p: one array serves as both (N x K doubles held once).
    return moment.equals("onehot") ? "p" : null;
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String off = j.at("0");
    String lnNormSum = j.lnNormSum();
    b.addStatement("$T.arraycopy($L, 0, $L, $L, $L)", SYSTEM, j.eta("onehot"), j.param("p"), off, j.dim());
    if (lnNormSum != null && j.lnNormRow() != null) {
      String ln = j.local("lnNorm");
      b.addStatement("double $L = $T.softmaxInPlace($L, $L, $L)", ln, SPECIAL, j.param("p"), off, j.dim());
      b.addStatement("$L += $L", lnNormSum, ln);
      b.addStatement("$L[$L] = $L", j.lnNormRow(), j.element(), ln);
    } else {
      b.addStatement("$L$T.softmaxInPlace($L, $L, $L)", lnNormSum == null ? "" : lnNormSum + " += ", SPECIAL,
          j.param("p"), off, j.dim());
    }
    // The moment onehot is the same array as p: E[onehot(z)] = p.
    return b.build();
  }

  /**
   * eta_k = ln p_k (-infinity where p_k = 0, which the softmax of convert maps back to 0): the
   * natural parameters up to the additive constant the softmax removes.
   */
  @Override
  public CodeBlock natural(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String k = j.local("k");
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", k, k, j.dim(), k);
    b.addStatement("$L[$L] = $T.log($L[$L])", j.eta("onehot"), k, MATH, j.param("p"), j.at(k));
    b.endControlFlow();
    return braced(b.build());
  }

  /** 0: with eta_k = ln p_k and counting measure, ln q(z = k) = eta_k exactly. */
  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    return CodeBlock.of("0.0");
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    return CodeBlock.of("$T.entropy($L, $L, $L)", RUNTIME_CLASS, j.param("p"), j.at("0"), j.dim());
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.vector("p"));
  }
}
