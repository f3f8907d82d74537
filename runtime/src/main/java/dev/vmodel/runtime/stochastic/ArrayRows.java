package dev.vmodel.runtime.stochastic;

import dev.vmodel.runtime.split.SplitModel;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Rows held in memory as the arrays of {@link SplitModel#part}, served in batches of {@code
 * batchSize} units (rows, or whole groups for a model with a group column, whose rows must be
 * contiguous), the batches' order shuffled per epoch (epoch 0 in order).
 */
public final class ArrayRows implements RowSource {
  private final Map<String, Object> arrays;
  private final List<int[]> blocks = new ArrayList<>();
  private final long units;
  private final long seed;
  private final Map<String, Integer> categories = new LinkedHashMap<>();

  public ArrayRows(SplitModel model, Map<String, Object> arrays, int batchSize, long seed) {
    this.arrays = arrays;
    this.seed = seed;
    int n = Array.getLength(arrays.values().iterator().next());
    int[] group = null;
    for (SplitModel.Column c : model.columns()) {
      if (c.group()) {
        group = (int[]) arrays.get(c.name());
      }
    }
    long count = 0;
    int from = 0;
    int inBlock = 0;
    for (int i = 0; i < n; i++) {
      boolean starts = group == null || i == 0 || group[i] != group[i - 1];
      if (starts) {
        count++;
        if (inBlock == batchSize) {
          blocks.add(new int[] {from, i});
          from = i;
          inBlock = 0;
        }
        inBlock++;
      }
    }
    if (n > from) {
      blocks.add(new int[] {from, n});
    }
    this.units = count;
    for (SplitModel.Column c : model.columns()) {
      if (c.categories() != null && !c.group() && arrays.get(c.name()) instanceof int[] v) {
        int max = -1;
        for (int x : v) {
          max = Math.max(max, x);
        }
        categories.merge(c.categories(), max + 1, Math::max);
      }
    }
  }

  @Override
  public long units() {
    return units;
  }

  @Override
  public Map<String, Integer> categories() {
    return Map.copyOf(categories);
  }

  @Override
  public Iterator<Map<String, Object>> batches(long epoch) {
    List<int[]> order = new ArrayList<>(blocks);
    if (epoch > 0) {
      Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
    }
    Iterator<int[]> it = order.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Map<String, Object> next() {
        int[] b = it.next();
        Map<String, Object> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> {
          Object slice = Array.newInstance(v.getClass().getComponentType(), b[1] - b[0]);
          System.arraycopy(v, b[0], slice, 0, b[1] - b[0]);
          out.put(k, slice);
        });
        return out;
      }
    };
  }
}
