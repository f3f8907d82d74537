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
      t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), c.work(), Modifier.PRIVATE)
          .addJavadoc("Forward-backward's workspace, for the longest chain.\n").build());
      t.addField(FieldSpec.builder(TypeName.DOUBLE, c.entropy(), Modifier.PRIVATE)
          .addJavadoc("H[q($L)], the entropy of the whole chain (not the sum of its marginals').\n", z).build());
      t.addField(ArrayTypeName.of(TypeName.DOUBLE), c.entropyOut(), Modifier.PRIVATE);
      if (c.lnInit() != null) {
        t.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.DOUBLE), c.lnInit(), Modifier.PRIVATE)
            .addJavadoc("ln $L, the log initial-state probabilities.\n", c.initHyper()).build());
      }
    }
  }

  /** Allocation in the State constructor, after the data and hyperparameters are set. */
  void allocate(MethodSpec.Builder m) {
    for (Layout.Chain c : layout.chains.values()) {
      String k = layout.dim(c.fs().dim());
      String rows = layout.product(c.fs().elementDims());
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
        m.nextControlFlow("catch ($T e)", IAE);
        m.addStatement("throw new $T($S, -1, -1, e.getMessage())", DATA_EXCEPTION, seqNode);
        m.endControlFlow();
      }
      m.addStatement("int longest = 0");
      m.beginControlFlow("for (int c = 0; c + 1 < $L.length; c++)", c.starts());
      m.addStatement("longest = $T.max(longest, $L[c + 1] - $L[c])", MATH, c.starts(), c.starts());
      m.endControlFlow();
      m.addStatement("$L = new double[$T.workLength(longest, $L)]", c.work(), MARKOV_CHAIN, k);
      m.addStatement("$L = new double[1]", c.entropyOut());
      if (c.lnInit() != null) {
        m.addStatement("$L = new double[$L]", c.lnInit(), k);
        m.beginControlFlow("for (int k = 0; k < $L; k++)", k);
        m.addStatement("$L[k] = $T.log($L[k])", c.lnInit(), MATH, c.initHyper());
        m.endControlFlow();
      }
    }
  }

  /**
   * After the per-step natural parameters eta(z[t]=k) are in {@code p}: forward-backward over
   * each chain turns them into the marginals and sets first, pair and the entropy.
   */
  CodeBlock pass(String factor) {
    Layout.Chain c = layout.chains.get(factor);
    String k = layout.dim(c.fs().dim());
    String p = c.fs().params().get("p");
    Set<String> scope = new LinkedHashSet<>();
    String h = localName("entropy", scope);
    CodeBlock.Builder b = CodeBlock.builder();
    b.add("// forward-backward over each chain: p holds eta(z[t]=k) on entry, the marginals on return\n");
    b.addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, c.first());
    b.addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, c.pair());
    b.addStatement("double $L = 0.0", h);
    b.beginControlFlow("for (int c = 0; c + 1 < $L.length; c++)", c.starts());
    b.addStatement("$T.forwardBackward($L, $L[c], $L[c + 1], $L, $L, 0, $L, 0, $L, $L, $L, 0, $L)",
        MARKOV_CHAIN, p, c.starts(), c.starts(), k, c.initMoment() != null ? c.initMoment() : c.lnInit(),
        c.transitionMoment(), c.first(), c.pair(), c.entropyOut(), c.work());
    b.addStatement("$L += $L[0]", h, c.entropyOut());
    b.endControlFlow();
    b.addStatement("$L = $L", c.entropy(), h);
    return b.build();
  }

  /**
   * After a start that sets each step's probabilities on its own (random, k-means++ or given
   * responsibilities, unnormalised logits in {@code p} if {@code normalise}): the chain
   * distribution that is their product, whose first, pair and entropy follow from the marginals.
   */
  CodeBlock independentStart(String factor, boolean normalise) {
    Layout.Chain c = layout.chains.get(factor);
    String k = layout.dim(c.fs().dim());
    String p = c.fs().params().get("p");
    CodeBlock.Builder b = CodeBlock.builder();
    if (normalise) {
      b.beginControlFlow("for (int e = 0; e < $L; e++)", layout.product(c.fs().elementDims()));
      b.addStatement("$T.softmaxInPlace($L, e * $L, $L)", SPECIAL, p, k, k);
      b.endControlFlow();
    }
    b.add("// a start that factorises over the steps: the chain with independent states\n");
    b.addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, c.first());
    b.addStatement("$T.fill($L, 0.0)", java.util.Arrays.class, c.pair());
    b.addStatement("$L = 0.0", c.entropy());
    b.beginControlFlow("for (int c = 0; c + 1 < $L.length; c++)", c.starts());
    b.addStatement("$L += $T.independentStats($L, $L[c], $L[c + 1], $L, $L, $L)", c.entropy(), MARKOV_CHAIN, p,
        c.starts(), c.starts(), k, c.first(), c.pair());
    b.endControlFlow();
    return b.build();
  }

  /** The State methods: for each chain, its independent start ({@link #independentStart}). */
  java.util.List<MethodSpec> methods() {
    java.util.List<MethodSpec> out = new java.util.ArrayList<>();
    for (Layout.Chain c : layout.chains.values()) {
      String z = c.fs().update().factor().name();
      out.add(MethodSpec.methodBuilder(c.startMethod()).addParameter(TypeName.BOOLEAN, "normalise")
          .addJavadoc("Sets q($L) to the chain whose states are independent with the marginals in {@code $L} (logits"
              + " to\nnormalise first with {@code normalise}): a start from random, k-means++ or given"
              + " responsibilities.\n", z, c.fs().params().get("p"))
          .beginControlFlow("if (normalise)")
          .addCode(normaliseCode(c))
          .endControlFlow()
          .addCode(independentStart(z, false))
          .build());
    }
    return out;
  }

  private CodeBlock normaliseCode(Layout.Chain c) {
    String k = layout.dim(c.fs().dim());
    return CodeBlock.builder()
        .beginControlFlow("for (int e = 0; e < $L; e++)", layout.product(c.fs().elementDims()))
        .addStatement("$T.softmaxInPlace($L, e * $L, $L)", SPECIAL, c.fs().params().get("p"), k, k)
        .endControlFlow().build();
  }

  /** H[q(z)] of a chain factor, an expression. */
  String entropy(String factor) {
    return layout.chains.get(factor).entropy();
  }
}
