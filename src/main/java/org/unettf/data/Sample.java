package org.unettf.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One training example: an {@code inputSize²} image tile and the labels and weights of its
 * {@code outputSize²} output window (the centre of the tile; equal to it for same padding).
 */
public record Sample(int slice, int inputSize, int outputSize, float[] image, byte[] labels, float[] weights) {

  /** Values per pixel of the image tile. */
  public int channels() {
    return image.length / (inputSize * inputSize);
  }

  /** By content: two samples are equal when their tiles, labels and weights are. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Sample s && slice == s.slice && inputSize == s.inputSize && outputSize == s.outputSize
        && Arrays.equals(image, s.image) && Arrays.equals(labels, s.labels) && Arrays.equals(weights, s.weights);
  }

  @Override
  public int hashCode() {
    return Objects.hash(slice, inputSize, outputSize, Arrays.hashCode(image), Arrays.hashCode(labels),
        Arrays.hashCode(weights));
  }

  @Override
  public String toString() {
    return "Sample[slice=" + slice + ", " + inputSize + " px → " + outputSize + " px]";
  }
}
