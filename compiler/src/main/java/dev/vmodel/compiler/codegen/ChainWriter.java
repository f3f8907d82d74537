package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * The code of a Markov-chain factor q(z_1..T) ({@code MarkovChainFamily}) beyond what a
 * categorical factor has: its whole-factor fields, the forward-backward pass that follows the
 * evaluation of the per-step natural parameters, the statistics of a start that factorises over
 * steps, and its entropy in the ELBO. The runtime's {@code MarkovChain} does the numerical work.
 */
final class ChainWriter extends WriterPart {
  static final ClassName MARKOV_CHAIN = dev.vmodel.compiler.family.MarkovChainFamily.RUNTIME_CLASS;

  ChainWriter(ModelContext ctx) {
    super(ctx);
  }

  /** Whether {@code factor} is a Markov chain. */
  boolean isChain(String factor) {
    return layout.chains.containsKey(factor);
  }

  void fields(TypeSpec.Builder t) {
    for (Layout.Chain c : layout.chains.values()) {
      String z = c.fs().update().factor().name();
      t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), c.first(), Modifier.PRIVATE)
          .addJavadoc("E_q[number of chains of $L starting in state k], k < K.\n", z).build());
      t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), c.pair(), Modifier.PRIVATE)
          .addJavadoc("E_q[number of steps of $L from state j to state k], at j * K + k.\n", z).build());
      t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.INT), c.starts(), Modifier.PRIVATE)
          .addJavadoc("The first row of each chain of $L, and the number of rows last.\n", z).build());
      t.addField(FieldSpec.builder(ArrayTypeName.of(ArrayTypeName.of(TypeName.DOUBLE)), c.work(), Modifier.PRIVATE)
          .addJavadoc("Forward-backward's workspace, one per block of chains, each for the longest chain.\n").build());
      t.addField(FieldSpec.builder(TypeName.DOUBLE, c.entropy(), Modifier.PRIVATE)
          .addJavadoc("H[q($L)], the entropy of the whole chain (not the sum of its marginals').\n", z).build());
      t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), c.entropyOut(), Modifier.PRIVATE)
          .addJavadoc("The entropy of each chain of $L, added up in chain order.\n", z).build());
      t.addField(FieldSpec.builder(ArrayTypeName.of(ArrayTypeName.of(TypeName.DOUBLE)), c.firstBlocks(),
          Modifier.PRIVATE).addJavadoc("$L per block of chains, added up in block order.\n", c.first()).build());
      t.addField(FieldSpec.builder(ArrayTypeName.of(ArrayTypeName.of(TypeName.DOUBLE)), c.pairBlocks(),
          Modifier.PRIVATE).addJavadoc("$L per block of chains, added up in block order.\n", c.pair()).build());
      t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), c.potentials(), Modifier.PRIVATE)
          .addJavadoc("eta($L[t]=k) of the last update: the per-step log potentials, for the most probable path.\n",
              z).build());
      if (c.lnInit() != null) {
        t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), c.lnInit(), Modifier.PRIVATE)
            .addJavadoc("ln $L, the log initial-state probabilities.\n", c.initHyper()).build());
      }
    }
  }

  /** Allocation in the State constructor, after the data and hyperparameters are set (braced: no locals leak). */
  void allocate(MethodSpec.Builder m) {
    for (Layout.Chain c : layout.chains.values()) {
      Set<String> scope = new LinkedHashSet<>();
      String e = localName("e", scope);
      String longest = localName("longest", scope);
      String ch = localName("c", scope);
      String blocks = localName("blocks", scope);
      String i = localName("k", scope);
      String k = layout.dim(c.fs().dim());
      String rows = layout.product(c.fs().elementDims());
      m.addCode("{\n$>");
      m.addStatement("$L = new double[$L]", c.first(), k);
      m.addStatement("$L = new double[$L * $L]", c.pair(), k, k);
      if (c.seq() == null) {
        m.addStatement("$L = $T.chainStarts(null, $L)", c.starts(), MARKOV_CHAIN, rows);
      } else {
        String seqNode = c.fs().update().factor().members().get(0);
        seqNode = ((dev.vmodel.compiler.graph.Ir.ArrayVector) layout.graph.node(seqNode).dist().orElseThrow()
            .arg("seq").value()).name();
        m.beginControlFlow("try");
        m.addStatement("$L = $T.chainStarts($L, $L)", c.starts(), MARKOV_CHAIN, c.seq(), rows);
        m.nextControlFlow("catch ($T $L)", IAE, e);
        m.addStatement("throw new $T($S, -1, -1, $L.getMessage())", DATA_EXCEPTION, seqNode, e);
        m.endControlFlow();
      }
      m.addStatement("int $L = 0", longest);
      m.beginControlFlow("for (int $L = 0; $L + 1 < $L.length; $L++)", ch, ch, c.starts(), ch);
      m.addStatement("$L = $T.max($L, $L[$L + 1] - $L[$L])", longest, MATH, longest, c.starts(), ch, c.starts(), ch);
      m.endControlFlow();
      m.addComment("blocks of whole chains, as many as the chains up to $T.MAX_BLOCKS: a function of the data alone,",
          CHUNKS);
      m.addComment("so that the sums per block, added in block order, are the same for any thread count");
      m.addStatement("int $L = $T.max(1, $T.min($L.length - 1, $T.MAX_BLOCKS))", blocks, MATH, MATH, c.starts(),
          CHUNKS);
      m.addStatement("$L = new double[$L][$T.workLength($L, $L)]", c.work(), blocks, MARKOV_CHAIN, longest, k);
      m.addStatement("$L = new double[$L][$L]", c.firstBlocks(), blocks, k);
      m.addStatement("$L = new double[$L][$L * $L]", c.pairBlocks(), blocks, k, k);
      m.addStatement("$L = new double[$T.max(1, $L.length - 1)]", c.entropyOut(), MATH, c.starts());
      m.addStatement("$L = new double[$L * $L]", c.potentials(), rows, k);
      if (c.lnInit() != null) {
        m.addStatement("$L = new double[$L]", c.lnInit(), k);
        m.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, k, i);
        m.addStatement("$L[$L] = $T.log($L[$L])", c.lnInit(), i, MATH, c.initHyper(), i);
        m.endControlFlow();
      }
      m.addCode("$<}\n");
    }
  }

  /**
   * After the per-step natural parameters eta(z[t]=k) are in {@code p}: forward-backward over
   * each chain turns them into the marginals and sets first, pair and the entropy.
   */
  CodeBlock pass(String factor) {
    Layout.Chain c = layout.chains.get(factor);
    String p = c.fs().params().get("p");
    Set<String> scope = new LinkedHashSet<>();
    String bl = localName("b", scope);
    String i = localName("i", scope);
    String sum = localName("sum", scope);
    String h = localName("h", scope);
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// forward-backward over each chain, in blocks of whole chains: p holds eta(z[t]=k) on entry,\n");
    b.add("// the marginals on return\n");
    b.addStatement("$T.arraycopy($L, 0, $L, 0, $L.length)", SYSTEM, p, c.potentials(), c.potentials());
    b.addStatement("$T.forEachBlock($L, $L.length, this::$L)", CHUNKS, threadsField() == null ? "1" : threadsField(),
        c.work(), c.blockMethod());
    b.addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, c.first());
    b.addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, c.pair());
    b.beginControlFlow("for (int $L = 0; $L < $L.length; $L++)", bl, bl, c.work(), bl);
    b.beginControlFlow("for (int $L = 0; $L < $L.length; $L++)", i, i, c.first(), i);
    b.addStatement("$L[$L] += $L[$L][$L]", c.first(), i, c.firstBlocks(), bl, i);
    b.endControlFlow();
    b.beginControlFlow("for (int $L = 0; $L < $L.length; $L++)", i, i, c.pair(), i);
    b.addStatement("$L[$L] += $L[$L][$L]", c.pair(), i, c.pairBlocks(), bl, i);
    b.endControlFlow();
    b.endControlFlow();
    b.addStatement("double $L = 0.0", sum);
    b.beginControlFlow("for (double $L : $L)", h, c.entropyOut());
    b.addStatement("$L += $L", sum, h);
    b.endControlFlow();
    b.addStatement("$L = $L", c.entropy(), sum);
    return b.build();
  }

  /** The block method of each chain: forward-backward over its chains {@code block}'s share. */
  java.util.List<MethodSpec> blockMethods() {
    java.util.List<MethodSpec> out = new java.util.ArrayList<>();
    for (Layout.Chain c : layout.chains.values()) {
      String k = layout.dim(c.fs().dim());
      Set<String> scope = new LinkedHashSet<>();
      String block = localName("block", scope);
      String from = localName("from", scope);
      String to = localName("to", scope);
      String chains = localName("chains", scope);
      String blocks = localName("blocks", scope);
      String first = localName("first", scope);
      String pair = localName("pair", scope);
      String ch = localName("c", scope);
      out.add(MethodSpec.methodBuilder(c.blockMethod()).addModifiers(Modifier.PRIVATE)
          .addParameter(TypeName.INT, block).addParameter(TypeName.INT, from).addParameter(TypeName.INT, to)
          .addJavadoc("Forward-backward over the chains of block {@code $L} ({@code $L} is the block itself, {@code $L}"
              + " the next):\nchains block * C / B to (block + 1) * C / B - 1 of C, in B blocks; each chain writes only"
              + " its own\nrows and entropy, and the block only its own partial sums.\n", block, from, to)
          .addStatement("int $L = $L.length - 1", chains, c.starts())
          .addStatement("int $L = $L.length", blocks, c.work())
          .addStatement("double[] $L = $L[$L]", first, c.firstBlocks(), block)
          .addStatement("double[] $L = $L[$L]", pair, c.pairBlocks(), block)
          .addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, first)
          .addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, pair)
          .beginControlFlow("for (int $L = (int) ((long) $L * $L / $L); $L < (int) ((long) $L * $L / $L); $L++)", ch,
              from, chains, blocks, ch, to, chains, blocks, ch)
          .addStatement("$T.forwardBackward($L, $L[$L], $L[$L + 1], $L, $L, 0, $L, 0, $L, $L, $L, $L, $L[$L])",
              MARKOV_CHAIN, c.fs().params().get("p"), c.starts(), ch, c.starts(), ch, k,
              c.initMoment() != null ? c.initMoment() : c.lnInit(), c.transitionMoment(), first, pair, c.entropyOut(),
              ch, c.work(), block)
          .endControlFlow()
          .build());
    }
    return out;
  }

  /**
   * After a start that sets each step's probabilities on its own (random, k-means++ or given
   * responsibilities): the chain distribution that is their product, whose first, pair and
   * entropy follow from the marginals.
   */
  private CodeBlock independentStart(Layout.Chain c, Set<String> scope) {
    String k = layout.dim(c.fs().dim());
    String p = c.fs().params().get("p");
    String ch = localName("c", scope);
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// a start that factorises over the steps: the chain with independent states\n");
    b.addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, c.first());
    b.addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, c.pair());
    b.addStatement("$L = 0.0", c.entropy());
    b.beginControlFlow("for (int $L = 0; $L + 1 < $L.length; $L++)", ch, ch, c.starts(), ch);
    b.addStatement("$L += $T.independentStats($L, $L[$L], $L[$L + 1], $L, $L, $L)", c.entropy(), MARKOV_CHAIN, p,
        c.starts(), ch, c.starts(), ch, k, c.first(), c.pair());
    b.endControlFlow();
    return b.build();
  }

  /** The State methods: for each chain, its independent start ({@link #independentStart}). */
  java.util.List<MethodSpec> methods() {
    java.util.List<MethodSpec> out = new java.util.ArrayList<>();
    for (Layout.Chain c : layout.chains.values()) {
      String z = c.fs().update().factor().name();
      Set<String> scope = new LinkedHashSet<>();
      String normalise = localName("normalise", scope);
      String e = localName("e", scope);
      String k = layout.dim(c.fs().dim());
      out.add(MethodSpec.methodBuilder(c.startMethod()).addParameter(TypeName.BOOLEAN, normalise)
          .addJavadoc("Sets q($L) to the chain whose states are independent with the marginals in {@code $L} (logits"
              + " to\nnormalise first with {@code $L}): a start from random, k-means++ or given"
              + " responsibilities.\n", z, c.fs().params().get("p"), normalise)
          .beginControlFlow("if ($L)", normalise)
          .beginControlFlow("for (int $L = 0; $L < $L; $L++)", e, e, layout.product(c.fs().elementDims()), e)
          .addStatement("$T.softmaxInPlace($L, $L * $L, $L)", SPECIAL, c.fs().params().get("p"), e, k, k)
          .endControlFlow()
          .endControlFlow()
          .addCode(independentStart(c, scope))
          .build());
    }
    return out;
  }

  /** The State methods of the most probable path and of the next state. */
  java.util.List<MethodSpec> stateQueries() {
    java.util.List<MethodSpec> out = new java.util.ArrayList<>();
    for (Layout.Chain c : layout.chains.values()) {
      String z = c.fs().update().factor().name();
      String k = layout.dim(c.fs().dim());
      String rows = layout.product(c.fs().elementDims());
      Set<String> scope = new LinkedHashSet<>();
      String path = localName("path", scope);
      String ch = localName("c", scope);
      out.add(MethodSpec.methodBuilder(c.viterbiMethod()).returns(int[].class)
          .addJavadoc("The most probable path of each chain of $L under q($L) (Viterbi on the last update's potentials).\n",
              z, z)
          .addStatement("int[] $L = new int[$L]", path, rows)
          .beginControlFlow("for (int $L = 0; $L + 1 < $L.length; $L++)", ch, ch, c.starts(), ch)
          .addStatement("$T.viterbi($L, $L[$L], $L[$L + 1], $L, $L, 0, $L, 0, $L, $L[0])", MARKOV_CHAIN,
              c.potentials(), c.starts(), ch, c.starts(), ch, k,
              c.initMoment() != null ? c.initMoment() : c.lnInit(), c.transitionMoment(), path, c.work())
          .endControlFlow()
          .addStatement("return $L", path).build());
      Set<String> scope2 = new LinkedHashSet<>();
      String next = localName("next", scope2);
      String last = localName("last", scope2);
      String j = localName("j", scope2);
      String i = localName("k", scope2);
      out.add(MethodSpec.methodBuilder(c.nextMethod()).returns(double[].class)
          .addJavadoc("P(the step after the last row of $L = k) = sum_j q($L[last] = j) E[transition[j][k]].\n", z, z)
          .addStatement("double[] $L = new double[$L]", next, k)
          .addStatement("int $L = $L - 1", last, rows)
          .beginControlFlow("for (int $L = 0; $L < $L; $L++)", j, j, k, j)
          .beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, k, i)
          .addStatement("$L[$L] += $L[$L * $L + $L] * $L[$L * $L + $L]", next, i, c.fs().params().get("p"), last, k, j,
              c.transitionMean(), j, k, i)
          .endControlFlow()
          .endControlFlow()
          .addStatement("return $L", next).build());
    }
    return out;
  }

  /** The Result methods: the most probable path and the next state's distribution. */
  void resultMethods(TypeSpec.Builder t, PersistWriter persist) {
    for (Layout.Chain c : layout.chains.values()) {
      String z = c.fs().update().factor().name();
      t.addMethod(MethodSpec.methodBuilder(c.pathAccessor()).addModifiers(Modifier.PUBLIC).returns(int[].class)
          .addJavadoc("The most probable state sequence of $L under q($L): on each chain, argmax over its paths of the"
              + " structured\nq($L) (Viterbi), one state per row. The marginals' argmax, row by row, can differ.\n\n"
              + "@throws IllegalStateException if this posterior was loaded without its local factors\n", z, z, z)
          .addCode(persist.requireLocals(c.fs()))
          .addStatement("return s.$N()", c.viterbiMethod()).build());
      t.addMethod(MethodSpec.methodBuilder(c.nextAccessor()).addModifiers(Modifier.PUBLIC).returns(double[].class)
          .addJavadoc("The distribution of the state after the last row of $L (of its last chain):\n"
              + "P(next = k) = sum_j q($L[last] = j) E_q[transition[j][k]], exact under q.\n\n"
              + "@throws IllegalStateException if this posterior was loaded without its local factors\n", z, z)
          .addCode(persist.requireLocals(c.fs()))
          .addStatement("return s.$N()", c.nextMethod()).build());
    }
  }

  /** H[q(z)] of a chain factor, an expression. */
  String entropy(String factor) {
    return layout.chains.get(factor).entropy();
  }
}
