package org.unettf.data;

/**
 * One annotated slice: image in [0, 1] ({@code channels} values per pixel, interleaved), class
 * per pixel and the paper's weight map, all {@code width×height}, row-major.
 */
public record Slice(int index, int width, int height, int channels, float[] image, byte[] labels, float[] weights) {

  /** A grey slice. */
  public Slice(int index, int width, int height, float[] image, byte[] labels, float[] weights) {
    this(index, width, height, 1, image, labels, weights);
  }
}
