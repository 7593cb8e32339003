package org.unettf.infer.volume;

import java.util.List;
import org.unettf.config.ClassMap;
import org.unettf.data.BlockGrid;
import org.unettf.io.volume.Compression;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.IfExists;
import org.unettf.io.volume.Volumes;
import org.unettf.io.volume.WritableVolume;

/**
 * The {@code probabilities} and {@code masks} arrays of a Zarr or N5 group: float32 {@code [z, y,
 * x]} (the probability of class 1, for two classes) or {@code [c, z, y, x]} (every class, all in
 * each chunk), and uint8 {@code [z, y, x]}. Each chunk is its own file, written whole or not at
 * all, so blocks from any thread, process or machine write side by side, and a rerun finds what
 * is done.
 */
final class ChunkedOutputs implements Outputs {
  static final String PROBABILITIES = "probabilities";
  static final String MASKS = "masks";

  private final BlockGrid grid;
  private final int classes;
  private final byte[] maskValues;
  private final WritableVolume probabilities;
  private final WritableVolume masks;

  private ChunkedOutputs(BlockGrid grid, int classes, byte[] maskValues, WritableVolume probabilities,
      WritableVolume masks) {
    this.grid = grid;
    this.classes = classes;
    this.maskValues = maskValues;
    this.probabilities = probabilities;
    this.masks = masks;
  }

  /** The probability array's shape for a volume of {@code shape} ({@code [z, y, x]}). */
  static long[] probabilityShape(long[] shape, int classes) {
    return classes == 2 ? shape.clone() : new long[] {classes, shape[0], shape[1], shape[2]};
  }

  static int[] probabilityChunks(int[] chunks, int classes) {
    return classes == 2 ? chunks.clone() : new int[] {classes, chunks[0], chunks[1], chunks[2]};
  }

  /**
   * Creates the arrays, or opens them where they exist with the same shape, chunks, type and
   * compression; they carry no attributes of their own (the group's describe them), so opening
   * never rewrites anything.
   */
  static ChunkedOutputs open(VolumeJob job, ClassMap classMap) {
    BlockGrid grid = job.grid();
    int classes = classMap.size();
    Compression compression = Compression.parse(job.target().compression(), "--compression");
    String group = job.target().path();
    WritableVolume probabilities = Volumes.create(group + "/" + PROBABILITIES, probabilityShape(grid.shape(), classes),
        probabilityChunks(grid.chunks(), classes), DType.FLOAT32, compression, null, IfExists.RESUME);
    WritableVolume masks = Volumes.create(group + "/" + MASKS, grid.shape(), grid.chunks(), DType.UINT8, compression,
        null, IfExists.RESUME);
    return new ChunkedOutputs(grid, classes, Masks.values(classMap), probabilities, masks);
  }

  private long[] probabilityIndex(long[] chunk) {
    return classes == 2 ? chunk : new long[] {0, chunk[0], chunk[1], chunk[2]};
  }

  @Override
  public boolean complete(long index) {
    for (long[] chunk : grid.chunksOf(index)) {
      if (!probabilities.chunkComplete(probabilityIndex(chunk)) || !masks.chunkComplete(chunk)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void write(long index, BlockResult result) {
    List<long[]> chunks = grid.chunksOf(index);
    for (long[] chunk : chunks) {
      boolean probabilitiesDone = probabilities.chunkComplete(probabilityIndex(chunk));
      boolean masksDone = masks.chunkComplete(chunk);
      if (probabilitiesDone && masksDone) {
        continue;
      }
      BlockGrid.Box box = grid.chunk(chunk);
      int planes = classes == 2 ? 1 : classes;
      float[] values = probabilitiesDone ? null : new float[planes * (int) box.voxels()];
      byte[] labels = masksDone ? null : new byte[(int) box.voxels()];
      Planes.split(result, box, classes, maskValues, values, labels);
      if (values != null) {
        probabilities.writeChunk(probabilityIndex(chunk), values);
      }
      if (labels != null) {
        masks.writeChunk(chunk, labels);
      }
    }
  }

  @Override
  public void commit() {
    // Every chunk is final once written.
  }

  @Override
  public void close() {
    probabilities.close();
    masks.close();
  }
}
