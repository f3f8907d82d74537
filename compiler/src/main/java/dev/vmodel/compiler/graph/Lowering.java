package dev.vmodel.compiler.graph;

import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.CheckedModel.VarSym;
import dev.vmodel.compiler.check.Domain;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.InternalCompilerError;
import dev.vmodel.compiler.dist.DistributionSpec;
import dev.vmodel.compiler.dist.Distributions;
import dev.vmodel.compiler.graph.ModelGraph.Arg;
import dev.vmodel.compiler.graph.ModelGraph.Dist;
import dev.vmodel.compiler.graph.ModelGraph.Factor;
import dev.vmodel.compiler.graph.ModelGraph.Kind;
import dev.vmodel.compiler.graph.ModelGraph.Node;
import dev.vmodel.compiler.graph.ModelGraph.Plate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stage 3: lowers a checked model to its graph. Every name becomes what it refers to, and every
 * index says how it selects (plate, nested data index, gate, constant). The mean-field factors
 * are the declared groups plus one factor for each ungrouped latent.
 */
public final class Lowering {
  private final CheckedModel model;
  private final Diagnostics diagnostics;
  private Map<String, String> plateIndices = Map.of();

  private Lowering(CheckedModel model, Diagnostics diagnostics) {
    this.model = model;
    this.diagnostics = diagnostics;
  }

  /** Lowers a model; null (with diagnostics) when an expression is beyond inference. */
  public static ModelGraph lower(CheckedModel model, Diagnostics diagnostics) {
    return new Lowering(model, diagnostics).run();
  }

  private ModelGraph run() {
    long errorsBefore = diagnostics.errorCount();
    List<Node> nodes = new ArrayList<>();
    for (VarSym v : model.variables()) {
      Map<String, String> indices = new LinkedHashMap<>();
      List<Plate> plates = new ArrayList<>();
      for (CheckedModel.PlateDim p : v.plates()) {
        indices.put(p.index(), p.size());
        plates.add(new Plate(p.index(), p.size()));
      }
      plateIndices = indices;
      Optional<Dist> dist = Optional.empty();
      if (v.distribution().isPresent()) {
        CheckedModel.BoundDistribution bd = v.distribution().get();
        Map<String, Arg> args = new LinkedHashMap<>();
        for (CheckedModel.BoundArg a : bd.args()) {
          args.put(a.slot(), new Arg(a.givenAs(), lower(a.value())));
        }
        dist = Optional.of(new Dist(bd.spec(), args, bd.span()));
      }
      Kind kind = v.isLatent() ? Kind.LATENT : v.isModeledData() ? Kind.DATA : Kind.COVARIATE;
      nodes.add(new Node(v.name(), kind, plates, v.type(), dist, v.span()));
    }
    addBounds(nodes);
    List<Factor> factors = new ArrayList<>();
    Set<String> grouped = new HashSet<>();
    for (CheckedModel.GroupSym g : model.groups()) {
      grouped.addAll(g.members());
    }
    Set<String> emitted = new HashSet<>();
    for (VarSym v : model.variables()) {
      if (!v.isLatent() || emitted.contains(v.name())) {
        continue;
      }
      if (grouped.contains(v.name())) {
        CheckedModel.GroupSym g = model.groups().stream()
            .filter(x -> x.members().contains(v.name())).findFirst().orElseThrow();
        factors.add(new Factor(String.join(", ", g.members()), g.members(), g.span()));
        emitted.addAll(g.members());
      } else {
        factors.add(new Factor(v.name(), List.of(v.name()), v.span()));
        emitted.add(v.name());
      }
    }
    for (Node n : nodes) {
      if (n.isBound()) {
        factors.add(new Factor(n.name(), List.of(n.name()), n.span()));
      }
    }
    Map<String, Ir> hyperDefaults = new LinkedHashMap<>();
    plateIndices = Map.of();
    for (CheckedModel.HyperSym h : model.hypers()) {
      h.defaultValue().ifPresent(v -> hyperDefaults.put(h.name(), lower(v)));
    }
    if (diagnostics.errorCount() > errorsBefore) {
      return null;
    }
    return new ModelGraph(
        model.name(), model.javaPackage(), model.file(), model.sizes(), model.hypers(), hyperDefaults, nodes,
        factors);
  }

  /**
   * Attaches a local variational bound to each observed likelihood whose parameter is a latent
   * through a nonlinear link: {@code Bernoulli(logistic(a))} gets Jaakkola and Jordan's bound, one
   * xi per row ({@code xi_y}), and {@code Categorical(softmax(v))} a quadratic bound with one
   * expansion point per row ({@code psi_c}). The bound's parameters are a synthetic local latent
   * on the data's plates, so the analyzer derives their updates like any factor's. A latent value
   * gets no bound (its link stays E100 in the analyzer).
   */
  private void addBounds(List<Node> nodes) {
    Set<String> taken = new HashSet<>();
    nodes.forEach(n -> taken.add(n.name()));
    model.sizes().forEach(s -> taken.add(s.name()));
    model.hypers().forEach(h -> taken.add(h.name()));
    for (Node n : List.copyOf(nodes)) {
      if (n.kind() != Kind.DATA || n.dist().isEmpty()) {
        continue;
      }
      Dist d = n.dist().get();
      String link = switch (d.spec().name()) {
        case "Bernoulli" -> "logistic";
        case "Categorical" -> "softmax";
        default -> null;
      };
      Arg p = d.arg("p");
      if (link == null || p == null || !(p.value() instanceof Ir.Call c) || !c.fn().equals(link)
          || Ir.latentsIn(c.args().get(0)).isEmpty()) {
        continue;
      }
      String base = (link.equals("logistic") ? "xi_" : "psi_") + n.name();
      String name = base;
      for (int i = 2; taken.contains(name); i++) {
        name = base + "_" + i;
      }
      taken.add(name);
      Ir.Var of = new Ir.Var(n.name(), false, List.of(), n.type(), d.span());
      Type type = link.equals("logistic") ? new Type.Scalar(Domain.REAL)
          : new Type.Vector(((Type.Cat) n.type()).range(), Domain.REAL);
      DistributionSpec spec = link.equals("logistic") ? Distributions.JAAKKOLA_JORDAN : Distributions.BOHNING;
      nodes.add(new Node(name, Kind.LATENT, n.plates(), type, Optional.of(new Dist(spec, Map.of("of",
          new Arg("of", of)), d.span())), d.span()));
    }
  }

  private Type typeOf(Expr e) {
    Type t = model.typeOf(e);
    if (t == null) {
      throw new InternalCompilerError("no type for " + AstPrinter.print(e) + " at " + e.span());
    }
    return t;
  }

  private Ir lower(Expr e) {
    if (e instanceof Expr.Number n) {
      return new Ir.Const(n.value(), typeOf(e), n.span());
    } else if (e instanceof Expr.Name n) {
      return lowerName(n, typeOf(e));
    } else if (e instanceof Expr.Index ix) {
      return lowerIndex(ix);
    } else if (e instanceof Expr.Neg n) {
      return new Ir.Neg(lower(n.operand()), typeOf(e), n.span());
    } else if (e instanceof Expr.Binary b) {
      Ir.Op op = Ir.Op.valueOf(b.op().name());
      return new Ir.Binary(op, lower(b.left()), lower(b.right()), typeOf(e), b.span());
    } else if (e instanceof Expr.Call c) {
      List<Ir> args = new ArrayList<>();
      for (Expr.Arg a : c.args()) {
        Expr v = a.value();
        // Dimension arguments (rep's count, zeros', identity's) are sizes or literals, not values.
        if (model.typeOf(v) == null && v instanceof Expr.Name n) {
          args.add(new Ir.Size(n.name(), new Type.Scalar(Domain.POSITIVE_INT), n.span()));
        } else if (model.typeOf(v) == null && v instanceof Expr.Number num) {
          args.add(new Ir.Const(num.value(), new Type.Scalar(Domain.POSITIVE_INT), num.span()));
        } else {
          args.add(lower(v));
        }
      }
      return new Ir.Call(c.name(), args, typeOf(e), c.span());
    }
    throw new InternalCompilerError("cannot lower " + AstPrinter.print(e));
  }

  private Ir lowerName(Expr.Name n, Type type) {
    String name = n.name();
    if (plateIndices.containsKey(name)) {
      return new Ir.IndexValue(name, plateIndices.get(name), type, n.span());
    }
    if (model.size(name).isPresent()) {
      return new Ir.Size(name, type, n.span());
    }
    if (model.hyper(name).isPresent()) {
      return new Ir.Hyper(name, type, n.span());
    }
    VarSym v = model.variable(name).orElseThrow(() -> new InternalCompilerError("unresolved " + name));
    if (!v.plates().isEmpty()) {
      return new Ir.ArrayVector(name, v.isLatent(), v.plates().get(0).size(), type, n.span());
    }
    return new Ir.Var(name, v.isLatent(), List.of(), type, n.span());
  }

  private Ir lowerIndex(Expr.Index ix) {
    Type type = typeOf(ix);
    if (ix.target() instanceof Expr.Name n && !plateIndices.containsKey(n.name())
        && model.variable(n.name()).map(v -> !v.plates().isEmpty()).orElse(false)) {
      VarSym v = model.variable(n.name()).orElseThrow();
      int p = v.plates().size();
      List<Ir.Index> plateIdx = new ArrayList<>();
      for (int i = 0; i < p; i++) {
        plateIdx.add(lowerIndexExpr(ix.indices().get(i)));
      }
      Ir.Var element = new Ir.Var(v.name(), v.isLatent(), plateIdx, v.type(), ix.span());
      if (ix.indices().size() == p) {
        return element;
      }
      List<Ir.Index> rest = new ArrayList<>();
      for (int i = p; i < ix.indices().size(); i++) {
        rest.add(lowerIndexExpr(ix.indices().get(i)));
      }
      return new Ir.Element(element, rest, type, ix.span());
    }
    List<Ir.Index> idx = new ArrayList<>();
    for (Expr i : ix.indices()) {
      idx.add(lowerIndexExpr(i));
    }
    return new Ir.Element(lower(ix.target()), idx, type, ix.span());
  }

  private Ir.Index lowerIndexExpr(Expr e) {
    if (e instanceof Expr.Name n && plateIndices.containsKey(n.name())) {
      return new Ir.Index.Plate(n.name(), plateIndices.get(n.name()), n.span());
    }
    if (e instanceof Expr.Number num) {
      return new Ir.Index.Fixed((int) num.value(), num.span());
    }
    Ir lowered = lower(e);
    if (lowered instanceof Ir.Var v && !v.latent()) {
      return new Ir.Index.Data(v, e.span());
    }
    if (lowered instanceof Ir.Var v && v.type() instanceof Type.Cat c) {
      return new Ir.Index.Gate(v, c.range().text(), e.span());
    }
    diagnostics.error(
        Code.INDEX_EXPRESSION,
        e.span(),
        "inference supports indices that are plate indices, integer data, latent categoricals or literals;"
            + " '" + AstPrinter.print(e) + "' is none of these",
        "introduce a data array holding the index, e.g. `data prev[n in N]: cat[N];`");
    return new Ir.Index.Fixed(0, e.span());
  }
}
