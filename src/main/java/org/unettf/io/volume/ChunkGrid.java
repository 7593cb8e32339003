package org.unettf.io.volume;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** How a volume of {@code shape} divides into chunks of {@code chunks}; the last ones may be clipped. */
public record ChunkGrid(long[] shape, int[] chunks) {
  public ChunkGrid {
    if (shape.length != chunks.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and chunks "
          + Arrays.toString(chunks) + " differ in rank");
    }
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] < 0 || chunks[d] < 1) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " or chunks "
            + Arrays.toString(chunks) + " is not positive");
      }
    }
    shape = shape.clone();
    chunks = chunks.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public int[] chunks() {
    return chunks.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Chunks along each axis. */
  public long[] counts() {
    long[] counts = new long[shape.length];
    for (int d = 0; d < shape.length; d++) {
      counts[d] = (shape[d] + chunks[d] - 1) / chunks[d];
    }
    return counts;
  }

  public long chunkCount() {
    long total = 1;
    for (long c : counts()) {
      total *= c;
    }
    return total;
  }

  /** The voxel where a chunk starts. */
  public long[] origin(long[] index) {
    check(index);
    long[] origin = new long[index.length];
    for (int d = 0; d < index.length; d++) {
      origin[d] = index[d] * chunks[d];
    }
    return origin;
  }

  /** The chunk's size clipped to the volume. */
  public int[] extent(long[] index) {
    check(index);
    int[] extent = new int[index.length];
    for (int d = 0; d < index.length; d++) {
      extent[d] = (int) Math.min(chunks[d], shape[d] - index[d] * chunks[d]);
    }
    return extent;
  }

  /** Voxels in a chunk of full size. */
  public int chunkVoxels() {
    return Math.toIntExact(Arrays.stream(chunks).asLongStream().reduce(1, (a, b) -> a * b));
  }

  public void check(long[] index) {
    long[] counts = counts();
    boolean inside = index.length == counts.length;
    for (int d = 0; inside && d < index.length; d++) {
      inside = index[d] >= 0 && index[d] < counts[d];
    }
    if (!inside) {
      throw new IllegalArgumentException("chunk " + Arrays.toString(index) + " lies outside the grid "
          + Arrays.toString(counts));
    }
  }

  /** Every chunk index in C order. */
  public void forEach(Consumer<long[]> action) {
    forEachIn(new long[shape.length], counts(), action);
  }

  /** The chunks a box overlaps, in C order. */
  public List<long[]> overlapping(long[] offset, int[] size) {
    long[] first = new long[shape.length];
    long[] end = new long[shape.length];
    for (int d = 0; d < shape.length; d++) {
      if (size[d] == 0) {
        return List.of();
      }
      first[d] = offset[d] / chunks[d];
      end[d] = (offset[d] + size[d] - 1) / chunks[d] + 1;
    }
    List<long[]> out = new ArrayList<>();
    forEachIn(first, end, out::add);
    return out;
  }

  private static void forEachIn(long[] first, long[] end, Consumer<long[]> action) {
    for (int d = 0; d < first.length; d++) {
      if (end[d] <= first[d]) {
        return;
      }
    }
    long[] index = first.clone();
    while (true) {
      action.accept(index.clone());
      int d = index.length - 1;
      while (d >= 0 && ++index[d] == end[d]) {
        index[d] = first[d];
        d--;
      }
      if (d < 0) {
        return;
      }
    }
  }

  /** A box as NumPy slices, {@code [0:2, 16:32, 32:41]}, for messages. */
  public static String box(long[] offset, int[] size) {
    StringBuilder out = new StringBuilder("[");
    for (int d = 0; d < offset.length; d++) {
      out.append(d == 0 ? "" : ", ").append(offset[d]).append(':').append(offset[d] + size[d]);
    }
    return out.append(']').toString();
  }

  /** The voxels a chunk covers, as {@link #box}. */
  public String chunkBox(long[] index) {
    return box(origin(index), extent(index));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ChunkGrid g && Arrays.equals(shape, g.shape) && Arrays.equals(chunks, g.chunks);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(chunks);
  }

  @Override
  public String toString() {
    return "shape " + Arrays.toString(shape) + ", chunks " + Arrays.toString(chunks);
  }
}
