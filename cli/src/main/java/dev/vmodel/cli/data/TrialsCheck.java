package dev.vmodel.cli.data;

import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.ModelGraph;
import java.util.List;
import java.util.Map;

/**
 * Checks observations of {@code Binomial(trials, p)} and {@code Multinomial(trials, p)} against
 * their trials, where the trials are a constant or a data array over the same plate
 * ({@code trials[n]}): Binomial successes at most the trials; Multinomial counts whole numbers
 * ≥ 0 that add up to the trials. The Multinomial data type is a real vector, so nothing else
 * stops {@code 2.5}, {@code -1} or a row that does not add up, and a fit of such data breaks
 * down numerically or gives a wrong posterior. Errors name file, line and column.
 */
final class TrialsCheck {
  private TrialsCheck() {}

  static void check(ModelGraph graph, Map<String, Object> arrays, Map<String, DataBinder.Source> sources)
      throws DataError {
    for (Map.Entry<String, Object> e : arrays.entrySet()) {
      ModelGraph.Node node = graph.node(e.getKey());
      if (node == null || node.dist().isEmpty() || node.plates().isEmpty()) {
        continue;
      }
      ModelGraph.Dist dist = node.dist().get();
      String family = dist.spec().name();
      if (!family.equals("Binomial") && !family.equals("Multinomial") || dist.arg("trials") == null) {
        continue;
      }
      Trials trials = trials(dist.arg("trials").value(), node.plates().get(0).index(), arrays);
      DataBinder.Source src = sources.get(e.getKey());
      if (family.equals("Binomial") && e.getValue() instanceof int[] y) {
        binomial(y, trials, src);
      } else if (family.equals("Multinomial") && e.getValue() instanceof double[][] counts) {
        multinomial(counts, trials, src);
      }
    }
  }

  /** The trials of each row, and how to name them in a message. */
  private record Trials(int constant, int[] perRow, String name) {
    int at(int row) {
      return perRow == null ? constant : perRow[row];
    }
  }

  private static Trials trials(Ir value, String rowIndex, Map<String, Object> arrays) {
    if (value instanceof Ir.Const c && c.value() == Math.rint(c.value()) && c.value() >= 0) {
      return new Trials((int) c.value(), null, "the trials");
    }
    if (value instanceof Ir.Var v && !v.latent() && v.indices().size() == 1
        && v.indices().get(0) instanceof Ir.Index.Plate p && p.name().equals(rowIndex)
        && arrays.get(v.name()) instanceof int[] perRow) {
      return new Trials(0, perRow, "'" + v.name() + "'");
    }
    return null;
  }

  private static void binomial(int[] y, Trials trials, DataBinder.Source src) throws DataError {
    if (trials == null) {
      return;
    }
    String col = src.columns().get(0);
    for (int r = 0; r < y.length; r++) {
      if (r < limit(trials) && y[r] > trials.at(r)) {
        throw src.table().error(col, r, y[r] + " successes is more than the " + trials.at(r) + " trials of this row ("
            + trials.name() + "); a Binomial count is at most its trials");
      }
    }
  }

  private static void multinomial(double[][] counts, Trials trials, DataBinder.Source src) throws DataError {
    List<String> cols = src.columns();
    Table t = src.table();
    for (int r = 0; r < counts.length; r++) {
      double sum = 0;
      for (int c = 0; c < counts[r].length; c++) {
        double v = counts[r][c];
        String col = cols.get(Math.min(c, cols.size() - 1));
        if (Double.isNaN(v)) {
          throw t.error(col, r, "is missing; Multinomial counts cannot be missing");
        }
        if (v < 0 || v != Math.rint(v)) {
          throw t.error(col, r, v + " is not a count; Multinomial counts are whole numbers >= 0");
        }
        sum += v;
      }
      if (trials != null && r < limit(trials) && sum != trials.at(r)) {
        throw new DataError(t.file(), t.line(cols.get(0), r), null, (t.isJson() ? "entry " + r + ": " : "")
            + "the counts " + cols.get(0) + " ... " + cols.get(cols.size() - 1) + " add up to " + (long) sum
            + ", but the trials of this row (" + trials.name() + ") are " + trials.at(r)
            + "; Multinomial counts add up to their trials");
      }
    }
  }

  /** Rows that have trials (arrays of different lengths are reported by the model's own check). */
  private static int limit(Trials trials) {
    return trials.perRow == null ? Integer.MAX_VALUE : trials.perRow.length;
  }
}
