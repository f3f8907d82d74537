package dev.vmodel.runtime.fit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A fitted posterior as JSON (docs/posterior-json.md): written by a generated {@code
 * Result.save} and by {@code vmodel fit --out}, read by a generated {@code Model.load}.
 *
 * <p>The display fields ({@code elbo}, {@code factors.*.parameters}, {@code mean}, {@code sd}) are
 * what a person or another program reads; numbers have 17 significant digits, so they read back
 * exactly, and non-finite ones are {@code null}. What a load restores is elsewhere: the sizes,
 * the hyperparameters and, for every global factor, its {@code state} (the generated State's
 * parameter and moment arrays verbatim). Those are written exactly as well, and a non-finite
 * value there is the string {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"} (a NaN other
 * than Java's canonical {@link Double#NaN} as {@code "NaN:0x"} and its 16 hex digits of bits), so a
 * loaded State is bitwise the saved one.
 *
 * <p>Reading is strict: every problem is a {@link PosteriorFileException} naming the file, the
 * line and column of the offending value, and what is wrong.
 */
public final class PosteriorFile {
  /**
   * The version of this file format. A file of a higher format is refused; it is raised whenever
   * the meaning of a stored array changes (a family's parameterisation, a moment's definition),
   * which a check of names and lengths alone would not notice.
   */
  public static final int FORMAT = 1;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();

  /** The display fields of a factor, which a load does not need (it recomputes them from the state). */
  private static final Set<String> DISPLAY = Set.of("parameters", "mean", "sd");

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * What a saved posterior holds, collected by the generated {@code Result.posteriorFile()} (its
   * arrays are the State's own, not copies: write it before the state changes).
   */
  public static final class Contents {
    private final String model;
    private final String sourceSha256;
    private final String vmodelVersion;
    private FitResult fit;
    private double seconds = Double.NaN;
    private final Map<String, Integer> sizes = new LinkedHashMap<>();
    private final Map<String, Object> hypers = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<String, double[]>>> states = new LinkedHashMap<>();
    private boolean withoutLocals;

    /** The model's name, its source's SHA-256 (hex), the vmodel version, and the fit (ELBO, factors). */
    public Contents(String model, String sourceSha256, String vmodelVersion, FitResult fit) {
      this.model = model;
      this.sourceSha256 = sourceSha256;
      this.vmodelVersion = vmodelVersion;
      this.fit = fit;
    }

    /** Replaces the fit summary written (ELBO, trace, iterations, converged, factors) and adds the fit's seconds. */
    public Contents summary(FitResult summary, double fitSeconds) {
      this.fit = summary;
      this.seconds = fitSeconds;
      return this;
    }

    public Contents size(String name, int value) {
      sizes.put(name, value);
      return this;
    }

    public Contents hyper(String name, double value) {
      hypers.put(name, value);
      return this;
    }

    /** A vector or matrix hyperparameter, flat row-major. */
    public Contents hyper(String name, double[] value) {
      hypers.put(name, value);
      return this;
    }

    /**
     * Leaves out of the file the factors without a state (the rows' local factors: a mixture's z,
     * PPCA's h, LDA's z), which are written for reading and never loaded; what a load reads stays.
     */
    public Contents withoutLocals() {
      this.withoutLocals = true;
      return this;
    }

    /** One array of a factor's state: {@code group} is {@code params} or {@code moments}. */
    public Contents state(String factor, String group, String name, double[] values) {
      states.computeIfAbsent(factor, k -> new LinkedHashMap<>()).computeIfAbsent(group, k -> new LinkedHashMap<>())
          .put(name, values);
      return this;
    }
  }

  /** Writes {@code c} as JSON to {@code out} (not closed). */
  public static void write(Contents c, Writer out) throws IOException {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.setPrettyPrinter(new Layout());
      g.writeStartObject();
      g.writeStringField("model", c.model);
      g.writeNumberField("format", FORMAT);
      g.writeStringField("sourceSha256", c.sourceSha256);
      g.writeStringField("vmodelVersion", c.vmodelVersion);
      g.writeFieldName("elbo");
      display(g, c.fit.elbo());
      g.writeNumberField("iterations", c.fit.iterations());
      g.writeBooleanField("converged", c.fit.converged());
      if (!Double.isNaN(c.seconds)) {
        g.writeFieldName("seconds");
        display(g, c.seconds);
      }
      g.writeFieldName("elboTrace");
      displayArray(g, c.fit.elboTrace());
      g.writeObjectFieldStart("sizes");
      for (Map.Entry<String, Integer> e : c.sizes.entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeObjectFieldStart("hypers");
      for (Map.Entry<String, Object> e : c.hypers.entrySet()) {
        g.writeFieldName(e.getKey());
        if (e.getValue() instanceof double[] v) {
          exactArray(g, v);
        } else {
          exact(g, (Double) e.getValue());
        }
      }
      g.writeEndObject();
      g.writeObjectFieldStart("factors");
      for (Map.Entry<String, FitResult.Posterior> e : c.fit.posteriors().entrySet()) {
        FitResult.Posterior p = e.getValue();
        if (c.withoutLocals && !c.states.containsKey(e.getKey())) {
          continue;
        }
        g.writeObjectFieldStart(e.getKey());
        g.writeStringField("family", p.family());
        g.writeNumberField("elements", p.elements());
        g.writeObjectFieldStart("parameters");
        for (Map.Entry<String, double[]> q : p.parameters().entrySet()) {
          g.writeFieldName(q.getKey());
          displayArray(g, q.getValue());
        }
        g.writeEndObject();
        g.writeFieldName("mean");
        displayArray(g, p.mean());
        if (p.sd().length > 0) {
          g.writeFieldName("sd");
          displayArray(g, p.sd());
        }
        Map<String, Map<String, double[]>> state = c.states.get(e.getKey());
        if (state != null) {
          g.writeObjectFieldStart("state");
          for (Map.Entry<String, Map<String, double[]>> group : state.entrySet()) {
            g.writeObjectFieldStart(group.getKey());
            for (Map.Entry<String, double[]> a : group.getValue().entrySet()) {
              g.writeFieldName(a.getKey());
              exactArray(g, a.getValue());
            }
            g.writeEndObject();
          }
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
      g.writeRaw('\n');
    }
  }

  /**
   * Writes {@code c} to {@code path} atomically: into a temporary file in the same directory,
   * then moved over {@code path}, so a failed write leaves no partial file and the old file, if
   * any, as it was.
   */
  public static void write(Contents c, Path path) throws IOException {
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    boolean moved = false;
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        write(c, w);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** The text of a value of an exact array: a number, or a string for a non-finite value. */
  static String exactText(double v) {
    if (Double.isFinite(v)) {
      return number(v);
    }
    long bits = Double.doubleToRawLongBits(v);
    if (Double.isNaN(v)) {
      return bits == CANONICAL_NAN ? "NaN" : String.format(Locale.ROOT, "NaN:0x%016x", bits);
    }
    return v > 0 ? "Infinity" : "-Infinity";
  }

  private static final long CANONICAL_NAN = Double.doubleToRawLongBits(Double.NaN);

  /** 17 significant digits (round-trip exact), always with a '.' or an exponent (so -0.0 stays a double). */
  static String number(double v) {
    if (v == 0) {
      return 1 / v < 0 ? "-0.0" : "0.0";
    }
    String s = String.format(Locale.ROOT, "%.17g", v);
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    String exponent = e < 0 ? "" : s.substring(e);
    if (mantissa.indexOf('.') >= 0) {
      int end = mantissa.length();
      while (mantissa.charAt(end - 1) == '0') {
        end--;
      }
      if (mantissa.charAt(end - 1) == '.') {
        end++; // keep one zero: 25.0
      }
      mantissa = mantissa.substring(0, end);
    }
    return mantissa + exponent;
  }

  private static void display(JsonGenerator g, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumber(number(v));
    } else {
      g.writeNull();
    }
  }

  private static void displayArray(JsonGenerator g, double[] v) throws IOException {
    g.writeStartArray();
    for (double x : v) {
      display(g, x);
    }
    g.writeEndArray();
  }

  private static void exact(JsonGenerator g, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumber(number(v));
    } else {
      g.writeString(exactText(v));
    }
  }

  private static void exactArray(JsonGenerator g, double[] v) throws IOException {
    g.writeStartArray();
    for (double x : v) {
      exact(g, x);
    }
    g.writeEndArray();
  }

  /** Objects one field a line, indented by two; arrays on one line; {@code "name": value}. */
  private static final class Layout implements PrettyPrinter {
    private int depth;

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
      depth++;
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
      depth--;
      if (nrOfEntries > 0) {
        newline(g);
      }
      g.writeRaw('}');
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(',');
      newline(g);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
      g.writeRaw(']');
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) {
      // values follow '[' directly
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      newline(g);
    }

    private void newline(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
      for (int i = 0; i < depth; i++) {
        g.writeRaw("  ");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading: a tree of the file's values with their positions, then checked field by field.

  /** A value of the file and where it starts. */
  private sealed interface Value permits Obj, Arr, Nums, Num, Str, Bool, Null {
    int line();

    int column();
  }

  private record Obj(Map<String, Value> fields, int line, int column) implements Value {}

  private record Arr(List<Value> items, int line, int column) implements Value {}

  /**
   * An array of numbers, of the strings NaN, Infinity and -Infinity (read as those values), and
   * of {@code null} (read as NaN, which only display arrays accept: {@code firstNull} is the index
   * of the first, or -1), with every item's position packed as {@code line << 32 | column}.
   */
  private record Nums(double[] values, long[] positions, int firstNull, int line, int column) implements Value {}

  private record Num(double value, String text, boolean integer, int line, int column) implements Value {}

  private record Str(String value, int line, int column) implements Value {}

  private record Bool(boolean value, int line, int column) implements Value {}

  private record Null(int line, int column) implements Value {}

  private final String name;
  private final Obj root;
  /** State arrays read so far, as {@code factor/group/name}: {@link #finish()} refuses any other. */
  private final Set<String> used = new LinkedHashSet<>();

  private PosteriorFile(String name, Obj root) {
    this.name = name;
    this.root = root;
  }

  /** Reads and parses a saved posterior; its contents are checked as they are asked for. */
  public static PosteriorFile read(Path path) throws IOException {
    try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return read(r, path.toString());
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new PosteriorFileException(path.toString(), 0, 0, "not a saved posterior: the file is not UTF-8 text");
    }
  }

  /** Reads and parses a saved posterior from {@code in} (not closed); {@code name} names it in messages. */
  public static PosteriorFile read(Reader in, String name) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new PosteriorFileException(name, 0, 0, "the file is empty, not a saved posterior");
      }
      if (t != JsonToken.START_OBJECT) {
        throw located(name, p.currentTokenLocation(), "a saved posterior is a JSON object, found " + describe(t));
      }
      Obj root = (Obj) value(p, name, t, 0, null);
      JsonToken after = p.nextToken();
      if (after != null) {
        throw located(name, p.currentTokenLocation(), "found " + describe(after) + " after the end of the JSON object");
      }
      return new PosteriorFile(name, root);
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      String msg = e.getOriginalMessage();
      int cut = msg.indexOf('\n');
      throw new PosteriorFileException(name, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
          "not valid JSON: " + (cut < 0 ? msg : msg.substring(0, cut)));
    }
  }

  private static PosteriorFileException located(String name, JsonLocation l, String problem) {
    return new PosteriorFileException(name, l.getLineNr(), l.getColumnNr(), problem);
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  /**
   * The value starting at token {@code t}. {@code depth} and {@code key} say where it is: the
   * display fields of a factor ({@code factors.X.parameters}, {@code mean}, {@code sd}) are
   * skipped, as a load recomputes them (and they may be large).
   */
  private static Value value(JsonParser p, String name, JsonToken t, int depth, String key) throws IOException {
    JsonLocation at = p.currentTokenLocation();
    int line = at.getLineNr();
    int col = at.getColumnNr();
    switch (t) {
      case START_OBJECT: {
        Map<String, Value> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          if (depth == 2 && DISPLAY.contains(field)) {
            p.skipChildren();
            fields.put(field, new Null(p.currentTokenLocation().getLineNr(), 0));
            continue;
          }
          fields.put(field, value(p, name, v, depth + 1, field));
        }
        return new Obj(fields, line, col);
      }
      case START_ARRAY:
        return array(p, name, line, col, depth, key);
      case VALUE_STRING:
        return new Str(p.getText(), line, col);
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new Num(Double.parseDouble(p.getText()), p.getText(), t == JsonToken.VALUE_NUMBER_INT, line, col);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new Bool(t == JsonToken.VALUE_TRUE, line, col);
      case VALUE_NULL:
        return new Null(line, col);
      default:
        throw located(name, at, "unexpected " + t);
    }
  }

  private static Value array(JsonParser p, String name, int line, int col, int depth, String key) throws IOException {
    double[] values = new double[16];
    long[] positions = new long[16];
    int n = 0;
    int firstNull = -1;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      JsonLocation at = p.currentTokenLocation();
      double v;
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
        v = Double.parseDouble(p.getText());
      } else if (t == JsonToken.VALUE_NULL) {
        v = Double.NaN;
        firstNull = firstNull < 0 ? n : firstNull;
      } else if (t == JsonToken.VALUE_STRING && nonFinite(p.getText()) != null) {
        v = nonFinite(p.getText());
      } else {
        // Not an array of numbers: the items as values (checks will name the first bad one).
        List<Value> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(new Num(values[i], number(values[i]), false, (int) (positions[i] >>> 32), (int) positions[i]));
        }
        items.add(value(p, name, t, depth + 1, key));
        for (JsonToken u = p.nextToken(); u != JsonToken.END_ARRAY; u = p.nextToken()) {
          items.add(value(p, name, u, depth + 1, key));
        }
        return new Arr(items, line, col);
      }
      if (n == values.length) {
        values = Arrays.copyOf(values, 2 * n);
        positions = Arrays.copyOf(positions, 2 * n);
      }
      values[n] = v;
      positions[n] = ((long) at.getLineNr() << 32) | (at.getColumnNr() & 0xffffffffL);
      n++;
    }
    return new Nums(Arrays.copyOf(values, n), Arrays.copyOf(positions, n), firstNull, line, col);
  }

  /** The value of a string in an exact array ({@link #exactText}), or null if it is not one. */
  private static Double nonFinite(String s) {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "Infinity":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        if (s.length() == 22 && s.startsWith("NaN:0x")) {
          try {
            double v = Double.longBitsToDouble(Long.parseUnsignedLong(s.substring(6), 16));
            return Double.isNaN(v) ? v : null;
          } catch (NumberFormatException e) {
            return null;
          }
        }
        return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Checked access, for the generated load

  private PosteriorFileException error(Value at, String problem) {
    return new PosteriorFileException(name, at.line(), at.column(), problem);
  }

  private Value field(Obj o, String path, String field) throws PosteriorFileException {
    Value v = o.fields().get(field);
    if (v == null) {
      throw error(o, (path.isEmpty() ? "" : path + ": ") + "missing field \"" + field + "\"");
    }
    return v;
  }

  private Obj object(Obj o, String path, String field) throws PosteriorFileException {
    Value v = field(o, path, field);
    if (!(v instanceof Obj r)) {
      throw error(v, join(path, field) + " must be an object, found " + kind(v));
    }
    return r;
  }

  private String string(Obj o, String path, String field) throws PosteriorFileException {
    Value v = field(o, path, field);
    if (!(v instanceof Str s)) {
      throw error(v, join(path, field) + " must be a string, found " + kind(v));
    }
    return s.value();
  }

  private long integer(Obj o, String path, String field, long min, long max) throws PosteriorFileException {
    Value v = field(o, path, field);
    if (!(v instanceof Num n) || !n.integer()) {
      throw error(v, join(path, field) + " must be a whole number, found " + kind(v));
    }
    long x;
    try {
      x = Long.parseLong(n.text());
    } catch (NumberFormatException e) {
      x = Long.MAX_VALUE;
    }
    if (x < min || x > max) {
      throw error(v, join(path, field) + " must be from " + min + " to " + max + ", found " + n.text());
    }
    return x;
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? "\"" + field + "\"" : path + "." + field;
  }

  private static String kind(Value v) {
    if (v instanceof Obj) {
      return "an object";
    } else if (v instanceof Arr || v instanceof Nums) {
      return "an array";
    } else if (v instanceof Str s) {
      return "the string \"" + s.value() + "\"";
    } else if (v instanceof Num n) {
      return n.text();
    } else if (v instanceof Bool b) {
      return Boolean.toString(b.value());
    }
    return "null";
  }

  /** The file format's version ({@link #FORMAT} or lower). */
  public int format() throws PosteriorFileException {
    long f = integer(root, "", "format", 1, Integer.MAX_VALUE);
    if (f > FORMAT) {
      throw error(root.fields().get("format"), "this posterior has file format " + f + ", newer than the format "
          + FORMAT + " this vmodel reads; load it with the vmodel version that saved it ("
          + vmodelVersion() + ") or a newer one");
    }
    return (int) f;
  }

  public String model() throws PosteriorFileException {
    return string(root, "", "model");
  }

  public String sourceSha256() throws PosteriorFileException {
    return string(root, "", "sourceSha256");
  }

  public String vmodelVersion() throws PosteriorFileException {
    return string(root, "", "vmodelVersion");
  }

  /**
   * Checks the file's format, model name and source hash against the loading class's: a
   * different model or source is an {@link IncompatiblePosteriorException} naming both.
   */
  public void requireSource(String model, String sourceSha256) throws PosteriorFileException {
    if (!root.fields().containsKey("format") && root.fields().containsKey("factors")) {
      throw error(root, "missing field \"format\": this is not a posterior saved by Result.save or"
          + " vmodel fit --out of this vmodel version (an older file has no state to load); fit the model again");
    }
    format();
    String savedModel = model();
    String savedSha = sourceSha256();
    vmodelVersion();
    if (!savedModel.equals(model) || !savedSha.equals(sourceSha256)) {
      Value at = field(root, "", savedSha.equals(sourceSha256) ? "model" : "sourceSha256");
      throw new IncompatiblePosteriorException(name, at.line(), at.column(), savedModel, savedSha, model,
          sourceSha256);
    }
  }

  /** Size {@code size} as saved: a whole number from 0 up (a posterior loaded without its rows has them at 0). */
  public int size(String size) throws PosteriorFileException {
    return size(size, 0);
  }

  /** Size {@code size} as saved, at least {@code min}. */
  public int size(String size, int min) throws PosteriorFileException {
    return (int) integer(object(root, "", "sizes"), "sizes", size, min, Integer.MAX_VALUE);
  }

  /** A scalar hyperparameter, exactly as saved. */
  public double hyper(String hyper) throws PosteriorFileException {
    Obj h = object(root, "", "hypers");
    Value v = field(h, "hypers", hyper);
    if (v instanceof Num n) {
      return n.value();
    }
    if (v instanceof Str s && nonFinite(s.value()) != null) {
      return nonFinite(s.value());
    }
    throw error(v, "hypers." + hyper + " must be a number, found " + kind(v));
  }

  /** A vector or matrix hyperparameter (flat row-major), exactly as saved; its length must be {@code length}. */
  public double[] hyper(String hyper, long length) throws PosteriorFileException {
    Obj h = object(root, "", "hypers");
    return exactArray(field(h, "hypers", hyper), "hypers." + hyper, length, "");
  }

  private double[] exactArray(Value v, String path, long length, String why) throws PosteriorFileException {
    if (v instanceof Arr a) {
      for (Value item : a.items()) {
        if (!(item instanceof Num)) {
          throw error(item, path + " must hold numbers only (non-finite ones as the strings \"NaN\", \"Infinity\", \"-Infinity\"), found " + kind(item));
        }
      }
    }
    if (!(v instanceof Nums n)) {
      throw error(v, path + " must be an array of numbers, found " + kind(v));
    }
    if (n.firstNull() >= 0) {
      long pos = n.positions()[n.firstNull()];
      throw new PosteriorFileException(name, (int) (pos >>> 32), (int) pos, path + " entry " + n.firstNull()
          + " is null; this array holds every value exactly (non-finite ones as the strings \"NaN\","
          + " \"Infinity\", \"-Infinity\")");
    }
    if (n.values().length != length) {
      throw error(v, path + " has " + n.values().length + " entries, but " + length + " are expected" + why);
    }
    return n.values();
  }

  /**
   * One array of a global factor's state, exactly as saved: factor {@code factor} must be there
   * with family {@code family} and {@code elements} elements, and its array {@code group.array}
   * ({@code params} or {@code moments}) must have {@code length} entries.
   */
  public double[] state(String factor, String family, long elements, String group, String array, long length)
      throws PosteriorFileException {
    Obj factors = object(root, "", "factors");
    Value fv = factors.fields().get(factor);
    if (fv == null) {
      throw error(factors, "factors: missing factor \"" + factor + "\" of model " + model());
    }
    if (!(fv instanceof Obj f)) {
      throw error(fv, "factors." + factor + " must be an object, found " + kind(fv));
    }
    String path = "factors." + factor;
    String fam = string(f, path, "family");
    if (!fam.equals(family)) {
      throw error(field(f, path, "family"), path + ".family is " + fam + ", but q(" + factor + ") of this model is "
          + family);
    }
    long el = integer(f, path, "elements", 0, Integer.MAX_VALUE);
    if (el != elements) {
      throw error(field(f, path, "elements"), path + ".elements is " + el + ", but q(" + factor + ") has " + elements
          + " elements for the sizes in \"sizes\"");
    }
    Obj state = object(f, path, "state");
    Obj g = object(state, path + ".state", group);
    used.add(factor + "/" + group + "/" + array);
    return exactArray(field(g, path + ".state." + group, array), path + ".state." + group + "." + array, length,
        " for the sizes in \"sizes\"");
  }

  /**
   * Checks, after every state array was read, that the file holds no other state: an array or
   * factor this class does not know means the file was written for another layout.
   */
  public void finish() throws PosteriorFileException {
    Obj factors = object(root, "", "factors");
    for (Map.Entry<String, Value> f : factors.fields().entrySet()) {
      if (!(f.getValue() instanceof Obj fo) || !fo.fields().containsKey("state")) {
        continue;
      }
      Value sv = fo.fields().get("state");
      if (!(sv instanceof Obj state)) {
        throw error(sv, "factors." + f.getKey() + ".state must be an object, found " + kind(sv));
      }
      for (Map.Entry<String, Value> g : state.fields().entrySet()) {
        if (!(g.getValue() instanceof Obj go)) {
          throw error(g.getValue(), "factors." + f.getKey() + ".state." + g.getKey() + " must be an object, found "
              + kind(g.getValue()));
        }
        for (Map.Entry<String, Value> a : go.fields().entrySet()) {
          if (!used.contains(f.getKey() + "/" + g.getKey() + "/" + a.getKey())) {
            throw error(a.getValue(), "factors." + f.getKey() + ".state." + g.getKey() + "." + a.getKey()
                + ": this model has no such state array (q(" + f.getKey() + ") "
                + (used.stream().anyMatch(u -> u.startsWith(f.getKey() + "/")) ? "stores other arrays"
                    : "is not a global factor of it") + ")");
          }
        }
      }
    }
  }

  public double elbo() throws PosteriorFileException {
    Value v = field(root, "", "elbo");
    if (v instanceof Null) {
      return Double.NaN;
    }
    if (!(v instanceof Num n)) {
      throw error(v, "\"elbo\" must be a number or null, found " + kind(v));
    }
    return n.value();
  }

  public int iterations() throws PosteriorFileException {
    return (int) integer(root, "", "iterations", 0, Integer.MAX_VALUE);
  }

  public boolean converged() throws PosteriorFileException {
    Value v = field(root, "", "converged");
    if (!(v instanceof Bool b)) {
      throw error(v, "\"converged\" must be true or false, found " + kind(v));
    }
    return b.value();
  }

  /** The ELBO after each sweep ({@code null}, a non-finite value, read as NaN); its length is {@link #iterations()}. */
  public double[] elboTrace() throws PosteriorFileException {
    Value v = field(root, "", "elboTrace");
    if (v instanceof Arr a) {
      for (Value item : a.items()) {
        if (!(item instanceof Num)) {
          throw error(item, "\"elboTrace\" must hold numbers only, found " + kind(item));
        }
      }
    }
    if (!(v instanceof Nums n)) {
      throw error(v, "\"elboTrace\" must be an array of numbers, found " + kind(v));
    }
    int it = iterations();
    if (n.values().length != it) {
      throw error(v, "\"elboTrace\" has " + n.values().length + " entries, but \"iterations\" is " + it);
    }
    return n.values().clone();
  }
}
