package dev.vmodel.compiler.conjugacy;


import dev.vmodel.compiler.graph.Ir;
import java.util.Set;

/**
 * Thrown inside the analyzer where an expression takes a latent out of closed form (a latent
 * under exp, inside ln(a + b), in a Gamma shape, ...). The analyzer turns it into a diagnostic
 * that names the factor and its statistics; it never escapes the conjugacy package.
 */
final class NotConjugateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final transient Ir culprit;
  final Set<String> latents;

  NotConjugateException(Ir culprit, String problem, Set<String> latents) {
    super(problem, null, false, false);
    this.culprit = culprit;
    this.latents = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(latents));
  }

  String problem() {
    return getMessage();
  }
}
