package org.unettf.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackReaderTest {
  @TempDir
  Path dir;

  /** Float stacks come back as stored, not clamped to [0, 1] by a colour conversion. */
  @Test
  void floatSamplesOutsideTheUnitRangeAreKept() {
    float[] slice = {-2.5f, 0f, 0.25f, 1f, 7.5f, 255f, -1e30f, 3e38f, 0.5f};
    Path file = dir.resolve("float.tif");
    StackWriter.writeFloatTiff(file, 3, 3, List.of(slice, slice));
    ImageStack read = StackReader.readImages(file, "x", s -> { });
    assertArrayEquals(slice, read.slice(0));
    assertArrayEquals(slice, read.slice(1));
  }
}
