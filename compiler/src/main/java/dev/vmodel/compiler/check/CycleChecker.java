package dev.vmodel.compiler.check;

import static dev.vmodel.compiler.check.SymbolTable.nameOf;

import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Latent priors, data distributions, hyper and size defaults must not depend on themselves.
 * The dependency graph's strongly connected components are found first (Tarjan's algorithm,
 * iterative), so only declarations on a cycle are searched for one: linear in the model.
 */
final class CycleChecker {
  private final AttrContext ctx;
  private final Map<String, Set<String>> deps;

  private CycleChecker(AttrContext ctx) {
    this.ctx = ctx;
    this.deps = ctx.deps;
  }

  static void check(AttrContext ctx) {
    new CycleChecker(ctx).run();
  }

  private void run() {
    Map<String, Integer> component = components();
    Set<String> reported = new HashSet<>();
    for (Decl d : ctx.table.model().decls()) {
      if (d instanceof Decl.GroupDecl) {
        continue;
      }
      String start = nameOf(d).name();
      if (ctx.table.get(start) != d || reported.contains(start) || !onCycle(start, component)) {
        continue;
      }
      List<String> cycle = findCycle(start, component);
      if (cycle == null) {
        continue;
      }
      reported.addAll(cycle);
      String path = String.join(" -> ", cycle) + " -> " + start;
      Span at = spanOfDefinition(d);
      Expr.Index chain = cycle.size() == 1 ? selfIndexed(d, start) : null;
      if (chain != null) {
        Decl.LatentDecl l = (Decl.LatentDecl) d;
        ctx.diags.error(
            Code.NOT_CONJUGATE,
            at,
            "the prior of '" + start + "' refers to its own elements ('" + AstPrinter.print(chain) + "'): a Markov"
                + " chain, whose factor is structured over the whole array, so it is declared as one",
            "write `latent " + start + "[" + String.join(", ",
                l.plate().stream().map(p -> p.index().name() + " in " + p.size().name()).toList()) + "]: "
                + Optional.ofNullable(ctx.table.elementType(start)).map(Type::text).orElse("cat[K]")
                + " ~ Markov(rho, A);` with the initial distribution rho (simplex[K]) and the transition rows"
                + " A[k in K]: simplex[K]");
      } else if (cycle.size() == 1) {
        ctx.diags.error(
            Code.CYCLE,
            at,
            "the " + definitionWord(d) + " of '" + start + "' refers to '" + start + "' itself",
            SymbolTable.describe(d) + " cannot depend on itself; use another declaration");
      } else {
        ctx.diags.error(
            Code.CYCLE,
            at,
            "cyclic dependency: " + path,
            "the model must be a directed acyclic graph; break the cycle by removing one of these references");
      }
    }
  }

  private boolean onCycle(String name, Map<String, Integer> component) {
    Integer c = component.get(name);
    if (c == null) {
      return false;
    }
    for (String next : deps.getOrDefault(name, Set.of())) {
      if (c.equals(component.get(next))) {
        return true; // a self-reference, or another member of a component of two or more
      }
    }
    return false;
  }

  /**
   * A path from start's dependencies back to start, depth first; only declarations of start's
   * component can lead back to it, so the search stays inside it.
   */
  private List<String> findCycle(String start, Map<String, Integer> component) {
    Integer c = component.get(start);
    // Each node is pushed once, when first seen; its path is its parent's path and itself.
    Deque<String> stack = new ArrayDeque<>();
    Map<String, String> parent = new HashMap<>();
    stack.push(start);
    Set<String> visited = new HashSet<>();
    while (!stack.isEmpty()) {
      String last = stack.pop();
      for (String next : deps.getOrDefault(last, Set.of())) {
        if (next.equals(start)) {
          List<String> path = new ArrayList<>();
          for (String at = last; at != null; at = parent.get(at)) {
            path.add(at);
          }
          java.util.Collections.reverse(path);
          return path;
        }
        if (c.equals(component.get(next)) && visited.add(next) && deps.containsKey(next)) {
          parent.put(next, last);
          stack.push(next);
        }
      }
    }
    return null;
  }

  /** Tarjan's strongly connected components of the dependency graph, without recursion. */
  private Map<String, Integer> components() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Set<String> onStack = new HashSet<>();
    Deque<String> stack = new ArrayDeque<>();
    Map<String, Integer> component = new HashMap<>();
    int counter = 0;
    int components = 0;
    for (String root : deps.keySet()) {
      if (index.containsKey(root)) {
        continue;
      }
      Deque<Object[]> frames = new ArrayDeque<>(); // {name, iterator over its dependencies}
      index.put(root, counter);
      low.put(root, counter++);
      stack.push(root);
      onStack.add(root);
      frames.push(new Object[] {root, deps.get(root).iterator()});
      while (!frames.isEmpty()) {
        Object[] frame = frames.peek();
        String v = (String) frame[0];
        @SuppressWarnings("unchecked")
        java.util.Iterator<String> it = (java.util.Iterator<String>) frame[1];
        if (it.hasNext()) {
          String w = it.next();
          if (!deps.containsKey(w)) {
            continue;
          }
          if (!index.containsKey(w)) {
            index.put(w, counter);
            low.put(w, counter++);
            stack.push(w);
            onStack.add(w);
            frames.push(new Object[] {w, deps.get(w).iterator()});
          } else if (onStack.contains(w)) {
            low.put(v, Math.min(low.get(v), index.get(w)));
          }
          continue;
        }
        frames.pop();
        if (!frames.isEmpty()) {
          String parent = (String) frames.peek()[0];
          low.put(parent, Math.min(low.get(parent), low.get(v)));
        }
        if (low.get(v).equals(index.get(v))) {
          String w;
          do {
            w = stack.pop();
            onStack.remove(w);
            component.put(w, components);
          } while (!w.equals(v));
          components++;
        }
      }
    }
    return component;
  }

  /** In a plated latent whose prior indexes the latent itself (a chain), the first such use. */
  private static Expr.Index selfIndexed(Decl d, String name) {
    if (!(d instanceof Decl.LatentDecl l) || l.plate().isEmpty() || l.distribution().isEmpty()) {
      return null;
    }
    java.util.Deque<Expr> work = new ArrayDeque<>();
    work.push(l.distribution().get());
    while (!work.isEmpty()) {
      Expr e = work.pop();
      if (e instanceof Expr.Index ix) {
        if (ix.target() instanceof Expr.Name n && n.name().equals(name)) {
          return ix;
        }
        work.push(ix.target());
        ix.indices().forEach(work::push);
      } else if (e instanceof Expr.Call c) {
        for (int i = c.args().size() - 1; i >= 0; i--) {
          work.push(c.args().get(i).value());
        }
      } else if (e instanceof Expr.Neg ng) {
        work.push(ng.operand());
      } else if (e instanceof Expr.Binary b) {
        work.push(b.right());
        work.push(b.left());
      }
    }
    return null;
  }

  private static Span spanOfDefinition(Decl d) {
    if (d instanceof Decl.LatentDecl l && l.distribution().isPresent()) {
      return l.distribution().get().span();
    } else if (d instanceof Decl.DataDecl x && x.distribution().isPresent()) {
      return x.distribution().get().span();
    } else if (d instanceof Decl.HyperDecl h && h.value().isPresent()) {
      return h.value().get().span();
    } else if (d instanceof Decl.SizeDecl s && s.value().isPresent()) {
      return s.value().get().span();
    }
    return nameOf(d).span();
  }

  private static String definitionWord(Decl d) {
    if (d instanceof Decl.LatentDecl) {
      return "prior";
    } else if (d instanceof Decl.DataDecl) {
      return "distribution";
    }
    return "default";
  }
}
