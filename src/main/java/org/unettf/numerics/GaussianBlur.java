package org.unettf.numerics;

/** Separable Gaussian smoothing with mirrored borders. */
public final class GaussianBlur {
  private GaussianBlur() {}

  public static float[] blur(float[] image, int width, int height, double sigma) {
    int radius = Math.max(1, (int) Math.ceil(3 * sigma));
    float[] kernel = new float[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      double v = Math.exp(-(i * i) / (2 * sigma * sigma));
      kernel[i + radius] = (float) v;
      sum += v;
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] /= (float) sum;
    }
    float[] tmp = new float[image.length];
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        float acc = 0;
        for (int k = -radius; k <= radius; k++) {
          acc += kernel[k + radius] * image[row + Mirror.index(x + k, width)];
        }
        tmp[row + x] = acc;
      }
    }
    float[] out = new float[image.length];
    for (int y = 0; y < height; y++) {
      for (int k = -radius; k <= radius; k++) {
        float w = kernel[k + radius];
        int src = Mirror.index(y + k, height) * width;
        int dst = y * width;
        for (int x = 0; x < width; x++) {
          out[dst + x] += w * tmp[src + x];
        }
      }
    }
    return out;
  }
}
