package org.unettf.infer.volume;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.unettf.config.ClassMap;
import org.unettf.data.BlockGrid;
import org.unettf.io.AtomicFiles;
import org.unettf.io.OutputSet;
import org.unettf.io.volume.Compression;
import org.unettf.io.volume.DType;
import org.unettf.io.volume.IfExists;
import org.unettf.io.volume.TiffStackWriter;

/**
 * The TIFF outputs, streamed page by page: float32 probabilities (the cell probability per slice
 * for two classes, the ISBI submission format; one page per class per slice otherwise) and 8-bit
 * masks. Both grow in hidden files beside their targets and join the command's {@link OutputSet}
 * at commit, so they replace earlier outputs together or not at all.
 */
final class TiffOutputs implements Outputs {
  private final int classes;
  private final byte[] maskValues;
  private final Path probabilityTarget;
  private final Path maskTarget;
  private final Path probabilityStage;
  private final Path maskStage;
  private final TiffStackWriter probabilities;
  private final TiffStackWriter masks;
  private final OutputSet outputs;
  private boolean handedOver;

  private TiffOutputs(int classes, byte[] maskValues, Path probabilityTarget, Path maskTarget,
      Path probabilityStage, Path maskStage, TiffStackWriter probabilities, TiffStackWriter masks, OutputSet outputs) {
    this.classes = classes;
    this.maskValues = maskValues;
    this.probabilityTarget = probabilityTarget;
    this.maskTarget = maskTarget;
    this.probabilityStage = probabilityStage;
    this.maskStage = maskStage;
    this.probabilities = probabilities;
    this.masks = masks;
    this.outputs = outputs;
  }

  static TiffOutputs create(VolumeJob job, ClassMap classMap, OutputSet outputs) {
    BlockGrid grid = job.grid();
    long[] shape = grid.shape();
    int classes = classMap.size();
    int pages = classes == 2 ? 1 : classes;
    Compression compression = Compression.parse(job.target().compression(), "--compression");
    Path probabilityTarget = Path.of(job.target().path());
    Path maskTarget = Path.of(job.target().masks());
    // Each writer renames its stream into a hidden stage at commit; the stages move into place together.
    Path probabilityStage = AtomicFiles.partialSibling(probabilityTarget);
    Path maskStage = AtomicFiles.partialSibling(maskTarget);
    TiffStackWriter probabilities = TiffStackWriter.create(job.target().path(), probabilityStage,
        new long[] {shape[0] * pages, shape[1], shape[2]}, DType.FLOAT32, compression, IfExists.OVERWRITE);
    TiffStackWriter masks;
    try {
      masks = TiffStackWriter.create(job.target().masks(), maskStage, shape, DType.UINT8, compression,
          IfExists.OVERWRITE);
    } catch (RuntimeException e) {
      probabilities.close();
      throw e;
    }
    return new TiffOutputs(classes, Masks.values(classMap), probabilityTarget, maskTarget, probabilityStage,
        maskStage, probabilities, masks, outputs);
  }

  @Override
  public boolean complete(long index) {
    // A TIFF stack is written afresh each time: nothing of an earlier run is kept.
    return false;
  }

  @Override
  public void write(long index, BlockResult result) {
    BlockGrid.Box block = result.block();
    int area = block.height() * block.width();
    int pages = classes == 2 ? 1 : classes;
    for (int z = 0; z < block.depth(); z++) {
      long slice = block.z() + z;
      BlockGrid.Box page = new BlockGrid.Box(slice, block.y(), block.x(), 1, block.height(), block.width());
      float[] planes = new float[pages * area];
      byte[] labels = new byte[area];
      Planes.split(result, page, classes, maskValues, planes, labels);
      for (int c = 0; c < pages; c++) {
        float[] plane = pages == 1 ? planes : Arrays.copyOfRange(planes, c * area, (c + 1) * area);
        probabilities.writeChunk(new long[] {slice * pages + c, 0, 0}, plane);
      }
      masks.writeChunk(new long[] {slice, 0, 0}, labels);
    }
  }

  @Override
  public void commit() {
    probabilities.commit();
    masks.commit();
    handedOver = true;
    outputs.add(probabilityTarget, staged(probabilityStage, probabilityTarget));
    outputs.add(maskTarget, staged(maskStage, maskTarget));
  }

  /** A file streamed into {@code stage} that moves to {@code target} when the command's outputs commit. */
  static OutputSet.Staged staged(Path stage, Path target) {
    return new OutputSet.Staged() {
      @Override
      public void commit() throws IOException {
        AtomicFiles.move(stage, target);
      }

      @Override
      public void abort() {
        AtomicFiles.deleteQuietly(stage);
      }
    };
  }

  @Override
  public void close() {
    probabilities.close();
    masks.close();
    if (!handedOver) {
      // One stream may have reached its stage before the other failed; the output set drops what it was given.
      AtomicFiles.deleteQuietly(probabilityStage);
      AtomicFiles.deleteQuietly(maskStage);
    }
  }
}
