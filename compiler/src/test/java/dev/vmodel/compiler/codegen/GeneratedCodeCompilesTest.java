package dev.vmodel.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vmodel.runtime.fit.FitResult;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example's generated source compiles in memory under {@code -Xlint:all -Werror} against
 * the test JVM's class path (which holds the runtime and EJML), and has the public API the
 * users of generated models rely on. Also what a reader of the source would stumble on:
 * unused imports, fully qualified names, unit coefficients.
 */
class GeneratedCodeCompilesTest {
  static List<String> examples() {
    return Examples.stems();
  }

  @Test
  void everyExampleCompilesTogetherWithoutWarnings() {
    ClassLoader loader = Examples.examplesLoader();
    for (String stem : Examples.stems()) {
      assertNotNull(Examples.exampleClass(stem), stem);
    }
    assertNotNull(loader);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void eachExampleCompilesOnItsOwn(String stem) {
    Examples.Generated g = Examples.example(stem);
    assertNotNull(Examples.compile(List.of(g)));
  }

  static List<String> testModels() {
    return TestModels.files().stream().map(java.nio.file.Path::toString).toList();
  }

  /**
   * Every model file of the tests (examples, codegen variants, good models, the interpreter's
   * models) plans and its generated code compiles under -Xlint:all -Werror.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("testModels")
  void everyTestModelCompiles(String path) {
    java.nio.file.Path file = java.nio.file.Path.of(path);
    List<com.palantir.javapoet.JavaFile> java = TestModels.generate(TestModels.label(file), TestModels.read(file),
        "dev.vmodel.models." + file.getParent().getFileName() + "."
            + file.getFileName().toString().replace(".vmodel", "").replace('-', '_'));
    assertFalse(java.isEmpty(), path);
    assertNotNull(TestModels.compile(java).getParent(), path);
  }

  /** The models left out of {@link #everyTestModelCompiles} are rejected as non-conjugate, not for anything else. */
  @Test
  void theModelsLeftOutAreRejectedAsNotConjugate() {
    for (String label : TestModels.NOT_CONJUGATE) {
      dev.vmodel.compiler.driver.Compiler.Result r = dev.vmodel.compiler.driver.Compiler.plan(
          new dev.vmodel.compiler.diag.SourceFile(label, TestModels.read(TestModels.resource(label))));
      assertTrue(r.hasErrors(), label);
      for (dev.vmodel.compiler.diag.Diagnostic d : r.diagnostics()) {
        assertEquals("E100", d.code().id(), label + ": " + d);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void publicApi(String stem) throws ReflectiveOperationException {
    Class<?> model = Examples.exampleClass(stem);
    assertTrue(Modifier.isFinal(model.getModifiers()), "model class is final");
    Method builder = model.getMethod("builder");
    assertTrue(Modifier.isStatic(builder.getModifiers()));
    model.getMethod("create");
    Class<?> data = nested(model, "Data");
    Class<?> result = nested(model, "Result");
    assertTrue(FitResult.class.isAssignableFrom(result), "Result implements FitResult");
    model.getMethod("fit", data);
    model.getMethod("fit", data, dev.vmodel.runtime.fit.FitOptions.class);
    for (Method setter : Harness.of(model).dataSetters()) {
      Class<?> t = setter.getParameterTypes()[0];
      assertTrue(List.of(double[].class, int[].class, double[][].class, int[][].class, double.class, int.class)
          .contains(t), stem + ": data setter " + setter.getName() + " takes " + t);
    }
    // One typed accessor per factor, returning a runtime posterior record.
    int accessors = 0;
    for (Method m : result.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())
          && m.getReturnType().getPackageName().equals("dev.vmodel.runtime.posterior")) {
        accessors++;
        for (Class<?> p : m.getParameterTypes()) {
          assertEquals(int.class, p, stem + ": accessor " + m.getName() + " takes element indices");
        }
      }
    }
    assertEquals(Examples.example(stem).plan().updates().size(), accessors, stem + ": one accessor per factor");
  }

  /** Only what the code uses is imported. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyImportIsUsed(String stem) {
    String src = Examples.example(stem).source();
    Matcher imports = Pattern.compile("(?m)^import (?:static )?([\\w.]+)\\.(\\w+);$").matcher(src);
    String body = src.replaceAll("(?m)^import .*$", "");
    List<String> unused = new ArrayList<>();
    while (imports.find()) {
      String simple = imports.group(2);
      if (!Pattern.compile("\\b" + simple + "\\b").matcher(body).find()) {
        unused.add(imports.group(1) + "." + simple);
      }
    }
    assertTrue(unused.isEmpty(), stem + ": unused imports " + unused);
  }

  /** No {@code 1.0 * x}, no {@code += -x}, no fully qualified java.util names in code. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void readsLikeHandWrittenCode(String stem) {
    String src = Examples.example(stem).source();
    String code = src.replaceAll("(?s)/\\*\\*.*?\\*/", "").replaceAll("(?m)//.*$", "")
        .replaceAll("(?m)^(import|package) .*$", "");
    for (String bad : List.of("1.0 * ", "+= -", "-= -", "+ -", "- -", "java.util.", "dev.vmodel.runtime.", "(0) *",
        " + 0]")) {
      assertFalse(code.contains(bad), stem + ": generated code contains '" + bad + "'");
    }
  }

  private static Class<?> nested(Class<?> model, String name) {
    for (Class<?> c : model.getDeclaredClasses()) {
      if (c.getSimpleName().equals(name)) {
        return c;
      }
    }
    throw new AssertionError(model.getSimpleName() + " has no " + name);
  }
}
