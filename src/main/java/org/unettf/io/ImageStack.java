package org.unettf.io;

import java.nio.file.Path;

/**
 * Grey-value slices scaled to [0, 1] (8-bit values / 255, 16-bit / 65535), row-major, one array
 * per slice.
 */
public record ImageStack(Path source, int width, int height, float[][] slices) {

  public int depth() {
    return slices.length;
  }

  public float[] slice(int index) {
    return slices[index];
  }
}
