package org.unettf.numerics;

import java.util.Arrays;

/**
 * Exact squared Euclidean distance transform of Felzenszwalb and Huttenlocher ("Distance
 * Transforms of Sampled Functions", Theory of Computing 8, 2012): two passes of the 1-D lower
 * envelope of parabolas, O(n) per row and column.
 */
public final class DistanceTransform {
  public static final float INF = 1e20f;

  private DistanceTransform() {}

  /**
   * Squared distance of every pixel to the nearest pixel where {@code source} is true, in a
   * {@code width×height} image; {@link #INF} where there is no source at all.
   */
  public static float[] squared(boolean[] source, int width, int height) {
    float[] d = new float[width * height];
    for (int i = 0; i < d.length; i++) {
      d[i] = source[i] ? 0f : INF;
    }
    transformInPlace(d, width, height, new Scratch(Math.max(width, height)));
    return d;
  }

  /** Reusable buffers, so that many small transforms allocate nothing. */
  public static final class Scratch {
    final float[] f;
    final float[] out;
    final int[] v;
    final double[] z;

    public Scratch(int length) {
      f = new float[length];
      out = new float[length];
      v = new int[length];
      z = new double[length + 1];
    }
  }

  /** Transforms {@code d} (0 at sources, {@link #INF} elsewhere) into squared distances. */
  public static void transformInPlace(float[] d, int width, int height, Scratch s) {
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        s.f[y] = d[y * width + x];
      }
      envelope(s, height);
      for (int y = 0; y < height; y++) {
        d[y * width + x] = s.out[y];
      }
    }
    for (int y = 0; y < height; y++) {
      int row = y * width;
      System.arraycopy(d, row, s.f, 0, width);
      envelope(s, width);
      System.arraycopy(s.out, 0, d, row, width);
    }
  }

  /**
   * 1-D transform of {@code s.f[0..n)} into {@code s.out}. Infinite entries are no parabolas at
   * all, so they are skipped rather than carried as huge numbers.
   */
  private static void envelope(Scratch s, int n) {
    float[] f = s.f;
    int[] v = s.v;
    double[] z = s.z;
    int k = -1;
    for (int q = 0; q < n; q++) {
      if (f[q] >= INF) {
        continue;
      }
      double sect = Double.NEGATIVE_INFINITY;
      while (k >= 0) {
        int p = v[k];
        sect = ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * (q - p));
        if (sect > z[k]) {
          break;
        }
        k--;
      }
      k++;
      v[k] = q;
      z[k] = k == 0 ? Double.NEGATIVE_INFINITY : sect;
      z[k + 1] = Double.POSITIVE_INFINITY;
    }
    if (k < 0) {
      Arrays.fill(s.out, 0, n, INF);
      return;
    }
    k = 0;
    for (int q = 0; q < n; q++) {
      while (z[k + 1] < q) {
        k++;
      }
      double dq = q - v[k];
      s.out[q] = (float) (dq * dq + f[v[k]]);
    }
  }
}
