package org.unettf.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a volume {@code [z, y, x]} divides into the blocks that are predicted one at a time: each
 * block is a box of whole output chunks, so no two blocks write the same chunk and blocks may run on
 * different threads, processes or machines at once. Blocks are numbered in C order. Serializable,
 * so that cluster engines can ship it to their workers.
 *
 * @param shape the volume's {@code [z, y, x]}
 * @param chunks the output chunks' {@code [z, y, x]}
 * @param block the block's {@code [z, y, x]}: multiples of {@code chunks}
 */
public record BlockGrid(long[] shape, int[] chunks, int[] block) implements Serializable {
  /**
   * Voxels per block by default: 16 Mi. At 2 classes a block's probabilities take 64 MB and its
   * masks 16 MB, and a block spans whole slices of up to 4096² px when chunks are one slice deep, so
   * the network's tiles are as large as the plan allows and the halo is paid for once per slice.
   */
  public static final long DEFAULT_VOXELS = 1L << 24;

  /** A box of the volume: first voxel and extent along z, y and x. */
  public record Box(long z, int y, int x, int depth, int height, int width) implements Serializable {
    public long voxels() {
      return (long) depth * height * width;
    }

    /** This box as a region of its slices. */
    public OverlapTile.Region region() {
      return new OverlapTile.Region(x, y, width, height);
    }

    public boolean contains(Box other) {
      return other.z >= z && other.y >= y && other.x >= x && other.z + other.depth <= z + depth
          && other.y + other.height <= y + height && other.x + other.width <= x + width;
    }

    @Override
    public String toString() {
      return "[" + z + ":" + (z + depth) + ", " + y + ":" + (y + height) + ", " + x + ":" + (x + width) + "]";
    }
  }

  public BlockGrid {
    if (shape.length != 3 || chunks.length != 3 || block.length != 3) {
      throw new IllegalArgumentException("blocks divide [z, y, x] volumes");
    }
    for (int d = 0; d < 3; d++) {
      if (shape[d] < 1 || chunks[d] < 1 || block[d] < chunks[d] || block[d] % chunks[d] != 0) {
        throw new IllegalArgumentException("block " + Arrays.toString(block) + " is not a multiple of chunks "
            + Arrays.toString(chunks) + " for shape " + Arrays.toString(shape));
      }
    }
    if (shape[1] > Integer.MAX_VALUE || shape[2] > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("slices of " + shape[1] + "×" + shape[2] + " px exceed 2^31 per side");
    }
    shape = shape.clone();
    chunks = chunks.clone();
    block = block.clone();
  }

  /**
   * The block of whole chunks for a volume: one chunk deep, and as much of a slice as {@code
   * voxels} allows, grown evenly in y and x so the tiles stay square-ish; at least one chunk.
   */
  public static int[] defaultBlock(long[] shape, int[] chunks, long voxels) {
    long[] chunksPerAxis = {ceil(shape[1], chunks[1]), ceil(shape[2], chunks[2])};
    long perChunk = (long) chunks[0] * chunks[1] * chunks[2];
    long ny = 1;
    long nx = 1;
    // Grow the shorter side first, one chunk at a time, while the block stays within budget.
    while (true) {
      boolean growY = ny < chunksPerAxis[0] && (ny * chunks[1] <= nx * chunks[2] || nx == chunksPerAxis[1]);
      boolean growX = !growY && nx < chunksPerAxis[1];
      if (!growY && !growX) {
        break;
      }
      long nextY = growY ? ny + 1 : ny;
      long nextX = growX ? nx + 1 : nx;
      if (nextY * nextX * perChunk > voxels) {
        break;
      }
      ny = nextY;
      nx = nextX;
    }
    return new int[] {chunks[0], Math.toIntExact(ny * chunks[1]), Math.toIntExact(nx * chunks[2])};
  }

  /** Blocks along z, y and x. */
  public long[] counts() {
    return new long[] {ceil(shape[0], block[0]), ceil(shape[1], block[1]), ceil(shape[2], block[2])};
  }

  public long count() {
    long[] n = counts();
    return n[0] * n[1] * n[2];
  }

  /** The index of a block of this grid ({@link #box}'s inverse). */
  public long index(Box block) {
    long[] n = counts();
    return (block.z() / this.block[0] * n[1] + block.y() / this.block[1]) * n[2] + block.x() / this.block[2];
  }

  /** Block {@code index}'s voxels, clipped to the volume. */
  public Box box(long index) {
    long[] n = counts();
    if (index < 0 || index >= count()) {
      throw new IllegalArgumentException("block " + index + " of " + count());
    }
    long bz = index / (n[1] * n[2]);
    long by = index / n[2] % n[1];
    long bx = index % n[2];
    long z = bz * block[0];
    long y = by * block[1];
    long x = bx * block[2];
    return new Box(z, (int) y, (int) x, (int) Math.min(block[0], shape[0] - z), (int) Math.min(block[1], shape[1] - y),
        (int) Math.min(block[2], shape[2] - x));
  }

  /** The output chunks ({@code [z, y, x]} grid indices) that block {@code index} covers, in C order. */
  public List<long[]> chunksOf(long index) {
    Box b = box(index);
    List<long[]> out = new ArrayList<>();
    for (long z = b.z() / chunks[0]; z * chunks[0] < b.z() + b.depth(); z++) {
      for (long y = b.y() / chunks[1]; y * chunks[1] < b.y() + b.height(); y++) {
        for (long x = b.x() / chunks[2]; x * chunks[2] < b.x() + b.width(); x++) {
          out.add(new long[] {z, y, x});
        }
      }
    }
    return out;
  }

  /** Chunk {@code index}'s voxels, clipped to the volume. */
  public Box chunk(long[] index) {
    long z = index[0] * chunks[0];
    long y = index[1] * chunks[1];
    long x = index[2] * chunks[2];
    return new Box(z, (int) y, (int) x, (int) Math.min(chunks[0], shape[0] - z), (int) Math.min(chunks[1], shape[1] - y),
        (int) Math.min(chunks[2], shape[2] - x));
  }

  /** {@code box} grown by {@code halo} voxels ({@code [z, y, x]}) on every side, clipped to the volume. */
  public Box grown(Box box, int[] halo) {
    long z0 = Math.max(0, box.z() - halo[0]);
    long z1 = Math.min(shape[0], box.z() + box.depth() + halo[0]);
    long y0 = Math.max(0, (long) box.y() - halo[1]);
    long y1 = Math.min(shape[1], (long) box.y() + box.height() + halo[1]);
    long x0 = Math.max(0, (long) box.x() - halo[2]);
    long x1 = Math.min(shape[2], (long) box.x() + box.width() + halo[2]);
    return new Box(z0, (int) y0, (int) x0, (int) (z1 - z0), (int) (y1 - y0), (int) (x1 - x0));
  }

  public long voxels() {
    return shape[0] * shape[1] * shape[2];
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public int[] chunks() {
    return chunks.clone();
  }

  @Override
  public int[] block() {
    return block.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BlockGrid g && Arrays.equals(shape, g.shape) && Arrays.equals(chunks, g.chunks)
        && Arrays.equals(block, g.block);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 961 + Arrays.hashCode(chunks) * 31 + Arrays.hashCode(block);
  }

  @Override
  public String toString() {
    return "blocks of " + Arrays.toString(block) + " over " + Arrays.toString(shape) + " in chunks of "
        + Arrays.toString(chunks);
  }

  private static long ceil(long a, long b) {
    return (a + b - 1) / b;
  }
}
