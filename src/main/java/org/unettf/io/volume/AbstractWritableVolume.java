package org.unettf.io.volume;

import java.util.Map;

/**
 * A volume being written: its grid is fixed when it is created, and every typed {@link #writeChunk}
 * comes down to one {@link #write} of the array as given.
 */
abstract class AbstractWritableVolume extends AbstractVolume implements WritableVolume {
  final ChunkGrid grid;

  AbstractWritableVolume(String describe, ChunkGrid grid, DType dtype, Map<String, Object> attributes) {
    super(describe, dtype, attributes);
    this.grid = grid;
  }

  /** Writes the chunk's {@code length} values, {@code values} being one of the arrays {@link #writeChunk} takes. */
  abstract void write(long[] index, Object values, int length);

  @Override
  public long[] shape() {
    return grid.shape();
  }

  @Override
  public int[] chunks() {
    return grid.chunks();
  }

  @Override
  public ChunkGrid grid() {
    return grid;
  }

  @Override
  public void writeChunk(long[] chunkIndex, float[] values) {
    write(chunkIndex, values, values.length);
  }

  @Override
  public void writeChunk(long[] chunkIndex, byte[] values) {
    write(chunkIndex, values, values.length);
  }

  @Override
  public void writeChunk(long[] chunkIndex, short[] values) {
    write(chunkIndex, values, values.length);
  }

  @Override
  public void writeChunk(long[] chunkIndex, int[] values) {
    write(chunkIndex, values, values.length);
  }

  @Override
  public void writeChunk(long[] chunkIndex, long[] values) {
    write(chunkIndex, values, values.length);
  }
}
