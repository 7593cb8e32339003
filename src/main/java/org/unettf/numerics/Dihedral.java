package org.unettf.numerics;

/**
 * The 8 flips and quarter turns of a square's symmetry group, on row-major images with
 * interleaved channels. Element {@code k} is {@code k % 4} quarter turns after a horizontal flip
 * when {@code k ≥ 4}; element 0 is the identity.
 */
public final class Dihedral {
  public static final int ORDER = 8;

  private Dihedral() {}

  /** Width of the transformed image. */
  public static int width(int k, int width, int height) {
    return (k % 2 == 0) ? width : height;
  }

  public static int height(int k, int width, int height) {
    return (k % 2 == 0) ? height : width;
  }

  /** Applies element {@code k}. */
  public static float[] apply(int k, float[] image, int width, int height, int channels) {
    int outW = width(k, width, height);
    int outH = height(k, width, height);
    float[] out = new float[image.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int[] p = map(k, x, y, width, height);
        System.arraycopy(image, (y * width + x) * channels, out, (p[1] * outW + p[0]) * channels, channels);
      }
    }
    assert outH * outW * channels == out.length;
    return out;
  }

  /** Undoes element {@code k} on an image of the transformed shape. */
  public static float[] invert(int k, float[] transformed, int width, int height, int channels) {
    int outW = width(k, width, height);
    float[] out = new float[transformed.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int[] p = map(k, x, y, width, height);
        System.arraycopy(transformed, (p[1] * outW + p[0]) * channels, out, (y * width + x) * channels, channels);
      }
    }
    return out;
  }

  /**
   * The element that undoes {@code k}: the opposite quarter turns, and each flip (with or without
   * turns) itself, as every reflection of the square is its own inverse.
   */
  public static int inverse(int k) {
    return k < 4 ? (4 - k) % 4 : k;
  }

  /**
   * Where pixel (x, y) of a {@code width×height} image lands under element {@code k}. The map is
   * affine, so it holds for pixels outside the image too (mirror-extended ones, say).
   */
  public static int[] map(int k, int x, int y, int width, int height) {
    int w = width;
    int h = height;
    if (k >= 4) {
      x = w - 1 - x;
    }
    for (int t = 0; t < k % 4; t++) {
      // A quarter turn clockwise: (x, y) → (h − 1 − y, x), and the image becomes h×w.
      int nx = h - 1 - y;
      int ny = x;
      x = nx;
      y = ny;
      int tmp = w;
      w = h;
      h = tmp;
    }
    return new int[] {x, y};
  }
}
