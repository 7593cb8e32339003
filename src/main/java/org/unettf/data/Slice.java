package org.unettf.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One annotated slice: image in [0, 1] ({@code channels} values per pixel, interleaved), class
 * per pixel and the paper's weight map, all {@code width×height}, row-major.
 */
public record Slice(int index, int width, int height, int channels, float[] image, byte[] labels, float[] weights) {

  /** A grey slice. */
  public Slice(int index, int width, int height, float[] image, byte[] labels, float[] weights) {
    this(index, width, height, 1, image, labels, weights);
  }

  /** By content: two slices are equal when their pixels, labels and weights are. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Slice s && index == s.index && width == s.width && height == s.height
        && channels == s.channels && Arrays.equals(image, s.image) && Arrays.equals(labels, s.labels)
        && Arrays.equals(weights, s.weights);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, width, height, channels, Arrays.hashCode(image), Arrays.hashCode(labels),
        Arrays.hashCode(weights));
  }

  @Override
  public String toString() {
    return "Slice[" + index + ", " + width + "×" + height + "×" + channels + "]";
  }
}
