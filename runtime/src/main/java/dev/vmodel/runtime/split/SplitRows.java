package dev.vmodel.runtime.split;

import dev.vmodel.runtime.fit.DataException;
import java.util.HashMap;
import java.util.Map;

/** What a runner does to a part's arrays before {@link SplitModel#part}. */
public final class SplitRows {
  private SplitRows() {}

  /**
   * Renumbers, in place, the values of every group column ({@link SplitModel.Column#group}) of a
   * part's {@code arrays} to 0, 1, ... in order of first appearance: a part holds only some groups,
   * and its local factors are per group of its own. Returns the number of groups of the last group
   * column (0 if there is none).
   *
   * @throws DataException if a group value is negative
   */
  public static int renumberGroups(SplitModel model, Map<String, Object> arrays) {
    int groups = 0;
    for (SplitModel.Column c : model.columns()) {
      if (!c.group()) {
        continue;
      }
      int[] v = (int[]) arrays.get(c.name());
      if (v == null) {
        continue;
      }
      Map<Integer, Integer> ids = new HashMap<>();
      for (int i = 0; i < v.length; i++) {
        if (v[i] < 0) {
          throw new DataException(c.name(), i, -1, "a group id must be 0 or more, got " + v[i]);
        }
        Integer id = ids.get(v[i]);
        if (id == null) {
          id = ids.size();
          ids.put(v[i], id);
        }
        v[i] = id;
      }
      groups = ids.size();
    }
    return groups;
  }
}
