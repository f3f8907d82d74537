package dev.vmodel.compiler.conjugacy;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;

import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.IrPrinter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Turns resolved expressions into polynomials. Scalars become {@link Poly}s; vectors and
 * matrices become functions from component indices to polynomials, so `dot(w, X[n])` is
 * `sum_p w[p] X[n][p]` and `beta0 * Lambda[k]` is `(i, j) -> beta0 Lambda[k][i,j]`. Latent
 * categorical indices (`mu[z[n]]`) are replaced by a gate index whose sum the caller adds.
 */
final class SymBuilder {
  /** Where a latent may enter through a nonlinear link: the clause every such E100 ends with. */
  static final String SUPPORTED_LINKS = "a latent may enter through a nonlinear link only as"
      + " Bernoulli(logistic(a)), Bernoulli(logit: a), Categorical(softmax(v)) or Poisson(exp(a)) of observed data,"
      + " with a and v linear"
      + " in Normal or MultiNormal latents";

  /** Plate index names of the node being expanded, bound to index variables. */
  private final Map<String, Idx> plates;
  /** Gate elements (`z[n]`) of the node being expanded, each with its component index. */
  private final Map<String, Idx> gates = new LinkedHashMap<>();
  private final Map<String, Ir.Var> gateVars = new LinkedHashMap<>();

  SymBuilder(Map<String, Idx> plates) {
    this.plates = Map.copyOf(plates);
  }

  Map<String, Idx> gates() {
    return gates;
  }

  Map<String, Ir.Var> gateVars() {
    return gateVars;
  }

  // --------------------------------------------------------------------------------------------
  // Indices

  Ix index(Ir.Index i) {
    if (i instanceof Ir.Index.Plate p) {
      Idx idx = plates.get(p.name());
      if (idx == null) {
        throw new IllegalStateException("unbound plate index " + p.name());
      }
      return new Ix.V(idx);
    } else if (i instanceof Ir.Index.Fixed f) {
      return new Ix.C(f.value());
    } else if (i instanceof Ir.Index.Data d) {
      return new Ix.D(d.element().name(), indices(d.element().indices()));
    }
    Ir.Index.Gate g = (Ir.Index.Gate) i;
    String key = IrPrinter.print(g.element());
    Idx k = gates.computeIfAbsent(key, x -> Idx.fresh(gateName(g), dimOf(g.range())));
    gateVars.putIfAbsent(key, g.element());
    return new Ix.V(k);
  }

  private static String gateName(Ir.Index.Gate g) {
    return "k";
  }

  List<Ix> indices(List<Ir.Index> idx) {
    List<Ix> out = new ArrayList<>();
    for (Ir.Index i : idx) {
      out.add(index(i));
    }
    return out;
  }

  static Dim dimOf(String text) {
    try {
      return new Dim.Fixed(Integer.parseInt(text));
    } catch (NumberFormatException e) {
      return new Dim.Named(text);
    }
  }

  // --------------------------------------------------------------------------------------------
  // Scalars

  Poly scalar(Ir e) {
    if (e instanceof Ir.Const c) {
      return Poly.constant(c.value());
    } else if (e instanceof Ir.Hyper h) {
      return Poly.of(new Atom.Hyper(h.name(), List.of()));
    } else if (e instanceof Ir.Size s) {
      return Poly.of(new Atom.SizeValue(s.name()));
    } else if (e instanceof Ir.Var v) {
      if (v.type() instanceof Type.Cat && v.latent()) {
        throw new NotConjugateException(e, "uses a latent categorical as a number", Set.of(v.name()));
      }
      List<Ix> el = indices(v.indices());
      return Poly.of(v.latent() ? new Atom.Rv(v.name(), el, Atom.Stat.ID, List.of())
          : new Atom.Data(v.name(), el, List.of()));
    } else if (e instanceof Ir.Element el) {
      List<Ix> idx = indices(el.indices());
      if (el.target().type() instanceof Type.Vector) {
        return vector(el.target()).apply(idx.get(0));
      }
      return matrix(el.target()).apply(idx.get(0), idx.get(1));
    } else if (e instanceof Ir.Neg n) {
      return scalar(n.operand()).scaled(-1);
    } else if (e instanceof Ir.Binary b) {
      Poly l = scalar(b.left());
      Poly r = scalar(b.right());
      switch (b.op()) {
        case ADD:
          return l.plus(r);
        case SUB:
          return l.minus(r);
        case MUL:
          return l.times(r);
        default:
          return l.times(inv(r, b.right()));
      }
    } else if (e instanceof Ir.Call c) {
      switch (c.fn()) {
        case "dot": {
          Dim d = length(c.args().get(0));
          Idx p = Idx.fresh("p", d);
          Function<Ix, Poly> a = vector(c.args().get(0));
          Function<Ix, Poly> b = vector(c.args().get(1));
          Ix pi = new Ix.V(p);
          return a.apply(pi).times(b.apply(pi)).sum(p);
        }
        case "sum": {
          Idx p = Idx.fresh("i", length(c.args().get(0)));
          return vector(c.args().get(0)).apply(new Ix.V(p)).sum(p);
        }
        case "exp": {
          Poly x = scalar(c.args().get(0));
          if (x.isRandom()) {
            throw new NotConjugateException(e, "is exp(...) of a latent, which has no closed-form expectation"
                + " in any conjugate family; " + SUPPORTED_LINKS, latentsIn(x));
          }
          return Poly.of(new Atom.Fn(Atom.Func.EXP, List.of(x)));
        }
        case "logistic": {
          Poly x = scalar(c.args().get(0));
          if (x.isRandom()) {
            throw new NotConjugateException(e, "is logistic(...) of a latent, which has no closed-form"
                + " expectation here; " + SUPPORTED_LINKS, latentsIn(x));
          }
          // 1 / (1 + exp(-x))
          return inv(Poly.ONE.plus(Poly.of(new Atom.Fn(Atom.Func.EXP, List.of(x.scaled(-1))))), e);
        }
        case "log":
          return ln(scalar(c.args().get(0)), c.args().get(0));
        default:
          throw new IllegalStateException("not a scalar function: " + c.fn());
      }
    } else if (e instanceof Ir.IndexValue) {
      throw new NotConjugateException(e, "uses an index as a number, which inference does not support yet",
          Set.of());
    }
    throw new IllegalStateException("not a scalar: " + IrPrinter.print(e));
  }

  // --------------------------------------------------------------------------------------------
  // Vectors and matrices

  Dim length(Ir e) {
    return ((Type.Vector) e.type()).length();
  }

  Function<Ix, Poly> vector(Ir e) {
    if (e instanceof Ir.Hyper h) {
      return i -> Poly.of(new Atom.Hyper(h.name(), List.of(i)));
    } else if (e instanceof Ir.Var v) {
      List<Ix> el = indices(v.indices());
      return i -> Poly.of(v.latent() ? new Atom.Rv(v.name(), el, Atom.Stat.ID, List.of(i))
          : new Atom.Data(v.name(), el, List.of(i)));
    } else if (e instanceof Ir.ArrayVector a) {
      return i -> Poly.of(a.latent() ? new Atom.Rv(a.name(), List.of(i), Atom.Stat.ID, List.of())
          : new Atom.Data(a.name(), List.of(i), List.of()));
    } else if (e instanceof Ir.Element el) {
      Ix row = index(el.indices().get(0));
      BiFunction<Ix, Ix, Poly> m = matrix(el.target());
      return i -> m.apply(row, i);
    } else if (e instanceof Ir.Neg n) {
      Function<Ix, Poly> v = vector(n.operand());
      return i -> v.apply(i).scaled(-1);
    } else if (e instanceof Ir.Binary b) {
      Type lt = b.left().type();
      Type rt = b.right().type();
      if (isScalar(lt)) {
        Poly s = scalar(b.left());
        Function<Ix, Poly> v = vector(b.right());
        return i -> s.times(v.apply(i));
      }
      if (isScalar(rt)) {
        Poly s = b.op() == Ir.Op.DIV ? inv(scalar(b.right()), b.right()) : scalar(b.right());
        Function<Ix, Poly> v = vector(b.left());
        return i -> v.apply(i).times(s);
      }
      if (lt instanceof Type.Matrix lm) {
        BiFunction<Ix, Ix, Poly> m = matrix(b.left());
        Function<Ix, Poly> v = vector(b.right());
        return i -> {
          Idx j = Idx.fresh("j", lm.cols());
          return m.apply(i, new Ix.V(j)).times(v.apply(new Ix.V(j))).sum(j);
        };
      }
      Function<Ix, Poly> l = vector(b.left());
      Function<Ix, Poly> r = vector(b.right());
      return b.op() == Ir.Op.ADD ? i -> l.apply(i).plus(r.apply(i)) : i -> l.apply(i).minus(r.apply(i));
    } else if (e instanceof Ir.Call c) {
      switch (c.fn()) {
        case "zeros":
          return i -> Poly.ZERO;
        case "rep": {
          Poly s = scalar(c.args().get(0));
          return i -> s;
        }
        case "softmax": {
          Ir arg = c.args().get(0);
          Function<Ix, Poly> v = vector(arg);
          Dim k = length(arg);
          Idx probe = Idx.fresh("c", k);
          Poly any = v.apply(new Ix.V(probe));
          if (any.isRandom()) {
            throw new NotConjugateException(e, "is softmax(...) of latents, which has no closed-form expectation"
                + " here; " + SUPPORTED_LINKS, latentsIn(any));
          }
          // exp(v_i) / sum_j exp(v_j)
          return i -> {
            Idx j = Idx.fresh("j", k);
            Poly total = Poly.of(new Atom.Fn(Atom.Func.EXP, List.of(v.apply(new Ix.V(j))))).sum(j);
            return Poly.of(new Atom.Fn(Atom.Func.EXP, List.of(v.apply(i)))).times(inv(total, e));
          };
        }
        case "stick":
          throw new NotConjugateException(e, "is stick-breaking weights; they have a closed-form update only"
              + " as the probabilities p of a Categorical or Multinomial", latentsIn(c.args().get(0)));
        default:
          break;
      }
    }
    throw new IllegalStateException("not a vector: " + IrPrinter.print(e));
  }

  /**
   * The logarithm of each component of a probability vector. Stick-breaking weights
   * {@code stick(v)}, pi_k = v_k prod_{j<k} (1 - v_j), are a product, so their logarithm is the
   * sum ln v_k + sum_j [j < k] ln(1 - v_j): linear in the Beta statistics of every v_j.
   */
  Function<Ix, Poly> lnVector(Ir e) {
    if (e instanceof Ir.Call c && c.fn().equals("stick")) {
      Ir vIr = c.args().get(0);
      Function<Ix, Poly> v = vector(vIr);
      Dim k = length(vIr);
      return i -> {
        Idx j = Idx.fresh("j", k);
        Ix jj = new Ix.V(j);
        return ln(v.apply(i), vIr).plus(ln1m(v.apply(jj), vIr).times(new Atom.Less(jj, i)).sum(j));
      };
    }
    Function<Ix, Poly> p = vector(e);
    return i -> ln(p.apply(i), e);
  }

  BiFunction<Ix, Ix, Poly> matrix(Ir e) {
    if (e instanceof Ir.Hyper h) {
      return (i, j) -> Poly.of(new Atom.Hyper(h.name(), List.of(i, j)));
    } else if (e instanceof Ir.ArrayVector a) {
      // An array of vectors used whole: row i is element i.
      return (i, j) -> Poly.of(a.latent() ? new Atom.Rv(a.name(), List.of(i), Atom.Stat.ID, List.of(j))
          : new Atom.Data(a.name(), List.of(i), List.of(j)));
    } else if (e instanceof Ir.Var v) {
      List<Ix> el = indices(v.indices());
      return (i, j) -> Poly.of(v.latent() ? new Atom.Rv(v.name(), el, Atom.Stat.ID, List.of(i, j))
          : new Atom.Data(v.name(), el, List.of(i, j)));
    } else if (e instanceof Ir.Neg n) {
      BiFunction<Ix, Ix, Poly> m = matrix(n.operand());
      return (i, j) -> m.apply(i, j).scaled(-1);
    } else if (e instanceof Ir.Binary b) {
      Type lt = b.left().type();
      Type rt = b.right().type();
      if (isScalar(lt)) {
        Poly s = scalar(b.left());
        BiFunction<Ix, Ix, Poly> m = matrix(b.right());
        return (i, j) -> s.times(m.apply(i, j));
      }
      if (isScalar(rt)) {
        Poly s = b.op() == Ir.Op.DIV ? inv(scalar(b.right()), b.right()) : scalar(b.right());
        BiFunction<Ix, Ix, Poly> m = matrix(b.left());
        return (i, j) -> m.apply(i, j).times(s);
      }
      BiFunction<Ix, Ix, Poly> l = matrix(b.left());
      BiFunction<Ix, Ix, Poly> r = matrix(b.right());
      if (b.op() == Ir.Op.MUL) {
        Dim inner = ((Type.Matrix) lt).cols();
        return (i, j) -> {
          Idx k = Idx.fresh("l", inner);
          return l.apply(i, new Ix.V(k)).times(r.apply(new Ix.V(k), j)).sum(k);
        };
      }
      return b.op() == Ir.Op.ADD ? (i, j) -> l.apply(i, j).plus(r.apply(i, j))
          : (i, j) -> l.apply(i, j).minus(r.apply(i, j));
    } else if (e instanceof Ir.Call c) {
      switch (c.fn()) {
        case "identity":
          return (i, j) -> Poly.of(new Atom.Delta(i, j));
        case "zeros":
          return (i, j) -> Poly.ZERO;
        case "diag": {
          Function<Ix, Poly> v = vector(c.args().get(0));
          return (i, j) -> v.apply(i).times(new Atom.Delta(i, j));
        }
        default:
          break;
      }
    }
    throw new IllegalStateException("not a matrix: " + IrPrinter.print(e));
  }

  static boolean isScalar(Type t) {
    return t instanceof Type.Scalar || t instanceof Type.Cat;
  }

  // --------------------------------------------------------------------------------------------
  // Nonlinear maps that stay in closed form for the right statistics

  /** ln of a product of atoms: a sum of their logs. Anything else random is not conjugate. */
  Poly ln(Poly p, Ir source) {
    if (!p.isRandom()) {
      OptionalConst c = OptionalConst.of(p);
      if (c.present) {
        return Poly.constant(Math.log(c.value));
      }
      return Poly.of(new Atom.Fn(Atom.Func.LOG, List.of(p)));
    }
    if (p.terms().size() != 1 || !p.terms().get(0).sums().isEmpty()) {
      throw new NotConjugateException(source, "is a sum inside ln(...), which is not linear in any"
          + " latent's sufficient statistics", latentsIn(p));
    }
    Monomial m = p.terms().get(0);
    Poly out = Poly.constant(Math.log(Math.abs(m.coef())));
    if (m.coef() < 0) {
      throw new NotConjugateException(source, "is negative where a logarithm is taken", latentsIn(p));
    }
    List<Atom> known = new ArrayList<>();
    for (Atom a : m.atoms()) {
      if (a instanceof Atom.Rv r && r.stat() == Atom.Stat.INV) {
        // ln(1/x) = -ln x
        out = out.minus(Poly.of(new Atom.Rv(r.var(), r.element(), Atom.Stat.LN, r.component())));
      } else if (a instanceof Atom.Rv r) {
        out = out.plus(Poly.of(lnOfRv(r, source)));
      } else {
        known.add(a);
      }
    }
    if (!known.isEmpty()) {
      Poly k = new Poly(List.of(new Monomial(1, List.of(), known)));
      out = out.plus(Poly.of(new Atom.Fn(Atom.Func.LOG, List.of(k))));
    }
    return out;
  }

  private static Atom lnOfRv(Atom.Rv r, Ir source) {
    switch (r.stat()) {
      case ID:
        return new Atom.Rv(r.var(), r.element(), Atom.Stat.LN, r.component());
      case INV:
        throw new IllegalStateException("ln of an inverse is handled by the caller");
      default:
        throw new NotConjugateException(source, "takes ln of " + r.stat().name().toLowerCase(java.util.Locale.ROOT)
            + "(" + r.var() + "), which is not one of its statistics", Set.of(r.var()));
    }
  }

  /** 1 / p for a product of atoms (1/x of a latent is its INV statistic). */
  Poly inv(Poly p, Ir source) {
    if (!p.isRandom()) {
      OptionalConst c = OptionalConst.of(p);
      if (c.present && c.value != 0) {
        return Poly.constant(1 / c.value);
      }
      return Poly.of(new Atom.Fn(Atom.Func.INV, List.of(p)));
    }
    if (p.terms().size() != 1 || !p.terms().get(0).sums().isEmpty()) {
      throw new NotConjugateException(source, "puts a sum of latents in a denominator, which is not"
          + " linear in any latent's sufficient statistics", latentsIn(p));
    }
    Monomial m = p.terms().get(0);
    List<Atom> out = new ArrayList<>();
    List<Atom> known = new ArrayList<>();
    for (Atom a : m.atoms()) {
      if (a instanceof Atom.Rv r && r.stat() == Atom.Stat.ID && r.component().isEmpty()) {
        out.add(new Atom.Rv(r.var(), r.element(), Atom.Stat.INV, r.component()));
      } else if (a instanceof Atom.Rv r && r.stat() == Atom.Stat.INV) {
        out.add(new Atom.Rv(r.var(), r.element(), Atom.Stat.ID, r.component()));
      } else if (a instanceof Atom.Rv r) {
        throw new NotConjugateException(source, "puts " + r.var() + " in a denominator in a form that is"
            + " not one of its statistics", Set.of(r.var()));
      } else {
        known.add(a);
      }
    }
    if (!known.isEmpty()) {
      out.add(new Atom.Fn(Atom.Func.INV, List.of(new Poly(List.of(new Monomial(1, List.of(), known))))));
    }
    return new Poly(List.of(new Monomial(1 / m.coef(), List.of(), out))).simplified();
  }

  /** ln(1 - p): only a latent itself (a Beta variable) or a known value. */
  Poly ln1m(Poly p, Ir source) {
    if (!p.isRandom()) {
      OptionalConst c = OptionalConst.of(p);
      if (c.present) {
        return Poly.constant(Math.log1p(-c.value));
      }
      return Poly.of(new Atom.Fn(Atom.Func.LOG1M, List.of(p)));
    }
    if (p.terms().size() == 1 && p.terms().get(0).coef() == 1 && p.terms().get(0).atoms().size() == 1
        && p.terms().get(0).atoms().get(0) instanceof Atom.Rv r && r.stat() == Atom.Stat.ID) {
      return Poly.of(new Atom.Rv(r.var(), r.element(), Atom.Stat.LN1M, r.component()));
    }
    throw new NotConjugateException(source, "is a probability built from latents; ln(1 - p) is in closed"
        + " form only when p is itself a latent with a Beta distribution", latentsIn(p));
  }

  /** ln |M| of a matrix expression. */
  Poly logdet(Ir m) {
    if (m instanceof Ir.Var v && v.latent()) {
      return Poly.of(new Atom.Rv(v.name(), indices(v.indices()), Atom.Stat.LNDET, List.of()));
    }
    if (!mentionsLatent(m)) {
      if (m instanceof Ir.Call c && c.fn().equals("identity")) {
        return Poly.ZERO;
      }
      return Poly.of(new Atom.MatrixFn(Atom.MatFunc.LOGDET, m, List.of()));
    }
    if (m instanceof Ir.Binary b && b.op() == Ir.Op.MUL && isScalar(b.left().type())) {
      Dim d = ((Type.Matrix) m.type()).rows();
      return dimValue(d).times(ln(scalar(b.left()), b.left())).plus(logdet(b.right()));
    }
    if (m instanceof Ir.Binary b && isScalar(b.right().type())) {
      Dim d = ((Type.Matrix) m.type()).rows();
      Poly s = b.op() == Ir.Op.DIV ? ln(scalar(b.right()), b.right()).scaled(-1) : ln(scalar(b.right()), b.right());
      return dimValue(d).times(s).plus(logdet(b.left()));
    }
    if (m instanceof Ir.Call c && c.fn().equals("diag")) {
      Dim d = ((Type.Matrix) m.type()).rows();
      Idx i = Idx.fresh("i", d);
      return ln(vector(c.args().get(0)).apply(new Ix.V(i)), c.args().get(0)).sum(i);
    }
    throw new NotConjugateException(m, "is a matrix built from latents whose log-determinant has no"
        + " closed-form expectation", latentsIn(m));
  }

  /** The components of M^{-1}, for a known matrix or a scaled or diagonal one. */
  BiFunction<Ix, Ix, Poly> inverse(Ir m) {
    if (!mentionsLatent(m)) {
      if (m instanceof Ir.Call c && c.fn().equals("identity")) {
        return (i, j) -> Poly.of(new Atom.Delta(i, j));
      }
      return (i, j) -> Poly.of(new Atom.MatrixFn(Atom.MatFunc.INVERSE, m, List.of(i, j)));
    }
    if (m instanceof Ir.Binary b && b.op() == Ir.Op.MUL && isScalar(b.left().type())) {
      Poly s = inv(scalar(b.left()), b.left());
      BiFunction<Ix, Ix, Poly> r = inverse(b.right());
      return (i, j) -> s.times(r.apply(i, j));
    }
    if (m instanceof Ir.Call c && c.fn().equals("diag")) {
      Function<Ix, Poly> v = vector(c.args().get(0));
      return (i, j) -> inv(v.apply(i), c.args().get(0)).times(new Atom.Delta(i, j));
    }
    throw new NotConjugateException(m, "is a covariance built from latents; its inverse has no closed-form"
        + " expectation (give a precision instead)", latentsIn(m));
  }

  Poly dimValue(Dim d) {
    return d instanceof Dim.Fixed f ? Poly.constant(f.n()) : Poly.of(new Atom.SizeValue(((Dim.Named) d).size()));
  }

  static boolean mentionsLatent(Ir e) {
    return !latentsIn(e).isEmpty();
  }

  static Set<String> latentsIn(Ir e) {
    return Ir.latentsIn(e);
  }

  static Set<String> latentsIn(Poly p) {
    Set<String> out = new LinkedHashSet<>();
    for (Monomial m : p.terms()) {
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Rv r) {
          out.add(r.var());
        } else if (a instanceof Atom.Fn f) {
          f.args().forEach(x -> out.addAll(latentsIn(x)));
        }
      }
    }
    return out;
  }

  /** A polynomial's constant value, if it is a plain number. */
  static final class OptionalConst {
    final boolean present;
    final double value;

    private OptionalConst(boolean present, double value) {
      this.present = present;
      this.value = value;
    }

    static OptionalConst of(Poly p) {
      java.util.OptionalDouble d = p.asConstant();
      return d.isPresent() ? new OptionalConst(true, d.getAsDouble()) : new OptionalConst(false, 0);
    }
  }
}
