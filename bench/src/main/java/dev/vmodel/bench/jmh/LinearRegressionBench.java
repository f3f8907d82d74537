package dev.vmodel.bench.jmh;

import dev.vmodel.bench.data.Synthetic;
import dev.vmodel.bench.gen.LinearRegression;
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
 * The generated Bayesian linear regression (examples/linear-regression.vmodel: Gamma priors on
 * the weight and noise precisions), N rows, P covariates (the first is the intercept column).
 * Every statistic it needs from the data (sum y^2, X^T y, X^T X) is fixed across sweeps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx4g"})
public class LinearRegressionBench {
  @Param({"10000", "100000", "1000000"})
  public int n;

  @Param({"3", "20"})
  public int p;

  private GeneratedState state;

  @Setup(Level.Trial)
  public void setUp() {
    Synthetic.Regression r = Synthetic.linearRegression(n, p, 11);
    LinearRegression model = LinearRegression.builder().build();
    state = GeneratedState.of(model, new LinearRegression.Data().X(r.x()).y(r.y())).init(1);
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
