package dev.vmodel.compiler.check;

import dev.vmodel.compiler.check.CheckedModel.PlateDim;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The declaration whose body is being checked, its bound indices, and what it refers to. */
final class Scope {
  /** Where an expression is being checked: what it may refer to. */
  enum Context {
    SIZE_DEFAULT,
    HYPER_DEFAULT,
    TYPE_DIMENSION,
    DISTRIBUTION
  }

  final Context context;
  final String owner;
  final Map<String, PlateDim> indices;
  /** Indices of a broken plate (size not a size, index bound twice): uses are not checked. */
  final Set<String> unknownIndices = new HashSet<>();
  /** The declarations the body refers to, in order of first use. */
  final Set<String> deps = new LinkedHashSet<>();

  Scope(Context context, String owner, Map<String, PlateDim> indices) {
    this.context = context;
    this.owner = owner;
    this.indices = indices;
  }
}
