package org.unettf.infer.volume;

import org.unettf.config.ClassMap;

/** The 8-bit masks predict writes: the most probable class of each voxel, as its value in the labels. */
public final class Masks {
  private Masks() {}

  /**
   * Each class's byte: its mask value (0 and 255 for ISBI), or its index where some value does not
   * fit in 8 bits.
   */
  public static byte[] values(ClassMap map) {
    boolean byteValues = map.values().stream().allMatch(v -> v >= 0 && v <= 255);
    byte[] out = new byte[map.size()];
    for (int c = 0; c < out.length; c++) {
      out[c] = (byte) (byteValues ? map.values().get(c) : c);
    }
    return out;
  }

  /** The masks of {@code height×width×classes} probabilities, through {@code values}. */
  public static byte[] of(float[] probabilities, int classes, byte[] values) {
    byte[] out = new byte[probabilities.length / classes];
    for (int i = 0; i < out.length; i++) {
      int base = i * classes;
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (probabilities[base + c] > probabilities[base + best]) {
          best = c;
        }
      }
      out[i] = values[best];
    }
    return out;
  }
}
