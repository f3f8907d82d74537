package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.optimize.LocalSums;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * The State fields of the sums of data and local factors' moments ({@link LocalSums}): one
 * {@code double[]} per sum, registered as a derived data array for the polynomials that read it,
 * and the entropy of each summed local factor, all refreshed by one method after every update of
 * those factors (and after the start).
 */
final class LocalSumFields {
  private final Layout layout;
  private final PolyCode polys;
  private final FamilyCode families;
  private final LocalSums sums;
  private final Map<String, String> fields = new LinkedHashMap<>();
  /** The entropy sum of each summed local factor, by factor name. */
  private final Map<String, String> entropies = new LinkedHashMap<>();
  private final String method;

  LocalSumFields(Layout layout, PolyCode polys, FamilyCode families, LocalSums sums) {
    this.layout = layout;
    this.polys = polys;
    this.families = families;
    this.sums = sums;
    for (LocalSums.Sum s : sums.sums()) {
      String field = layout.claim("sum" + Layout.cap(s.word()));
      fields.put(s.var(), field);
      polys.derived.put(s.var(), new Layout.DataArray(s.var(), field, false, dims(s), List.of(), false, null, null));
    }
    for (String f : sums.locals()) {
      entropies.put(f, layout.claim(layout.factors.get(f).base() + "Entropy"));
    }
    this.method = sums.locals().isEmpty() ? null : layout.stateMethod("refreshLocalSums");
  }

  private static List<Dim> dims(LocalSums.Sum s) {
    List<Dim> dims = new ArrayList<>();
    s.free().forEach(i -> dims.add(i.range()));
    return dims;
  }

  /** Whether {@code factor}'s moments are read through sums (its updates end with {@link #method()}). */
  boolean summed(String factor) {
    return entropies.containsKey(factor);
  }

  /** The method refreshing the sums, or null when there are none. */
  String method() {
    return method;
  }

  /** The field of a summed local factor's entropy sum_n H[q(.[n])]. */
  String entropy(String factor) {
    return entropies.get(factor);
  }

  /** The sum arrays in order. */
  List<String> arrays() {
    return List.copyOf(fields.values());
  }

  List<FieldSpec> fields() {
    List<FieldSpec> out = new ArrayList<>();
    for (LocalSums.Sum s : sums.sums()) {
      out.add(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), fields.get(s.var()), Modifier.PRIVATE)
          .addJavadoc("$L = sum_$L $L, refreshed by {@link #$L()}.\n", fields.get(s.var()), s.row().name(),
              ModelContext.escape(describe(s)), method).build());
    }
    entropies.forEach((f, field) -> out.add(FieldSpec.builder(TypeName.DOUBLE, field, Modifier.PRIVATE)
        .addJavadoc("sum over the elements of H[q($L)], refreshed by {@link #$L()}.\n", f, method).build()));
    return out;
  }

  /** The allocation of the sum arrays (in the State constructor). */
  void allocate(MethodSpec.Builder m) {
    for (LocalSums.Sum s : sums.sums()) {
      m.addStatement("$L = new double[$L]", fields.get(s.var()), layout.product(dims(s)));
    }
  }

  MethodSpec refresh() {
    MethodSpec.Builder m = MethodSpec.methodBuilder(method).addModifiers(Modifier.PRIVATE)
        .addJavadoc("Adds up the sums of data and local factors' moments that the global updates and the ELBO read,"
            + "\nand the local factors' entropies, in one pass per sum: after every update of $L.\n",
            String.join(", ", sums.locals().stream().map(f -> "q(" + f + ")").toList()));
    for (LocalSums.Sum s : sums.sums()) {
      String field = fields.get(s.var());
      m.addComment("$L = sum_$L $L", field, s.row().name(), describe(s));
      m.addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, field);
      Map<Idx, String> open = new LinkedHashMap<>();
      for (int i = 0; i < s.free().size(); i++) {
        open.put(s.free().get(i), Layout.indexName(i));
      }
      List<Idx> free = s.free();
      List<Dim> dims = dims(s);
      m.addCode(polys.loops(List.of(new Monomial(1.0, List.of(s.row()), s.atoms())), open, Map.of(),
          names -> field + "[" + layout.flat(free.stream().map(names::get).toList(), dims) + "]"));
    }
    for (Map.Entry<String, String> e : entropies.entrySet()) {
      Layout.FactorStorage fs = layout.factors.get(e.getKey());
      m.addStatement("$L = 0.0", e.getValue());
      m.beginControlFlow("for (int e = 0; e < $L; e++)", layout.product(fs.elementDims()));
      m.addStatement("$L += $L", e.getValue(), families.entropy(fs, "e"));
      m.endControlFlow();
    }
    return m.build();
  }

  private String describe(LocalSums.Sum s) {
    Map<Idx, String> names = new LinkedHashMap<>();
    names.put(s.row(), s.row().name());
    for (int i = 0; i < s.free().size(); i++) {
      names.put(s.free().get(i), Layout.indexName(i));
    }
    List<Atom> atoms = new ArrayList<>();
    for (Atom a : s.atoms()) {
      atoms.add(a);
    }
    return dev.vmodel.compiler.optimize.RowFusion.display(atoms, names);
  }
}
