package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.family.Family;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.compiler.plan.UpdatePlan.FactorUpdate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import javax.lang.model.element.Modifier;

/**
 * Writes a fit that updates a previous posterior (streaming variational Bayes, Broderick et al.
 * 2013): the previous fit's global factors q_A replace the priors of the global latents, so that
 * the joint is p(X_B, Z_B | theta) prod_j q_A(theta_j). From the plan's {@link
 * FactorUpdate#likelihood} (the natural parameters of the batch's terms alone), with no per-model
 * code:
 *
 * <ul>
 *   <li>{@code usePrior(prior)} copies q_A's parameters, and stores per element its natural
 *       parameters eta_A ({@code FamilySpec.natural}) and log-normaliser ln Z(eta_A);
 *   <li>{@code init} starts every global factor at q_A;
 *   <li>the update of a global factor sets eta = eta_A + likelihood;
 *   <li>the ELBO drops the global latents' prior terms and adds sum_j E_q[ln q_A(theta_j)] =
 *       eta_A . E_q[T] - ln Z(eta_A), E_q[T] being the factor's statistics' moments.
 * </ul>
 *
 * <p>Only written for a model with a global factor; the names are claimed by {@link #claim}
 * before any code is written.
 */
final class PriorWriter extends WriterPart {
  /** The State's names for a previous posterior: the flag, the method setting it, each global factor's arrays. */
  record Storage(String flag, String use, Map<String, FactorFields> factors) {}

  /** eta_A of each statistic and ln Z(eta_A), per element, and the update from them. */
  record FactorFields(Map<String, String> etas, String lnZ, String update) {}

  /** Claims the State's names, or null if the model has no global factor (nothing to update). */
  static Storage claim(Layout layout, UpdatePlan plan) {
    if (!plan.hasGlobalFactors()) {
      return null;
    }
    Map<String, FactorFields> factors = new LinkedHashMap<>();
    for (FactorUpdate u : plan.updates()) {
      if (u.local()) {
        continue;
      }
      Layout.FactorStorage fs = layout.factors.get(u.factor().name());
      Map<String, String> etas = new LinkedHashMap<>();
      for (Family.Stat s : u.family().naturalStats()) {
        etas.put(s.name(), layout.claim("prior" + Layout.cap(fs.base()) + Layout.cap(s.name())));
      }
      factors.put(u.factor().name(), new FactorFields(etas, layout.claim("priorLnZ" + Layout.cap(fs.base())),
          layout.stateMethod(layout.updateNames.get(u.factor().name()) + "FromPrior")));
    }
    return new Storage(layout.claim("fromPrior"), layout.stateMethod("usePrior"), factors);
  }

  private final Storage storage;
  private final UpdateWriter updates;

  PriorWriter(ModelContext ctx, UpdateWriter updates) {
    super(ctx);
    this.storage = ctx.prior;
    this.updates = updates;
  }

  /** The flag field: whether this fit updates a previous posterior. */
  String flag() {
    return storage.flag;
  }

  private boolean global(FactorUpdate u) {
    return storage != null && storage.factors.containsKey(u.factor().name());
  }

  private FactorFields fields(FactorUpdate u) {
    return storage.factors.get(u.factor().name());
  }

  List<FieldSpec> fields() {
    List<FieldSpec> out = new ArrayList<>();
    out.add(FieldSpec.builder(TypeName.BOOLEAN, storage.flag, Modifier.PRIVATE)
        .addJavadoc("Whether the global factors' priors are a previous fit's posterior q_A ({@link #$L}).\n", storage.use)
        .build());
    for (Map.Entry<String, FactorFields> f : storage.factors.entrySet()) {
      for (Map.Entry<String, String> eta : f.getValue().etas().entrySet()) {
        out.add(FieldSpec.builder(double[].class, eta.getValue(), Modifier.PRIVATE)
            .addJavadoc("eta_A($L) of q_A($L), per element: the previous posterior's natural parameter.\n",
                eta.getKey(), f.getKey()).build());
      }
      out.add(FieldSpec.builder(double[].class, f.getValue().lnZ(), Modifier.PRIVATE)
          .addJavadoc("ln Z(eta_A) of q_A($L), per element.\n", f.getKey()).build());
    }
    return out;
  }

  /** Entries of statistic {@code s} per element: 1, D or D x D. */
  private String statWidth(Layout.FactorStorage fs, Family.Stat s) {
    return width("1", fs.dim(), s.arity());
  }

  /** The sizes of the global factors' arrays, which must be the previous fit's. */
  private List<String> globalSizes() {
    Set<String> out = new LinkedHashSet<>();
    for (FactorUpdate u : plan.updates()) {
      if (global(u)) {
        List<Dim> dims = new ArrayList<>(u.elementIndices().stream().map(i -> i.range()).toList());
        if (u.family().dim() != null) {
          dims.add(u.family().dim());
        }
        for (Dim d : dims) {
          if (d instanceof Dim.Named n) {
            out.add(n.size());
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** {@code void usePrior(State prior)}: takes q_A from a previous fit's state. */
  MethodSpec usePrior() {
    Set<String> scope = new LinkedHashSet<>();
    String p = layout.local("prior", scope);
    MethodSpec.Builder m = MethodSpec.methodBuilder(storage.use).addParameter(stateName(), p)
        .addJavadoc("Makes this fit update the posterior of a previous fit {@code $L} (before {@code init}): its global"
            + " factors q_A\nreplace the priors of the global latents. Copies q_A's parameters and stores its natural"
            + " parameters eta_A\nand log-normalisers ln Z(eta_A).\n\n"
            + "@throws IllegalArgumentException if a size of the global factors differs from the previous fit's\n", p);
    List<String> sizes = globalSizes();
    for (String size : sizes) {
      String f = layout.sizeNames.get(size);
      m.beginControlFlow("if ($N.$N != $N)", p, f, f);
      m.addStatement("throw new $T($S + $N.$N + $S + $N + $S)", IAE, "size " + size + " is ", p, f,
          " in the prior fit but ", f, " here; a fit from a prior fit needs the global factors' sizes ("
              + String.join(", ", sizes) + ") equal");
      m.endControlFlow();
    }
    m.addStatement("$N = true", storage.flag);
    for (FactorUpdate u : plan.updates()) {
      if (!global(u)) {
        continue;
      }
      Layout.FactorStorage fs = layout.factors.get(u.factor().name());
      FactorFields ff = fields(u);
      String elements = layout.product(fs.elementDims());
      m.addComment("q_A($L)", u.factor().name());
      for (String param : fs.params().values()) {
        m.addStatement("$T.arraycopy($N.$N, 0, $N, 0, $N.length)", SYSTEM, p, param, param, param);
      }
      for (Family.Stat s : u.family().naturalStats()) {
        m.addStatement("$N = new double[$L]", ff.etas().get(s.name()), width(elements, fs.dim(), s.arity()));
      }
      m.addStatement("$N = new double[$L]", ff.lnZ(), elements);
      m.addCode(perElement(fs, (e, inScope) -> {
        CodeBlock.Builder b = CodeBlock.builder();
        for (Family.Stat s : u.family().naturalStats()) {
          if (s.arity() == 0) {
            b.addStatement("double $N", families.eta(fs, s.name()));
          }
        }
        b.add(families.natural(fs, e, u.factor().name(), inScope));
        for (Family.Stat s : u.family().naturalStats()) {
          String eta = families.eta(fs, s.name());
          String to = ff.etas().get(s.name());
          if (s.arity() == 0) {
            b.addStatement("$N[$L] = $N", to, e, eta);
          } else {
            String w = statWidth(fs, s);
            b.addStatement("$T.arraycopy($N, 0, $N, $L, $L)", SYSTEM, eta, to, FamilyCode.at(e, w, "0"), w);
          }
        }
        b.addStatement("$N[$L] = $L", ff.lnZ(), e, families.logNormalizer(fs, e, u.factor().name(), inScope));
        return b.build();
      }, Set.of(p)));
    }
    return m.build();
  }

  /** Code run for every element {@code e} of a factor, in a loop (or a block for an element-free factor). */
  private CodeBlock perElement(Layout.FactorStorage fs, BiFunction<String, Set<String>, CodeBlock> body,
      Set<String> outer) {
    CodeBlock.Builder b = CodeBlock.builder();
    Set<String> scope = new LinkedHashSet<>(outer);
    if (fs.elementDims().isEmpty()) {
      b.add("{\n$>").add(body.apply("0", scope)).add("$<}\n");
      return b.build();
    }
    String e = layout.local("e", scope);
    b.beginControlFlow("for (int $N = 0; $N < $L; $N++)", e, e, layout.product(fs.elementDims()), e);
    b.add(body.apply(e, scope));
    b.endControlFlow();
    return b.build();
  }

  /** Whether init() starts factor {@code u} from q_A when the flag is set. */
  boolean startsFromPrior(FactorUpdate u) {
    return global(u);
  }

  /** init()'s start of a global factor at q_A: eta_A converted to parameters and moments. */
  CodeBlock initFromPrior(FactorUpdate u) {
    Layout.FactorStorage fs = layout.factors.get(u.factor().name());
    FactorFields ff = fields(u);
    return perElement(fs, (e, inScope) -> {
      CodeBlock.Builder b = CodeBlock.builder();
      for (Family.Stat s : u.family().naturalStats()) {
        String eta = families.eta(fs, s.name());
        String from = ff.etas().get(s.name());
        if (s.arity() == 0) {
          b.addStatement("double $N = $N[$L]", eta, from, e);
        } else {
          String w = statWidth(fs, s);
          b.addStatement("$T.arraycopy($N, $L, $N, 0, $L)", SYSTEM, from, FamilyCode.at(e, w, "0"), eta, w);
        }
      }
      b.add(families.convert(fs, e, u.factor().name(), inScope));
      return b.build();
    }, Set.of("rng", "options"));
  }

  /** The update of global factor {@code u} from q_A: eta = eta_A + the batch's terms. */
  MethodSpec update(FactorUpdate u) {
    Layout.FactorStorage fs = layout.factors.get(u.factor().name());
    FactorFields ff = fields(u);
    MethodSpec.Builder m = MethodSpec.methodBuilder(ff.update()).addModifiers(Modifier.PRIVATE)
        .addJavadoc("{@link #$L()} when updating a previous posterior q_A: eta = eta_A + the new data's terms (see"
            + " \"Updating a\nprevious posterior\" there).\n", updateName(u));
    if (fused != null && fused.f.rewrittenLikelihood.containsKey(u.factor().name())) {
      m.addJavadoc(fused.readsDoc());
    }
    m.addCode(updates.evaluateAndConvert(fs, ctx.optimized.likelihood(u), u.factor().name(), false,
        (e, inScope) -> u.nonConjugate()
            ? CodeBlock.builder().add(addPrior(fs, ff, e, inScope)).add(updates.damping(fs, e, inScope)).build()
            : addPrior(fs, ff, e, inScope)));
    return m.build();
  }

  /** Adds eta_A of element {@code e} to the natural-parameter holders. */
  private CodeBlock addPrior(Layout.FactorStorage fs, FactorFields ff, String e, Set<String> inScope) {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Family.Stat s : fs.update().family().naturalStats()) {
      String eta = families.eta(fs, s.name());
      String from = ff.etas().get(s.name());
      if (s.arity() == 0) {
        b.addStatement("$N += $N[$L]", eta, from, e);
        continue;
      }
      String w = statWidth(fs, s);
      Set<String> scope = new LinkedHashSet<>(inScope);
      String c = layout.local("c", scope);
      b.beginControlFlow("for (int $N = 0; $N < $L; $N++)", c, c, w, c);
      b.addStatement("$N[$N] += $N[$L]", eta, c, from, FamilyCode.at(e, w, c));
      b.endControlFlow();
    }
    return b.build();
  }

  /** The sweep's call of a factor's update: from q_A when the flag is set. */
  void sweepCall(MethodSpec.Builder m, FactorUpdate u) {
    if (!global(u)) {
      m.addStatement("$N()", updateName(u));
      return;
    }
    m.beginControlFlow("if ($N)", storage.flag);
    m.addStatement("$N()", fields(u).update());
    m.nextControlFlow("else");
    m.addStatement("$N()", updateName(u));
    m.endControlFlow();
  }

  /**
   * The ELBO's terms of the previous posterior: {@code logJoint += sum_j E_q[ln q_A(theta_j)]},
   * each eta_A . E_q[T] - ln Z(eta_A) over the factor's elements.
   */
  CodeBlock elboCross(String logJoint) {
    CodeBlock.Builder b = CodeBlock.builder();
    b.beginControlFlow("if ($N)", storage.flag);
    for (FactorUpdate u : plan.updates()) {
      if (!global(u)) {
        continue;
      }
      Layout.FactorStorage fs = layout.factors.get(u.factor().name());
      FactorFields ff = fields(u);
      b.add("// E[ln q_A($L)] = eta_A . <T> - ln Z(eta_A): the previous posterior as the prior\n", u.factor().name());
      b.add(perElement(fs, (e, inScope) -> {
        CodeBlock.Builder c = CodeBlock.builder();
        for (Family.Stat s : u.family().naturalStats()) {
          String from = ff.etas().get(s.name());
          String moment = fs.moments().get(s.name());
          if (s.arity() == 0) {
            c.addStatement("$N += $N[$L] * $N[$L]", logJoint, from, e, moment, e);
            continue;
          }
          String w = statWidth(fs, s);
          Set<String> scope = new LinkedHashSet<>(inScope);
          String i = layout.local("c", scope);
          c.beginControlFlow("for (int $N = 0; $N < $L; $N++)", i, i, w, i);
          c.addStatement("$N += $N[$L] * $N[$L]", logJoint, from, FamilyCode.at(e, w, i), moment,
              FamilyCode.at(e, w, i));
          c.endControlFlow();
        }
        c.addStatement("$N -= $N[$L]", logJoint, ff.lnZ(), e);
        return c.build();
      }, Set.of(logJoint)));
    }
    b.endControlFlow();
    return b.build();
  }
}
