package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitResult;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Save, load and predict gives bitwise the numbers of predicting from the in-memory fit: the
 * posterior is saved, loaded by the class compiled afresh in a class loader of its own, and both
 * predict the same new rows (the example's data, its first rows shuffled in order); every log
 * predictive density and every parameter of the new rows' posterior (their local factors and the
 * globals held fixed) is compared bit for bit.
 */
class SaveLoadPredictTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"coin", "poisson-gamma", "gaussian-mixture", "bernoulli-mixture", "linear-regression",
      "normal-gamma", "lda", "ppca", "eight-schools"})
  void predictingFromALoadedPosteriorIsBitwisePredictingFromTheFit(String stem) throws Exception {
    FitResult fitted = SaveLoadTest.fit(stem);
    Table table = Table.read(Examples.data(stem, ".csv"));
    Harness.Prediction direct = Harness.predict(fitted, Harness.of(Examples.exampleClass(stem)).data(table),
        SaveLoadTest.OPTIONS);
    Class<?> fresh = SaveLoadTest.freshClass(stem);
    FitResult loaded = SaveLoadTest.load(fresh, new StringReader(SaveLoadTest.save(fitted)));
    Harness.Prediction again = Harness.predict(loaded, Harness.of(fresh).data(table), SaveLoadTest.OPTIONS);
    assertEquals(direct.exact(), again.exact());
    if (direct.exact()) {
      double[] lp = direct.logPredictive();
      assertTrue(lp.length > 0 && java.util.Arrays.stream(lp).allMatch(Double::isFinite), stem + ": finite");
      SaveLoadTest.assertBitwise(lp, again.logPredictive(), stem + " logPredictive");
    }
    FitResult a = direct.posterior();
    FitResult b = again.posterior();
    assertEquals(a.posteriors().keySet(), b.posteriors().keySet());
    for (Map.Entry<String, FitResult.Posterior> e : a.posteriors().entrySet()) {
      for (Map.Entry<String, double[]> p : e.getValue().parameters().entrySet()) {
        SaveLoadTest.assertBitwise(p.getValue(), b.posteriors().get(e.getKey()).parameters().get(p.getKey()),
            stem + " q(" + e.getKey() + ")." + p.getKey());
      }
    }
    SaveLoadTest.assertBitwise(a.elboTrace(), b.elboTrace(), stem + " local fit's ELBO trace");
  }
}
