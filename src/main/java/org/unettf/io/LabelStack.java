package org.unettf.io;

import java.nio.file.Path;

/** Class indices per pixel (0 = membrane, 1 = cell for ISBI), row-major, one array per slice. */
public record LabelStack(Path source, int width, int height, byte[][] slices) {

  public int depth() {
    return slices.length;
  }

  public byte[] slice(int index) {
    return slices[index];
  }
}
