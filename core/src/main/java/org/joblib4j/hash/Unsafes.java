package org.joblib4j.hash;

/** Array base offsets, for hashing primitive arrays in place. */
final class Unsafes {
  private Unsafes() {}

  @SuppressWarnings("removal")
  static long baseOffset(Class<?> arrayType) {
    if (arrayType == byte[].class) {
      return sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET;
    } else if (arrayType == boolean[].class) {
      return sun.misc.Unsafe.ARRAY_BOOLEAN_BASE_OFFSET;
    } else if (arrayType == short[].class) {
      return sun.misc.Unsafe.ARRAY_SHORT_BASE_OFFSET;
    } else if (arrayType == char[].class) {
      return sun.misc.Unsafe.ARRAY_CHAR_BASE_OFFSET;
    } else if (arrayType == int[].class) {
      return sun.misc.Unsafe.ARRAY_INT_BASE_OFFSET;
    } else if (arrayType == float[].class) {
      return sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET;
    } else if (arrayType == long[].class) {
      return sun.misc.Unsafe.ARRAY_LONG_BASE_OFFSET;
    } else if (arrayType == double[].class) {
      return sun.misc.Unsafe.ARRAY_DOUBLE_BASE_OFFSET;
    }
    throw new IllegalArgumentException("not a primitive array type: " + arrayType.getName());
  }
}
