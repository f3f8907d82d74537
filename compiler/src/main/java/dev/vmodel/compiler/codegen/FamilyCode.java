package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.vmodel.compiler.family.FactorJava;
import dev.vmodel.compiler.family.FamilySpec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Codegen's side of the families: each {@link FamilySpec} writes its own conversion from natural
 * parameters to parameters and moments, its entropy and its posterior record; this class gives it
 * one factor element's Java names ({@link FactorJava}) from the {@link Layout}.
 */
final class FamilyCode {
  private final Layout layout;

  FamilyCode(Layout layout) {
    this.layout = layout;
  }

  /** The holder of a natural parameter: a scalar local, or a workspace array of one element. */
  String eta(Layout.FactorStorage fs, String stat) {
    return fs.etas().get(stat);
  }

  /**
   * Local names for a block of generated code: the wanted name unless a field or a name in
   * scope has it, then {@code q} + the name ({@code qA} beside the hyperparameter {@code a}).
   */
  final class Locals {
    private final Set<String> avoid;
    private final Map<String, String> names = new HashMap<>();

    Locals(Set<String> inScope) {
      this.avoid = new HashSet<>(inScope);
    }

    String get(String wanted) {
      return names.computeIfAbsent(wanted, w -> {
        String c = w;
        int k = 2;
        while (layout.isField(c) || avoid.contains(c)) {
          c = "q" + Layout.cap(w) + (k == 2 ? "" : Integer.toString(k - 1));
          k++;
        }
        avoid.add(c);
        return c;
      });
    }
  }

  /** Element {@code e} of factor {@code fs} as its family's code sees it. */
  FactorJava element(Layout.FactorStorage fs, String e, String factorLabel, Set<String> inScope, String lnNormSum) {
    return element(fs, e, factorLabel, new Locals(inScope)::get, lnNormSum, null);
  }

  /** {@link #element}, with locals named by {@code local}. */
  private FactorJava element(Layout.FactorStorage fs, String e, String factorLabel, UnaryOperator<String> local,
      String lnNormSum, String lnNormRow) {
    String d = fs.dim() == null ? null : layout.dim(fs.dim());
    return new FactorJava() {
      @Override
      public String element() {
        return e;
      }

      @Override
      public String dim() {
        return d;
      }

      @Override
      public String param(String name) {
        return fs.params().get(name);
      }

      @Override
      public String moment(String name) {
        return fs.moments().get(name);
      }

      @Override
      public String eta(String stat) {
        return FamilyCode.this.eta(fs, stat);
      }

      @Override
      public String local(String wanted) {
        return local.apply(wanted);
      }

      @Override
      public String at(String i) {
        return FamilyCode.at(e, d, i);
      }

      @Override
      public String matrixOffset(CodeBlock.Builder b) {
        if (e.equals("0")) {
          return "";
        }
        String off = local.apply("off");
        b.addStatement("int $L = $L * $L * $L", off, PolyCode.isOperand(e) ? e : "(" + e + ")", d, d);
        return off;
      }

      @Override
      public String factorLabel() {
        return factorLabel;
      }

      @Override
      public String lnNormSum() {
        return lnNormSum;
      }

      @Override
      public String lnNormRow() {
        return lnNormRow;
      }
    };
  }

  /** {@code i} of element {@code e} in arrays of {@code width} entries per element. */
  static String at(String e, String width, String i) {
    if (i.equals("0") && !e.equals("0")) {
      return PolyCode.isOperand(e) ? e + " * " + width : "(" + e + ") * " + width;
    }
    return e.equals("0") ? i : PolyCode.isOperand(e) ? e + " * " + width + " + " + i
        : "(" + e + ") * " + width + " + " + i;
  }

  /**
   * Converts the natural parameters held in the {@link #eta} holders for element {@code e}
   * (whose loop variables are {@code inScope}) into parameters and moments.
   */
  CodeBlock convert(Layout.FactorStorage fs, String e, String factorLabel, Set<String> inScope) {
    return convert(fs, e, factorLabel, inScope, null);
  }

  /**
   * {@link #convert(Layout.FactorStorage, String, String, Set)}; for a softmax-normalised factor
   * with {@code lnNormSum} set, the softmax's log-normaliser is added to that local.
   */
  CodeBlock convert(Layout.FactorStorage fs, String e, String factorLabel, Set<String> inScope, String lnNormSum) {
    return spec(fs).convert(element(fs, e, factorLabel, inScope, lnNormSum));
  }

  /** {@link #convert}, also storing each element's log-normaliser in {@code lnNormRow[e]} (null: not). */
  CodeBlock convert(Layout.FactorStorage fs, String e, String factorLabel, Set<String> inScope, String lnNormSum,
      String lnNormRow) {
    return spec(fs).convert(element(fs, e, factorLabel, new Locals(inScope)::get, lnNormSum, lnNormRow));
  }

  /** Sets the natural-parameter holders of element {@code e} from its stored parameters (the inverse of convert). */
  CodeBlock natural(Layout.FactorStorage fs, String e, String factorLabel, Set<String> inScope) {
    return spec(fs).natural(element(fs, e, factorLabel, inScope, null));
  }

  /** Expression for the log-normaliser ln Z(eta) of element {@code e}, from its stored parameters. */
  CodeBlock logNormalizer(Layout.FactorStorage fs, String e, String factorLabel, Set<String> inScope) {
    return spec(fs).logNormalizer(element(fs, e, factorLabel, inScope, null));
  }

  /** Expression for the entropy of element {@code e}. */
  CodeBlock entropy(Layout.FactorStorage fs, String e) {
    return spec(fs).entropy(element(fs, e, fs.update().factor().name(), Set.of(), null));
  }

  /** Statements adding random pseudo-counts to element {@code e}'s natural parameters, or null (see {@link FamilySpec#pseudoCounts}). */
  CodeBlock pseudoCounts(Layout.FactorStorage fs, String e, Set<String> inScope, CodeBlock draw) {
    return spec(fs).pseudoCounts(element(fs, e, fs.update().factor().name(), inScope, null), draw);
  }

  /** Statements that draw the means of all elements around their prior at initialisation, or null. */
  CodeBlock jitter(Layout.FactorStorage fs) {
    Set<String> scope = new LinkedHashSet<>(Set.of("e"));
    return spec(fs).jitter(element(fs, "e", fs.update().factor().name(), w -> layout.local(w, scope), null, null),
        layout.product(fs.elementDims()));
  }

  private static FamilySpec spec(Layout.FactorStorage fs) {
    return fs.update().family().spec();
  }
}
