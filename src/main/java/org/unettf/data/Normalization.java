package org.unettf.data;

/**
 * The training images' mean and standard deviation, in [0, 1] units. The network standardises
 * its input with them inside the graph, so a SavedModel takes raw [0, 1] intensities.
 */
public record Normalization(double mean, double std) {

  public static Normalization of(Iterable<float[]> images) {
    double sum = 0;
    double sumSq = 0;
    long n = 0;
    for (float[] image : images) {
      for (float v : image) {
        sum += v;
        sumSq += (double) v * v;
      }
      n += image.length;
    }
    double mean = sum / n;
    double variance = Math.max(0, sumSq / n - mean * mean);
    return new Normalization(mean, Math.max(Math.sqrt(variance), 1e-6));
  }
}
