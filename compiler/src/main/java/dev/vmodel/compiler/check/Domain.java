package dev.vmodel.compiler.check;

/**
 * The set of values a scalar (or each entry of a vector, or a whole matrix) can take. Domains
 * are what "support" means in the language: a declared type fixes one, a distribution's support
 * fixes one, and a parameter requires one.
 */
public enum Domain {
  /** Any real number. */
  REAL("real"),
  /** Real numbers > 0. */
  POSITIVE("positive"),
  /** Real numbers in (0, 1). */
  UNIT("unit"),
  /** Integers. */
  INT("int"),
  /** Integers >= 0. */
  COUNT("count"),
  /** Integers >= 1: sizes. */
  POSITIVE_INT("positive integer"),
  /** 0 or 1. */
  BOOL("bool"),
  /** Vectors with positive entries summing to one. */
  SIMPLEX("simplex"),
  /** Symmetric positive definite matrices. */
  SPD("spd");

  private final String word;

  Domain(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }

  /** What a value of this domain is, for messages: "positive", "in (0, 1)", "a non-negative integer". */
  public String phrase() {
    switch (this) {
      case POSITIVE:
        return "positive";
      case UNIT:
        return "in (0, 1)";
      case COUNT:
        return "a non-negative integer";
      case POSITIVE_INT:
        return "a positive integer";
      case INT:
        return "an integer";
      case BOOL:
        return "0 or 1";
      case SIMPLEX:
        return "a simplex (positive entries summing to 1)";
      case SPD:
        return "symmetric positive definite";
      default:
        return "real";
    }
  }

  /** Whether every value of {@code this} domain is also in {@code wider}. */
  public boolean within(Domain wider) {
    if (this == wider) {
      return true;
    }
    switch (wider) {
      case REAL:
        return this != SIMPLEX && this != SPD;
      case POSITIVE:
        return this == UNIT || this == POSITIVE_INT;
      case INT:
        return this == COUNT || this == POSITIVE_INT || this == BOOL;
      case COUNT:
        return this == POSITIVE_INT || this == BOOL;
      default:
        return false;
    }
  }

  /** Whether the number {@code v} lies in this scalar domain. */
  public boolean contains(double v) {
    boolean integer = v == Math.rint(v) && !Double.isInfinite(v);
    switch (this) {
      case REAL:
        return !Double.isNaN(v);
      case POSITIVE:
        return v > 0;
      case UNIT:
        return v > 0 && v < 1;
      case INT:
        return integer;
      case COUNT:
        return integer && v >= 0;
      case POSITIVE_INT:
        return integer && v >= 1;
      case BOOL:
        return v == 0 || v == 1;
      default:
        return false;
    }
  }

  public boolean isInteger() {
    return this == INT || this == COUNT || this == POSITIVE_INT || this == BOOL;
  }

  /** The tightest domain that a constant falls in, for typing literals. */
  public static Domain ofConstant(double v) {
    if (v == Math.rint(v) && !Double.isInfinite(v)) {
      if (v >= 1) {
        return POSITIVE_INT;
      }
      return v >= 0 ? COUNT : INT;
    }
    if (v > 0 && v < 1) {
      return UNIT;
    }
    return v > 0 ? POSITIVE : REAL;
  }
}
