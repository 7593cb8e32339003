package org.unettf.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WarpTest {
  private static final int W = 23;
  private static final int H = 17;

  private static float[] randomImage(Random r) {
    float[] image = new float[W * H];
    for (int i = 0; i < image.length; i++) {
      image[i] = r.nextFloat();
    }
    return image;
  }

  @Test
  void identityFieldReproducesTheInputExactly() {
    float[] image = randomImage(new Random(1));
    float[] xs = new float[W * H];
    float[] ys = new float[W * H];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i % W;
      ys[i] = i / W;
    }
    float[] out = new float[xs.length];
    Warp.bilinear(image, W, H, xs, ys, out);
    assertArrayEquals(image, out);
  }

  @Test
  void constantShiftMovesPixelsByTheShift() {
    float[] image = randomImage(new Random(2));
    int dx = 3;
    int dy = -2;
    float[] xs = new float[W * H];
    float[] ys = new float[W * H];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = i % W + dx;
      ys[i] = i / W + dy;
    }
    float[] out = new float[xs.length];
    Warp.bilinear(image, W, H, xs, ys, out);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        float expected = image[Mirror.index(y + dy, H) * W + Mirror.index(x + dx, W)];
        assertEquals(expected, out[y * W + x], "at " + x + "," + y);
      }
    }
  }

  @Test
  void halfPixelShiftAveragesNeighbours() {
    float[] image = {0, 1, 2, 3};
    float v = Warp.bilinearAt(image, 4, 1, 1.5f, 0f);
    assertEquals(1.5f, v, 1e-6f);
  }

  @Test
  void nearestKeepsLabelsBinary() {
    Random r = new Random(3);
    byte[] labels = new byte[W * H];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) r.nextInt(2);
    }
    float[] xs = new float[500];
    float[] ys = new float[500];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = (float) (r.nextDouble() * 60 - 20);
      ys[i] = (float) (r.nextDouble() * 60 - 20);
    }
    byte[] out = new byte[xs.length];
    Warp.nearest(labels, W, H, xs, ys, out);
    for (byte b : out) {
      assertEquals(true, b == 0 || b == 1);
    }
  }

  @Test
  void mirrorReflectsAboutEdgePixels() {
    assertEquals(1, Mirror.index(-1, 5));
    assertEquals(3, Mirror.index(5, 5));
    assertEquals(0, Mirror.index(8, 5));
    assertEquals(2, Mirror.index(-10, 5));
  }

  @Test
  void dihedralInversesUndoEachElement() {
    float[] image = randomImage(new Random(4));
    for (int k = 0; k < Dihedral.ORDER; k++) {
      float[] t = Dihedral.apply(k, image, W, H, 1);
      assertArrayEquals(image, Dihedral.invert(k, t, W, H, 1), "element " + k);
    }
    float[] turned = Dihedral.apply(1, image, W, H, 1);
    // A clockwise quarter turn puts the bottom-left pixel at the top-left.
    assertEquals(image[(H - 1) * W], turned[0]);
  }

  @Test
  void splineThroughAConstantGridIsConstant() {
    SplineWeights s = new SplineWeights(3, 50);
    float[] field = s.interpolate(new double[] {2, 2, 2, 2, 2, 2, 2, 2, 2});
    for (float v : field) {
      assertEquals(2f, v, 1e-5f);
    }
    float[] peak = s.interpolate(new double[] {0, 0, 0, 0, 1, 0, 0, 0, 0});
    assertEquals(1f, peak[25 * 50 + 25], 0.01f);
    assertEquals(0f, peak[0], 1e-6f);
  }
}
