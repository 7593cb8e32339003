package org.unettf.numerics;

/**
 * Resampling of an image at arbitrary source coordinates, with mirror extrapolation beyond its
 * edges: bilinear for intensities and weights, nearest-neighbour for labels (which must stay
 * class indices).
 */
public final class Warp {
  private Warp() {}

  /**
   * {@code out[i] = image(xs[i], ys[i])}, bilinear. Integer coordinates reproduce pixels exactly.
   */
  public static void bilinear(float[] image, int width, int height, float[] xs, float[] ys, float[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = bilinearAt(image, width, height, xs[i], ys[i]);
    }
  }

  /** As {@link #bilinear(float[], int, int, float[], float[], float[])}, for pixels of {@code channels} values. */
  public static void bilinear(float[] image, int width, int height, int channels, float[] xs, float[] ys, float[] out) {
    if (channels == 1) {
      bilinear(image, width, height, xs, ys, out);
      return;
    }
    for (int i = 0; i < xs.length; i++) {
      int x0 = floor(xs[i]);
      int y0 = floor(ys[i]);
      float fx = xs[i] - x0;
      float fy = ys[i] - y0;
      int a = (Mirror.index(y0, height) * width + Mirror.index(x0, width)) * channels;
      int b = (Mirror.index(y0, height) * width + Mirror.index(x0 + 1, width)) * channels;
      int c = (Mirror.index(y0 + 1, height) * width + Mirror.index(x0, width)) * channels;
      int d = (Mirror.index(y0 + 1, height) * width + Mirror.index(x0 + 1, width)) * channels;
      for (int k = 0; k < channels; k++) {
        float top = image[a + k] + fx * (image[b + k] - image[a + k]);
        float bottom = image[c + k] + fx * (image[d + k] - image[c + k]);
        out[i * channels + k] = top + fy * (bottom - top);
      }
    }
  }

  public static float bilinearAt(float[] image, int width, int height, float x, float y) {
    int x0 = floor(x);
    int y0 = floor(y);
    float fx = x - x0;
    float fy = y - y0;
    int c0;
    int c1;
    int r0;
    int r1;
    if (x0 >= 0 && x0 + 1 < width) {
      c0 = x0;
      c1 = x0 + 1;
    } else {
      c0 = Mirror.index(x0, width);
      c1 = Mirror.index(x0 + 1, width);
    }
    if (y0 >= 0 && y0 + 1 < height) {
      r0 = y0 * width;
      r1 = r0 + width;
    } else {
      r0 = Mirror.index(y0, height) * width;
      r1 = Mirror.index(y0 + 1, height) * width;
    }
    float a = image[r0 + c0];
    float b = image[r0 + c1];
    float c = image[r1 + c0];
    float d = image[r1 + c1];
    float top = a + fx * (b - a);
    float bottom = c + fx * (d - c);
    return top + fy * (bottom - top);
  }

  /**
   * As {@link #bilinear(float[], int, int, float[], float[], float[])}, for the central
   * {@code size×size} window of {@code tile×tile} coordinates, {@code margin} in from each edge.
   */
  public static void bilinearWindow(
      float[] image, int width, int height, float[] xs, float[] ys, int tile, int margin, int size, float[] out) {
    for (int y = 0; y < size; y++) {
      int from = (y + margin) * tile + margin;
      for (int x = 0; x < size; x++) {
        out[y * size + x] = bilinearAt(image, width, height, xs[from + x], ys[from + x]);
      }
    }
  }

  /** As {@link #nearest}, for the central window as in {@link #bilinearWindow}. */
  public static void nearestWindow(
      byte[] labels, int width, int height, float[] xs, float[] ys, int tile, int margin, int size, byte[] out) {
    for (int y = 0; y < size; y++) {
      int from = (y + margin) * tile + margin;
      for (int x = 0; x < size; x++) {
        out[y * size + x] = nearestAt(labels, width, height, xs[from + x], ys[from + x]);
      }
    }
  }

  /** {@code out[i] = labels(round(xs[i]), round(ys[i]))}. */
  public static void nearest(byte[] labels, int width, int height, float[] xs, float[] ys, byte[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = nearestAt(labels, width, height, xs[i], ys[i]);
    }
  }

  static byte nearestAt(byte[] labels, int width, int height, float x, float y) {
    return labels[Mirror.index(floor(y + 0.5f), height) * width + Mirror.index(floor(x + 0.5f), width)];
  }

  /** {@code (int) Math.floor(v)} without the detour through double, a third of the warp's time. */
  static int floor(float v) {
    int i = (int) v;
    return v < i ? i - 1 : i;
  }
}
