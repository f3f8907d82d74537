package dev.vmodel.compiler.algebra;

import dev.vmodel.compiler.graph.Ir;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A factor of a monomial. Before expectations are taken, random quantities appear as {@link Rv}
 * (a statistic of one latent element); after, as {@link Moment} (its expectation under q). The
 * rest is known at fit time: data, hyperparameters, sizes, Kronecker deltas and functions of
 * known values.
 */
public sealed interface Atom {
  Atom subst(Map<Idx, Ix> s);

  boolean mentions(Idx i);

  /** The statistics a latent enters log densities through. */
  enum Stat {
    /** The value itself (a component, for vectors and matrices). */
    ID,
    /** ln x. */
    LN,
    /** ln(1 - x). */
    LN1M,
    /** 1 / x. */
    INV,
    /** ln |X| of a matrix. */
    LNDET,
    /** [z = k] for a categorical z, component k. */
    ONEHOT,
    /**
     * lambda(xi) = (logistic(xi) - 1/2) / (2 xi) of a Jaakkola-Jordan bound's xi: the curvature of
     * the bound on ln logistic.
     */
    LAMBDA,
    /**
     * The constant of a local bound: ln logistic(xi) - xi/2 + lambda(xi) xi^2 (Jaakkola-Jordan), or
     * -(lse(psi) - g'psi + |psi|^2/4) with g = softmax(psi) (the softmax bound).
     */
    OFFSET,
    /** psi_k / 2 - softmax(psi)_k, component k: the linear coefficient of the softmax bound. */
    SHIFT
  }

  /** A statistic of a latent element: random before expectation. */
  record Rv(String var, List<Ix> element, Stat stat, List<Ix> component) implements Atom {
    public Rv {
      element = List.copyOf(element);
      component = List.copyOf(component);
    }

    @Override
    public Atom subst(Map<Idx, Ix> s) {
      return new Rv(var, Ix.substAll(element, s), stat, Ix.substAll(component, s));
    }

    @Override
    public boolean mentions(Idx i) {
      return element.stream().anyMatch(x -> x.mentions(i)) || component.stream().anyMatch(x -> x.mentions(i));
    }
  }

  /**
   * The expectation under q of a statistic of a factor's element: {@code stat} is one of the
   * factor family's moment names (`x`, `x2`, `xxT`, `lnx`, ...).
   */
  record Moment(String factor, List<Ix> element, String stat, List<Ix> component) implements Atom {
    public Moment {
      element = List.copyOf(element);
      component = List.copyOf(component);
    }

    @Override
    public Atom subst(Map<Idx, Ix> s) {
      return new Moment(factor, Ix.substAll(element, s), stat, Ix.substAll(component, s));
    }

    @Override
    public boolean mentions(Idx i) {
      return element.stream().anyMatch(x -> x.mentions(i)) || component.stream().anyMatch(x -> x.mentions(i));
    }
  }

  /** An observed value: a data element, or a component of a vector-valued data element. */
  record Data(String var, List<Ix> element, List<Ix> component) implements Atom {
    public Data {
      element = List.copyOf(element);
      component = List.copyOf(component);
    }

    @Override
    public Atom subst(Map<Idx, Ix> s) {
      return new Data(var, Ix.substAll(element, s), Ix.substAll(component, s));
    }

    @Override
    public boolean mentions(Idx i) {
      return element.stream().anyMatch(x -> x.mentions(i)) || component.stream().anyMatch(x -> x.mentions(i));
    }
  }

  /**
   * 1 where a data element is observed, 0 where it is missing. It multiplies the log density of
   * real-valued observed data, so a missing entry's term drops out: integrating out an entry on
   * which nothing else depends is exact.
   */
  record Observed(String var, List<Ix> element) implements Atom {
    public Observed {
      element = List.copyOf(element);
    }

    @Override
    public Atom subst(Map<Idx, Ix> s) {
      return new Observed(var, Ix.substAll(element, s));
    }

    @Override
    public boolean mentions(Idx i) {
      return element.stream().anyMatch(x -> x.mentions(i));
    }
  }

  /** A hyperparameter (a component, for vector and matrix hypers). */
  record Hyper(String name, List<Ix> component) implements Atom {
    public Hyper {
      component = List.copyOf(component);
    }

    @Override
    public Atom subst(Map<Idx, Ix> s) {
      return new Hyper(name, Ix.substAll(component, s));
    }

    @Override
    public boolean mentions(Idx i) {
      return component.stream().anyMatch(x -> x.mentions(i));
    }
  }

  /** The value of a size. */
  record SizeValue(String name) implements Atom {
    @Override
    public Atom subst(Map<Idx, Ix> s) {
      return this;
    }

    @Override
    public boolean mentions(Idx i) {
      return false;
    }
  }

  /** Kronecker delta: 1 where the two index terms are equal, else 0. */
  record Delta(Ix a, Ix b) implements Atom {
    @Override
    public Atom subst(Map<Idx, Ix> s) {
      return new Delta(a.subst(s), b.subst(s));
    }

    @Override
    public boolean mentions(Idx i) {
      return a.mentions(i) || b.mentions(i);
    }
  }

  /**
   * The strict order indicator [a < b]: 1 where the first index term is below the second, else 0.
   * It comes from stick-breaking weights, whose logarithm sums ln(1 - v_j) over j < k.
   */
  record Less(Ix a, Ix b) implements Atom {
    @Override
    public Atom subst(Map<Idx, Ix> s) {
      return new Less(a.subst(s), b.subst(s));
    }

    @Override
    public boolean mentions(Idx i) {
      return a.mentions(i) || b.mentions(i);
    }
  }

  /** Functions of known values (never of latents: that would not be conjugate). */
  enum Func {
    LOG,
    LOG1M,
    INV,
    LGAMMA,
    /** ln Gamma_D(a): first argument D, second a. */
    LMVGAMMA,
    EXP,
    /**
     * ln logistic(x). Like EXP, before expectations it may hold a linear predictor of Gaussian
     * latents ({@code Bernoulli(logit: a)}); its expectation is {@link #E_LN_LOGISTIC}.
     */
    LN_LOGISTIC,
    /** E[ln logistic(a)] for a ~ N(m, v): arguments m and v (quadrature). */
    E_LN_LOGISTIC,
    /** E[logistic(a)] for a ~ N(m, v): arguments m and v; d E[ln logistic(a)] / dm = 1 - E[logistic(a)]. */
    E_LOGISTIC,
    /**
     * E[logistic(a) (1 - logistic(a))] for a ~ N(m, v): arguments m and v; d E[ln logistic(a)] / dv
     * = -E[logistic(a) (1 - logistic(a))] / 2.
     */
    E_LOGISTIC_VAR
  }

  /**
   * A function of polynomials in known values. One exception: before expectations, EXP may hold
   * a linear predictor of Gaussian latents (the rate of {@code Poisson(exp(a))}); its expectation
   * is the lognormal mean exp(E[a] + Var[a]/2), and the factors inside are updated in fixed form.
   */
  record Fn(Func f, List<Poly> args) implements Atom {
    public Fn {
      args = List.copyOf(args);
    }

    @Override
    public Atom subst(Map<Idx, Ix> s) {
      return new Fn(f, args.stream().map(p -> p.subst(s)).toList());
    }

    @Override
    public boolean mentions(Idx i) {
      return args.stream().anyMatch(p -> p.mentions(i));
    }
  }

  /** Functions of a known matrix, computed once per fit. */
  enum MatFunc {
    /** A component of the inverse. */
    INVERSE,
    /** ln |M|. */
    LOGDET
  }

  /** A function of a matrix expression made of hyperparameters and constants. */
  record MatrixFn(MatFunc f, Ir matrix, List<Ix> component) implements Atom {
    public MatrixFn {
      component = List.copyOf(component);
    }

    @Override
    public Atom subst(Map<Idx, Ix> s) {
      return new MatrixFn(f, matrix, Ix.substAll(component, s));
    }

    @Override
    public boolean mentions(Idx i) {
      return component.stream().anyMatch(x -> x.mentions(i));
    }
  }

  static String list(List<Ix> xs) {
    return xs.isEmpty() ? "" : xs.stream().map(Object::toString).collect(Collectors.joining(",", "[", "]"));
  }
}
