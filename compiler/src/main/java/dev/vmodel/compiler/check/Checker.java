package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.CompilationUnit;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Ident;
import dev.vmodel.compiler.ast.ModelDecl;
import dev.vmodel.compiler.ast.QualifiedName;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostic;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Stage 2: semantic analysis. Resolves names, types, shapes, plates and sizes of every model in
 * a file, reports every independent mistake, and yields a {@link CheckedModel} for each model
 * that has no errors.
 */
public final class Checker {
  /** Java's reserved words: a model or package named after one could not be generated. */
  /** The classes nested in every generated model class: a model cannot have their names. */
  static final java.util.List<String> GENERATED_NESTED_CLASSES =
      java.util.List.of("Builder", "Data", "State", "Session", "Result");

  static final Set<String> JAVA_KEYWORDS =
      Set.of(
          "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class",
          "const", "continue", "default", "do", "double", "else", "enum", "extends", "final",
          "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
          "interface", "long", "native", "new", "package", "private", "protected", "public",
          "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
          "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false",
          "null", "var", "record", "yield", "sealed", "permits");

  private Checker() {}

  /** Checks every model of a parsed file; returns the models that are free of errors. */
  public static List<CheckedModel> check(CompilationUnit unit, Diagnostics diagnostics) {
    List<CheckedModel> out = new ArrayList<>();
    // After a syntax error, a missing model is the parser failing to recover a broken one
    // (`Coin { ... }` without 'model'): the syntax error says so already.
    if (unit.models().isEmpty() && !diagnostics.hasErrors()) {
      diagnostics.error(
          Code.NO_MODEL,
          new dev.vmodel.compiler.diag.Span(unit.file(), 1, 1, 1, 1),
          "this file declares no model",
          "a file holds one or more `model Name { ... }` blocks");
      return out;
    }
    if (unit.models().isEmpty()) {
      return out;
    }
    boolean afterSyntaxErrors = diagnostics.hasErrors();
    List<Span> syntaxErrors =
        diagnostics.all().stream().filter(Diagnostic::isError).map(Diagnostic::span).toList();
    Optional<String> pkg = unit.packageName().map(QualifiedName::dotted);
    unit.packageName().ifPresent(q -> checkPackage(q, diagnostics));
    Set<String> modelNames = new HashSet<>();
    for (ModelDecl model : unit.models()) {
      Ident name = model.name();
      if (!modelNames.add(name.name())) {
        diagnostics.error(
            Code.DUPLICATE, name.span(), "model '" + name.name() + "' is declared twice in this file");
      }
      if (JAVA_KEYWORDS.contains(name.name())) {
        diagnostics.error(
            Code.JAVA_KEYWORD,
            name.span(),
            "model name '" + name.name() + "' is a Java keyword and cannot name the generated class",
            "choose another name, e.g. '" + Character.toUpperCase(name.name().charAt(0))
                + name.name().substring(1) + "Model'");
      }
      if (GENERATED_NESTED_CLASSES.contains(name.name())) {
        diagnostics.error(
            Code.RESERVED_MODEL_NAME,
            name.span(),
            "model name '" + name.name() + "' is also the name of a class nested in the generated class ("
                + String.join(", ", GENERATED_NESTED_CLASSES) + "), which Java does not allow",
            "choose another name, e.g. '" + name.name() + "Model'");
      }
      Diagnostics local = new Diagnostics();
      CheckedModel checked = new ModelChecker(unit.file(), pkg, model, local).afterSyntaxErrors(afterSyntaxErrors).run();
      // A declaration with a syntax error is only partly recovered (`Beta[1, 1]` becomes a call
      // without arguments): what the checker finds inside it follows from the syntax error,
      // which is the one diagnostic reported for that declaration.
      Set<Decl> broken = brokenDeclarations(model, syntaxErrors);
      local.all().stream()
          .filter(d -> broken.isEmpty() || !broken.contains(declarationAt(model, d.span())))
          .forEach(diagnostics::add);
      if (checked != null && !local.hasErrors()) {
        out.add(checked);
      }
    }
    return diagnostics.hasErrors() ? List.of() : out;
  }

  /**
   * The declarations of a model that contain a syntax error, found by binary search over the
   * declarations (in source order, not overlapping): linear, where testing every diagnostic
   * against every declaration and every syntax error was cubic in a large broken file.
   */
  private static Set<Decl> brokenDeclarations(ModelDecl model, List<Span> syntaxErrors) {
    Set<Decl> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Span e : syntaxErrors) {
      Decl d = declarationAt(model, e);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  /** The last declaration starting at or before {@code at}, if it contains it. */
  private static Decl declarationAt(ModelDecl model, Span at) {
    List<Decl> decls = model.decls();
    int lo = 0;
    int hi = decls.size() - 1;
    Decl found = null;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Span s = decls.get(mid).span();
      boolean startsBefore = s.line() < at.line() || (s.line() == at.line() && s.column() <= at.column());
      if (startsBefore) {
        found = decls.get(mid);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found != null && contains(found.span(), at) ? found : null;
  }

  /** Whether {@code inner} starts within {@code outer}. */
  private static boolean contains(Span outer, Span inner) {
    boolean afterStart = inner.line() > outer.line()
        || (inner.line() == outer.line() && inner.column() >= outer.column());
    boolean beforeEnd = inner.line() < outer.endLine()
        || (inner.line() == outer.endLine() && inner.column() <= outer.endColumn());
    return afterStart && beforeEnd;
  }

  private static void checkPackage(QualifiedName q, Diagnostics diagnostics) {
    for (Ident part : q.parts()) {
      if (JAVA_KEYWORDS.contains(part.name())) {
        diagnostics.error(
            Code.JAVA_KEYWORD,
            part.span(),
            "package name part '" + part.name() + "' is a Java keyword",
            "Java packages cannot contain keywords; rename this part");
      }
    }
  }

  /** True for declarations that introduce a name (everything but `group`). */
  static boolean isNamed(Decl d) {
    return !(d instanceof Decl.GroupDecl);
  }
}
