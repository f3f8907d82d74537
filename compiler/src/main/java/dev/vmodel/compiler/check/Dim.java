package dev.vmodel.compiler.check;

/** One dimension of a type or plate: a named size (`D`) or a fixed integer (`3`). */
public sealed interface Dim {
  String text();

  /** A dimension given by a declared size. */
  record Named(String size) implements Dim {
    @Override
    public String text() {
      return size;
    }
  }

  /** A dimension given by an integer literal. */
  record Fixed(int n) implements Dim {
    @Override
    public String text() {
      return Integer.toString(n);
    }
  }
}
