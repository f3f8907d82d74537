package dev.vmodel.compiler.check;

import dev.vmodel.compiler.ast.Decl;
import dev.vmodel.compiler.ast.Ident;
import dev.vmodel.compiler.check.CheckedModel.GroupSym;
import dev.vmodel.compiler.diag.Code;
import dev.vmodel.compiler.diag.Diagnostics;
import dev.vmodel.compiler.diag.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks `group (a, b);` declarations: members are latents, each in at most one group. */
final class GroupChecker {
  private GroupChecker() {}

  static List<GroupSym> check(AttrContext ctx) {
    SymbolTable table = ctx.table;
    Diagnostics diags = ctx.diags;
    List<GroupSym> out = new ArrayList<>();
    Map<String, Span> grouped = new HashMap<>();
    for (Decl d : table.model().decls()) {
      if (!(d instanceof Decl.GroupDecl g)) {
        continue;
      }
      List<String> members = new ArrayList<>();
      Set<String> inThisGroup = new HashSet<>();
      boolean ok = true;
      for (Ident m : g.members()) {
        boolean repeated = !inThisGroup.add(m.name());
        Decl target = table.get(m.name());
        if (target == null) {
          TypeResolver.undeclared(diags, table.names(), m, List.of(), "only declared latents can be grouped");
          ok = false;
        } else if (!(target instanceof Decl.LatentDecl)) {
          diags.error(
              Code.GROUP_NOT_LATENT,
              m.span(),
              "'" + m.name() + "' is " + SymbolTable.describe(target) + ", not a latent; only latents form factors",
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
          ctx.used.add(m.name());
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
}
