package dev.vmodel.compiler.check;

import static dev.vmodel.compiler.check.SymbolTable.describe;
import static dev.vmodel.compiler.check.SymbolTable.nameOf;
import static dev.vmodel.compiler.check.SymbolTable.plateOf;

import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.ast.Ident;
import dev.vmodel.compiler.ast.ModelDecl;
import dev.vmodel.compiler.ast.PlateIndex;
import dev.vmodel.compiler.check.CheckedModel.PlateDim;
import dev.vmodel.compiler.check.SymbolTable.Signature;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The declaration pass, as javac's Enter: enters every name of a model, reports duplicates and
 * shadowing plate indices, resolves each declaration's signature (a hyper's declared type, a
 * data or latent plate and element type) and orders the declarations by what their bodies
 * refer to. Expressions are not typed here; that is {@link Attr}'s job.
 */
final class Enter {
  private final ModelDecl model;
  private final Diagnostics diags;
  private final Map<String, Decl> symbols = new LinkedHashMap<>();
  private final Map<String, Span> indexBindings = new HashMap<>();
  private final Map<String, String> indexOwners = new HashMap<>();
  private final Set<String> used = new HashSet<>();

  private Enter(ModelDecl model, Diagnostics diags) {
    this.model = model;
    this.diags = diags;
  }

  static SymbolTable enter(ModelDecl model, Diagnostics diags) {
    return new Enter(model, diags).run();
  }

  private SymbolTable run() {
    collectSymbols();
    NameIndex names = new NameIndex(symbols.keySet());
    TypeResolver types = new TypeResolver(symbols, names, diags, used);
    Map<String, Type> hyperTypes = new HashMap<>();
    Set<String> failedHyperTypes = new HashSet<>();
    Map<String, Signature> signatures = new HashMap<>();
    for (Decl d : model.decls()) {
      if (d instanceof Decl.GroupDecl || symbols.get(nameOf(d).name()) != d) {
        continue;
      }
      if (d instanceof Decl.HyperDecl h && h.type().isPresent()) {
        Type t = types.resolveType(h.type().get());
        if (t == null) {
          failedHyperTypes.add(h.name().name());
        } else {
          hyperTypes.put(h.name().name(), t);
        }
      } else if (d instanceof Decl.DataDecl x) {
        signatures.put(x.name().name(), signature(types, x.plate(), x.type()));
      } else if (d instanceof Decl.LatentDecl l) {
        signatures.put(l.name().name(), signature(types, l.plate(), l.type()));
      }
    }
    List<Decl> order = new ArrayList<>();
    int acyclic = dependencyOrder(order);
    return new SymbolTable(model, symbols, indexBindings, indexOwners, hyperTypes, failedHyperTypes, signatures,
        order, acyclic, used, names);
  }

  private void collectSymbols() {
    for (Decl d : model.decls()) {
      if (d instanceof Decl.GroupDecl) {
        continue;
      }
      Ident name = nameOf(d);
      Decl previous = symbols.get(name.name());
      if (previous != null) {
        diags.error(
            Code.DUPLICATE,
            name.span(),
            "'" + name.name() + "' is already declared as " + describe(previous) + " at line "
                + nameOf(previous).span().line(),
            "rename one of them");
      } else {
        symbols.put(name.name(), d);
      }
    }
    for (Decl d : model.decls()) {
      List<PlateIndex> plate = plateOf(d);
      Set<String> seen = new HashSet<>();
      for (PlateIndex p : plate) {
        String index = p.index().name();
        if (!seen.add(index)) {
          diags.error(
              Code.DUPLICATE, p.index().span(), "index '" + index + "' is bound twice in this plate",
              "give each dimension its own index, e.g. [n in N, d in D]");
        } else if (symbols.containsKey(index)) {
          Decl shadowed = symbols.get(index);
          diags.error(
              Code.SHADOWED_INDEX,
              p.index().span(),
              "index '" + index + "' shadows " + describe(shadowed) + " '" + index + "' declared at line "
                  + nameOf(shadowed).span().line(),
              "rename the index, e.g. '" + freshIndexName(index) + "'");
        }
        indexBindings.putIfAbsent(index, p.span());
        indexOwners.putIfAbsent(index, nameOf(d).name());
      }
    }
  }

  private String freshIndexName(String index) {
    for (String c : List.of("i", "j", "k", "l", "m", "n", "t", "u", "v")) {
      if (!symbols.containsKey(c) && !c.equals(index)) {
        return c;
      }
    }
    return index + "_";
  }

  /** Resolves a plate's sizes, then the element type. */
  private static Signature signature(TypeResolver types, List<PlateIndex> plate, dev.vmodel.compiler.ast.TypeRef ref) {
    List<PlateDim> plates = new ArrayList<>();
    Map<String, PlateDim> indices = new LinkedHashMap<>();
    Set<String> unknownIndices = new HashSet<>();
    boolean platesOk = true;
    for (PlateIndex p : plate) {
      String index = p.index().name();
      Dim size = types.resolveSizeName(p.size());
      if (size == null) {
        platesOk = false;
        unknownIndices.add(index);
        continue;
      }
      PlateDim pd = new PlateDim(index, p.size().name());
      plates.add(pd);
      if (indices.putIfAbsent(index, pd) != null) {
        unknownIndices.add(index); // bound twice (reported): which size it ranges over is unknown
      }
    }
    unknownIndices.forEach(indices::remove);
    Type type = types.resolveType(ref);
    return new Signature(List.copyOf(plates), indices, Set.copyOf(unknownIndices), platesOk, type);
  }

  /**
   * The named declarations, each after the declarations its body (default, distribution) names,
   * otherwise in declaration order; declarations on or after a cycle come last, in declaration
   * order. Kahn's algorithm, so linear in the model and free of recursion over chains. Returns
   * how many come before the first declaration on or after a cycle.
   */
  private int dependencyOrder(List<Decl> order) {
    List<Decl> named = new ArrayList<>();
    Map<String, Integer> position = new HashMap<>();
    for (Decl d : symbols.values()) {
      position.put(nameOf(d).name(), named.size());
      named.add(d);
    }
    int n = named.size();
    int[] waitingOn = new int[n];
    List<List<Integer>> dependents = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dependents.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      for (String ref : referencedNames(named.get(i))) {
        Integer j = position.get(ref);
        if (j != null) {
          waitingOn[i]++;
          dependents.get(j).add(i);
        }
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      if (waitingOn[i] == 0) {
        ready.add(i);
      }
    }
    boolean[] done = new boolean[n];
    while (!ready.isEmpty()) {
      int i = ready.poll();
      done[i] = true;
      order.add(named.get(i));
      for (int j : dependents.get(i)) {
        if (--waitingOn[j] == 0) {
          ready.add(j);
        }
      }
    }
    int acyclic = order.size();
    for (int i = 0; i < n; i++) {
      if (!done[i]) {
        order.add(named.get(i));
      }
    }
    return acyclic;
  }

  /** The distinct names a declaration's default or distribution mentions (a superset of its uses). */
  static Set<String> referencedNames(Decl d) {
    if (d instanceof Decl.SizeDecl s) {
      return s.value().map(Enter::namesIn).orElse(Set.of());
    } else if (d instanceof Decl.HyperDecl h) {
      return h.value().map(Enter::namesIn).orElse(Set.of());
    } else if (d instanceof Decl.DataDecl x) {
      return x.distribution().map(Enter::namesIn).orElse(Set.of());
    } else if (d instanceof Decl.LatentDecl l) {
      return l.distribution().map(Enter::namesIn).orElse(Set.of());
    }
    return Set.of();
  }

  /** The distinct names an expression mentions, in no particular order; without recursion. */
  static Set<String> namesIn(Expr root) {
    Set<String> out = new LinkedHashSet<>();
    Deque<Expr> work = new ArrayDeque<>();
    work.push(root);
    while (!work.isEmpty()) {
      Expr e = work.pop();
      if (e instanceof Expr.Name n) {
        out.add(n.name());
      } else if (e instanceof Expr.Index ix) {
        work.push(ix.target());
        ix.indices().forEach(work::push);
      } else if (e instanceof Expr.Call c) {
        c.args().forEach(a -> work.push(a.value()));
      } else if (e instanceof Expr.Neg ng) {
        work.push(ng.operand());
      } else if (e instanceof Expr.Binary b) {
        work.push(b.left());
        work.push(b.right());
      }
    }
    return out;
  }
}
