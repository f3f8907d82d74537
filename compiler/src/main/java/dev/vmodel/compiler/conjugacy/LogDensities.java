package dev.vmodel.compiler.conjugacy;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Poly;

import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.graph.Ir;
import dev.vmodel.compiler.graph.ModelGraph;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The log density of every distribution of the language, written once, symbolically, in its
 * value and arguments: `ln N(x | m, tau) = 1/2 ln tau - 1/2 ln 2pi - 1/2 tau (x - m)^2`, and so
 * on. Everything else (which statistics a latent enters through, the natural parameters of
 * every optimal factor, the ELBO) is derived from these formulas by expansion and collection:
 * a new distribution is one entry here.
 */
final class LogDensities {
  private static final double LN_2PI = Math.log(2 * Math.PI);

  private LogDensities() {}

  /** The value of the node whose density is written: its element for the current plate indices. */
  record Value(ModelGraph.Node node, List<Ix> element) {
    boolean latent() {
      return node.isLatent();
    }

    Poly scalar() {
      return Poly.of(latent() ? new Atom.Rv(node.name(), element, Atom.Stat.ID, List.of())
          : new Atom.Data(node.name(), element, List.of()));
    }

    Poly component(Ix i) {
      return Poly.of(latent() ? new Atom.Rv(node.name(), element, Atom.Stat.ID, List.of(i))
          : new Atom.Data(node.name(), element, List.of(i)));
    }

    Poly entry(Ix i, Ix j) {
      return Poly.of(latent() ? new Atom.Rv(node.name(), element, Atom.Stat.ID, List.of(i, j))
          : new Atom.Data(node.name(), element, List.of(i, j)));
    }

    /** [x = k]: the one-hot statistic of a categorical value. */
    Poly onehot(Ix k) {
      if (latent()) {
        return Poly.of(new Atom.Rv(node.name(), element, Atom.Stat.ONEHOT, List.of(k)));
      }
      return Poly.of(new Atom.Delta(new Ix.D(node.name(), element), k));
    }

    Poly stat(Atom.Stat s, Ir source) {
      if (!latent()) {
        Poly v = scalar();
        switch (s) {
          case LN:
            return Poly.of(new Atom.Fn(Atom.Func.LOG, List.of(v)));
          case LN1M:
            return Poly.of(new Atom.Fn(Atom.Func.LOG1M, List.of(v)));
          case INV:
            return Poly.of(new Atom.Fn(Atom.Func.INV, List.of(v)));
          default:
            throw new IllegalStateException();
        }
      }
      return Poly.of(new Atom.Rv(node.name(), element, s, List.of()));
    }
  }

  /**
   * ln p(x | parents) of {@code node}; where lowering attached a local bound to the node's
   * likelihood ({@code bound}), the bound in place of the log density.
   */
  static Poly logPdf(ModelGraph.Node node, Value x, SymBuilder b, java.util.Optional<ModelGraph.Node> bound) {
    ModelGraph.Dist dist = node.dist().orElseThrow();
    Map<String, ModelGraph.Arg> a = dist.args();
    if (node.isBound()) {
      // The bound's parameters have no prior: its terms are in the likelihood it bounds.
      return Poly.ZERO;
    }
    if (bound.isPresent()) {
      return bounded(node, x, b, bound.get());
    }
    switch (dist.spec().name()) {
      case "Normal": {
        ModelGraph.Arg p = a.get("precision");
        Poly m = b.scalar(a.get("mean").value());
        Poly prec;
        Poly lnPrec;
        Ir pv = p.value();
        switch (p.givenAs()) {
          case "sd": {
            Poly s = b.scalar(pv);
            Poly is = b.inv(s, pv);
            prec = is.times(is);
            lnPrec = b.ln(s, pv).scaled(-2);
            break;
          }
          case "var": {
            Poly v = b.scalar(pv);
            prec = b.inv(v, pv);
            lnPrec = b.ln(v, pv).scaled(-1);
            break;
          }
          default:
            prec = b.scalar(pv);
            lnPrec = b.ln(prec, pv);
        }
        Poly diff = x.scalar().minus(m);
        return lnPrec.scaled(0.5).plus(Poly.constant(-0.5 * LN_2PI)).minus(prec.times(diff.times(diff)).scaled(0.5));
      }
      case "Gamma": {
        Poly shape = known(b, a.get("shape").value(), "shape of Gamma");
        Ir rateIr = a.get("rate").value();
        Poly rate = b.scalar(rateIr);
        return shape.times(b.ln(rate, rateIr)).minus(lgamma(shape))
            .plus(shape.minus(Poly.ONE).times(x.stat(Atom.Stat.LN, rateIr))).minus(rate.times(x.scalar()));
      }
      case "InvGamma": {
        Poly shape = known(b, a.get("shape").value(), "shape of InvGamma");
        Ir scaleIr = a.get("scale").value();
        Poly scale = b.scalar(scaleIr);
        return shape.times(b.ln(scale, scaleIr)).minus(lgamma(shape))
            .minus(shape.plus(Poly.ONE).times(x.stat(Atom.Stat.LN, scaleIr)))
            .minus(scale.times(x.stat(Atom.Stat.INV, scaleIr)));
      }
      case "Exponential": {
        Ir rateIr = a.get("rate").value();
        Poly rate = b.scalar(rateIr);
        return b.ln(rate, rateIr).minus(rate.times(x.scalar()));
      }
      case "Beta": {
        Ir aIr = a.get("a").value();
        Poly pa = known(b, aIr, "first parameter of Beta");
        Poly pb = known(b, a.get("b").value(), "second parameter of Beta");
        return pa.minus(Poly.ONE).times(x.stat(Atom.Stat.LN, aIr))
            .plus(pb.minus(Poly.ONE).times(x.stat(Atom.Stat.LN1M, aIr)))
            .minus(lgamma(pa)).minus(lgamma(pb)).plus(lgamma(pa.plus(pb)));
      }
      case "Bernoulli": {
        Ir pIr = a.get("p").value();
        if (a.get("p").givenAs().equals("logit")) {
          // ln p(y | a) = y a + ln logistic(-a): exact, no bound. For a linear in Gaussian latents
          // the analyzer takes E[ln logistic(-a)] by quadrature and linearises it for the factors
          // inside a (a fixed-form Gaussian update, as for Poisson(exp(a))).
          Poly act = b.scalar(pIr);
          if (x.latent()) {
            throw new NotConjugateException(pIr, "gives the latent '" + node.name() + "' a Bernoulli(logit: ...)"
                + " distribution; logit: is for observed labels (a latent bool takes Bernoulli(p) with p a"
                + " Beta latent or a known probability)", Set.of(node.name()));
          }
          return x.scalar().times(act).plus(Poly.of(new Atom.Fn(Atom.Func.LN_LOGISTIC, List.of(act.scaled(-1)))));
        }
        Poly p = b.scalar(pIr);
        Poly y = x.scalar();
        return y.times(b.ln(p, pIr)).plus(Poly.ONE.minus(y).times(b.ln1m(p, pIr)));
      }
      case "Binomial": {
        Poly n = known(b, a.get("trials").value(), "number of trials of Binomial");
        Ir pIr = a.get("p").value();
        Poly p = b.scalar(pIr);
        Poly y = x.scalar();
        requireKnownValue(x, node, pIr);
        return lgamma(n.plus(Poly.ONE)).minus(lgamma(y.plus(Poly.ONE))).minus(lgamma(n.minus(y).plus(Poly.ONE)))
            .plus(y.times(b.ln(p, pIr))).plus(n.minus(y).times(b.ln1m(p, pIr)));
      }
      case "Poisson": {
        Ir rIr = a.get("rate").value();
        Poly y = x.scalar();
        requireKnownValue(x, node, rIr);
        if (rIr instanceof Ir.Call c && c.fn().equals("exp") && SymBuilder.mentionsLatent(c.args().get(0))) {
          // A log link: ln p = y a - exp(a) - ln y!. E[exp(a)] is the lognormal mean for a Gaussian a,
          // and the analyzer linearises exp(a) for the factors inside a (a fixed-form Gaussian update).
          Poly act = b.scalar(c.args().get(0));
          return y.times(act).minus(Poly.of(new Atom.Fn(Atom.Func.EXP, List.of(act))))
              .minus(lgamma(y.plus(Poly.ONE)));
        }
        Poly r = b.scalar(rIr);
        return y.times(b.ln(r, rIr)).minus(r).minus(lgamma(y.plus(Poly.ONE)));
      }
      case "Categorical": {
        Ir pIr = a.get("p").value();
        Dim k = ((Type.Vector) pIr.type()).length();
        Idx i = Idx.fresh("c", k);
        Function<Ix, Poly> lnP = b.lnVector(pIr);
        Ix ii = new Ix.V(i);
        return x.onehot(ii).times(lnP.apply(ii)).sum(i);
      }
      case "Multinomial": {
        Poly n = known(b, a.get("trials").value(), "number of trials of Multinomial");
        Ir pIr = a.get("p").value();
        requireKnownValue(x, node, pIr);
        Dim k = ((Type.Vector) pIr.type()).length();
        Idx i = Idx.fresh("c", k);
        Ix ii = new Ix.V(i);
        Function<Ix, Poly> lnP = b.lnVector(pIr);
        Poly xi = x.component(ii);
        return lgamma(n.plus(Poly.ONE))
            .plus(xi.times(lnP.apply(ii)).minus(lgamma(xi.plus(Poly.ONE))).sum(i));
      }
      case "Dirichlet": {
        Ir alphaIr = a.get("alpha").value();
        Dim k = ((Type.Vector) alphaIr.type()).length();
        Function<Ix, Poly> alpha = b.vector(alphaIr);
        Idx i = Idx.fresh("c", k);
        Ix ii = new Ix.V(i);
        Poly ai = alpha.apply(ii);
        if (ai.isRandom()) {
          throw new NotConjugateException(alphaIr, "makes the concentration of Dirichlet depend on a latent;"
              + " ln Gamma(alpha) has no closed-form expectation", SymBuilder.latentsIn(ai));
        }
        Poly lnX = x.latent() ? Poly.of(new Atom.Rv(node.name(), x.element(), Atom.Stat.LN, List.of(ii)))
            : Poly.of(new Atom.Fn(Atom.Func.LOG, List.of(x.component(ii))));
        Idx j = Idx.fresh("c", k);
        Poly sumAlpha = alpha.apply(new Ix.V(j)).sum(j);
        return lgamma(sumAlpha).minus(lgamma(ai).sum(i)).plus(ai.minus(Poly.ONE).times(lnX).sum(i));
      }
      case "MultiNormal": {
        ModelGraph.Arg p = a.get("precision");
        Ir meanIr = a.get("mean").value();
        Dim d = ((Type.Vector) meanIr.type()).length();
        Function<Ix, Poly> m = b.vector(meanIr);
        BiFunction<Ix, Ix, Poly> prec;
        Poly logdet;
        if (p.givenAs().equals("cov")) {
          prec = b.inverse(p.value());
          logdet = b.logdet(p.value()).scaled(-1);
        } else {
          prec = b.matrix(p.value());
          logdet = b.logdet(p.value());
        }
        Idx i = Idx.fresh("i", d);
        Idx j = Idx.fresh("j", d);
        Ix ii = new Ix.V(i);
        Ix jj = new Ix.V(j);
        Poly di = x.component(ii).minus(m.apply(ii));
        Poly dj = x.component(jj).minus(m.apply(jj));
        Poly quad = prec.apply(ii, jj).times(di).times(dj).sum(j).sum(i);
        return logdet.scaled(0.5).minus(b.dimValue(d).scaled(0.5 * LN_2PI)).minus(quad.scaled(0.5));
      }
      case "Wishart": {
        Ir wIr = a.get("W").value();
        Ir nuIr = a.get("nu").value();
        Poly nu = known(b, nuIr, "degrees of freedom of Wishart");
        if (SymBuilder.mentionsLatent(wIr)) {
          throw new NotConjugateException(wIr, "makes the scale matrix of Wishart depend on a latent",
              SymBuilder.latentsIn(wIr));
        }
        Dim d = ((Type.Matrix) wIr.type()).rows();
        Poly dd = b.dimValue(d);
        BiFunction<Ix, Ix, Poly> wInv = b.inverse(wIr);
        Idx i = Idx.fresh("i", d);
        Idx j = Idx.fresh("j", d);
        Ix ii = new Ix.V(i);
        Ix jj = new Ix.V(j);
        Poly lnDetX = x.latent() ? Poly.of(new Atom.Rv(node.name(), x.element(), Atom.Stat.LNDET, List.of()))
            : Poly.of(new Atom.MatrixFn(Atom.MatFunc.LOGDET, new Ir.Var(node.name(), false, List.of(),
                node.type(), node.span()), List.of()));
        Poly tr = wInv.apply(ii, jj).times(x.entry(jj, ii)).sum(j).sum(i);
        Poly lmvg = Poly.of(new Atom.Fn(Atom.Func.LMVGAMMA, List.of(dd, nu.scaled(0.5))));
        return nu.minus(dd).minus(Poly.ONE).scaled(0.5).times(lnDetX).minus(tr.scaled(0.5))
            .minus(nu.scaled(0.5).times(b.logdet(wIr))).minus(nu.times(dd).scaled(0.5 * Math.log(2))).minus(lmvg);
      }
      default:
        throw new IllegalStateException("no log density for " + dist.spec().name());
    }
  }

  /**
   * A likelihood through a nonlinear link, replaced by a local lower bound that is quadratic in
   * the link's argument, so that a Gaussian factor stays conjugate (statistics of the bound's
   * parameters: {@link Atom.Stat#LAMBDA}, {@link Atom.Stat#OFFSET}, {@link Atom.Stat#SHIFT}).
   *
   * <ul>
   *   <li>{@code Bernoulli(logistic(a))}, Jaakkola and Jordan (PRML 10.144, 10.151): with y in {0,
   *       1}, ln p(y | a) = ln logistic((2y - 1) a) >= (y - 1/2) a - lambda(xi) a^2 + c(xi), c(xi) =
   *       ln logistic(xi) - xi/2 + lambda(xi) xi^2, equal at xi^2 = a^2.
   *   <li>{@code Categorical(softmax(v))}: ln p(y | v) = v_y - lse(v) and, lse having curvature at
   *       most 1/2 in every direction (Bohning 1992), lse(v) <= lse(psi) + g'(v - psi) + |v -
   *       psi|^2/4 with g = softmax(psi); so ln p >= v_y - sum_k v_k^2/4 + sum_k b_k(psi) v_k +
   *       c(psi), b_k = psi_k/2 - g_k, c = -(lse(psi) - g'psi + |psi|^2/4), equal at psi = v.
   * </ul>
   */
  private static Poly bounded(ModelGraph.Node node, Value x, SymBuilder b, ModelGraph.Node bound) {
    Ir arg = ((Ir.Call) node.dist().get().arg("p").value()).args().get(0);
    Poly offset = Poly.of(new Atom.Rv(bound.name(), x.element(), Atom.Stat.OFFSET, List.of()));
    if (node.dist().get().spec().name().equals("Bernoulli")) {
      Poly act = b.scalar(arg);
      Poly lambda = Poly.of(new Atom.Rv(bound.name(), x.element(), Atom.Stat.LAMBDA, List.of()));
      return x.scalar().minus(Poly.constant(0.5)).times(act).minus(lambda.times(act.times(act))).plus(offset);
    }
    Function<Ix, Poly> v = b.vector(arg);
    Dim k = ((Type.Vector) arg.type()).length();
    Idx c = Idx.fresh("c", k);
    Ix cc = new Ix.V(c);
    Poly vc = v.apply(cc);
    Poly shift = Poly.of(new Atom.Rv(bound.name(), x.element(), Atom.Stat.SHIFT, List.of(cc)));
    return x.onehot(cc).times(vc).minus(vc.times(v.apply(cc)).scaled(0.25)).plus(shift.times(vc)).sum(c)
        .plus(offset);
  }

  private static Poly known(SymBuilder b, Ir e, String what) {
    Poly p = b.scalar(e);
    if (p.isRandom()) {
      throw new NotConjugateException(e, "makes the " + what + " depend on a latent; its log normaliser"
          + " (ln Gamma) has no closed-form expectation", SymBuilder.latentsIn(p));
    }
    return p;
  }

  /** A latent count (Poisson, Binomial, Multinomial value) would need lnGamma(x + 1) of a latent. */
  private static void requireKnownValue(Value x, ModelGraph.Node node, Ir source) {
    if (x.latent()) {
      throw new NotConjugateException(source, "gives the latent count '" + node.name() + "' a distribution"
          + " whose normaliser ln(x!) has no closed-form expectation; latent counts are not supported",
          Set.of(node.name()));
    }
  }

  private static Poly lgamma(Poly p) {
    java.util.OptionalDouble c = p.asConstant();
    if (c.isPresent() && (c.getAsDouble() == 1 || c.getAsDouble() == 2)) {
      return Poly.ZERO;
    }
    return Poly.of(new Atom.Fn(Atom.Func.LGAMMA, List.of(p)));
  }
}
