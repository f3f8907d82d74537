package dev.vmodel.compiler.conjugacy;

import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.graph.Ir;
import java.util.Map;

/**
 * Known-valued expressions (hyperparameter defaults, constant matrices) as polynomials in sizes
 * and hyperparameters, so that backends evaluate them with the same machinery as updates.
 */
public final class Constants {
  private Constants() {}

  public static Poly scalar(Ir e) {
    return new SymBuilder(Map.of()).scalar(e);
  }

  public static Poly component(Ir e, Idx i) {
    return new SymBuilder(Map.of()).vector(e).apply(new Ix.V(i));
  }

  public static Poly entry(Ir e, Idx i, Idx j) {
    return new SymBuilder(Map.of()).matrix(e).apply(new Ix.V(i), new Ix.V(j));
  }
}
