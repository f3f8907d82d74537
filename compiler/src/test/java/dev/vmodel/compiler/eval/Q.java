package dev.vmodel.compiler.eval;

import dev.vmodel.compiler.family.Family;
import dev.vmodel.runtime.SpecialFunctions;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * One element of a mean-field factor q_j, in its family's usual parameters: its moments (the
 * expectations the plan's {@code Moment} atoms ask for), its entropy, the map from natural
 * parameters, and, for the Monte Carlo checks, reparameterised sampling from uniforms, its log
 * density and perturbations of its parameters.
 *
 * <p>Natural parameters arrive by statistic name, flattened over components (a scalar
 * statistic has one entry, a vector statistic D, a matrix statistic D*D row-major).
 */
abstract class Q {
  abstract double moment(String stat, int[] comp);

  abstract double entropy();

  /** Uniforms one sample needs. */
  abstract int baseDim();

  /** A sample from uniforms u[off..off+baseDim), a smooth function of the parameters; one value per family member. */
  abstract Val[] sample(double[] u, int off);

  abstract double lnDensity(Val[] value);

  /** Uniforms one design value needs ({@link #design}). */
  int designDim() {
    return baseDim();
  }

  /**
   * A value at which the regression checks evaluate ln p: a draw of q, except for a point (a
   * bound's parameter), whose values spread around it so that its statistics vary.
   */
  Val[] design(double[] u, int off) {
    return sample(u, off);
  }

  /** Number of perturbation coordinates. */
  abstract int paramDim();

  /** The element with its parameters moved by step along d[off..off+paramDim). */
  abstract Q perturbed(double[] d, int off, double step);

  /** The natural parameters (inverse of {@link #fromNatural}), by statistic name, flattened. */
  abstract Map<String, double[]> natural();

  static Map<String, double[]> nat(Object... kv) {
    Map<String, double[]> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      m.put((String) kv[i], v instanceof double[] d ? d : new double[] {(Double) v});
    }
    return m;
  }

  // ----------------------------------------------------------------------------------------------

  static Q fromNatural(Family fam, int dim, Map<String, double[]> eta) {
    switch (fam.kind()) {
      case NORMAL: {
        double prec = -2 * eta.get("x2")[0];
        return new NormalQ(eta.get("x")[0] / prec, prec);
      }
      case MULTI_NORMAL: {
        double[][] p = Mat.scale(square(eta.get("xxT"), dim, "xxT"), -2);
        return new MultiNormalQ(Mat.solve(p, eta.get("x")), p);
      }
      case GAMMA:
        return new GammaQ(eta.get("lnx")[0] + 1, -eta.get("x")[0]);
      case INV_GAMMA:
        return new InvGammaQ(-eta.get("lnx")[0] - 1, -eta.get("invx")[0]);
      case BETA:
        return new BetaQ(eta.get("lnx")[0] + 1, eta.get("ln1mx")[0] + 1);
      case DIRICHLET: {
        double[] a = eta.get("lnx").clone();
        for (int k = 0; k < a.length; k++) {
          a[k] += 1;
        }
        return new DirichletQ(a);
      }
      case CATEGORICAL: {
        double[] p = eta.get("onehot").clone();
        SpecialFunctions.softmaxInPlace(p);
        return new CategoricalQ(p);
      }
      case WISHART: {
        double nu = 2 * eta.get("lnDet")[0] + dim + 1;
        double[][] wInv = Mat.scale(square(eta.get("X"), dim, "X"), -2);
        return new WishartQ(Mat.inverse(checkSpd(wInv, "W^-1")), nu);
      }
      case NORMAL_GAMMA: {
        double beta = -2 * eta.get("taumu2")[0];
        double m = eta.get("taumu")[0] / beta;
        double a = eta.get("lntau")[0] + 0.5;
        double b = -eta.get("tau")[0] - beta * m * m / 2;
        return new NormalGammaQ(m, beta, a, b);
      }
      case NORMAL_WISHART: {
        double beta = -2 * eta.get("muLambdamu")[0];
        double[] m = eta.get("Lambdamu").clone();
        for (int i = 0; i < m.length; i++) {
          m[i] /= beta;
        }
        double nu = 2 * eta.get("lnDetLambda")[0] + dim;
        double[][] wInv = Mat.plus(Mat.scale(square(eta.get("Lambda"), dim, "Lambda"), -2), Mat.scale(Mat.outer(m, m), -beta));
        return new NormalWishartQ(m, beta, Mat.inverse(checkSpd(wInv, "W^-1")), nu);
      }
      case JAAKKOLA_JORDAN: {
        // the maximiser of eta_lambda lambda(xi) + eta_offset c(xi): xi^2 = -eta_lambda / eta_offset
        double off = eta.get("offset")[0];
        return new LogisticBoundQ(off > 0 ? Math.sqrt(Math.max(0, -eta.get("lambda")[0] / off)) : 0);
      }
      case BOHNING: {
        double off = eta.get("offset")[0];
        double[] psi = eta.get("shift").clone();
        for (int k = 0; k < psi.length; k++) {
          psi[k] = off > 0 ? psi[k] / off : 0;
        }
        return new SoftmaxBoundQ(psi);
      }
      default:
        throw new IllegalStateException(fam.kind().toString());
    }
  }

  /** A random valid element (for starting points and "a random setting of the other factors"). */
  static Q random(Family fam, int dim, Random r) {
    switch (fam.kind()) {
      case NORMAL:
        return new NormalQ(2 * r.nextGaussian(), Math.exp(r.nextGaussian()));
      case MULTI_NORMAL: {
        double[] m = new double[dim];
        for (int i = 0; i < dim; i++) {
          m[i] = r.nextGaussian();
        }
        return new MultiNormalQ(m, Mat.randomSpd(dim, r, 0.5));
      }
      case GAMMA:
        return new GammaQ(Math.exp(r.nextGaussian()) + 0.5, Math.exp(r.nextGaussian()));
      case INV_GAMMA:
        return new InvGammaQ(Math.exp(r.nextGaussian()) + 1.5, Math.exp(r.nextGaussian()));
      case BETA:
        return new BetaQ(Math.exp(r.nextGaussian()) + 0.3, Math.exp(r.nextGaussian()) + 0.3);
      case DIRICHLET: {
        double[] a = new double[dim];
        for (int k = 0; k < dim; k++) {
          a[k] = Math.exp(r.nextGaussian()) + 0.3;
        }
        return new DirichletQ(a);
      }
      case CATEGORICAL: {
        double[] p = new double[dim];
        for (int k = 0; k < dim; k++) {
          p[k] = r.nextGaussian();
        }
        SpecialFunctions.softmaxInPlace(p);
        return new CategoricalQ(p);
      }
      case WISHART:
        return new WishartQ(Mat.scale(Mat.randomSpd(dim, r, 0.5), 1.0 / dim), dim + 1 + 3 * r.nextDouble());
      case NORMAL_GAMMA:
        return new NormalGammaQ(2 * r.nextGaussian(), Math.exp(r.nextGaussian()), Math.exp(r.nextGaussian()) + 0.5,
            Math.exp(r.nextGaussian()));
      case NORMAL_WISHART: {
        double[] m = new double[dim];
        for (int i = 0; i < dim; i++) {
          m[i] = r.nextGaussian();
        }
        return new NormalWishartQ(m, Math.exp(r.nextGaussian()), Mat.scale(Mat.randomSpd(dim, r, 0.5), 1.0 / dim),
            dim + 1 + 3 * r.nextDouble());
      }
      case JAAKKOLA_JORDAN:
        return new LogisticBoundQ(3 * r.nextDouble());
      case BOHNING: {
        double[] psi = new double[dim];
        for (int k = 0; k < dim; k++) {
          psi[k] = 2 * r.nextGaussian();
        }
        return new SoftmaxBoundQ(psi);
      }
      default:
        throw new IllegalStateException(fam.kind().toString());
    }
  }

  /**
   * A matrix natural parameter as a D x D matrix, symmetrised: sum_{i,j} eta[i,j] X[i,j] over a
   * symmetric X depends only on (eta + eta^T)/2, so that is the natural parameter whatever split
   * between [i,j] and [j,i] a plan writes ({@link #asymmetry} measures the split).
   */
  static double[][] square(double[] flat, int dim, String what) {
    return Mat.sym(raw(flat, dim, what));
  }

  static double[][] raw(double[] flat, int dim, String what) {
    if (flat.length != dim * dim) {
      throw new IllegalStateException(what + ": " + flat.length + " entries for dimension " + dim);
    }
    double[][] m = new double[dim][dim];
    for (int i = 0; i < dim; i++) {
      System.arraycopy(flat, i * dim, m[i], 0, dim);
    }
    return m;
  }

  /** The relative asymmetry of a flattened D x D natural parameter. */
  static double asymmetry(double[] flat, int dim) {
    return Mat.asymmetry(raw(flat, dim, "eta"));
  }

  static double[][] checkSpd(double[][] m, String what) {
    if (!Mat.isPositiveDefinite(m)) {
      throw new IllegalStateException(what + " from the natural parameters is not positive definite: "
          + Arrays.deepToString(m));
    }
    return m;
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  static double normal(double u) {
    return SpecialFunctions.normalQuantile(u);
  }

  /** M = I + step * B with B the next D*D entries of d, row-major. */
  static double[][] near(double[] d, int off, int dim, double step) {
    double[][] m = Mat.identity(dim);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        m[i][j] += step * d[off + i * dim + j];
      }
    }
    return m;
  }

  static double[][] congruence(double[][] m, double[][] a) {
    return Mat.sym(Mat.mul(Mat.mul(m, a), Mat.transpose(m)));
  }

  /** Bartlett: a Wishart(W, nu) draw from D + D(D-1)/2 uniforms. */
  static double[][] bartlett(double[][] w, double nu, double[] u, int off) {
    int d = w.length;
    double[][] a = new double[d][d];
    int k = off;
    for (int i = 0; i < d; i++) {
      a[i][i] = Math.sqrt(dev.vmodel.runtime.Gamma.quantile(u[k++], 0.5 * (nu - i), 0.5));
      for (int j = 0; j < i; j++) {
        a[i][j] = normal(u[k++]);
      }
    }
    double[][] la = Mat.mul(Mat.cholesky(w), a);
    return Mat.sym(Mat.mul(la, Mat.transpose(la)));
  }

  static double expLnDetWishart(int d, double[][] w, double nu) {
    double s = d * Math.log(2) + Mat.logDet(w);
    for (int i = 0; i < d; i++) {
      s += SpecialFunctions.digamma(0.5 * (nu - i));
    }
    return s;
  }

  static IllegalArgumentException unknown(String stat, Q q) {
    return new IllegalArgumentException("no moment '" + stat + "' in " + q);
  }

  // ----------------------------------------------------------------------------------------------

  static final class NormalQ extends Q {
    final double m;
    final double prec;

    NormalQ(double m, double prec) {
      require(prec > 0 && Double.isFinite(m), "invalid Normal(mean " + m + ", precision " + prec + ")");
      this.m = m;
      this.prec = prec;
    }

    @Override
    double moment(String stat, int[] c) {
      switch (stat) {
        case "x":
          return m;
        case "x2":
          return m * m + 1 / prec;
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      return dev.vmodel.runtime.Normal.entropy(prec);
    }

    @Override
    int baseDim() {
      return 1;
    }

    @Override
    Val[] sample(double[] u, int off) {
      return new Val[] {Val.of(m + normal(u[off]) / Math.sqrt(prec))};
    }

    @Override
    double lnDensity(Val[] v) {
      return dev.vmodel.runtime.Normal.lnPdf(v[0].scalar(), m, prec);
    }

    @Override
    int paramDim() {
      return 2;
    }

    @Override
    Q perturbed(double[] d, int off, double step) {
      return new NormalQ(m + step * d[off] / Math.sqrt(prec), prec * Math.exp(step * d[off + 1]));
    }

    @Override
    Map<String, double[]> natural() {
      return nat("x", m * prec, "x2", -prec / 2);
    }

    @Override
    public String toString() {
      return "Normal(mean " + m + ", precision " + prec + ")";
    }
  }

  static final class MultiNormalQ extends Q {
    final double[] m;
    final double[][] prec;
    final double[][] cov;
    final double[][] chol;

    MultiNormalQ(double[] m, double[][] prec) {
      this.m = m.clone();
      this.prec = Mat.sym(checkSpd(prec, "MultiNormal precision"));
      this.cov = Mat.inverse(this.prec);
      this.chol = Mat.cholesky(this.prec);
    }

    @Override
    double moment(String stat, int[] c) {
      switch (stat) {
        case "x":
          return m[c[0]];
        case "xxT":
          return cov[c[0]][c[1]] + m[c[0]] * m[c[1]];
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      return dev.vmodel.runtime.MultiNormal.entropy(m.length, Mat.logDet(prec));
    }

    @Override
    int baseDim() {
      return m.length;
    }

    @Override
    Val[] sample(double[] u, int off) {
      double[] z = new double[m.length];
      for (int i = 0; i < z.length; i++) {
        z[i] = normal(u[off + i]);
      }
      double[] x = Mat.solveLowerTranspose(chol, z);
      for (int i = 0; i < x.length; i++) {
        x[i] += m[i];
      }
      return new Val[] {new Val.V(x)};
    }

    @Override
    double lnDensity(Val[] v) {
      return dev.vmodel.runtime.MultiNormal.lnPdf(m.length, v[0].vector(), m, Mat.flat(prec));
    }

    @Override
    int paramDim() {
      return m.length + m.length * m.length;
    }

    @Override
    Q perturbed(double[] d, int off, double step) {
      int n = m.length;
      double[] shift = Mat.solveLowerTranspose(chol, Arrays.copyOfRange(d, off, off + n));
      double[] m2 = m.clone();
      for (int i = 0; i < n; i++) {
        m2[i] += step * shift[i];
      }
      return new MultiNormalQ(m2, congruence(near(d, off + n, n, step), prec));
    }

    @Override
    Map<String, double[]> natural() {
      return nat("x", Mat.mul(prec, m), "xxT", Mat.flat(Mat.scale(prec, -0.5)));
    }

    @Override
    public String toString() {
      return "MultiNormal(mean " + Arrays.toString(m) + ", precision " + Arrays.deepToString(prec) + ")";
    }
  }

  static final class GammaQ extends Q {
    final double a;
    final double b;

    GammaQ(double shape, double rate) {
      require(shape > 0 && rate > 0, "invalid Gamma(shape " + shape + ", rate " + rate + ")");
      this.a = shape;
      this.b = rate;
    }

    @Override
    double moment(String stat, int[] c) {
      switch (stat) {
        case "x":
          return a / b;
        case "lnx":
          return SpecialFunctions.digamma(a) - Math.log(b);
        case "x2":
          return a * (a + 1) / (b * b);
        case "invx":
          return a > 1 ? b / (a - 1) : Double.POSITIVE_INFINITY;
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      return dev.vmodel.runtime.Gamma.entropy(a, b);
    }

    @Override
    int baseDim() {
      return 1;
    }

    @Override
    Val[] sample(double[] u, int off) {
      return new Val[] {Val.of(dev.vmodel.runtime.Gamma.quantile(u[off], a, b))};
    }

    @Override
    double lnDensity(Val[] v) {
      return dev.vmodel.runtime.Gamma.lnPdf(v[0].scalar(), a, b);
    }

    @Override
    int paramDim() {
      return 2;
    }

    @Override
    Q perturbed(double[] d, int off, double step) {
      return new GammaQ(a * Math.exp(step * d[off]), b * Math.exp(step * d[off + 1]));
    }

    @Override
    Map<String, double[]> natural() {
      return nat("x", -b, "lnx", a - 1);
    }

    @Override
    public String toString() {
      return "Gamma(shape " + a + ", rate " + b + ")";
    }
  }

  static final class InvGammaQ extends Q {
    final double a;
    final double s;

    InvGammaQ(double shape, double scale) {
      require(shape > 0 && scale > 0, "invalid InvGamma(shape " + shape + ", scale " + scale + ")");
      this.a = shape;
      this.s = scale;
    }

    @Override
    double moment(String stat, int[] c) {
      switch (stat) {
        case "invx":
          return a / s;
        case "lnx":
          return Math.log(s) - SpecialFunctions.digamma(a);
        case "x":
          return a > 1 ? s / (a - 1) : Double.POSITIVE_INFINITY;
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      return dev.vmodel.runtime.InvGamma.entropy(a, s);
    }

    @Override
    int baseDim() {
      return 1;
    }

    @Override
    Val[] sample(double[] u, int off) {
      return new Val[] {Val.of(dev.vmodel.runtime.InvGamma.quantile(u[off], a, s))};
    }

    @Override
    double lnDensity(Val[] v) {
      return dev.vmodel.runtime.InvGamma.lnPdf(v[0].scalar(), a, s);
    }

    @Override
    int paramDim() {
      return 2;
    }

    @Override
    Q perturbed(double[] d, int off, double step) {
      return new InvGammaQ(a * Math.exp(step * d[off]), s * Math.exp(step * d[off + 1]));
    }

    @Override
    Map<String, double[]> natural() {
      return nat("invx", -s, "lnx", -a - 1);
    }

    @Override
    public String toString() {
      return "InvGamma(shape " + a + ", scale " + s + ")";
    }
  }

  static final class BetaQ extends Q {
    final double a;
    final double b;

    BetaQ(double a, double b) {
      require(a > 0 && b > 0, "invalid Beta(" + a + ", " + b + ")");
      this.a = a;
      this.b = b;
    }

    @Override
    double moment(String stat, int[] c) {
      switch (stat) {
        case "lnx":
          return SpecialFunctions.digamma(a) - SpecialFunctions.digamma(a + b);
        case "ln1mx":
          return SpecialFunctions.digamma(b) - SpecialFunctions.digamma(a + b);
        case "x":
          return a / (a + b);
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      return dev.vmodel.runtime.Beta.entropy(a, b);
    }

    @Override
    int baseDim() {
      return 1;
    }

    @Override
    Val[] sample(double[] u, int off) {
      return new Val[] {Val.of(dev.vmodel.runtime.Beta.quantile(u[off], a, b))};
    }

    @Override
    double lnDensity(Val[] v) {
      return dev.vmodel.runtime.Beta.lnPdf(v[0].scalar(), a, b);
    }

    @Override
    int paramDim() {
      return 2;
    }

    @Override
    Q perturbed(double[] d, int off, double step) {
      return new BetaQ(a * Math.exp(step * d[off]), b * Math.exp(step * d[off + 1]));
    }

    @Override
    Map<String, double[]> natural() {
      return nat("lnx", a - 1, "ln1mx", b - 1);
    }

    @Override
    public String toString() {
      return "Beta(" + a + ", " + b + ")";
    }
  }

  static final class DirichletQ extends Q {
    final double[] alpha;
    final double total;

    DirichletQ(double[] alpha) {
      double t = 0;
      for (double x : alpha) {
        require(x > 0, "invalid Dirichlet" + Arrays.toString(alpha));
        t += x;
      }
      this.alpha = alpha.clone();
      this.total = t;
    }

    @Override
    double moment(String stat, int[] c) {
      switch (stat) {
        case "lnx":
          return SpecialFunctions.digamma(alpha[c[0]]) - SpecialFunctions.digamma(total);
        case "x":
          return alpha[c[0]] / total;
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      return dev.vmodel.runtime.Dirichlet.entropy(alpha);
    }

    @Override
    int baseDim() {
      return alpha.length;
    }

    @Override
    Val[] sample(double[] u, int off) {
      int k = alpha.length;
      double[] lnG = new double[k];
      for (int i = 0; i < k; i++) {
        double g = dev.vmodel.runtime.Gamma.quantile(u[off + i], alpha[i], 1);
        // Far in the lower tail P(a, x) ~ x^a / Gamma(a + 1): ln x from ln u without underflow.
        lnG[i] = g > 1e-250 ? Math.log(g) : (Math.log(u[off + i]) + SpecialFunctions.lnGamma(alpha[i] + 1)) / alpha[i];
      }
      double lse = SpecialFunctions.logSumExp(lnG);
      double[] x = new double[k];
      for (int i = 0; i < k; i++) {
        x[i] = Math.exp(lnG[i] - lse);
      }
      return new Val[] {new Val.V(x)};
    }

    @Override
    double lnDensity(Val[] v) {
      double[] x = v[0].vector();
      return dev.vmodel.runtime.Dirichlet.lnPdf(x, 0, alpha, 0, alpha.length);
    }

    @Override
    int paramDim() {
      return alpha.length;
    }

    @Override
    Q perturbed(double[] d, int off, double step) {
      double[] a = alpha.clone();
      for (int i = 0; i < a.length; i++) {
        a[i] *= Math.exp(step * d[off + i]);
      }
      return new DirichletQ(a);
    }

    @Override
    Map<String, double[]> natural() {
      double[] e = alpha.clone();
      for (int k = 0; k < e.length; k++) {
        e[k] -= 1;
      }
      return nat("lnx", e);
    }

    @Override
    public String toString() {
      return "Dirichlet" + Arrays.toString(alpha);
    }
  }

  static final class CategoricalQ extends Q {
    final double[] p;

    CategoricalQ(double[] p) {
      double s = 0;
      for (double x : p) {
        require(x >= 0 && Double.isFinite(x), "invalid Categorical" + Arrays.toString(p));
        s += x;
      }
      require(Math.abs(s - 1) < 1e-9, "Categorical probabilities sum to " + s);
      this.p = p.clone();
    }

    @Override
    double moment(String stat, int[] c) {
      if (stat.equals("onehot")) {
        return p[c[0]];
      }
      throw unknown(stat, this);
    }

    @Override
    double entropy() {
      return dev.vmodel.runtime.Categorical.entropy(p);
    }

    @Override
    int baseDim() {
      return 1;
    }

    /** Inverse CDF: piecewise constant in the parameters (see the optimality test for why that is fine). */
    @Override
    Val[] sample(double[] u, int off) {
      double c = 0;
      for (int k = 0; k < p.length; k++) {
        c += p[k];
        if (u[off] < c) {
          return new Val[] {Val.of(k)};
        }
      }
      int last = p.length - 1;
      while (last > 0 && p[last] == 0) {
        last--;
      }
      return new Val[] {Val.of(last)};
    }

    @Override
    double lnDensity(Val[] v) {
      return Math.log(p[(int) v[0].scalar()]);
    }

    @Override
    int paramDim() {
      return p.length;
    }

    @Override
    Q perturbed(double[] d, int off, double step) {
      double[] l = new double[p.length];
      for (int k = 0; k < l.length; k++) {
        l[k] = Math.log(p[k]) + step * d[off + k];
      }
      SpecialFunctions.softmaxInPlace(l);
      return new CategoricalQ(l);
    }

    @Override
    Map<String, double[]> natural() {
      double[] l = new double[p.length];
      for (int k = 0; k < l.length; k++) {
        l[k] = Math.log(p[k]);
      }
      return nat("onehot", l);
    }

    @Override
    public String toString() {
      return "Categorical" + Arrays.toString(p);
    }
  }

  static final class WishartQ extends Q {
    final double[][] w;
    final double nu;
    final int d;

    WishartQ(double[][] w, double nu) {
      this.d = w.length;
      require(nu > d - 1, "invalid Wishart degrees of freedom " + nu + " for dimension " + d);
      this.w = Mat.sym(checkSpd(w, "Wishart scale matrix"));
      this.nu = nu;
    }

    @Override
    double moment(String stat, int[] c) {
      switch (stat) {
        case "X":
          return nu * w[c[0]][c[1]];
        case "lnDet":
          return expLnDetWishart(d, w, nu);
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      return dev.vmodel.runtime.Wishart.entropy(d, Mat.logDet(w), nu);
    }

    @Override
    int baseDim() {
      return d + d * (d - 1) / 2;
    }

    @Override
    Val[] sample(double[] u, int off) {
      return new Val[] {new Val.M(bartlett(w, nu, u, off))};
    }

    @Override
    double lnDensity(Val[] v) {
      return dev.vmodel.runtime.Wishart.lnPdf(d, Mat.flat(v[0].matrix()), Mat.flat(w), nu);
    }

    @Override
    int paramDim() {
      return 1 + d * d;
    }

    @Override
    Q perturbed(double[] dir, int off, double step) {
      double nu2 = (d - 1) + (nu - d + 1) * Math.exp(step * dir[off]);
      return new WishartQ(congruence(near(dir, off + 1, d, step), w), nu2);
    }

    @Override
    Map<String, double[]> natural() {
      return nat("X", Mat.flat(Mat.scale(Mat.inverse(w), -0.5)), "lnDet", (nu - d - 1) / 2);
    }

    @Override
    public String toString() {
      return "Wishart(W " + Arrays.deepToString(w) + ", nu " + nu + ")";
    }
  }

  /** q(mu, tau) = Normal(mu | m, beta tau) Gamma(tau | a, b); members (mu, tau). */
  static final class NormalGammaQ extends Q {
    final double m;
    final double beta;
    final double a;
    final double b;

    NormalGammaQ(double m, double beta, double a, double b) {
      require(beta > 0 && a > 0 && b > 0 && Double.isFinite(m),
          "invalid Normal-Gamma(m " + m + ", beta " + beta + ", a " + a + ", b " + b + ")");
      this.m = m;
      this.beta = beta;
      this.a = a;
      this.b = b;
    }

    @Override
    double moment(String stat, int[] c) {
      double tau = a / b;
      switch (stat) {
        case "tau":
          return tau;
        case "lntau":
          return SpecialFunctions.digamma(a) - Math.log(b);
        case "taumu":
          return tau * m;
        case "taumu2":
          return tau * m * m + 1 / beta;
        case "mu":
          return m;
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      double eLnTau = SpecialFunctions.digamma(a) - Math.log(b);
      return dev.vmodel.runtime.Gamma.entropy(a, b) + 0.5 * (1 + SpecialFunctions.LN_2PI) - 0.5 * Math.log(beta)
          - 0.5 * eLnTau;
    }

    @Override
    int baseDim() {
      return 2;
    }

    @Override
    Val[] sample(double[] u, int off) {
      double tau = dev.vmodel.runtime.Gamma.quantile(u[off], a, b);
      double mu = m + normal(u[off + 1]) / Math.sqrt(beta * tau);
      return new Val[] {Val.of(mu), Val.of(tau)};
    }

    @Override
    double lnDensity(Val[] v) {
      double mu = v[0].scalar();
      double tau = v[1].scalar();
      return dev.vmodel.runtime.Gamma.lnPdf(tau, a, b) + dev.vmodel.runtime.Normal.lnPdf(mu, m, beta * tau);
    }

    @Override
    int paramDim() {
      return 4;
    }

    @Override
    Q perturbed(double[] d, int off, double step) {
      return new NormalGammaQ(m + step * d[off] / Math.sqrt(beta * a / b), beta * Math.exp(step * d[off + 1]),
          a * Math.exp(step * d[off + 2]), b * Math.exp(step * d[off + 3]));
    }

    @Override
    Map<String, double[]> natural() {
      return nat("tau", -(b + beta * m * m / 2), "lntau", a - 0.5, "taumu", beta * m, "taumu2", -beta / 2);
    }

    @Override
    public String toString() {
      return "Normal-Gamma(m " + m + ", beta " + beta + ", a " + a + ", b " + b + ")";
    }
  }

  /** q(mu, Lambda) = MultiNormal(mu | m, beta Lambda) Wishart(Lambda | W, nu); members (mu, Lambda). */
  static final class NormalWishartQ extends Q {
    final double[] m;
    final double beta;
    final double[][] w;
    final double nu;
    final int d;

    NormalWishartQ(double[] m, double beta, double[][] w, double nu) {
      this.d = m.length;
      require(beta > 0 && nu > d - 1, "invalid Normal-Wishart(beta " + beta + ", nu " + nu + ")");
      this.m = m.clone();
      this.beta = beta;
      this.w = Mat.sym(checkSpd(w, "Normal-Wishart scale matrix"));
      this.nu = nu;
    }

    @Override
    double moment(String stat, int[] c) {
      switch (stat) {
        case "Lambda":
          return nu * w[c[0]][c[1]];
        case "lnDetLambda":
          return expLnDetWishart(d, w, nu);
        case "Lambdamu":
          return nu * Mat.mul(w, m)[c[0]];
        case "muLambdamu":
          return d / beta + nu * Mat.quad(w, m);
        case "mu":
          return m[c[0]];
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      return dev.vmodel.runtime.NormalWishart.entropy(d, beta, Mat.logDet(w), nu);
    }

    @Override
    int baseDim() {
      return d + d * (d - 1) / 2 + d;
    }

    @Override
    Val[] sample(double[] u, int off) {
      double[][] lambda = bartlett(w, nu, u, off);
      double[][] l = Mat.cholesky(Mat.scale(lambda, beta));
      double[] z = new double[d];
      int k = off + d + d * (d - 1) / 2;
      for (int i = 0; i < d; i++) {
        z[i] = normal(u[k + i]);
      }
      double[] mu = Mat.solveLowerTranspose(l, z);
      for (int i = 0; i < d; i++) {
        mu[i] += m[i];
      }
      return new Val[] {new Val.V(mu), new Val.M(lambda)};
    }

    @Override
    double lnDensity(Val[] v) {
      double[][] lambda = v[1].matrix();
      return dev.vmodel.runtime.Wishart.lnPdf(d, Mat.flat(lambda), Mat.flat(w), nu)
          + dev.vmodel.runtime.MultiNormal.lnPdf(d, v[0].vector(), m, Mat.flat(Mat.scale(lambda, beta)));
    }

    @Override
    int paramDim() {
      return d + 2 + d * d;
    }

    @Override
    Q perturbed(double[] dir, int off, double step) {
      double[][] l = Mat.cholesky(Mat.scale(w, beta * nu));
      double[] shift = Mat.solveLowerTranspose(l, Arrays.copyOfRange(dir, off, off + d));
      double[] m2 = m.clone();
      for (int i = 0; i < d; i++) {
        m2[i] += step * shift[i];
      }
      double beta2 = beta * Math.exp(step * dir[off + d]);
      double nu2 = (d - 1) + (nu - d + 1) * Math.exp(step * dir[off + d + 1]);
      return new NormalWishartQ(m2, beta2, congruence(near(dir, off + d + 2, d, step), w), nu2);
    }

    @Override
    Map<String, double[]> natural() {
      double[] bm = m.clone();
      for (int i = 0; i < d; i++) {
        bm[i] *= beta;
      }
      double[][] lam = Mat.scale(Mat.plus(Mat.inverse(w), Mat.scale(Mat.outer(m, m), beta)), -0.5);
      return nat("Lambda", Mat.flat(lam), "lnDetLambda", (nu - d) / 2, "Lambdamu", bm, "muLambdamu", -beta / 2);
    }

    @Override
    public String toString() {
      return "Normal-Wishart(m " + Arrays.toString(m) + ", beta " + beta + ", W " + Arrays.deepToString(w) + ", nu "
          + nu + ")";
    }
  }

  // ----------------------------------------------------------------------------------------------
  // The points of local bounds: written from PRML 10.150-10.151 and the softmax bound's definition.

  /** ln logistic(x) = -ln(1 + e^-x). */
  static double lnSigma(double x) {
    return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
  }

  /** lambda(xi) = (logistic(xi) - 1/2) / (2 xi) (PRML 10.150), 1/8 at 0. */
  static double jjLambda(double xi) {
    return xi < 1e-6 ? 0.125 : (1 / (1 + Math.exp(-xi)) - 0.5) / (2 * xi);
  }

  /** A Jaakkola-Jordan bound's point xi: moments lambda(xi) and c(xi), no entropy. */
  static final class LogisticBoundQ extends Q {
    final double xi;

    LogisticBoundQ(double xi) {
      require(xi >= 0 && Double.isFinite(xi), "invalid xi " + xi);
      this.xi = xi;
    }

    double lambda() {
      return jjLambda(xi);
    }

    @Override
    double moment(String stat, int[] c) {
      switch (stat) {
        case "lambda":
          return lambda();
        case "offset":
          return lnSigma(xi) - xi / 2 + lambda() * xi * xi;
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      return 0;
    }

    @Override
    int baseDim() {
      return 0;
    }

    @Override
    Val[] sample(double[] u, int off) {
      return new Val[] {new Val.S(xi)};
    }

    @Override
    double lnDensity(Val[] v) {
      return 0;
    }

    @Override
    int paramDim() {
      return 1;
    }

    @Override
    Q perturbed(double[] d, int off, double step) {
      return new LogisticBoundQ(Math.abs(xi + step * d[off]));
    }

    @Override
    Map<String, double[]> natural() {
      return nat("lambda", -xi * xi, "offset", 1.0);
    }

    @Override
    int designDim() {
      return 1;
    }

    @Override
    Val[] design(double[] u, int off) {
      return new Val[] {new Val.S(5 * u[off])};
    }

    @Override
    public String toString() {
      return "LogisticBound(xi " + xi + ")";
    }
  }

  /** A softmax bound's expansion point psi: moments b(psi) = psi/2 - softmax(psi) and c(psi), no entropy. */
  static final class SoftmaxBoundQ extends Q {
    final double[] psi;

    SoftmaxBoundQ(double[] psi) {
      for (double v : psi) {
        require(Double.isFinite(v), "invalid psi " + Arrays.toString(psi));
      }
      this.psi = psi.clone();
    }

    private double[] softmax() {
      double[] g = psi.clone();
      SpecialFunctions.softmaxInPlace(g);
      return g;
    }

    @Override
    double moment(String stat, int[] c) {
      double[] g = softmax();
      switch (stat) {
        case "shift":
          return psi[c[0]] / 2 - g[c[0]];
        case "offset": {
          double lse = SpecialFunctions.logSumExp(psi);
          double gPsi = 0;
          double sq = 0;
          for (int k = 0; k < psi.length; k++) {
            gPsi += g[k] * psi[k];
            sq += psi[k] * psi[k];
          }
          return -(lse - gPsi + sq / 4);
        }
        default:
          throw unknown(stat, this);
      }
    }

    @Override
    double entropy() {
      return 0;
    }

    @Override
    int baseDim() {
      return 0;
    }

    @Override
    Val[] sample(double[] u, int off) {
      return new Val[] {new Val.V(psi.clone())};
    }

    @Override
    double lnDensity(Val[] v) {
      return 0;
    }

    @Override
    int paramDim() {
      return psi.length;
    }

    @Override
    Q perturbed(double[] d, int off, double step) {
      double[] p = psi.clone();
      for (int k = 0; k < p.length; k++) {
        p[k] += step * d[off + k];
      }
      return new SoftmaxBoundQ(p);
    }

    @Override
    Map<String, double[]> natural() {
      return nat("shift", psi.clone(), "offset", 1.0);
    }

    @Override
    int designDim() {
      return psi.length;
    }

    @Override
    Val[] design(double[] u, int off) {
      double[] p = new double[psi.length];
      for (int k = 0; k < p.length; k++) {
        p[k] = psi[k] + 6 * (u[off + k] - 0.5);
      }
      return new Val[] {new Val.V(p)};
    }

    @Override
    public String toString() {
      return "SoftmaxBound(psi " + Arrays.toString(psi) + ")";
    }
  }
}
