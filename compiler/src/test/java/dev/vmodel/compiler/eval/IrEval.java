package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.IrPrinter;
import java.util.List;
import java.util.Map;

/**
 * Numeric evaluation of resolved expressions ({@link Ir}): hyperparameter defaults, and the
 * arguments of every distribution at a given plate element and a given value of every latent
 * (a sample). This is the direct reading of the model, independent of the symbolic algebra.
 */
final class IrEval {
  /** The value of one element of a latent array (a categorical's value is a scalar integer). */
  interface Latents {
    Val value(String latent, int[] element);
  }

  static final Latents NO_LATENTS = (name, el) -> {
    throw new IllegalStateException("latent " + name + " has no value here");
  };

  private final ModelData data;
  private final Latents latents;

  IrEval(ModelData data, Latents latents) {
    this.data = data;
    this.latents = latents;
  }

  Val eval(Ir e, Map<String, Integer> plates) {
    if (e instanceof Ir.Const c) {
      return Val.of(c.value());
    } else if (e instanceof Ir.Hyper h) {
      return data.hyper(h.name());
    } else if (e instanceof Ir.Size s) {
      return Val.of(data.size(s.name()));
    } else if (e instanceof Ir.IndexValue iv) {
      return Val.of(plates.get(iv.index()));
    } else if (e instanceof Ir.Var v) {
      int[] el = element(v.indices(), plates);
      return v.latent() ? latents.value(v.name(), el) : data.element(v.name(), el);
    } else if (e instanceof Ir.ArrayVector a && a.type() instanceof Type.Matrix) {
      // an array of vectors used whole: the matrix of its rows
      int n = data.size(a.size());
      double[][] out = new double[n][];
      for (int i = 0; i < n; i++) {
        int[] el = {i};
        out[i] = (a.latent() ? latents.value(a.name(), el) : data.element(a.name(), el)).vector().clone();
      }
      return new Val.M(out);
    } else if (e instanceof Ir.ArrayVector a) {
      int n = data.size(a.size());
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        int[] el = {i};
        out[i] = (a.latent() ? latents.value(a.name(), el) : data.element(a.name(), el)).scalar();
      }
      return new Val.V(out);
    } else if (e instanceof Ir.Element el) {
      Val t = eval(el.target(), plates);
      int[] idx = element(el.indices(), plates);
      if (t instanceof Val.V v) {
        return Val.of(v.v()[idx[0]]);
      }
      double[][] m = t.matrix();
      return idx.length == 1 ? new Val.V(m[idx[0]].clone()) : Val.of(m[idx[0]][idx[1]]);
    } else if (e instanceof Ir.Neg n) {
      return scale(eval(n.operand(), plates), -1);
    } else if (e instanceof Ir.Binary b) {
      return binary(b, eval(b.left(), plates), eval(b.right(), plates));
    } else if (e instanceof Ir.Call c) {
      return call(c, plates);
    }
    throw new IllegalStateException("cannot evaluate " + IrPrinter.print(e));
  }

  int[] element(List<Ir.Index> indices, Map<String, Integer> plates) {
    int[] el = new int[indices.size()];
    for (int i = 0; i < el.length; i++) {
      el[i] = index(indices.get(i), plates);
    }
    return el;
  }

  int index(Ir.Index i, Map<String, Integer> plates) {
    if (i instanceof Ir.Index.Plate p) {
      Integer v = plates.get(p.name());
      if (v == null) {
        throw new IllegalStateException("unbound plate index " + p.name());
      }
      return v;
    } else if (i instanceof Ir.Index.Fixed f) {
      return f.value();
    } else if (i instanceof Ir.Index.Data d) {
      return data.intValue(d.element().name(), element(d.element().indices(), plates));
    }
    Ir.Index.Gate g = (Ir.Index.Gate) i;
    double k = latents.value(g.element().name(), element(g.element().indices(), plates)).scalar();
    return (int) k;
  }

  private Val binary(Ir.Binary b, Val l, Val r) {
    if (l instanceof Val.S ls && r instanceof Val.S rs) {
      double x = ls.v();
      double y = rs.v();
      switch (b.op()) {
        case ADD:
          return Val.of(x + y);
        case SUB:
          return Val.of(x - y);
        case MUL:
          return Val.of(x * y);
        default:
          return Val.of(x / y);
      }
    }
    if (l instanceof Val.S s && b.op() == Ir.Op.MUL) {
      return scale(r, s.v());
    }
    if (r instanceof Val.S s && (b.op() == Ir.Op.MUL || b.op() == Ir.Op.DIV)) {
      return scale(l, b.op() == Ir.Op.MUL ? s.v() : 1 / s.v());
    }
    if (b.op() == Ir.Op.ADD || b.op() == Ir.Op.SUB) {
      double sign = b.op() == Ir.Op.ADD ? 1 : -1;
      if (l instanceof Val.V lv && r instanceof Val.V rv) {
        double[] out = new double[lv.v().length];
        for (int i = 0; i < out.length; i++) {
          out[i] = lv.v()[i] + sign * rv.v()[i];
        }
        return new Val.V(out);
      }
      double[][] lm = l.matrix();
      double[][] rm = r.matrix();
      double[][] out = new double[lm.length][];
      for (int i = 0; i < lm.length; i++) {
        out[i] = new double[lm[i].length];
        for (int j = 0; j < lm[i].length; j++) {
          out[i][j] = lm[i][j] + sign * rm[i][j];
        }
      }
      return new Val.M(out);
    }
    if (b.op() == Ir.Op.MUL && l instanceof Val.M lm) {
      if (r instanceof Val.V rv) {
        double[] out = new double[lm.rows()];
        for (int i = 0; i < out.length; i++) {
          for (int j = 0; j < rv.v().length; j++) {
            out[i] += lm.m()[i][j] * rv.v()[j];
          }
        }
        return new Val.V(out);
      }
      double[][] rm = r.matrix();
      double[][] out = new double[lm.rows()][rm[0].length];
      for (int i = 0; i < out.length; i++) {
        for (int j = 0; j < out[i].length; j++) {
          for (int k = 0; k < rm.length; k++) {
            out[i][j] += lm.m()[i][k] * rm[k][j];
          }
        }
      }
      return new Val.M(out);
    }
    throw new IllegalStateException("cannot evaluate " + IrPrinter.print(b) + " on " + l + ", " + r);
  }

  static Val scale(Val v, double s) {
    if (v instanceof Val.S x) {
      return Val.of(x.v() * s);
    } else if (v instanceof Val.V x) {
      double[] out = x.v().clone();
      for (int i = 0; i < out.length; i++) {
        out[i] *= s;
      }
      return new Val.V(out);
    }
    double[][] m = v.matrix();
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i].clone();
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] *= s;
      }
    }
    return new Val.M(out);
  }

  private Val call(Ir.Call c, Map<String, Integer> plates) {
    List<Ir> a = c.args();
    switch (c.fn()) {
      case "dot": {
        double[] x = eval(a.get(0), plates).vector();
        double[] y = eval(a.get(1), plates).vector();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
          s += x[i] * y[i];
        }
        return Val.of(s);
      }
      case "sum": {
        double s = 0;
        for (double x : eval(a.get(0), plates).vector()) {
          s += x;
        }
        return Val.of(s);
      }
      case "rep": {
        double v = eval(a.get(0), plates).scalar();
        double[] out = new double[count(a.get(1), plates)];
        java.util.Arrays.fill(out, v);
        return new Val.V(out);
      }
      case "zeros": {
        if (c.type() instanceof Type.Matrix m) {
          return new Val.M(new double[data.dim(m.rows())][data.dim(m.cols())]);
        }
        return new Val.V(new double[count(a.get(0), plates)]);
      }
      case "identity": {
        int n = count(a.get(0), plates);
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
          out[i][i] = 1;
        }
        return new Val.M(out);
      }
      case "diag": {
        double[] v = eval(a.get(0), plates).vector();
        double[][] out = new double[v.length][v.length];
        for (int i = 0; i < v.length; i++) {
          out[i][i] = v[i];
        }
        return new Val.M(out);
      }
      case "stick": {
        // pi_k = v_k prod_{j<k} (1 - v_j), written from the definition (Blei and Jordan 2006).
        double[] v = eval(a.get(0), plates).vector();
        double[] out = new double[v.length];
        double rest = 1;
        for (int k = 0; k < v.length; k++) {
          out[k] = v[k] * rest;
          rest *= 1 - v[k];
        }
        return new Val.V(out);
      }
      case "exp":
        return Val.of(Math.exp(eval(a.get(0), plates).scalar()));
      case "log":
        return Val.of(Math.log(eval(a.get(0), plates).scalar()));
      case "logistic":
        return Val.of(1 / (1 + Math.exp(-eval(a.get(0), plates).scalar())));
      case "softmax": {
        double[] v = eval(a.get(0), plates).vector().clone();
        double max = java.util.Arrays.stream(v).max().orElse(0);
        double z = 0;
        for (int i = 0; i < v.length; i++) {
          v[i] = Math.exp(v[i] - max);
          z += v[i];
        }
        for (int i = 0; i < v.length; i++) {
          v[i] /= z;
        }
        return new Val.V(v);
      }
      default:
        throw new IllegalStateException("unknown function " + c.fn());
    }
  }

  private int count(Ir e, Map<String, Integer> plates) {
    double v = eval(e, plates).scalar();
    if (v != Math.rint(v) || v < 0) {
      throw new IllegalStateException("not a count: " + IrPrinter.print(e));
    }
    return (int) v;
  }
}
