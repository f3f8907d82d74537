package dev.vmodel.compiler.codegen;

import java.util.HashSet;
import java.util.Set;

/**
 * The one place where the generated class's identifiers are made valid and unique. A name the
 * user chose (a size, hyper, data array, latent or index) becomes a Java identifier by these
 * rules, applied in the order names are claimed, so the result is deterministic:
 *
 * <ul>
 *   <li>a Java keyword or literal ({@code class}, {@code new}, {@code true}, {@code _}) or a
 *       restricted identifier ({@code var}, {@code record}, {@code yield}) gets a trailing
 *       underscore: {@code class_};
 *   <li>so does a variable (field, parameter, local) named like a class the generated code
 *       refers to by its simple name ({@code Math}, {@code String}, {@code Arrays}, {@code
 *       LinAlg}, the nested {@code Data}, the model class itself, ...), which would otherwise
 *       obscure it in {@code Math.log(...)};
 *   <li>a name already taken in its scope (a field, an enclosing loop variable, a method of the
 *       same class such as {@code Result.elbo()}) gets the first free number: {@code e2}.
 * </ul>
 *
 * <p>Each scope is one {@link Scope}: the State's fields, a method's locals, the Result's
 * methods. Types are written through {@code $T}, so JavaPoet qualifies them where a user's
 * model class shadows them (a model named {@code String}).
 */
final class Names {
  /** Java's keywords, literals and restricted identifiers, and {@code _}. */
  static final Set<String> JAVA_KEYWORDS = Set.of(
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
      "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
      "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
      "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
      "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void",
      "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed", "permits", "_");

  /** The public classes of java.lang: a variable of one of these names would obscure it. */
  static final Set<String> JAVA_LANG = Set.of(
      "AbstractMethodError", "Appendable", "ArithmeticException", "ArrayIndexOutOfBoundsException",
      "ArrayStoreException", "AssertionError", "AutoCloseable", "Boolean", "BootstrapMethodError", "Byte",
      "Character", "CharSequence", "Class", "ClassCastException", "ClassCircularityError", "ClassFormatError",
      "ClassLoader", "ClassNotFoundException", "ClassValue", "CloneNotSupportedException", "Cloneable",
      "Comparable", "Deprecated", "Double", "Enum", "EnumConstantNotPresentException", "Error", "Exception",
      "ExceptionInInitializerError", "FunctionalInterface", "IllegalAccessError", "IllegalAccessException",
      "IllegalArgumentException", "IllegalCallerException", "IllegalMonitorStateException",
      "IllegalStateException", "IllegalThreadStateException", "IncompatibleClassChangeError",
      "IndexOutOfBoundsException", "InheritableThreadLocal", "InstantiationError", "InstantiationException",
      "Integer", "InternalError", "InterruptedException", "Iterable", "LayerInstantiationException",
      "LinkageError", "Long", "MatchException", "Math", "Module", "ModuleLayer", "NegativeArraySizeException",
      "NoClassDefFoundError", "NoSuchFieldError", "NoSuchFieldException", "NoSuchMethodError",
      "NoSuchMethodException", "NullPointerException", "Number", "NumberFormatException", "Object",
      "OutOfMemoryError", "Override", "Package", "Process", "ProcessBuilder", "ProcessHandle", "Readable",
      "Record", "ReflectiveOperationException", "Runnable", "Runtime", "RuntimeException", "RuntimePermission",
      "SafeVarargs", "SecurityException", "SecurityManager", "Short", "StackOverflowError",
      "StackTraceElement", "StackWalker", "StrictMath", "String", "StringBuffer", "StringBuilder",
      "StringIndexOutOfBoundsException", "SuppressWarnings", "System", "Thread", "ThreadDeath", "ThreadGroup",
      "ThreadLocal", "Throwable", "TypeNotPresentException", "UnknownError", "UnsatisfiedLinkError",
      "UnsupportedClassVersionError", "UnsupportedOperationException", "VerifyError", "VirtualMachineError",
      "Void", "WrongThreadException");

  /** Other classes the generated code names by their simple name: imports and its nested classes. */
  static final Set<String> GENERATED_TYPES = Set.of(
      "Arrays", "Map", "LinkedHashMap", "Collections", "SplittableRandom", "Generated", "LinAlg",
      "SpecialFunctions", "Chunks", "FitOptions", "FitResult", "DataException", "ElboDecreasedException",
      "KMeansPlusPlus", "PseudoCounts", "Init", "Posterior", "Builder", "Data", "State", "Session", "Result", "Prediction",
      // the runtime's family classes, which the families' generated code names (Gamma.entropy(...)):
      // a hyper named Gamma would obscure the class
      "Normal", "MultiNormal", "Gamma", "InvGamma", "Beta", "Dirichlet", "Categorical", "Wishart", "NormalWishart",
      "Roots", "SweepListener", "Interval", "Checks", "LocalBounds", "LogisticBound", "SoftmaxBound", "MarkovChain",
      // saving and loading (PersistWriter): PosteriorFile.read(...), PosteriorFile.write(...)
      "PosteriorFile", "Contents", "PosteriorFileException", "IncompatiblePosteriorException", "IOException",
      "Reader", "Writer", "Path",
      // the split fit (SplitWriter)
      "List", "SplitModel", "SplitPart", "Column", "StringWriter", "StringReader", "UncheckedIOException");

  /** The methods every class has (a public method of these names would override or clash). */
  static final Set<String> OBJECT_METHODS = Set.of("getClass", "hashCode", "equals", "clone", "toString", "notify",
      "notifyAll", "wait", "finalize");

  private Names() {}

  /** Whether a variable of this name would be invalid or obscure a class of the generated code. */
  static boolean reservedVariable(String name, String modelClass) {
    return JAVA_KEYWORDS.contains(name) || JAVA_LANG.contains(name) || GENERATED_TYPES.contains(name)
        || name.equals(modelClass) || name.endsWith("Posterior") && Character.isUpperCase(name.charAt(0));
  }

  /** A user's name as a valid variable name: itself, or with a trailing underscore ({@code class_}). */
  static String variable(String wanted, String modelClass) {
    return reservedVariable(wanted, modelClass) ? wanted + "_" : wanted;
  }

  /** A user's name as a valid method name: itself, or with a trailing underscore if a keyword. */
  static String method(String wanted) {
    return JAVA_KEYWORDS.contains(wanted) ? wanted + "_" : wanted;
  }

  /** One namespace: the names taken in it, and how a wanted name is made free. */
  static final class Scope {
    private final Set<String> taken = new HashSet<>();

    Scope(Set<String> taken) {
      this.taken.addAll(taken);
    }

    /** The wanted name (already valid) if free, else with the first free number; now taken. */
    String claim(String valid) {
      String c = valid;
      int k = 2;
      while (!taken.add(c)) {
        c = valid + k++;
      }
      return c;
    }

    boolean isTaken(String name) {
      return taken.contains(name);
    }
  }
}
