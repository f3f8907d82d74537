package dev.vmodel.compiler.algebra;

import dev.vmodel.compiler.check.Dim;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An index variable of the symbolic algebra: a plate index, a vector component or a mixture
 * component, ranging over {@code range}. Each has a unique id, so that expanding products never
 * captures one sum's index in another; {@code name} is only for printing.
 */
public record Idx(int id, String name, Dim range) {
  private static final AtomicInteger NEXT = new AtomicInteger();

  public static Idx fresh(String name, Dim range) {
    return new Idx(NEXT.incrementAndGet(), name, range);
  }

  public Idx renamed() {
    return fresh(name, range);
  }

  @Override
  public String toString() {
    return name;
  }
}
