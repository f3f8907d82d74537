package dev.vmodel.compiler.syntax;

import dev.vmodel.compiler.ast.CompilationUnit;
import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Expr;
import dev.vmodel.compiler.ast.Ident;
import dev.vmodel.compiler.ast.ModelDecl;
import dev.vmodel.compiler.ast.PlateIndex;
import dev.vmodel.compiler.ast.QualifiedName;
import dev.vmodel.compiler.ast.TypeRef;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.Span;
import dev.vmodel.compiler.syntax.antlr.VModelParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Builds the immutable AST from ANTLR's parse tree: the one place parse-tree types are read.
 * After a syntax error the tree may be partial; whatever is missing becomes {@link
 * Expr.Missing} or is left out, so that the checker can still report semantic errors in the
 * rest of the file without cascading.
 */
final class AstBuilder {
  private final String file;
  private final Diagnostics diagnostics;

  AstBuilder(String file, Diagnostics diagnostics) {
    this.file = file;
    this.diagnostics = diagnostics;
  }

  CompilationUnit build(VModelParser.CompilationUnitContext ctx) {
    Optional<QualifiedName> pkg = Optional.empty();
    if (ctx.packageDecl() != null && ctx.packageDecl().qualifiedName() != null) {
      pkg = Optional.ofNullable(qualifiedName(ctx.packageDecl().qualifiedName()));
    }
    List<ModelDecl> models = new ArrayList<>();
    for (VModelParser.ModelDeclContext m : ctx.modelDecl()) {
      Ident name = ident(m.name);
      if (name == null) {
        continue;
      }
      List<Decl> decls = new ArrayList<>();
      for (VModelParser.DeclContext d : m.decl()) {
        decl(d, decls);
      }
      models.add(new ModelDecl(name, decls, span(m)));
    }
    return new CompilationUnit(file, pkg, models, span(ctx));
  }

  private QualifiedName qualifiedName(VModelParser.QualifiedNameContext ctx) {
    List<Ident> parts = new ArrayList<>();
    for (TerminalNode id : ctx.ID()) {
      Ident part = ident(id.getSymbol());
      if (part == null) {
        return null;
      }
      parts.add(part);
    }
    return parts.isEmpty() ? null : new QualifiedName(parts, span(ctx));
  }

  private void decl(VModelParser.DeclContext ctx, List<Decl> out) {
    if (ctx instanceof VModelParser.SizeDeclContext s) {
      for (VModelParser.SizeItemContext item : s.sizeItem()) {
        Ident name = ident(item.name);
        if (name != null) {
          out.add(new Decl.SizeDecl(name, optionalExpr(item.expr()), span(item)));
        }
      }
    } else if (ctx instanceof VModelParser.HyperDeclContext h) {
      Ident name = ident(h.name);
      if (name != null) {
        Optional<TypeRef> type = h.typeRef() == null ? Optional.empty() : Optional.ofNullable(typeRef(h.typeRef()));
        out.add(new Decl.HyperDecl(name, type, optionalExpr(h.expr()), span(h)));
      }
    } else if (ctx instanceof VModelParser.DataDeclContext d) {
      Ident name = ident(d.name);
      TypeRef type = d.typeRef() == null ? null : typeRef(d.typeRef());
      if (name != null && type != null) {
        out.add(new Decl.DataDecl(name, plate(d.plate()), type, optionalCall(d.call()), span(d)));
      }
    } else if (ctx instanceof VModelParser.LatentDeclContext l) {
      Ident name = ident(l.name);
      TypeRef type = l.typeRef() == null ? null : typeRef(l.typeRef());
      if (name != null && type != null) {
        out.add(new Decl.LatentDecl(name, plate(l.plate()), type, optionalCall(l.call()), span(l)));
      }
    } else if (ctx instanceof VModelParser.GroupDeclContext g) {
      List<Ident> members = new ArrayList<>();
      for (TerminalNode id : g.ID()) {
        Ident m = ident(id.getSymbol());
        if (m != null) {
          members.add(m);
        }
      }
      if (!members.isEmpty()) {
        out.add(new Decl.GroupDecl(members, span(g)));
      }
    }
  }

  private List<PlateIndex> plate(VModelParser.PlateContext ctx) {
    List<PlateIndex> out = new ArrayList<>();
    if (ctx == null) {
      return out;
    }
    for (VModelParser.PlateIndexContext p : ctx.plateIndex()) {
      Ident index = ident(p.index);
      Ident size = ident(p.size);
      if (index != null && size != null) {
        out.add(new PlateIndex(index, size, span(p)));
      }
    }
    return out;
  }

  private TypeRef typeRef(VModelParser.TypeRefContext ctx) {
    Ident name = ident(ctx.name);
    if (name == null) {
      return null;
    }
    List<Expr> dims = new ArrayList<>();
    for (VModelParser.ExprContext e : ctx.expr()) {
      dims.add(expr(e));
    }
    return new TypeRef(name, dims, span(ctx));
  }

  private Optional<Expr> optionalExpr(VModelParser.ExprContext ctx) {
    return ctx == null ? Optional.empty() : Optional.of(expr(ctx));
  }

  private Optional<Expr.Call> optionalCall(VModelParser.CallContext ctx) {
    return ctx == null ? Optional.empty() : Optional.ofNullable(call(ctx));
  }

  private Expr.Call call(VModelParser.CallContext ctx) {
    Ident fn = ident(ctx.fn);
    if (fn == null) {
      return null;
    }
    List<Expr.Arg> args = new ArrayList<>();
    for (VModelParser.ArgContext a : ctx.arg()) {
      Optional<Ident> name = a.name == null ? Optional.empty() : Optional.ofNullable(ident(a.name));
      Expr value = a.expr() == null ? new Expr.Missing(span(a)) : expr(a.expr());
      args.add(new Expr.Arg(name, value, span(a)));
    }
    return new Expr.Call(fn, args, span(ctx));
  }

  private Expr expr(VModelParser.ExprContext ctx) {
    if (ctx == null) {
      return null;
    }
    Span span = span(ctx);
    if (ctx.exception != null && ctx.getChildCount() == 0) {
      return new Expr.Missing(span);
    }
    if (ctx instanceof VModelParser.NumberExprContext n) {
      return number(n.NUMBER().getSymbol(), span);
    } else if (ctx instanceof VModelParser.NameExprContext n) {
      Ident id = ident(n.ID().getSymbol());
      return id == null ? new Expr.Missing(span) : new Expr.Name(id, span);
    } else if (ctx instanceof VModelParser.ParenExprContext p) {
      return orMissing(p.expr(), span);
    } else if (ctx instanceof VModelParser.NegExprContext n) {
      return new Expr.Neg(orMissing(n.expr(), span), span);
    } else if (ctx instanceof VModelParser.MulExprContext m) {
      Expr.BinOp op = m.op.getType() == VModelParser.STAR ? Expr.BinOp.MUL : Expr.BinOp.DIV;
      return binary(op, m.expr(), span);
    } else if (ctx instanceof VModelParser.AddExprContext a) {
      Expr.BinOp op = a.op.getType() == VModelParser.PLUS ? Expr.BinOp.ADD : Expr.BinOp.SUB;
      return binary(op, a.expr(), span);
    } else if (ctx instanceof VModelParser.IndexExprContext i) {
      List<VModelParser.ExprContext> parts = i.expr();
      if (parts.isEmpty()) {
        return new Expr.Missing(span);
      }
      Expr target = orMissing(parts.get(0), span);
      List<Expr> indices = new ArrayList<>();
      for (int k = 1; k < parts.size(); k++) {
        indices.add(orMissing(parts.get(k), span));
      }
      return new Expr.Index(target, indices, span);
    } else if (ctx instanceof VModelParser.CallExprContext c) {
      Expr.Call call = c.call() == null ? null : call(c.call());
      return call == null ? new Expr.Missing(span) : call;
    }
    return new Expr.Missing(span);
  }

  private Expr binary(Expr.BinOp op, List<VModelParser.ExprContext> operands, Span span) {
    Expr left = operands.size() > 0 ? orMissing(operands.get(0), span) : new Expr.Missing(span);
    Expr right = operands.size() > 1 ? orMissing(operands.get(1), span) : new Expr.Missing(span);
    return new Expr.Binary(op, left, right, span);
  }

  private Expr orMissing(VModelParser.ExprContext ctx, Span fallback) {
    Expr e = expr(ctx);
    return e == null ? new Expr.Missing(fallback) : e;
  }

  private Expr number(Token t, Span span) {
    String text = t.getText();
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      diagnostics.error(Code.BAD_NUMBER, span, "malformed number '" + text + "'");
      return new Expr.Missing(span);
    }
    if (Double.isInfinite(value)) {
      diagnostics.error(
          Code.BAD_NUMBER, span, "number " + text + " is too large for a double",
          "the largest finite value is about 1.8e308");
      return new Expr.Missing(span);
    }
    return new Expr.Number(value, text, span);
  }

  /** An identifier token, or null where the parser conjured it during error recovery. */
  private Ident ident(Token t) {
    if (t == null || t.getTokenIndex() < 0 || t.getType() != VModelParser.ID) {
      return null;
    }
    return new Ident(t.getText(), Spans.of(file, t));
  }

  private Span span(ParserRuleContext ctx) {
    return Spans.of(file, ctx);
  }
}
