package org.unettf.data;

/**
 * One training example: an {@code inputSize²} image tile and the labels and weights of its
 * {@code outputSize²} output window (the centre of the tile; equal to it for same padding).
 */
public record Sample(int slice, int inputSize, int outputSize, float[] image, byte[] labels, float[] weights) {

  /** Values per pixel of the image tile. */
  public int channels() {
    return image.length / (inputSize * inputSize);
  }
}
