package dev.vmodel.compiler.eval;

import java.util.Arrays;

/**
 * A numeric value of the reference interpreter: a scalar, a vector or a (square or rectangular)
 * matrix. Categorical and count values are scalars holding integers.
 */
sealed interface Val {
  /** A scalar. */
  record S(double v) implements Val {
    @Override
    public String toString() {
      return Double.toString(v);
    }
  }

  /** A vector. */
  record V(double[] v) implements Val {
    @Override
    public String toString() {
      return Arrays.toString(v);
    }
  }

  /** A matrix, by rows. */
  record M(double[][] m) implements Val {
    int rows() {
      return m.length;
    }

    int cols() {
      return m.length == 0 ? 0 : m[0].length;
    }

    @Override
    public String toString() {
      return Arrays.deepToString(m);
    }
  }

  default double scalar() {
    if (this instanceof S s) {
      return s.v();
    }
    throw new IllegalStateException("expected a scalar, got " + this);
  }

  default double[] vector() {
    if (this instanceof V v) {
      return v.v();
    }
    throw new IllegalStateException("expected a vector, got " + this);
  }

  default double[][] matrix() {
    if (this instanceof M m) {
      return m.m();
    }
    throw new IllegalStateException("expected a matrix, got " + this);
  }

  static Val of(double v) {
    return new S(v);
  }
}
