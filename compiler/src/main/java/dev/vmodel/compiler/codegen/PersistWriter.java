package dev.vmodel.compiler.codegen;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.vmodel.compiler.check.CheckedModel;
import dev.vmodel.compiler.check.Dim;
import dev.vmodel.compiler.check.Type;
import dev.vmodel.compiler.diag.InternalCompilerError;
import dev.vmodel.compiler.driver.VmodelVersion;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes saving and loading of a fitted posterior (docs/posterior-json.md): the model class's
 * {@code SOURCE_SHA256} and {@code VMODEL_VERSION}, {@code Result.save(Writer)}, {@code
 * Result.save(Path)} and {@code Result.posteriorFile()}, the static {@code load(Reader)} and
 * {@code load(Path)}, the State constructor of a loaded posterior, and the checks that make a
 * loaded Result's local factors an error rather than a null. What is saved is {@link
 * Layout#globalState()}: sizes, hyperparameters and the global factors' arrays, restored
 * bitwise; the local factors (one per row) are written for reading only and not restored.
 *
 * <p>A load compares the model name and the source hash, not the vmodel version: the state's
 * layout is a function of the model source alone for a given file {@code format}, every array is
 * checked by name, family and length against this class, and a change of the meaning of an
 * array raises the format (PosteriorFile.FORMAT), which a load also checks.
 */
final class PersistWriter extends WriterPart {
  static final ClassName POSTERIOR_FILE = ClassName.get(RT + ".fit", "PosteriorFile");
  static final ClassName FILE_EXCEPTION = ClassName.get(RT + ".fit", "PosteriorFileException");
  static final ClassName INCOMPATIBLE = ClassName.get(RT + ".fit", "IncompatiblePosteriorException");
  static final String SOURCE_SHA256 = "SOURCE_SHA256";
  static final String VMODEL_VERSION = "VMODEL_VERSION";

  PersistWriter(ModelContext ctx) {
    super(ctx);
  }

  /** {@code SOURCE_SHA256} and {@code VMODEL_VERSION}, constants of the model class. */
  List<FieldSpec> constants() {
    String sha = plan.graph().sourceSha256();
    if (sha == null) {
      throw new InternalCompilerError("model " + plan.graph().name() + " has no source hash");
    }
    return List.of(
        FieldSpec.builder(STRING, SOURCE_SHA256, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The SHA-256 (hex) of the source file this class was generated from, as UTF-8: a saved"
                + " posterior records it, and\n{@link #load} refuses a posterior saved from another source.\n")
            .initializer("$S", sha).build(),
        FieldSpec.builder(STRING, VMODEL_VERSION, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The version of vmodel that generated this class.\n")
            .initializer("$S", VmodelVersion.get()).build());
  }

  /** The model class's static {@code load(Reader)}, {@code load(Path)} and their shared body. */
  List<MethodSpec> loadMethods() {
    List<MethodSpec> out = new ArrayList<>();
    String doc = "Loads a posterior saved by {@link Result#save}: a Result whose global factors are bitwise those"
        + " saved, with the\nsaved ELBO trace, sizes and hyperparameters, but no rows: its local factors (one per"
        + " row) and the sizes of the\nrows ($L) are not restored, and their accessors throw"
        + " {@link IllegalStateException}.\n\n$L"
        + "@throws $T if the file is not a saved posterior of this model's layout (the message gives the\n"
        + "    line and column and what is wrong)\n"
        + "@throws $T if it was saved from another model or another version of this model's source\n"
        + "@throws IOException if it cannot be read\n";
    String rows = layout.rowSizes().isEmpty() ? "none" : String.join(", ", layout.rowSizes());
    out.add(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(resultName())
        .addParameter(Reader.class, "reader").addException(IOException.class)
        .addJavadoc(doc, rows, "<p>The reader is not closed; messages call it \"the saved posterior\".\n\n", FILE_EXCEPTION,
            INCOMPATIBLE)
        .addStatement("return load($T.read(reader, $S))", POSTERIOR_FILE, "the saved posterior").build());
    out.add(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(resultName())
        .addParameter(Path.class, "path").addException(IOException.class)
        .addJavadoc(doc, rows, "", FILE_EXCEPTION, INCOMPATIBLE)
        .addStatement("return load($T.read(path))", POSTERIOR_FILE).build());
    MethodSpec.Builder m = MethodSpec.methodBuilder("load").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(resultName()).addParameter(POSTERIOR_FILE, "file").addException(FILE_EXCEPTION);
    m.addStatement("file.requireSource($S, $L)", plan.graph().name(), SOURCE_SHA256);
    m.addStatement("$T s = new $T()", stateName(), stateName());
    Set<String> rowSizes = layout.rowSizes();
    for (CheckedModel.SizeSym size : plan.graph().sizes()) {
      String f = layout.sizeNames.get(size.name());
      if (rowSizes.contains(size.name())) {
        m.addStatement("s.$N = 0", f);
      } else {
        m.addStatement("s.$N = file.size($S, 1)", f, size.name());
      }
    }
    for (CheckedModel.HyperSym h : plan.graph().hypers()) {
      String f = layout.hyperNames.get(h.name());
      if (h.type() instanceof Type.Scalar) {
        m.addStatement("s.$N = file.hyper($S)", f, h.name());
      } else {
        m.addStatement("s.$N = file.hyper($S, $L)", f, h.name(), longProduct(Layout.componentDims(h.type())));
      }
    }
    for (Layout.StateArray a : layout.globalState()) {
      if (a.sharedWith() != null) {
        m.addStatement("s.$N = s.$N", a.field(), a.factor().params().get(a.sharedWith()));
        continue;
      }
      m.addStatement("s.$N = file.state($S, $S, $L, $S, $S, $L)", a.field(), a.factor().update().factor().name(),
          a.factor().update().family().title(), longProduct(a.factor().elementDims()), a.group(), a.key(),
          longLength(a));
    }
    m.addStatement("file.finish()");
    m.addStatement("return new $T(s, file.elboTrace(), file.iterations(), file.converged(), file.elbo())",
        resultName());
    out.add(m.build());
    return out;
  }

  /** A product of dimensions of a loaded State {@code s}, in long arithmetic. */
  private String longProduct(List<Dim> dims) {
    String p = layout.product(dims, "s");
    return p.equals("1") ? "1L" : "1L * " + p;
  }

  private String longLength(Layout.StateArray a) {
    String p = layout.length(a, "s");
    return p.equals("1") ? "1L" : "1L * " + p;
  }

  /** The State of a loaded posterior: everything unset until {@code load} sets it. */
  MethodSpec loadedStateConstructor() {
    return MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
        .addJavadoc("The State of a loaded posterior ({@code load}): it sets the sizes, hyperparameters and global"
            + " factors' arrays;\nthe data, the local factors and the workspaces stay null.\n").build();
  }

  /** The Result's constructor of a loaded posterior, its {@code posteriorFile()} and {@code save} methods. */
  void addToResult(TypeSpec.Builder t) {
    t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
        .addParameter(stateName(), "s").addParameter(ArrayTypeName.of(TypeName.DOUBLE), "trace")
        .addParameter(TypeName.INT, "iterations").addParameter(TypeName.BOOLEAN, "converged")
        .addParameter(TypeName.DOUBLE, "elbo")
        .addJavadoc("A loaded posterior's Result: the saved ELBO, as its State has no rows to compute it from.\n")
        .addStatement("this.s = s").addStatement("this.trace = trace").addStatement("this.iterations = iterations")
        .addStatement("this.converged = converged").addStatement("this.elbo = elbo").build());
    MethodSpec.Builder c = MethodSpec.methodBuilder("posteriorFile").addModifiers(Modifier.PUBLIC)
        .returns(POSTERIOR_FILE.nestedClass("Contents"))
        .addJavadoc("What {@link #save} writes: this fit's summary and factors, the sizes, the hyperparameters and"
            + " the global\nfactors' state. Its arrays are this Result's own: write it before anything changes"
            + " them.\n");
    // The constants unqualified: the model's name may mean something else inside Result (a model named
    // Posterior is FitResult.Posterior there, one named s is the field s), and Result has no such fields.
    c.addStatement("$T c = new $T($S, $L, $L, this)", POSTERIOR_FILE.nestedClass("Contents"),
        POSTERIOR_FILE.nestedClass("Contents"), plan.graph().name(), SOURCE_SHA256, VMODEL_VERSION);
    for (CheckedModel.SizeSym size : plan.graph().sizes()) {
      c.addStatement("c.size($S, s.$N)", size.name(), layout.sizeNames.get(size.name()));
    }
    for (CheckedModel.HyperSym h : plan.graph().hypers()) {
      c.addStatement("c.hyper($S, s.$N)", h.name(), layout.hyperNames.get(h.name()));
    }
    for (Layout.StateArray a : layout.globalState()) {
      if (a.sharedWith() == null) {
        c.addStatement("c.state($S, $S, $S, s.$N)", a.factor().update().factor().name(), a.group(), a.key(),
            a.field());
      }
    }
    c.addStatement("return c");
    t.addMethod(c.build());
    t.addMethod(MethodSpec.methodBuilder("save").addModifiers(Modifier.PUBLIC).addParameter(Writer.class, "writer")
        .addException(IOException.class)
        .addJavadoc("Writes this posterior as JSON (docs/posterior-json.md) to {@code writer}, which is not closed:"
            + " {@link $T#load}\nreads it back with the global factors bitwise as they are.\n", model)
        .addStatement("$T.write(posteriorFile(), writer)", POSTERIOR_FILE).build());
    t.addMethod(MethodSpec.methodBuilder("save").addModifiers(Modifier.PUBLIC).addParameter(Path.class, "path")
        .addException(IOException.class)
        .addJavadoc("Writes this posterior as JSON to {@code path}, atomically: into a temporary file beside it,"
            + " then moved\nover it, so a failed save leaves no partial file and an existing one as it was.\n")
        .addStatement("$T.write(posteriorFile(), path)", POSTERIOR_FILE).build());
  }

  /** A local factor's accessor on a loaded posterior: an error, not a null. */
  CodeBlock requireLocals(Layout.FactorStorage fs) {
    String first = fs.params().values().iterator().next();
    return CodeBlock.builder().beginControlFlow("if (s.$N == null)", first)
        .addStatement("throw new $T($S)", ISE, "q(" + fs.update().factor().name() + ") is a local factor, and this"
            + " posterior was loaded without its local factors: a saved posterior holds the global factors only;"
            + " fit the data again to get them")
        .endControlFlow().build();
  }

  /** Whether the generic {@code posteriors()} entry of a local factor is left out (loaded posterior). */
  CodeBlock ifLocalsPresent(Layout.FactorStorage fs, CodeBlock entry) {
    String first = fs.params().values().iterator().next();
    return CodeBlock.builder().beginControlFlow("if (s.$N != null)", first).add(entry).endControlFlow().build();
  }

  /** A predictive of data (which a loaded posterior does not have): an error, not a null. */
  CodeBlock requireData(Layout.DataArray d) {
    return CodeBlock.builder().beginControlFlow("if (s.$N == null)", d.field())
        .addStatement("throw new $T($S)", ISE, "the reconstruction of " + d.node() + " needs the data, and this"
            + " posterior was loaded without its rows")
        .endControlFlow().build();
  }
}
