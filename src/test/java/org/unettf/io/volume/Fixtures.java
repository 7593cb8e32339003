package org.unettf.io.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.function.Executable;
import org.unettf.error.ExitCode;
import org.unettf.error.UserError;

/** Small volumes with partial edge chunks, their values, and the comparisons the tests share. */
final class Fixtures {
  /** Five slices of 37 × 41 in chunks of 2 × 16 × 16: every axis ends in a partial chunk. */
  static final long[] SHAPE = {5, 37, 41};
  static final int[] CHUNKS = {2, 16, 16};

  private Fixtures() {}

  static int voxels(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return Math.toIntExact(n);
  }

  /**
   * Values that fill the type's range, extremes included, with runs and noise so that codecs and
   * shuffles have structure to work on.
   */
  static long[] integers(DType type, int n, long seed) {
    Random random = new Random(seed);
    long min = type.isSigned() ? -(1L << (8 * type.size() - 1)) : 0;
    long max = type.size() == 8 ? Long.MAX_VALUE : type.isSigned() ? (1L << (8 * type.size() - 1)) - 1
        : (1L << (8 * type.size())) - 1;
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long smooth = (i / 7) % 50;
      out[i] = switch (i % 11) {
        case 0 -> max;
        case 1 -> min;
        case 2, 3 -> min + random.nextInt(1 << Math.min(30, 8 * type.size() - 1));
        default -> Math.max(min, Math.min(max, smooth));
      };
    }
    return out;
  }

  static float[] floats(int n, long seed) {
    Random random = new Random(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = switch (i % 13) {
        case 0 -> (float) random.nextGaussian() * 1e6f;
        case 1 -> -0f;
        case 2 -> Float.MIN_VALUE;
        default -> (i / 5) % 9 + (float) random.nextGaussian() * 0.01f;
      };
    }
    return out;
  }

  /** The values of a chunk clipped to the volume, cut from a whole C-order volume. */
  static long[] cut(long[] whole, long[] shape, long[] origin, int[] extent) {
    long[] out = new long[Rows.count(extent)];
    copyBox(shape, origin, extent, (from, to, n) -> System.arraycopy(whole, from, out, to, n));
    return out;
  }

  static float[] cut(float[] whole, long[] shape, long[] origin, int[] extent) {
    float[] out = new float[Rows.count(extent)];
    copyBox(shape, origin, extent, (from, to, n) -> System.arraycopy(whole, from, out, to, n));
    return out;
  }

  private static void copyBox(long[] shape, long[] origin, int[] extent, Rows.Copy copy) {
    int[] shapeInt = new int[shape.length];
    long[] zero = new long[shape.length];
    long[] end = new long[shape.length];
    for (int d = 0; d < shape.length; d++) {
      shapeInt[d] = (int) shape[d];
      end[d] = origin[d] + extent[d];
    }
    Rows.forEach(zero, shapeInt, origin, extent, origin, end, copy);
  }

  /** Writes every chunk of {@code volume} from a whole C-order volume of values. */
  static void writeAll(WritableVolume volume, Object whole) {
    ChunkGrid grid = volume.grid();
    grid.forEach(index -> writeChunk(volume, index, whole));
  }

  static void writeChunk(WritableVolume volume, long[] index, Object whole) {
    ChunkGrid grid = volume.grid();
    long[] origin = grid.origin(index);
    int[] extent = grid.extent(index);
    if (whole instanceof float[] f) {
      volume.writeChunk(index, cut(f, grid.shape(), origin, extent));
      return;
    }
    long[] part = cut((long[]) whole, grid.shape(), origin, extent);
    switch (volume.dtype().size()) {
      case 1 -> {
        byte[] b = new byte[part.length];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) part[i];
        }
        volume.writeChunk(index, b);
      }
      case 2 -> {
        short[] s = new short[part.length];
        for (int i = 0; i < s.length; i++) {
          s[i] = (short) part[i];
        }
        volume.writeChunk(index, s);
      }
      case 4 -> {
        int[] v = new int[part.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = (int) part[i];
        }
        volume.writeChunk(index, v);
      }
      default -> volume.writeChunk(index, part);
    }
  }

  /** The whole volume, and a box across chunk borders, read back equal to {@code whole}. */
  static void assertHolds(Volume volume, Object whole) {
    long[] shape = volume.shape();
    long[] zero = new long[shape.length];
    int[] all = new int[shape.length];
    long[] offset = new long[shape.length];
    int[] size = new int[shape.length];
    for (int d = 0; d < shape.length; d++) {
      all[d] = (int) shape[d];
      offset[d] = Math.min(shape[d] - 1, 1 + d * 3L);
      size[d] = (int) Math.max(1, shape[d] - offset[d] - 2);
    }
    if (whole instanceof float[] f) {
      assertArrayEquals(f, volume.readFloats(zero, all), volume.describe());
      assertArrayEquals(cut(f, shape, offset, size), volume.readFloats(offset, size), volume.describe() + " box");
    } else {
      long[] l = (long[]) whole;
      assertArrayEquals(l, volume.readLongs(zero, all), volume.describe());
      assertArrayEquals(cut(l, shape, offset, size), volume.readLongs(offset, size), volume.describe() + " box");
      float[] asFloats = volume.readFloats(offset, size);
      long[] expected = cut(l, shape, offset, size);
      for (int i = 0; i < expected.length; i++) {
        assertEquals((float) expected[i], asFloats[i], volume.describe() + " as floats at " + i);
      }
    }
  }

  /** Raw little-endian values as Python's {@code tofile} writes them: '<f8' for floats, '<i8' for integers. */
  static Object readExpected(Path file, boolean floating) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int n = bytes.capacity() / 8;
    if (floating) {
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = (float) bytes.getDouble(8 * i);
      }
      return out;
    }
    long[] out = new long[n];
    bytes.asLongBuffer().get(out);
    return out;
  }

  static void writeRaw(Path file, Object whole) throws IOException {
    ByteBuffer bytes;
    if (whole instanceof float[] f) {
      bytes = ByteBuffer.allocate(8 * f.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : f) {
        bytes.putDouble(v);
      }
    } else {
      long[] l = (long[]) whole;
      bytes = ByteBuffer.allocate(8 * l.length).order(ByteOrder.LITTLE_ENDIAN);
      for (long v : l) {
        bytes.putLong(v);
      }
    }
    Files.write(file, bytes.array());
  }

  /** The values a test volume of {@code type} holds. */
  static Object values(DType type, int n, long seed) {
    return type.isFloat() ? floats(n, seed) : integers(type, n, seed);
  }

  /** Asserts a one-line {@link UserError} with {@code code} whose message holds every {@code part}. */
  static UserError assertUserError(ExitCode code, Executable action, String... parts) {
    UserError error = assertThrows(UserError.class, action);
    String message = error.getMessage();
    assertEquals(code, error.exitCode(), message);
    assertEquals(-1, message.indexOf('\n'), "one line: " + message);
    for (String part : parts) {
      if (!message.contains(part)) {
        throw new AssertionError("message lacks '" + part + "': " + message);
      }
    }
    if (message.matches(".*\\b(java|io\\.jhdf|org\\.unettf)\\.[a-z]+\\.[A-Za-z]+.*") || message.contains("Exception")) {
      throw new AssertionError("message names Java classes: " + message);
    }
    return error;
  }
}
