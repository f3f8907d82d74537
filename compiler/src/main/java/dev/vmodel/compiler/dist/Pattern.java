package dev.vmodel.compiler.dist;

import dev.vmodel.compiler.check.Domain;
import java.util.List;

/**
 * The shape a distribution's parameter or support must have, with dimension variables that
 * unify across parameters: MultiNormal's mean is `vector[D]` and its precision `matrix[D, D]`
 * with the same D, and its support is `vector[D]`.
 */
public record Pattern(Kind kind, Domain domain, List<String> dimVars) {
  public Pattern {
    dimVars = List.copyOf(dimVars);
  }

  /** The kind of value. */
  public enum Kind {
    SCALAR,
    CAT,
    VECTOR,
    MATRIX
  }

  public static Pattern scalar(Domain d) {
    return new Pattern(Kind.SCALAR, d, List.of());
  }

  public static Pattern cat(String k) {
    return new Pattern(Kind.CAT, Domain.COUNT, List.of(k));
  }

  public static Pattern vector(String n, Domain d) {
    return new Pattern(Kind.VECTOR, d, List.of(n));
  }

  public static Pattern matrix(String r, String c, Domain d) {
    return new Pattern(Kind.MATRIX, d, List.of(r, c));
  }

  /** How the pattern reads in a message: `vector[D]`, `spd[D]`, `positive`. */
  public String text() {
    switch (kind) {
      case SCALAR:
        return domain.word();
      case CAT:
        return "cat[" + dimVars.get(0) + "]";
      case VECTOR:
        return (domain == Domain.SIMPLEX ? "simplex[" : "vector[") + dimVars.get(0) + "]";
      default:
        return domain == Domain.SPD
            ? "spd[" + dimVars.get(0) + "]"
            : "matrix[" + dimVars.get(0) + ", " + dimVars.get(1) + "]";
    }
  }
}
