package dev.vmodel.bench.jmh;

import dev.vmodel.bench.data.Synthetic;
import dev.vmodel.bench.gen.LDA;
import dev.vmodel.bench.harness.GeneratedState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The generated LDA (examples/lda.vmodel, tokens in long format), K = 20 topics, on a synthetic
 * corpus from LDA's generative process with 50 to 150 tokens per document (100 on average).
 * {@code corpus} is documents x vocabulary; "2000x5000" is the corpus of bench/compare.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
public class LdaBench {
  @Param({"100x1000", "500x5000", "2000x5000"})
  public String corpus;

  @Param({"20"})
  public int k;

  private GeneratedState state;

  @Setup(Level.Trial)
  public void setUp() {
    String[] s = corpus.split("x");
    Synthetic.Corpus c = Synthetic.lda(Integer.parseInt(s[0]), Integer.parseInt(s[1]), 20, 50, 150, 7);
    LDA model = LDA.builder().K(k).D(c.documents()).V(c.vocabulary()).alpha(0.1).eta(0.01).build();
    state = GeneratedState.of(model, new LDA.Data().doc(c.doc()).w(c.word())).init(1);
    state.sweep();
  }

  @Benchmark
  public GeneratedState sweep() {
    state.sweep();
    return state;
  }

  @Benchmark
  public double elbo() {
    return state.elbo();
  }
}
