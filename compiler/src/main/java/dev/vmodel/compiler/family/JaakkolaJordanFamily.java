package dev.vmodel.compiler.family;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Set;

/**
 * The parameter xi of Jaakkola and Jordan's bound on one row's ln logistic (PRML 10.6): not a
 * distribution but a point, chosen to maximise the bound. The bound enters the log joint as
 * {@code eta_lambda lambda(xi) + eta_offset c(xi)} with c(xi) = ln logistic(xi) - xi/2 + lambda(xi)
 * xi^2; its derivative in xi is lambda'(xi) (eta_offset xi^2 + eta_lambda), so the optimum is xi^2 =
 * -eta_lambda / eta_offset = E[a^2] (PRML 10.163), and the "factor" has no entropy.
 */
public final class JaakkolaJordanFamily extends FamilyBase {
  static final ClassName RUNTIME_CLASS = ClassName.get(RUNTIME, "LocalBounds");

  JaakkolaJordanFamily() {
    super(Family.Kind.JAAKKOLA_JORDAN, "Jaakkola-Jordan bound", Set.of("JaakkolaJordan"),
        List.of(stat("lambda", 0, "lambda(%1$s)", "LAMBDA0"), stat("offset", 0, "c(%1$s)", "OFFSET0")),
        List.of(stat("xi", 0, "%1$s", "ID0")),
        List.of("xi"), "xi", "LogisticBound");
  }

  /** The point itself is its "mean": the moment xi is the parameter's array. */
  @Override
  public String momentSharing(String moment) {
    return moment.equals("xi") ? "xi" : null;
  }

  @Override
  public String parameters(FactorText t) {
    return t.tex()
        ? "Parameters: $" + t.q() + "$ is the point $\\xi^2 = -" + t.label("lambda") + " / " + t.label("offset")
            + "$ (the expected squared argument of the logistic, PRML 10.163), $\\lambda(\\xi) = (\\sigma(\\xi)"
            + " - 1/2) / (2\\xi)$."
        : "Parameters: " + t.q() + " is the point xi = sqrt(-" + t.label("lambda") + " / " + t.label("offset")
            + ")   (xi^2 = E[a^2], PRML 10.163; lambda(xi) = (logistic(xi) - 1/2) / (2 xi))";
  }

  @Override
  public CodeBlock convert(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    String xi = j.local("xi");
    b.addStatement("double $L = $T.jaakkolaJordanXi($L, $L)", xi, RUNTIME_CLASS, j.eta("lambda"), j.eta("offset"));
    j.store(b, j.param("xi"), xi);
    b.addStatement("$L[$L] = $T.lambda($L)", j.moment("lambda"), e, RUNTIME_CLASS, xi);
    b.addStatement("$L[$L] = $T.jaakkolaJordanOffset($L)", j.moment("offset"), e, RUNTIME_CLASS, xi);
    return b.build();
  }

  @Override
  public CodeBlock natural(FactorJava j) {
    CodeBlock.Builder b = CodeBlock.builder();
    String e = j.element();
    b.addStatement("$L = -$L[$L] * $L[$L]", j.eta("lambda"), j.param("xi"), e, j.param("xi"), e);
    b.addStatement("$L = 1.0", j.eta("offset"));
    return braced(b.build());
  }

  /**
   * A point mass at xi: ln q = eta . T(xi) - ln Z is 0 there, so ln Z = -xi^2 lambda(xi) + c(xi) =
   * ln logistic(xi) - xi/2 (with the natural parameters {@link #natural} gives).
   */
  @Override
  public CodeBlock logNormalizer(FactorJava j) {
    String e = j.element();
    return CodeBlock.of("$T.lnLogistic($L[$L]) - 0.5 * $L[$L]", RUNTIME_CLASS, j.param("xi"), e, j.param("xi"), e);
  }

  /** A point carries no entropy: the ELBO is the bound's expected value. */
  @Override
  public CodeBlock entropy(FactorJava j) {
    return CodeBlock.of("0.0");
  }

  @Override
  public List<CodeBlock> posteriorArgs(Copies c) {
    return List.of(c.one("xi"));
  }
}
