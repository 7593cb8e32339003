package org.unettf.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DistanceTransformTest {
  @Test
  void matchesBruteForceOnRandomMasks() {
    Random random = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      int w = 5 + random.nextInt(30);
      int h = 5 + random.nextInt(30);
      boolean[] source = new boolean[w * h];
      double density = random.nextDouble() * 0.1;
      for (int i = 0; i < source.length; i++) {
        source[i] = random.nextDouble() < density;
      }
      float[] d = DistanceTransform.squared(source, w, h);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double best = Double.POSITIVE_INFINITY;
          for (int i = 0; i < source.length; i++) {
            if (source[i]) {
              double dx = x - i % w;
              double dy = y - i / w;
              best = Math.min(best, dx * dx + dy * dy);
            }
          }
          double expected = Double.isInfinite(best) ? DistanceTransform.INF : best;
          assertEquals(expected, d[y * w + x], 1e-3 * Math.max(1, expected), "pixel " + x + "," + y);
        }
      }
    }
  }
}
