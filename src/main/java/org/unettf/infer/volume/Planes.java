package org.unettf.infer.volume;

import org.unettf.data.BlockGrid;

/**
 * A box of a block's interleaved probabilities cut into what the outputs store, in one pass: the
 * probability planes (class 1's for two classes, every class's otherwise, C order {@code [c, z,
 * y, x]}) and the masks (the most probable class as its mask value).
 */
final class Planes {
  private Planes() {}

  /** Fills {@code values} and {@code labels} (either may be null) for {@code box}, which lies inside the result's extended box. */
  static void split(BlockResult result, BlockGrid.Box box, int classes, byte[] maskValues, float[] values,
      byte[] labels) {
    BlockGrid.Box from = result.extended();
    int area = box.height() * box.width();
    int depth = box.depth();
    for (int z = 0; z < depth; z++) {
      float[] slice = result.probabilities()[(int) (box.z() + z - from.z())];
      for (int y = 0; y < box.height(); y++) {
        int src = ((box.y() - from.y() + y) * from.width() + box.x() - from.x()) * classes;
        int dst = z * area + y * box.width();
        for (int x = 0; x < box.width(); x++, src += classes) {
          if (classes == 2) {
            if (values != null) {
              values[dst + x] = slice[src + 1];
            }
            if (labels != null) {
              labels[dst + x] = maskValues[slice[src + 1] > slice[src] ? 1 : 0];
            }
            continue;
          }
          int best = 0;
          for (int c = 0; c < classes; c++) {
            float p = slice[src + c];
            if (values != null) {
              values[(c * depth + z) * area + y * box.width() + x] = p;
            }
            if (p > slice[src + best]) {
              best = c;
            }
          }
          if (labels != null) {
            labels[dst + x] = maskValues[best];
          }
        }
      }
    }
  }
}
