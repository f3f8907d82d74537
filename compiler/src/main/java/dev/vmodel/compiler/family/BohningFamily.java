package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/**
 * The expansion point psi of one row's quadratic bound on ln softmax (Bohning 1992, with the
 * curvature 1/2 in every direction): a point, not a distribution. The bound enters the log joint
 * as {@code sum_k eta_shift[k] b_k(psi) + eta_offset c(psi)}, b_k = psi_k/2 - softmax(psi)_k, c =
 * -(lse(psi) - softmax(psi)'psi + |psi|^2/4); its gradient in psi is (I/2 - H(psi)) (eta_shift -
 * eta_offset psi) with H the softmax's Jacobian (I/2 - H positive definite), so the optimum is psi =
 * eta_shift / eta_offset = E[v], the expected argument of the softmax.
 */
public final class BohningFamily extends FamilyBase {
  BohningFamily() {
    super(Family.Kind.BOHNING, "softmax bound", Set.of("Bohning"),
        List.of(stat("shift", 1, "b(%1$s)", "SHIFT1"), stat("offset", 0, "c(%1$s)", "OFFSET0")),
        List.of(stat("psi", 1, "%1$s", "ID1")),
        List.of("psi"), "psi", "SoftmaxBound");
  }

  /** The point itself is its "mean": the moment psi is the parameter's array. */
  @Override
  public String momentSharing(String moment) {
    return moment.equals("psi") ? "psi" : null;
  }

  @Override
  public List<String> componentIndexNames(int arity) {
    return List.of("k");
  }

  @Override
  public String parameters(FactorText t) {
    return t.tex()
        ? "Parameters: $" + t.q() + "$ is the point $\\psi = " + t.label("shift") + " / " + t.label("offset")
            + "$ (the expected argument of the softmax)."
        : "Parameters: " + t.q() + " is the point psi = " + t.label("shift") + " / " + t.label("offset")
            + "   (the expected argument of the softmax)";
  }

  @Override
  public int paramWidth(String param) {
    return 1;
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    b.addStatement("$L[$L] = $T.softmaxBound($L, $L, $L, $L, $L, $L)", j.moment("offset"), e,
        JaakkolaJordanFamily.RUNTIME_CLASS, j.eta("shift"), j.eta("offset"), j.param("psi"), j.moment("shift"),
        j.at("0"), j.dim());
    return b.build();
  }

  @Override
  public CodeBlock natural(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String k = j.local("k");
    b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", k, k, j.dim(), k);
    b.addStatement("$L[$L] = $L[$L]", j.eta("shift"), k, j.param("psi"), j.at(k));
    b.endControlFlow();
    b.addStatement("$L = 1.0", j.eta("offset"));
    return braced(b.build());
  }

  /**
   * A point mass at psi: ln Z = eta . T(psi) = sum_k psi_k b_k(psi) + c(psi) = |psi|^2/4 - lse(psi),
   * so that ln q is 0 at the point (see {@link JaakkolaJordanFamily#logNormalizer}).
   */
  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    return CodeBlock.of("$T.softmaxBoundLnZ($L, $L, $L)", JaakkolaJordanFamily.RUNTIME_CLASS, j.param("psi"), j.at("0"),
        j.dim());
  }

  @Override
  public CodeBlock entropy(FactorJava j) {
    return CodeBlock.of("0.0");
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.vector("psi"));
  }
}
