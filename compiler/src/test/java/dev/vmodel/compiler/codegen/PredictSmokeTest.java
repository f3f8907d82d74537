package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.posterior.BetaPosterior;
import org.junit.jupiter.api.Test;

class PredictSmokeTest {
  @Test
  void coin() throws Exception {
    Harness h = Harness.of(Examples.exampleClass("coin"));
    Table t = Table.read(Examples.data("coin", ".csv"));
    FitResult r = h.fit(t, FitOptions.defaults());
    BetaPosterior p = (BetaPosterior) Harness.call(r, "p");
    Object data = h.newData();
    Harness.call(data, "y", (Object) new int[] {1, 0});
    Object pred = r.getClass().getMethod("predict", data.getClass()).invoke(r, data);
    double[] lp = (double[]) pred.getClass().getMethod("logPredictive").invoke(pred);
    System.out.println(java.util.Arrays.toString(lp) + " " + p.a() + " " + p.b());
    assertEquals(Math.log(p.a() / (p.a() + p.b())), lp[0], 1e-12);
    assertEquals(Math.log(p.b() / (p.a() + p.b())), lp[1], 1e-12);
  }

  @Test
  void all() throws Exception {
    for (String stem : Examples.stems()) {
      Class<?> c = Examples.exampleClass(stem);
      System.out.println(stem + " " + c.getSimpleName());
    }
  }
}
