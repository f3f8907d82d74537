package dev.vmodel.compiler.driver;

import com.palantir.javapoet.JavaFile;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated model classes in memory with javac (javax.tools) and loads them, leaving no
 * files behind: what `vmodel fit` and the tests use. Compilation uses {@code -Xlint:all -Werror},
 * so generated code that warns is a failure, not a surprise for the user's build.
 */
public final class InMemoryCompiler {
  private InMemoryCompiler() {}

  /** javac rejected generated code: a bug in vmodel, reported with javac's messages. */
  public static final class CompilationFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CompilationFailed(String message) {
      super(message);
    }
  }

  /** Compiles the files against {@code classPath} and returns a loader that defines them. */
  public static ClassLoader compile(List<JavaFile> files, String classPath, ClassLoader parent) {
    return loader(compileClasses(files, classPath), parent);
  }

  /** Compiles the files against {@code classPath}: the class files by binary class name. */
  public static Map<String, byte[]> compileClasses(List<JavaFile> files, String classPath) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no Java compiler in this runtime: run vmodel on a JDK, not a JRE");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, null);
    Map<String, ByteArrayOutputStream> classes = new HashMap<>();
    ForwardingJavaFileManager<StandardJavaFileManager> manager = new ForwardingJavaFileManager<>(standard) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
          FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
          @Override
          public OutputStream openOutputStream() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            classes.put(className, out);
            return out;
          }
        };
      }
    };
    List<JavaFileObject> sources = new ArrayList<>();
    for (JavaFile f : files) {
      sources.add(f.toJavaFileObject());
    }
    List<String> options = List.of("-Xlint:all", "-Werror", "-proc:none", "-classpath", classPath);
    StringWriter out = new StringWriter();
    boolean ok = javac.getTask(out, manager, diagnostics, options, null, sources).call();
    if (!ok) {
      StringBuilder msg = new StringBuilder("generated code failed to compile (a vmodel bug):\n");
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        msg.append(d.getSource() == null ? "" : d.getSource().getName()).append(':').append(d.getLineNumber())
            .append(": ").append(d.getMessage(null)).append('\n');
      }
      throw new CompilationFailed(msg.append(out).toString());
    }
    Map<String, byte[]> bytes = new TreeMap<>();
    classes.forEach((name, b) -> bytes.put(name, b.toByteArray()));
    return bytes;
  }

  /**
   * The resource a loader of {@link #loader} answers with the binary names of its classes, one per
   * line: what a backend that runs the classes elsewhere (Spark's executors) ships with them.
   */
  public static final String CLASS_LIST = "META-INF/vmodel/generated-classes";

  /**
   * A loader that defines the given classes (binary name to class file) on demand, and answers
   * their class files as resources ({@code pkg/Name.class}) and their names as {@link #CLASS_LIST}.
   */
  public static ClassLoader loader(Map<String, byte[]> classes, ClassLoader parent) {
    Map<String, byte[]> copy = Map.copyOf(classes);
    Map<String, byte[]> files = new HashMap<>();
    copy.forEach((name, b) -> files.put(name.replace('.', '/') + ".class", b));
    byte[] list = String.join("\n", new TreeMap<>(copy).keySet()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new ClassLoader(parent) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = copy.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }

      @Override
      public java.io.InputStream getResourceAsStream(String name) {
        if (CLASS_LIST.equals(name)) {
          return new java.io.ByteArrayInputStream(list);
        }
        byte[] b = files.get(name);
        return b != null ? new java.io.ByteArrayInputStream(b) : super.getResourceAsStream(name);
      }
    };
  }
}
