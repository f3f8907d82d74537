package dev.vmodel.compiler.family;

import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import java.util.List;

/**
 * What a family's explanation sees of one factor's derivation: the printed labels of its natural
 * parameters and the notation of the output (plain text or Markdown with LaTeX). The plan
 * printer implements it.
 */
public interface FactorText {
  /** Markdown with LaTeX math, or plain text. */
  boolean tex();

  /** {@code q(mu_k, Lambda_k)}: the factor of one element. */
  String q();

  /** The component dimension as printed ("D" where the family has none). */
  String dim();

  /** The symbol of a natural parameter (eta). */
  String eta();

  /** The label of the natural parameter of statistic {@code stat}: eta(ln pi_k). */
  String label(String stat);

  /** The component indices of statistic {@code stat}, joined: "i,j". */
  String components(String stat);

  /** The component indices of statistic {@code stat}. */
  List<Idx> componentIndices(String stat);

  /** Statistic {@code stat} of the factor's element with these components, as printed inside eta(...). */
  String statistic(String stat, List<Ix> components);
}
