package dev.vmodel.cli;

import dev.vmodel.compiler.codegen.GeneratedApi;
import dev.vmodel.compiler.plan.UpdatePlan;
import dev.vmodel.runtime.fit.FitResult;
import java.util.Locale;
import java.util.Map;

/**
 * The full posterior as JSON (schema in docs/posterior-json.md): the fit's ELBO and trace, and
 * for every factor its family, number of elements, and flat row-major arrays of its parameters
 * and per-coordinate means (and sds where the family gives them).
 */
final class PosteriorJson {
  private PosteriorJson() {}

  static String render(UpdatePlan plan, GeneratedApi api, FitResult r, double seconds) {
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"model\": ").append(str(plan.graph().name())).append(",\n");
    b.append("  \"elbo\": ").append(num(r.elbo())).append(",\n");
    b.append("  \"iterations\": ").append(r.iterations()).append(",\n");
    b.append("  \"converged\": ").append(r.converged()).append(",\n");
    if (seconds > 0) {
      b.append("  \"seconds\": ").append(num(seconds)).append(",\n");
    }
    b.append("  \"elboTrace\": ").append(array(r.elboTrace())).append(",\n");
    b.append("  \"factors\": {");
    boolean first = true;
    for (Map.Entry<String, FitResult.Posterior> e : r.posteriors().entrySet()) {
      FitResult.Posterior p = e.getValue();
      b.append(first ? "\n" : ",\n");
      first = false;
      b.append("    ").append(str(e.getKey())).append(": {\n");
      b.append("      \"family\": ").append(str(p.family())).append(",\n");
      b.append("      \"elements\": ").append(p.elements()).append(",\n");
      b.append("      \"parameters\": {");
      boolean f2 = true;
      for (Map.Entry<String, double[]> q : p.parameters().entrySet()) {
        b.append(f2 ? "\n" : ",\n");
        f2 = false;
        b.append("        ").append(str(q.getKey())).append(": ").append(array(q.getValue()));
      }
      b.append("\n      },\n");
      b.append("      \"mean\": ").append(array(p.mean()));
      if (p.sd().length > 0) {
        b.append(",\n      \"sd\": ").append(array(p.sd()));
      }
      b.append("\n    }");
    }
    b.append("\n  }\n}\n");
    return b.toString();
  }

  private static String array(double[] v) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ", ").append(num(v[i]));
    }
    return b.append(']').toString();
  }

  private static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "null";
    }
    return String.format(Locale.ROOT, "%.17g", v).replaceAll("(\\.\\d*?)0+($|e)", "$1$2").replaceAll("\\.($|e)", "$1");
  }

  private static String str(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
