package dev.vmodel.compiler.ast;

import dev.vmodel.compiler.diag.Span;
import java.util.List;
import java.util.Optional;

/** A declaration inside a model block. */
public sealed interface Decl {
  Span span();

  /** `size N;` or `size K = 6;` (a `size A, B;` line yields one SizeDecl per name). */
  record SizeDecl(Ident name, Optional<Expr> value, Span span) implements Decl {}

  /** `hyper alpha0 = 0.001;` or `hyper m0: vector[D] = zeros(D);`. */
  record HyperDecl(Ident name, Optional<TypeRef> type, Optional<Expr> value, Span span)
      implements Decl {}

  /**
   * `data x[n in N]: vector[D] ~ MultiNormal(...);` (modeled) or `data X[n in N]: vector[P];`
   * (a covariate, without distribution).
   */
  record DataDecl(Ident name, List<PlateIndex> plate, TypeRef type, Optional<Expr.Call> distribution, Span span)
      implements Decl {
    public DataDecl {
      plate = List.copyOf(plate);
    }
  }

  /** `latent mu[k in K]: vector[D] ~ MultiNormal(m0, beta0 * Lambda[k]);`. */
  record LatentDecl(Ident name, List<PlateIndex> plate, TypeRef type, Optional<Expr.Call> distribution, Span span)
      implements Decl {
    public LatentDecl {
      plate = List.copyOf(plate);
    }
  }

  /** `group (mu, Lambda);`: one mean-field factor over the named latents. */
  record GroupDecl(List<Ident> members, Span span) implements Decl {
    public GroupDecl {
      members = List.copyOf(members);
    }
  }
}
