package dev.vmodel.compiler.algebra;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** An index term: an index variable, an integer, or an integer data element (`doc[t]`). */
public sealed interface Ix {
  Ix subst(Map<Idx, Ix> s);

  /** An index variable. */
  record V(Idx idx) implements Ix {
    @Override
    public Ix subst(Map<Idx, Ix> s) {
      Ix r = s.get(idx);
      return r == null ? this : r;
    }

    @Override
    public String toString() {
      return idx.toString();
    }
  }

  /** A fixed integer. */
  record C(int value) implements Ix {
    @Override
    public Ix subst(Map<Idx, Ix> s) {
      return this;
    }

    @Override
    public String toString() {
      return Integer.toString(value);
    }
  }

  /** The value of an integer data element, used as an index: nested indexing. */
  record D(String var, List<Ix> element) implements Ix {
    public D {
      element = List.copyOf(element);
    }

    @Override
    public Ix subst(Map<Idx, Ix> s) {
      return new D(var, substAll(element, s));
    }

    @Override
    public String toString() {
      return var + element.stream().map(Object::toString).collect(Collectors.joining(",", "[", "]"));
    }
  }

  static List<Ix> substAll(List<Ix> xs, Map<Idx, Ix> s) {
    return xs.stream().map(x -> x.subst(s)).toList();
  }

  /** Whether this term mentions the index variable. */
  default boolean mentions(Idx i) {
    if (this instanceof V v) {
      return v.idx().equals(i);
    }
    if (this instanceof D d) {
      return d.element().stream().anyMatch(x -> x.mentions(i));
    }
    return false;
  }
}
