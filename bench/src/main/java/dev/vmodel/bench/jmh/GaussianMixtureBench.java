package dev.vmodel.bench.jmh;

import dev.vmodel.bench.data.Synthetic;
import dev.vmodel.bench.gen.GaussianMixture;
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
 * The generated Bayesian Gaussian mixture (examples/gaussian-mixture.vmodel: full-covariance
 * Normal-Wishart components, Dirichlet weights), K = 10, on synthetic data from 10 Gaussians.
 * {@code sweep} is one coordinate-ascent sweep (q(pi), q(mu, Lambda), q(z)); {@code elbo} is the
 * bound that {@code fit} computes after every sweep. A fit's per-iteration time is their sum.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx8g"})
public class GaussianMixtureBench {
  @Param({"10000", "100000", "1000000"})
  public int n;

  @Param({"2", "10"})
  public int d;

  @Param({"10"})
  public int k;

  private GeneratedState state;

  @Setup(Level.Trial)
  public void setUp() {
    double[][] x = Synthetic.gaussianMixture(n, d, 10, 42);
    GaussianMixture model = GaussianMixture.builder().K(k).build();
    state = GeneratedState.of(model, new GaussianMixture.Data().x(x)).init(1);
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
