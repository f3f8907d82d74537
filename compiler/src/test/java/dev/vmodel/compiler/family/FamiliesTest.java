package dev.vmodel.compiler.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.compiler.algebra.Atom;
import dev.vmodel.compiler.algebra.Idx;
import dev.vmodel.compiler.algebra.Ix;
import dev.vmodel.compiler.algebra.Monomial;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.diag.SourceFile;
import dev.vmodel.compiler.driver.Compiler;
import dev.vmodel.compiler.plan.PlanPrinter;
import dev.vmodel.compiler.plan.UpdatePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Each family is one value: complete, self-consistent, and not switched on elsewhere. */
class FamiliesTest {
  private static final Idx I = Idx.fresh("i", new Dim.Fixed(2));
  private static final Idx J = Idx.fresh("j", new Dim.Fixed(2));

  @Test
  void everyKindHasExactlyOneFamily() {
    Set<String> titles = new HashSet<>();
    for (Family.Kind k : Family.Kind.values()) {
      assertEquals(k, Families.of(k).kind());
      assertTrue(titles.add(Families.of(k).title()), "two families titled " + Families.of(k).title());
    }
    assertEquals(Family.Kind.values().length, Families.all().size());
  }

  @Test
  void layoutIsConsistent() {
    for (FamilySpec s : Families.all()) {
      for (FamilySpec.StatDef st : s.statistics()) {
        assertEquals(st.arity(), s.moments().get(st.name()), s.title() + " stores the moment of statistic " + st.name());
      }
      assertTrue(s.moments().containsKey(s.meanMoment()), s.title() + " mean moment");
      for (String m : s.moments().keySet()) {
        String shared = s.momentSharing(m);
        assertTrue(shared == null || s.params().contains(shared), s.title() + " shares " + m + " with " + shared);
      }
      for (String p : s.params()) {
        assertTrue(s.paramWidth(p) >= 0 && s.paramWidth(p) <= 2, s.title() + " width of " + p);
      }
      assertNotNull(s.posterior());
    }
  }

  /** One-latent families read their statistics (and further moments) back from their signatures. */
  @Test
  void statisticsAreReadBackFromTheirAtoms() {
    for (FamilySpec s : Families.all()) {
      if (!s.priors().isEmpty()) {
        Family f = new Family(s, List.of("x"), new Dim.Fixed(2));
        for (FamilySpec.StatDef st : s.statistics()) {
          List<Atom.Rv> atoms = atoms("x", st.signature());
          assertEquals(st.name(), f.matchNatural(atoms, monomial(atoms)).stat(), s.title() + " " + st.name());
          assertEquals(st.name(), f.matchMoment(atoms, monomial(atoms)).stat(), s.title() + " " + st.name());
        }
        for (FamilySpec.StatDef st : s.extraMoments()) {
          List<Atom.Rv> atoms = atoms("x", st.signature());
          assertNull(f.matchNatural(atoms, monomial(atoms)), s.title() + " " + st.name() + " is no statistic");
          assertEquals(st.name(), f.matchMoment(atoms, monomial(atoms)).stat(), s.title() + " " + st.name());
        }
      }
    }
  }

  @Test
  void normalGammaReadsItsJointStatistics() {
    Family f = new Family(Family.Kind.NORMAL_GAMMA, List.of("mu", "tau"), null);
    Atom.Rv mu = new Atom.Rv("mu", List.of(), Atom.Stat.ID, List.of());
    Atom.Rv tau = new Atom.Rv("tau", List.of(), Atom.Stat.ID, List.of());
    Atom.Rv lnTau = new Atom.Rv("tau", List.of(), Atom.Stat.LN, List.of());
    assertEquals("taumu2", f.matchNatural(List.of(tau, mu, mu), monomial(List.of(tau, mu, mu))).stat());
    assertEquals("taumu", f.matchNatural(List.of(mu, tau), monomial(List.of(mu, tau))).stat());
    assertEquals("lntau", f.matchNatural(List.of(lnTau), monomial(List.of(lnTau))).stat());
    assertNull(f.matchNatural(List.of(mu), monomial(List.of(mu))), "mu alone is a moment, not a statistic");
    assertEquals("mu", f.matchMoment(List.of(mu), monomial(List.of(mu))).stat());
    assertNull(f.matchNatural(List.of(lnTau, mu), monomial(List.of(lnTau, mu))));
  }

  @Test
  void normalWishartContractsOnlyIndicesItsOwnAtomsUse() {
    Family f = new Family(Family.Kind.NORMAL_WISHART, List.of("mu", "Lambda"), new Dim.Fixed(2));
    Atom.Rv lam = new Atom.Rv("Lambda", List.of(), Atom.Stat.ID, List.of(new Ix.V(I), new Ix.V(J)));
    Atom.Rv muJ = new Atom.Rv("mu", List.of(), Atom.Stat.ID, List.of(new Ix.V(J)));
    Atom.Rv muI = new Atom.Rv("mu", List.of(), Atom.Stat.ID, List.of(new Ix.V(I)));
    Monomial lamMu = new Monomial(1.0, List.of(J), List.of(lam, muJ));
    Family.Match m = f.matchNatural(List.of(lam, muJ), lamMu);
    assertEquals("Lambdamu", m.stat());
    assertEquals(List.of(J), m.consumed());
    Monomial quad = new Monomial(1.0, List.of(I, J), List.of(muI, lam, muJ));
    assertEquals("muLambdamu", f.matchNatural(List.of(muI, lam, muJ), quad).stat());
    // j is not summed: Lambda[i, j] mu[j] with j free is no statistic.
    assertNull(f.matchNatural(List.of(lam, muJ), new Monomial(1.0, List.of(), List.of(lam, muJ))));
  }

  /**
   * Every family explains its parameters, in plain text and in Markdown, with every natural
   * parameter it names found (a misspelt statistic fails or prints "null"): models that use all ten.
   */
  @Test
  void everyFamilyExplainsItsParameters() throws IOException {
    List<Path> models = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("../examples"))) {
      s.filter(p -> p.toString().endsWith(".vmodel")).sorted().forEach(models::add);
    }
    for (String m : List.of("wishart-precision", "normal-gamma-grouped", "normal-wishart-grouped")) {
      models.add(Path.of("src/test/resources/eval/" + m + ".vmodel"));
    }
    Set<Family.Kind> seen = new HashSet<>();
    for (Path p : models) {
      Compiler.Result r = Compiler.plan(new SourceFile(p.toString(), Files.readString(p)));
      assertFalse(r.hasErrors(), () -> p + ": " + r.diagnostics());
      for (UpdatePlan plan : r.plans()) {
        for (String out : List.of(PlanPrinter.text(plan), PlanPrinter.markdown(plan))) {
          for (String line : out.split("\n")) {
            if (line.contains("Parameters")) {
              assertFalse(line.contains("null"), p + ": " + line);
            }
          }
        }
        plan.updates().forEach(u -> seen.add(u.family().kind()));
      }
    }
    assertEquals(Set.of(Family.Kind.values()), seen);
  }

  /**
   * Outside the family package, main sources neither switch on a family's kind nor name its
   * runtime class or posterior record: adding a family touches its class and the runtime only.
   */
  @Test
  void noFamilySwitchesOutsideTheFamilyPackage() throws IOException {
    Path main = Path.of("src/main/java/dev/vmodel/compiler");
    String kinds = "NORMAL|MULTI_NORMAL|GAMMA|INV_GAMMA|BETA|DIRICHLET|CATEGORICAL|WISHART|NORMAL_GAMMA|NORMAL_WISHART"
        + "|JAAKKOLA_JORDAN|BOHNING|MARKOV_CHAIN";
    String runtime = "Normal|MultiNormal|Gamma|InvGamma|Beta|Dirichlet|Categorical|Wishart|NormalGamma|NormalWishart";
    Pattern kind = Pattern.compile("Kind\\.(" + kinds + ")\\b|case (" + kinds + "):|\"(" + runtime + ")Posterior\""
        + "|, \"(" + runtime + ")\"\\)");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path p : files.filter(x -> x.toString().endsWith(".java")).toList()) {
        if (p.startsWith(main.resolve("family"))) {
          continue;
        }
        Matcher m = kind.matcher(Files.readString(p));
        while (m.find()) {
          found.add(main.relativize(p) + ": " + m.group());
        }
      }
    }
    assertEquals(List.of(), found);
  }

  private static List<Atom.Rv> atoms(String var, String signature) {
    List<Atom.Rv> out = new ArrayList<>();
    for (String part : signature.split(",")) {
      int n = part.charAt(part.length() - 1) - '0';
      List<Ix> comps = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        comps.add(new Ix.V(c == 0 ? I : J));
      }
      out.add(new Atom.Rv(var, List.of(), Atom.Stat.valueOf(part.substring(0, part.length() - 1)), comps));
    }
    return out;
  }

  private static Monomial monomial(List<Atom.Rv> atoms) {
    return new Monomial(1.0, List.of(), new ArrayList<Atom>(atoms));
  }
}
