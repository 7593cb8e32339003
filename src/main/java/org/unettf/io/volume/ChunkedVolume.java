package org.unettf.io.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.unettf.error.UserError;
import org.unettf.io.AtomicFiles;

/**
 * What Zarr arrays and N5 datasets share: one file per chunk, read on demand and written whole
 * through a temporary sibling. Nothing here changes after construction, so reads and writes of
 * different chunks may run concurrently.
 */
abstract class ChunkedVolume extends AbstractWritableVolume {
  final Path dir;
  final ByteOrder order;
  final double fillValue;
  /** Outputs being resumed read chunks not yet written as the fill value; inputs must have them all. */
  final boolean fillMissing;

  /** A decoded chunk: its elements in C order over {@code extent}, which covers at least the clipped chunk. */
  record Block(ByteBuffer data, int[] extent) {}

  @FunctionalInterface
  private interface Sink {
    void copy(Block block, int from, int to, int length);
  }

  ChunkedVolume(String describe, Path dir, ChunkGrid grid, DType dtype, ByteOrder order, double fillValue,
      boolean fillMissing, Map<String, Object> attributes) {
    super(describe, grid, dtype, attributes);
    this.dir = dir;
    this.order = order;
    this.fillValue = fillValue;
    this.fillMissing = fillMissing;
  }

  /** The chunk's file relative to {@link #dir}, with '/' between folders. */
  abstract String chunkKey(long[] index);

  abstract Block decode(long[] index, byte[] stored) throws CorruptChunk;

  /** The file contents for a chunk whose clipped values are in {@code clipped}, in {@link #order}. */
  abstract byte[] encode(long[] index, ByteBuffer clipped);

  /**
   * Resuming adds chunks to those written before, so an output found in place must have the layout
   * asked for. {@code typeKey} names the type as the format's metadata does; {@code codecDifference}
   * is the format's wording of how its stored codec differs, or null where it does not.
   */
  void requireLayout(ChunkGrid wantedGrid, DType wantedType, String typeKey, String codecDifference) {
    List<String> differences = new ArrayList<>();
    if (!Arrays.equals(grid.shape(), wantedGrid.shape())) {
      differences.add("shape " + Arrays.toString(grid.shape()) + ", not " + Arrays.toString(wantedGrid.shape()));
    }
    if (!Arrays.equals(grid.chunks(), wantedGrid.chunks())) {
      differences.add("chunks " + Arrays.toString(grid.chunks()) + ", not " + Arrays.toString(wantedGrid.chunks()));
    }
    if (dtype != wantedType) {
      differences.add(typeKey + " " + dtype + ", not " + wantedType);
    }
    if (codecDifference != null) {
      differences.add(codecDifference);
    }
    if (!differences.isEmpty()) {
      throw UserError.output(describe + " exists with " + String.join(", ", differences)
          + "; overwrite it or choose another path");
    }
  }

  Path chunkFile(long[] index) {
    return dir.resolve(chunkKey(index));
  }

  /** The chunk's file as the user would write it, for messages. */
  String chunkName(long[] index) {
    return describe + "/" + chunkKey(index);
  }

  @Override
  public float[] readFloats(long[] offset, int[] size) {
    return Boxes.readFloats(this, offset, size, out -> read(offset, size,
        (block, from, to, n) -> Samples.toFloats(dtype, block.data(), from, out, to, n),
        (to, n) -> Arrays.fill(out, to, to + n, (float) fillValue)));
  }

  @Override
  public long[] readLongs(long[] offset, int[] size) {
    return Boxes.readLongs(this, offset, size, out -> read(offset, size,
        (block, from, to, n) -> Samples.toLongs(dtype, block.data(), from, out, to, n),
        (to, n) -> Arrays.fill(out, to, to + n, (long) fillValue)));
  }

  @FunctionalInterface
  private interface Fill {
    void run(int to, int length);
  }

  private void read(long[] offset, int[] size, Sink sink, Fill fill) {
    long[] lo = new long[offset.length];
    long[] hi = new long[offset.length];
    for (long[] index : grid.overlapping(offset, size)) {
      long[] origin = grid.origin(index);
      int[] clipped = grid.extent(index);
      Rows.intersect(origin, clipped, offset, size, lo, hi);
      Block block = load(index, clipped);
      if (block == null) {
        Rows.forEach(origin, clipped, offset, size, lo, hi, (from, to, n) -> fill.run(to, n));
      } else {
        Rows.forEach(origin, block.extent(), offset, size, lo, hi, (from, to, n) -> sink.copy(block, from, to, n));
      }
    }
  }

  /** The chunk decoded, or null where it is missing and that means the fill value. */
  private Block load(long[] index, int[] clipped) {
    byte[] stored;
    try {
      stored = Files.readAllBytes(chunkFile(index));
    } catch (NoSuchFileException e) {
      if (fillMissing) {
        return null;
      }
      throw UserError.input(describe + ": chunk file " + chunkName(index) + " is missing (voxels "
          + grid.chunkBox(index) + " of shape " + Arrays.toString(grid.shape()) + ")");
    } catch (IOException e) {
      throw UserError.input(describe + ": cannot read chunk file " + chunkName(index) + " ("
          + AtomicFiles.describe(e) + ")");
    }
    try {
      Block block = decode(index, stored);
      for (int d = 0; d < clipped.length; d++) {
        if (block.extent()[d] < clipped[d]) {
          throw new CorruptChunk("it holds " + Arrays.toString(block.extent()) + " voxels, expected at least "
              + Arrays.toString(clipped));
        }
      }
      return block;
    } catch (CorruptChunk e) {
      throw UserError.input(describe + ": chunk file " + chunkName(index) + " (voxels " + grid.chunkBox(index)
          + ") is truncated or corrupt: " + e.getMessage());
    }
  }

  @Override
  void write(long[] index, Object values, int length) {
    Boxes.checkWrite(this, index, values, length);
    ByteBuffer clipped = ByteBuffer.allocate(length * dtype.size()).order(order);
    Samples.store(dtype, values, 0, clipped, 0, length);
    byte[] file = encode(index, clipped);
    writeFile(index, out -> out.write(file));
  }

  /** Writes a chunk's file through a temporary sibling; what {@code body} fails to finish leaves nothing. */
  void writeFile(long[] index, AtomicFiles.Body body) {
    AtomicFiles.write(chunkFile(index), body);
  }

  @Override
  public boolean chunkComplete(long[] chunkIndex) {
    grid.check(chunkIndex);
    return Files.isRegularFile(chunkFile(chunkIndex));
  }

  @Override
  public void close() {
    // Each read and write opens and closes its own file.
  }
}
