package dev.vmodel.compiler.diag;

/**
 * Every kind of diagnostic the compiler can report, with its stable code. The catalogue with an
 * example of each is docs/errors.md; the golden tests under compiler/src/test/resources/bad use
 * these codes.
 */
public enum Code {
  // Syntax
  SYNTAX("E001", "syntax error"),
  BAD_CHARACTER("E002", "unexpected character"),
  UNTERMINATED_COMMENT("E003", "unterminated block comment"),
  NO_MODEL("E004", "no model in file"),
  BAD_NUMBER("E005", "malformed number"),
  TOO_DEEP("E006", "expression nested too deeply"),

  // Names
  UNDECLARED("E010", "undeclared name"),
  DUPLICATE("E011", "duplicate declaration"),
  SHADOWED_INDEX("E012", "index shadows a declaration"),
  UNKNOWN_TYPE("E013", "unknown type"),
  UNKNOWN_DISTRIBUTION("E014", "unknown distribution"),
  UNKNOWN_FUNCTION("E015", "unknown function"),
  NOT_A_SIZE("E016", "not a size"),
  JAVA_KEYWORD("E017", "name is a Java keyword"),
  RESERVED_MODEL_NAME("E018", "model name is taken by the generated code"),

  // Types and supports
  SUPPORT_MISMATCH("E020", "declared type does not match the distribution's support"),
  ARGUMENT_COUNT("E021", "wrong number of arguments"),
  NAMED_ARGUMENT("E022", "bad named argument"),
  ARGUMENT_KIND("E023", "argument of the wrong kind"),
  TYPE_DIMENSIONS("E024", "wrong number of type dimensions"),
  BAD_DIMENSION("E025", "a dimension must be a size or a positive integer"),
  DOMAIN("E026", "value outside the parameter's domain"),
  DISTRIBUTION_AS_VALUE("E027", "distribution used as a value"),
  NOT_FINITE("E028", "constant is not a finite number"),

  // Shapes
  SHAPE_MISMATCH("E030", "shapes do not agree"),
  OPERAND_SHAPES("E031", "operator applied to incompatible shapes"),

  // Plates and indexing
  INDEX_NOT_BOUND("E040", "index used outside its binding"),
  INDEX_COUNT("E041", "wrong number of indices"),
  INDEXING_SCALAR("E042", "indexing a value that is not an array"),
  INDEX_RANGE("E043", "index ranges over the wrong size"),
  INDEX_NOT_INTEGER("E044", "index is not an integer"),
  INDEX_EXPRESSION("E045", "index expression not supported by inference"),

  // Sizes and hyperparameters
  UNBOUND_SIZE("E050", "size cannot be bound"),
  HYPER_NOT_CONSTANT("E052", "hyperparameter default is not constant"),
  BAD_SIZE_DEFAULT("E053", "size default is not a positive integer"),
  HYPER_NEEDS_DEFAULT("E054", "hyperparameter without default or type"),
  TOO_LARGE("E055", "size or model beyond the compiler's limits"),

  // Dependencies
  CYCLE("E060", "cyclic dependency"),

  // Groups
  GROUP_NOT_LATENT("E070", "group member is not a latent"),
  GROUP_DUPLICATE("E071", "latent listed in more than one group position"),

  // Priors
  NO_PRIOR("E080", "latent without a distribution"),

  // Markov chains
  CHAIN("E090", "Markov chain declared where it cannot be"),

  // Conjugacy (derived updates)
  NOT_CONJUGATE("E100", "no closed-form update"),
  GROUP_NOT_CLOSED_FORM("E101", "group has no closed-form joint factor"),

  // Warnings
  UNOBSERVED_LATENT("W001", "latent does not influence observed data"),
  UNUSED("W002", "declaration is never used"),
  SINGLE_GROUP("W003", "group with one member");

  private final String id;
  private final String title;

  Code(String id, String title) {
    this.id = id;
    this.title = title;
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }
}
