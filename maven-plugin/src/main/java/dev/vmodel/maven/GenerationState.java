package dev.vmodel.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the previous run of a generate goal produced, kept in a small text file under
 * {@code target/} so that the next run regenerates only what changed: the generator (plugin
 * version) and output directory it ran with, and per model file the key of its inputs and the
 * Java files written from it.
 *
 * <pre>
 * vmodel-generate-state 1
 * generator	0.1.0
 * output	/project/target/generated-sources/vmodel
 * model	3f2a...	coin/coin.vmodel
 * java	org/example/Coin.java
 * </pre>
 *
 * Model paths are relative to the source directory, Java paths to the output directory, both
 * with {@code /}. A missing or unreadable file is an empty state: everything is regenerated.
 */
record GenerationState(String generator, String outputDirectory, Map<String, Entry> models) {
  private static final String HEADER = "vmodel-generate-state 1";

  GenerationState {
    models = Map.copyOf(models);
  }

  /** One model file: the key of what it was generated from, and the files generated. */
  record Entry(String key, List<String> outputs) {
    Entry {
      outputs = List.copyOf(outputs);
    }
  }

  static final GenerationState EMPTY = new GenerationState("", "", Map.of());

  static GenerationState read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return EMPTY;
    }
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      return EMPTY;
    }
    String generator = "";
    String output = "";
    Map<String, Entry> models = new LinkedHashMap<>();
    String model = null;
    String key = null;
    List<String> outputs = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "generator" -> generator = f.length == 2 ? f[1] : "";
        case "output" -> output = f.length == 2 ? f[1] : "";
        case "model" -> {
          if (f.length != 3) {
            return EMPTY;
          }
          if (model != null) {
            models.put(model, new Entry(key, outputs));
          }
          key = f[1];
          model = f[2];
          outputs = new ArrayList<>();
        }
        case "java" -> {
          if (f.length != 2 || model == null) {
            return EMPTY;
          }
          outputs.add(f[1]);
        }
        default -> {
          return EMPTY;
        }
      }
    }
    if (model != null) {
      models.put(model, new Entry(key, outputs));
    }
    return new GenerationState(generator, output, models);
  }

  /** Writes the state through a temporary file, so that a killed build never leaves half a state. */
  void write(Path file) throws IOException {
    StringBuilder out = new StringBuilder(HEADER).append('\n')
        .append("generator\t").append(generator).append('\n')
        .append("output\t").append(outputDirectory).append('\n');
    models.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      out.append("model\t").append(e.getValue().key()).append('\t').append(e.getKey()).append('\n');
      e.getValue().outputs().forEach(o -> out.append("java\t").append(o).append('\n'));
    });
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(temp, out, StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
