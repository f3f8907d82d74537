package dev.vmodel.spark;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * MLlib vector columns ({@code VectorUDT} of {@code org.apache.spark.ml.linalg} or of the older
 * {@code org.apache.spark.mllib.linalg}). Only {@link #values} links MLlib's classes, and it runs
 * only on a DataFrame that has such a column, which it can only have where MLlib is on the class
 * path: vmodel-spark itself needs no MLlib.
 */
final class MlVectors {
  private static final String ML = "org.apache.spark.ml.linalg.Vector";
  private static final String MLLIB = "org.apache.spark.mllib.linalg.Vector";

  private MlVectors() {}

  /** Whether {@code type} is an MLlib vector column's type, told by name (no MLlib class is loaded). */
  static boolean isVector(DataType type) {
    if (type instanceof UserDefinedType<?> u) {
      String name = u.userClass().getName();
      return name.equals(ML) || name.equals(MLLIB);
    }
    return false;
  }

  /** The values of a vector read from such a column, dense (a sparse vector's zeros filled in). */
  static double[] values(Object vector) {
    if (vector instanceof org.apache.spark.ml.linalg.Vector v) {
      return v.toArray();
    }
    if (vector instanceof org.apache.spark.mllib.linalg.Vector v) {
      return v.toArray();
    }
    throw new IllegalStateException("not an MLlib vector: " + vector.getClass().getName());
  }
}
