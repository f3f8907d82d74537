package dev.vmodel.compiler.check;

/**
 * The type of a value: the declared types of the language (`real`, `cat[K]`, `vector[D]`,
 * `simplex[K]`, `matrix[R, C]`, `spd[D]`, ...) and the types the checker infers for expressions.
 */
public sealed interface Type {
  /** How the type is written in the language. */
  String text();

  /** A scalar: `real`, `positive`, `unit`, `int`, `count`, `bool` (and sizes). */
  record Scalar(Domain domain) implements Type {
    @Override
    public String text() {
      return domain == Domain.POSITIVE_INT ? "count" : domain.word();
    }
  }

  /** `cat[K]`: an integer in 0..K-1. */
  record Cat(Dim range) implements Type {
    @Override
    public String text() {
      return "cat[" + range.text() + "]";
    }
  }

  /** `vector[D]` (domain REAL or POSITIVE), `simplex[K]` (domain SIMPLEX). */
  record Vector(Dim length, Domain domain) implements Type {
    @Override
    public String text() {
      if (domain == Domain.SIMPLEX) {
        return "simplex[" + length.text() + "]";
      }
      return "vector[" + length.text() + "]";
    }
  }

  /** `matrix[R, C]` (domain REAL) or `spd[D]` (domain SPD). */
  record Matrix(Dim rows, Dim cols, Domain domain) implements Type {
    @Override
    public String text() {
      if (domain == Domain.SPD) {
        return "spd[" + rows.text() + "]";
      }
      return "matrix[" + rows.text() + ", " + cols.text() + "]";
    }
  }

  static Type real() {
    return new Scalar(Domain.REAL);
  }

  /** "a scalar", "a vector", "a matrix": for messages about kinds. */
  static String kindWord(Type t) {
    if (t instanceof Scalar || t instanceof Cat) {
      return "a scalar";
    }
    if (t instanceof Vector) {
      return "a vector";
    }
    return "a matrix";
  }
}
