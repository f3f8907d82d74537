package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.optimize.DataSums;
import dev.vmodel.compiler.optimize.RowFusion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The State fields of the sums of data alone that the optimiser decided ({@link DataSums}): one
 * {@code double[]} per sum, named after it ({@code sumYX}), registered as a derived data array
 * for the polynomials that read it, and computed in {@code prepare()}.
 */
final class DataSumFields {
  private final Layout layout;
  private final PolyCode polys;
  private final Map<String, DataSums.Sum> byVar = new LinkedHashMap<>();
  /** Each sum's field, by the sum's var ({@code sum:0}). */
  private final Map<String, String> fields = new LinkedHashMap<>();

  DataSumFields(Layout layout, PolyCode polys, List<DataSums.Sum> sums) {
    this.layout = layout;
    this.polys = polys;
    for (DataSums.Sum s : sums) {
      // A sum of a sum is named after the inner one's field: sumLgamma2 totalled is sumLgamma2Total.
      String field = s.atoms().size() == 1 && s.atoms().get(0) instanceof Atom.Data d && fields.containsKey(d.var())
          ? layout.claim(fields.get(d.var()) + "Total") : layout.claim("sum" + Layout.cap(s.word()));
      byVar.put(s.var(), s);
      fields.put(s.var(), field);
      List<Dim> dims = new ArrayList<>();
      s.free().forEach(i -> dims.add(i.range()));
      polys.derived.put(s.var(), new Layout.DataArray(s.var(), field, false, dims, List.of(), false, null, null));
    }
  }

  /** The sums in the order they are computed. */
  List<DataSums.Sum> sums() {
    return new ArrayList<>(byVar.values());
  }

  String field(DataSums.Sum s) {
    return fields.get(s.var());
  }

  /** prepare()'s code: each sum computed in one pass over its plate (in the order they were found). */
  CodeBlock compute() {
    CodeBlock.Builder b = CodeBlock.builder();
    for (DataSums.Sum s : byVar.values()) {
      String field = field(s);
      List<Dim> dims = new ArrayList<>();
      s.free().forEach(i -> dims.add(i.range()));
      b.add("// $L = sum_$L $L\n", field, s.row().name(), describe(s));
      b.addStatement("$N = new double[$L]", field, layout.product(dims));
      Map<Idx, String> open = new LinkedHashMap<>();
      for (int i = 0; i < s.free().size(); i++) {
        open.put(s.free().get(i), Layout.indexName(i));
      }
      List<Idx> free = s.free();
      b.add(polys.loops(List.of(new Monomial(1.0, List.of(s.row()), s.atoms())), open, Map.of(),
          names -> field + "[" + layout.flat(free.stream().map(names::get).toList(), dims) + "]"));
    }
    return b.build();
  }

  private String describe(DataSums.Sum s) {
    Map<Idx, String> names = new LinkedHashMap<>();
    names.put(s.row(), s.row().name());
    for (int i = 0; i < s.free().size(); i++) {
      names.put(s.free().get(i), Layout.indexName(i));
    }
    // A sum of a sum reads the inner one: shown by its field's name, not its internal var.
    List<Atom> atoms = new ArrayList<>();
    for (Atom a : s.atoms()) {
      atoms.add(a instanceof Atom.Data d && fields.containsKey(d.var())
          ? new Atom.Data(fields.get(d.var()), d.element(), d.component()) : a);
    }
    return RowFusion.display(atoms, names);
  }
}
