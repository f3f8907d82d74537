package dev.vmodel.compiler.testdata;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document of the tests (truth files, posterior JSON) as plain values, read with
 * jackson-core's streaming parser: objects become {@code LinkedHashMap}s, arrays {@code List}s,
 * numbers {@code Double}s, strings, booleans and null themselves. Strict JSON: no duplicate keys
 * and nothing after the value.
 */
public final class JsonTree {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private JsonTree() {}

  public static Object parse(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      Object v = value(p, p.nextToken());
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("JSON: text after the value at " + p.currentTokenLocation());
      }
      return v;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("JSON: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException("JSON: not an object: " + text);
    }
    return (Map<String, Object>) v;
  }

  public static Map<String, Object> read(Path file) {
    try {
      return object(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      throw new IllegalArgumentException("JSON: no value");
    }
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          m.put(key, value(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> l = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          l.add(value(p, e));
        }
        return l;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IllegalArgumentException("JSON: unexpected " + t + " at " + p.currentTokenLocation());
    }
  }
}
