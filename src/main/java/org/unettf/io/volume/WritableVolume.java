package org.unettf.io.volume;

/**
 * A volume written chunk by chunk. Values cover the chunk clipped to the volume, in C order (edge
 * chunks are smaller); each overload accepts the types it can hold without loss: {@code float[]}
 * for float32 and float64, {@code byte[]} for (u)int8, {@code short[]} for (u)int16, {@code int[]}
 * for (u)int32 (uint32 as the unsigned reading of its bits), {@code long[]} for (u)int64.
 *
 * <p>In Zarr and N5 every chunk goes to its own file through a temporary sibling and a rename, so
 * a chunk exists only once complete, and different chunks may be written at the same time from many
 * threads or processes. Reading a chunk not yet written gives the fill value. A TIFF stack instead
 * grows page by page in one temporary file that {@link #commit()} renames into place.
 */
public interface WritableVolume extends Volume {
  void writeChunk(long[] chunkIndex, float[] values);

  void writeChunk(long[] chunkIndex, byte[] values);

  void writeChunk(long[] chunkIndex, short[] values);

  void writeChunk(long[] chunkIndex, int[] values);

  void writeChunk(long[] chunkIndex, long[] values);

  /** Whether the chunk has been written whole (by this or any earlier writer). */
  boolean chunkComplete(long[] chunkIndex);

  /**
   * Finishes the output. Chunked formats have nothing left to do, since each chunk is final once
   * written; a TIFF stack is renamed into place, and fails unless every page has been written.
   */
  default void commit() {}
}
