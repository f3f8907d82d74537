package dev.vmodel.runtime.fit;

/**
 * A saved posterior of another model, or of another version of the model's source: its state
 * would not mean what this class's state means, so loading it is refused rather than giving
 * wrong numbers. The message names both models and both source hashes.
 */
public final class IncompatiblePosteriorException extends PosteriorFileException {
  private static final long serialVersionUID = 1L;

  private final String savedModel;
  private final String savedSha256;
  private final String expectedModel;
  private final String expectedSha256;

  public IncompatiblePosteriorException(String file, int line, int column, String savedModel, String savedSha256,
      String expectedModel, String expectedSha256) {
    super(file, line, column, "this posterior was saved from model " + savedModel + " with source sha256 "
        + savedSha256 + ", but this class is model " + expectedModel + " with source sha256 " + expectedSha256
        + "; load it with the class generated from the same model source, or fit this model again");
    this.savedModel = savedModel;
    this.savedSha256 = savedSha256;
    this.expectedModel = expectedModel;
    this.expectedSha256 = expectedSha256;
  }

  public String savedModel() {
    return savedModel;
  }

  public String savedSha256() {
    return savedSha256;
  }

  public String expectedModel() {
    return expectedModel;
  }

  public String expectedSha256() {
    return expectedSha256;
  }
}
