package org.unettf.io;

import java.nio.file.Path;

/**
 * Slices scaled to [0, 1] (8-bit values / 255, 16-bit / 65535), row-major with the channels of a
 * pixel interleaved, one array per slice.
 */
public record ImageStack(Path source, int width, int height, int channels, float[][] slices) {

  /** A single-channel (grey) stack. */
  public ImageStack(Path source, int width, int height, float[][] slices) {
    this(source, width, height, 1, slices);
  }

  public int depth() {
    return slices.length;
  }

  public float[] slice(int index) {
    return slices[index];
  }
}
