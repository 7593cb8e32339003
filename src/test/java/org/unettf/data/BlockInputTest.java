package org.unettf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unettf.error.ExitCode;
import org.unettf.error.UserError;
import org.unettf.io.volume.Compression;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.Volumes;
import org.unettf.io.volume.WritableVolume;
import org.unettf.numerics.Mirror;

class BlockInputTest {
  @TempDir
  Path dir;

  /** A uint8 Zarr array of {@code shape} whose voxel values are (z·7 + y·3 + x) mod 256. */
  private String volume(String name, long[] shape, int[] chunks, DType type) {
    String path = dir.resolve("in.zarr").resolve(name).toString();
    try (WritableVolume v = Volumes.create(path, shape, chunks, type, Compression.zstd(), null)) {
      v.grid().forEach(index -> {
        long[] origin = v.grid().origin(index);
        int[] extent = v.grid().extent(index);
        int n = extent[0] * extent[1] * extent[2];
        byte[] bytes = new byte[n];
        float[] floats = new float[n];
        int i = 0;
        for (int z = 0; z < extent[0]; z++) {
          for (int y = 0; y < extent[1]; y++) {
            for (int x = 0; x < extent[2]; x++) {
              long value = ((origin[0] + z) * 7 + (origin[1] + y) * 3 + origin[2] + x) % 256;
              bytes[i] = (byte) value;
              floats[i++] = value / 255f;
            }
          }
        }
        if (type == DType.UINT8) {
          v.writeChunk(index, bytes);
        } else {
          v.writeChunk(index, floats);
        }
      });
    }
    return path;
  }

  private static float[] slice(long z, int height, int width) {
    float[] out = new float[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        out[y * width + x] = ((z * 7 + y * 3 + x) % 256) / 255f;
      }
    }
    return out;
  }

  @Test
  void aWindowIsTheMirroredSliceScaledToOne() {
    String path = volume("raw", new long[] {5, 37, 41}, new int[] {2, 16, 16}, DType.UINT8);
    List<String> notices = new ArrayList<>();
    BlockInput input = BlockInput.open(path, "--input", 1, notices::add);
    assertArrayEquals(new long[] {5, 37, 41}, input.shape());
    assertArrayEquals(new int[] {2, 16, 16}, input.chunks());
    // Past every border, and farther than the slice is wide at the left.
    OverlapTile.Region window = new OverlapTile.Region(-50, -9, 120, 60);
    BlockInput.Window read = input.read(1, 3, window);
    for (int z = 0; z < 3; z++) {
      float[] expected = Mirror.crop(slice(1 + z, 37, 41), 41, 37, -50, -9, 120, 60);
      assertArrayEquals(expected, read.pixels(z).read(window), 1e-7f, "slice " + (1 + z));
    }
    OverlapTile.Region part = new OverlapTile.Region(-3, 30, 10, 12);
    assertArrayEquals(Mirror.crop(slice(2, 37, 41), 41, 37, -3, 30, 10, 12), read.pixels(1).read(part), 1e-7f);
    assertEquals(List.of(), notices);
  }

  @Test
  void greyIsRepeatedForAnRgbNetwork() {
    String path = volume("raw", new long[] {2, 20, 20}, new int[] {1, 20, 20}, DType.UINT8);
    List<String> notices = new ArrayList<>();
    BlockInput input = BlockInput.open(path, "--input", 3, notices::add);
    OverlapTile.Region all = new OverlapTile.Region(0, 0, 20, 20);
    float[] rgb = input.read(0, 1, all).pixels(0).read(all);
    float[] grey = slice(0, 20, 20);
    for (int i = 0; i < grey.length; i++) {
      assertEquals(grey[i], rgb[3 * i + 2], 1e-7f);
    }
    assertTrue(notices.get(0).endsWith("is grey; repeating it in all three channels of the RGB network"), notices.toString());
  }

  @Test
  void nanIsRefusedNamingTheSliceAndPixel() {
    String path = dir.resolve("f.zarr").resolve("raw").toString();
    try (WritableVolume v = Volumes.create(path, new long[] {2, 8, 8}, new int[] {1, 8, 8}, DType.FLOAT32,
        Compression.none(), null)) {
      v.writeChunk(new long[] {0, 0, 0}, new float[64]);
      float[] bad = new float[64];
      bad[3 * 8 + 5] = Float.NaN;
      bad[6 * 8 + 1] = Float.NEGATIVE_INFINITY;
      v.writeChunk(new long[] {1, 0, 0}, bad);
    }
    BlockInput input = BlockInput.open(path, "--input", 1, s -> { });
    input.read(0, 1, new OverlapTile.Region(-4, -4, 16, 16));
    UserError e = assertThrows(UserError.class, () -> input.read(0, 2, new OverlapTile.Region(-4, -4, 16, 16)));
    assertEquals(ExitCode.INPUT, e.exitCode());
    assertEquals("--input: " + path + " slice 1 has NaN at (x=5, y=3), 2 such value(s); expected finite intensities "
        + "(float images are read as they are, ideally in [0, 1])", e.getMessage());
  }

  @Test
  void typesAndShapesTheNetworkCannotTakeAreRefused() {
    String ints = dir.resolve("i.zarr").resolve("raw").toString();
    Volumes.create(ints, new long[] {2, 8, 8}, new int[] {1, 8, 8}, DType.INT32, Compression.none(), null).close();
    UserError type = assertThrows(UserError.class, () -> BlockInput.open(ints, "--input", 1, s -> { }));
    assertEquals("--input: " + ints + " holds int32 voxels; expected uint8, uint16, float32 or float64 intensities "
        + "(convert it, e.g. to uint8 or float32 in [0, 1])", type.getMessage());
    String five = dir.resolve("c.zarr").resolve("raw").toString();
    Volumes.create(five, new long[] {5, 2, 8, 8}, new int[] {5, 1, 8, 8}, DType.UINT8, Compression.none(), null).close();
    UserError channels = assertThrows(UserError.class, () -> BlockInput.open(five, "--input", 1, s -> { }));
    assertEquals(ExitCode.INPUT, channels.exitCode());
    assertTrue(channels.getMessage().contains("has shape [5, 2, 8, 8], 5 channels along its first axis; expected "
        + "[z, y, x] (grey) or [c, z, y, x] with c = 1 (grey), 3 (RGB) or 4 (RGBA)"), channels.getMessage());
  }
}
