package org.unettf.numerics;

/**
 * Mirror extrapolation about the edge pixels' centres (TensorFlow's {@code REFLECT}, numpy's
 * {@code reflect}): index −1 reads 1, index n reads n − 2. Works for any distance from the image.
 */
public final class Mirror {
  private Mirror() {}

  public static int index(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }

  /** Copies the rectangle at ({@code x0}, {@code y0}) of size {@code w×h} out of a mirrored image. */
  public static float[] crop(float[] image, int width, int height, int x0, int y0, int w, int h) {
    return crop(image, width, height, 1, x0, y0, w, h);
  }

  /** As {@link #crop(float[], int, int, int, int, int, int)}, for pixels of {@code channels} interleaved values. */
  public static float[] crop(float[] image, int width, int height, int channels, int x0, int y0, int w, int h) {
    float[] out = new float[w * h * channels];
    int[] columns = new int[w];
    for (int x = 0; x < w; x++) {
      columns[x] = index(x0 + x, width);
    }
    for (int y = 0; y < h; y++) {
      int row = index(y0 + y, height) * width;
      int o = y * w;
      if (channels == 1) {
        for (int x = 0; x < w; x++) {
          out[o + x] = image[row + columns[x]];
        }
      } else {
        for (int x = 0; x < w; x++) {
          System.arraycopy(image, (row + columns[x]) * channels, out, (o + x) * channels, channels);
        }
      }
    }
    return out;
  }

  /** As {@link #crop(float[], int, int, int, int, int, int)}, for labels. */
  public static byte[] crop(byte[] image, int width, int height, int x0, int y0, int w, int h) {
    byte[] out = new byte[w * h];
    int[] columns = new int[w];
    for (int x = 0; x < w; x++) {
      columns[x] = index(x0 + x, width);
    }
    for (int y = 0; y < h; y++) {
      int row = index(y0 + y, height) * width;
      int o = y * w;
      for (int x = 0; x < w; x++) {
        out[o + x] = image[row + columns[x]];
      }
    }
    return out;
  }
}
