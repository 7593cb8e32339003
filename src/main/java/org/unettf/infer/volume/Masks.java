package org.unettf.infer.volume;

import org.unettf.config.ClassMap;

/** The values of the 8-bit masks predict writes: each voxel's most probable class, as its value in the labels. */
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
}
