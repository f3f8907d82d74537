package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.algebra.Poly;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.diag.InternalCompilerError;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.IrPrinter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes the Java that evaluates a polynomial. Terms without sums become one expression; each
 * term with sums becomes a loop nest over its summation indices. Atoms become array reads in
 * the {@link Layout}: moments {@code eTauX[0]}, data {@code x[n * D + i]}, hyperparameters,
 * sizes. Coefficients of 1 are omitted, negative terms are subtracted, and the arguments of
 * inverses are moved into a divisor ({@code y[j] / (sigma[j] * sigma[j])}).
 *
 * <p>A Kronecker delta between an index and an index expression is not tested in a loop but
 * solved: {@code sum_t [w[t] = v] * r[t]} over components {@code v} becomes one loop over
 * {@code t} that adds to component {@code w[t]}. Where the solved index is a factor element
 * ({@code [doc[t] = d]} in q(theta[d])), the term is scattered into all elements before the
 * element loop ({@link #eliminate}), which turns an O(D T) update into O(T).
 */
final class PolyCode {
  static final ClassName SPECIAL = ClassName.get("dev.vmodel.runtime", "SpecialFunctions");
  static final ClassName LOCAL_BOUNDS = ClassName.get("dev.vmodel.runtime", "LocalBounds");
  static final ClassName MATH = ModelContext.MATH;
  /** ln(2 pi) and half of it as the plan computes them (the Gaussian log-densities' constants). */
  private static final double LN_2PI = Math.log(2 * Math.PI);
  private static final double HALF_LN_2PI = 0.5 * LN_2PI;

  private final Layout layout;
  /** Known-matrix functions (inverse, log-determinant of hyper matrices), computed once per fit. */
  final Map<String, MatrixConstant> matrixConstants = new LinkedHashMap<>();

  record MatrixConstant(String field, Atom.MatFunc f, Ir matrix, Dim dim) {}

  /**
   * Sums of known values inside a function ({@code lnGamma(sum_c alpha[c])} of a Dirichlet with
   * a vector hyper), computed once per fit into {@code field}, by the argument's text.
   */
  final Map<String, KnownSum> knownSums = new LinkedHashMap<>();

  record KnownSum(String field, Poly value) {}

  /**
   * Function arguments with sums that read moments or free indices (the exponent of E[exp(a)] =
   * exp(E[a] - E[a]^2/2 + E[a^2]/2) for a linear predictor a): each is a method of its free
   * indices, by the argument's text.
   */
  final Map<String, ArgMethod> argMethods = new LinkedHashMap<>();

  record ArgMethod(String name, Poly arg, List<Idx> free) {}

  /** Arrays the writer derives from the data (row statistics, see {@link RowFusion}), by the name atoms use. */
  final Map<String, Layout.DataArray> derived = new LinkedHashMap<>();

  PolyCode(Layout layout) {
    this.layout = layout;
  }

  /** {@code target += p}: the terms without sums in one statement, then a loop nest per term. */
  CodeBlock accumulate(String target, Poly p, Map<Idx, String> free) {
    CodeBlock.Builder b = CodeBlock.builder();
    List<Monomial> plain = plainTerms(p);
    if (!plain.isEmpty()) {
      boolean negative = plain.get(0).coef() < 0;
      List<Monomial> signed = negative ? plain.stream().map(m -> m.scaled(-1)).toList() : plain;
      CodeBlock e = expression(signed, free);
      b.addStatement("$L $L= $L", target, negative ? "-" : "+", plain.size() > 1 && negative ? parens(e) : e);
    }
    b.add(loopsInto(sumTerms(p), Map.of(), free, names -> CodeBlock.of("$N", target), Set.of(target)));
    return b.build();
  }

  /** The sum-free terms plus further operands (workspace reads), or 0.0. */
  CodeBlock sum(List<Monomial> plain, Map<Idx, String> names, List<String> extra) {
    if (plain.isEmpty() && extra.isEmpty()) {
      return CodeBlock.of("0.0");
    }
    CodeBlock.Builder b = CodeBlock.builder();
    if (!plain.isEmpty()) {
      b.add(expression(plain, names));
    }
    for (String x : extra) {
      b.add(plain.isEmpty() && x.equals(extra.get(0)) ? "$L" : "$W+ $L", x);
    }
    return b.build();
  }

  /** {@code double target = p}: the terms without sums initialise the local, each sum adds a loop. */
  CodeBlock declare(String target, Poly p, Map<Idx, String> free) {
    CodeBlock.Builder b = CodeBlock.builder();
    List<Monomial> plain = plainTerms(p);
    b.addStatement("double $L = $L", target, plain.isEmpty() ? CodeBlock.of("0.0") : expression(plain, free));
    b.add(loopsInto(sumTerms(p), Map.of(), free, names -> CodeBlock.of("$N", target), Set.of(target)));
    return b.build();
  }

  static List<Monomial> plainTerms(Poly p) {
    return p.terms().stream().filter(m -> m.sums().isEmpty()).toList();
  }

  static List<Monomial> sumTerms(Poly p) {
    return p.terms().stream().filter(m -> !m.sums().isEmpty()).toList();
  }

  /**
   * A loop nest per term: over the {@code open} indices (factor elements or components that
   * no outer loop binds) and the term's sums, minus those its deltas solve, adding the term to
   * {@code target(names)}. {@code bound} names the indices outer code already binds.
   */
  CodeBlock loops(List<Monomial> terms, Map<Idx, String> open, Map<Idx, String> bound,
      Function<Map<Idx, String>, String> target) {
    return loopsInto(terms, open, bound, names -> CodeBlock.of("$L", target.apply(names)));
  }

  /** {@link #loops} with the target as code (which may name types). */
  CodeBlock loopsInto(List<Monomial> terms, Map<Idx, String> open, Map<Idx, String> bound,
      Function<Map<Idx, String>, CodeBlock> target) {
    return loopsInto(terms, open, bound, target, Set.of());
  }

  /** {@link #loopsInto} whose loop variables also avoid the locals {@code avoid} (the target). */
  CodeBlock loopsInto(List<Monomial> terms, Map<Idx, String> open, Map<Idx, String> bound,
      Function<Map<Idx, String>, CodeBlock> target, Set<String> avoid) {
    CodeBlock.Builder b = CodeBlock.builder();
    List<Idx> openIdx = new ArrayList<>(open.keySet());
    for (Monomial original : terms) {
      Elimination el = eliminate(original, openIdx);
      Monomial m = el.term();
      Map<Idx, String> names = new HashMap<>(bound);
      Set<String> used = new HashSet<>(bound.values());
      used.addAll(avoid);
      // The sums outermost, in reverse: the plan lists a term's plates innermost first, and the
      // data and moments are stored with the plate index leading.
      List<Idx> loopIdx = new ArrayList<>(m.sums());
      Collections.reverse(loopIdx);
      for (Idx i : openIdx) {
        if (!el.solved().containsKey(i)) {
          loopIdx.add(i);
        }
      }
      List<String> loopNames = new ArrayList<>();
      for (Idx i : loopIdx) {
        String n = freshLocal(open.getOrDefault(i, layout.variable(i.name())), used);
        names.put(i, n);
        loopNames.add(n);
      }
      for (Map.Entry<Idx, Ix> s : el.solved().entrySet()) {
        names.put(s.getKey(), ix(s.getValue(), names));
      }
      // Costly functions (of a linear predictor's moments: a sum per call, or a quadrature) that
      // do not depend on the inner loops are computed once per iteration of the loop that binds
      // their last index, into a local.
      Map<Integer, List<Atom.Fn>> hoist = new HashMap<>();
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Fn fn && costly(fn) && !hoisted.containsKey(a)) {
          Set<Idx> idx = new HashSet<>();
          indices(a, idx);
          int depth = 0;
          for (int l = 0; l < loopIdx.size(); l++) {
            if (idx.contains(loopIdx.get(l))) {
              depth = l + 1;
            }
          }
          if (depth < loopIdx.size()) {
            hoist.computeIfAbsent(depth, d -> new ArrayList<>()).add(fn);
          }
        }
      }
      List<Atom> declared = new ArrayList<>();
      // A local before the outermost loop gets a block of its own (the next term may declare one too).
      boolean braced = hoist.containsKey(0);
      if (braced) {
        b.add("{\n").indent();
      }
      for (int l = 0; l <= loopIdx.size(); l++) {
        for (Atom.Fn fn : hoist.getOrDefault(l, List.of())) {
          if (hoisted.containsKey(fn)) {
            continue;
          }
          String local = freshLocal("f", used);
          b.addStatement("double $L = $L", local, atom(fn, names));
          hoisted.put(fn, local);
          declared.add(fn);
        }
        if (l < loopIdx.size()) {
          String n = loopNames.get(l);
          b.beginControlFlow("for (int $L = 0; $L < $L; $L++)", n, n, layout.dim(loopIdx.get(l).range()), n);
        }
      }
      Signed t = term(m, names);
      declared.forEach(hoisted::remove);
      b.addStatement("$L $L= $L", target.apply(names), t.negative() ? "-" : "+", t.body());
      for (int l = 0; l < loopIdx.size(); l++) {
        b.endControlFlow();
      }
      if (braced) {
        b.unindent().add("}\n");
      }
    }
    return b.build();
  }

  /** {@code wanted}, or wanted2, wanted3, ...: the first name neither in {@code used} nor a field; added to used. */
  private String freshLocal(String wanted, Set<String> used) {
    String n = wanted;
    for (int k = 2; used.contains(n) || layout.isField(n); k++) {
      n = wanted + k;
    }
    used.add(n);
    return n;
  }

  /** A term with the indices its deltas solve substituted away, and those solutions. */
  record Elimination(Monomial term, Map<Idx, Ix> solved) {}

  /**
   * Solves the term's Kronecker deltas {@code [a = b]} for its own sums first, then for the
   * open indices in reverse order (components before elements): each solved index is
   * substituted by the other side and the delta dropped.
   */
  static Elimination eliminate(Monomial m, List<Idx> open) {
    Monomial cur = m;
    Map<Idx, Ix> solved = new LinkedHashMap<>();
    while (true) {
      Idx best = null;
      Ix value = null;
      int bestRank = Integer.MAX_VALUE;
      for (Atom a : cur.atoms()) {
        if (!(a instanceof Atom.Delta d)) {
          continue;
        }
        for (Ix[] side : new Ix[][] {{d.a(), d.b()}, {d.b(), d.a()}}) {
          if (!(side[0] instanceof Ix.V v) || side[1].mentions(v.idx())) {
            continue;
          }
          int rank;
          if (cur.sums().contains(v.idx())) {
            rank = 0;
          } else if (open.contains(v.idx()) && !solved.containsKey(v.idx())) {
            rank = open.size() - open.indexOf(v.idx());
          } else {
            continue;
          }
          if (rank < bestRank) {
            bestRank = rank;
            best = v.idx();
            value = side[1];
          }
        }
      }
      if (best == null) {
        return new Elimination(cur, solved);
      }
      Map<Idx, Ix> s = Map.of(best, value);
      solved.replaceAll((i, v) -> v.subst(s));
      if (open.contains(best)) {
        solved.put(best, value);
      }
      List<Atom> atoms = new ArrayList<>();
      for (Atom a : cur.subst(s).atoms()) {
        if (!(a instanceof Atom.Delta d && d.a().equals(d.b()))) {
          atoms.add(a);
        }
      }
      Idx gone = best;
      cur = new Monomial(cur.coef(), cur.sums().stream().filter(i -> !i.equals(gone)).toList(), atoms);
    }
  }

  /** An expression for a sum-free polynomial (as appears inside functions of known values). */
  CodeBlock inline(Poly p, Map<Idx, String> names) {
    if (p.terms().isEmpty()) {
      return CodeBlock.of("0.0");
    }
    if (!sumTerms(p).isEmpty()) {
      KnownSum k = knownSums.get(p.toString());
      if (k != null) {
        return CodeBlock.of("$N", k.field());
      }
      List<Idx> free = freeIndices(p);
      ArgMethod am = argMethods.computeIfAbsent(p.toString(),
          t -> new ArgMethod(layout.claim("exponent" + (argMethods.size() + 1)), p, free));
      List<String> args = new ArrayList<>();
      for (Idx i : free) {
        String n = names.get(i);
        if (n == null) {
          throw new InternalCompilerError("the free index " + i + " of " + p + " has no name here");
        }
        args.add(n);
      }
      return CodeBlock.of("$N($L)", am.name(), String.join(", ", args));
    }
    return expression(p.terms(), names, false);
  }

  /** The indices of {@code p} that no term sums over, in order of first appearance. */
  static List<Idx> freeIndices(Poly p) {
    java.util.LinkedHashSet<Idx> out = new java.util.LinkedHashSet<>();
    for (Monomial m : p.terms()) {
      Set<Idx> idx = new java.util.LinkedHashSet<>();
      m.atoms().forEach(a -> indices(a, idx));
      idx.removeAll(m.sums());
      out.addAll(idx);
    }
    return new ArrayList<>(out);
  }

  /** The method of an {@link ArgMethod}: the argument's value for the given free indices. */
  MethodSpec argMethod(ArgMethod am) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(am.name()).addModifiers(javax.lang.model.element.Modifier.PRIVATE)
        .returns(com.palantir.javapoet.TypeName.DOUBLE)
        .addJavadoc("$L at the given indices: an argument of a function of a linear predictor a's moments (the"
            + " exponent of a lognormal mean E[exp(a)] = exp(E[a] - E[a]^2/2 + E[a^2]/2), or the mean or the variance of"
            + " a in E[ln logistic(a)]).\n", ModelContext.escape(am.arg().toString()));
    Map<Idx, String> names = new LinkedHashMap<>();
    Set<String> scope = new java.util.LinkedHashSet<>();
    for (Idx i : am.free()) {
      String n = layout.local(i.name(), scope);
      m.addParameter(com.palantir.javapoet.TypeName.INT, n);
      names.put(i, n);
    }
    String value = layout.local("value", scope);
    m.addStatement("double $N = 0.0", value);
    m.addCode(accumulate(value, am.arg(), names));
    m.addStatement("return $N", value);
    return m.build();
  }

  /** Sum-free terms joined with + and -, with a wrap point before each: {@code a - 1.0 + N}. */
  private CodeBlock expression(List<Monomial> terms, Map<Idx, String> names) {
    return expression(terms, names, true);
  }

  /** With {@code wrap}, a line-wrap point before each + and - (not inside function arguments). */
  private CodeBlock expression(List<Monomial> terms, Map<Idx, String> names, boolean wrap) {
    CodeBlock.Builder out = CodeBlock.builder();
    boolean first = true;
    for (Monomial m : terms) {
      Signed t = term(m, names);
      if (first) {
        // A term is a product or quotient, so -a * b needs no parentheses: it equals -(a * b).
        out.add(t.negative() ? "-$L" : "$L", t.body());
      } else {
        out.add(wrap ? "$W$L $L" : " $L $L", t.negative() ? "-" : "+", t.body());
      }
      first = false;
    }
    return out.build();
  }

  /** A sum-free term as a Java expression, its sign included: {@code -0.5 * x[n * D + i]}. */
  CodeBlock value(Monomial m, Map<Idx, String> names) {
    Signed t = term(m, names);
    return t.negative() ? CodeBlock.of("-$L", t.body()) : t.body();
  }

  /** A term's magnitude as Java, and whether it is subtracted. */
  record Signed(boolean negative, CodeBlock body) {}

  /**
   * One term without its sign: the coefficient unless it is 1, the atoms, and the arguments of
   * inverses moved to a divisor, so that {@code -0.5 * inv(s[j]) * inv(s[j]) * y[j]} reads
   * {@code 0.5 * y[j] / (s[j] * s[j])}, subtracted.
   */
  private Signed term(Monomial m, Map<Idx, String> names) {
    List<CodeBlock> num = new ArrayList<>();
    List<CodeBlock> den = new ArrayList<>();
    for (Atom a : m.atoms()) {
      if (a instanceof Atom.Fn fn && fn.f() == Atom.Func.INV) {
        den.add(parens(inline(fn.args().get(0), names)));
      } else {
        num.add(atom(a, names));
      }
    }
    double c = Math.abs(m.coef());
    if (c != 1.0 || num.isEmpty()) {
      num.add(0, numberCode(c));
    }
    CodeBlock body = CodeBlock.join(num, " * ");
    if (!den.isEmpty()) {
      CodeBlock d = den.size() == 1 ? den.get(0) : CodeBlock.of("($L)", CodeBlock.join(den, " * "));
      body = CodeBlock.of("$L / $L", body, d);
    }
    return new Signed(m.coef() < 0, body);
  }

  /** The expression in parentheses unless it is one operand already (a name, an access, a call). */
  static CodeBlock parens(CodeBlock e) {
    return isOperand(e.toString()) ? e : CodeBlock.of("($L)", e);
  }

  static boolean isOperand(String e) {
    if (e.startsWith("-")) {
      return false;
    }
    int depth = 0;
    for (int k = 0; k < e.length(); k++) {
      char ch = e.charAt(k);
      if (ch == '(' || ch == '[') {
        depth++;
      } else if (ch == ')' || ch == ']') {
        depth--;
      } else if (depth == 0 && (Character.isWhitespace(ch) || ch == '?' || ch == ':' || ch == '+' || ch == '*'
          || ch == '/')) {
        return false;
      }
    }
    return true;
  }

  /**
   * A double constant as Java: {@link #number}, and a non-finite one through its {@code Double}
   * constant (the checker rejects constants that fold to infinity or NaN; this keeps the code
   * compiling whatever reaches it).
   */
  static CodeBlock numberCode(double v) {
    if (Double.isNaN(v)) {
      return CodeBlock.of("$T.NaN", ModelContext.DOUBLE);
    } else if (Double.isInfinite(v)) {
      return CodeBlock.of(v > 0 ? "$T.POSITIVE_INFINITY" : "$T.NEGATIVE_INFINITY", ModelContext.DOUBLE);
    } else if (v == HALF_LN_2PI) {
      // The plan's 0.5 * ln(2 pi) rounds one ulp below the runtime's correctly rounded constant.
      return CodeBlock.of("$T.HALF_LN_2PI", SPECIAL);
    } else if (v == LN_2PI) {
      return CodeBlock.of("$T.LN_2PI", SPECIAL);
    }
    return CodeBlock.of("$L", number(v));
  }

  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return (long) v + ".0";
    }
    return Double.toString(v);
  }

  /** Function atoms computed into a local by an enclosing loop (see {@link #loopsInto}), while its term is written. */
  private final Map<Atom, String> hoisted = new HashMap<>();

  /** Whether computing {@code fn} costs a loop: an argument with sums, or a quadrature. */
  private static boolean costly(Atom.Fn fn) {
    return switch (fn.f()) {
      case E_LN_LOGISTIC, E_LOGISTIC, E_LOGISTIC_VAR -> true;
      default -> fn.args().stream().anyMatch(p -> !sumTerms(p).isEmpty());
    };
  }

  CodeBlock atom(Atom a, Map<Idx, String> names) {
    String local = hoisted.get(a);
    if (local != null) {
      return CodeBlock.of("$N", local);
    }
    if (a instanceof Atom.Moment mo) {
      Layout.FactorStorage fs = layout.factors.get(mo.factor());
      String field = fs.moments().get(mo.stat());
      Layout.Chain chain = layout.chains.get(mo.factor());
      if (field == null && chain != null && mo.element().isEmpty()) {
        // A whole-factor moment of a Markov chain: first[k] or pair[j,k].
        String whole = mo.stat().equals(dev.vmodel.compiler.family.MarkovChainFamily.FIRST) ? chain.first()
            : chain.pair();
        List<String> idx = new ArrayList<>();
        List<Dim> dims = new ArrayList<>();
        for (Ix c : mo.component()) {
          idx.add(ix(c, names));
          dims.add(fs.dim());
        }
        return CodeBlock.of("$L[$L]", whole, layout.flat(idx, dims));
      }
      if (field == null) {
        throw new InternalCompilerError("no moment " + mo.stat() + " for " + mo.factor());
      }
      return CodeBlock.of("$L[$L]", field, momentIndex(fs, mo.element(), mo.component(), names));
    } else if (a instanceof Atom.Data d) {
      Layout.DataArray arr = layout.data.containsKey(d.var()) ? layout.data.get(d.var()) : derived.get(d.var());
      List<String> idx = new ArrayList<>();
      d.element().forEach(x -> idx.add(ix(x, names)));
      d.component().forEach(x -> idx.add(ix(x, names)));
      List<Dim> dims = new ArrayList<>(arr.plateDims());
      dims.addAll(arr.componentDims());
      return CodeBlock.of("$L[$L]", arr.field(), layout.flat(idx, dims));
    } else if (a instanceof Atom.Hyper h) {
      String field = layout.hyperNames.get(h.name());
      if (h.component().isEmpty()) {
        return CodeBlock.of("$L", field);
      }
      List<String> idx = new ArrayList<>();
      h.component().forEach(x -> idx.add(ix(x, names)));
      List<Dim> dims = Layout.componentDims(layout.graph.hypers().stream()
          .filter(x -> x.name().equals(h.name())).findFirst().orElseThrow().type());
      return CodeBlock.of("$L[$L]", field, layout.flat(idx, dims));
    } else if (a instanceof Atom.SizeValue s) {
      return CodeBlock.of("$L", layout.sizeNames.get(s.name()));
    } else if (a instanceof Atom.Observed o) {
      Layout.DataArray arr = layout.data.get(o.var());
      List<String> idx = new ArrayList<>();
      o.element().forEach(x -> idx.add(ix(x, names)));
      return CodeBlock.of("$L[$L]", arr.observedField(), layout.flat(idx, arr.plateDims()));
    } else if (a instanceof Atom.Delta d) {
      return CodeBlock.of("($L == $L ? 1.0 : 0.0)", ix(d.a(), names), ix(d.b(), names));
    } else if (a instanceof Atom.Less l) {
      return CodeBlock.of("($L < $L ? 1.0 : 0.0)", ix(l.a(), names), ix(l.b(), names));
    } else if (a instanceof Atom.Fn fn) {
      List<CodeBlock> args = new ArrayList<>();
      for (Poly p : fn.args()) {
        args.add(inline(p, names));
      }
      switch (fn.f()) {
        case LOG:
          return CodeBlock.of("$T.log($L)", MATH, args.get(0));
        case LOG1M:
          return CodeBlock.of("$T.log1p(-$L)", MATH, parens(args.get(0)));
        case INV:
          return CodeBlock.of("(1.0 / $L)", parens(args.get(0)));
        case EXP:
          return CodeBlock.of("$T.exp($L)", MATH, args.get(0));
        case LGAMMA:
          return CodeBlock.of("$T.lnGamma($L)", SPECIAL, args.get(0));
        case LN_LOGISTIC:
          return CodeBlock.of("$T.lnLogistic($L)", LOCAL_BOUNDS, args.get(0));
        case E_LN_LOGISTIC:
          return CodeBlock.of("$T.expectedLnLogistic($L, $L)", LOCAL_BOUNDS, args.get(0), args.get(1));
        case E_LOGISTIC:
          return CodeBlock.of("$T.expectedLogistic($L, $L)", LOCAL_BOUNDS, args.get(0), args.get(1));
        case E_LOGISTIC_VAR:
          return CodeBlock.of("$T.expectedLogisticVariance($L, $L)", LOCAL_BOUNDS, args.get(0), args.get(1));
        default:
          // The dimension is an int: a size as it is, anything else rounded.
          return isSize(fn.args().get(0))
              ? CodeBlock.of("$T.lnMultiGamma($L, $L)", SPECIAL, args.get(0), args.get(1))
              : CodeBlock.of("$T.lnMultiGamma((int) $T.rint($L), $L)", SPECIAL, MATH, args.get(0), args.get(1));
      }
    } else if (a instanceof Atom.MatrixFn mf) {
      MatrixConstant c = matrixConstants.get(matrixKey(mf));
      if (c == null) {
        throw new InternalCompilerError("matrix function not registered before writing: " + mf);
      }
      if (mf.f() == Atom.MatFunc.LOGDET) {
        return CodeBlock.of("$L", c.field());
      }
      List<String> idx = List.of(ix(mf.component().get(0), names), ix(mf.component().get(1), names));
      return CodeBlock.of("$L[$L]", c.field(), layout.flat(idx, List.of(c.dim(), c.dim())));
    } else if (a instanceof Atom.Rv r) {
      throw new InternalCompilerError("random atom left in a plan: " + r);
    }
    throw new InternalCompilerError("unknown atom " + a);
  }

  /**
   * Decides, before any code is written, the once-per-fit fields of the known-matrix functions
   * that {@code p} reads (inverses and log-determinants of hyper matrices).
   */
  void register(Poly p) {
    for (Monomial m : p.terms()) {
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.MatrixFn mf) {
          matrixConstants.computeIfAbsent(matrixKey(mf), k -> new MatrixConstant(
              layout.claim((mf.f() == Atom.MatFunc.INVERSE ? "inv" : "lnDet") + Layout.cap(javaWord(mf.matrix()))),
              mf.f(), mf.matrix(), ((Type.Matrix) mf.matrix().type()).rows()));
        } else if (a instanceof Atom.Fn fn) {
          for (Poly arg : fn.args()) {
            register(arg);
            if (!sumTerms(arg).isEmpty() && closed(arg)) {
              knownSums.computeIfAbsent(arg.toString(), k -> new KnownSum(layout.claim("sum" + Layout.cap(word(arg))),
                  arg));
            }
          }
        }
      }
    }
  }

  /** Whether every index of the polynomial is summed over in its term: its value is one number. */
  private static boolean closed(Poly p) {
    for (Monomial m : p.terms()) {
      Set<Idx> idx = new HashSet<>();
      m.atoms().forEach(a -> indices(a, idx));
      if (!m.sums().containsAll(idx)) {
        return false;
      }
    }
    return true;
  }

  private static void indices(Atom a, Set<Idx> out) {
    if (a instanceof Atom.Moment mo) {
      mo.element().forEach(x -> indices(x, out));
      mo.component().forEach(x -> indices(x, out));
    } else if (a instanceof Atom.Data d) {
      d.element().forEach(x -> indices(x, out));
      d.component().forEach(x -> indices(x, out));
    } else if (a instanceof Atom.Observed o) {
      o.element().forEach(x -> indices(x, out));
    } else if (a instanceof Atom.Hyper h) {
      h.component().forEach(x -> indices(x, out));
    } else if (a instanceof Atom.Delta d) {
      indices(d.a(), out);
      indices(d.b(), out);
    } else if (a instanceof Atom.MatrixFn mf) {
      mf.component().forEach(x -> indices(x, out));
    } else if (a instanceof Atom.Rv r) {
      r.element().forEach(x -> indices(x, out));
      r.component().forEach(x -> indices(x, out));
    } else if (a instanceof Atom.Fn fn) {
      for (Poly p : fn.args()) {
        for (Monomial m : p.terms()) {
          Set<Idx> inner = new HashSet<>();
          m.atoms().forEach(x -> indices(x, inner));
          inner.removeAll(m.sums());
          out.addAll(inner);
        }
      }
    }
  }

  private static void indices(Ix x, Set<Idx> out) {
    if (x instanceof Ix.V v) {
      out.add(v.idx());
    } else if (x instanceof Ix.D d) {
      d.element().forEach(e -> indices(e, out));
    }
  }

  /** A word for a known sum's field: the first hyperparameter or data array it adds up. */
  private String word(Poly p) {
    for (Monomial m : p.terms()) {
      for (Atom a : m.atoms()) {
        if (a instanceof Atom.Hyper h) {
          return layout.hyperNames.get(h.name());
        } else if (a instanceof Atom.Data d && layout.data.containsKey(d.var())) {
          return layout.data.get(d.var()).field();
        }
      }
    }
    return "Known";
  }

  private static String matrixKey(Atom.MatrixFn mf) {
    return mf.f() + ":" + IrPrinter.print(mf.matrix());
  }

  private static boolean isSize(Poly p) {
    if (p.terms().size() != 1) {
      return false;
    }
    Monomial m = p.terms().get(0);
    return m.coef() == 1 && m.sums().isEmpty() && m.atoms().size() == 1 && m.atoms().get(0) instanceof Atom.SizeValue;
  }

  /** A Java word for a matrix expression: {@code W0} for the hyper W0, {@code beta0_W0} otherwise. */
  private static String javaWord(Ir m) {
    String s = IrPrinter.print(m).replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "");
    return s.isEmpty() ? "Matrix" : s;
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
