package dev.vmodel.compiler.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.vmodel.compiler.driver.InMemoryCompiler;
import dev.vmodel.runtime.Beta;
import dev.vmodel.runtime.Dirichlet;
import dev.vmodel.runtime.Gamma;
import dev.vmodel.runtime.InvGamma;
import dev.vmodel.runtime.LinAlg;
import dev.vmodel.runtime.MultiNormal;
import dev.vmodel.runtime.Normal;
import dev.vmodel.runtime.Wishart;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.lang.model.element.Modifier;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every family's generated {@link FamilySpec#natural} and {@link FamilySpec#logNormalizer}, compiled
 * (under -Xlint:all -Werror) and run on random valid parameters, for element 0 and for element 1 of
 * two (whose element 0 holds NaN, so a wrong offset shows):
 *
 * <ul>
 *   <li>convert(natural(params)) reproduces the parameters to 1e-12 relative (log-determinants
 *       1e-12 absolute) and leaves other elements alone;
 *   <li>E_q[ln q] = eta . E_q[T] - ln Z equals minus the family's generated entropy to 1e-10, with
 *       E_q[T] the moments convert wrote;
 *   <li>eta . T(x) - ln Z, with the eta natural wrote, equals the runtime's log density of q at
 *       random points x (independent of convert).
 * </ul>
 */
class NaturalAndLogNormalizerTest {
  private static final String PACKAGE = "dev.vmodel.probe";
  private static final int CASES = 20;

  /** What the generated probe names: parameter, moment and holder arrays, and its own locals. */
  private static final class Probe implements FactorJava {
    private final FamilySpec spec;
    private final String e;
    private final Set<String> reserved = new HashSet<>(Set.of("params", "moments", "etaOut", "D", "e", "lnZ",
        "entropy", "dot", "probeI"));

    Probe(FamilySpec spec, String e) {
      this.spec = spec;
      this.e = e;
      spec.params().forEach(p -> reserved.add(param(p)));
      spec.moments().keySet().forEach(m -> reserved.add(moment(m)));
      spec.statistics().forEach(s -> reserved.add(eta(s.name())));
    }

    @Override
    public String element() {
      return e;
    }

    @Override
    public String dim() {
      return hasDim(spec) ? "D" : null;
    }

    @Override
    public String param(String name) {
      return "p" + cap(name);
    }

    @Override
    public String moment(String name) {
      return "m" + cap(name);
    }

    @Override
    public String eta(String stat) {
      return "eta" + cap(stat);
    }

    @Override
    public String local(String wanted) {
      return reserved.contains(wanted) ? "q" + cap(wanted) : wanted;
    }

    @Override
    public String at(String i) {
      return e.equals("0") ? i : i.equals("0") ? e + " * D" : e + " * D + " + i;
    }

    @Override
    public String matrixOffset(CodeBlock.Builder b) {
      if (e.equals("0")) {
        return "";
      }
      b.addStatement("int off = $L * D * D", e);
      return "off";
    }

    @Override
    public String factorLabel() {
      return spec.title();
    }

    @Override
    public String lnNormSum() {
      return null;
    }
  }

  private static String cap(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static boolean hasDim(FamilySpec spec) {
    return spec.statistics().stream().anyMatch(s -> s.arity() > 0)
        || spec.params().stream().anyMatch(p -> spec.paramWidth(p) > 0);
  }

  /**
   * {@code static double[] probe(params, moments, etaOut, D, e)}: natural then convert (the round
   * trip, in place), then natural again, returning {ln Z, entropy, eta . E[T]} and the holders.
   */
  private static JavaFile probe(FamilySpec spec, String e, String className) {
    MethodSpec.Builder m = MethodSpec.methodBuilder("probe").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(double[].class).addParameter(double[][].class, "params").addParameter(double[][].class, "moments")
        .addParameter(double[][].class, "etaOut").addParameter(int.class, "D").addParameter(int.class, "e");
    Probe fj = new Probe(spec, e);
    List<String> params = spec.params();
    for (int k = 0; k < params.size(); k++) {
      m.addStatement("double[] $L = params[$L]", fj.param(params.get(k)), k);
    }
    List<String> moments = new ArrayList<>(spec.moments().keySet());
    for (int k = 0; k < moments.size(); k++) {
      String shared = spec.momentSharing(moments.get(k));
      if (shared != null) {
        m.addStatement("double[] $L = $L", fj.moment(moments.get(k)), fj.param(shared));
      } else {
        m.addStatement("double[] $L = moments[$L]", fj.moment(moments.get(k)), k);
      }
    }
    for (FamilySpec.StatDef s : spec.statistics()) {
      if (s.arity() == 0) {
        m.addStatement("double $L", fj.eta(s.name()));
      } else {
        m.addStatement("double[] $L = new double[$L]", fj.eta(s.name()), s.arity() == 1 ? "D" : "D * D");
      }
    }
    m.addCode(spec.natural(new Probe(spec, e)));
    m.addCode(FamilyBase.braced(spec.convert(new Probe(spec, e))));
    m.addCode(spec.natural(new Probe(spec, e)));
    m.addStatement("double lnZ = $L", spec.logNormalizer(new Probe(spec, e)));
    m.addStatement("double entropy = $L", spec.entropy(new Probe(spec, e)));
    m.addStatement("double dot = 0.0");
    List<FamilySpec.StatDef> stats = spec.statistics();
    for (int k = 0; k < stats.size(); k++) {
      FamilySpec.StatDef s = stats.get(k);
      String eta = fj.eta(s.name());
      String mo = fj.moment(s.name());
      if (s.arity() == 0) {
        m.addStatement("dot += $L * $L[$L]", eta, mo, e);
        m.addStatement("etaOut[$L] = new double[] {$L}", k, eta);
      } else {
        String n = s.arity() == 1 ? "D" : "D * D";
        String start = s.arity() == 1 ? fj.at("0") : MatrixCode.blockStart(fj);
        m.beginControlFlow("for (int probeI = 0; probeI < $L; probeI++)", n);
        m.addStatement("dot += $L[probeI] * $L[$L + probeI]", eta, mo, start);
        m.endControlFlow();
        m.addStatement("etaOut[$L] = $L", k, eta);
      }
    }
    m.addStatement("return new double[] {lnZ, entropy, dot}");
    TypeSpec t = TypeSpec.classBuilder(className).addModifiers(Modifier.PUBLIC, Modifier.FINAL).addMethod(m.build())
        .build();
    return JavaFile.builder(PACKAGE, t).build();
  }

  private static String className(FamilySpec spec, String e) {
    return "Probe" + spec.kind().name() + (e.equals("0") ? "0" : "E");
  }

  private static ClassLoader loader;

  /** Every family's probes, compiled in one javac run. */
  private static synchronized ClassLoader loader() {
    if (loader == null) {
      List<JavaFile> files = new ArrayList<>();
      for (FamilySpec spec : Families.all()) {
        if (spec.chain()) {
          continue;
        }
        for (String e : List.of("0", "e")) {
          files.add(probe(spec, e, className(spec, e)));
        }
      }
      loader = InMemoryCompiler.compile(files, System.getProperty("java.class.path"),
          NaturalAndLogNormalizerTest.class.getClassLoader());
    }
    return loader;
  }

  /** One test per family (all of them: Families.all() has every kind, see FamiliesTest). */
  @TestFactory
  List<DynamicTest> naturalInvertsConvertAndLogNormalizerGivesTheEntropyAndTheDensity() {
    List<DynamicTest> tests = new ArrayList<>();
    for (FamilySpec spec : Families.all()) {
      if (spec.chain()) {
        // A chain's element is not a distribution on its own: its convert leaves potentials for
        // forward-backward. HiddenMarkovModelTest checks the whole chain against enumeration.
        continue;
      }
      tests.add(DynamicTest.dynamicTest(spec.title(), () -> {
        Random rng = new Random(2026 + spec.kind().ordinal());
        for (String e : List.of("0", "e")) {
          Method probe = loader().loadClass(PACKAGE + "." + className(spec, e)).getMethod("probe",
              double[][].class, double[][].class, double[][].class, int.class, int.class);
          for (int c = 0; c < CASES; c++) {
            int d = hasDim(spec) ? 1 + c % 4 : 1;
            run(spec, probe, e.equals("0") ? 0 : 1, d, rng);
          }
        }
      }));
    }
    assertEquals(Families.all().stream().filter(f -> !f.chain()).count(), tests.size());
    return tests;
  }

  /** One random case of one family: the three identities. */
  private static void run(FamilySpec spec, Method probe, int element, int d, Random rng) throws Exception {
    Map<String, double[]> p = randomParams(spec.kind(), d, rng);
    String what = spec.title() + " D=" + d + " element " + element + " " + show(p);
    List<String> names = spec.params();
    double[][] params = new double[names.size()][];
    for (int k = 0; k < names.size(); k++) {
      params[k] = atElement(p.get(names.get(k)), element);
    }
    List<String> momentNames = new ArrayList<>(spec.moments().keySet());
    double[][] moments = new double[momentNames.size()][];
    for (int k = 0; k < momentNames.size(); k++) {
      int w = width(spec.moments().get(momentNames.get(k)), d);
      moments[k] = new double[w * (element + 1)];
      Arrays.fill(moments[k], Double.NaN);
    }
    double[][] eta = new double[spec.statistics().size()][];
    double[] out;
    try {
      out = (double[]) probe.invoke(null, params, moments, eta, d, element);
    } catch (InvocationTargetException ex) {
      throw new AssertionError(what, ex.getCause());
    }
    // 1. The round trip, and nothing written outside the element.
    for (int k = 0; k < names.size(); k++) {
      double[] orig = p.get(names.get(k));
      int w = orig.length;
      double scale = 0;
      for (double v : orig) {
        scale = Math.max(scale, Math.abs(v));
      }
      if (names.get(k).startsWith("lnDet")) {
        scale = Math.max(scale, 1);
      }
      for (int i = 0; i < w; i++) {
        double got = params[k][element * w + i];
        assertTrue(Math.abs(got - orig[i]) <= 1e-12 * scale,
            what + ": " + names.get(k) + "[" + i + "] " + orig[i] + " came back as " + got);
      }
      for (int i = 0; i < element * w; i++) {
        assertTrue(Double.isNaN(params[k][i]), what + ": " + names.get(k) + " of element 0 written");
      }
    }
    for (int k = 0; k < momentNames.size(); k++) {
      for (int i = 0; i < element * moments[k].length / (element + 1); i++) {
        assertTrue(Double.isNaN(moments[k][i]), what + ": moment " + momentNames.get(k) + " of element 0 written");
      }
    }
    // 2. E_q[ln q] = eta . E[T] - ln Z = -H.
    double lnZ = out[0];
    double entropy = out[1];
    double dot = out[2];
    double tol = 1e-10 * Math.max(1, Math.max(Math.abs(lnZ), Math.abs(dot)));
    assertTrue(Math.abs(dot - lnZ + entropy) <= tol,
        what + ": eta . E[T] - ln Z = " + (dot - lnZ) + " but -entropy = " + -entropy);
    // 3. ln q(x) = eta . T(x) - ln Z at random points.
    for (int r = 0; r < 5; r++) {
      double[][] t = new double[eta.length][];
      double ref = pointAndDensity(spec.kind(), p, d, rng, t);
      double etaT = 0;
      for (int s = 0; s < eta.length; s++) {
        assertEquals(t[s].length, eta[s].length, what + ": width of eta " + s);
        for (int i = 0; i < t[s].length; i++) {
          etaT += eta[s][i] * t[s][i];
        }
      }
      double lnQ = etaT - lnZ;
      assertTrue(Math.abs(lnQ - ref) <= 1e-11 * Math.max(1, Math.max(Math.abs(ref), Math.abs(etaT))),
          what + ": eta . T(x) - ln Z = " + lnQ + " but ln q(x) = " + ref);
    }
  }

  private static int width(int arity, int d) {
    return arity == 0 ? 1 : arity == 1 ? d : d * d;
  }

  /** {@code v} as element {@code element} of an array whose earlier elements hold NaN. */
  private static double[] atElement(double[] v, int element) {
    double[] a = new double[v.length * (element + 1)];
    Arrays.fill(a, Double.NaN);
    System.arraycopy(v, 0, a, element * v.length, v.length);
    return a;
  }

  private static String show(Map<String, double[]> p) {
    StringBuilder b = new StringBuilder();
    p.forEach((k, v) -> b.append(k).append('=').append(Arrays.toString(v)).append(' '));
    return b.toString();
  }

  private static double uniform(Random rng, double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  private static double[] vector(Random rng, int d, double lo, double hi) {
    double[] v = new double[d];
    for (int i = 0; i < d; i++) {
      v[i] = uniform(rng, lo, hi);
    }
    return v;
  }

  /** A random SPD matrix A A^T + (D/2) I. */
  private static double[] spd(Random rng, int d) {
    double[] a = vector(rng, d * d, -1, 1);
    double[] s = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double v = i == j ? 0.5 * d : 0;
        for (int k = 0; k < d; k++) {
          v += a[i * d + k] * a[j * d + k];
        }
        s[i * d + j] = v;
      }
    }
    return s;
  }

  private static double[] inverse(double[] a, int d, double[] lnDet) {
    double[] inv = new double[d * d];
    lnDet[0] = LinAlg.spdInverseLogDet(a, inv, d);
    return inv;
  }

  private static double[] one(double v) {
    return new double[] {v};
  }

  /** Valid, mutually consistent parameters of one element (derived ones such as cov computed). */
  private static Map<String, double[]> randomParams(Family.Kind kind, int d, Random rng) {
    Map<String, double[]> p = new LinkedHashMap<>();
    double[] lnDet = new double[1];
    switch (kind) {
      case NORMAL -> {
        p.put("mean", one(uniform(rng, -3, 3)));
        p.put("precision", one(uniform(rng, 0.1, 10)));
      }
      case GAMMA -> {
        p.put("shape", one(uniform(rng, 0.5, 10)));
        p.put("rate", one(uniform(rng, 0.1, 5)));
      }
      case INV_GAMMA -> {
        p.put("shape", one(uniform(rng, 0.5, 10)));
        p.put("scale", one(uniform(rng, 0.1, 5)));
      }
      case BETA -> {
        p.put("a", one(uniform(rng, 0.3, 10)));
        p.put("b", one(uniform(rng, 0.3, 10)));
      }
      case DIRICHLET -> p.put("alpha", vector(rng, d, 0.3, 10));
      case CATEGORICAL -> {
        double[] w = vector(rng, d, 0.05, 1);
        double s = 0;
        for (double v : w) {
          s += v;
        }
        for (int i = 0; i < d; i++) {
          w[i] /= s;
        }
        p.put("p", w);
      }
      case MULTI_NORMAL -> {
        double[] precision = spd(rng, d);
        p.put("mean", vector(rng, d, -3, 3));
        p.put("precision", precision);
        p.put("cov", inverse(precision, d, lnDet));
        p.put("lnDetPrecision", one(lnDet[0]));
      }
      case WISHART -> {
        double[] w = spd(rng, d);
        inverse(w, d, lnDet);
        p.put("W", w);
        p.put("nu", one(uniform(rng, d - 0.5, d + 8)));
        p.put("lnDetW", one(lnDet[0]));
      }
      case NORMAL_GAMMA -> {
        p.put("m", one(uniform(rng, -3, 3)));
        p.put("beta", one(uniform(rng, 0.1, 10)));
        p.put("a", one(uniform(rng, 0.5, 10)));
        p.put("b", one(uniform(rng, 0.1, 5)));
      }
      case NORMAL_WISHART -> {
        double[] w = spd(rng, d);
        inverse(w, d, lnDet);
        p.put("m", vector(rng, d, -3, 3));
        p.put("beta", one(uniform(rng, 0.1, 10)));
        p.put("W", w);
        p.put("nu", one(uniform(rng, d - 0.5, d + 8)));
        p.put("lnDetW", one(lnDet[0]));
      }
      case JAAKKOLA_JORDAN -> p.put("xi", one(uniform(rng, 0, 6)));
      case BOHNING -> p.put("psi", vector(rng, d, -4, 4));
      default -> throw new AssertionError("no random parameters for " + kind);
    }
    return p;
  }

  /**
   * A random point x: fills {@code t} with the statistics T(x) in the family's order (D x D ones
   * row-major) and returns ln q(x) from the runtime's log densities.
   */
  private static double pointAndDensity(Family.Kind kind, Map<String, double[]> p, int d, Random rng,
      double[][] t) {
    switch (kind) {
      case JAAKKOLA_JORDAN -> {
        // a point mass: its one point, where ln q = 0; T = (lambda(xi), c(xi)) from the book's formulas
        double xi = p.get("xi")[0];
        double lambda = xi == 0 ? 0.125 : (1 / (1 + Math.exp(-xi)) - 0.5) / (2 * xi);
        t[0] = one(lambda);
        t[1] = one(Math.log(1 / (1 + Math.exp(-xi))) - xi / 2 + lambda * xi * xi);
        return 0;
      }
      case BOHNING -> {
        double[] psi = p.get("psi");
        double lse = 0;
        for (double v : psi) {
          lse += Math.exp(v);
        }
        lse = Math.log(lse);
        double gPsi = 0;
        double sq = 0;
        t[0] = new double[d];
        for (int i = 0; i < d; i++) {
          double g = Math.exp(psi[i] - lse);
          t[0][i] = psi[i] / 2 - g;
          gPsi += g * psi[i];
          sq += psi[i] * psi[i];
        }
        t[1] = one(-(lse - gPsi + sq / 4));
        return 0;
      }
      case NORMAL -> {
        double x = uniform(rng, -4, 4);
        t[0] = one(x);
        t[1] = one(x * x);
        return Normal.lnPdf(x, p.get("mean")[0], p.get("precision")[0]);
      }
      case GAMMA -> {
        double x = uniform(rng, 0.01, 5);
        t[0] = one(x);
        t[1] = one(Math.log(x));
        return Gamma.lnPdf(x, p.get("shape")[0], p.get("rate")[0]);
      }
      case INV_GAMMA -> {
        double x = uniform(rng, 0.01, 5);
        t[0] = one(1 / x);
        t[1] = one(Math.log(x));
        return InvGamma.lnPdf(x, p.get("shape")[0], p.get("scale")[0]);
      }
      case BETA -> {
        double x = uniform(rng, 0.01, 0.99);
        t[0] = one(Math.log(x));
        t[1] = one(Math.log1p(-x));
        return Beta.lnPdf(x, p.get("a")[0], p.get("b")[0]);
      }
      case DIRICHLET -> {
        double[] x = simplex(rng, d);
        t[0] = new double[d];
        for (int i = 0; i < d; i++) {
          t[0][i] = Math.log(x[i]);
        }
        return Dirichlet.lnPdf(x, 0, p.get("alpha"), 0, d);
      }
      case CATEGORICAL -> {
        int z = rng.nextInt(d);
        t[0] = new double[d];
        t[0][z] = 1;
        return Math.log(p.get("p")[z]);
      }
      case MULTI_NORMAL -> {
        double[] x = vector(rng, d, -4, 4);
        t[0] = x;
        t[1] = outer(x, x);
        return MultiNormal.lnPdf(d, x, p.get("mean"), p.get("precision"));
      }
      case WISHART -> {
        double[] lambda = spd(rng, d);
        t[0] = lambda;
        t[1] = one(LinAlg.logDetSpd(lambda, d));
        return Wishart.lnPdf(d, lambda, p.get("W"), p.get("nu")[0]);
      }
      case NORMAL_GAMMA -> {
        double mu = uniform(rng, -4, 4);
        double tau = uniform(rng, 0.01, 5);
        double beta = p.get("beta")[0];
        t[0] = one(tau);
        t[1] = one(Math.log(tau));
        t[2] = one(tau * mu);
        t[3] = one(tau * mu * mu);
        return Normal.lnPdf(mu, p.get("m")[0], beta * tau) + Gamma.lnPdf(tau, p.get("a")[0], p.get("b")[0]);
      }
      case NORMAL_WISHART -> {
        double[] mu = vector(rng, d, -4, 4);
        double[] lambda = spd(rng, d);
        double beta = p.get("beta")[0];
        double[] lmu = new double[d];
        LinAlg.matVec(lambda, mu, lmu, d);
        double[] scaled = lambda.clone();
        LinAlg.scale(scaled, 0, beta, d * d);
        t[0] = lambda;
        t[1] = one(LinAlg.logDetSpd(lambda, d));
        t[2] = lmu;
        t[3] = one(LinAlg.dot(mu, lmu, d));
        return MultiNormal.lnPdf(d, mu, p.get("m"), scaled) + Wishart.lnPdf(d, lambda, p.get("W"), p.get("nu")[0]);
      }
      default -> throw new AssertionError("no density for " + kind);
    }
  }

  private static double[] simplex(Random rng, int d) {
    double[] x = vector(rng, d, 0.05, 1);
    double s = 0;
    for (double v : x) {
      s += v;
    }
    for (int i = 0; i < d; i++) {
      x[i] /= s;
    }
    return x;
  }

  private static double[] outer(double[] x, double[] y) {
    int d = x.length;
    double[] o = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        o[i * d + j] = x[i] * y[j];
      }
    }
    return o;
  }
}
