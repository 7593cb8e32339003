package org.unettf.data;

import java.util.Arrays;
import org.unettf.numerics.ConnectedComponents;
import org.unettf.numerics.DistanceTransform;

/**
 * The paper's weight map (eq. 2): {@code w(x) = w_c(x) + w0·exp(−(d1(x) + d2(x))² / 2σ²)}, where
 * {@code d1} and {@code d2} are the distances from a membrane pixel to the nearest and the
 * second-nearest cell. Cells are the 4-connected components of the classes other than 0 (for
 * ISBI, class 1); class 0 (membrane, or background) is where the border term applies.
 *
 * <p>Distances are exact Euclidean (Felzenszwalb–Huttenlocher), computed per cell inside its
 * bounding box grown by {@link #cutoff}: beyond that distance the border term is below
 * {@link #TOLERANCE} whatever {@code d2} is, so pixels outside the box need no distance to that
 * cell. Where fewer than two cells lie within the cutoff, {@code d2} is taken as infinite and the
 * border term is 0: a lone cell has no border to separate.
 */
public final class WeightMap {
  /** Largest value the cutoff drops from the border term. */
  public static final double TOLERANCE = 1e-6;

  private WeightMap() {}

  /** Distance beyond which {@code w0·exp(−d²/2σ²)} falls below {@link #TOLERANCE}. */
  public static double cutoff(double w0, double sigma) {
    return w0 <= TOLERANCE ? 0 : sigma * Math.sqrt(2 * Math.log(w0 / TOLERANCE));
  }

  /**
   * @param labels class per pixel (1 = cell)
   * @param classWeights {@code w_c} for each class index
   */
  public static float[] compute(byte[] labels, int width, int height, double[] classWeights, double w0, double sigma) {
    float[] weights = new float[labels.length];
    for (int i = 0; i < labels.length; i++) {
      weights[i] = (float) classWeights[labels[i]];
    }
    if (w0 <= 0) {
      return weights;
    }
    float[][] nearest = twoNearestCellDistances(labels, width, height, cutoff(w0, sigma));
    float[] d1 = nearest[0];
    float[] d2 = nearest[1];
    double twoSigma2 = 2 * sigma * sigma;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == 0 && d2[i] < Float.MAX_VALUE) {
        double sum = d1[i] + d2[i];
        weights[i] += (float) (w0 * Math.exp(-sum * sum / twoSigma2));
      }
    }
    return weights;
  }

  /**
   * Per membrane pixel, the distances to the nearest and second-nearest cell, or
   * {@code Float.MAX_VALUE} where no such cell lies within {@code cutoff}.
   */
  static float[][] twoNearestCellDistances(byte[] labels, int width, int height, double cutoff) {
    boolean[] cell = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      cell[i] = labels[i] != 0;
    }
    ConnectedComponents.Labelling cells = ConnectedComponents.label(cell, width, height);
    int[][] boxes = boundingBoxes(cells, width);
    float[] d1 = new float[labels.length];
    float[] d2 = new float[labels.length];
    Arrays.fill(d1, Float.MAX_VALUE);
    Arrays.fill(d2, Float.MAX_VALUE);
    int grow = (int) Math.ceil(cutoff);
    float cutoff2 = (float) (cutoff * cutoff);
    DistanceTransform.Scratch scratch = new DistanceTransform.Scratch(Math.max(width, height) + 2 * grow + 1);
    float[] window = new float[0];
    for (int c = 1; c <= cells.count(); c++) {
      int[] box = boxes[c];
      int x0 = Math.max(0, box[0] - grow);
      int y0 = Math.max(0, box[1] - grow);
      int x1 = Math.min(width - 1, box[2] + grow);
      int y1 = Math.min(height - 1, box[3] + grow);
      int w = x1 - x0 + 1;
      int h = y1 - y0 + 1;
      if (window.length < w * h) {
        window = new float[w * h];
      }
      for (int y = 0; y < h; y++) {
        int src = (y0 + y) * width + x0;
        int dst = y * w;
        for (int x = 0; x < w; x++) {
          window[dst + x] = cells.labels()[src + x] == c ? 0f : DistanceTransform.INF;
        }
      }
      DistanceTransform.transformInPlace(window, w, h, scratch);
      for (int y = 0; y < h; y++) {
        int src = y * w;
        int dst = (y0 + y) * width + x0;
        for (int x = 0; x < w; x++) {
          float sq = window[src + x];
          int p = dst + x;
          if (sq > cutoff2 || labels[p] != 0) {
            continue;
          }
          float d = (float) Math.sqrt(sq);
          if (d < d1[p]) {
            d2[p] = d1[p];
            d1[p] = d;
          } else if (d < d2[p]) {
            d2[p] = d;
          }
        }
      }
    }
    return new float[][] {d1, d2};
  }

  /** Per component: {xmin, ymin, xmax, ymax}. */
  private static int[][] boundingBoxes(ConnectedComponents.Labelling cells, int width) {
    int[][] boxes = new int[cells.count() + 1][];
    for (int c = 1; c <= cells.count(); c++) {
      boxes[c] = new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
    }
    int[] labels = cells.labels();
    for (int i = 0; i < labels.length; i++) {
      int c = labels[i];
      if (c == 0) {
        continue;
      }
      int x = i % width;
      int y = i / width;
      int[] b = boxes[c];
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    }
    return boxes;
  }

  /**
   * {@code w_c}: inverse class frequency, scaled so that the weights average 1 over the pixels
   * counted: {@code w_c = N / (K·N_c)}. Classes absent from the data get weight 1.
   */
  public static double[] classBalance(long[] classCounts) {
    long total = 0;
    int present = 0;
    for (long n : classCounts) {
      total += n;
      if (n > 0) {
        present++;
      }
    }
    double[] weights = new double[classCounts.length];
    for (int c = 0; c < classCounts.length; c++) {
      weights[c] = classCounts[c] == 0 ? 1.0 : (double) total / ((double) present * classCounts[c]);
    }
    return weights;
  }
}
