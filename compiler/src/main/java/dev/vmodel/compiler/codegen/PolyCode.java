package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.diag.InternalCompilerError;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.IrPrinter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the Java that evaluates a polynomial: one loop nest per term, over its summation
 * indices, accumulating {@code coef * atom * atom ...} into a local. Atoms become array reads
 * in the {@link Layout}: moments `eTauX[...]`, data `x[n * D + i]`, hyperparameters, sizes.
 */
final class PolyCode {
  private final Layout layout;
  /** Known-matrix functions (inverse, log-determinant of hyper matrices), computed once per fit. */
  final Map<String, MatrixConstant> matrixConstants = new LinkedHashMap<>();

  record MatrixConstant(String field, Atom.MatFunc f, Ir matrix, Dim dim) {}

  PolyCode(Layout layout) {
    this.layout = layout;
  }

  /** {@code target += p}, with the free indices bound to the given Java names. */
  CodeBlock accumulate(String target, Poly p, Map<Idx, String> free) {
    CodeBlock.Builder b = CodeBlock.builder();
    for (Monomial m : p.terms()) {
      Map<Idx, String> names = new HashMap<>(free);
      Set<String> used = new HashSet<>(free.values());
      List<String> loops = new ArrayList<>();
      for (Idx i : m.sums()) {
        String n = i.name();
        int k = 2;
        while (used.contains(n) || layout.sizeNames.containsValue(n) || layout.hyperNames.containsValue(n)) {
          n = i.name() + k++;
        }
        used.add(n);
        names.put(i, n);
        loops.add(n);
      }
      for (int l = 0; l < m.sums().size(); l++) {
        Idx i = m.sums().get(l);
        b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", loops.get(l), loops.get(l), layout.dim(i.range()),
            loops.get(l));
      }
      b.addStatement("$L += $L", target, term(m, names));
      for (int l = 0; l < m.sums().size(); l++) {
        b.endControlFlow();
      }
    }
    return b.build();
  }

  /** An expression for a sum-free polynomial (as appears inside functions of known values). */
  String inline(Poly p, Map<Idx, String> names) {
    if (p.terms().isEmpty()) {
      return "0.0";
    }
    List<String> parts = new ArrayList<>();
    for (Monomial m : p.terms()) {
      if (!m.sums().isEmpty()) {
        throw new InternalCompilerError("a sum inside a function of known values is not generated yet: "
            + p);
      }
      parts.add(term(m, names));
    }
    return parts.size() == 1 ? parts.get(0) : "(" + String.join(" + ", parts) + ")";
  }

  private String term(Monomial m, Map<Idx, String> names) {
    List<String> f = new ArrayList<>();
    f.add(number(m.coef()));
    for (Atom a : m.atoms()) {
      f.add(atom(a, names));
    }
    return String.join(" * ", f);
  }

  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return (long) v + ".0";
    }
    return Double.toString(v);
  }

  String atom(Atom a, Map<Idx, String> names) {
    if (a instanceof Atom.Moment mo) {
      Layout.FactorStorage fs = layout.factors.get(mo.factor());
      String field = fs.moments().get(mo.stat());
      if (field == null) {
        throw new InternalCompilerError("no moment " + mo.stat() + " for " + mo.factor());
      }
      return field + "[" + momentIndex(fs, mo.element(), mo.component(), names) + "]";
    } else if (a instanceof Atom.Data d) {
      Layout.DataArray arr = layout.data.get(d.var());
      List<String> idx = new ArrayList<>();
      d.element().forEach(x -> idx.add(ix(x, names)));
      d.component().forEach(x -> idx.add(ix(x, names)));
      List<Dim> dims = new ArrayList<>(arr.plateDims());
      dims.addAll(arr.componentDims());
      return arr.field() + "[" + layout.flat(idx, dims) + "]";
    } else if (a instanceof Atom.Hyper h) {
      String field = layout.hyperNames.get(h.name());
      if (h.component().isEmpty()) {
        return field;
      }
      List<String> idx = new ArrayList<>();
      h.component().forEach(x -> idx.add(ix(x, names)));
      List<Dim> dims = Layout.componentDims(layout.graph.hypers().stream()
          .filter(x -> x.name().equals(h.name())).findFirst().orElseThrow().type());
      return field + "[" + layout.flat(idx, dims) + "]";
    } else if (a instanceof Atom.SizeValue s) {
      return layout.sizeNames.get(s.name());
    } else if (a instanceof Atom.Delta d) {
      return "(" + ix(d.a(), names) + " == " + ix(d.b(), names) + " ? 1.0 : 0.0)";
    } else if (a instanceof Atom.Fn fn) {
      List<String> args = new ArrayList<>();
      for (Poly p : fn.args()) {
        args.add(inline(p, names));
      }
      switch (fn.f()) {
        case LOG:
          return "Math.log(" + args.get(0) + ")";
        case LOG1M:
          return "Math.log1p(-" + args.get(0) + ")";
        case INV:
          return "(1.0 / " + args.get(0) + ")";
        case EXP:
          return "Math.exp(" + args.get(0) + ")";
        case LGAMMA:
          return "SpecialFunctions.lnGamma(" + args.get(0) + ")";
        default:
          return "SpecialFunctions.lnMultiGamma((int) " + args.get(0) + ", " + args.get(1) + ")";
      }
    } else if (a instanceof Atom.MatrixFn mf) {
      String key = mf.f() + ":" + IrPrinter.print(mf.matrix());
      MatrixConstant c = matrixConstants.computeIfAbsent(key, k -> new MatrixConstant(
          layout.claim((mf.f() == Atom.MatFunc.INVERSE ? "inv" : "lnDet") + Layout.cap(javaWord(mf.matrix()))),
          mf.f(), mf.matrix(), ((dev.vmodel.compiler.check.Type.Matrix) mf.matrix().type()).rows()));
      if (mf.f() == Atom.MatFunc.LOGDET) {
        return c.field();
      }
      List<String> idx = List.of(ix(mf.component().get(0), names), ix(mf.component().get(1), names));
      return c.field() + "[" + layout.flat(idx, List.of(c.dim(), c.dim())) + "]";
    } else if (a instanceof Atom.Rv r) {
      throw new InternalCompilerError("random atom left in a plan: " + r);
    }
    throw new InternalCompilerError("unknown atom " + a);
  }

  private static String javaWord(Ir m) {
    String s = IrPrinter.print(m).replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "");
    return s.isEmpty() ? "Matrix" : s.toLowerCase(Locale.ROOT).equals(s) ? s : s;
  }

  String momentIndex(Layout.FactorStorage fs, List<Ix> element, List<Ix> component, Map<Idx, String> names) {
    List<String> idx = new ArrayList<>();
    element.forEach(x -> idx.add(ix(x, names)));
    List<Dim> dims = new ArrayList<>(fs.elementDims());
    for (Ix c : component) {
      idx.add(ix(c, names));
      dims.add(fs.dim());
    }
    return layout.flat(idx, dims);
  }

  String ix(Ix x, Map<Idx, String> names) {
    if (x instanceof Ix.V v) {
      String n = names.get(v.idx());
      if (n == null) {
        throw new InternalCompilerError("unbound index " + v.idx().name() + "#" + v.idx().id());
      }
      return n;
    } else if (x instanceof Ix.C c) {
      return Integer.toString(c.value());
    }
    Ix.D d = (Ix.D) x;
    Layout.DataArray arr = layout.data.get(d.var());
    List<String> idx = new ArrayList<>();
    d.element().forEach(e -> idx.add(ix(e, names)));
    return arr.field() + "[" + layout.flat(idx, arr.plateDims()) + "]";
  }
}
