package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.AstPrinter;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.ast.Ident;
import dev.vmodel.compiler.ast.ModelDecl;
import dev.vmodel.compiler.ast.PlateIndex;
import dev.vmodel.compiler.ast.TypeRef;
import dev.vmodel.compiler.check.CheckedModel.BoundArg;
import dev.vmodel.compiler.check.CheckedModel.BoundDistribution;
import dev.vmodel.compiler.check.CheckedModel.GroupSym;
import dev.vmodel.compiler.check.CheckedModel.HyperSym;
import dev.vmodel.compiler.check.CheckedModel.PlateDim;
import dev.vmodel.compiler.check.CheckedModel.SizeSym;
import dev.vmodel.compiler.check.CheckedModel.VarKind;
import dev.vmodel.compiler.check.CheckedModel.VarSym;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.Span;
import dev.vmodel.compiler.dist.DistributionSpec;
import dev.vmodel.compiler.dist.Distributions;
import dev.vmodel.compiler.dist.ParamSlot;
import dev.vmodel.compiler.dist.Pattern;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/** Checks one model block. See {@link Checker}. */
final class ModelChecker {
  private static final Map<String, Integer> TYPE_ARITY = new LinkedHashMap<>();
  private static final Map<String, String> TYPE_ALIASES =
      Map.of(
          "float", "real", "double", "real", "integer", "int", "boolean", "bool",
          "nat", "count", "categorical", "cat", "psd", "spd", "pd", "spd", "prob", "unit");
  private static final Set<String> FUNCTIONS =
      new LinkedHashSet<>(List.of("dot", "sum", "rep", "zeros", "identity", "diag", "exp", "log", "stick"));

  static {
    for (String s : List.of("real", "positive", "unit", "int", "count", "bool")) {
      TYPE_ARITY.put(s, 0);
    }
    for (String s : List.of("cat", "vector", "simplex", "spd")) {
      TYPE_ARITY.put(s, 1);
    }
    TYPE_ARITY.put("matrix", 2);
  }

  /** Where an expression is being checked: what it may refer to. */
  private enum Context {
    SIZE_DEFAULT,
    HYPER_DEFAULT,
    TYPE_DIMENSION,
    DISTRIBUTION
  }

  /** The declaration being checked, its bound indices, and what it refers to. */
  private static final class Scope {
    final Context context;
    final String owner;
    final Map<String, PlateDim> indices;
    /** Indices of a broken plate (size not a size, index bound twice): uses are not checked. */
    final Set<String> unknownIndices = new HashSet<>();
    final Set<String> deps = new LinkedHashSet<>();

    Scope(Context context, String owner, Map<String, PlateDim> indices) {
      this.context = context;
      this.owner = owner;
      this.indices = indices;
    }
  }

  private final String file;
  private final Optional<String> javaPackage;
  private final ModelDecl model;
  private final Diagnostics diags;

  private final Map<String, Decl> symbols = new LinkedHashMap<>();
  private final Map<String, Span> indexBindings = new HashMap<>();
  private final Map<String, String> indexOwners = new HashMap<>();
  private final Map<Expr, Type> exprTypes = new IdentityHashMap<>();
  private final Map<String, Type> hyperTypes = new HashMap<>();
  private final Map<String, VarSym> vars = new LinkedHashMap<>();
  private final Map<String, Set<String>> deps = new LinkedHashMap<>();
  private final Set<String> used = new HashSet<>();
  private final Set<String> failedHypers = new HashSet<>();
  private final Map<String, Domain> hyperRequirements = new HashMap<>();
  private final Set<String> evaluating = new HashSet<>();
  /**
   * Variables whose declared type disagrees with their distribution: their declaration is
   * already reported, so their uses are not checked against either type (no cascades).
   */
  private final Set<String> poisonedVars = new HashSet<>();
  private boolean probe;
  private boolean afterSyntaxErrors;

  ModelChecker(String file, Optional<String> javaPackage, ModelDecl model, Diagnostics diags) {
    this.file = file;
    this.javaPackage = javaPackage;
    this.model = model;
    this.diags = diags;
  }

  /**
   * Marks the model as recovered from syntax errors: parts of declarations may be missing, so
   * conclusions about the whole model ("nothing binds size N") are not drawn.
   */
  ModelChecker afterSyntaxErrors(boolean value) {
    this.afterSyntaxErrors = value;
    return this;
  }

  CheckedModel run() {
    if (!probe) {
      // Declarations are order-independent, so a use may be checked before the declaration it
      // refers to: find the declarations that disagree with their distribution first, quietly.
      ModelChecker pre = new ModelChecker(file, javaPackage, model, new Diagnostics());
      pre.probe = true;
      pre.run();
      poisonedVars.addAll(pre.poisonedVars);
    }
    collectSymbols();
    List<SizeSym> sizes = new ArrayList<>();
    List<HyperSym> hypers = new ArrayList<>();
    for (Decl d : model.decls()) {
      if (d instanceof Decl.SizeDecl s && symbols.get(s.name().name()) == s) {
        checkSizeDefault(s);
      }
    }
    for (Decl d : model.decls()) {
      if (d instanceof Decl.HyperDecl h && symbols.get(h.name().name()) == h) {
        Type t = hyperType(h);
        if (t != null) {
          hypers.add(new HyperSym(h.name().name(), t, h.value(), h.span(), Domain.REAL));
        }
      }
    }
    for (Decl d : model.decls()) {
      if (d instanceof Decl.DataDecl data && symbols.get(data.name().name()) == data) {
        checkVariable(d, VarKind.DATA, data.name(), data.plate(), data.type(), data.distribution());
      } else if (d instanceof Decl.LatentDecl l && symbols.get(l.name().name()) == l) {
        checkVariable(d, VarKind.LATENT, l.name(), l.plate(), l.type(), l.distribution());
      }
    }
    List<GroupSym> groups = checkGroups();
    checkCycles();
    Set<String> boundByData = sizesBoundByData();
    for (Decl d : model.decls()) {
      if (d instanceof Decl.SizeDecl s && symbols.get(s.name().name()) == s) {
        boolean bound = boundByData.contains(s.name().name());
        if (s.value().isEmpty() && !bound && !afterSyntaxErrors) {
          diags.error(
              Code.UNBOUND_SIZE,
              s.name().span(),
              "size '" + s.name().name() + "' has no default and no data array has a dimension over it,"
                  + " so nothing can bind it",
              "give it a default, e.g. `size " + s.name().name() + " = 3;`, or declare a data array over it");
        }
        sizes.add(new SizeSym(s.name().name(), s.value(), bound, s.span()));
      }
    }
    // Whether a declaration is used, and whether a latent reaches the data, is known only when
    // every expression was understood: after an error they would be guesses (a misspelt 'betta'
    // would make 'beta' unused and its latent unobserved). They are reported once the model
    // is free of errors.
    if (!diags.hasErrors() && !afterSyntaxErrors) {
      warnUnused();
      warnUnobserved();
    }
    List<HyperSym> withRequirements = new ArrayList<>();
    for (HyperSym h : hypers) {
      withRequirements.add(new HyperSym(h.name(), h.type(), h.defaultValue(), h.span(),
          hyperRequirements.getOrDefault(h.name(), Domain.REAL)));
    }
    return new CheckedModel(
        model.name().name(), javaPackage, file, sizes, withRequirements,
        vars.values().stream().filter(java.util.Objects::nonNull).toList(), groups,
        exprTypes, model);
  }

  // ---------------------------------------------------------------------------------------------
  // Names

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

  private static Ident nameOf(Decl d) {
    if (d instanceof Decl.SizeDecl s) {
      return s.name();
    } else if (d instanceof Decl.HyperDecl h) {
      return h.name();
    } else if (d instanceof Decl.DataDecl x) {
      return x.name();
    } else if (d instanceof Decl.LatentDecl l) {
      return l.name();
    }
    throw new IllegalArgumentException("group declarations have no name");
  }

  private static List<PlateIndex> plateOf(Decl d) {
    if (d instanceof Decl.DataDecl x) {
      return x.plate();
    } else if (d instanceof Decl.LatentDecl l) {
      return l.plate();
    }
    return List.of();
  }

  private static String describe(Decl d) {
    if (d instanceof Decl.SizeDecl) {
      return "a size";
    } else if (d instanceof Decl.HyperDecl) {
      return "a hyper";
    } else if (d instanceof Decl.DataDecl) {
      return "data";
    } else if (d instanceof Decl.LatentDecl) {
      return "a latent";
    }
    return "a group";
  }

  // ---------------------------------------------------------------------------------------------
  // Sizes and hyperparameters

  private void checkSizeDefault(Decl.SizeDecl s) {
    if (s.value().isEmpty()) {
      return;
    }
    Expr value = s.value().get();
    Scope scope = new Scope(Context.SIZE_DEFAULT, s.name().name(), Map.of());
    Type t = check(value, scope);
    deps.put(s.name().name(), scope.deps);
    if (t == null) {
      return;
    }
    OptionalDouble v = constant(value);
    boolean ok =
        t instanceof Type.Scalar sc
            && (v.isPresent() ? Domain.POSITIVE_INT.contains(v.getAsDouble()) : sc.domain() == Domain.POSITIVE_INT);
    if (!ok) {
      String text = AstPrinter.print(value);
      String found = v.isEmpty() ? describeValue(value, t)
          : text + (text.equals(format(v.getAsDouble())) ? "" : " = " + format(v.getAsDouble()));
      diags.error(
          Code.BAD_SIZE_DEFAULT,
          value.span(),
          "the default of size '" + s.name().name() + "' must be a positive integer, found " + found,
          "write e.g. `size " + s.name().name() + " = 3;`");
    }
  }

  private Type checkHyper(Decl.HyperDecl h) {
    String name = h.name().name();
    Type declared = h.type().map(this::resolveType).orElse(null);
    if (h.type().isPresent() && declared == null) {
      failedHypers.add(name);
      return null;
    }
    if (h.value().isEmpty()) {
      deps.put(name, Set.of());
      if (declared == null) {
        diags.error(
            Code.HYPER_NEEDS_DEFAULT,
            h.name().span(),
            "hyper '" + name + "' has neither a default value nor a type",
            "give it a default, e.g. `hyper " + name + " = 1.0;`, or a type to be set at fit time,"
                + " e.g. `hyper " + name + ": real;`");
        failedHypers.add(name);
        return null;
      }
      hyperTypes.put(name, declared);
      return declared;
    }
    Expr value = h.value().get();
    Scope scope = new Scope(Context.HYPER_DEFAULT, name, Map.of());
    Type t = check(value, scope);
    deps.put(name, scope.deps);
    if (t == null) {
      failedHypers.add(name);
      return declared;
    }
    if (declared != null) {
      if (!sameShape(declared, t)) {
        diags.error(
            Code.SHAPE_MISMATCH,
            value.span(),
            "hyper '" + name + "' is declared " + declared.text() + ", but its default is " + t.text(),
            "make the default a " + declared.text());
        failedHypers.add(name);
        return declared;
      }
      if (!checkDomain(declared, t, value, "the default of hyper '" + name + "'")) {
        failedHypers.add(name);
        return declared;
      }
      // The tighter of the declared type and the default's: `matrix[D, D] = identity(D)` is spd.
      // A value set at fit time is checked against the same domain there.
      return tighten(declared, t);
    }
    hyperTypes.put(name, widenForHyper(t));
    return hyperTypes.get(name);
  }

  private static Type tighten(Type declared, Type value) {
    if (declared instanceof Type.Matrix d && value instanceof Type.Matrix v && v.domain() == Domain.SPD) {
      return new Type.Matrix(d.rows(), d.cols(), Domain.SPD);
    }
    if (declared instanceof Type.Vector d && value instanceof Type.Vector v && d.domain() == Domain.REAL
        && v.domain() != Domain.REAL) {
      return new Type.Vector(d.length(), v.domain() == Domain.SIMPLEX ? Domain.POSITIVE : v.domain());
    }
    return declared;
  }

  /** An untyped hyper takes its default's shape; scalars are `real` unless more is known. */
  private static Type widenForHyper(Type t) {
    if (t instanceof Type.Scalar s && s.domain() == Domain.POSITIVE_INT) {
      return new Type.Scalar(Domain.POSITIVE);
    }
    if (t instanceof Type.Cat) {
      return new Type.Scalar(Domain.COUNT);
    }
    return t;
  }

  // ---------------------------------------------------------------------------------------------
  // Types

  private Type resolveType(TypeRef ref) {
    String name = ref.name().name();
    Integer arity = TYPE_ARITY.get(name);
    if (arity == null) {
      String alias = TYPE_ALIASES.get(name);
      Optional<String> close = alias != null ? Optional.of(alias) : Suggest.closest(name, TYPE_ARITY.keySet());
      diags.error(
          Code.UNKNOWN_TYPE,
          ref.name().span(),
          "unknown type '" + name + "'",
          close.map(c -> "did you mean '" + c + "'?")
              .orElse("types are real, positive, unit, int, count, bool, cat[K], vector[D], simplex[K],"
                  + " matrix[R, C] and spd[D]"));
      return null;
    }
    if (ref.dims().size() != arity) {
      String hint;
      if (arity == 0) {
        hint = "'" + name + "' takes no dimensions; for an array, declare a plate: `x[n in N]: " + name + "`";
      } else if (arity == 1) {
        hint = "write " + name + "[D] with a size D";
      } else {
        hint = "write matrix[R, C] with sizes R and C";
      }
      diags.error(
          Code.TYPE_DIMENSIONS,
          ref.span(),
          "type '" + name + "' takes " + (arity == 0 ? "no dimensions" : arity == 1 ? "1 dimension" : arity + " dimensions")
              + ", found " + ref.dims().size(),
          hint);
      return null;
    }
    List<Dim> dims = new ArrayList<>();
    for (Expr e : ref.dims()) {
      Dim d = resolveDim(e);
      if (d == null) {
        return null;
      }
      dims.add(d);
    }
    switch (name) {
      case "real":
        return new Type.Scalar(Domain.REAL);
      case "positive":
        return new Type.Scalar(Domain.POSITIVE);
      case "unit":
        return new Type.Scalar(Domain.UNIT);
      case "int":
        return new Type.Scalar(Domain.INT);
      case "count":
        return new Type.Scalar(Domain.COUNT);
      case "bool":
        return new Type.Scalar(Domain.BOOL);
      case "cat":
        return new Type.Cat(dims.get(0));
      case "vector":
        return new Type.Vector(dims.get(0), Domain.REAL);
      case "simplex":
        return new Type.Vector(dims.get(0), Domain.SIMPLEX);
      case "spd":
        return new Type.Matrix(dims.get(0), dims.get(0), Domain.SPD);
      default:
        return new Type.Matrix(dims.get(0), dims.get(1), Domain.REAL);
    }
  }

  /** A dimension: a declared size or a positive integer literal. */
  private Dim resolveDim(Expr e) {
    if (e instanceof Expr.Missing) {
      return null;
    }
    if (e instanceof Expr.Name n) {
      Decl d = symbols.get(n.name());
      if (d instanceof Decl.SizeDecl) {
        used.add(n.name());
        return new Dim.Named(n.name());
      }
      if (d != null) {
        diags.error(
            Code.NOT_A_SIZE,
            n.span(),
            "'" + n.name() + "' is " + describe(d) + ", not a size; dimensions must be sizes",
            notASizeHint(n.name(), d));
        return null;
      }
      undeclared(n.id(), null, "declare it with `size " + n.name() + ";`");
      return null;
    }
    if (e instanceof Expr.Number num && Domain.POSITIVE_INT.contains(num.value())) {
      return new Dim.Fixed((int) num.value());
    }
    diags.error(
        Code.BAD_DIMENSION,
        e.span(),
        "a dimension must be a size or a positive integer, found '" + AstPrinter.print(e) + "'",
        "declare a size, e.g. `size D;`, and write vector[D]");
    return null;
  }

  private Dim resolveSizeName(Ident size) {
    Decl d = symbols.get(size.name());
    if (d instanceof Decl.SizeDecl) {
      used.add(size.name());
      return new Dim.Named(size.name());
    }
    if (d != null) {
      diags.error(
          Code.NOT_A_SIZE,
          size.span(),
          "'" + size.name() + "' is " + describe(d) + ", not a size; a plate ranges over a size",
          notASizeHint(size.name(), d));
      return null;
    }
    undeclared(size, null, "declare it with `size " + size.name() + ";`");
    return null;
  }

  /** A hyper meant as a size can be redeclared as one; anything else needs a size of its own. */
  private static String notASizeHint(String name, Decl d) {
    if (d instanceof Decl.HyperDecl h && h.type().isEmpty()) {
      return "declare it as a size: `size " + name + h.value().map(v -> " = " + AstPrinter.print(v)).orElse("") + ";`";
    }
    return "declare a size, e.g. `size K;`, and use it here";
  }

  // ---------------------------------------------------------------------------------------------
  // Data and latent declarations

  private void checkVariable(
      Decl decl, VarKind kind, Ident name, List<PlateIndex> plate, TypeRef typeRef, Optional<Expr.Call> dist) {
    List<PlateDim> plates = new ArrayList<>();
    Map<String, PlateDim> indices = new LinkedHashMap<>();
    Set<String> unknownIndices = new HashSet<>();
    boolean platesOk = true;
    for (PlateIndex p : plate) {
      String index = p.index().name();
      Dim size = resolveSizeName(p.size());
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
    Type type = resolveType(typeRef);
    Scope scope = new Scope(Context.DISTRIBUTION, name.name(), indices);
    scope.unknownIndices.addAll(unknownIndices);
    Optional<BoundDistribution> bound = Optional.empty();
    if (dist.isEmpty()) {
      if (kind == VarKind.LATENT) {
        diags.error(
            Code.NO_PRIOR,
            name.span(),
            "latent '" + name.name() + "' has no distribution",
            "give it a prior, e.g. " + suggestPrior(name.name(), plate, type));
      }
    } else {
      BoundDistribution bd = checkDistribution(dist.get(), scope, name.name(), type, typeRef);
      bound = Optional.ofNullable(bd);
    }
    deps.put(name.name(), scope.deps);
    if (type != null && platesOk) {
      vars.put(name.name(), new VarSym(name.name(), kind, plates, type, bound, decl.span()));
    } else {
      vars.put(name.name(), null);
    }
  }

  /** A prior for a latent declared without one, as code in backticks. */
  private static String suggestPrior(String name, List<PlateIndex> plate, Type type) {
    return suggestPriorCode(name, plate, type).replaceAll("^|$", "`").replace("; with ", ";` with `");
  }

  private static String suggestPriorCode(String name, List<PlateIndex> plate, Type type) {
    String declared = name + (plate.isEmpty() ? "" : "[" + String.join(", ",
        plate.stream().map(p -> p.index().name() + " in " + p.size().name()).toList()) + "]");
    if (type == null) {
      return "latent " + declared + ": ... ~ Distribution(...);";
    }
    String lhs = "latent " + declared + ": " + type.text() + " ~ ";
    if (type instanceof Type.Scalar s) {
      switch (s.domain()) {
        case POSITIVE:
          return lhs + "Gamma(1, 1);";
        case UNIT:
          return lhs + "Beta(1, 1);";
        case BOOL:
          return lhs + "Bernoulli(0.5);";
        case COUNT:
          return lhs + "Poisson(1);";
        default:
          return lhs + "Normal(0, 1);";
      }
    } else if (type instanceof Type.Cat c) {
      return lhs + "Categorical(p); with latent p: simplex[" + c.range().text() + "] ~ Dirichlet(rep(1, "
          + c.range().text() + "));";
    } else if (type instanceof Type.Vector v) {
      String d = v.length().text();
      return v.domain() == Domain.SIMPLEX ? lhs + "Dirichlet(rep(1, " + d + "));"
          : lhs + "MultiNormal(zeros(" + d + "), identity(" + d + "));";
    } else if (type instanceof Type.Matrix m) {
      return lhs + "Wishart(identity(" + m.rows().text() + "), " + m.rows().text() + ");";
    }
    return lhs + "Normal(0, 1);";
  }

  private BoundDistribution checkDistribution(
      Expr.Call call, Scope scope, String owner, Type declared, TypeRef typeRef) {
    String name = call.name();
    Optional<DistributionSpec> found = Distributions.lookup(name);
    if (found.isEmpty()) {
      if (FUNCTIONS.contains(name)) {
        diags.error(
            Code.UNKNOWN_DISTRIBUTION,
            call.fn().span(),
            "'" + name + "' is a function, not a distribution",
            "after '~' write a distribution: " + String.join(", ", Distributions.names()));
      } else {
        diags.error(
            Code.UNKNOWN_DISTRIBUTION,
            call.fn().span(),
            "unknown distribution '" + name + "'",
            Suggest.closest(name, Distributions.names())
                .map(c -> "did you mean '" + c + "'?")
                .orElse("distributions are " + String.join(", ", Distributions.names())));
      }
      for (Expr.Arg a : call.args()) {
        check(a.value(), scope);
      }
      return null;
    }
    DistributionSpec spec = found.get();
    List<BoundArg> args = bindArguments(call, spec);
    // Type every argument even when binding failed, so unrelated errors inside are reported.
    Map<Expr, Type> argTypes = new IdentityHashMap<>();
    for (Expr.Arg a : call.args()) {
      Type t = check(a.value(), scope);
      if (t != null) {
        argTypes.put(a.value(), t);
      }
    }
    if (args == null) {
      return null;
    }
    Map<String, Dim> dims = new HashMap<>();
    Map<String, String> dimSources = new HashMap<>();
    boolean ok = true;
    boolean unknown = false;
    for (BoundArg arg : args) {
      ParamSlot slot = spec.slots().stream().filter(s -> s.name().equals(arg.slot())).findFirst().orElseThrow();
      Type t = argTypes.get(arg.value());
      if (t == null) {
        unknown = true; // already reported, or refers to something already reported
        continue;
      }
      String what = "the " + (arg.givenAs().equals(arg.slot()) ? arg.slot() : arg.givenAs()) + " of " + spec.name();
      ok &= matchPattern(slot.pattern(), t, arg.value(), what, dims, dimSources, spec);
    }
    if (!ok) {
      return null;
    }
    // The support is still checked when an argument is unknown, as long as its dimensions are
    // known: `y: real ~ Poisson(lambda)` is wrong whatever is wrong with lambda.
    if (declared != null && dims.keySet().containsAll(spec.support().dimVars())) {
      checkSupport(spec, dims, dimSources, declared, typeRef, owner);
    }
    return unknown ? null : new BoundDistribution(spec, args, call.span());
  }

  /** Binds positional and named arguments to the distribution's slots; null after an error. */
  private List<BoundArg> bindArguments(Expr.Call call, DistributionSpec spec) {
    List<ParamSlot> slots = spec.slots();
    BoundArg[] bound = new BoundArg[slots.size()];
    boolean[] positionalSlot = new boolean[slots.size()];
    boolean sawNamed = false;
    int positional = 0;
    boolean ok = true;
    for (Expr.Arg a : call.args()) {
      if (a.name().isPresent()) {
        sawNamed = true;
        String given = a.name().get().name();
        int idx = -1;
        for (int i = 0; i < slots.size(); i++) {
          if (slots.get(i).accepts(given)) {
            idx = i;
          }
        }
        if (idx < 0) {
          diags.error(
              Code.NAMED_ARGUMENT,
              a.name().get().span(),
              spec.name() + " has no parameter named '" + given + "'",
              "its parameters are " + spec.slots().stream().map(ParamSlot::text).reduce((x, y) -> x + ", " + y).orElse(""));
          ok = false;
        } else if (bound[idx] != null) {
          // `sd:` and `var:` are alternatives for Normal's precision: say which two collide.
          String previous = bound[idx].givenAs();
          String message;
          if (positionalSlot[idx]) {
            message = "'" + given + "' gives the same parameter of " + spec.name() + " as argument " + (idx + 1)
                + " (" + previous + "); give only one";
          } else if (!previous.equals(given)) {
            message = "'" + given + "' gives the same parameter of " + spec.name() + " as '" + previous
                + "'; give only one";
          } else {
            message = "the " + given + " of " + spec.name() + " is given twice";
          }
          diags.error(Code.NAMED_ARGUMENT, a.span(), message, "give it once: " + spec.signature());
          ok = false;
        } else {
          bound[idx] = new BoundArg(slots.get(idx).name(), given, a.value());
        }
      } else {
        if (sawNamed) {
          diags.error(
              Code.NAMED_ARGUMENT,
              a.span(),
              "a positional argument cannot follow a named one",
              "write the positional arguments first: " + spec.signature());
          ok = false;
          continue;
        }
        if (positional < slots.size()) {
          bound[positional] = new BoundArg(slots.get(positional).name(), slots.get(positional).name(), a.value());
          positionalSlot[positional] = true;
        }
        positional++;
      }
    }
    if (!ok) {
      return null;
    }
    int given = call.args().size();
    boolean missing = false;
    for (BoundArg b : bound) {
      missing |= b == null;
    }
    if (positional > slots.size() || missing) {
      int n = slots.size();
      diags.error(
          Code.ARGUMENT_COUNT,
          call.span(),
          spec.name() + " takes " + n + (n == 1 ? " argument" : " arguments") + " (" + spec.positionalList()
              + "), found " + given,
          "write " + spec.signature());
      return null;
    }
    return List.of(bound);
  }

  private boolean matchPattern(
      Pattern p, Type t, Expr arg, String what, Map<String, Dim> dims, Map<String, String> dimSources,
      DistributionSpec spec) {
    String found = describeValue(arg, t);
    switch (p.kind()) {
      case SCALAR:
        if (!(t instanceof Type.Scalar || t instanceof Type.Cat)) {
          diags.error(
              Code.ARGUMENT_KIND, arg.span(), what + " must be a scalar, found " + found,
              arrayHint(arg).orElse(null));
          return false;
        }
        return checkDomain(new Type.Scalar(p.domain()), t, arg, what);
      case VECTOR:
        if (!(t instanceof Type.Vector v)) {
          diags.error(Code.ARGUMENT_KIND, arg.span(), what + " must be a vector, found " + found);
          return false;
        }
        if (!unify(p.dimVars().get(0), v.length(), dims, dimSources, arg, what, p, t, spec)) {
          return false;
        }
        return checkDomain(new Type.Vector(v.length(), p.domain()), t, arg, what);
      case MATRIX:
        if (!(t instanceof Type.Matrix m)) {
          diags.error(Code.ARGUMENT_KIND, arg.span(), what + " must be a matrix, found " + found);
          return false;
        }
        if (!unify(p.dimVars().get(0), m.rows(), dims, dimSources, arg, what, p, t, spec)
            || !unify(p.dimVars().get(1), m.cols(), dims, dimSources, arg, what, p, t, spec)) {
          return false;
        }
        return checkDomain(new Type.Matrix(m.rows(), m.cols(), p.domain()), t, arg, what);
      default:
        throw new IllegalStateException("a parameter cannot be categorical");
    }
  }

  private boolean unify(
      String var, Dim actual, Map<String, Dim> dims, Map<String, String> sources, Expr arg, String what,
      Pattern p, Type t, DistributionSpec spec) {
    Dim bound = dims.get(var);
    if (bound == null) {
      dims.put(var, actual);
      sources.put(var, what);
      return true;
    }
    if (bound.equals(actual)) {
      return true;
    }
    String expected = substitute(p, dims).text();
    diags.error(
        Code.SHAPE_MISMATCH,
        arg.span(),
        what + " must be " + expected + " to match " + sources.get(var) + ", found " + t.text(),
        "the dimensions of " + spec.name() + "'s parameters must agree: " + spec.signature());
    return false;
  }

  private static Type substitute(Pattern p, Map<String, Dim> dims) {
    switch (p.kind()) {
      case SCALAR:
        return new Type.Scalar(p.domain());
      case CAT:
        return new Type.Cat(dims.getOrDefault(p.dimVars().get(0), new Dim.Named(p.dimVars().get(0))));
      case VECTOR:
        return new Type.Vector(dims.getOrDefault(p.dimVars().get(0), new Dim.Named(p.dimVars().get(0))), p.domain());
      default:
        Dim r = dims.getOrDefault(p.dimVars().get(0), new Dim.Named(p.dimVars().get(0)));
        Dim c = dims.getOrDefault(p.dimVars().get(1), new Dim.Named(p.dimVars().get(1)));
        return new Type.Matrix(r, c, p.domain());
    }
  }

  /** The declared type must be exactly the distribution's support. */
  private void checkSupport(
      DistributionSpec spec, Map<String, Dim> dims, Map<String, String> sources, Type declared, TypeRef ref,
      String owner) {
    Type support = substitute(spec.support(), dims);
    if (declared.equals(support)) {
      return;
    }
    boolean sameKind = declared.getClass() == support.getClass()
        && (!(declared instanceof Type.Scalar ds) || ds.domain() == ((Type.Scalar) support).domain())
        && (!(declared instanceof Type.Vector dv) || dv.domain() == ((Type.Vector) support).domain())
        && (!(declared instanceof Type.Matrix dm) || dm.domain() == ((Type.Matrix) support).domain());
    poisonedVars.add(owner);
    if (sameKind) {
      String var = spec.support().dimVars().isEmpty() ? null : spec.support().dimVars().get(0);
      diags.error(
          Code.SHAPE_MISMATCH,
          ref.span(),
          "'" + owner + "' is declared " + declared.text() + ", but " + spec.name() + " here draws from "
              + support.text() + (var != null && sources.containsKey(var) ? " (set by " + sources.get(var) + ")" : ""),
          "declare it as `" + owner + ": " + support.text() + "`");
      return;
    }
    diags.error(
        Code.SUPPORT_MISMATCH,
        ref.span(),
        "'" + owner + "' is declared " + declared.text() + ", but the support of " + spec.name() + " is "
            + support.text(),
        "declare it as `" + owner + ": " + support.text() + "`, or choose a distribution over "
            + declared.text());
  }

  // ---------------------------------------------------------------------------------------------
  // Groups, cycles, binding and warnings

  private List<GroupSym> checkGroups() {
    List<GroupSym> out = new ArrayList<>();
    Map<String, Span> grouped = new HashMap<>();
    for (Decl d : model.decls()) {
      if (!(d instanceof Decl.GroupDecl g)) {
        continue;
      }
      List<String> members = new ArrayList<>();
      Set<String> inThisGroup = new HashSet<>();
      boolean ok = true;
      for (Ident m : g.members()) {
        boolean repeated = !inThisGroup.add(m.name());
        Decl target = symbols.get(m.name());
        if (target == null) {
          undeclared(m, null, "only declared latents can be grouped");
          ok = false;
        } else if (!(target instanceof Decl.LatentDecl)) {
          diags.error(
              Code.GROUP_NOT_LATENT,
              m.span(),
              "'" + m.name() + "' is " + describe(target) + ", not a latent; only latents form factors",
              "remove it from the group");
          ok = false;
        } else if (grouped.containsKey(m.name())) {
          Span first = grouped.get(m.name());
          diags.error(
              Code.GROUP_DUPLICATE,
              m.span(),
              repeated
                  ? "latent '" + m.name() + "' is listed twice in this group"
                  : "latent '" + m.name() + "' is already grouped at line " + first.line(),
              "each latent belongs to exactly one factor; list it once");
          ok = false;
        } else {
          grouped.put(m.name(), m.span());
          members.add(m.name());
          used.add(m.name());
        }
      }
      if (ok && members.size() == 1) {
        diags.warning(
            Code.SINGLE_GROUP,
            g.span(),
            "group (" + members.get(0) + ") has one member; every latent is its own factor already",
            "remove the group, or add the latents it should be optimised jointly with");
      }
      if (ok) {
        out.add(new GroupSym(members, g.span()));
      }
    }
    return out;
  }

  /** Latent priors, data distributions, hyper and size defaults must not depend on themselves. */
  private void checkCycles() {
    Set<String> reported = new HashSet<>();
    for (Decl d : model.decls()) {
      if (d instanceof Decl.GroupDecl) {
        continue;
      }
      String start = nameOf(d).name();
      if (symbols.get(start) != d || reported.contains(start)) {
        continue;
      }
      List<String> cycle = findCycle(start);
      if (cycle == null) {
        continue;
      }
      reported.addAll(cycle);
      String path = String.join(" -> ", cycle) + " -> " + start;
      Span at = spanOfDefinition(d);
      if (cycle.size() == 1) {
        diags.error(
            Code.CYCLE,
            at,
            "the " + definitionWord(d) + " of '" + start + "' refers to '" + start + "' itself",
            describe(d) + " cannot depend on itself; use another declaration");
      } else {
        diags.error(
            Code.CYCLE,
            at,
            "cyclic dependency: " + path,
            "the model must be a directed acyclic graph; break the cycle by removing one of these references");
      }
    }
  }

  private List<String> findCycle(String start) {
    // Depth-first search for a path from start's dependencies back to start.
    Deque<List<String>> stack = new ArrayDeque<>();
    stack.push(List.of(start));
    Set<String> visited = new HashSet<>();
    while (!stack.isEmpty()) {
      List<String> path = stack.pop();
      String last = path.get(path.size() - 1);
      for (String next : deps.getOrDefault(last, Set.of())) {
        if (next.equals(start)) {
          return path;
        }
        if (visited.add(next) && deps.containsKey(next)) {
          List<String> longer = new ArrayList<>(path);
          longer.add(next);
          stack.push(longer);
        }
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

  /**
   * The sizes some data array has a dimension over, read from the declarations as written, so
   * that a data array whose type or plate has an (already reported) error still binds its
   * other sizes.
   */
  private Set<String> sizesBoundByData() {
    Set<String> out = new HashSet<>();
    for (Decl d : model.decls()) {
      if (!(d instanceof Decl.DataDecl x) || symbols.get(x.name().name()) != x) {
        continue;
      }
      x.plate().forEach(p -> out.add(p.size().name()));
      for (Expr dim : x.type().dims()) {
        if (dim instanceof Expr.Name n) {
          out.add(n.name());
        }
      }
    }
    return out;
  }

  private void warnUnused() {
    for (Decl d : model.decls()) {
      if (d instanceof Decl.GroupDecl || d instanceof Decl.LatentDecl) {
        continue;
      }
      if (d instanceof Decl.DataDecl x && x.distribution().isPresent()) {
        continue;
      }
      String name = nameOf(d).name();
      if (symbols.get(name) != d || used.contains(name)) {
        continue;
      }
      diags.warning(
          Code.UNUSED,
          nameOf(d).span(),
          describe(d).replaceFirst("^an? ", "") + " '" + name + "' is never used",
          "remove it, or refer to it where it was meant to be used");
    }
  }

  private void warnUnobserved() {
    Set<String> influential = new HashSet<>();
    Deque<String> work = new ArrayDeque<>();
    for (Decl d : model.decls()) {
      if (d instanceof Decl.DataDecl x && x.distribution().isPresent()) {
        work.addAll(deps.getOrDefault(x.name().name(), Set.of()));
      }
    }
    while (!work.isEmpty()) {
      String n = work.pop();
      if (influential.add(n)) {
        work.addAll(deps.getOrDefault(n, Set.of()));
      }
    }
    // A latent that is the parent of an influential latent is influential too (handled above);
    // a latent that only its own children depend on, with no path to data, is not.
    for (VarSym v : vars.values()) {
      if (v != null && v.isLatent() && !influential.contains(v.name())) {
        diags.warning(
            Code.UNOBSERVED_LATENT,
            symbolSpan(v.name()),
            "latent '" + v.name() + "' does not influence any observed data, so its posterior is its prior",
            "use it in the distribution of a data array, or remove it");
      }
    }
  }

  private Span symbolSpan(String name) {
    return nameOf(symbols.get(name)).span();
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions

  /** Types an expression, reporting what is wrong; null when the expression is ill-typed. */
  private Type check(Expr e, Scope scope) {
    Type t = checkInner(e, scope);
    if (t != null) {
      exprTypes.put(e, t);
    }
    return t;
  }

  private Type checkInner(Expr e, Scope scope) {
    if (e instanceof Expr.Missing) {
      return null;
    } else if (e instanceof Expr.Number n) {
      return new Type.Scalar(Domain.ofConstant(n.value()));
    } else if (e instanceof Expr.Name n) {
      return checkName(n, scope, false);
    } else if (e instanceof Expr.Index ix) {
      return checkIndex(ix, scope);
    } else if (e instanceof Expr.Call c) {
      return checkCall(c, scope);
    } else if (e instanceof Expr.Neg n) {
      Type t = check(n.operand(), scope);
      if (t == null) {
        return null;
      }
      return negate(t);
    } else if (e instanceof Expr.Binary b) {
      Type l = check(b.left(), scope);
      Type r = check(b.right(), scope);
      if (l == null || r == null) {
        return null;
      }
      return binary(b, l, r);
    }
    throw new IllegalStateException("unknown expression " + e);
  }

  private static Type negate(Type t) {
    if (t instanceof Type.Scalar s) {
      return new Type.Scalar(s.domain().isInteger() ? Domain.INT : Domain.REAL);
    } else if (t instanceof Type.Cat) {
      return new Type.Scalar(Domain.INT);
    } else if (t instanceof Type.Vector v) {
      return new Type.Vector(v.length(), Domain.REAL);
    }
    Type.Matrix m = (Type.Matrix) t;
    return new Type.Matrix(m.rows(), m.cols(), Domain.REAL);
  }

  private Type checkName(Expr.Name n, Scope scope, boolean indexed) {
    String name = n.name();
    if (scope.unknownIndices.contains(name)) {
      return null;
    }
    PlateDim index = scope.indices.get(name);
    if (index != null) {
      return new Type.Cat(new Dim.Named(index.size()));
    }
    Decl d = symbols.get(name);
    if (d == null) {
      if (indexBindings.containsKey(name)) {
        diags.error(
            Code.INDEX_NOT_BOUND,
            n.span(),
            "index '" + name + "' is not bound here; it is bound in the plate of '" + indexOwners.get(name)
                + "' at line " + indexBindings.get(name).line(),
            scope.context != Context.DISTRIBUTION
                ? "indices exist only inside the declaration whose plate binds them"
                : scope.indices.isEmpty()
                    ? "declare '" + scope.owner + "' over a plate that binds it, e.g. `" + scope.owner + "["
                        + name + " in " + sizeOfIndex(name) + "]`"
                    : "the declaration of '" + scope.owner + "' binds only " + String.join(", ",
                        scope.indices.keySet().stream().map(i -> "'" + i + "'").toList()));
        return null;
      }
      undeclared(n.id(), scope,
          "declare it, e.g. `hyper " + n.name() + " = 1.0;` or `latent " + n.name() + ": real ~ Normal(0, 1);`");
      return null;
    }
    used.add(name);
    if (d instanceof Decl.SizeDecl) {
      if (scope.context == Context.SIZE_DEFAULT || scope.context == Context.HYPER_DEFAULT) {
        scope.deps.add(name);
      }
      return new Type.Scalar(Domain.POSITIVE_INT);
    }
    if (d instanceof Decl.HyperDecl) {
      if (scope.context == Context.SIZE_DEFAULT) {
        diags.error(
            Code.BAD_SIZE_DEFAULT,
            n.span(),
            "the default of size '" + scope.owner + "' may refer only to sizes and numbers; '" + name
                + "' is a hyper",
            "sizes are integers fixed before hyperparameters; write a number");
        return null;
      }
      scope.deps.add(name);
      if (failedHypers.contains(name)) {
        return null;
      }
      // Declarations are order-independent: a hyper declared further down is typed on demand.
      return hyperType((Decl.HyperDecl) d);
    }
    // data or latent
    if (scope.context != Context.DISTRIBUTION) {
      Code code = scope.context == Context.SIZE_DEFAULT ? Code.BAD_SIZE_DEFAULT : Code.HYPER_NOT_CONSTANT;
      String what = scope.context == Context.SIZE_DEFAULT ? "size" : "hyper";
      diags.error(
          code,
          n.span(),
          "the default of " + what + " '" + scope.owner + "' must be constant, but '" + name + "' is "
              + describe(d),
          "a default may refer only to numbers, sizes and other hypers");
      return null;
    }
    scope.deps.add(name);
    if (poisonedVars.contains(name)) {
      return null;
    }
    List<PlateIndex> plate = plateOf(d);
    Type element = elementType(d);
    if (element == null) {
      return null;
    }
    if (!plate.isEmpty() && !indexed) {
      // A one-dimensional array of scalars may be used whole, as a vector (`diag(alpha)`).
      if (plate.size() == 1 && element instanceof Type.Scalar s) {
        return new Type.Vector(new Dim.Named(plate.get(0).size().name()), vectorDomain(s.domain()));
      }
      diags.error(
          Code.INDEX_COUNT,
          n.span(),
          "'" + name + "' is an array over " + plateSizes(plate) + "; index it to use an element",
          "write e.g. " + name + "[" + plateIndices(plate) + "]");
      return null;
    }
    return element;
  }

  /** The type of a hyper, checking its declaration the first time; null if it is ill-typed. */
  private Type hyperType(Decl.HyperDecl h) {
    String name = h.name().name();
    if (hyperTypes.containsKey(name) || failedHypers.contains(name)) {
      return hyperTypes.get(name);
    }
    if (!evaluating.add(name)) {
      return null; // a cycle among defaults, reported by checkCycles
    }
    try {
      Type t = checkHyper(h);
      if (t == null) {
        failedHypers.add(name);
      } else {
        hyperTypes.put(name, t);
      }
      return t;
    } finally {
      evaluating.remove(name);
    }
  }

  private String sizeOfIndex(String index) {
    for (Decl d : model.decls()) {
      for (PlateIndex p : plateOf(d)) {
        if (p.index().name().equals(index)) {
          return p.size().name();
        }
      }
    }
    return "N";
  }

  private Type elementType(Decl d) {
    TypeRef ref = d instanceof Decl.DataDecl x ? x.type() : ((Decl.LatentDecl) d).type();
    VarSym v = vars.get(nameOf(d).name());
    if (v != null) {
      return v.type();
    }
    // Not yet checked (declared later), or failed: resolve its type quietly.
    Diagnostics quiet = new Diagnostics();
    ModelChecker probe = this.withDiagnostics(quiet);
    return probe.resolveType(ref);
  }

  private ModelChecker withDiagnostics(Diagnostics quiet) {
    ModelChecker copy = new ModelChecker(file, javaPackage, model, quiet);
    copy.symbols.putAll(symbols);
    return copy;
  }

  /** A name of an array of values in (0, 1) ({@code latent v[k in K]: unit}), used as a vector. */
  private boolean unitArray(Expr e) {
    Decl d = e instanceof Expr.Name n ? symbols.get(n.id().name()) : null;
    if (d instanceof Decl.DataDecl || d instanceof Decl.LatentDecl) {
      Type t = elementType(d);
      return t instanceof Type.Scalar s && s.domain() == Domain.UNIT;
    }
    return false;
  }

  private static Domain vectorDomain(Domain scalar) {
    if (scalar == Domain.POSITIVE || scalar == Domain.UNIT || scalar == Domain.POSITIVE_INT) {
      return Domain.POSITIVE;
    }
    return Domain.REAL;
  }

  private static String plateSizes(List<PlateIndex> plate) {
    return String.join(" x ", plate.stream().map(p -> p.size().name()).toList());
  }

  private static String plateIndices(List<PlateIndex> plate) {
    return String.join(", ", plate.stream().map(p -> p.index().name()).toList());
  }

  private Type checkIndex(Expr.Index ix, Scope scope) {
    List<Expr> indices = ix.indices();
    if (ix.target() instanceof Expr.Name n && !scope.indices.containsKey(n.name())
        && !scope.unknownIndices.contains(n.name()) && symbols.get(n.name()) != null && !plateOf(symbols.get(n.name())).isEmpty()) {
      Decl d = symbols.get(n.name());
      Type element = checkName(n, scope, true);
      if (element == null) {
        for (Expr i : indices) {
          check(i, scope);
        }
        return null;
      }
      exprTypes.put(n, element);
      List<PlateIndex> plate = plateOf(d);
      // An array of scalars takes exactly one index per plate dimension; an array of vectors or
      // matrices takes more to reach into its elements.
      boolean scalarElements = element instanceof Type.Scalar || element instanceof Type.Cat;
      if (indices.size() < plate.size() || (scalarElements && indices.size() > plate.size())) {
        for (Expr i : indices) {
          check(i, scope);
        }
        diags.error(
            Code.INDEX_COUNT,
            ix.span(),
            "'" + n.name() + "' is an array over " + plateSizes(plate) + " and takes " + plate.size()
                + (plate.size() == 1 ? " index" : " indices") + ", found " + indices.size(),
            "write " + n.name() + "[" + plateIndices(plate) + "]");
        return null;
      }
      boolean ok = true;
      for (int i = 0; i < plate.size(); i++) {
        ok &= checkIndexExpr(indices.get(i), new Dim.Named(plate.get(i).size().name()), n.name(), i + 1, scope);
      }
      if (!ok) {
        for (int i = plate.size(); i < indices.size(); i++) {
          check(indices.get(i), scope);
        }
        return null;
      }
      return elementIndex(element, indices.subList(plate.size(), indices.size()), ix, scope, AstPrinter.print(
          indices.size() == plate.size() ? ix : new Expr.Index(n, indices.subList(0, plate.size()), ix.span())));
    }
    Type target = check(ix.target(), scope);
    if (target == null) {
      for (Expr i : indices) {
        check(i, scope);
      }
      return null;
    }
    return elementIndex(target, indices, ix, scope, AstPrinter.print(ix.target()));
  }

  /** Indexes into a vector or matrix value; scalars cannot be indexed. */
  private Type elementIndex(Type t, List<Expr> indices, Expr.Index ix, Scope scope, String targetText) {
    if (indices.isEmpty()) {
      return t;
    }
    if (t instanceof Type.Scalar || t instanceof Type.Cat) {
      for (Expr i : indices) {
        check(i, scope);
      }
      diags.error(
          Code.INDEXING_SCALAR,
          ix.span(),
          "'" + targetText + "' is a scalar (" + t.text() + ") and cannot be indexed",
          "only arrays (declared over a plate), vectors and matrices take indices");
      return null;
    }
    if (t instanceof Type.Vector v) {
      if (indices.size() != 1) {
        diags.error(
            Code.INDEX_COUNT, ix.span(),
            "'" + targetText + "' is a vector and takes 1 index, found " + indices.size(), null);
        return null;
      }
      if (!checkIndexExpr(indices.get(0), v.length(), targetText, 1, scope)) {
        return null;
      }
      Domain d = v.domain() == Domain.SIMPLEX ? Domain.UNIT : v.domain() == Domain.POSITIVE ? Domain.POSITIVE : Domain.REAL;
      return new Type.Scalar(d);
    }
    Type.Matrix m = (Type.Matrix) t;
    if (indices.size() > 2) {
      diags.error(
          Code.INDEX_COUNT, ix.span(),
          "'" + targetText + "' is a matrix and takes at most 2 indices, found " + indices.size(), null);
      return null;
    }
    if (!checkIndexExpr(indices.get(0), m.rows(), targetText, 1, scope)) {
      return null;
    }
    if (indices.size() == 1) {
      return new Type.Vector(m.cols(), Domain.REAL);
    }
    if (!checkIndexExpr(indices.get(1), m.cols(), targetText, 2, scope)) {
      return null;
    }
    return new Type.Scalar(Domain.REAL);
  }

  private boolean checkIndexExpr(Expr index, Dim expected, String target, int position, Scope scope) {
    Type t = check(index, scope);
    if (t == null) {
      return false;
    }
    if (t instanceof Type.Cat c) {
      if (!c.range().equals(expected)) {
        diags.error(
            Code.INDEX_RANGE,
            index.span(),
            "index '" + AstPrinter.print(index) + "' ranges over " + c.range().text() + ", but dimension "
                + position + " of '" + target + "' ranges over " + expected.text(),
            "index it with something that ranges over " + expected.text());
        return false;
      }
      return true;
    }
    if (t instanceof Type.Scalar s && s.domain().isInteger()) {
      OptionalDouble v = constant(index);
      if (v.isPresent() && (v.getAsDouble() < 0
          || expected instanceof Dim.Fixed f && v.getAsDouble() >= f.n())) {
        diags.error(
            Code.INDEX_RANGE,
            index.span(),
            "index " + AstPrinter.print(index) + " is out of range: dimension " + position + " of '" + target
                + "' has size " + expected.text(),
            "indices are 0-based: 0 .. "
                + (expected instanceof Dim.Fixed f ? Integer.toString(f.n() - 1) : expected.text() + " - 1"));
        return false;
      }
      return true;
    }
    diags.error(
        Code.INDEX_NOT_INTEGER,
        index.span(),
        "index '" + AstPrinter.print(index) + "' must be an integer, but its type is " + t.text(),
        "index with a plate index, a cat[...] or int value, or an integer literal");
    return false;
  }

  private Type checkCall(Expr.Call c, Scope scope) {
    String name = c.name();
    if (Distributions.lookup(name).isPresent()) {
      diags.error(
          Code.DISTRIBUTION_AS_VALUE,
          c.span(),
          "'" + name + "' is a distribution; it can only follow '~'",
          "give the value a name of its own: `latent x: ... ~ " + name + "(...);` and use x here");
      return null;
    }
    if (!FUNCTIONS.contains(name)) {
      for (Expr.Arg a : c.args()) {
        check(a.value(), scope);
      }
      Decl d = symbols.get(name);
      diags.error(
          Code.UNKNOWN_FUNCTION,
          c.fn().span(),
          d != null ? "'" + name + "' is " + describe(d) + ", not a function" : "unknown function '" + name + "'",
          Suggest.closest(name, FUNCTIONS).map(s -> "did you mean '" + s + "'?")
              .orElse("functions are " + String.join(", ", FUNCTIONS)));
      return null;
    }
    for (Expr.Arg a : c.args()) {
      if (a.name().isPresent()) {
        diags.error(
            Code.NAMED_ARGUMENT, a.name().get().span(), "function " + name + " takes no named arguments",
            "remove '" + a.name().get().name() + ":'");
        return null;
      }
    }
    List<Expr> args = c.args().stream().map(Expr.Arg::value).toList();
    switch (name) {
      case "dot":
        return function(c, args, 2, "dot(a, b) with two vectors of one length", scope, ts -> {
          if (ts.get(0) instanceof Type.Vector a && ts.get(1) instanceof Type.Vector b) {
            if (!a.length().equals(b.length())) {
              diags.error(
                  Code.SHAPE_MISMATCH, c.span(),
                  "dot needs two vectors of the same length, found " + a.text() + " and " + b.text(), null);
              return null;
            }
            boolean pos = a.domain() != Domain.REAL && b.domain() != Domain.REAL;
            return new Type.Scalar(pos ? Domain.POSITIVE : Domain.REAL);
          }
          return kindError(c, args, ts, "dot needs two vectors");
        });
      case "sum":
        return function(c, args, 1, "sum(v) of a vector", scope, ts -> {
          if (ts.get(0) instanceof Type.Vector v) {
            return new Type.Scalar(v.domain() == Domain.REAL ? Domain.REAL : Domain.POSITIVE);
          }
          return kindError(c, args, ts, "sum needs a vector");
        });
      case "rep": {
        if (args.size() != 2) {
          return arity(c, "2", "rep(value, K): a vector of K copies of a scalar");
        }
        Type v = check(args.get(0), scope);
        Dim k = resolveDim(args.get(1));
        if (v == null || k == null) {
          return null;
        }
        if (!(v instanceof Type.Scalar s)) {
          return kindError(c, args.subList(0, 1), List.of(v), "rep repeats a scalar");
        }
        OptionalDouble cv = constant(args.get(0));
        Domain d = cv.isPresent() ? Domain.ofConstant(cv.getAsDouble()) : s.domain();
        return new Type.Vector(k, vectorDomain(d));
      }
      case "zeros": {
        if (args.size() != 1 && args.size() != 2) {
          return arity(c, "1 or 2", "zeros(D) for a vector or zeros(R, C) for a matrix");
        }
        Dim r = resolveDim(args.get(0));
        Dim col = args.size() == 2 ? resolveDim(args.get(1)) : null;
        if (r == null || (args.size() == 2 && col == null)) {
          return null;
        }
        return col == null ? new Type.Vector(r, Domain.REAL) : new Type.Matrix(r, col, Domain.REAL);
      }
      case "identity": {
        if (args.size() != 1) {
          return arity(c, "1", "identity(D): the D x D identity matrix");
        }
        Dim d = resolveDim(args.get(0));
        return d == null ? null : new Type.Matrix(d, d, Domain.SPD);
      }
      case "diag":
        return function(c, args, 1, "diag(v): the diagonal matrix with v on its diagonal", scope, ts -> {
          if (ts.get(0) instanceof Type.Vector v) {
            return new Type.Matrix(v.length(), v.length(), v.domain() == Domain.REAL ? Domain.REAL : Domain.SPD);
          }
          return kindError(c, args, ts, "diag needs a vector");
        });
      case "stick":
        return function(c, args, 1, "stick(v): the stick-breaking weights v[k] prod_{j<k} (1 - v[j]) of a vector"
            + " of values in (0, 1)", scope, ts -> {
              if (ts.get(0) instanceof Type.Vector v && (v.domain() == Domain.UNIT || unitArray(args.get(0)))) {
                return new Type.Vector(v.length(), Domain.SIMPLEX);
              }
              return kindError(c, args, ts, "stick needs a vector of values in (0, 1), such as a latent array"
                  + " v[k in K]: unit ~ Beta(1, gamma0)");
            });
      case "exp":
        return function(c, args, 1, "exp(x) of a scalar", scope, ts -> {
          if (isScalar(ts.get(0))) {
            return new Type.Scalar(Domain.POSITIVE);
          }
          return kindError(c, args, ts, "exp takes a scalar");
        });
      default: // log
        return function(c, args, 1, "log(x) of a positive scalar", scope, ts -> {
          if (isScalar(ts.get(0))) {
            return new Type.Scalar(Domain.REAL);
          }
          return kindError(c, args, ts, "log takes a scalar");
        });
    }
  }

  private interface Rule {
    Type apply(List<Type> argTypes);
  }

  private Type function(Expr.Call c, List<Expr> args, int arity, String usage, Scope scope, Rule rule) {
    List<Type> ts = new ArrayList<>();
    boolean ok = true;
    for (Expr a : args) {
      Type t = check(a, scope);
      ok &= t != null;
      ts.add(t);
    }
    if (args.size() != arity) {
      return arity(c, Integer.toString(arity), usage);
    }
    return ok ? rule.apply(ts) : null;
  }

  /** `rep takes 2 arguments, found 3`, worded like a distribution's argument count. */
  private Type arity(Expr.Call c, String expected, String usage) {
    diags.error(
        Code.ARGUMENT_COUNT, c.span(),
        c.name() + " takes " + expected + (expected.equals("1") ? " argument" : " arguments") + ", found "
            + c.args().size(),
        "write " + usage);
    return null;
  }

  private Type kindError(Expr.Call c, List<Expr> args, List<Type> ts, String need) {
    StringBuilder found = new StringBuilder();
    for (int i = 0; i < ts.size(); i++) {
      found.append(i == 0 ? "" : " and ").append(describeValue(args.get(i), ts.get(i)));
    }
    diags.error(Code.ARGUMENT_KIND, c.span(), need + ", found " + found, null);
    return null;
  }

  private static boolean isScalar(Type t) {
    return t instanceof Type.Scalar || t instanceof Type.Cat;
  }

  private static Domain scalarDomain(Type t) {
    return t instanceof Type.Scalar s ? s.domain() : Domain.COUNT;
  }

  private Type binary(Expr.Binary b, Type l, Type r) {
    Expr.BinOp op = b.op();
    if (isScalar(l) && isScalar(r)) {
      OptionalDouble v = constant(b);
      if (v.isPresent()) {
        return new Type.Scalar(Domain.ofConstant(v.getAsDouble()));
      }
      return new Type.Scalar(scalarOp(op, scalarDomain(l), scalarDomain(r)));
    }
    boolean additive = op == Expr.BinOp.ADD || op == Expr.BinOp.SUB;
    if (additive) {
      if (l.getClass() == r.getClass() && sameDims(l, r)) {
        if (l instanceof Type.Matrix lm && r instanceof Type.Matrix rm) {
          boolean spd = op == Expr.BinOp.ADD && lm.domain() == Domain.SPD && rm.domain() == Domain.SPD;
          return new Type.Matrix(lm.rows(), lm.cols(), spd ? Domain.SPD : Domain.REAL);
        }
        Type.Vector lv = (Type.Vector) l;
        return new Type.Vector(lv.length(), Domain.REAL);
      }
      return operandError(b, l, r, l.getClass() == r.getClass() ? "their dimensions differ" : null);
    }
    if (isScalar(l) || isScalar(r)) {
      Type scalar = isScalar(l) ? l : r;
      Type other = isScalar(l) ? r : l;
      if (op == Expr.BinOp.DIV && isScalar(l)) {
        return operandError(b, l, r, "a scalar cannot be divided by a " + kind(r));
      }
      boolean positive = scalarDomain(scalar).within(Domain.POSITIVE) || positiveConstant(isScalar(l) ? b.left() : b.right());
      if (other instanceof Type.Vector v) {
        return new Type.Vector(v.length(), positive && v.domain() != Domain.REAL ? Domain.POSITIVE : Domain.REAL);
      }
      Type.Matrix m = (Type.Matrix) other;
      return new Type.Matrix(m.rows(), m.cols(), positive && m.domain() == Domain.SPD ? Domain.SPD : Domain.REAL);
    }
    if (op == Expr.BinOp.MUL && l instanceof Type.Matrix lm) {
      if (r instanceof Type.Vector rv) {
        if (!lm.cols().equals(rv.length())) {
          return operandError(b, l, r, "the matrix has " + lm.cols().text() + " columns");
        }
        return new Type.Vector(lm.rows(), Domain.REAL);
      }
      Type.Matrix rm = (Type.Matrix) r;
      if (!lm.cols().equals(rm.rows())) {
        return operandError(b, l, r, "the inner dimensions differ");
      }
      return new Type.Matrix(lm.rows(), rm.cols(), Domain.REAL);
    }
    if (op == Expr.BinOp.MUL && l instanceof Type.Vector && r instanceof Type.Vector) {
      diags.error(
          Code.OPERAND_SHAPES, b.span(), "'*' cannot multiply two vectors (" + l.text() + " and " + r.text() + ")",
          "for the inner product write dot(a, b)");
      return null;
    }
    return operandError(b, l, r, null);
  }

  private boolean positiveConstant(Expr e) {
    OptionalDouble v = constant(e);
    return v.isPresent() && v.getAsDouble() > 0;
  }

  private static String kind(Type t) {
    return Type.kindWord(t).replaceFirst("^an? ", "");
  }

  private Type operandError(Expr.Binary b, Type l, Type r, String why) {
    diags.error(
        Code.OPERAND_SHAPES,
        b.span(),
        "'" + b.op().symbol() + "' cannot combine " + l.text() + " and " + r.text() + (why == null ? "" : ": " + why),
        "'+' and '-' need operands of one shape; '*' scales by a scalar or multiplies a matrix by a vector");
    return null;
  }

  private static Domain scalarOp(Expr.BinOp op, Domain a, Domain b) {
    boolean pos = a.within(Domain.POSITIVE) && b.within(Domain.POSITIVE);
    boolean count = a.within(Domain.COUNT) && b.within(Domain.COUNT);
    boolean integer = a.isInteger() && b.isInteger();
    switch (op) {
      case ADD:
        return count ? (a == Domain.POSITIVE_INT || b == Domain.POSITIVE_INT ? Domain.POSITIVE_INT : Domain.COUNT)
            : pos ? Domain.POSITIVE : integer ? Domain.INT : Domain.REAL;
      case MUL:
        if (a == Domain.UNIT && b == Domain.UNIT) {
          return Domain.UNIT;
        }
        return count ? (a == Domain.POSITIVE_INT && b == Domain.POSITIVE_INT ? Domain.POSITIVE_INT : Domain.COUNT)
            : pos ? Domain.POSITIVE : integer ? Domain.INT : Domain.REAL;
      case DIV:
        return pos ? Domain.POSITIVE : Domain.REAL;
      default:
        return integer ? Domain.INT : Domain.REAL;
    }
  }

  private static boolean sameDims(Type a, Type b) {
    if (a instanceof Type.Vector va && b instanceof Type.Vector vb) {
      return va.length().equals(vb.length());
    }
    if (a instanceof Type.Matrix ma && b instanceof Type.Matrix mb) {
      return ma.rows().equals(mb.rows()) && ma.cols().equals(mb.cols());
    }
    return false;
  }

  private static boolean sameShape(Type declared, Type actual) {
    if (isScalar(declared)) {
      return isScalar(actual);
    }
    return sameDims(declared, actual);
  }

  /** Checks that a value of type {@code actual} lies in {@code required}'s domain. */
  private boolean checkDomain(Type required, Type actual, Expr value, String what) {
    noteHyperRequirement(required, value);
    Domain need;
    Domain have;
    if (required instanceof Type.Scalar rs) {
      need = rs.domain();
      OptionalDouble v = constant(value);
      if (v.isPresent()) {
        if (need.contains(v.getAsDouble())) {
          return true;
        }
        diags.error(
            Code.DOMAIN, value.span(),
            what + " must be " + domainPhrase(need) + ", found " + AstPrinter.print(value)
                + (AstPrinter.print(value).equals(format(v.getAsDouble())) ? "" : " = " + format(v.getAsDouble())),
            null);
        return false;
      }
      have = scalarDomain(actual);
    } else if (required instanceof Type.Vector rv) {
      need = rv.domain();
      have = ((Type.Vector) actual).domain();
      if (need == Domain.POSITIVE && have == Domain.SIMPLEX) {
        return true;
      }
      if (need == Domain.REAL) {
        return true;
      }
    } else {
      need = ((Type.Matrix) required).domain();
      have = ((Type.Matrix) actual).domain();
      if (need == Domain.REAL) {
        return true;
      }
    }
    if (have == need || have.within(need)) {
      return true;
    }
    diags.error(
        Code.DOMAIN, value.span(),
        what + " must be " + domainPhrase(need) + ", but '" + AstPrinter.print(value) + "' is "
            + (actual instanceof Type.Matrix
                ? "a general " + actual.text() // "matrix[D, D] with real entries" did not say what is missing
                : actual.text() + (actual instanceof Type.Scalar ? "" : " with " + have.word() + " entries")),
        domainHint(need));
    return false;
  }

  /** Hypers used directly as a parameter (or repeated by rep) must stay in its domain at fit time. */
  private void noteHyperRequirement(Type required, Expr value) {
    Expr e = value;
    Domain need = null;
    if (required instanceof Type.Scalar rs) {
      need = rs.domain();
    } else if (required instanceof Type.Vector rv && value instanceof Expr.Call c && c.name().equals("rep")
        && !c.args().isEmpty()) {
      need = rv.domain() == Domain.SIMPLEX ? null : rv.domain();
      e = c.args().get(0).value();
    }
    if (need == null || need == Domain.REAL || !(e instanceof Expr.Name n)
        || !(symbols.get(n.name()) instanceof Decl.HyperDecl)) {
      return;
    }
    Domain prev = hyperRequirements.get(n.name());
    if (prev == null || need.within(prev)) {
      hyperRequirements.put(n.name(), need);
    }
  }

  private static String domainPhrase(Domain d) {
    switch (d) {
      case POSITIVE:
        return "positive";
      case UNIT:
        return "in (0, 1)";
      case COUNT:
        return "a non-negative integer";
      case POSITIVE_INT:
        return "a positive integer";
      case INT:
        return "an integer";
      case BOOL:
        return "0 or 1";
      case SIMPLEX:
        return "a simplex (positive entries summing to 1)";
      case SPD:
        return "symmetric positive definite";
      default:
        return "real";
    }
  }

  private static String domainHint(Domain d) {
    switch (d) {
      case POSITIVE:
        return "declare it positive (e.g. `positive`, or a Gamma prior), or use a positive constant";
      case SPD:
        return "use an spd[D] value, e.g. identity(D), diag(v) of a positive vector, or a Wishart latent";
      case SIMPLEX:
        return "use a simplex[K] value, e.g. a latent with a Dirichlet prior";
      case UNIT:
        return "declare it unit (e.g. a Beta prior)";
      default:
        return null;
    }
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private String describeValue(Expr e, Type t) {
    String text = AstPrinter.print(e);
    return "'" + text + "' (" + t.text() + ")";
  }

  /** For a whole array passed where an element was meant: "index it, e.g. mu[k]". */
  private Optional<String> arrayHint(Expr arg) {
    if (arg instanceof Expr.Name n && symbols.get(n.name()) != null) {
      List<PlateIndex> plate = plateOf(symbols.get(n.name()));
      if (!plate.isEmpty()) {
        return Optional.of("'" + n.name() + "' is an array over " + plateSizes(plate) + "; index it, e.g. "
            + n.name() + "[" + plateIndices(plate) + "]");
      }
    }
    return Optional.empty();
  }

  /**
   * The value of an expression made of numbers, sizes with defaults and hypers with defaults,
   * if it has one; used for domain checks of constants (hypers are checked again at fit time).
   */
  OptionalDouble constant(Expr e) {
    if (e instanceof Expr.Number n) {
      return OptionalDouble.of(n.value());
    } else if (e instanceof Expr.Name n) {
      Decl d = symbols.get(n.name());
      Optional<Expr> value = Optional.empty();
      if (d instanceof Decl.SizeDecl s) {
        value = s.value();
      } else if (d instanceof Decl.HyperDecl h) {
        value = h.value();
      }
      if (value.isEmpty() || !evaluating.add("=" + n.name())) {
        return OptionalDouble.empty();
      }
      try {
        return constant(value.get());
      } finally {
        evaluating.remove("=" + n.name());
      }
    } else if (e instanceof Expr.Neg n) {
      OptionalDouble v = constant(n.operand());
      return v.isPresent() ? OptionalDouble.of(-v.getAsDouble()) : v;
    } else if (e instanceof Expr.Binary b) {
      OptionalDouble l = constant(b.left());
      OptionalDouble r = constant(b.right());
      if (l.isEmpty() || r.isEmpty()) {
        return OptionalDouble.empty();
      }
      double x = l.getAsDouble();
      double y = r.getAsDouble();
      switch (b.op()) {
        case ADD:
          return OptionalDouble.of(x + y);
        case SUB:
          return OptionalDouble.of(x - y);
        case MUL:
          return OptionalDouble.of(x * y);
        default:
          return y == 0 ? OptionalDouble.empty() : OptionalDouble.of(x / y);
      }
    } else if (e instanceof Expr.Call c && c.args().size() == 1 && c.args().get(0).name().isEmpty()) {
      OptionalDouble v = constant(c.args().get(0).value());
      if (v.isPresent() && c.name().equals("exp")) {
        return OptionalDouble.of(Math.exp(v.getAsDouble()));
      }
      if (v.isPresent() && c.name().equals("log") && v.getAsDouble() > 0) {
        return OptionalDouble.of(Math.log(v.getAsDouble()));
      }
    }
    return OptionalDouble.empty();
  }

  private void undeclared(Ident id, Scope scope, String fallbackHint) {
    List<String> candidates = new ArrayList<>(symbols.keySet());
    if (scope != null) {
      candidates.addAll(scope.indices.keySet());
    }
    Optional<String> close = Suggest.closest(id.name(), candidates);
    String hint = close.map(c -> "did you mean '" + c + "'?").orElse(fallbackHint);
    diags.error(Code.UNDECLARED, id.span(), "undeclared name '" + id.name() + "'", hint);
  }
}
