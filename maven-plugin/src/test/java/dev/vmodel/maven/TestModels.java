package dev.vmodel.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Model texts the goals' tests share, with the diagnostics they are known to produce. */
final class TestModels {
  private TestModels() {}

  static final String COIN = """
      model Coin {
        size N;
        hyper a = 1; hyper b = 1;
        latent p: unit ~ Beta(a, b);
        data y[n in N]: bool ~ Bernoulli(p);
      }
      """;

  static final String POISSON = COIN.replace("model Coin", "model PoissonGamma")
      .replace("hyper b = 1", "hyper b = 0.1")
      .replace("latent p: unit ~ Beta(a, b)", "latent lambda: positive ~ Gamma(a, b)")
      .replace("bool ~ Bernoulli(p)", "count ~ Poisson(lambda)");

  /** Coin with `real` where Beta's support is `unit`: error E020 at 4:13. */
  static final String BAD_COIN = COIN.replace("latent p: unit", "latent p: real");

  /** Coin with a hyper nobody uses: warning W002 at 3:22, not an error. */
  static final String COIN_WITH_UNUSED_HYPER = COIN.replace("hyper a = 1;", "hyper a = 1; hyper c = 2;");

  /** Writes {@code text} to {@code dir/relative}, creating folders. */
  static Path write(Path dir, String relative, String text) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
