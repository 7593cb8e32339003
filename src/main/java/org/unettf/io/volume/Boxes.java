package org.unettf.io.volume;

import java.util.Arrays;
import java.util.function.Consumer;
import org.unettf.error.UserError;

/**
 * The checks every volume makes on the boxes it is asked to read and the chunks it is given, and
 * the arrays a box is read into.
 */
final class Boxes {
  private Boxes() {}

  /**
   * A box of the wrong rank or outside the volume means the inputs do not fit together (labels
   * smaller than their images, a 4-D volume where 3-D was expected), so it is the user's to fix.
   */
  static void check(Volume volume, long[] offset, int[] size) {
    long[] shape = volume.shape();
    if (offset.length != shape.length || size.length != shape.length) {
      throw UserError.input(volume.describe() + " is " + shape.length + "-dimensional (shape "
          + Arrays.toString(shape) + "), but a " + size.length + "-dimensional box was asked for");
    }
    for (int d = 0; d < shape.length; d++) {
      if (size[d] < 0) {
        throw new IllegalArgumentException("negative box size " + Arrays.toString(size));
      }
      if (offset[d] < 0 || offset[d] + size[d] > shape[d]) {
        throw UserError.input("box " + ChunkGrid.box(offset, size) + " lies outside " + volume.describe()
            + " (shape " + Arrays.toString(shape) + ")");
      }
    }
    long count = 1;
    for (int s : size) {
      count *= s;
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("box " + ChunkGrid.box(offset, size) + " holds more than 2^31 voxels");
    }
  }

  /** The box's values as floats, once checked: {@code read} fills the array in C order. */
  static float[] readFloats(Volume volume, long[] offset, int[] size, Consumer<float[]> read) {
    check(volume, offset, size);
    float[] out = new float[Rows.count(size)];
    read.accept(out);
    return out;
  }

  /**
   * The box's integer values, once checked, for an integer volume only; a uint64 value that
   * {@code read} finds too large for a long ({@link Samples.Overflow}) is reported by its voxel.
   */
  static long[] readLongs(Volume volume, long[] offset, int[] size, Consumer<long[]> read) {
    check(volume, offset, size);
    requireIntegers(volume);
    long[] out = new long[Rows.count(size)];
    try {
      read.accept(out);
    } catch (Samples.Overflow e) {
      throw overflow(volume, offset, size, e.index);
    }
    return out;
  }

  static void requireIntegers(Volume volume) {
    if (volume.dtype().isFloat()) {
      throw UserError.input(volume.describe() + " holds " + volume.dtype()
          + " values; integer labels were expected");
    }
  }

  /** A uint64 value too large for a long, at element {@code index} of the box. */
  private static UserError overflow(Volume volume, long[] offset, int[] size, int index) {
    long[] voxel = new long[size.length];
    for (int d = size.length - 1, rest = index; d >= 0; d--) {
      voxel[d] = offset[d] + rest % size[d];
      rest /= size[d];
    }
    return UserError.input(volume.describe() + " holds a uint64 value above 2^63 - 1 at voxel "
        + Arrays.toString(voxel) + "; labels must fit in a signed 64-bit integer");
  }

  /** The caller hands values of the volume's type for the whole clipped chunk. */
  static void checkWrite(Volume volume, long[] index, Object values, int length) {
    Class<?> expected = Samples.javaType(volume.dtype());
    if (values.getClass() != expected) {
      throw UserError.output("cannot write " + Samples.describe(values.getClass()) + " into "
          + volume.describe() + ", which holds " + volume.dtype());
    }
    ChunkGrid grid = volume.grid();
    grid.check(index);
    int[] extent = grid.extent(index);
    if (length != Rows.count(extent)) {
      throw new IllegalArgumentException("chunk " + Arrays.toString(index) + " of " + volume.describe() + " covers "
          + Arrays.toString(extent) + " = " + Rows.count(extent) + " voxels, given " + length);
    }
  }
}
