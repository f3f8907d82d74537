package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitFit;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.split.SplitPart;
import dev.vmodel.runtime.split.SplitRows;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The split of a sweep into a local pass over parts of the rows and global updates from their
 * summed statistics ({@code dev.vmodel.runtime.split}), which the Spark runner and any other
 * backend drive: for every example that splits,
 *
 * <ul>
 *   <li>one part holding every row, driven by {@link SplitFit}, is the generated {@code fit}:
 *       the same ELBO trace and global posterior bitwise (one code path);
 *   <li>from the same start, 1, 4 and 16 parts give the same ELBO trace to 1e-10 relative (only
 *       the order of the sums differs), and it never decreases.
 * </ul>
 */
class SplitFitTest {
  /** The examples whose plans split (the others say why in their generated code's absence of SplitModel). */
  static final Set<String> SPLITTING = new TreeSet<>(List.of("bernoulli-mixture", "beta-binomial", "coin",
      "dirichlet-multinomial", "dp-mixture", "eight-schools", "exponential-gamma", "gaussian-mixture",
      "lda", "linear-regression", "logistic-regression", "normal-gamma", "normal-variance", "poisson-gamma", "poisson-mixture",
      "ppca"));

  static List<String> splitting() {
    return List.copyOf(SPLITTING);
  }

  @Test
  void theExamplesThatSplit() {
    Set<String> actual = new TreeSet<>();
    for (String stem : Examples.stems()) {
      if (SplitModel.class.isAssignableFrom(Examples.exampleClass(stem))) {
        actual.add(stem);
      }
    }
    assertEquals(SPLITTING, actual);
  }

  /** The example's data as the arrays {@link SplitModel#part} takes, by column name. */
  static Map<String, Object> arrays(String stem, SplitModel model) {
    Table t = Table.read(Examples.data(stem, ".csv"));
    Map<String, Object> out = new LinkedHashMap<>();
    for (SplitModel.Column c : model.columns()) {
      List<String> cols = t.columnsOf(c.name());
      if (c.vector()) {
        out.put(c.name(), c.integer() ? t.intRows(cols) : t.doubleRows(cols));
      } else {
        out.put(c.name(), c.integer() ? t.ints(cols.get(0)) : t.doubles(cols.get(0)));
      }
    }
    return out;
  }

  static Map<String, Object> rows(Map<String, Object> arrays, int from, int to) {
    Map<String, Object> out = new LinkedHashMap<>();
    arrays.forEach((k, v) -> {
      Object slice = Array.newInstance(v.getClass().getComponentType(), to - from);
      System.arraycopy(v, from, slice, 0, to - from);
      out.put(k, slice);
    });
    return out;
  }

  static int length(Map<String, Object> arrays) {
    return Array.getLength(arrays.values().iterator().next());
  }

  static SplitModel model(String stem) {
    return (SplitModel) Harness.call(Examples.exampleClass(stem), "create");
  }

  /**
   * {@code parts} parts of unequal sizes (the first ones larger), each made with the driver's pinned
   * model; a part ends where a group ends (a document of LDA), and numbers its groups from 0.
   */
  static List<SplitPart> parts(SplitModel pinned, Map<String, Object> all, int parts) {
    int n = length(all);
    int[] group = null;
    for (SplitModel.Column c : pinned.columns()) {
      if (c.group()) {
        group = (int[]) all.get(c.name());
      }
    }
    List<SplitPart> out = new ArrayList<>();
    int from = 0;
    for (int p = 0; p < parts && from < n; p++) {
      int to = p == parts - 1 ? n : from + Math.max(1, (n - from) * 2 / (parts - p + 1));
      while (group != null && to < n && group[to] == group[to - 1]) {
        to++;
      }
      Map<String, Object> slice = rows(all, from, to);
      SplitRows.renumberGroups(pinned, slice);
      out.add(pinned.part(slice));
      from = to;
    }
    return out;
  }

  /** The model with every category count (not a group's) set from all the rows, as a runner sets it. */
  static SplitModel sized(SplitModel model, Map<String, Object> all) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (SplitModel.Column c : model.columns()) {
      if (c.categories() != null && !c.group() && all.get(c.name()) instanceof int[] v) {
        sizes.merge(c.categories(), Arrays.stream(v).max().orElse(0) + 1, Math::max);
      }
    }
    return model.withSizes(sizes);
  }

  /** LDA's local phase decides its rounds and restarts from the part's own groups: one round, no restarts. */
  static FitOptions options(String stem, FitOptions o) {
    return stem.equals("lda") ? o.withLocalIterations(1).withLocalRestarts(false) : o;
  }

  @ParameterizedTest
  @MethodSource("splitting")
  void onePartIsTheFit(String stem) {
    SplitModel model = model(stem);
    Map<String, Object> all = arrays(stem, model);
    FitOptions o = FitOptions.defaults().withRestarts(1).withSeed(7).withMaxIterations(60);
    Harness h = Harness.of(Examples.exampleClass(stem));
    FitResult fit = h.fit(h.data(all), o);
    FitResult split = SplitFit.run(model.part(all), SplitFit.inMemory(List.of(model.part(all))), o);
    assertEquals(Arrays.toString(fit.elboTrace()), Arrays.toString(split.elboTrace()), stem);
    assertEquals(fit.converged(), split.converged());
    for (String f : split.posteriors().keySet()) {
      if (split.posteriors().get(f).elements() == 0) {
        continue; // a group factor of LDA: it stays with the parts
      }
      Map<String, double[]> a = fit.posteriors().get(f).parameters();
      Map<String, double[]> b = split.posteriors().get(f).parameters();
      for (String p : a.keySet()) {
        assertEquals(Arrays.toString(a.get(p)), Arrays.toString(b.get(p)), stem + ": q(" + f + ")." + p);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("splitting")
  void partsFollowOnePart(String stem) {
    SplitModel model = model(stem);
    Map<String, Object> all = arrays(stem, model);
    FitOptions o = options(stem, FitOptions.defaults().withRestarts(1).withSeed(3).withMaxIterations(40)
        .withTolerance(0));
    // the start: the global factors after the first update from a random start of all rows
    SplitPart first = model.part(all);
    first.statistics(first.start(11, o));
    first.updateGlobals();
    double[] start = first.globals();
    double[] one = SplitFit.run(model.part(all), SplitFit.inMemory(List.of(model.part(all))), start, o).elboTrace();
    for (int p : new int[] {4, 16}) {
      Map<String, Object> sample = rows(all, 0, Math.min(50, length(all)));
      SplitRows.renumberGroups(model, sample);
      SplitPart driver = sized(model, all).part(sample);
      List<SplitPart> ps = parts(driver.pinned(), all, Math.min(p, length(all)));
      double[] many = SplitFit.run(driver, SplitFit.inMemory(ps), start, o).elboTrace();
      int common = Math.min(one.length, many.length);
      assertTrue(common >= Math.min(5, one.length), stem + ": " + one.length + " and " + many.length + " sweeps");
      for (int i = 0; i < common; i++) {
        assertEquals(one[i], many[i], 1e-10 * Math.abs(one[i]), stem + ", " + p + " parts, sweep " + (i + 1));
        if (i > 0) {
          assertTrue(many[i] >= many[i - 1] - 1e-9 * Math.abs(many[i]), stem + ": the ELBO decreased at sweep " + i);
        }
      }
    }
  }

  /**
   * A generated part's {@code startFrom} (no pass over the global factors before they are set) is
   * start (random) + globals + localStart, bitwise: the row statistics, then a local pass and the
   * ELBO from them; and it is not the start from other global factors.
   */
  @ParameterizedTest
  @MethodSource("splitting")
  void startFromIsStartThenGlobals(String stem) {
    SplitModel model = model(stem);
    Map<String, Object> all = arrays(stem, model);
    FitOptions o = options(stem, FitOptions.defaults().withRestarts(1).withSeed(5).withMaxIterations(3));
    SplitPart first = model.part(all);
    first.statistics(first.start(13, o));
    first.updateGlobals();
    double[] globals = first.globals();
    SplitModel pinned = first.pinned();
    Map<String, Object> half = rows(all, 0, Math.max(1, length(all) / 2));
    SplitRows.renumberGroups(pinned, half);
    SplitPart a = pinned.part(half);
    a.start(17, o.withInit(FitOptions.Init.RANDOM));
    a.globals(globals);
    double[] sa = a.localStart();
    SplitPart b = pinned.part(half);
    double[] sb = b.startFrom(globals, 17, o);
    assertEquals(Arrays.toString(sa), Arrays.toString(sb), stem + ": the statistics of the start");
    assertEquals(Arrays.toString(a.localPass()), Arrays.toString(b.localPass()), stem + ": a local pass after it");
    a.statistics(sa);
    b.statistics(sb);
    assertEquals(Double.toString(a.elbo(1)), Double.toString(b.elbo(1)), stem + ": the ELBO");
    // from other globals (the start's), a model with local factors gets other statistics, so the
    // comparison above can fail; one without (sums of data alone) the same
    SplitPart fresh = pinned.part(half);
    fresh.start(17, o);
    double[] other = pinned.part(half).startFrom(fresh.globals(), 17, o);
    assertEquals(!DATA_SUMS_ONLY.contains(stem), !Arrays.equals(sb, other), stem + ": statistics from other globals");
  }

  /** The examples that split and have no local factor: their row statistics are sums of data alone. */
  static final Set<String> DATA_SUMS_ONLY = Set.of("linear-regression", "normal-gamma", "normal-variance",
      "poisson-gamma", "beta-binomial", "coin", "dirichlet-multinomial", "exponential-gamma");

  /**
   * The generated {@code predictionLayout()} is the compiler's {@link PredictionLayout} of the plan,
   * field by field (what the command line's {@code vmodel predict} uses), and names real parts of
   * the generated classes: each local a factor of a prediction, each predictive a {@code predict<M>}.
   */
  @ParameterizedTest
  @MethodSource("splitting")
  void thePredictionLayoutIsThePlans(String stem) throws Exception {
    Examples.Generated g = Examples.example(stem);
    PredictionLayout expected = PredictionLayout.of(g.plan(), GeneratedApi.of(g.plan(), java.util.Optional.empty()));
    dev.vmodel.runtime.fit.PredictionRecords.Layout got = model(stem).predictionLayout();
    assertEquals(expected.model(), got.model());
    assertEquals(expected.plate(), got.plate());
    assertEquals(expected.rowsMethod(), got.rowsMethod());
    assertEquals(expected.locals().toString().replace("PredictionLayout.", ""),
        got.locals().toString().replace("PredictionRecords.", ""), stem);
    assertEquals(expected.predictives().toString(), got.predictives().toString().replace("PredictionRecords.",
        "PredictionLayout."), stem);
    assertEquals(expected.observed(), got.observed(), stem);
    Class<?> cls = Examples.exampleClass(stem);
    Class<?> result = Class.forName(cls.getName() + "$Result", false, cls.getClassLoader());
    result.getMethod(got.rowsMethod());
    for (dev.vmodel.runtime.fit.PredictionRecords.Predictive p : got.predictives()) {
      Class<?>[] ints = new Class<?>[1 + p.innerSizes().size()];
      Arrays.fill(ints, int.class);
      result.getMethod("predict" + p.method(), ints);
      result.getMethod("predictVariance" + p.method(), ints);
      for (String size : p.innerSizes()) {
        result.getMethod(size);
      }
    }
  }
}
