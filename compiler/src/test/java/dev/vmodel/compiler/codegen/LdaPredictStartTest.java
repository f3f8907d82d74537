package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.split.SplitRows;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LDA's predict starts the new documents' topic proportions from the fit's topics alone (theta at
 * its prior, then z and rounds), not from random responsibilities: a document's posterior does not
 * depend on the seed (bitwise), nor, but for rounding, on which other documents are predicted with
 * it (what makes Spark's transform the same over any partitioning).
 */
class LdaPredictStartTest {
  static double[] theta(FitResult posterior) {
    return posterior.posteriors().get("theta").parameters().get("alpha");
  }

  @Test
  void aDocumentsTopicsDependNeitherOnTheSeedNorOnTheOtherDocuments() {
    FitResult fitted = SaveLoadTest.fit("lda");
    Harness h = Harness.of(Examples.exampleClass("lda"));
    SplitModel model = SplitFitTest.model("lda");
    Map<String, Object> all = SplitFitTest.arrays("lda", model);
    // 100 rounds of coordinate ascent each; (a few documents keep drifting for hundreds of rounds more, along a
    // direction where rounding differences grow: after 1000 rounds one document's theta differs by 2e-4)
    FitOptions o = FitOptions.defaults().withMaxIterations(100).withTolerance(0).withThreads(1);
    double[] seed1 = theta(Harness.predict(fitted, h.data(all), o.withSeed(1)).posterior());
    double[] seed2 = theta(Harness.predict(fitted, h.data(all), o.withSeed(2)).posterior());
    assertEquals(Arrays.toString(seed1), Arrays.toString(seed2), "theta with seeds 1 and 2");
    // the second half of the documents alone, numbered from 0
    int[] doc = (int[]) all.get("doc");
    int documents = doc[doc.length - 1] + 1;
    int from = 0;
    while (doc[from] < documents / 2) {
      from++;
    }
    Map<String, Object> half = SplitFitTest.rows(all, from, doc.length);
    SplitRows.renumberGroups(model, half);
    double[] alone = theta(Harness.predict(fitted, h.data(half), o.withSeed(1)).posterior());
    int kk = seed1.length / documents;
    assertEquals((documents - documents / 2) * kk, alone.length);
    double worst = 0;
    for (int i = 0; i < alone.length; i++) {
      double together = seed1[(documents / 2) * kk + i];
      worst = Math.max(worst, Math.abs(alone[i] - together) / Math.max(1.0, Math.abs(together)));
    }
    assertTrue(worst < 1e-12, "theta of the second half alone against with the first half: " + worst);
  }
}
