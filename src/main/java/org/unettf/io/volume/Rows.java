package org.unettf.io.volume;

/**
 * Walks the rows (runs along the last axis) of a region shared by two C-order arrays that sit at
 * different places in the volume: a chunk and a requested box, or clipped values and a padded
 * chunk.
 */
final class Rows {
  private Rows() {}

  @FunctionalInterface
  interface Copy {
    void run(int from, int to, int length);
  }

  /**
   * Calls {@code copy} for each row of the region [{@code lo}, {@code hi}) with element indices into
   * the source (at {@code fromOrigin}, {@code fromExtent}) and the destination.
   */
  static void forEach(long[] fromOrigin, int[] fromExtent, long[] toOrigin, int[] toExtent,
      long[] lo, long[] hi, Copy copy) {
    int rank = lo.length;
    for (int d = 0; d < rank; d++) {
      if (hi[d] <= lo[d]) {
        return;
      }
    }
    int[] fromStride = strides(fromExtent);
    int[] toStride = strides(toExtent);
    int last = rank - 1;
    int length = (int) (hi[last] - lo[last]);
    long[] at = lo.clone();
    while (true) {
      int from = 0;
      int to = 0;
      for (int d = 0; d < rank; d++) {
        from += (int) (at[d] - fromOrigin[d]) * fromStride[d];
        to += (int) (at[d] - toOrigin[d]) * toStride[d];
      }
      copy.run(from, to, length);
      int d = last - 1;
      while (d >= 0 && ++at[d] == hi[d]) {
        at[d] = lo[d];
        d--;
      }
      if (d < 0) {
        return;
      }
    }
  }

  /** The overlap of two boxes: its low corner into {@code lo} and high corner into {@code hi}. */
  static void intersect(long[] aOrigin, int[] aExtent, long[] bOrigin, int[] bExtent, long[] lo, long[] hi) {
    for (int d = 0; d < lo.length; d++) {
      lo[d] = Math.max(aOrigin[d], bOrigin[d]);
      hi[d] = Math.min(aOrigin[d] + aExtent[d], bOrigin[d] + bExtent[d]);
    }
  }

  static int[] strides(int[] extent) {
    int[] stride = new int[extent.length];
    int s = 1;
    for (int d = extent.length - 1; d >= 0; d--) {
      stride[d] = s;
      s *= extent[d];
    }
    return stride;
  }

  static int count(int[] extent) {
    long n = 1;
    for (int e : extent) {
      n *= e;
    }
    return Math.toIntExact(n);
  }
}
