package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.family.Family;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The current q: every factor's elements in usual parameters. */
final class State {
  /** One factor q_j = prod over its elements (its members' plates) of one {@link Q} each. */
  static final class Factor {
    final String name;
    final Family family;
    /** The family's vector/matrix dimension (1 for scalar families). */
    final int dim;
    /** Sizes of the element indices (the plates); empty for an unplated factor. */
    final int[] shape;
    final Q[] elements;

    Factor(String name, Family family, int dim, int[] shape) {
      this.name = name;
      this.family = family;
      this.dim = dim;
      this.shape = shape.clone();
      int n = 1;
      for (int s : shape) {
        n *= s;
      }
      this.elements = new Q[n];
    }

    Factor copy() {
      Factor f = new Factor(name, family, dim, shape);
      System.arraycopy(elements, 0, f.elements, 0, elements.length);
      return f;
    }

    int flat(int[] idx) {
      if (idx.length != shape.length) {
        throw new IllegalArgumentException("q(" + name + ") has " + shape.length + " element indices, got "
            + Arrays.toString(idx));
      }
      int f = 0;
      for (int i = 0; i < shape.length; i++) {
        if (idx[i] < 0 || idx[i] >= shape[i]) {
          throw new IndexOutOfBoundsException("q(" + name + ") element " + Arrays.toString(idx) + " outside "
              + Arrays.toString(shape));
        }
        f = f * shape[i] + idx[i];
      }
      return f;
    }

    int[] unflat(int f) {
      int[] idx = new int[shape.length];
      for (int i = shape.length - 1; i >= 0; i--) {
        idx[i] = f % shape[i];
        f /= shape[i];
      }
      return idx;
    }

    Q element(int[] idx) {
      return elements[flat(idx)];
    }

    double entropy() {
      double h = 0;
      for (Q q : elements) {
        h += q.entropy();
      }
      return h;
    }
  }

  final Map<String, Factor> factors = new LinkedHashMap<>();

  State copy() {
    State s = new State();
    factors.forEach((k, v) -> s.factors.put(k, v.copy()));
    return s;
  }

  Factor factor(String name) {
    Factor f = factors.get(name);
    if (f == null) {
      throw new IllegalArgumentException("no factor " + name + " among " + factors.keySet());
    }
    return f;
  }

  double moment(String factor, int[] element, String stat, int[] comp) {
    return factor(factor).element(element).moment(stat, comp);
  }
}
