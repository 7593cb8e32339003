package org.unettf.io.volume;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The element types a volume may hold, with their names in each format. */
public enum DType {
  UINT8('u', 1),
  INT8('i', 1),
  UINT16('u', 2),
  INT16('i', 2),
  UINT32('u', 4),
  INT32('i', 4),
  UINT64('u', 8),
  INT64('i', 8),
  FLOAT32('f', 4),
  FLOAT64('f', 8);

  private final char kind;
  private final int size;

  DType(char kind, int size) {
    this.kind = kind;
    this.size = size;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  public boolean isFloat() {
    return kind == 'f';
  }

  public boolean isSigned() {
    return kind != 'u';
  }

  /** The N5 {@code dataType} name, which is also the lower-case name used in messages. */
  public String n5Name() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return n5Name();
  }

  /** The Zarr v2 (NumPy) type string, little-endian as written here: {@code |u1}, {@code <f4}. */
  public String zarrName() {
    return (size == 1 ? "|" : "<") + kind + size;
  }

  /** A Zarr v2 type string with its byte order; null if it names no type listed here. */
  public static Ordered fromZarr(String text) {
    if (text == null || text.length() < 3) {
      return null;
    }
    char order = text.charAt(0);
    if (order != '<' && order != '>' && order != '|' && order != '=') {
      return null;
    }
    DType type = of(text.charAt(1), text.substring(2));
    if (type == null) {
      return null;
    }
    // Zarr v2 arrays written on big-endian hosts say '>'; '|' and '=' occur for one-byte types.
    return new Ordered(type, order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
  }

  /** An N5 {@code dataType}; null if it names no type listed here. */
  public static DType fromN5(String text) {
    for (DType type : values()) {
      if (type.n5Name().equals(text)) {
        return type;
      }
    }
    return null;
  }

  /** The type of an HDF5 fixed-point ({@code floating} false) or floating-point dataset; null if none fits. */
  public static DType fromHdf5(boolean floating, boolean signed, int size) {
    return of(floating ? 'f' : signed ? 'i' : 'u', Integer.toString(size));
  }

  /** The names accepted on input, for messages. */
  public static String names() {
    return Arrays.stream(values()).map(DType::n5Name).collect(Collectors.joining(", "));
  }

  private static DType of(char kind, String size) {
    for (DType type : values()) {
      if (type.kind == kind && Integer.toString(type.size).equals(size)) {
        return type;
      }
    }
    return null;
  }

  /** A type as stored, with the byte order of its elements. */
  public record Ordered(DType type, ByteOrder order) {}
}
