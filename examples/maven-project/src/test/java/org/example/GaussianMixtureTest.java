package org.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.posterior.CategoricalPosterior;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.example.models.GaussianMixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Using a fit (docs/using-a-fit.md): fit the Gaussian mixture on 350 of its bundled 400 points,
 * save the posterior, load it as another process would, and apply it to the 50 held-out points:
 * each point's log posterior predictive density (PRML 10.81) and its responsibilities. The
 * loaded posterior predicts bitwise the same numbers as the fit in memory.
 */
class GaussianMixtureTest {
  static final int TRAIN = 350;

  @Test
  void fitSaveLoadPredict(@TempDir Path dir) throws IOException {
    double[][] x = points();
    double[][] train = Arrays.copyOfRange(x, 0, TRAIN);
    double[][] heldOut = Arrays.copyOfRange(x, TRAIN, x.length);

    GaussianMixture.Result fitted = GaussianMixture.create().fit(new GaussianMixture.Data().x(train));
    assertTrue(fitted.converged());

    Path file = dir.resolve("mixture-fit.json");
    fitted.save(file);
    GaussianMixture.Result loaded = GaussianMixture.load(file);
    // the loaded posterior holds the global factors, bitwise; it has no rows
    assertEquals(0, loaded.sizeN());
    assertEquals(fitted.pi(), loaded.pi());
    assertEquals(fitted.muLambda(2), loaded.muLambda(2));
    assertThrows(IllegalStateException.class, () -> loaded.z(0));

    GaussianMixture.Prediction fromFit = fitted.predict(new GaussianMixture.Data().x(heldOut));
    GaussianMixture.Prediction fromFile = loaded.predict(new GaussianMixture.Data().x(heldOut));
    assertTrue(fromFit.exact(), fromFit.inexact());
    double[] lp = fromFit.logPredictive();
    assertEquals(heldOut.length, lp.length);
    assertBitwise(lp, fromFile.logPredictive(), "log predictive");

    int k = fitted.sizeK();
    for (int n = 0; n < heldOut.length; n++) {
      double[] r = fromFit.posterior().z(n).p();
      assertBitwise(r, fromFile.posterior().z(n).p(), "responsibilities of held-out point " + n);
      assertEquals(k, r.length);
      assertEquals(1.0, Arrays.stream(r).sum(), 1e-12);
      assertTrue(Double.isFinite(lp[n]) && lp[n] < 0, "ln p(x[" + n + "] | X) = " + lp[n]);
    }
    // A point far from every component is far less probable than a typical one.
    double typical = Arrays.stream(lp).average().orElseThrow();
    double[] far = fitted.predict(new GaussianMixture.Data().x(new double[][] {{40, -40}})).logPredictive();
    assertTrue(far[0] < typical - 15, "ln p(far point) = " + far[0] + ", held-out mean " + typical);
  }

  @Test
  void aTrainingPointInferredAgainGetsTheFitsResponsibilities() throws IOException {
    double[][] x = points();
    GaussianMixture.Result fitted = GaussianMixture.create().fit(new GaussianMixture.Data().x(x));
    GaussianMixture.Prediction p = fitted.predict(new GaussianMixture.Data().x(new double[][] {x[0]}));
    CategoricalPosterior again = p.posterior().z(0);
    // the same point, inferred anew with the globals held at the fit's q, gets the fit's responsibilities
    double[] r = again.p();
    double[] fit = fitted.z(0).p();
    for (int j = 0; j < r.length; j++) {
      assertEquals(fit[j], r[j], 1e-6, "responsibility " + j);
    }
  }

  static void assertBitwise(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
          what + " [" + i + "]: " + expected[i] + " in memory, " + actual[i] + " loaded");
    }
  }

  /** The bundled points (src/test/resources/gaussian-mixture.csv, columns x[0], x[1]). */
  static double[][] points() throws IOException {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        GaussianMixtureTest.class.getResourceAsStream("/gaussian-mixture.csv"), StandardCharsets.UTF_8))) {
      in.readLine();   // header
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        rows.add(Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
      }
    }
    assertEquals(400, rows.size());
    return rows.toArray(new double[0][]);
  }
}
