package org.unettf.io.volume;

import java.util.Map;
import org.unettf.error.UserError;

/**
 * An n-dimensional array on disk, read box by box: a read decodes only the chunks the box
 * overlaps, so memory grows with the box, never with the volume. Shapes, offsets and sizes are in C
 * order ({@code [z, y, x]} or {@code [c, z, y, x]}). Reads may run from several threads at once.
 *
 * <p>Every failure is a one-line {@link UserError} naming the volume as the user wrote it.
 */
public interface Volume extends AutoCloseable {
  /** The volume as the user wrote it ({@code in.zarr/raw}, {@code cells.h5:/raw}), for messages. */
  String describe();

  long[] shape();

  /** The chunk shape: the unit reads are cheapest in and writes are made in. */
  int[] chunks();

  DType dtype();

  /** The user attributes ({@code .zattrs}, N5's non-reserved keys, HDF5 attributes); unmodifiable. */
  Map<String, Object> attributes();

  /** Values of the box as stored (no scaling), in C order; the box must lie inside the volume. */
  float[] readFloats(long[] offset, int[] size);

  /**
   * Integer values of the box, exact for every integer type (uint32 included); an error for
   * floating-point volumes and for uint64 values above {@link Long#MAX_VALUE}.
   */
  long[] readLongs(long[] offset, int[] size);

  default ChunkGrid grid() {
    return new ChunkGrid(shape(), chunks());
  }

  default int rank() {
    return shape().length;
  }

  @Override
  void close();
}
