package dev.vmodel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitOptions;
import dev.vmodel.runtime.fit.FitResult;
import dev.vmodel.runtime.split.SplitModel;
import dev.vmodel.runtime.stochastic.ArrayRows;
import dev.vmodel.runtime.stochastic.StochasticFit;
import dev.vmodel.runtime.stochastic.StochasticOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SparkRows}, stochastic VI's minibatches read through Spark a partition at a time: every
 * row in exactly one batch per epoch, the batches' order shuffled per epoch, held-out batches apart,
 * whole groups (LDA's documents) per batch even when the DataFrame's partitions cut them; and with one
 * batch of all rows, the same fit as from the rows in memory, bitwise.
 */
class SparkRowsTest {
  @BeforeAll
  static void session() {
    TestSpark.session();
  }

  static List<Map<String, Object>> all(Iterator<Map<String, Object>> it) {
    List<Map<String, Object>> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  static List<Double> firstCoordinates(List<Map<String, Object>> batches) {
    List<Double> out = new ArrayList<>();
    for (Map<String, Object> b : batches) {
      for (double[] x : (double[][]) b.get("x")) {
        out.add(x[0]);
      }
    }
    return out;
  }

  @Test
  void everyRowOnceAnEpochInShuffledBatchesWithHeldOutBatchesApart() {
    SplitModel model = GeneratedModelsSparkTest.model("gaussian-mixture");
    Dataset<Row> data = GeneratedModelsSparkTest.csv("gaussian-mixture").repartition(4).cache();
    long n = data.count();
    SparkRows rows = new SparkRows(model, data, 37, 5);
    assertEquals(n, rows.units());
    assertEquals(n, rows.rows());
    List<Map<String, Object>> e0 = all(rows.batches(0));
    List<Map<String, Object>> e1 = all(rows.batches(1));
    List<Double> expected = new ArrayList<>();
    for (Row r : data.select("`x[0]`").collectAsList()) {
      expected.add(((Number) r.get(0)).doubleValue());
    }
    expected.sort(null);
    for (List<Map<String, Object>> epoch : List.of(e0, e1)) {
      List<Double> got = firstCoordinates(epoch);
      assertNotEquals(expected, got, "the rows in their stored order: no shuffle");
      got.sort(null);
      assertEquals(expected, got, "every row exactly once");
      assertTrue(epoch.stream().allMatch(b -> ((double[][]) b.get("x")).length <= 37));
    }
    assertNotEquals(firstCoordinates(e0), firstCoordinates(e1), "epochs 0 and 1 in the same order");
    assertEquals(rows.batchCount(), e0.size());

    SparkRows split = new SparkRows(model, data, 37, 5, 0.2);
    List<Double> training = firstCoordinates(all(split.batches(0)));
    List<Double> held = firstCoordinates(all(split.heldOut()));
    assertEquals(split.units(), training.size());
    assertEquals(split.heldOutUnits(), held.size());
    assertTrue(held.size() > 0 && training.size() > held.size(), training.size() + " and " + held.size());
    List<Double> both = new ArrayList<>(training);
    both.addAll(held);
    both.sort(null);
    assertEquals(expected, both, "training and held-out rows partition the data");
    data.unpersist();
  }

  @Test
  void groupsStayWholeInTheirBatches() {
    SplitModel model = GeneratedModelsSparkTest.model("lda");
    // round-robin partitions cut every document
    Dataset<Row> data = GeneratedModelsSparkTest.csv("lda").repartition(3).cache();
    Map<Integer, Integer> tokens = new HashMap<>();
    int maxWord = -1;
    for (Row r : data.collectAsList()) {
      tokens.merge(r.getInt(r.fieldIndex("doc")), 1, Integer::sum);
      maxWord = Math.max(maxWord, r.getInt(r.fieldIndex("w")));
    }
    SparkRows rows = new SparkRows(model, data, 7, 2);
    assertEquals(tokens.size(), rows.units(), "documents");
    assertEquals(maxWord + 1, rows.categories().get("V"));
    int documents = 0;
    for (Map<String, Object> b : all(rows.batches(0))) {
      Map<Integer, Integer> inBatch = new HashMap<>();
      for (int d : (int[]) b.get("doc")) {
        inBatch.merge(d, 1, Integer::sum);
      }
      assertTrue(inBatch.size() <= 7, "at most 7 documents a batch: " + inBatch.size());
      for (Map.Entry<Integer, Integer> e : inBatch.entrySet()) {
        assertEquals(tokens.get(e.getKey()), e.getValue(), "document " + e.getKey() + " whole in its batch");
      }
      documents += inBatch.size();
    }
    assertEquals(tokens.size(), documents, "every document once");
    data.unpersist();
  }

  @Test
  void oneBatchOfAllRowsIsTheFitFromMemory() {
    SplitModel model = GeneratedModelsSparkTest.model("gaussian-mixture");
    Dataset<Row> data = GeneratedModelsSparkTest.csv("gaussian-mixture").coalesce(1);
    Map<String, Object> arrays = SparkTransformTest.arrays(model, data);
    int n = ((double[][]) arrays.get("x")).length;
    StochasticOptions one = new StochasticOptions(n, 0, 0, 3);
    FitOptions o = FitOptions.defaults().withSeed(4).withThreads(1);
    FitResult memory = StochasticFit.run(model, new ArrayRows(model, arrays, n, 1), one, o, null);
    FitResult spark = StochasticFit.run(model, new SparkRows(model, data, n, 1), one, o, null);
    assertEquals(Arrays.toString(memory.elboTrace()), Arrays.toString(spark.elboTrace()));
    for (String f : memory.posteriors().keySet()) {
      memory.posteriors().get(f).parameters().forEach((p, v) -> assertEquals(Arrays.toString(v),
          Arrays.toString(spark.posteriors().get(f).parameters().get(p)), "q(" + f + ")." + p));
    }
  }
}
