package org.unettf.io.volume;

import java.nio.ByteBuffer;

/** Moves elements between stored bytes (any {@link DType}, either byte order) and Java arrays. */
final class Samples {
  private Samples() {}

  /** A uint64 value beyond what a {@code long} holds. */
  static final class Overflow extends RuntimeException {
    final int index;

    Overflow(int index) {
      super(null, null, false, false);
      this.index = index;
    }
  }

  static void toFloats(DType type, ByteBuffer src, int from, float[] dst, int to, int n) {
    switch (type) {
      case UINT64 -> {
        for (int i = 0; i < n; i++) {
          long v = src.getLong(8 * (from + i));
          dst[to + i] = v >= 0 ? v : (float) (v >>> 1) * 2f;
        }
      }
      case FLOAT32 -> src.duplicate().order(src.order()).position(4 * from).asFloatBuffer().get(dst, to, n);
      case FLOAT64 -> {
        for (int i = 0; i < n; i++) {
          dst[to + i] = (float) src.getDouble(8 * (from + i));
        }
      }
      default -> integers(type, src, from, n, (i, v) -> dst[to + i] = v);
    }
  }

  /** Integer elements exactly; {@link Overflow} names the first uint64 past {@link Long#MAX_VALUE}. */
  static void toLongs(DType type, ByteBuffer src, int from, long[] dst, int to, int n) {
    if (type != DType.UINT64) {
      integers(type, src, from, n, (i, v) -> dst[to + i] = v);
      return;
    }
    for (int i = 0; i < n; i++) {
      long v = src.getLong(8 * (from + i));
      if (v < 0) {
        throw new Overflow(to + i);
      }
      dst[to + i] = v;
    }
  }

  /** Receives element {@code i} of a run, read as a long. */
  @FunctionalInterface
  private interface IntegerSink {
    void put(int i, long value);
  }

  /**
   * Reads {@code n} elements of every integer type but uint64, whose values a long holds exactly,
   * so that floats and longs are read from them alike.
   */
  private static void integers(DType type, ByteBuffer src, int from, int n, IntegerSink sink) {
    switch (type) {
      case UINT8 -> {
        for (int i = 0; i < n; i++) {
          sink.put(i, src.get(from + i) & 0xff);
        }
      }
      case INT8 -> {
        for (int i = 0; i < n; i++) {
          sink.put(i, src.get(from + i));
        }
      }
      case UINT16 -> {
        for (int i = 0; i < n; i++) {
          sink.put(i, src.getShort(2 * (from + i)) & 0xffff);
        }
      }
      case INT16 -> {
        for (int i = 0; i < n; i++) {
          sink.put(i, src.getShort(2 * (from + i)));
        }
      }
      case UINT32 -> {
        for (int i = 0; i < n; i++) {
          sink.put(i, src.getInt(4 * (from + i)) & 0xffffffffL);
        }
      }
      case INT32 -> {
        for (int i = 0; i < n; i++) {
          sink.put(i, src.getInt(4 * (from + i)));
        }
      }
      case INT64 -> {
        for (int i = 0; i < n; i++) {
          sink.put(i, src.getLong(8 * (from + i)));
        }
      }
      default -> throw new IllegalStateException(type.name() + " is not an integer type");
    }
  }

  /**
   * Stores {@code n} elements of a Java array ({@code float[]}, {@code byte[]}, {@code short[]},
   * {@code int[]} or {@code long[]}, as {@link #javaType} allows) as {@code type}.
   */
  static void store(DType type, Object values, int from, ByteBuffer dst, int to, int n) {
    switch (type) {
      case UINT8, INT8 -> dst.duplicate().position(to).put((byte[]) values, from, n);
      case UINT16, INT16 -> {
        short[] v = (short[]) values;
        for (int i = 0; i < n; i++) {
          dst.putShort(2 * (to + i), v[from + i]);
        }
      }
      case UINT32, INT32 -> {
        int[] v = (int[]) values;
        for (int i = 0; i < n; i++) {
          dst.putInt(4 * (to + i), v[from + i]);
        }
      }
      case UINT64, INT64 -> {
        long[] v = (long[]) values;
        for (int i = 0; i < n; i++) {
          dst.putLong(8 * (to + i), v[from + i]);
        }
      }
      case FLOAT32 -> {
        float[] v = (float[]) values;
        for (int i = 0; i < n; i++) {
          dst.putFloat(4 * (to + i), v[from + i]);
        }
      }
      case FLOAT64 -> {
        float[] v = (float[]) values;
        for (int i = 0; i < n; i++) {
          dst.putDouble(8 * (to + i), v[from + i]);
        }
      }
      default -> throw new IllegalStateException(type.name());
    }
  }

  /** Writes {@code value} into elements [{@code to}, {@code to + n}). */
  static void fill(DType type, double value, ByteBuffer dst, int to, int n) {
    for (int i = to; i < to + n; i++) {
      switch (type) {
        case UINT8, INT8 -> dst.put(i, (byte) (long) value);
        case UINT16, INT16 -> dst.putShort(2 * i, (short) (long) value);
        case UINT32, INT32 -> dst.putInt(4 * i, (int) (long) value);
        case UINT64, INT64 -> dst.putLong(8 * i, (long) value);
        case FLOAT32 -> dst.putFloat(4 * i, (float) value);
        case FLOAT64 -> dst.putDouble(8 * i, value);
        default -> throw new IllegalStateException(type.name());
      }
    }
  }

  /** The Java array class that holds {@code type} in {@link WritableVolume#writeChunk}. */
  static Class<?> javaType(DType type) {
    return switch (type) {
      case UINT8, INT8 -> byte[].class;
      case UINT16, INT16 -> short[].class;
      case UINT32, INT32 -> int[].class;
      case UINT64, INT64 -> long[].class;
      case FLOAT32, FLOAT64 -> float[].class;
    };
  }

  /** What the caller handed over, in words for messages. */
  static String describe(Class<?> array) {
    if (array == float[].class) {
      return "floating-point values";
    }
    if (array == byte[].class) {
      return "8-bit integers";
    }
    if (array == short[].class) {
      return "16-bit integers";
    }
    return array == int[].class ? "32-bit integers" : "64-bit integers";
  }
}
